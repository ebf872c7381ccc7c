"""CPU of ``score_sentiment`` as a pipeline worker sees it: a fresh process, the corpus in blocks of 25,000.

    for tree in /tmp/sent_old /work/main /tmp/sent_old /work/main; do
        PYTHONPATH=$tree .venv/bin/python benchmarks/bench_sentiment_worker.py \\
            --corpus benchmarks/out/reviews_100000_seed8.csv
    done

Prints the CPU µs per review (``time.process_time``) of the first pass over the blocks (the language
identifier's memo cold, as in a fresh worker) and of a second pass (memo warm), the tree imported and the load
average. Run it alternately for the old and the new tree (``PYTHONPATH``), as above.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--block", type=int, default=25_000)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools.ingest import read_reviews
    from reviewtools.sentiment import score_sentiment

    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    blocks = [frame.iloc[lo : lo + args.block] for lo in range(0, n, args.block)]
    passes = []
    for _ in range(2):
        t = time.process_time()
        for b in blocks:
            score_sentiment(b)
        passes.append(1e6 * (time.process_time() - t) / n)
    print(f"{Path(reviewtools.__file__).parent.parent}: cold {passes[0]:.1f}, warm {passes[1]:.1f} CPU us/review "
          f"({n:,} reviews, blocks of {args.block:,}); load {_loadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
