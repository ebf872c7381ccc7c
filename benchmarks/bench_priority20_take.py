"""In-process A/B of priority scoring in the decision workers: ``_priority_rows`` over every decision block of a
corpus, an older ``reviewtools/pipeline.py`` (``--old``) against the tree's, outputs asserted equal (score bits and
reason strings), CPU seconds (``time.process_time``) interleaved, ``--reps`` rounds.

The tree's reason tables (``_REASON_TEXTS``, per process) start each round empty, as in a freshly forked worker,
so every round pays the tables' making and growth that a worker pays (a worker pays it once for all its blocks,
the round once for all of them: the same or more)::

    git -C /work/main show HEAD~1:reviewtools/pipeline.py > /tmp/p_old.py
    PYTHONPATH=. python benchmarks/bench_priority20_take.py --ref DIR_WITH_tagged.pkl --old /tmp/p_old.py --reps 9
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import reviewtools.pipeline as P
from reviewtools.schema import coerce


def _load(path: str) -> object:
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", path)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "reviewtools"
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True, help="a folder with tagged.pkl (bench_decisions.py's --ref)")
    ap.add_argument("--old", required=True, help="the other pipeline.py")
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--processes", type=int, default=2, help="the block size recommend uses for this many")
    a = ap.parse_args()
    old = _load(a.old)
    with (Path(a.ref) / "tagged.pkl").open("rb") as fh:
        out = coerce(pickle.load(fh))
    n = len(out)
    size = min(-(-n // (a.processes * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    pri = P._priority_inputs(out, None)
    print(f"code: {P.__file__} vs {a.old}; {n} reviews, {len(bounds)} blocks; load {os.getloadavg()[0]:.1f}")

    def new_pass() -> list:
        if hasattr(P, "_REASON_TEXTS"):
            P._REASON_TEXTS = None  # as in a freshly forked worker
        return [P._priority_rows(pri, *b) for b in bounds]

    runs = {"old": lambda: [old._priority_rows(pri, *b) for b in bounds], "new": new_pass}
    got = {k: f() for k, f in runs.items()}
    for (so, ro), (sn, rn) in zip(got["old"], got["new"]):
        a_bits = np.asarray(so.to_numpy(dtype="float64", na_value=np.nan)).view("int64")
        b_bits = np.asarray(sn.to_numpy(dtype="float64", na_value=np.nan)).view("int64")
        assert (a_bits == b_bits).all() and so.equals(sn) and ro.equals(rn)
    del got
    print("outputs equal")
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(a.reps):
        for k in ("old", "new"):
            gc.collect()
            t = time.process_time()
            runs[k]()
            times[k].append(time.process_time() - t)
    print("_priority_rows, all blocks")
    for k, v in times.items():
        each = " ".join(f"{x:.3f}" for x in v)
        print(f"  {k}: min {min(v):.3f} median {statistics.median(v):.3f} CPU s  ({each})")
    print(f"  new lower in {sum(y < x for x, y in zip(times['old'], times['new']))}/{a.reps} pairs")
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
