"""In-process A/B of the decision workers' priority scoring (``_priority_rows`` over a corpus's decision blocks).

Loads another ``reviewtools/pipeline.py`` (``--old``, e.g. ``git show HEAD~1:reviewtools/pipeline.py > /tmp/p.py``) as
a second module next to the imported one, scores the same blocks with both, asserts equal outputs, then times
old/new interleaved (CPU seconds, ``time.process_time``)::

    PYTHONPATH=. python benchmarks/bench_priority_ab.py --ref REF_DIR_WITH_tagged.pkl --old /tmp/p.py --reps 9
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
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
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--processes", type=int, default=2, help="the block size recommend uses for this many")
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", a.old)
    old = importlib.util.module_from_spec(spec)
    old.__package__ = "reviewtools"
    sys.modules[spec.name] = old  # dataclasses look their module up
    spec.loader.exec_module(old)
    with (Path(a.ref) / "tagged.pkl").open("rb") as fh:
        out = coerce(pickle.load(fh))
    n = len(out)
    size = min(-(-n // (a.processes * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    pri = P._priority_inputs(out, None)
    print(f"code: {P.__file__} vs {a.old}; {n} reviews, {len(bounds)} blocks")
    runs = {"old": lambda: [old._priority_rows(pri, *b) for b in bounds],
            "new": lambda: [P._priority_rows(pri, *b) for b in bounds]}
    got = {k: f() for k, f in runs.items()}
    for (so, ro), (sn, rn) in zip(got["old"], got["new"]):
        assert so.equals(sn) and list(ro) == list(rn)
    del got
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(a.reps):
        for k in ("old", "new"):
            gc.collect()
            t = time.process_time()
            runs[k]()
            times[k].append(time.process_time() - t)
    for k, v in times.items():
        print(f"{k}: min {min(v):.3f} median {statistics.median(v):.3f} CPU s  ({' '.join(f'{x:.3f}' for x in v)})")
    print(f"new lower in {sum(n_ < o for o, n_ in zip(times['old'], times['new']))}/{a.reps} pairs")


if __name__ == "__main__":
    main()
