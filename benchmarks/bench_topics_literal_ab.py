"""The topic step with and without ``_langcore.topic_literal`` (the gap-free phrase regexes as plain matchers,
``topics._literal_matchers``), in one process, alternating, frames asserted equal: CPU µs/review of
``find_and_tag_topics`` over the corpus in 25k slices (warm), per variant and round.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_topics_literal_ab.py \\
        --corpus benchmarks/out/reviews_100000_seed8.csv [--reviews N] [--rounds 6]

``--calls``: instead of the whole step, only the matcher calls of the step's attempts (captured from
``topic_attempts``), regex vs plain matcher, per call."""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import reviewtools
from reviewtools import pipeline, read_reviews, topics
from reviewtools.sentiment import score_sentiment

SLICE = 25_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--reviews", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--calls", action="store_true")
    args = ap.parse_args()
    frame = read_reviews(args.corpus).reviews
    if args.reviews is not None:
        frame = frame.iloc[: args.reviews]
    n = len(frame)
    parts = [score_sentiment(frame.iloc[s : s + SLICE]) for s in range(0, n, SLICE)]
    pipeline._warm_worker()
    lang = topics._lang_core()
    if lang is None or not hasattr(lang, "topic_literal"):
        sys.exit("this tree's _langcore has no topic_literal")
    real = topics._literal_matchers
    off = lambda ix, lang: ix.matchers  # noqa: E731
    print(f"code: {Path(reviewtools.__file__).parent}")
    if args.calls:
        calls(parts, n, args.rounds, lang)
        return
    want = [topics.find_and_tag_topics(p) for p in parts]
    topics._literal_matchers = off
    try:
        for p, w in zip(parts, want):
            for a, b in zip(topics.find_and_tag_topics(p), w):
                pd.testing.assert_frame_equal(a, b)
    finally:
        topics._literal_matchers = real
    got: dict[str, list[float]] = {"regex": [], "literal": []}
    for r in range(args.rounds):
        order = ("regex", "literal") if r % 2 == 0 else ("literal", "regex")
        for name in order:
            topics._literal_matchers = off if name == "regex" else real
            try:
                t = time.process_time()
                for p in parts:
                    topics.find_and_tag_topics(p)
                got[name].append((time.process_time() - t) / n * 1e6)
            finally:
                topics._literal_matchers = real
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    for name, v in got.items():
        print(f"{name:8s} CPU µs/review: {' '.join(f'{x:.2f}' for x in v)}; min {min(v):.2f}, "
              f"median {statistics.median(v):.2f}")
    print(f"{n:,} reviews; pairs lower with literal: "
          f"{sum(b < a for a, b in zip(got['regex'], got['literal']))}/{args.rounds}; load {load}")


def calls(parts: list[pd.DataFrame], n: int, rounds: int, lang: object) -> None:
    core = topics._clause_core()
    captured = []

    class Capture:
        def __getattr__(self, name: str) -> object:
            return getattr(core, name)

        def topic_attempts(self, lows: list[str], *rest: object) -> object:
            got = core.topic_attempts(lows, *rest)
            captured.append((lows, got))
            return got

    real = topics._clause_core
    topics._clause_core = lambda: Capture()
    try:
        for p in parts:
            topics.find_and_tag_topics(p)
    finally:
        topics._clause_core = real
    ix = topics._phrase_index(None)
    fast = topics._literal_matchers(ix, lang)
    a_calls, b_calls = [], []
    for lows, (rows, offs, pids) in captured:
        for r, o, p in zip(np.frombuffer(rows, np.int64).tolist(), np.frombuffer(offs, np.int64).tolist(),
                           np.frombuffer(pids, np.int64).tolist()):
            a_calls.append((ix.matchers[p], lows[r], o))
            b_calls.append((fast[p], lows[r], o))

    def run(calls: list) -> tuple[float, list]:
        ends = []
        t = time.process_time()
        for f, low, o in calls:
            m = f(low, o)
            ends.append(None if m is None else m.end())
        return time.process_time() - t, ends

    gc.disable()
    got: dict[str, list[float]] = {"regex": [], "literal": []}
    for r in range(rounds):
        ta, ea = run(a_calls)
        tb, eb = run(b_calls)
        assert ea == eb
        got["regex"].append(ta / n * 1e6)
        got["literal"].append(tb / n * 1e6)
    gc.enable()
    covered = sum(f is not g for (f, _, _), (g, _, _) in zip(a_calls, b_calls))
    for name, v in got.items():
        print(f"{name:8s} matcher calls, CPU µs/review: {' '.join(f'{x:.3f}' for x in v)}; min {min(v):.3f}, "
              f"median {statistics.median(v):.3f}")
    print(f"{len(a_calls):,} attempts, {covered:,} by a plain matcher; {n:,} reviews")


if __name__ == "__main__":
    main()
