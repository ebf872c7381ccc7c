"""A/B of the seller-feedback rule's cost in ``check_each_review``, OLD_TREE's reviewtools vs this one.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules_seller13_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 9

Each tree checks the frame once (its own prefilters) with the seller-feedback detector's calls and the rows its
share bound is asked about captured; hits are asserted equal. Then, interleaved (the order alternating):

* ``detector``: each tree's detector on its own captured calls (fewer when the bound drops more rows);
* ``bound``: each tree's share bound on its captured rows (``_Batch.sentence_counts`` on a fresh batch of the same
  block: the counts the bound reads, the views' lowering included in neither).

CPU seconds (``time.process_time``), minimum and median, and how many rounds the new side was lower.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reviewtools import rules as new
from reviewtools.ingest import read_reviews


def capture(mod, frame):
    calls, bounds = [], []
    real = mod.DETECTORS["seller_feedback"]

    def detector(rv, params):
        calls.append(((rv.title, rv.text, rv.platform, rv.marketplace, rv.vine), params))
        return real(rv, params)

    real_counts = mod._Batch.sentence_counts

    def counts(self, view, rows, words, *rest, **kw):
        bounds.append((self.titles, self.texts, view, rows.copy(), words, rest, kw))
        return real_counts(self, view, rows, words, *rest, **kw)

    mod.DETECTORS["seller_feedback"] = detector
    mod._Batch.sentence_counts = counts
    try:
        out = mod.check_each_review(frame)
    finally:
        mod.DETECTORS["seller_feedback"] = real
        mod._Batch.sentence_counts = real_counts
    return out, calls, bounds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree")
    ap.add_argument("--input", required=True)
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_seller13_"))
    shutil.copytree(Path(args.old_tree) / "reviewtools", tmp / "rtold")
    sys.path.insert(0, str(tmp))
    import rtold.rules as old  # noqa: E402

    print("code:", new.__file__, "old:", old.__file__)
    frame = read_reviews(args.input).reviews.head(args.reviews)
    got = {}
    for name, mod in (("old", old), ("new", new)):
        mod.load_rules()
        mod.check_each_review(frame.head(200))
        got[name] = capture(mod, frame)
    pd.testing.assert_frame_equal(got["old"][0], got["new"][0])
    print(f"frames equal; detector calls old {len(got['old'][1]):,}, new {len(got['new'][1]):,}; "
          f"bound count calls old {len(got['old'][2])}, new {len(got['new'][2])}")

    def detector(name, mod):
        for fields, params in got[name][1]:
            list(mod._detect_seller_feedback(mod._Review(*fields), params))

    def bound(name, mod):
        for titles, texts, view, rows, words, rest, kw in got[name][2]:
            batch = mod._Batch(titles, texts, [None] * len(texts), [None] * len(texts))
            batch.array(view)  # the view itself is built untimed by the caller below
            t = time.process_time()
            batch.sentence_counts(view, rows, words, *rest, **kw)
            bound.secs += time.process_time() - t

    for label, fn in (("detector", detector), ("bound", bound)):
        secs = {"old": [], "new": []}
        for r in range(args.rounds):
            for side, mod in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
                if fn is bound:
                    bound.secs = 0.0
                    fn(side, mod)
                    secs[side].append(bound.secs)
                    continue
                t = time.process_time()
                fn(side, mod)
                secs[side].append(time.process_time() - t)
        lower = sum(1 for a, b in zip(secs["old"], secs["new"]) if b < a)
        print(f"{label}: CPU s min/median old {min(secs['old']):.4f}/{statistics.median(secs['old']):.4f} -> new "
              f"{min(secs['new']):.4f}/{statistics.median(secs['new']):.4f} (new lower {lower}/{args.rounds})")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
