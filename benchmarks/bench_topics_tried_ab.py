"""Replay A/B of ``_vadercore.topic_tried`` between two builds (issue 8, judge).

find_and_tag_topics runs once on the corpus's first --rows reviews (25k slices) with the current build, its
``topic_tried`` calls captured (the sink argument replaced by None: the judged matches come back as tuples);
then the captured calls are replayed on the current build and on ``--other`` (a .so path loaded as a separate
module), alternating, order swapped each round, results asserted equal. Prints CPU us/review per round.

    cd <tree> && PYTHONPATH=<tree> python benchmarks/bench_topics_tried_ab.py --other /tmp/judge_old/reviewtools/_vadercore.cpython-311-x86_64-linux-gnu.so
"""
import argparse, gc, importlib.machinery, importlib.util, statistics, sys, time
from pathlib import Path

import reviewtools
from reviewtools import pipeline, read_reviews, topics
from reviewtools.sentiment import score_sentiment

ap = argparse.ArgumentParser()
ap.add_argument("--other", required=True)
ap.add_argument("--rows", type=int, default=50000)
ap.add_argument("--rounds", type=int, default=9)
ap.add_argument("--corpus", default="/work/main/benchmarks/out/reviews_100000_seed8.csv")
a = ap.parse_args()

base = topics._clause_core()
loader = importlib.machinery.ExtensionFileLoader("reviewtools._vadercore", a.other)
spec = importlib.util.spec_from_file_location("reviewtools._vadercore", a.other, loader=loader)
other = importlib.util.module_from_spec(spec)
loader.exec_module(other)
sys.modules["reviewtools._vadercore"] = base
assert base is not None and other is not base
print(f"code: {Path(reviewtools.__file__).parent} base {base.__file__} other {other.__file__}")

calls = []


class Capture:
    def __getattr__(self, name):
        return getattr(base, name)

    def topic_tried(self, *args):
        calls.append(args[:-1] + (None,))
        return base.topic_tried(*args)


frame = read_reviews(a.corpus).reviews.iloc[: a.rows]
parts = [score_sentiment(frame.iloc[s : s + 25000]) for s in range(0, a.rows, 25000)]
pipeline._warm_worker()
orig = topics._clause_core
topics._clause_core = lambda: Capture()
for p in parts:
    topics.find_and_tag_topics(p)
topics._clause_core = orig
print(f"{len(calls)} calls captured")


def run(mod):
    gc.collect()
    gc.disable()  # the replay keeps every result: GC passes over them would swamp the calls
    t = time.process_time()
    out = [mod.topic_tried(*c) for c in calls]
    t = time.process_time() - t
    gc.enable()
    return t / a.rows * 1e6, out



run(base), run(other)
gc.collect()
times = {"other": [], "base": []}
for r in range(a.rounds):
    order = [("other", other), ("base", base)] if r % 2 == 0 else [("base", base), ("other", other)]
    outs = {}
    for name, mod in order:
        t, outs[name] = run(mod)
        times[name].append(t)
    assert outs["other"] == outs["base"], "results differ"
    del outs
    print(f"round {r}: other {times['other'][-1]:.3f} base {times['base'][-1]:.3f}", flush=True)
load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
for k, v in times.items():
    print(f"{k}: min {min(v):.3f} median {statistics.median(v):.3f} CPU us/review")
print(f"base lower in {sum(b < o for b, o in zip(times['base'], times['other']))}/{a.rounds} rounds; load {load}")
