"""A/B of the char-run detector's field without its runs (rules._detect_char_run: joined from the gaps between
the runs finditer found, switch rules._CHAR_RUN_REST_FROM_RUNS, instead of a second _CHAR_RUN.sub scan): the
detector on the rows the char-run prefilter keeps in each 50,000-row partition, old (switch off) and new (on)
interleaved in one process; the findings asserted equal.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_rules18_char_run_rest.py \
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
    rule = next(r for r in R.load_rules() if r.detector == "char_run")
    R.check_each_review(frame.iloc[:50])
    rows = []
    for lo in range(0, len(frame), args.rows):
        p = frame.iloc[lo: lo + args.rows].reset_index(drop=True)
        arrow = {f: R._arrow_str_column(p, f) for f in R.FIELDS}
        b = R._Batch(R._LazyStrings(arrow["title"]), R._LazyStrings(arrow["text"]), p["marketplace"].tolist(),
                     [None] * len(p), arrays=arrow)
        sel = R.PREFILTERS["char_run"](b, rule, ())
        mask = sel.mask if isinstance(sel, R._Selection) else sel
        rows += [(b.titles[j], b.texts[j], b.markets[j]) for j in np.flatnonzero(mask).tolist()]

    def run(switch: bool) -> tuple[float, list]:
        revs = [R._Review(t, x, "amazon", m, None, ()) for t, x, m in rows]
        R._CHAR_RUN_REST_FROM_RUNS = switch
        t = time.process_time()
        got = [list(R._detect_char_run(rv, rule.params)) for rv in revs]
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
