"""The email gate's two passes in isolation (issue 8, helper ``checks_b``): per 50,000-row block of the 100k corpus,
the native literal pass over the lower-cased view with the plan's "@" (new) vs without it plus the "@" byte count
over "joined" (old), in one process, x11 interleaved.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules_email16b_passes.py
"""
import time, statistics
from reviewtools import rules as R
from reviewtools.ingest import read_reviews
frame = read_reviews("/work/main/benchmarks/out/reviews_100000_seed8.csv").reviews.head(100000)
ts = ["" if not isinstance(t, str) else t for t in frame["title"]]
xs = ["" if not isinstance(t, str) else t for t in frame["text"]]
blocks=[(ts[a:a+50000], xs[a:a+50000]) for a in (0,50000)]
plan = R._scan_plan(R.load_rules(), ())
assert "@" in plan["joined_low"]
old = R._Plan({v: tuple(p for p in ps if p != "@") if v == "joined_low" else ps for v, ps in plan.items()})
res={"old":[], "new":[]}
for r in range(11):
    for side in (("old","new") if r%2==0 else ("new","old")):
        tot=0.0
        for t_, x_ in blocks:
            b=R._Batch(t_, x_, [None]*len(x_), [None]*len(x_), plan=plan if side=="new" else old)
            b.array("joined"); b.array("joined_low")
            t=time.process_time()
            b._native("joined_low")
            if side=="old": b.byte_count("joined", R._AT_SIGN)
            else: b._native("joined_low")["@"]
            tot+=time.process_time()-t
        res[side].append(tot)
lower=sum(n<o for o,n in zip(res["old"],res["new"]))
print(f"native pass over joined_low + the '@' rows, 100k: old (+ byte count over joined) {min(res['old'])*1e3:.1f}/{statistics.median(res['old'])*1e3:.1f} -> new (@ in the pass) {min(res['new'])*1e3:.1f}/{statistics.median(res['new'])*1e3:.1f} ms min/median, new lower {lower}/11")
