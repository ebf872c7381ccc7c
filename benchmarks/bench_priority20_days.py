"""In-process A/B of priority's days before the newest review (``_days_before``) over every decision block of a
corpus, an older ``reviewtools/pipeline.py`` (``--old``) against the tree's, the floats asserted equal bit for bit,
CPU seconds (``time.process_time``) interleaved, ``--reps`` rounds::

    git -C /work/main show HEAD~1:reviewtools/pipeline.py > /tmp/p_old.py
    PYTHONPATH=. python benchmarks/bench_priority20_days.py --ref DIR_WITH_tagged.pkl --old /tmp/p_old.py --reps 11
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

import reviewtools.pipeline as P
from reviewtools.schema import coerce


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True, help="a folder with tagged.pkl (bench_decisions.py's --ref)")
    ap.add_argument("--old", required=True, help="the other pipeline.py")
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--processes", type=int, default=2, help="the block size recommend uses for this many")
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", a.old)
    old = importlib.util.module_from_spec(spec)
    old.__package__ = "reviewtools"
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)
    with (Path(a.ref) / "tagged.pkl").open("rb") as fh:
        out = coerce(pickle.load(fh))
    n = len(out)
    size = min(-(-n // (a.processes * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    pri = P._priority_inputs(out, None)
    blocks = [pri.created.iloc[i : min(n, i + size)] for i in range(0, n, size)]
    print(f"code: {P.__file__} vs {a.old}; {n} reviews, {len(blocks)} blocks, {pri.created.dtype}; "
          f"load {os.getloadavg()[0]:.1f}")
    for s in blocks:
        got = P._days_before(s, pri.ref).to_numpy().view("int64")
        assert (got == old._days_before(s, pri.ref).to_numpy().view("int64")).all()
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(a.reps):
        for k, mod in (("old", old), ("new", P)):
            gc.collect()
            t = time.process_time()
            for s in blocks:
                mod._days_before(s, pri.ref)
            times[k].append(time.process_time() - t)
    for k, v in times.items():
        each = " ".join(f"{x:.4f}" for x in v)
        print(f"{k}: min {min(v):.4f} median {statistics.median(v):.4f} CPU s  ({each})")
    print(f"new lower in {sum(y < x for x, y in zip(times['old'], times['new']))}/{a.reps} pairs; "
          f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
