"""In-process A/B of the decision blocks' grouping (``_DecisionState.grouped_block``: each block's hit dicts, not-run
checks per row and complaints from the block index): every block of a saved slice (set up as bench_decide_ab.py
does: the cut ``recommend`` makes for ``--processes 2``, the long frames ``_encode``d, the block index made first),
with an old ``pipeline.py`` loaded as a second module and this tree's, interleaved; every block's groups asserted
equal first. Prints CPU seconds (``time.process_time``) per round, min and median, and in how many rounds the tree's
was lower.

    git -C /work/main show ac143ff:reviewtools/pipeline.py > /tmp/pipeline_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_groups_ab.py --ref /tmp/lint_work/ref150s \\
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
    out = coerce(tagged)
    setups = {}
    for name, mod in (("old", old), ("new", NEW)):
        recs = out[[c for c in mod.DECISION_COLUMNS if c in out.columns]]
        state = mod._decision_state(mod.ReplySettings(), mod._encode(hits), mod._encode(matches),
                                    "sentiment_label" in out.columns, (), frozenset())
        n = len(recs)
        size = min(-(-n // (args.processes * mod.CHUNKS_PER_PROCESS)), mod.DECISION_MAX_BLOCK)
        bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
        setups[name] = (dataclasses.replace(state, blocks=mod._block_index(recs, state, bounds)), bounds)

    def run(name: str):
        state, bounds = setups[name]
        t = time.process_time()
        got = [state.grouped_block(a, b - a) for a, b in bounds]
        return time.process_time() - t, got

    _, a = run("old")
    _, b = run("new")
    for x, y in zip(a, b, strict=True):
        assert repr(x[0]) == repr(y[0]) and x[2] == y[2], "groups differ"
        assert np.array_equal(x[1].codes, y[1].codes) and x[1].lists == y[1].lists
        assert np.array_equal(x[1].special, y[1].special)
    print(f"{len(a)} blocks, {sum(len(v) for g in a for v in g[0].values()):,} hit rows, {len(out):,} reviews: equal")
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
