"""A/B of the seller-feedback prefilter's per-segment share bound (rules._logistics_share_short, switch
rules._LOGISTICS_SEGMENTS): the prefilter on a fresh batch of each 50,000-row partition (its shared views built
first, untimed) plus the detector on the rows it keeps, old (switch off) and new (on) interleaved in one process;
the findings asserted equal.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_rules18_seller_segments.py \
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 9
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
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    frame = read_reviews(args.input).reviews
    rule = next(r for r in R.load_rules() if r.rule_id == "AMZ-SELLER-FEEDBACK")
    R.check_each_review(frame.iloc[:50])  # matchers and plans built once
    parts = []
    for lo in range(0, len(frame), args.rows):
        p = frame.iloc[lo: lo + args.rows].reset_index(drop=True)
        parts.append((p, {f: R._arrow_str_column(p, f) for f in R.FIELDS}))

    def run(switch: bool) -> tuple[float, list]:
        R._LOGISTICS_SEGMENTS = switch
        spent, got = 0.0, []
        for p, arrow in parts:
            b = R._Batch(R._LazyStrings(arrow["title"]), R._LazyStrings(arrow["text"]), p["marketplace"].tolist(),
                         [None] * len(p), arrays=arrow)
            for view in ("joined_low", "title_low", "text_low", "text"):
                b.array(view)
            b.case_changed()
            t = time.process_time()
            sel = R._pre_seller_feedback(b, rule, ())
            for j in np.flatnonzero(sel.mask).tolist():
                rv = R._Review(b.titles[j], b.texts[j], "amazon", b.markets[j], None, ())
                if sel.sure is not None and sel.sure[j]:
                    rv._cache.setdefault("anchored", set()).add(sel.anchors)
                f = list(R._detect_seller_feedback(rv, rule.params))
                if f:
                    got.append((len(got), j, f))
            spent += time.process_time() - t
        return spent, [(j, f) for _, j, f in got]

    old, new = [], []
    for _ in range(args.rounds):
        a, fa = run(False)
        b, fb = run(True)
        assert fa == fb, "findings differ"
        old.append(a)
        new.append(b)
    lower = sum(b < a for a, b in zip(old, new))
    print(f"{len(parts)} partitions, x{args.rounds}, load {os.getloadavg()[0]:.1f}: prefilter + detector CPU s "
          f"old min/median {min(old):.4f}/{statistics.median(old):.4f} -> new {min(new):.4f}/"
          f"{statistics.median(new):.4f}; new lower in {lower}/{args.rounds}")


if __name__ == "__main__":
    main()
