"""A/B of the thirteenth session's two check shortcuts (issue 8, helper ``checks``), OLD_TREE's rules.py vs this one.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules_checks13_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 9

* ``seller``: ``_detect_seller_feedback`` on the rows ``check_each_review`` hands it (captured from this tree's run;
  the seller-feedback prefilter is the same in both), findings asserted equal first.
* ``order``: the order-number rule as ``check_each_review`` runs it per 50,000-row block: its prefilter on the
  block (``"-.{7}-"`` before, ``rules._re2_order`` now) and the detector on the rows kept, hits asserted equal.
* ``link``: the four Amazon link rules likewise (a scheme row kept only with a dot after "://",
  ``rules._RE2_SCHEME_DOT``; each block's views built inside the timing, as the first prefilter pays for them).
* ``word_run``: the word-run rule likewise (rows with a non-ASCII space read by the native tests with it made " "),
  on blocks whose shared views were made before the timing (only the rule's own prefilter work is timed).

CPU seconds (``time.process_time``), old and new interleaved (the order alternating), minimum and median of the
rounds and how many rounds the new side was lower.
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

from reviewtools import rules as new
from reviewtools.ingest import read_reviews


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree")
    ap.add_argument("--input", required=True)
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_checks13_"))
    shutil.copytree(Path(args.old_tree) / "reviewtools", tmp / "rtold")
    sys.path.insert(0, str(tmp))
    import rtold.rules as old  # noqa: E402

    print("code:", new.__file__, "old:", old.__file__)
    frame = read_reviews(args.input).reviews.head(args.reviews)
    for mod in (old, new):
        mod.load_rules()
        mod.check_each_review(frame.head(200))

    # seller feedback: the detector's calls in a check of the whole frame
    calls = []
    real = new.DETECTORS["seller_feedback"]

    def capture(rv, params):
        calls.append(((rv.title, rv.text, rv.platform, rv.marketplace, rv.vine), params))
        return real(rv, params)

    new.DETECTORS["seller_feedback"] = capture
    try:
        new.check_each_review(frame)
    finally:
        new.DETECTORS["seller_feedback"] = real

    def seller(mod):
        return [list(mod._detect_seller_feedback(mod._Review(*fields), params)) for fields, params in calls]

    # order number: prefilter per block of 50,000 rows, detector on the rows kept
    titles = ["" if not isinstance(t, str) else t for t in frame["title"]]
    texts = ["" if not isinstance(t, str) else t for t in frame["text"]]
    blocks = [(titles[a:a + 50_000], texts[a:a + 50_000]) for a in range(0, len(texts), 50_000)]

    def order(mod):
        rule = next(r for r in mod.load_rules() if r.detector == "order_number")
        hits = []
        for ts, xs in blocks:
            batch = mod._Batch(ts, xs, [None] * len(xs), [None] * len(xs))
            mask = mod.PREFILTERS["order_number"](batch, rule, ())
            for j in np.flatnonzero(mask).tolist():
                hits += [(j, f) for f in mod._detect_order(mod._Review(ts[j], xs[j], "amazon", None, None),
                                                            rule.params)]
        return hits

    # links (cc15ecb's tree and later): the four link rules' prefilter per block and the detector on the rows kept
    def link(mod):
        rules = [r for r in mod.load_rules() if r.detector == "link" and r.rule_id.startswith("AMZ-")]
        hits = []
        for ts, xs in blocks:
            batch = mod._Batch(ts, xs, [None] * len(xs), [None] * len(xs))
            for rule in rules:
                mask = mod.PREFILTERS["link"](batch, rule, ())
                for j in np.flatnonzero(mask).tolist():
                    hits += [(rule.rule_id, j, f) for f in mod._detect_link(
                        mod._Review(ts[j], xs[j], "amazon", "amazon.com", None), rule.params)]
        return hits

    # word runs: the prefilter per block (rows with a non-ASCII space read natively) and the detector on its rows;
    # each module's blocks built and their shared views made once, untimed (the rule's own memo entry dropped)
    batches = {}
    for mod in (old, new):
        rule = next(r for r in mod.load_rules() if r.detector == "word_run")
        batches[mod] = [mod._Batch(ts, xs, [None] * len(xs), [None] * len(xs)) for ts, xs in blocks]
        for batch in batches[mod]:
            mod.PREFILTERS["word_run"](batch, rule, ())

    def word_run(mod):
        rule = next(r for r in mod.load_rules() if r.detector == "word_run")
        hits = []
        for (ts, xs), batch in zip(blocks, batches[mod]):
            batch._memo.pop("word_run", None)
            mask = mod.PREFILTERS["word_run"](batch, rule, ())
            for j in np.flatnonzero(mask).tolist():
                hits += [(j, f) for f in mod._detect_word_run(mod._Review(ts[j], xs[j], "amazon", None, None),
                                                               rule.params)]
        return hits

    for name, fn in (("seller", seller), ("order", order), ("link", link), ("word_run", word_run)):
        assert fn(old) == fn(new), f"{name}: outputs differ"
        secs = {"old": [], "new": []}
        for r in range(args.rounds):
            for side, mod in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
                t = time.process_time()
                fn(mod)
                secs[side].append(time.process_time() - t)
        lower = sum(1 for a, b in zip(secs["old"], secs["new"]) if b < a)
        print(f"{name}: outputs equal ({len(calls) if name == 'seller' else len(texts):,} "
              f"{'calls' if name == 'seller' else 'rows'}); CPU s min/median old "
              f"{min(secs['old']):.4f}/{statistics.median(secs['old']):.4f} -> new "
              f"{min(secs['new']):.4f}/{statistics.median(secs['new']):.4f} (new lower {lower}/{args.rounds})")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
