"""In-process A/B of the decision loop's row values (``_row_values``: each row's values as Python objects, a column at
a time): the frames of every ``_decide_rows`` call that the ``_decide_task``s of a saved slice make (set up as
bench_decide_ab.py does: the cut ``recommend`` makes for ``--processes 2``, the long frames ``_encode``d, the block
index made first), each row's values made by an old ``pipeline.py`` loaded as a second module and by this tree's,
interleaved; the values asserted equal (by repr) first. Prints CPU seconds (``time.process_time``) per round, min and
median, and in how many rounds the tree's was lower.

    git -C /work/main show ac143ff:reviewtools/pipeline.py > /tmp/pipeline_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_values_ab.py --ref /tmp/lint_work/ref150s \\
        --old /tmp/pipeline_old.py --reps 11
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib.util
import pickle
import sys
import time
from pathlib import Path

import numpy as np

import reviewtools.pipeline as NEW
from reviewtools.schema import coerce


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--old", required=True, help="another pipeline.py")
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--processes", type=int, default=2, help="the cut recommend makes for this many processes")
    args = ap.parse_args()
    print(f"code: {Path(NEW.__file__).parent}")
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)

    def load(name: str):
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            return pickle.load(fh)

    tagged, matches, hits = load("tagged"), load("matches"), load("hits")
    NEW._warm_worker()
    out = coerce(tagged)
    recs = out[[c for c in NEW.DECISION_COLUMNS if c in out.columns]]
    existing = frozenset(NEW._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    state = NEW._decision_state(NEW.ReplySettings(), NEW._encode(hits), NEW._encode(matches),
                                "sentiment_label" in out.columns, (), existing)
    n = len(recs)
    size = min(-(-n // (args.processes * NEW.CHUNKS_PER_PROCESS)), NEW.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = dataclasses.replace(state, blocks=NEW._block_index(recs, state, bounds))
    NEW._FORKED["decisions"] = (recs, state, NEW._priority_inputs(out, None))
    NEW._FORKED["shared"] = None
    frames = []
    real = NEW._decide_rows

    def spy(*a):
        frames.append(a[0])
        return real(*a)

    NEW._decide_rows = spy
    try:
        for b in bounds:
            NEW._decide_task(b)
    finally:
        NEW._decide_rows = real
    mods = {"old": old, "new": NEW}

    def run(name: str):
        mod = mods[name]
        t = time.process_time()
        got = [list(mod._row_values(f, ("created_at",))) for f in frames]
        return time.process_time() - t, got

    _, a = run("old")
    _, b = run("new")
    assert repr(a) == repr(b), "row values differ"
    print(f"{len(frames)} calls, {sum(map(len, frames)):,} rows x {len(frames[0].columns)} columns, {n:,} reviews: equal")
    del a, b
    res: dict[str, list[float]] = {"old": [], "new": []}
    gc.collect()
    gc.freeze()
    for r in range(args.reps):
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            t, got = run(name)
            del got
            res[name].append(t)
    for name, v in res.items():
        print(f"{name}: min {min(v):.4f} median {np.median(v):.4f} CPU s  " + " ".join(f"{x:.4f}" for x in v))
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", args.reps)


if __name__ == "__main__":
    main()
