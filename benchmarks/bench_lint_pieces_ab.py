"""A draft's pieces linted (``respond._segment_found`` without its cache: every rule linted a sentence at a time),
this tree's respond.py against another's (first argument: its file, loaded as a second module), interleaved, on
the distinct pieces of the captured lint calls of the 150k slice (/tmp/lint_work/cap150s.pkl, the ``lint`` entry:
``(text, platform, kwargs)`` of ``lint_draft`` calls); findings asserted equal.

    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_lint_pieces_ab.py /tmp/old/reviewtools/respond.py 15
"""
import importlib.util, pickle, sys, time, gc, os
import reviewtools.respond as NEW
spec = importlib.util.spec_from_file_location("reviewtools.respond_old", sys.argv[1])
OLD = importlib.util.module_from_spec(spec); sys.modules["reviewtools.respond_old"] = OLD; spec.loader.exec_module(OLD)
print("new:", NEW.__file__, "old:", OLD.__file__)
cap = pickle.load(open('/tmp/lint_work/cap150s.pkl', "rb"))
segs = {}
memo = NEW._segment_found
if hasattr(memo, "table"):  # a _PieceMemo (bf2e80d): its tables are looked up directly, its function sees misses
    memo.cache_clear()
    orig = memo.__wrapped__
    def spy(seg, platform, split):
        segs[(seg, platform, split)] = None
        return orig(seg, platform, split)
    memo.__wrapped__ = spy
    for t, p, kw in cap['lint']: NEW.lint_draft(t, p, **kw)
    memo.__wrapped__ = orig
else:
    orig = NEW._segment_found
    def spy(seg, platform, split):
        segs[(seg, platform, split)] = None
        return orig(seg, platform, split)
    NEW._segment_found = spy
    for t, p, kw in cap['lint']: NEW.lint_draft(t, p, **kw)
    NEW._segment_found = orig
keys = list(segs)
res = {"old": [], "new": []}; outs = {}
R_ = int(sys.argv[2])
for r in range(R_):
    for name, R in (("old", OLD), ("new", NEW)) if r % 2 == 0 else (("new", NEW), ("old", OLD)):
        w = R._segment_found.__wrapped__
        gc.collect(); c = time.process_time(); out = [w(*k) for k in keys]; res[name].append(time.process_time() - c); outs[name] = out
same = repr(outs["old"]) == repr(outs["new"])
for name in ("old", "new"):
    ts = sorted(res[name]); print(f"{name}: min {1e6*ts[0]/len(keys):.1f} median {1e6*ts[len(ts)//2]/len(keys):.1f} us a piece ({len(keys)} pieces)")
print(f"new lower in {sum(a > b for a, b in zip(res['old'], res['new']))}/{R_}; load {os.getloadavg()[0]:.2f};", "identical" if same else "DIFFER")
