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

``--old-tree DIR`` is an interleaved A/B of whole trees in fresh processes, as ``run_triage`` runs the check (in
a process forked from one holding the frame): DIR is a ``git archive`` of an earlier commit with its native
modules built in place; each round runs this script with ``PYTHONPATH=DIR`` and then with this tree, each in a
new process that loads the frame and forks a child for ``find_duplicates``; the child's user and system CPU
seconds and minor page faults are printed with the load average, and the outputs must be frame-equal (exit
status 1 if not); ``--huge-pages-off`` forks both with transparent huge pages off, as ``run_triage`` now forks
the check beside its workers. The cached frame keeps the Arrow chunks of ``read_reviews``' string columns (a pickled frame
would join them, and the check reads chunked columns in the pipeline).
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

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
    cache = ROOT / ".work" / f"{path.stem}.reviews_chunked.pkl"
    if cache.exists() and cache.stat().st_mtime >= path.stat().st_mtime:
        return _load_chunked(cache)
    frame = read_reviews(path).reviews
    cache.parent.mkdir(parents=True, exist_ok=True)
    cols: dict[str, Any] = {}
    for c in frame.columns:  # string columns as their Arrow chunks (pickling a frame joins them)
        arr = frame[c].array
        chunked = getattr(arr, "_pa_array", None)
        cols[c] = ("arrow", chunked.chunks, chunked.type) if isinstance(frame[c].dtype, pd.StringDtype) and \
            isinstance(chunked, pa.ChunkedArray) else ("pandas", frame[c], None)
    with open(cache, "wb") as fh:
        pickle.dump((frame.index, cols), fh, protocol=5)
    return frame


def _load_chunked(cache: Path) -> pd.DataFrame:
    with open(cache, "rb") as fh:
        index, cols = pickle.load(fh)
    out = {c: pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(x, type=t)), index=index, name=c)
           if kind == "arrow" else x for c, (kind, x, t) in cols.items()}
    return pd.DataFrame(out, index=index)


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
    ap.add_argument("--old-tree", type=Path, help="an earlier tree (git archive, modules built): fresh-process A/B")
    ap.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)  # (one forked measurement, for --old-tree)
    ap.add_argument("--huge-pages-off", action="store_true",
                    help="with --old-tree: fork the check with transparent huge pages off (as run_triage does since "
                         "06ecfb1), for both trees")
    args = ap.parse_args(argv)
    if args.old_tree:
        return _tree_ab(args)
    if args.numpy:
        import reviewtools.duplicates as dup

        dup._dupcore = None
    if args.breakdown:
        logging.basicConfig(format="%(message)s")
        logging.getLogger("reviewtools.duplicates").setLevel(logging.DEBUG)
    frame = _frame(args.reviews, args.input).head(args.reviews)
    if args.child_out:
        if args.huge_pages_off:  # inherited by the forked child, as from run_triage's parent
            from reviewtools.ingest import _huge_pages_off

            with _huge_pages_off():
                return _forked(frame, args.child_out)
        return _forked(frame, args.child_out)
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


def _forked(frame: pd.DataFrame, out: Path) -> int:
    """``find_duplicates`` in a child forked from this process (as ``run_triage`` runs it beside the workers):
    one line of the child's CPU seconds (user, system), minor faults and wall seconds; its output to ``out``."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        r0, t = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        got = find_duplicates(frame)
        r1, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - t
        got.to_pickle(out)
        os.write(w, f"{r1.ru_utime - r0.ru_utime:.2f} {r1.ru_stime - r0.ru_stime:.2f} "
                    f"{r1.ru_minflt - r0.ru_minflt} {wall:.2f}".encode())
        os._exit(0)
    os.close(w)
    line = os.read(r, 200).decode()
    os.waitpid(pid, 0)
    print(line)
    return 0 if line else 1


def _tree_ab(args: argparse.Namespace) -> int:
    """Interleaved fresh processes of an old tree and this one (see the module docstring)."""
    work = ROOT / ".work" / "bench_duplicates_ab"
    work.mkdir(parents=True, exist_ok=True)
    _frame(args.reviews, args.input)  # the cached frame, before the rounds
    trees = {"old": args.old_tree.resolve(), "new": ROOT}
    cpu: dict[str, list[float]] = {"old": [], "new": []}
    base = [sys.executable, str(Path(__file__).resolve()), "--reviews", str(args.reviews)]
    if args.input:
        base += ["--input", str(args.input)]
    if args.huge_pages_off:
        base += ["--huge-pages-off"]
    for r in range(args.rounds):
        for name, tree in trees.items():
            env = {**os.environ, "PYTHONPATH": str(tree)}
            out = work / f"{name}.pkl"
            got = subprocess.run([*base, "--child-out", str(out)], env=env, capture_output=True, text=True,
                                 cwd=str(work))
            if got.returncode:
                print(got.stderr)
                return 2
            user, system, faults, wall = got.stdout.split()[-4:]
            cpu[name].append(float(user) + float(system))
            print(f"round {r + 1} {name}: cpu {cpu[name][-1]:6.2f} s (user {user}, sys {system}), minflt {faults}, "
                  f"wall {wall} s, load {_load_avg()}", flush=True)
    same = True
    try:
        pd.testing.assert_frame_equal(pd.read_pickle(work / "old.pkl"), pd.read_pickle(work / "new.pkl"),
                                      check_exact=True)
    except AssertionError:
        same = False
    print(f"find_duplicates {args.reviews:,} reviews, forked child CPU s: old {cpu['old']} new {cpu['new']} "
          f"(median {sorted(cpu['old'])[len(cpu['old']) // 2]:.2f} -> {sorted(cpu['new'])[len(cpu['new']) // 2]:.2f})")
    print(f"outputs {'frame-equal' if same else 'DIFFER'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
