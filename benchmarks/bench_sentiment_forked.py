"""CPU of ``score_sentiment`` in a forked pipeline worker: warmed parent, fresh child, the corpus in 25k blocks.

    for tree in /tmp/sentiment_old /tmp/sentiment_new /tmp/sentiment_old /tmp/sentiment_new; do
        (cd $tree && PYTHONPATH=$tree /work/main/.venv/bin/python benchmarks/bench_sentiment_forked.py \\
            --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv --rounds 3)
    done

As ``pipeline._run_stages`` runs the stage: the parent reads the corpus, warms itself with
``pipeline._warm_worker`` (VADER tables, patterns, the language model) and freezes its objects (``gc.freeze``),
then each round forks a child that scores the corpus block after block (the language identifier's memo cold,
as in a worker at 1M, where texts rarely repeat) and reports its CPU (``time.process_time``) per review. With
``--parts``, also the CPU of the stage's steps (columns, sentences, VADER, aggregates, language guess, the rest).
Prints the tree imported, the minimum and median over the rounds and the load average.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import statistics
import sys
import time
from pathlib import Path


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _timed(acc: dict[str, float], name: str, f):  # type: ignore[no-untyped-def]
    @functools.wraps(f)
    def g(*a, **k):  # type: ignore[no-untyped-def]
        t = time.process_time()
        try:
            return f(*a, **k)
        finally:
            acc[name] = acc.get(name, 0.0) + time.process_time() - t

    return g


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--block", type=int, default=25_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--parts", action="store_true", help="also time the stage's steps")
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import pipeline, sentiment
    from reviewtools.ingest import read_reviews

    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    acc: dict[str, float] = {}
    if args.parts:
        for name in ("_columns", "_block_scores", "_languages"):
            setattr(sentiment, name, _timed(acc, name, getattr(sentiment, name)))
        sentiment._Sentences.aggregate = _timed(acc, "aggregate", sentiment._Sentences.aggregate)
        of = sentiment._Sentences.of.__func__
        sentiment._Sentences.of = classmethod(_timed(acc, "sentences", of))
    pipeline._warm_worker()
    gc.freeze()
    figures = []
    for _ in range(args.rounds):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(r)
            acc.clear()
            t = time.process_time()
            for lo in range(0, n, args.block):
                sentiment.score_sentiment(frame.iloc[lo : lo + args.block])
            total = time.process_time() - t
            parts = dict(acc, rest=total - sum(acc.values())) if acc else {}
            msg = " ".join([f"{1e6 * total / n:.3f}", *(f"{k}={1e6 * v / n:.2f}" for k, v in parts.items())])
            os.write(w, msg.encode())
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            msg = f.read()
        os.waitpid(pid, 0)
        figures.append(float(msg.split()[0]))
        if args.parts:
            print("  round:", msg, flush=True)
    print(f"{Path(reviewtools.__file__).parent.parent}: forked worker min {min(figures):.2f}, median "
          f"{statistics.median(figures):.2f} CPU us/review ({', '.join(f'{x:.2f}' for x in figures)}; {n:,} "
          f"reviews, blocks of {args.block:,}); load {_loadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
