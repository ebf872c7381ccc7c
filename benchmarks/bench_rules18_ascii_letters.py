"""A/B of the language detector's letter count on ASCII text (rules._letters_upto_min by bytes.translate, switch
rules._ASCII_LETTER_COUNT): the detector on the rows the language prefilter keeps in each 50,000-row partition,
old (switch off) and new (on) interleaved in one process; the findings asserted equal.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_rules18_ascii_letters.py \
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 11
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from reviewtools import rules as R
from reviewtools.ingest import read_reviews


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--rows", type=int, default=50_000, help="rows per partition")
    ap.add_argument("--rounds", type=int, default=11)
    args = ap.parse_args()
    frame = read_reviews(args.input).reviews
    rule = next(r for r in R.load_rules() if r.detector == "language")
    R.check_each_review(frame.iloc[:50])  # allow-lists and patterns loaded once
    rows = []
    for lo in range(0, len(frame), args.rows):
        p = frame.iloc[lo: lo + args.rows].reset_index(drop=True)
        arrow = {f: R._arrow_str_column(p, f) for f in R.FIELDS}
        b = R._Batch(R._LazyStrings(arrow["title"]), R._LazyStrings(arrow["text"]), p["marketplace"].tolist(),
                     [None] * len(p), arrays=arrow)
        R._LANGUAGE_SHORT_KNOWN = False  # the detector's rows, the too-short ones included (20th session)
        for j in np.flatnonzero(R._pre_language(b, rule, ())).tolist():
            rows.append((b.titles[j], b.texts[j], b.markets[j]))

    def run(switch: bool) -> tuple[float, list]:
        revs = [R._Review(t, x, "amazon", m, None, ()) for t, x, m in rows]
        R._ASCII_LETTER_COUNT = switch
        t = time.process_time()
        got = [list(R._detect_language(rv, rule.params)) for rv in revs]
        return time.process_time() - t, got

    old, new = [], []
    for _ in range(args.rounds):
        a, fa = run(False)
        b, fb = run(True)
        assert fa == fb, "findings differ"
        old.append(a)
        new.append(b)
    lower = sum(b < a for a, b in zip(old, new))
    print(f"{len(rows)} detector rows, x{args.rounds}, load {os.getloadavg()[0]:.1f}: CPU s old min/median "
          f"{min(old):.4f}/{statistics.median(old):.4f} -> new {min(new):.4f}/{statistics.median(new):.4f}; "
          f"new lower in {lower}/{args.rounds}")


if __name__ == "__main__":
    main()
