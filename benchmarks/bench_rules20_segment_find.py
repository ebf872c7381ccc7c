"""Issue 8, twentieth session (helper ``checks``): the phrase and word detectors with the segment literals found
by ``str.find`` (``rules._SEGMENT_FIND``) against the regex alternation of those literals.

On each 50,000-row partition of a corpus: every amazon rule's prefilter (as ``_check_batch`` runs them, the
rows' anchors marked where the prefilter proved them), then, timed, the detectors of the rules whose detector is
in ``--detectors`` on the rows kept, both sides alternating per round in one process, the findings asserted
equal. Prints CPU seconds (``time.process_time``) per pass: min, median, rounds the new side was lower.

    PYTHONPATH=. python benchmarks/bench_rules20_segment_find.py --corpus benchmarks/out/reviews_100000_seed8.csv
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np


def main() -> None:
    from reviewtools import rules as R
    from reviewtools.ingest import read_reviews

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--rows", type=int, default=50000, help="partition size")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--detectors", default="phrases,compensated,words,seller_feedback")
    args = ap.parse_args()
    wanted = set(args.detectors.split(","))
    frame = read_reviews(args.corpus).reviews
    rules = R._rules_per_platform(R._select_rules(None))["amazon"]
    work = []  # (rule, reviews) per rule and partition
    for a in range(0, len(frame), args.rows):
        part = frame.iloc[a: a + args.rows].reset_index(drop=True)
        arrow = {f: R._arrow_str_column(part, f) for f in R.FIELDS}
        b = R._Batch(R._LazyStrings(arrow["title"]), R._LazyStrings(arrow["text"]), part["marketplace"].tolist(),
                     [None] * len(part), arrays=arrow, plan=R._warm_plan("amazon", rules, ()))
        for rule in rules:
            if rule.detector not in wanted:
                continue
            sel = R.PREFILTERS[rule.detector](b, rule, ())
            sure = anchors = None
            if isinstance(sel, R._Selection):
                sel, sure, anchors = sel.mask, sel.sure, sel.anchors
            work.append((rule, [(j, sure is not None and bool(sure[j]), anchors) for j in np.flatnonzero(sel)],
                         b))

    def run(switch: bool) -> tuple[float, list[object]]:
        R._SEGMENT_FIND = switch
        revs = []
        for rule, rows, b in work:
            for j, proven, anchors in rows:
                rv = R._Review(b.titles[j], b.texts[j], "amazon", b.markets[j], b.vines[j], ())
                if proven:
                    rv._cache.setdefault("anchored", set()).add(anchors)
                revs.append((R.DETECTORS[rule.detector], rv, rule.params))
        t = time.process_time()
        found = [list(detect(rv, params)) for detect, rv, params in revs]
        return time.process_time() - t, found

    run(False), run(True)
    times: dict[bool, list[float]] = {False: [], True: []}
    for r in range(args.rounds):
        got = {}
        for switch in ((False, True) if r % 2 == 0 else (True, False)):
            t, got[switch] = run(switch)
            times[switch].append(t)
        assert got[False] == got[True]
    lower = sum(n < o for o, n in zip(times[False], times[True]))
    print(f"{sum(len(rows) for _, rows, _ in work)} detector rows ({args.detectors}), {args.rounds} rounds, "
          f"load {os.getloadavg()[0]:.1f}")
    for switch, name in ((False, "old (regex)"), (True, "new (str.find)")):
        print(f"{name:15s} min {min(times[switch]):.4f} median {statistics.median(times[switch]):.4f} CPU s")
    print(f"new lower in {lower}/{args.rounds}")


if __name__ == "__main__":
    main()
