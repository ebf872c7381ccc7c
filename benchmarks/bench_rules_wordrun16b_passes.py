"""The word-run prefilter's non-ASCII rows in isolation (issue 8, helper ``checks_b``): per 50,000-row block of the
100k corpus (views and the fields' non-ASCII counts made first, as the lower-cased views leave them), the Σ /
wide-space RE2 pattern on the rows of a non-ASCII byte count over "joined" (old, ``match_where``) vs on the rows
of the fields' counts (new, ``rules._refine_non_ascii_joined``), rows asserted equal, x11 interleaved.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules_wordrun16b_passes.py [CORPUS]
"""
import statistics
import sys
import time

from reviewtools import rules as R
from reviewtools.ingest import read_reviews

print("code:", R.__file__)
frame = read_reviews(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/out/reviews_100000_seed8.csv").reviews.head(100000)
ts = ["" if not isinstance(t, str) else t for t in frame["title"]]
xs = ["" if not isinstance(t, str) else t for t in frame["text"]]
blocks = [(ts[a:a + 50000], xs[a:a + 50000]) for a in (0, 50000)]
wide = "".join("\\x{%x}" % ord(c) for c in R._python_spaces() if not c.isascii())
pat = "[\u03a3" + wide + "]"
res = {"old": [], "new": []}
for r in range(11):
    for side in (("old", "new") if r % 2 == 0 else ("new", "old")):
        tot = 0.0
        for t_, x_ in blocks:
            b = R._Batch(t_, x_, [None] * len(x_), [None] * len(x_))
            b.array("joined")
            b.array("joined_low")  # the fields' non-ASCII counts
            t = time.process_time()
            got = (b.match_where("joined", R._NON_ASCII, 1, pat) if side == "old"
                   else R._refine_non_ascii_joined(b, pat))
            tot += time.process_time() - t
            assert (got == b.match("joined", pat)).all()
        res[side].append(tot)
lower = sum(n < o for o, n in zip(res["old"], res["new"]))
print(f"word_run non-ASCII rows, 100k: old {min(res['old']) * 1e3:.1f}/{statistics.median(res['old']) * 1e3:.1f} -> "
      f"new {min(res['new']) * 1e3:.1f}/{statistics.median(res['new']) * 1e3:.1f} CPU ms min/median, new lower {lower}/11")
