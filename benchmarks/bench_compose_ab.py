"""A memo entry's compositions (``respond._DraftContext._composed``), this tree's respond.py against another's (first
argument: its file, loaded as a second module), interleaved; the drafts asserted equal. The compositions are those of
the decision workers' reply rows captured by ``bench_reply_rows_ab.py capture`` (second argument: its pickle), replayed
once to find them (per memo entry: the first row's arguments, the picked phrasings composed); each round makes the
entries anew (respond's shared entries cleared: nothing composed or filled yet) and composes them. CPU us a
composition, min and median per tree.

    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_compose_ab.py /tmp/old/reviewtools/respond.py \\
        /tmp/drafts13_work/rows150.pkl 15
"""
import gc
import importlib.util
import os
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_reply_rows_ab as B  # noqa: E402
import reviewtools.respond as NEW  # noqa: E402

spec = importlib.util.spec_from_file_location("reviewtools.respond_old", sys.argv[1])
OLD = importlib.util.module_from_spec(spec)
sys.modules["reviewtools.respond_old"] = OLD
spec.loader.exec_module(OLD)
print("code:", NEW.__file__, "old:", OLD.__file__)
cap = pickle.load(open(sys.argv[2], "rb"))
s = NEW.ReplySettings()
# capture: per entry (first row's args) the chosen sets composed
entries = {}
real_dc = NEW._draft_context
cur = {}
def dc(rec, kind, topic, problem, settings, memo=None):
    ctx = real_dc(rec, kind, topic, problem, settings, memo)
    cur["args"] = (dict(rec), kind, topic, problem)
    return ctx
real = NEW._DraftContext._composed
def spy(self, g, c, n, picks):
    key = id(self.texts)
    if key not in entries:
        entries[key] = (cur["args"], [])
    entries[key][1].append((g, c, n, list(picks)))
    return real(self, g, c, n, picks)
NEW._draft_context = dc; NEW._DraftContext._composed = spy
B._replay(NEW, cap, s)
NEW._draft_context = real_dc; NEW._DraftContext._composed = real
work = list(entries.values())
print(len(work), "entries", sum(len(w[1]) for w in work), "compositions")
def run(R):
    st = R.ReplySettings()
    R._SHARED_ENTRIES.clear(); R._NORMS_BOXES.clear()
    memo = R._DraftMemo(st)
    ctxs = [(R._draft_context(a[0], a[1], a[2], a[3], st, memo), ch) for a, ch in work]
    gc.collect()
    c = time.process_time()
    out = [ctx._composed(*x) for ctx, ch in ctxs for x in ch]
    return time.process_time() - c, out
res = {"old": [], "new": []}; outs = {}
for r in range(int(sys.argv[3]) if len(sys.argv) > 3 else 15):
    for name, R in ((("old", OLD), ("new", NEW)) if r % 2 == 0 else (("new", NEW), ("old", OLD))):
        t, o = run(R); res[name].append(t); outs[name] = o
n = sum(len(w[1]) for w in work)
for name in ("old", "new"):
    ts = sorted(res[name]); print(f"{name}: min {1e6*ts[0]/n:.2f} median {1e6*ts[len(ts)//2]/n:.2f} us a composition")
print("new lower", sum(a < b for a, b in zip(res["new"], res["old"])), "/", len(res["new"]), "identical", outs["old"] == outs["new"], "load", os.getloadavg()[0])
