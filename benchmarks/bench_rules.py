"""Time the guideline checks on N real-text reviews (no timed assertions in tests; measure here).

    .venv/bin/python benchmarks/bench_rules.py --reviews 100000 [--input reviews.csv]

Without ``--input`` it builds the corpus with ``benchmarks/generate.py`` (real review text from
``../shared/datasets``) into ``.work/``. Reports wall and CPU seconds for the per-review checks
(``check_each_review``) and the set-level duplicate check (``find_duplicates``) separately, and the hit counts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from reviewtools.ingest import read_reviews
from reviewtools.duplicates import find_duplicates
from reviewtools.rules import check_each_review, load_rules

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--input", help="a canonical CSV (default: generate one)")
    args = ap.parse_args(argv)
    path = Path(args.input) if args.input else ROOT / ".work" / f"bench_rules_{args.reviews}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        rc = subprocess.call([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--reviews",
                              str(args.reviews), "--out", str(path)])
        if rc:
            print("could not generate the corpus (is ../shared/datasets there?)")
            return 0
    frame = read_reviews(path).reviews.head(args.reviews)
    load_rules()
    check_each_review(frame.head(50))  # load models and compile patterns outside the timing
    for name, fn in (("per-review checks", check_each_review), ("duplicates (whole frame)", find_duplicates)):
        w, c = time.perf_counter(), time.process_time()
        out = fn(frame)
        w, c = time.perf_counter() - w, time.process_time() - c
        hits = out[out.outcome == "hit"]
        print(f"{name:<26} {len(frame):>8,} reviews  wall {w:6.1f} s  cpu {c:6.1f} s  "
              f"({c / len(frame) * 1e6:5.0f} us/review cpu)  {len(hits):,} hits, {(out.outcome == 'not_run').sum():,} not run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
