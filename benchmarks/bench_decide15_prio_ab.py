"""In-process A/B of priority's per-block part (``_priority_rows`` over the cut ``recommend`` makes: blocks of
``DECISION_MAX_BLOCK`` rows, what the decision workers score), an old ``pipeline.py`` loaded as a second module
and this tree's, interleaved; scores and reasons asserted equal first. Prints CPU seconds per round (min, median)
and in how many rounds the tree's was lower.

    git -C /work/main show ce9c51f:reviewtools/pipeline.py > /tmp/pipeline_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide15_prio_ab.py /tmp/lint_work/ref150s /tmp/pipeline_old.py 15

Arguments: a folder of ``bench_stages.py save`` (``tagged.pkl``), the old ``pipeline.py``, the rounds.
"""
import sys, time, importlib.util, gc
from pathlib import Path
import numpy as np, pandas as pd
import reviewtools.pipeline as NEW
from reviewtools.schema import coerce
print("code:", NEW.__file__)
spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", sys.argv[2]); OLD = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = OLD; spec.loader.exec_module(OLD)
out = coerce(pd.read_pickle(Path(sys.argv[1]) / "tagged.pkl"))
n = len(out); size = NEW.DECISION_MAX_BLOCK
bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
pri = {m: m._priority_inputs(out, None) for m in (OLD, NEW)}
for b in bounds:
    a = OLD._priority_rows(pri[OLD], *b); c = NEW._priority_rows(pri[NEW], *b)
    assert a[0].equals(c[0]) and a[1].equals(c[1]), b
print("equal")
res = {OLD: [], NEW: []}
gc.collect(); gc.freeze()
for r in range(int(sys.argv[3])):
    for m in ((OLD, NEW) if r % 2 == 0 else (NEW, OLD)):
        t = time.process_time()
        for b in bounds: m._priority_rows(pri[m], *b)
        res[m].append(time.process_time() - t)
for m, name in ((OLD, "old"), (NEW, "new")):
    v = res[m]; print(f"{name}: min {min(v):.4f} median {np.median(v):.4f}")
print("new lower in", sum(y < x for x, y in zip(res[OLD], res[NEW])), "of", len(res[OLD]))
