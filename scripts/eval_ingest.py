"""Ingest every real export in ../shared/datasets and print the counts.

For each review-like file: the format recognised, rows read, ingested, rejected, duplicates, reject %,
and whether read = ingested + rejected + duplicates. Files that are not review exports (no rating) are
listed with the one-line reason ingest gives. Exits 1 when an Amazon export breaks the invariant or
rejects 1% or more of its rows (the issue's done-when).

    .venv/bin/python scripts/eval_ingest.py            # or: make eval
    REVIEWTOOLS_SHARED=/path/to/shared .venv/bin/python scripts/eval_ingest.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from reviewtools import IngestError, read_reviews

ROOT = Path(__file__).resolve().parents[1]
#: Amazon exports that must ingest with under this share of rejects (issue 2, "Done when").
MAX_REJECT_SHARE = 0.01
#: Review-like files to ingest, relative to the datasets folder. Amazon ones carry the 1% target.
FILES: tuple[tuple[str, bool], ...] = (
    ("amazon_fine_food_1k/Reviews_first1000.csv", True),
    ("amazon_datafiniti_5k/Datafiniti_Amazon_Consumer_Reviews_of_Amazon_Products.csv", True),
    ("amazon_mcauley2018_5core/AMAZON_FASHION_5.jsonl", True),
    ("amazon_mcauley2018_5core/All_Beauty_5.jsonl", True),
    ("tripadvisor_hotel_reviews_sample/tripadvisor_hotel_reviews_first109.csv", False),
    ("youtube_spam_collection/Youtube-Spam-Dataset.csv", False),
    ("fake_reviews_salminen/fake_reviews_dev.csv", False),
    ("ott_deceptive_opinion_spam/op_spam_v1.4.csv", False),
    ("jigsaw_toxic_sample/train_first300.csv", False),
    ("sms_spam_collection/SMSSpamCollection.tsv", False),
)


def datasets_dir() -> Path:
    """``$REVIEWTOOLS_SHARED/datasets`` or ``../shared/datasets`` beside the repository."""
    shared = os.environ.get("REVIEWTOOLS_SHARED")
    return (Path(shared) if shared else ROOT / ".." / "shared") / "datasets"


def main() -> int:
    base = datasets_dir()
    if not base.is_dir():
        print(f"eval_ingest: skipped: {base} not found (set REVIEWTOOLS_SHARED to the shared folder)")
        return 0
    head = f"{'file':<72} {'format':<17} {'read':>6} {'ingest':>6} {'reject':>6} {'dupes':>6} {'rej %':>6}  ok  secs"
    print(head)
    print("-" * len(head))
    failed = []
    for rel, is_amazon in FILES:
        path = base / rel
        if not path.exists():
            print(f"{rel:<72} missing")
            continue
        t0 = time.perf_counter()
        try:
            res = read_reviews(path)
        except IngestError as exc:
            reason = str(exc).split(": ", 1)[1].split(";")[0]
            print(f"{rel:<72} not a review export: {reason}")
            if is_amazon:
                failed.append(rel)
            continue
        secs = time.perf_counter() - t0
        f = res.files[0]
        share = f.rejected / f.rows_read if f.rows_read else 0.0
        balanced = f.rows_read == f.ingested + f.rejected + f.duplicates
        ok = balanced and (share < MAX_REJECT_SHARE or not is_amazon)
        print(f"{rel:<72} {f.format:<17} {f.rows_read:>6} {f.ingested:>6} {f.rejected:>6} {f.duplicates:>6} "
              f"{100 * share:>5.1f}%  {'yes' if ok else 'NO ':<3} {secs:.2f}")
        if f.rejected:
            top = res.rejects["reason"].str.split("(").str[0].value_counts().head(2)
            for why, n in top.items():
                print(f"{'':<8}{n} x {why.strip()}")
        if is_amazon and not ok:
            failed.append(rel)
    if failed:
        print(f"FAILED (invariant or >= {MAX_REJECT_SHARE:.0%} rejected): {', '.join(failed)}")
        return 1
    print(f"all Amazon exports: read = ingested + rejected + duplicates, under {MAX_REJECT_SHARE:.0%} rejected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
