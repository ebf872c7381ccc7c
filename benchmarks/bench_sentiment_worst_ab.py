"""CPU of the ``most_negative_sentence`` column of the sentiment stage: the spans as Python strings
(``_Sentences.strings_or_none``, the native ``span_strings``) then ``_string_array`` (``pyarrow.array``), against
``_Aggregates.worst_array`` (the spans' UTF-8 bytes written into the Arrow buffers by ``_langcore.span_utf8``),
interleaved, on a corpus's 25k blocks; the arrays asserted equal first.

    cd $NEW && PYTHONPATH=$NEW /work/main/.venv/bin/python benchmarks/bench_sentiment_worst_ab.py \\
        --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv --rounds 11

Prints the minimum and median CPU µs per review (``time.process_time``), rounds lower, load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=11)
    args = ap.parse_args(argv)

    import pandas as pd

    import reviewtools
    from reviewtools import sentiment
    from reviewtools.ingest import read_reviews

    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    aggs = []
    for lo in range(0, n, 25_000):
        titles, texts = sentiment._columns(frame.iloc[lo : lo + 25_000])
        sents = sentiment._Sentences.of(titles, texts)
        words = sentiment.np.empty(sents.owner.size, dtype=sentiment.np.int64)
        aggs.append(sents.aggregate(sentiment._block_scores(titles, texts, sents, words)[1], words))
    for a in aggs:
        pd.testing.assert_extension_array_equal(a.worst_array(), sentiment._string_array(a.worst))
    res: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        t = time.process_time()
        for a in aggs:
            sentiment._string_array(a.sents.strings_or_none(a.worst_src))
        res["old"].append(1e6 * (time.process_time() - t) / n)
        t = time.process_time()
        for a in aggs:
            a.worst_array()
        res["new"].append(1e6 * (time.process_time() - t) / n)
    lower = sum(b < a for a, b in zip(res["old"], res["new"]))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"code: {Path(reviewtools.__file__).parent}; most_negative_sentence of {n:,} reviews, {args.rounds} rounds: "
          + ", ".join(f"{k} min {min(v):.4f} median {statistics.median(v):.4f}" for k, v in res.items())
          + f" CPU us/review; new lower {lower}/{args.rounds}; load {load}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
