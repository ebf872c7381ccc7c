"""The order-number prefilter's gate in isolation (issue 8, helper ``checks_b``): per 50,000-row block of the 100k
corpus (views made first, and the ASCII-digit count over "joined" the phone and address prefilters share), RE2
``rules._re2_order`` over every row (old) vs the order prefilter (new: RE2 on the rows with at least seven ASCII
digits or non-ASCII characters), rows asserted equal, x11 interleaved.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules_order16b_passes.py [CORPUS]
"""
import statistics
import sys
import time

from reviewtools import rules as R
from reviewtools.ingest import read_reviews

print("code:", R.__file__)
frame = read_reviews(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/out/reviews_100000_seed8.csv").reviews
frame = frame.head(100000)
ts = ["" if not isinstance(t, str) else t for t in frame["title"]]
xs = ["" if not isinstance(t, str) else t for t in frame["text"]]
blocks = [(ts[a:a + 50000], xs[a:a + 50000]) for a in (0, 50000)]
rule = next(r for r in R.load_rules() if r.detector == "order_number")
res = {"old": [], "new": []}
for r in range(11):
    for side in (("old", "new") if r % 2 == 0 else ("new", "old")):
        tot = 0.0
        for t_, x_ in blocks:
            b = R._Batch(t_, x_, [None] * len(x_), [None] * len(x_))
            b.array("joined")
            b.array("joined_low")  # the fields' non-ASCII counts
            b.byte_count("joined", R._ASCII_DIGITS)
            t = time.process_time()
            got = b.match("joined", R._re2_order()) if side == "old" else R.PREFILTERS["order_number"](b, rule, ())
            tot += time.process_time() - t
            if r == 0:
                assert (got == R._Batch(t_, x_, [None] * len(x_), [None] * len(x_)).match(
                    "joined", R._re2_order())).all()
        res[side].append(tot)
lower = sum(n < o for o, n in zip(res["old"], res["new"]))
print(f"order_number rows, 100k: old {min(res['old']) * 1e3:.1f}/{statistics.median(res['old']) * 1e3:.1f} -> "
      f"new {min(res['new']) * 1e3:.1f}/{statistics.median(res['new']) * 1e3:.1f} CPU ms min/median, new lower {lower}/11")
