"""In-process A/B of ``_fixed_coded`` (the fixed-point texts of the priority reasons): records every call
``_priority_rows`` makes over a saved slice's decision blocks (as ``recommend`` cuts them for ``--processes 2``),
asserts an old ``pipeline.py``'s ``(texts, at)`` equal to this tree's on each, then times old/new interleaved (CPU s)::

    git -C /work/main show HEAD~1:reviewtools/pipeline.py > /tmp/p_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_fixed_ab.py /tmp/lint_work/ref150s /tmp/p_old.py 9

(positional: the folder with ``tagged.pkl``, the old ``pipeline.py``, the rounds.)
"""
import gc, importlib.util, pickle, statistics, sys, time
import numpy as np
import reviewtools.pipeline as P
from reviewtools.schema import coerce
ref, oldp, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", oldp)
old = importlib.util.module_from_spec(spec); old.__package__ = "reviewtools"; sys.modules[spec.name] = old
spec.loader.exec_module(old)
out = coerce(pickle.load(open(ref + "/tagged.pkl", "rb")))
n = len(out); size = min(-(-n // (2 * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
pri = P._priority_inputs(out, None)
calls = []
orig = P._fixed_coded
def rec(values, digits, plus=False):
    calls.append((np.array(values, dtype=np.float64), digits, plus)); return orig(values, digits, plus)
P._fixed_coded = rec
for b in bounds: P._priority_rows(pri, *b)
P._fixed_coded = orig
print(f"code: {P.__file__}; {len(calls)} calls, {sum(len(c[0]) for c in calls)} values")
for d in sorted({c[1] for c in calls}):
    cs = [c for c in calls if c[1] == d]
    tot = sum(len(c[0]) for c in cs); texts = sum(len(orig(*c)[0]) for c in cs)
    print(f"  digits {d}: {len(cs)} calls {tot} values {texts} texts")
for c in calls:
    a, b = old._fixed_coded(*c), P._fixed_coded(*c)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])
times = {"old": [], "new": []}
fns = {"old": old._fixed_coded, "new": P._fixed_coded}
for _ in range(reps):
    for k in ("old", "new"):
        f = fns[k]; gc.collect(); t = time.process_time()
        for c in calls: f(*c)
        times[k].append(time.process_time() - t)
for k, v in times.items():
    print(f"{k}: min {min(v):.4f} median {statistics.median(v):.4f} CPU s  ({' '.join(f'{x:.4f}' for x in v)})")
print(f"new lower in {sum(b < a for a, b in zip(times['old'], times['new']))}/{reps}")
