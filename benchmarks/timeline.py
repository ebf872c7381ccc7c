"""Where the cores stand idle in a triage: a timeline of every pool task (issue 8).

    .venv/bin/python benchmarks/timeline.py --corpus benchmarks/out/reviews_1000000_seed8.csv [--processes 2]

Runs ``read_reviews`` and ``pipeline.run_triage`` as ``run.py`` does, with the pool tasks wrapped (the per-review
partition tasks, the cross-review task beside them, the decision blocks): each task's process, start and end
(``time.perf_counter``, one clock for every process on Linux) and CPU seconds go to a file, read back at the end.
Then, per step, the busy process-seconds of the tasks against the step's wall x the core count: the **idle
core-seconds** (a core with no task of ours on it), and the tail (from the first worker that has no task left
to the step's end). The parent's own work (joins, decodes, the decisions' set-up) is not a task: the gaps
between the tasks show it. Nothing is timed in the tests; this only reads the clock around the library's calls.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from reviewtools import ingest, pipeline

_LOG: str | None = None


def _logged(kind: str, fn):  # type: ignore[no-untyped-def]
    def run(*args):  # type: ignore[no-untyped-def]
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return fn(*args)
        finally:
            t1, c1 = time.perf_counter(), time.process_time()
            with open(_LOG, "a") as f:  # type: ignore[arg-type]
                f.write(f"{kind}\t{os.getpid()}\t{t0:.6f}\t{t1:.6f}\t{c1 - c0:.6f}\n")
    run.__name__ = fn.__name__
    run.__qualname__ = fn.__qualname__
    run.__module__ = fn.__module__
    return run


def _busy(tasks: list[tuple[str, int, float, float, float]], a: float, b: float, cores: int, step: float = 0.01
          ) -> tuple[float, float]:
    """Idle core-seconds in [a, b] (cores minus running tasks, when positive) and the core-seconds of tasks
    beyond the core count (oversubscribed)."""
    idle = over = 0.0
    t = a
    while t < b:
        running = sum(1 for _, _, s, e, _ in tasks if s <= t < e)
        idle += max(0, cores - running) * step
        over += max(0, running - cores) * step
        t += step
    return idle, over


def main() -> int:
    global _LOG
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args()
    print(f"code: {Path(pipeline.__file__).parent}")
    fd, _LOG = tempfile.mkstemp(prefix="timeline-", suffix=".tsv")
    os.close(fd)
    # patched before any fork: the pools pickle the functions by name and the forked children see these
    pipeline._partition_task = _logged("partition", pipeline._partition_task)
    pipeline._cross_review_task = _logged("duplicates", pipeline._cross_review_task)
    pipeline._decide_task = _logged("decide", pipeline._decide_task)
    marks: dict[str, float] = {}
    marks["start"] = time.perf_counter()
    frame = ingest.read_reviews(args.corpus).reviews
    marks["ingested"] = time.perf_counter()
    timings: dict[str, float] = {}
    pipeline.run_triage(frame, processes=args.processes, timings=timings)
    marks["end"] = time.perf_counter()
    rows = [line.rstrip("\n").split("\t") for line in open(_LOG)]
    os.unlink(_LOG)
    tasks = [(k, int(p), float(s), float(e), float(c)) for k, p, s, e, c in rows]
    t0 = marks["start"]
    print(f"{len(frame):,} reviews, {args.processes} processes; ingest {marks['ingested'] - t0:.2f} s, "
          f"whole {marks['end'] - t0:.2f} s")
    cores = os.cpu_count() or args.processes
    for kinds, name in (({"partition", "duplicates"}, "per-review step"), ({"decide"}, "decisions")):
        ts = sorted((t for t in tasks if t[0] in kinds), key=lambda t: t[2])
        if not ts:
            continue
        a, b = min(t[2] for t in ts), max(t[3] for t in ts)
        idle, over = _busy(ts, a, b, cores)
        work = [t for t in ts if t[0] != "duplicates"]
        last_start = max(t[2] for t in work)
        ends = sorted({t[1]: t[3] for t in work}.values())
        print(f"\n{name}: first task {a - t0:.2f} s .. last end {b - t0:.2f} s ({b - a:.2f} s), {len(ts)} tasks, "
              f"task CPU {sum(t[4] for t in ts):.1f} s; idle core-seconds inside it {idle:.2f}, oversubscribed "
              f"{over:.2f}; last task started {last_start - t0:.2f} s; each process's last end: "
              + ", ".join(f"{e - t0:.2f}" for e in ends))
        for k, p, s, e, c in ts:
            print(f"  {k:10s} pid {p:7d} {s - t0:7.2f} -> {e - t0:7.2f}  ({e - s:5.2f} s wall, {c:5.2f} CPU s)")
    part = [t for t in tasks if t[0] in ("partition", "duplicates")]
    dec = [t for t in tasks if t[0] == "decide"]
    if part and dec:
        gap = min(t[2] for t in dec) - max(t[3] for t in part)
        print(f"\nbetween the last per-review task and the first decision block: {gap:.2f} s (the parent alone: "
              f"joins, decodes, the decisions' set-up)")
        print(f"after the last decision block: {marks['end'] - max(t[3] for t in dec):.2f} s")
    print(f"before the first task (after ingest): {min(t[2] for t in tasks) - marks['ingested']:.2f} s")
    print("timings: " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
