"""In-process A/B of the decision loop's single spacing (``" ".join(text.split())`` of hit evidence and complaint
quotes): every text ``_decide_rows`` single-spaces over the ``_decide_task``s of a saved slice (set up as
bench_decide_ab.py does: the cut ``recommend`` makes for ``--processes 2``, the long frames ``_encode``d, the block
index made first), recorded once from the tasks (the old ``pipeline.py``'s ``_spaced`` spied on), then spaced by the
old module's ``_spaced`` (Python) and by this tree's ``_native_spaced()`` (``_storecore.spaced``), interleaved, the
results asserted equal first. Prints CPU seconds (``time.process_time``) per round, min and median, and in how many
rounds the tree's was lower.

    git -C /work/main show ac143ff:reviewtools/pipeline.py > /tmp/pipeline_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_spaced_ab.py --ref /tmp/lint_work/ref150s \\
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
    ap.add_argument("--old", required=True, help="another pipeline.py (its _spaced is the Python one)")
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--processes", type=int, default=2, help="the cut recommend makes for this many processes")
    args = ap.parse_args()
    print(f"code: {Path(NEW.__file__).parent}")
    native = NEW._native_spaced()
    if native is None:
        sys.exit("this tree's _storecore.spaced is not built (or REVIEWTOOLS_PURE_PYTHON is set)")
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)

    def load(name: str):
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            return pickle.load(fh)

    tagged, matches, hits = load("tagged"), load("matches"), load("hits")
    old._warm_worker()
    out = coerce(tagged)
    recs = out[[c for c in old.DECISION_COLUMNS if c in out.columns]]
    existing = frozenset(old._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    state = old._decision_state(old.ReplySettings(), old._encode(hits), old._encode(matches),
                                "sentiment_label" in out.columns, (), existing)
    n = len(recs)
    size = min(-(-n // (args.processes * old.CHUNKS_PER_PROCESS)), old.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = dataclasses.replace(state, blocks=old._block_index(recs, state, bounds))
    old._FORKED["decisions"] = (recs, state, old._priority_inputs(out, None))
    old._FORKED["shared"] = None
    texts: list[str] = []
    real = old._spaced

    def spy(text):
        texts.append(text)
        return real(text)

    old._spaced = spy
    try:
        for b in bounds:
            old._decide_task(b)
    finally:
        old._spaced = real
    a = [real(t) for t in texts]
    b = [native(t) for t in texts]
    assert a == b, "spaced texts differ"
    changed = sum(x != t for x, t in zip(a, texts))
    print(f"{len(texts):,} texts ({changed:,} changed by the spacing, {sum(not t.isascii() for t in texts):,} not "
          f"ASCII, mean length {np.mean([len(t) for t in texts]):.0f}), {n:,} reviews: equal")
    del a, b
    fns = {"old": real, "new": native}

    def run(name: str) -> float:
        f = fns[name]
        t = time.process_time()
        for x in texts:
            f(x)
        return time.process_time() - t

    res: dict[str, list[float]] = {"old": [], "new": []}
    gc.collect()
    gc.freeze()
    for r in range(args.reps):
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            res[name].append(run(name))
    for name, v in res.items():
        print(f"{name}: min {min(v):.4f} median {np.median(v):.4f} CPU s  " + " ".join(f"{x:.4f}" for x in v))
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", args.reps)


if __name__ == "__main__":
    main()
