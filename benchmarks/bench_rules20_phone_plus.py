"""Issue 8, twentieth session (helper ``checks``): the phone prefilter with its plus-sign rows from byte counts
and its per-row digit need by marketplace (``rules._PHONE_PLUS_BYTES``) against RE2 and a per-row dict.

On each 50,000-row partition of a corpus, as a check worker builds its batch (the scan plan of the amazon rules),
the digit counts and the extension rows the prefilter shares with nothing else computed first (memoised, the
same for both sides), then ``_pre_phone`` timed per side, alternating the order per round, the masks asserted
equal. Prints CPU milliseconds (``time.process_time``) per pass over the partitions: min, median, rounds lower.

    PYTHONPATH=. python benchmarks/bench_rules20_phone_plus.py --corpus benchmarks/out/reviews_100000_seed8.csv
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    from reviewtools import rules as R
    from reviewtools.ingest import read_reviews

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--rows", type=int, default=50000, help="partition size")
    ap.add_argument("--rounds", type=int, default=11)
    args = ap.parse_args()
    frame = read_reviews(args.corpus).reviews
    parts = [frame.iloc[a: a + args.rows].reset_index(drop=True) for a in range(0, len(frame), args.rows)]
    rules = R._rules_per_platform(R._select_rules(None))["amazon"]
    rule = next(r for r in rules if r.detector == "phone")

    def batch(part):  # type: ignore[no-untyped-def]
        arrow = {f: R._arrow_str_column(part, f) for f in R.FIELDS}
        b = R._Batch(R._LazyStrings(arrow["title"]), R._LazyStrings(arrow["text"]), part["marketplace"].tolist(),
                     [None] * len(part), arrays=arrow, plan=R._warm_plan("amazon", rules, ()))
        digits = b.byte_count("joined", R._ASCII_DIGITS) >= R.PHONE_MIN_DIGITS
        b.refine("joined", digits, (R._re2_phone_extension_attached(),))
        return b

    times: dict[bool, list[float]] = {False: [], True: []}
    for r in range(args.rounds + 1):
        masks = {}
        for switch in ((False, True) if r % 2 == 0 else (True, False)):
            R._PHONE_PLUS_BYTES = switch
            spent, masks[switch] = 0.0, []
            for part in parts:
                b = batch(part)
                t = time.process_time()
                masks[switch].append(R._pre_phone(b, rule, ()))
                spent += time.process_time() - t
            if r:  # the first round warms both sides
                times[switch].append(spent)
        assert all((a == b).all() for a, b in zip(masks[False], masks[True]))
    lower = sum(n < o for o, n in zip(times[False], times[True]))
    print(f"{len(parts)} partitions, {args.rounds} rounds, load {os.getloadavg()[0]:.1f}, "
          f"rows kept {[int(m.sum()) for m in masks[True]]}")
    for switch, name in ((False, "old (RE2, dict)"), (True, "new (bytes)")):
        print(f"{name:16s} min {min(times[switch]) * 1000:.2f} median {statistics.median(times[switch]) * 1000:.2f} "
              "CPU ms")
    print(f"new lower in {lower}/{args.rounds}")


if __name__ == "__main__":
    main()
