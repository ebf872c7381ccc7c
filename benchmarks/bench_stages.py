"""CPU seconds of sentiment, topics and decisions on one corpus, and an exact check against a saved reference.

    .venv/bin/python benchmarks/bench_stages.py save  --corpus benchmarks/out/reviews_20000_seed8.csv --ref .work/ref20k
    .venv/bin/python benchmarks/bench_stages.py check --corpus benchmarks/out/reviews_20000_seed8.csv --ref .work/ref20k
    .venv/bin/python benchmarks/bench_stages.py time  --corpus benchmarks/out/reviews_100000_seed8.csv

Each stage runs serially in this process, timed in CPU seconds (``time.process_time``, which other people's
load on a shared machine barely changes; the load average is printed beside the figures):

* ``sentiment``: :func:`reviewtools.sentiment.score_sentiment` of the ingested frame;
* ``topics``: :func:`reviewtools.topics.find_and_tag_topics` of the scored frame;
* ``decisions``: :func:`reviewtools.pipeline.recommend` (one process) of the tagged frame with the guideline
  hits (per-review checks and duplicates, not timed: another module's work).

``save`` pickles every stage's output (and the hits) into ``--ref``; ``check`` runs the stages on the same
inputs (the decisions on the *saved* tagged frame, matches and hits, so a change in another module's rules does
not show up as a decision difference) and compares each output with ``pandas.testing.assert_frame_equal``
(exact). Exit status 1 when an output differs. The per-stage companion of ``check_identical.py``.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal


def _load(path: Path) -> object:
    with path.open("rb") as fh:
        return pickle.load(fh)


def _dump(obj: object, path: Path) -> None:
    with path.open("wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("save", "check", "time"))
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--ref", type=Path, help="folder of the reference pickles (save and check)")
    args = ap.parse_args(argv)
    if args.mode != "time" and args.ref is None:
        ap.error("save and check need --ref")

    from reviewtools.duplicates import find_duplicates
    from reviewtools.ingest import read_reviews
    from reviewtools.pipeline import recommend, triage_partition
    from reviewtools.rules import check_each_review
    from reviewtools.schema import coerce
    from reviewtools.sentiment import score_sentiment
    from reviewtools.topics import find_and_tag_topics

    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    # warm the per-process caches (lexicon, compiled patterns) outside the timed stages
    triage_partition(coerce(pd.DataFrame({"review_id": ["w"], "platform": ["amazon"], "text": ["Warm up."]})))
    print(f"{n:,} reviews from {args.corpus}; load average at start {_loadavg()}", flush=True)

    cpu: dict[str, float] = {}
    t = time.process_time()
    scored = score_sentiment(frame)
    cpu["sentiment"] = time.process_time() - t
    t = time.process_time()
    tagged, matches = find_and_tag_topics(scored)
    cpu["topics"] = time.process_time() - t

    if args.mode == "check":
        ref_tagged, ref_matches, hits = (_load(args.ref / f"{k}.pkl") for k in ("tagged", "matches", "hits"))
    else:
        hits = check_each_review(frame)
        dup = find_duplicates(frame)
        if not dup.empty:
            hits = pd.concat([hits, dup], ignore_index=True)
        ref_tagged, ref_matches = tagged, matches
    t = time.process_time()
    decided = recommend(ref_tagged, hits, ref_matches, processes=1)
    cpu["decisions"] = time.process_time() - t

    for stage, secs in cpu.items():
        print(f"{stage:>10}: {secs:7.2f} CPU s  {1e6 * secs / max(n, 1):7.1f} CPU us/review", flush=True)
    print(f"load average at end {_loadavg()}")

    outputs = {"scored": scored, "tagged": tagged, "matches": matches, "decided": decided}
    if args.mode == "save":
        args.ref.mkdir(parents=True, exist_ok=True)
        for k, v in outputs.items():
            _dump(v, args.ref / f"{k}.pkl")
        _dump(hits, args.ref / "hits.pkl")
        print(f"saved the reference to {args.ref}")
        return 0
    if args.mode == "check":
        bad = 0
        for k, v in outputs.items():
            try:
                assert_frame_equal(v, _load(args.ref / f"{k}.pkl"))
            except AssertionError as exc:
                bad += 1
                print(f"DIFFERENT {k}: {str(exc)[:2000]}")
            else:
                print(f"identical {k}")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
