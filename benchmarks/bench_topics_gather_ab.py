"""Topics' match columns (eleventh session, round 3, helper ``topics3``): ``_find`` on slices of a corpus with the
joined-lists gather (``_sorted_parts``) vs the per-field columns concatenated (``_field_columns`` +
``_sorted_columns``, the code before it), in one process, results asserted equal, interleaved with the order
swapped; CPU us/review of ``_find`` (sentiment scored first, as in the stage)."""
from __future__ import annotations

import argparse
import gc
import statistics
import time

import numpy as np

import reviewtools
from reviewtools import read_reviews, topics
from reviewtools.sentiment import score_sentiment


def old_sorted_parts(parts, has_text):
    cols = []
    for fi, rows, take, lists in parts:
        total = len(take)

        def objects(values):
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            return arr[take]
        topic, start, end, evidence, phrase, kind, polarity, negated, negator, cue, reason = lists
        cols.append([rows, np.full(total, fi, dtype=np.int64), objects(topic),
                     np.array(start, dtype=np.int64)[take] if total else np.zeros(0, dtype=np.int64),
                     np.array(end, dtype=np.int64)[take] if total else np.zeros(0, dtype=np.int64),
                     objects(evidence), objects(phrase), objects(kind), objects(polarity),
                     np.array(negated, dtype=bool)[take] if total else np.zeros(0, dtype=bool),
                     objects(negator), objects(cue), objects(reason)])
    return topics._sorted_columns([np.concatenate(c) for c in zip(*cols)], has_text) if cols else \
        topics._found_of([[] for _ in topics._RAW_COLUMNS], None, has_text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="benchmarks/out/reviews_100000_seed8.csv")
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--slice", type=int, default=25000)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--part", action="store_true",
                    help="time only the tail (the captured parts of each slice -> _Found), not the whole _find")
    args = ap.parse_args()
    print("code:", reviewtools.__file__)
    frame = score_sentiment(read_reviews(args.corpus).reviews.iloc[: args.rows].reset_index(drop=True))
    slices = [frame.iloc[i: i + args.slice].reset_index(drop=True) for i in range(0, len(frame), args.slice)]
    new = topics._sorted_parts
    timed = {"old": [], "new": []}
    captured = {}

    got_parts = []
    if args.part:
        def capture(parts, has_text):
            got_parts.append((parts, has_text))
            return new(parts, has_text)
        topics._sorted_parts = capture
        for s in slices:
            topics._find(s, None)

    def run(name):
        if args.part:
            fn = old_sorted_parts if name == "old" else new
            gc.collect()
            gc.disable()
            t = time.process_time()
            out = [fn(p, h) for p, h in got_parts]
            timed[name].append((time.process_time() - t) * 1e6 / len(frame))
            gc.enable()
            captured[name] = out
            return
        topics._sorted_parts = old_sorted_parts if name == "old" else new
        gc.collect()
        t = time.process_time()
        out = [topics._find(s, None) for s in slices]
        timed[name].append((time.process_time() - t) * 1e6 / len(frame))
        captured[name] = out

    for r in range(args.rounds):
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            run(name)
        for a, b in zip(captured["old"], captured["new"]):
            for k in a.__dataclass_fields__:
                x, y = getattr(a, k), getattr(b, k)
                if isinstance(x, np.ndarray):
                    assert x.dtype == y.dtype and np.array_equal(x, y), k
                else:
                    assert type(x) is type(y) and x == y, k
    topics._sorted_parts = new
    for name in ("old", "new"):
        print(f"{name}: min {min(timed[name]):.3f} median {statistics.median(timed[name]):.3f} CPU us/review "
              f"({' '.join(f'{v:.2f}' for v in timed[name])})")
    print("pairs lower:", sum(n < o for o, n in zip(timed["old"], timed["new"])), "/", args.rounds)


if __name__ == "__main__":
    main()
