"""Old against new code on one corpus: CPU seconds of sentiment, topics and decisions, interleaved in one process.

    git archive 7594806 | tar -x -C /tmp/old_tree
    .venv/bin/python benchmarks/ab_stages.py --old-tree /tmp/old_tree --stages sentiment,topics,decisions \\
        --corpus benchmarks/out/reviews_20000_seed8.csv --rounds 3

The old tree's ``reviewtools`` package is copied into a temporary folder as package ``rtold`` and imported
beside the working tree's ``reviewtools``. Each round runs the old stage, then the new one, on the same frame
(decisions on the new code's tagged frame, matches and guideline hits), with the per-call caches of both cleared
first (VADER analyzer and its memos, lint and quote memos; compiled patterns stay, as in a real run). Prints the
minimum CPU seconds (``time.process_time``) over the rounds, per review, with the load average: on a shared
machine the interleaving and the minimum make the ratio meaningful even when the absolute figures are inflated.
The outputs of the two are compared first (exact), so a speed-up that changes results does not get measured.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old-tree", type=Path, required=True, help="a checkout holding the old reviewtools/")
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--stages", default="sentiment,topics,decisions")
    ap.add_argument("--reviews", type=int, default=0, help="first N reviews only (0: all)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="ab_stages_"))
    shutil.copytree(args.old_tree / "reviewtools", tmp / "rtold")
    sys.path.insert(0, str(tmp))
    import rtold.pipeline as old_pipeline  # noqa: E402
    import rtold.respond as old_respond
    import rtold.sentiment as old_sentiment
    import rtold.topics as old_topics
    import rtold.vader as old_vader

    from reviewtools import pipeline, respond, sentiment, topics, vader
    from reviewtools.duplicates import find_duplicates
    from reviewtools.ingest import read_reviews
    from reviewtools.rules import check_each_review

    frame = read_reviews(args.corpus).reviews
    if args.reviews:
        frame = frame.iloc[: args.reviews]
    n = len(frame)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    tagged = matches = hits = None
    if "decisions" in stages:
        tagged, matches = topics.find_and_tag_topics(sentiment.score_sentiment(frame))
        hits = pd.concat([check_each_review(frame), find_duplicates(frame)], ignore_index=True)

    def clear() -> None:
        for mod in (old_vader, vader):
            mod.get_analyzer.cache_clear()
        for mod in (old_respond, respond):
            mod._reads_as_complaint.cache_clear()
            if hasattr(mod, "_lint_cached"):
                mod._lint_cached.cache_clear()

    runs = {
        "sentiment": (lambda: old_sentiment.score_sentiment(frame), lambda: sentiment.score_sentiment(frame)),
        "topics": (lambda: old_topics.find_and_tag_topics(frame), lambda: topics.find_and_tag_topics(frame)),
        "decisions": (lambda: old_pipeline.recommend(tagged, hits, matches),
                      lambda: pipeline.recommend(tagged, hits, matches)),
    }
    print(f"{n:,} reviews from {args.corpus}; load average {_loadavg()}", flush=True)
    for stage in stages:
        old, new = runs[stage]
        a, b = old(), new()
        for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
            assert_frame_equal(x, y)
        secs: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(args.rounds):
            for name, fn in (("old", old), ("new", new)):
                clear()
                t = time.process_time()
                fn()
                secs[name].append(time.process_time() - t)
        o, w = min(secs["old"]), min(secs["new"])
        print(f"{stage:>10}: old {o:6.2f} s  new {w:6.2f} s  (min of {args.rounds})  "
              f"{1e6 * o / n:6.1f} -> {1e6 * w / n:6.1f} CPU us/review ({w / o - 1:+.0%}); load {_loadavg()}",
              flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
