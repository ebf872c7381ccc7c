"""In-process A/B of two builds of ``_langcore`` (and optionally ``_vadercore``) for the topics step (issue 8).

find_and_tag_topics on the corpus in ``--slice`` slices (50,000: the pipeline's partitions), warm as a worker,
with ``topics._lang_core`` (and, with ``--other-vader``, ``topics._clause_core``) returning the current build or
another one (``--other``: a ``_langcore`` .so path, loaded as a separate module), alternating (order swapped each
round). The literal matchers are made once per build (not again at each switch). Frames are asserted equal.
Prints CPU us/review (``time.process_time``) per round, then min and median per build.

    cd <tree> && PYTHONPATH=<tree> python benchmarks/bench_topics_lang16_ab.py \\
        --other /tmp/topics16_old/reviewtools/_langcore.cpython-311-x86_64-linux-gnu.so --rounds 7
"""
import argparse, importlib.machinery, importlib.util, statistics, sys, time
from pathlib import Path

import reviewtools
from reviewtools import pipeline, read_reviews, topics
from reviewtools.sentiment import score_sentiment

ap = argparse.ArgumentParser()
ap.add_argument("--other", required=True, help="another build of reviewtools/_langcore (.so)")
ap.add_argument("--other-vader", help="another build of reviewtools/_vadercore (.so), swapped with --other")
ap.add_argument("--rows", type=int, default=100000)
ap.add_argument("--slice", type=int, default=50000)
ap.add_argument("--rounds", type=int, default=7)
ap.add_argument("--corpus", default="/work/main/benchmarks/out/reviews_100000_seed8.csv")
a = ap.parse_args()


def load(name, path):
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    mod = importlib.util.module_from_spec(spec)
    saved = sys.modules.get(name)
    loader.exec_module(mod)
    if saved is not None:
        sys.modules[name] = saved
    return mod


base_lang = topics._lang_core()
base_vader = topics._clause_core()
assert base_lang is not None and base_vader is not None
other_lang = load("reviewtools._langcore", a.other)
other_vader = load("reviewtools._vadercore", a.other_vader) if a.other_vader else base_vader
assert other_lang is not base_lang
print(f"code: {Path(reviewtools.__file__).parent} base {base_lang.__file__} {base_vader.__file__} "
      f"other {other_lang.__file__} {other_vader.__file__}")

frame = read_reviews(a.corpus).reviews.iloc[: a.rows]
parts = [score_sentiment(frame.iloc[s : s + a.slice]) for s in range(0, a.rows, a.slice)]
pipeline._warm_worker()
orig_lang, orig_clause, orig_matchers = topics._lang_core, topics._clause_core, topics._literal_matchers
made = {}


def matchers(ix, lang):
    key = (id(ix), id(lang))
    if key not in made:
        ix.__dict__.pop("_literal_matchers", None)
        made[key] = (ix, lang, orig_matchers(ix, lang))
    return made[key][2]


topics._literal_matchers = matchers


def run(lang, vader):
    topics._lang_core = lambda: lang
    topics._clause_core = lambda: vader
    try:
        t = time.process_time()
        out = [topics.find_and_tag_topics(p) for p in parts]
        return (time.process_time() - t) / a.rows * 1e6, out
    finally:
        topics._lang_core, topics._clause_core = orig_lang, orig_clause


builds = {"other": (other_lang, other_vader), "base": (base_lang, base_vader)}
for b in builds.values():
    run(*b)  # warm
times = {"other": [], "base": []}
for r in range(a.rounds):
    order = ["other", "base"] if r % 2 == 0 else ["base", "other"]
    outs = {}
    for name in order:
        t, outs[name] = run(*builds[name])
        times[name].append(t)
    for x, y in zip(outs["other"], outs["base"]):
        xs, ys = (x, y) if isinstance(x, tuple) else ((x,), (y,))
        assert len(xs) == len(ys) and all(p.equals(q) for p, q in zip(xs, ys)), "frames differ"
    print(f"round {r}: other {times['other'][-1]:.3f} base {times['base'][-1]:.3f}", flush=True)
loadavg = " ".join(Path("/proc/loadavg").read_text().split()[:3])
lower = sum(b < o for b, o in zip(times["base"], times["other"]))
for k, v in times.items():
    print(f"{k}: min {min(v):.3f} median {statistics.median(v):.3f} CPU us/review")
print(f"base lower in {lower}/{a.rounds}; load {loadavg}")
