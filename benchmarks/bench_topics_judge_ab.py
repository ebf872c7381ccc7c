"""In-process A/B of two builds of the native core for the topics step (issue 8, judge).

find_and_tag_topics on the 100k corpus in 25k slices (warm, as a worker), with ``topics._clause_core`` returning
the current ``reviewtools._vadercore`` or another build of it (``--other``: a .so path, loaded as a separate
module), alternating (order swapped each round); ``--tried`` times only the ``topic_tried`` calls. Frames are asserted equal. Prints CPU us/review per round.

    cd <tree> && PYTHONPATH=<tree> python benchmarks/bench_topics_judge_ab.py --other /tmp/judge_old/reviewtools/_vadercore.cpython-311-x86_64-linux-gnu.so --rounds 5
"""
import argparse, importlib.machinery, importlib.util, statistics, sys, time
from pathlib import Path

import reviewtools
from reviewtools import pipeline, read_reviews, topics
from reviewtools.sentiment import score_sentiment

ap = argparse.ArgumentParser()
ap.add_argument("--other", required=True)
ap.add_argument("--rows", type=int, default=100000)
ap.add_argument("--rounds", type=int, default=5)
ap.add_argument("--tried", action="store_true", help="time topic_tried's calls only")
ap.add_argument("--corpus", default="/work/main/benchmarks/out/reviews_100000_seed8.csv")
a = ap.parse_args()

base = topics._clause_core()  # the current build, imported first
loader = importlib.machinery.ExtensionFileLoader("reviewtools._vadercore", a.other)
spec = importlib.util.spec_from_file_location("reviewtools._vadercore", a.other, loader=loader)
other = importlib.util.module_from_spec(spec)
loader.exec_module(other)
sys.modules["reviewtools._vadercore"] = base
assert base is not None and other is not base
print(f"code: {Path(reviewtools.__file__).parent} base {base.__file__} other {other.__file__}")

frame = read_reviews(a.corpus).reviews.iloc[: a.rows]
parts = [score_sentiment(frame.iloc[s : s + 25000]) for s in range(0, a.rows, 25000)]
pipeline._warm_worker()
orig = topics._clause_core


class Timed:
    """``mod`` with ``topic_tried``'s CPU time summed in ``spent`` (``--tried``)."""

    def __init__(self, mod):
        self.mod, self.spent = mod, 0.0

    def __getattr__(self, name):
        return getattr(self.mod, name)

    def topic_tried(self, *args):
        t = time.process_time()
        try:
            return self.mod.topic_tried(*args)
        finally:
            self.spent += time.process_time() - t


def run(mod):
    timed = Timed(mod)
    topics._clause_core = lambda: timed if a.tried else mod
    try:
        t = time.process_time()
        out = [topics.find_and_tag_topics(p) for p in parts]
        spent = timed.spent if a.tried else time.process_time() - t
        return spent / a.rows * 1e6, out
    finally:
        topics._clause_core = orig


run(base), run(other)
times = {"other": [], "base": []}
for r in range(a.rounds):
    order = [("other", other), ("base", base)] if r % 2 == 0 else [("base", base), ("other", other)]
    outs = {}
    for name, mod in order:
        t, outs[name] = run(mod)
        times[name].append(t)
    for x, y in zip(outs["other"], outs["base"]):
        xs, ys = (x, y) if isinstance(x, tuple) else ((x,), (y,))
        assert len(xs) == len(ys) and all(p.equals(q) for p, q in zip(xs, ys)), "frames differ"
    print(f"round {r}: other {times['other'][-1]:.2f} base {times['base'][-1]:.2f}", flush=True)
load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
for k, v in times.items():
    print(f"{k}: min {min(v):.2f} median {statistics.median(v):.2f} CPU us/review")
print(f"load {load}")
