"""Time ``read_reviews`` on big exports (no timed assertions in tests; measure here).

    .venv/bin/python benchmarks/generate.py --reviews 1000000 --out .work/reviews_1m.csv
    .venv/bin/python benchmarks/bench_ingest.py .work/reviews_1m.csv [--as-generic]

``--as-generic`` first rewrites the file once with foreign headers (Stars, Review Title, Review, Date in
"January 15, 2024" form, Reviewer, ASIN) and no review id, so the header mapper, the written-date parser and
the derived review ids are timed too. Prints wall and CPU time (``time.process_time``: steadier on a shared
machine), rows per second, the load average and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--as-generic", action="store_true", help="rewrite in a foreign layout without ids first")
    args = ap.parse_args()
    files = [as_generic(p) for p in args.files] if args.as_generic else args.files
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
