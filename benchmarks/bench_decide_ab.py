"""In-process A/B of the decision workers' tasks: every ``_decide_task`` of a saved slice (as ``recommend`` cuts it for
``--processes 2``, the long frames ``_encode``d as run_triage holds them, the block index made first), with an old
``pipeline.py`` loaded as a second module and this tree's, interleaved; every block's columns and redo rows asserted
equal first. Prints CPU seconds (``time.process_time``) per round, min and median, and in how many rounds the tree's
was lower: on a loaded machine steadier than comparing separate pool runs.

    git -C /work/main show a676fbc:reviewtools/pipeline.py > /tmp/pipeline_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_ab.py --ref /tmp/lint_work/ref150s \\
        --old /tmp/pipeline_old.py --reps 9

``--ref``: a folder of ``bench_stages.py save`` (``tagged.pkl``, ``matches.pkl``, ``hits.pkl``). The old module
imports this tree's other modules (respond, rules, ...): only ``pipeline.py`` differs.
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
    ap.add_argument("--reps", type=int, default=7)
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
    NEW.recommend(tagged.iloc[:50], hits.iloc[:0], matches.iloc[:0], processes=1)
    out = coerce(tagged)
    setups = {}
    for name, mod in (("old", old), ("new", NEW)):
        recs = out[[c for c in mod.DECISION_COLUMNS if c in out.columns]]
        existing = frozenset(mod._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
        state = mod._decision_state(mod.ReplySettings(), mod._encode(hits), mod._encode(matches),
                                    "sentiment_label" in out.columns, (), existing)
        n = len(recs)
        size = min(-(-n // (args.processes * mod.CHUNKS_PER_PROCESS)), mod.DECISION_MAX_BLOCK)
        bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
        state = dataclasses.replace(state, blocks=mod._block_index(recs, state, bounds))
        mod._FORKED["decisions"] = (recs, state, mod._priority_inputs(out, None))
        mod._FORKED["shared"] = None  # the columns stay in the packed blocks (no files)
        setups[name] = (mod, bounds)

    def run(name: str):
        mod, bounds = setups[name]
        lints = getattr(mod._FORKED["decisions"][1], "lints", None)
        if lints is not None:  # the triage's lint memo (one worker's, cold each round, as in a new triage)
            lints.clear()
        t = time.process_time()
        got = [mod._decide_task(b) for b in bounds]
        return time.process_time() - t, got

    _, a = run("old")
    _, b = run("new")
    for x, y in zip(a, b, strict=True):
        assert x.n == y.n and x.redo == y.redo and list(x.columns) == list(y.columns)
        for c in x.columns:
            assert list(x.columns[c]) == list(y.columns[c]), c
    print(f"{len(a)} blocks, {len(out):,} reviews: equal")
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
        print(f"{name}: min {min(v):.3f} median {np.median(v):.3f} CPU s  " + " ".join(f"{x:.3f}" for x in v))
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", args.reps)


if __name__ == "__main__":
    main()
