"""A/B of the dashboard's figures: charts.use_template (the template set once as plotly's default) against every
figure setting template="plotly_white" itself.

    .venv/bin/python benchmarks/bench_dash21_template.py --db /tmp/r1m.db [--rounds 7]

Loads the store's dashboard frame once, computes the overview's and the products page's rating frames of one
filter selection (rating 4 or 5), then builds their figures (histogram, drag, what-if, trend with alerts,
sentiment and rating; the costliest reviews) alternately in one process: "old" with tests/_charts_ref21.py (the
module as of b74690b) under plotly's own default template, "new" with reviewtools.charts after use_template().
Every figure pair is compared as ``fig.to_json()`` strings (byte for byte); prints the min and median CPU
seconds of the rounds per side (each round builds the figures 5 times). Only the interleaved figures compare: the
machine's speed drifts by up to 2x over minutes.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import warnings
from pathlib import Path

import plotly.io as pio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import _charts_ref21 as ref  # noqa: E402

from reviewtools import charts, ratings, snapshot, views  # noqa: E402
from reviewtools.store import ReviewStore  # noqa: E402

REPEAT = 5


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def figures(m, res) -> list:
    return [m.histogram_figure(res["summary"]), m.drag_figure(res["drag"]), m.what_if_figure(res["what_if"]),
            m.trend_figure(res["trend"], res["alerts"]), m.sentiment_rating_figure(res["trend"]),
            m.review_drag_figure(res["review_drag"])]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    with ReviewStore(args.db) as store:
        snap = snapshot.load_snapshot(store)
        frame = snapshot.dashboard_frame(snap, store)
    ix = views.FrameIndex(frame)
    pos = ix.select(rating=["4", "5"])
    ov = ix.take(pos, views.PAGE_COLUMNS["overview"])
    pr = ix.take(pos, views.PAGE_COLUMNS["products"])
    tr, al = ratings.trend_and_alerts(ov, by=None)
    res = {"summary": ratings.rating_summary(ov, by=None), "drag": ratings.drag(ov, by=None),
           "what_if": ratings.what_if(ov, hit_flags=ix.what_if_flags(snap.hits, pos), by=None), "trend": tr,
           "alerts": al, "review_drag": ratings.review_drag(pr, top=charts.TOP_N)}
    print(f"{args.db}: {len(frame):,} reviews; selection rating 4-5: {len(pos):,} rows")
    times = {"old": [], "new": []}
    for r in range(args.rounds):
        got = {}
        for side in (("old", "new") if r % 2 == 0 else ("new", "old")):
            if side == "old":
                pio.templates.default = "plotly"
            else:
                charts.use_template()
            c = cpu()
            for _ in range(REPEAT):
                got[side] = figures(ref if side == "old" else charts, res)
            times[side].append(cpu() - c)
        for a, b in zip(got["new"], got["old"]):
            assert a.to_json() == b.to_json()
    for side in ("old", "new"):
        t = times[side]
        print(f"{side}: CPU per round ({REPEAT} x 6 figures) min {min(t):.3f} s, median {statistics.median(t):.3f} s "
              f"({', '.join(f'{x:.3f}' for x in t)})")
    print(f"every figure's to_json() equal, {args.rounds} rounds")


if __name__ == "__main__":
    main()
