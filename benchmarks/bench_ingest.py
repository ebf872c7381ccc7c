"""Time ``read_reviews`` on big exports (no timed assertions in tests; measure here).

    .venv/bin/python benchmarks/generate.py --reviews 1000000 --out .work/reviews_1m.csv
    .venv/bin/python benchmarks/bench_ingest.py .work/reviews_1m.csv [--as-generic]

``--as-generic`` first rewrites the file once with foreign headers (Stars, Review Title, Review, Date in
"January 15, 2024" form, Reviewer, ASIN) and no review id, so the header mapper, the written-date parser and
the derived review ids are timed too. Prints wall and CPU time (``time.process_time``: steadier on a shared
machine), rows per second, the load average and the peak RSS of this process.

``--old-tree DIR --rounds N`` instead runs ``read_reviews`` in fresh processes, alternately from an old tree
(``git archive <commit> | tar -x -C DIR``, put first on ``PYTHONPATH``) and from this one, N rounds each, and
prints per run CPU (user + system, ``getrusage`` user and system apart), the main thread's CPU
(``time.thread_time``: what a second core cannot take over, the wall on an otherwise idle 2-core machine when the
CSV is parsed in two parts), wall, minor faults and peak RSS, then the median and minimum of each side::

    .venv/bin/python benchmarks/bench_ingest.py benchmarks/out/reviews_1000000_seed8.csv --old-tree /tmp/old --rounds 3

``--old-tree DIR --compare`` instead reads the files once with each tree (fresh processes) and checks that the
results are exactly equal: the reviews and rejects frames (``assert_frame_equal(check_exact=True)``, dtypes
included), the format and every ``FileReport`` field (counts, duplicates, conflicting duplicates, dates)::

    .venv/bin/python benchmarks/bench_ingest.py benchmarks/out/reviews_1000000_seed8.csv --old-tree /tmp/old --compare
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from reviewtools import read_reviews


def as_generic(src: Path) -> Path:
    """Rewrite a canonical CSV in a foreign layout without ids (once; cached beside the source)."""
    out = src.with_name(src.stem + "_generic.csv")
    if not out.exists():
        f = pd.read_csv(src, dtype=str, keep_default_na=False)
        dates = pd.to_datetime(f["created_at"], utc=True).dt.strftime("%B %d, %Y")
        pd.DataFrame({"Stars": f["rating"], "Review Title": f["title"], "Review": f["text"], "Date": dates,
                      "Reviewer": f["author"], "ASIN": f["product_id"]}).to_csv(out, index=False)
    return out


_CHILD = r"""
import resource, sys, time
import reviewtools
from reviewtools import read_reviews
r0 = resource.getrusage(resource.RUSAGE_SELF); c = time.process_time(); t = time.perf_counter(); m = time.thread_time()
read_reviews(sys.argv[1:])
m = time.thread_time() - m
r1 = resource.getrusage(resource.RUSAGE_SELF)
print(time.process_time() - c, time.perf_counter() - t, r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime,
      r1.ru_minflt - r0.ru_minflt, r1.ru_maxrss / 1024, m, reviewtools.__file__)
"""


_SAVE = r"""
import pickle, sys
import reviewtools
from reviewtools import read_reviews
res = read_reviews(sys.argv[2:])
with open(sys.argv[1], "wb") as f:
    pickle.dump({"reviews": res.reviews, "rejects": res.rejects, "format": res.format, "files": res.files,
                 "tree": reviewtools.__file__}, f, protocol=5)
