"""In-process A/B of ``_vadercore.topic_attempts`` between two builds (issue 8, thirteenth session, topics).

The corpus is cut in 25k slices as the pipeline does; each slice's distinct titles and texts are lower-cased in
blocks of ``topics._PREFILTER_BLOCK_ROWS`` as ``_field_matches`` does; then every block's ``topic_attempts`` (with
the marks ``_field_matches`` passes) runs on this tree's build and on ``--other`` (a .so path loaded as a separate
module), alternating with the order swapped each round, outputs asserted equal. Prints CPU us/review per round and
the min/median of each side. ``--wide``: only the texts with a character above U+00FF (per review of the corpus).

    cd <tree> && PYTHONPATH=<tree> python benchmarks/bench_topics_attempts_ab.py \\
        --other /tmp/topics_old/reviewtools/_vadercore.cpython-311-x86_64-linux-gnu.so --rounds 9
"""
import argparse, gc, importlib.machinery, importlib.util, statistics, sys, time
from pathlib import Path

import reviewtools
from reviewtools import topics as T
from reviewtools.ingest import read_reviews

ap = argparse.ArgumentParser()
ap.add_argument("--other", required=True)
ap.add_argument("--rounds", type=int, default=9)
ap.add_argument("--corpus", default="/work/main/benchmarks/out/reviews_100000_seed8.csv")
ap.add_argument("--wide", action="store_true", help="only the texts with a character above U+00FF (~1.4%%)")
a = ap.parse_args()

base = T._clause_core()
loader = importlib.machinery.ExtensionFileLoader("reviewtools._vadercore", a.other)
spec = importlib.util.spec_from_file_location("reviewtools._vadercore", a.other, loader=loader)
other = importlib.util.module_from_spec(spec)
loader.exec_module(other)
sys.modules["reviewtools._vadercore"] = base
assert base is not None and other is not base
print(f"code: {Path(reviewtools.__file__).parent} base {base.__file__} other {other.__file__}")

frame = read_reviews(a.corpus).reviews
n = len(frame)
blocks = []
for lo in range(0, n, 25_000):
    part = frame.iloc[lo : lo + 25_000]
    for fld in T.TEXT_FIELDS:
        texts = list(dict.fromkeys(T._field_values(part, fld)))
        for b0 in range(0, len(texts), T._PREFILTER_BLOCK_ROWS):
            lows, _ = base.topic_lower(texts[b0 : b0 + T._PREFILTER_BLOCK_ROWS])
            blocks.append([T._lower(texts[b0 + i]) if low is None else low for i, low in enumerate(lows)])
if a.wide:
    blocks = [w for w in ([t for t in b if t and max(t) > "\xff"] for b in blocks) if w]
ix = T._phrase_index(None)
args = (*T._native_attempts_args(ix), T._attempt_marks(ix))
for b in blocks:
    assert base.topic_attempts(b, *args) == other.topic_attempts(b, *args)


def run(core):
    gc.disable()
    t = time.process_time()
    for b in blocks:
        core.topic_attempts(b, *args)
    dt = time.process_time() - t
    gc.enable()
    return dt * 1e6 / n


got = {"other": [], "base": []}
for r in range(a.rounds):
    order = [("other", other), ("base", base)] if r % 2 == 0 else [("base", base), ("other", other)]
    for name, core in order:
        got[name].append(run(core))
    print(f"round {r}: other {got['other'][-1]:.3f} base {got['base'][-1]:.3f}", flush=True)
lower = sum(b < o for b, o in zip(got["base"], got["other"]))
print(f"other (min/median) {min(got['other']):.3f}/{statistics.median(got['other']):.3f} -> base "
      f"{min(got['base']):.3f}/{statistics.median(got['base']):.3f} CPU us/review, base lower in {lower}/{a.rounds}; "
      f"{sum(map(len, blocks)):,} texts in {len(blocks)} blocks")
