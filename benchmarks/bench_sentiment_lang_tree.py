"""CPU of ``sentiment._languages`` over a corpus's texts in 25k blocks in this tree, the identifier's memo and
``rules._plainly_english``'s cache emptied before each round (as in a fresh pipeline worker); for A/B runs of two
trees alternated (their rules.py and native modules differ as well as sentiment.py):

    for T in $OLD $NEW $OLD $NEW $OLD $NEW; do (cd $T && PYTHONPATH=$T /work/main/.venv/bin/python \\
        benchmarks/bench_sentiment_lang_tree.py --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv); done

Prints the tree, the rounds' CPU µs per review (``time.process_time``), their minimum and median, the load, and a
digest of the results (languages, foreign rows, guesses, memo), equal between trees that decide alike.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--block", type=int, default=25_000)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import rules, sentiment
    from reviewtools.ingest import read_reviews

    texts = sentiment._columns(read_reviews(args.corpus).reviews)[1]
    blocks = [texts[lo : lo + args.block] for lo in range(0, len(texts), args.block)]
    rules._language_identifier()
    digest = hashlib.sha256()
    figures = []
    for r in range(args.rounds):
        rules._CLASSIFIED.clear()
        rules._plainly_english.cache_clear()
        t = time.process_time()
        got = [sentiment._languages(b) for b in blocks]
        figures.append(1e6 * (time.process_time() - t) / len(texts))
        if r == 0:
            for g in got:
                digest.update(repr((g.language, g.foreign.tolist(), sorted(g.guesses.items()))).encode())
            digest.update(repr(list(rules._CLASSIFIED.items())).encode())
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"{Path(reviewtools.__file__).parent}: _languages min {min(figures):.3f} median "
          f"{statistics.median(figures):.3f} CPU us/review ({', '.join(f'{x:.3f}' for x in figures)}); load {load}; "
          f"results {digest.hexdigest()[:16]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
