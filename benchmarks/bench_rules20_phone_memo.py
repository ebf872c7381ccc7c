"""Issue 8, twentieth session (helper ``checks``): the phone detector with and without the memo of rejected
candidates (``rules._PHONE_REJECT_MEMO``), on the rows the phone prefilter keeps in a corpus's 50,000-row
partitions (as a check worker gets them), one worker's rows in a pass.

Each round runs both modes in alternating order, the memo emptied before each memo pass (so its cold start in
the pass counts), and asserts the same findings. Prints CPU seconds (``time.process_time``) per pass: min,
median and the rounds where the memo pass was lower.

    PYTHONPATH=. python benchmarks/bench_rules20_phone_memo.py --corpus benchmarks/out/reviews_100000_seed8.csv
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np


def _rows(corpus: str, step: int) -> list[tuple[object, object]]:
    from reviewtools import rules as R
    from reviewtools.ingest import read_reviews

    frame = read_reviews(corpus).reviews
    rule = next(r for r in R.load_rules() if r.detector == "phone")
    out = []
    for a in range(0, len(frame), step):
        part = frame.iloc[a: a + step].reset_index(drop=True)
        arrow = {f: R._arrow_str_column(part, f) for f in R.FIELDS}
        batch = R._Batch(R._LazyStrings(arrow["title"]), R._LazyStrings(arrow["text"]), part["marketplace"].tolist(),
                         [None] * len(part), arrays=arrow)
        for j in np.flatnonzero(R._pre_phone(batch, rule, ())).tolist():
            out.append((R._Review(batch.titles[j], batch.texts[j], "amazon", batch.markets[j], None, ()), rule.params))
    return out


def main() -> None:
    from reviewtools import rules as R

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--rows", type=int, default=50000, help="partition size")
    ap.add_argument("--rounds", type=int, default=11)
    args = ap.parse_args()
    rows = _rows(args.corpus, args.rows)
    detect = R.DETECTORS["phone"]

    def run(memo: bool) -> tuple[float, list[object]]:
        R._PHONE_REJECT_MEMO = memo
        R._PHONE_REJECTED.clear()
        t = time.process_time()
        found = [list(detect(rv, params)) for rv, params in rows]
        return time.process_time() - t, found

    run(False), run(True)  # warm: phonenumbers' metadata and patterns
    times: dict[bool, list[float]] = {False: [], True: []}
    for r in range(args.rounds):
        got = {}
        for memo in ((False, True) if r % 2 == 0 else (True, False)):
            t, got[memo] = run(memo)
            times[memo].append(t)
        assert got[False] == got[True]
    lower = sum(n < o for o, n in zip(times[False], times[True]))
    print(f"{len(rows)} phone rows, {args.rounds} rounds, load {os.getloadavg()[0]:.1f}")
    for memo, name in ((False, "old (no memo)"), (True, "new (memo)")):
        print(f"{name:14s} min {min(times[memo]):.4f} median {statistics.median(times[memo]):.4f} CPU s")
    print(f"new lower in {lower}/{args.rounds}")


if __name__ == "__main__":
    main()
