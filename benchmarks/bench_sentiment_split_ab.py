"""CPU of ``sentiment._Sentences.of`` (sentence splitting of titles and texts) of an old ``sentiment.py`` against
this tree's, interleaved in one process, the corpus in 25k blocks; the spans are asserted equal first.

    cd $NEW && PYTHONPATH=$NEW /work/main/.venv/bin/python benchmarks/bench_sentiment_split_ab.py \\
        /work/main/benchmarks/out/reviews_100000_seed8.csv $OLD/reviewtools/sentiment.py 15

The old file runs as a second module of this tree's package (with this tree's native modules). Prints the min and
median CPU µs per review of each, the rounds where the new one was lower, and the tree imported.
"""
import importlib.util, sys, time, statistics
import numpy as np
import reviewtools
from reviewtools import pipeline, sentiment as NEW
from reviewtools.ingest import read_reviews
spec = importlib.util.spec_from_file_location("reviewtools._sentiment_old", sys.argv[2])
OLD = importlib.util.module_from_spec(spec); sys.modules[spec.name] = OLD; spec.loader.exec_module(OLD)
frame = read_reviews(sys.argv[1]).reviews
rounds = int(sys.argv[3])
blocks = [frame.iloc[lo:lo+25000] for lo in range(0, len(frame), 25000)]
cols = [NEW._columns(b) for b in blocks]
for ti, tx in cols:
    a = OLD._Sentences.of(ti, tx); b = NEW._Sentences.of(ti, tx)
    for f in ("owner", "start", "end", "src", "count"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
n = len(frame); res = {"old": [], "new": []}
for r in range(rounds):
    order = [("old", OLD), ("new", NEW)] if r % 2 == 0 else [("new", NEW), ("old", OLD)]
    for name, M in order:
        t = time.process_time()
        for ti, tx in cols: M._Sentences.of(ti, tx)
        res[name].append(1e6 * (time.process_time() - t) / n)
lower = sum(b < a for a, b in zip(res["old"], res["new"]))
for k, v in res.items(): print(f"{k}: min {min(v):.3f} median {statistics.median(v):.3f}")
print(f"new lower in {lower}/{rounds}; median diff {statistics.median([b - a for a, b in zip(res['old'], res['new'])]):+.3f}; code {reviewtools.__file__}")
