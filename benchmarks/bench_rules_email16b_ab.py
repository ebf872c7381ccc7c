"""A/B of the sixteenth session's email prefilter gate (issue 8, helper ``checks_b``), OLD_TREE's rules.py vs this one.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules_email16b_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 7

* ``email`` (or ``link``): that prefilter of every such rule on fresh 50,000-row batches with the scan plan (the
  views made first, untimed; timed: the native literal pass and the Hyperscan pass over the lower-cased view (the
  new email gate's "@" joins the first), and the rules' own work (before: a byte count of "@" over "joined"), rows
  asserted equal.
* ``checks``: ``check_each_review`` of the whole frame (hit frames asserted equal).

CPU seconds (``time.process_time``), old and new interleaved (the order alternating), min/median, and how many
rounds the new side was lower.
"""

from __future__ import annotations

import argparse
import functools
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree")
    ap.add_argument("--input", required=True)
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--only", default="email,checks")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_email16b_"))
    shutil.copytree(Path(args.old_tree) / "reviewtools", tmp / "rtold")
    sys.path.insert(0, str(tmp))
    import rtold.rules as old  # noqa: E402

    print("code:", new.__file__, "old:", old.__file__)
    frame = read_reviews(args.input).reviews.head(args.reviews)
    for mod in (old, new):
        mod.load_rules()
        mod.check_each_review(frame.head(200))
    titles = ["" if not isinstance(t, str) else t for t in frame["title"]]
    texts = ["" if not isinstance(t, str) else t for t in frame["text"]]
    blocks = [(titles[a:a + 50_000], texts[a:a + 50_000]) for a in range(0, len(texts), 50_000)]

    def batches(mod):
        plan = mod._scan_plan(mod.load_rules(), ())
        out = []
        for ts, xs in blocks:
            b = mod._Batch(ts, xs, [None] * len(xs), [None] * len(xs), plan=plan)
            for view in ("joined", "joined_low"):
                b.array(view)  # the views; their literal and Hyperscan passes (the gate joins one) are timed
            out.append(b)
        return out

    def prefilter(detector, mod, bs):
        rules = [r for r in mod.load_rules() if r.detector == detector]
        got = []
        for b in bs:
            b._native("joined_low")
            b._scanned("joined_low")
            got += [mod.PREFILTERS[detector](b, r, ()).tobytes() for r in rules]
        return got

    def checks(mod, _):
        return mod.check_each_review(frame)

    for name in args.only.split(","):
        fn = checks if name == "checks" else functools.partial(prefilter, name)
        prep = (lambda mod: None) if name == "checks" else batches
        a, b = fn(old, prep(old)), fn(new, prep(new))
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            assert a == b, f"{name}: outputs differ"
        secs = {"old": [], "new": []}
        for r in range(args.rounds):
            for side, mod in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
                arg = prep(mod)
                t = time.process_time()
                fn(mod, arg)
                secs[side].append(time.process_time() - t)
        lower = sum(1 for x, y in zip(secs["old"], secs["new"]) if y < x)
        print(f"{name}: outputs equal ({len(texts):,} rows); CPU s min/median old "
              f"{min(secs['old']):.4f}/{statistics.median(secs['old']):.4f} -> new "
              f"{min(secs['new']):.4f}/{statistics.median(secs['new']):.4f} (new lower {lower}/{args.rounds})")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
