"""Measure the set-level duplicate check (``find_duplicates``) on N reviews: CPU seconds and peak memory.

    .venv/bin/python benchmarks/bench_duplicates.py --reviews 1000000 [--input reviews.csv] [--breakdown] [--threads 2]
    git show 0140a04:reviewtools/duplicates.py > /tmp/dup_before.py
    .venv/bin/python benchmarks/bench_duplicates.py --reviews 1000000 --against /tmp/dup_before.py --rounds 2

Reads ``benchmarks/out/reviews_<N>_seed8.csv`` (or ``--input``; else generates one with
``benchmarks/generate.py`` into ``.work/``) with ``read_reviews``, caches the frame as a pickle in ``.work/``
so reruns skip the ingest, then times ``find_duplicates`` alone. Reports CPU seconds (``time.process_time``:
the machine is shared, wall seconds move with other people's load), wall seconds, the process's RSS before the
call and its peak during it (``VmHWM`` reset through ``/proc/self/clear_refs`` where Linux allows, else the
lifetime ``ru_maxrss``), the load average, and the hit counts. ``--breakdown`` logs CPU seconds per step.

``--against FILE`` is an interleaved A/B in one process (the machine is shared: separate runs see different
loads): FILE is an earlier ``reviewtools/duplicates.py`` (e.g. from ``git show``), loaded as a module of the
package; the two run alternately ``--rounds`` times on the same frame, their CPU seconds are printed per round,
and their outputs must be frame-equal (exit status 1 if not). ``--threads N`` passes ``threads=N`` to the current
``find_duplicates`` (the earlier one runs as it is); ``--threads-ab`` instead alternates the current check at 1 and
at 2 threads (wall and CPU seconds per round, outputs compared). CPU seconds include every thread's.
``--numpy`` runs the current check without its native core (``reviewtools._dupcore``): the numpy path, as where
the module is not built. With ``--against reviewtools/duplicates.py`` it is a native (FILE, which imports the
core itself) against numpy (now) A/B of the same code.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from reviewtools.duplicates import find_duplicates
from reviewtools.ingest import read_reviews

ROOT = Path(__file__).resolve().parents[1]


def _status(field: str) -> int:
    """A ``/proc/self/status`` memory field in MB (-1 where there is no procfs)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return -1


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (the peak RSS) to the current RSS
        return True
    except OSError:
        return False


def _frame(n: int, path: Path | None) -> pd.DataFrame:
    path = path or ROOT / "benchmarks" / "out" / f"reviews_{n}_seed8.csv"
    if not path.exists():
        path = ROOT / ".work" / f"bench_duplicates_{n}.csv"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            rc = subprocess.call([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--reviews", str(n),
                                  "--out", str(path)])
            if rc:
                raise SystemExit("could not generate the corpus (is ../shared/datasets there?)")
    cache = ROOT / ".work" / f"{path.stem}.reviews.pkl"
    if cache.exists() and cache.stat().st_mtime >= path.stat().st_mtime:
        return pd.read_pickle(cache)
    frame = read_reviews(path).reviews
    cache.parent.mkdir(parents=True, exist_ok=True)
    frame.to_pickle(cache)
    return frame


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--input", type=Path, help="a review export (default: the benchmark corpus of that size)")
    ap.add_argument("--breakdown", action="store_true", help="log CPU seconds per step of the check")
    ap.add_argument("--against", type=Path, help="an earlier duplicates.py: interleaved A/B, outputs compared")
    ap.add_argument("--rounds", type=int, default=2, help="A/B rounds (with --against or --threads-ab)")
    ap.add_argument("--threads", type=int, default=1, help="find_duplicates(threads=N) for the current check")
    ap.add_argument("--threads-ab", action="store_true", help="alternate threads=1 and threads=2, outputs compared")
    ap.add_argument("--numpy", action="store_true", help="the current check without its native core (numpy path)")
    args = ap.parse_args(argv)
    if args.numpy:
        import reviewtools.duplicates as dup

        dup._dupcore = None
    if args.breakdown:
        logging.basicConfig(format="%(message)s")
        logging.getLogger("reviewtools.duplicates").setLevel(logging.DEBUG)
    frame = _frame(args.reviews, args.input).head(args.reviews)
    if args.against:
        return _ab(frame, args.against, args.rounds, args.threads)
    if args.threads_ab:
        return _threads_ab(frame, args.rounds)
    before = _status("VmRSS")
    reset = _reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    out = find_duplicates(frame, threads=args.threads)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = _status("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    hits = out[out.outcome == "hit"]
    print(f"find_duplicates {len(frame):>9,} reviews, threads={args.threads}  cpu {cpu:6.1f} s  wall {wall:6.1f} s  "
          f"({cpu / max(len(frame), 1) * 1e6:.0f} us/review cpu)")
    print(f"rss before {before:,} MB, peak during {peak:,} MB ({'VmHWM reset' if reset else 'lifetime ru_maxrss'}),"
          f" step {peak - before:,} MB")
    print(f"hits {len(hits):,} ({', '.join(f'{k} {v:,}' for k, v in hits.rule_id.value_counts().items())}); "
          f"not run {(out.outcome == 'not_run').sum():,}")
    print("load average", " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists()
          else "n/a")
    return 0


def _load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "n/a"


def _threads_ab(frame: pd.DataFrame, rounds: int) -> int:
    """The current check at 1 and 2 threads, alternately: wall and CPU seconds per round, outputs compared."""
    outs: dict[int, pd.DataFrame] = {}
    same = True
    for r in range(rounds):
        for threads in (1, 2):
            outs.pop(threads, None)
            wall, cpu = time.perf_counter(), time.process_time()
            outs[threads] = find_duplicates(frame, threads=threads)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"round {r + 1} threads={threads}: wall {wall:6.2f} s  cpu {cpu:6.2f} s  load {_load_avg()}",
                  flush=True)
        try:
            pd.testing.assert_frame_equal(outs[1], outs[2], check_exact=True)
        except AssertionError:
            same = False
    print(f"outputs {'frame-equal' if same else 'DIFFER'} ({len(outs[1]):,} rows)")
    return 0 if same else 1


def _ab(frame: pd.DataFrame, path: Path, rounds: int, threads: int = 1) -> int:
    spec = importlib.util.spec_from_file_location("reviewtools._duplicates_before", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    before = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(before)
    cpu: dict[str, list[float]] = {"before": [], "now": []}
    outs: dict[str, pd.DataFrame] = {}
    for _ in range(rounds):
        for name, fn in (("before", before.find_duplicates), ("now", lambda f: find_duplicates(f, threads=threads))):
            outs.pop(name, None)
            t = time.process_time()
            outs[name] = fn(frame)
            cpu[name].append(time.process_time() - t)
    same = True
    try:
        pd.testing.assert_frame_equal(outs["before"], outs["now"], check_exact=True)
    except AssertionError:
        same = False
    print(f"find_duplicates {len(frame):,} reviews, CPU s per round: before {[round(x, 2) for x in cpu['before']]}"
          f", now {[round(x, 2) for x in cpu['now']]} (min {min(cpu['before']):.2f} -> {min(cpu['now']):.2f})")
    print(f"outputs {'frame-equal' if same else 'DIFFER'} ({len(outs['now']):,} rows)")
    print("load average", " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists()
          else "n/a")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
