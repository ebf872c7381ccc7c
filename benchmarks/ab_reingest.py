"""Old code against new, interleaved: the CLI store-only ingest (first and re-ingest) and ``read_reviews``.

    .venv/bin/python benchmarks/ab_reingest.py --old-tree /tmp/old --csv benchmarks/out/reviews_1000000_seed8.csv
    .venv/bin/python benchmarks/ab_reingest.py --old-tree /tmp/old --csv ... --read-only --rounds 3

``--old-tree`` is a ``git archive <commit> | tar -x -C DIR`` tree (copy ``reviewtools/_vadercore*.so`` in); every run
is a fresh process started in ``/tmp`` with ``PYTHONPATH`` set to that tree (the working tree runs without it), with
bytecode cached as in an installed package. The machine is shared, so only CPU seconds (user + system of the child)
are compared and the load average is printed beside each round.

1. **First ingest**: ``reviewtools ingest CSV --db NEW.db --no-triage`` once per tree, each into its own fresh store
   (each tree's own raw state).
2. **Re-ingest**, ``--rounds`` times, old and new in turn: the next export (``store_bench.next_export``: 1% of the
   reviews new or edited, the same file ``store_bench.py`` uses) into a fresh copy of that tree's first store.
   Last lines: per tree the first ingest's CPU, the re-ingest's median and minimum and ``reingest_cpu_ratio``
   (median re-ingest over first ingest), the measure of issue 8's goal (<= 0.05).
3. ``--read-only``: ``read_reviews(CSV)`` in a fresh process per tree and round instead (CPU of the call).

Stores and the next export are written under ``--work`` (default ``.work/ab_reingest``; about 2 GB for 1M).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from store_bench import next_export  # noqa: E402  (the same next export as store_bench.py)


def _env(tree: str | None, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPYCACHEPREFIX"] = str(work / ("pycache_old" if tree else "pycache_new"))
    if tree:
        env["PYTHONPATH"] = tree
    return env


def _child(args: list[str], tree: str | None, work: Path) -> tuple[float, str]:
    """Run ``python ARGS`` in /tmp (so the working tree is not on sys.path): (child CPU seconds, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, *args], env=_env(tree, work), cwd="/tmp", capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc.stdout


def _fresh(db: Path) -> None:
    for ext in ("", "-wal", "-shm"):
        Path(str(db) + ext).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old-tree", required=True, help="a git archive of the old commit")
    ap.add_argument("--csv", type=Path, required=True, help="a corpus CSV written by benchmarks/generate.py")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--read-only", action="store_true", help="time read_reviews instead of the CLI ingest")
    ap.add_argument("--work", type=Path, default=REPO / ".work" / "ab_reingest")
    args = ap.parse_args(argv)
    args.work = args.work.resolve()  # the children run in /tmp: a relative path would point there
    args.work.mkdir(parents=True, exist_ok=True)
    csv = args.csv.resolve()
    trees: dict[str, str | None] = {"old": str(Path(args.old_tree).resolve()), "new": None}
    print(f"{csv.name}: old {trees['old']}, new {REPO}; load average {os.getloadavg()[0]:.1f}", flush=True)
    if args.read_only:
        code = ("import time; from reviewtools.ingest import read_reviews; c = time.process_time(); "
                f"r = read_reviews({str(csv)!r}); print(time.process_time() - c, len(r.reviews), len(r.rejects))")
        got: dict[str, list[float]] = {k: [] for k in trees}
        for r in range(args.rounds):
            cells = []
            for name, tree in trees.items():
                _, out = _child(["-c", code], tree, args.work)
                got[name].append(float(out.split()[0]))
                cells.append(f"{name} {got[name][-1]:.3f} ({' '.join(out.split()[1:])} rows, rejects)")
            print(f"round {r}: " + "; ".join(cells) + f"  load {os.getloadavg()[0]:.1f}", flush=True)
        for name, v in got.items():
            print(f"{name}: read_reviews median {statistics.median(v):.3f} min {min(v):.3f} CPU s")
        return 0
    second = args.work / f"{csv.stem}_next.csv"
    if not second.exists():
        next_export(csv, second, 0.01)
    first: dict[str, float] = {}
    for name, tree in trees.items():
        db = args.work / f"first_{name}.db"
        _fresh(db)
        t = time.perf_counter()
        first[name], out = _child(["-m", "reviewtools.cli", "ingest", str(csv), "--db", str(db), "--no-triage"],
                                  tree, args.work)
        print(f"first ingest {name}: {first[name]:.2f} CPU s ({time.perf_counter() - t:.1f} s wall), load "
              f"{os.getloadavg()[0]:.1f} | {out.splitlines()[-1].split(None, 2)[-1]}", flush=True)
    again: dict[str, list[float]] = {k: [] for k in trees}
    for r in range(args.rounds):
        cells = []
        for name, tree in trees.items():
            db = args.work / "again.db"
            _fresh(db)
            shutil.copy(args.work / f"first_{name}.db", db)
            cpu, out = _child(["-m", "reviewtools.cli", "ingest", str(second), "--db", str(db), "--no-triage"],
                              tree, args.work)
            again[name].append(cpu)
            counts = out.splitlines()[-1].split()[3:7]
            cells.append(f"{name} {cpu:.3f} (new/changed/unchanged/rejected {'/'.join(counts)})")
        print(f"re-ingest round {r}: " + "; ".join(cells) + f"  load {os.getloadavg()[0]:.1f}", flush=True)
    _fresh(args.work / "again.db")
    for name, v in again.items():
        med = statistics.median(v)
        print(f"{name}: first {first[name]:.2f} CPU s, re-ingest median {med:.3f} (min {min(v):.3f}) over {len(v)}; "
              f"reingest_cpu_ratio {med / first[name]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
