"""CPU of the sentiment stage's first steps on a corpus's 25k blocks: the titles as a list of str per row
(``_columns``) then ``pd.factorize`` in ``_Sentences.of``, against the titles read off one Arrow
``dictionary_encode`` (``_title_codes``: a str per distinct title, the codes given to ``_Sentences.of``),
interleaved; titles, codes and sentences asserted equal first.

    cd $NEW && PYTHONPATH=$NEW /work/main/.venv/bin/python benchmarks/bench_sentiment_titles_ab.py \\
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

    import numpy as np

    import reviewtools
    from reviewtools import sentiment as S
    from reviewtools.ingest import read_reviews

    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    blocks = [frame.iloc[lo : lo + 25_000] for lo in range(0, n, 25_000)]

    def old(b):  # type: ignore[no-untyped-def]
        titles, texts = S._columns(b)
        return titles, S._Sentences.of(titles, texts)

    def new(b):  # type: ignore[no-untyped-def]
        titles, codes, distinct = S._title_codes(b["title"])
        texts = S._columns(b, titles=False)[1]
        return titles, S._Sentences.of(titles, texts, (codes, distinct))

    for b in blocks:
        (ta, sa), (tb, sb) = old(b), new(b)
        assert ta == tb and sa.pool == sb.pool
        assert all(np.array_equal(x, y) for x, y in zip(sa[1:], sb[1:]))
    res: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(args.rounds):
        for name, fn in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
            t = time.process_time()
            for b in blocks:
                fn(b)
            res[name].append(1e6 * (time.process_time() - t) / n)
    lower = sum(b < a for a, b in zip(res["old"], res["new"]))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"code: {Path(reviewtools.__file__).parent}; columns + sentences of {n:,} reviews, {args.rounds} rounds: "
          + ", ".join(f"{k} min {min(v):.4f} median {statistics.median(v):.4f}" for k, v in res.items())
          + f" CPU us/review; new lower {lower}/{args.rounds}; load {load}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
