"""Issue 8, twentieth session (helper ``checks``): the language check with and without the prefilter handing
over the "too short" findings of ASCII texts column-wise (``rules._LANGUAGE_SHORT_KNOWN``).

``check_each_review`` with the language rule only (prefilter, detector loop and hit frame) on each 50,000-row
partition of a corpus, the switch alternating per round in one process, the hit frames asserted equal. Prints
CPU seconds (``time.process_time``) per pass over the partitions: min, median, rounds the new side was lower.
``--all-rules`` times the whole call (every rule) instead.

    PYTHONPATH=. python benchmarks/bench_rules20_language_short.py --corpus benchmarks/out/reviews_100000_seed8.csv
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time


def main() -> None:
    from pandas.testing import assert_frame_equal

    from reviewtools import rules as R
    from reviewtools.ingest import read_reviews

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--rows", type=int, default=50000, help="partition size")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--all-rules", action="store_true")
    args = ap.parse_args()
    frame = read_reviews(args.corpus).reviews
    parts = [frame.iloc[a: a + args.rows].reset_index(drop=True) for a in range(0, len(frame), args.rows)]
    rules = None if args.all_rules else [r for r in R.load_rules() if r.detector == "language"]
    gc.collect()
    gc.freeze()

    def run(switch: bool) -> tuple[float, list[object]]:
        R._LANGUAGE_SHORT_KNOWN = switch
        t = time.process_time()
        out = [R.check_each_review(p, rules=rules) for p in parts]
        return time.process_time() - t, out

    run(False), run(True)  # warm: the identifier's memo, compiled patterns
    times: dict[bool, list[float]] = {False: [], True: []}
    for r in range(args.rounds):
        got = {}
        for switch in ((False, True) if r % 2 == 0 else (True, False)):
            t, got[switch] = run(switch)
            times[switch].append(t)
        for a, b in zip(got[False], got[True]):
            assert_frame_equal(a, b)
    lower = sum(n < o for o, n in zip(times[False], times[True]))
    print(f"{len(parts)} partitions, {'all rules' if args.all_rules else 'language rule'}, {args.rounds} rounds, "
          f"load {os.getloadavg()[0]:.1f}")
    for switch, name in ((False, "old (detector)"), (True, "new (known)")):
        print(f"{name:15s} min {min(times[switch]):.4f} median {statistics.median(times[switch]):.4f} CPU s")
    print(f"new lower in {lower}/{args.rounds}")


if __name__ == "__main__":
    main()
