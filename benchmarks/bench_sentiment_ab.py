"""CPU of ``score_sentiment`` (or one of its steps) of an old ``sentiment.py`` against this tree's, interleaved in one
process, warm, the corpus in 25k blocks.

    cd /tmp/new_tree && PYTHONPATH=/tmp/new_tree /work/main/.venv/bin/python benchmarks/bench_sentiment_ab.py \\
        --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv --old /tmp/old_tree/reviewtools/sentiment.py \\
        --rounds 9 [--step languages|aggregate]

The old file is loaded as a second module of this tree's package (``reviewtools._sentiment_old``), so it runs
with this tree's other modules (rules, vader and the native ones): only what ``sentiment.py`` itself does
differently is compared (an old file that calls a native function this tree no longer has will fail). The
outputs of the first block are compared first (exact). Each round runs old then new over all blocks; prints the
minimum and median CPU µs per review (``time.process_time``) and the load average. The identifier's memo is warm
after the first round (both share it), as in a second pass; ``bench_sentiment_forked.py`` measures a fresh worker.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--old", type=Path, required=True, help="the old reviewtools/sentiment.py")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--block", type=int, default=25_000)
    ap.add_argument("--step", choices=["stage", "languages", "aggregate"], default="stage")
    args = ap.parse_args(argv)

    import pandas as pd

    import reviewtools
    from reviewtools import sentiment as new
    from reviewtools.ingest import read_reviews

    spec = importlib.util.spec_from_file_location("reviewtools._sentiment_old", args.old)
    old = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(old)  # type: ignore[union-attr]
    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    blocks = [frame.iloc[lo : lo + args.block] for lo in range(0, n, args.block)]
    pd.testing.assert_frame_equal(old.score_sentiment(blocks[0]), new.score_sentiment(blocks[0]), check_exact=True)
    if args.step == "aggregate":
        data = []
        for b in blocks:
            titles, texts = new._columns(b)
            sents = new._Sentences.of(titles, texts)
            data.append((sents, new._block_scores(titles, texts, sents)[1]))

        def run(mod):  # type: ignore[no-untyped-def]
            for sents, compounds in data:
                mod._Sentences.aggregate(sents, compounds)
    elif args.step == "languages":
        texts_of = [new._columns(b)[1] for b in blocks]

        def run(mod):  # type: ignore[no-untyped-def]
            for texts in texts_of:
                mod._languages(texts)
    else:
        def run(mod):  # type: ignore[no-untyped-def]
            for b in blocks:
                mod.score_sentiment(b)
    res: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for name, mod in (("old", old), ("new", new)):
            t = time.process_time()
            run(mod)
            res[name].append(1e6 * (time.process_time() - t) / n)
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"code: {Path(reviewtools.__file__).parent}; {args.step}, {n:,} reviews, {args.rounds} rounds: "
          + ", ".join(f"{k} min {min(v):.3f} median {statistics.median(v):.3f}" for k, v in res.items())
          + f" CPU us/review; load {load}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
