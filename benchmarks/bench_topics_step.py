"""The topic step as a per-review worker runs it: CPU µs per review of ``find_and_tag_topics`` over a corpus in
25k-row slices, warm (``pipeline._warm_worker`` and one untimed call first), in this process.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_topics_step.py \
        --corpus benchmarks/out/reviews_100000_seed8.csv [--reviews 100000] [--rounds 3]

Run it once per tree, alternating old and new trees (``git archive <commit> | tar -x -C TREE`` with that tree's
native modules built), and compare the minimum and median of the rounds: on a shared machine single rounds swing
±10-20 %. It prints ``code:`` (the package it imported), so a missing ``PYTHONPATH`` shows. Eleventh session
(issue 8, helper ``topics``): a676fbc vs 2df1ffa, 100k, 3 trees alternated x3, load 3.5-8: min 10.04 -> 8.81,
median of 9 rounds 11.41 -> 10.68 CPU µs/review (benchmarks/README.md)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import reviewtools
from reviewtools import pipeline, read_reviews
from reviewtools.sentiment import score_sentiment
from reviewtools.topics import find_and_tag_topics

SLICE = 25_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True, help="a review export (benchmarks/generate.py makes one)")
    ap.add_argument("--reviews", type=int, default=None, help="the first N reviews (default: all)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    frame = read_reviews(args.corpus).reviews
    if args.reviews is not None:
        frame = frame.iloc[: args.reviews]
    n = len(frame)
    if n == 0:
        sys.exit(f"{args.corpus}: no reviews ingested")
    parts = [score_sentiment(frame.iloc[s : s + SLICE]) for s in range(0, n, SLICE)]
    pipeline._warm_worker()
    find_and_tag_topics(parts[0])  # untimed: first-call set-up
    got = []
    for _ in range(args.rounds):
        t = time.process_time()
        for p in parts:
            find_and_tag_topics(p)
        got.append((time.process_time() - t) / n * 1e6)
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"code: {Path(reviewtools.__file__).parent}")
    print(f"{n:,} reviews, CPU µs/review per round: {' '.join(f'{g:.2f}' for g in got)}; "
          f"min {min(got):.2f}, median {statistics.median(got):.2f}; load {load}")


if __name__ == "__main__":
    main()
