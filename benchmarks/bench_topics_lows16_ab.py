"""A/B of the lower-cased texts the topics step matches (issue 8): ``_field_codes`` (``topic_field_codes``
with ``lows``) of the title and text columns, then, per prefilter block, the values it left as None lowered
by ``topics._lower`` as ``_field_matches`` does, with the current ``_langcore`` build and another one
(``--other``), alternating (order swapped each round); the lows are asserted equal. CPU us/review.

    cd <tree> && PYTHONPATH=<tree> python benchmarks/bench_topics_lows16_ab.py \\
        --other /tmp/topics16_old/reviewtools/_langcore.cpython-311-x86_64-linux-gnu.so --rounds 11
"""
import argparse, importlib.machinery, importlib.util, statistics, sys, time
from pathlib import Path

import reviewtools
from reviewtools import read_reviews, topics

ap = argparse.ArgumentParser()
ap.add_argument("--other", required=True)
ap.add_argument("--rows", type=int, default=100000)
ap.add_argument("--slice", type=int, default=50000)
ap.add_argument("--rounds", type=int, default=11)
ap.add_argument("--corpus", default="/work/main/benchmarks/out/reviews_100000_seed8.csv")
a = ap.parse_args()

base = topics._lang_core()
loader = importlib.machinery.ExtensionFileLoader("reviewtools._langcore", a.other)
spec = importlib.util.spec_from_file_location("reviewtools._langcore", a.other, loader=loader)
other = importlib.util.module_from_spec(spec)
loader.exec_module(other)
sys.modules["reviewtools._langcore"] = base
assert base is not None and other is not base
print(f"code: {Path(reviewtools.__file__).parent} base {base.__file__} other {other.__file__}")
frame = read_reviews(a.corpus).reviews.iloc[: a.rows]
parts = [frame.iloc[s : s + a.slice] for s in range(0, a.rows, a.slice)]
orig = topics._lang_core
B = topics._PREFILTER_BLOCK_ROWS


def run(mod):
    topics._lang_core = lambda: mod
    out = []
    try:
        t = time.process_time()
        for p in parts:
            for col in ("title", "text"):
                _codes, texts, _has, lows = topics._field_codes(p, col)
                for b0 in range(0, len(texts), B):  # as _field_matches
                    got = lows[b0 : b0 + B]
                    if None in got:
                        got = [topics._lower(texts[b0 + i]) if low is None else low for i, low in enumerate(got)]
                    out.append(got)
        return (time.process_time() - t) / a.rows * 1e6, out
    finally:
        topics._lang_core = orig


run(base), run(other)
times = {"other": [], "base": []}
for r in range(a.rounds):
    outs = {}
    for name in (["other", "base"] if r % 2 == 0 else ["base", "other"]):
        t, outs[name] = run(other if name == "other" else base)
        times[name].append(t)
    assert outs["other"] == outs["base"], "lows differ"
    print(f"round {r}: other {times['other'][-1]:.3f} base {times['base'][-1]:.3f}", flush=True)
loadavg = " ".join(Path("/proc/loadavg").read_text().split()[:3])
lower = sum(b < o for b, o in zip(times["base"], times["other"]))
for k, v in times.items():
    print(f"{k}: min {min(v):.3f} median {statistics.median(v):.3f} CPU us/review")
print(f"base lower in {lower}/{a.rounds}; load {loadavg}")
