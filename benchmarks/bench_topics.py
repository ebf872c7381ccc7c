"""Time complaint-topic tagging (reviewtools.topics.tag_topics) and theme discovery on the benchmark corpus.

    .venv/bin/python benchmarks/bench_topics.py --reviews 100000 [--discover 8] [--repeat 3]

Reads ``benchmarks/out/reviews_<N>_seed8.csv`` (made by ``benchmarks/generate.py`` from the real review texts
in ../shared/datasets; generated here when missing). Reports the median wall time of ``tag_topics`` over
``--repeat`` runs in this process (after one warm-up on 1,000 rows that compiles the rules), reviews per
second, topic matches, and optionally one ThemeDiscovery fit.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--discover", type=int, default=0, metavar="N", help="also time ThemeDiscovery(N)")
    args = parser.parse_args(argv)
    corpus = HERE / "out" / f"reviews_{args.reviews}_seed8.csv"
    if not corpus.is_file():
        done = subprocess.run([sys.executable, str(HERE / "generate.py"), "--reviews", str(args.reviews),
                               "--out", str(corpus), "--seed", "8"])
        if done.returncode or not corpus.is_file():
            print(f"bench_topics: could not generate {corpus} (is ../shared/datasets present?); skipped")
            return 0

    from reviewtools.ingest import read_reviews
    from reviewtools.topics import ThemeDiscovery, find_topics, tag_topics

    frame = read_reviews(corpus).reviews
    tag_topics(frame.head(1000))  # compile the rules once
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        tagged = tag_topics(frame)
        times.append(time.perf_counter() - t0)
    wall = statistics.median(times)
    n_hits = len(find_topics(frame))
    print(f"tag_topics: {len(frame)} reviews in {wall:.2f} s (median of {args.repeat}) = "
          f"{len(frame) / wall:,.0f} reviews/s; {n_hits} topic matches; "
          f"{int((tagged['topics'] != '').sum())} reviews with a complaint topic")
    if args.discover:
        t0 = time.perf_counter()
        model = ThemeDiscovery(n_themes=args.discover).fit(frame)
        print(f"ThemeDiscovery({args.discover}).fit: {time.perf_counter() - t0:.2f} s; "
              f"largest theme: {model.themes_.sort_values('size').iloc[-1]['top_terms']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