"""


def compare(files: list[Path], old_tree: Path) -> bool:
    """Read ``files`` with the old tree and with this one (fresh processes); print whether the results are equal."""
    import pickle
    import tempfile

    here = Path(__file__).resolve().parents[1]
    got = {}
    with tempfile.TemporaryDirectory() as tmp:
        for side, tree in (("old", old_tree), ("new", here)):
            out = Path(tmp) / f"{side}.pkl"
            subprocess.run([sys.executable, "-c", _SAVE, str(out), *map(str, files)], cwd="/tmp", check=True,
                           env=dict(os.environ, PYTHONPATH=str(tree)))
            got[side] = pickle.loads(out.read_bytes())
            if not got[side]["tree"].startswith(str(tree)):
                raise SystemExit(f"{side} run imported {got[side]['tree']}")
    old, new = got["old"], got["new"]
    for key in ("reviews", "rejects"):
        assert [str(t) for t in old[key].dtypes] == [str(t) for t in new[key].dtypes], key
        pd.testing.assert_frame_equal(new[key], old[key], check_exact=True)
    assert new["format"] == old["format"], (new["format"], old["format"])
    assert new["files"] == old["files"], (new["files"], old["files"])
    print(f"IDENTICAL: reviews {new['reviews'].shape}, rejects {new['rejects'].shape}, format {new['format']}, "
          f"files {[(f.rows_read, f.ingested, f.rejected, f.duplicates, f.conflicting_duplicates) for f in new['files']]}")
    return True


def interleaved(files: list[Path], old_tree: Path, rounds: int) -> None:
    """Old tree and this tree alternately, fresh processes, ``rounds`` runs each (the order flips every round)."""
    here = Path(__file__).resolve().parents[1]
    runs: dict[str, list[list[float]]] = {"old": [], "new": []}
    for i in range(rounds):
        for side in ("old", "new") if i % 2 == 0 else ("new", "old"):
            env = dict(os.environ, PYTHONPATH=str(old_tree if side == "old" else here))
            out = subprocess.run([sys.executable, "-c", _CHILD, *map(str, files)], env=env, cwd="/tmp",
                                 capture_output=True, text=True, check=True).stdout.split()
            cpu, wall, user, system, flt, rss, main = map(float, out[:7])
            if not out[7].startswith(str(old_tree if side == "old" else here)):
                raise SystemExit(f"{side} run imported {out[7]}")
            runs[side].append([cpu, wall, user, main])
            print(f"{side}: cpu {cpu:.2f} s (user {user:.2f}, system {system:.2f}; main thread {main:.2f}) wall "
                  f"{wall:.2f} s, minor faults {flt:,.0f}, peak RSS {rss:,.0f} MiB, load average "
                  f"{os.getloadavg()[0]:.2f}", flush=True)
    for side, v in runs.items():
        cpu, wall, user, main = ([r[k] for r in v] for k in range(4))
        print(f"{side}: cpu median {statistics.median(cpu):.2f} (min {min(cpu):.2f}), user median "
              f"{statistics.median(user):.2f}, main thread median {statistics.median(main):.2f} (min {min(main):.2f}), "
              f"wall median {statistics.median(wall):.2f} (min {min(wall):.2f})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--as-generic", action="store_true", help="rewrite in a foreign layout without ids first")
    ap.add_argument("--old-tree", type=Path, help="interleave fresh-process runs of this old tree with this one")
    ap.add_argument("--rounds", type=int, default=3, help="runs of each tree with --old-tree (default 3)")
    ap.add_argument("--compare", action="store_true", help="with --old-tree: check the results are exactly equal")
    args = ap.parse_args()
    files = [as_generic(p) for p in args.files] if args.as_generic else args.files
    if args.old_tree and args.compare:
        compare([p.resolve() for p in files], args.old_tree.resolve())
        return 0
    if args.old_tree:
        interleaved([p.resolve() for p in files], args.old_tree.resolve(), args.rounds)
        return 0
    t0, c0 = time.perf_counter(), time.process_time()
    res = read_reviews(files)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"{res.format}: {res.rows_read:,} rows ({mb:.0f} MB) in {secs:.2f} s (cpu {cpu:.2f} s, load average "
          f"{os.getloadavg()[0]:.1f}) = {res.rows_read / secs:,.0f} rows/s; "
          f"ingested {res.ingested:,}, rejected {res.rejected:,}, duplicates {res.duplicates:,}; peak RSS {rss:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
