"""A/B of the dashboard's rating maths on a 1M store: the group-code paths against their definitions before.

    .venv/bin/python benchmarks/bench_dash21_ratings.py --db /tmp/r1m.db [--rounds 5] [--what overview,products]

Loads the store's dashboard frame once, takes the overview's and the products page's columns of a few filter
selections (as a new selection does) and calls, alternately in one process on the same frames, the library calls
those pages make with ``reviewtools.ratings`` (new) and with ``tests/_ratings_ref21.py`` (the module as of
b74690b, kept frozen as the reference): ``rating_summary``, ``drag``, ``what_if(hit_flags=...)`` (new: one
``summary_frames``, as the page calls it), ``targets`` and ``trend_and_alerts`` with ``by=None`` (overview);
``views.product_table`` (against its definition before, kept here, over the reference module) and
``review_drag(top=TOP_N)`` (products). Every result pair is compared exactly (``pandas.testing.assert_frame_equal``);
prints per page and side the min and median CPU seconds of the rounds. The machine's speed drifts by up to 2x over
minutes: only the interleaved figures compare.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import _ratings_ref21 as ref  # noqa: E402

from reviewtools import charts, ratings, snapshot, views  # noqa: E402
from reviewtools.store import ReviewStore  # noqa: E402

SELECTIONS = (["4", "5"], ["5"], ["3", "5"])


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def overview_calls(m, fr, flags):
    if m is ref:
        first = [m.rating_summary(fr, by=None), m.drag(fr, by=None), m.what_if(fr, hit_flags=flags, by=None)]
    else:  # as the overview page calls them: one summary_frames
        s = m.summary_frames(fr, by=None, hit_flags=flags)
        first = [s.summary, s.drag, s.what_if]
    return first + [m.targets(fr, 4.5, by=None), *m.trend_and_alerts(fr, by=None, freq="M"),
                    *m.trend_and_alerts(fr, by=None, freq="W")]


def _old_product_table(triaged: pd.DataFrame, *, open_statuses=None) -> pd.DataFrame:
    """views.product_table as of b74690b (its groupbys on the product id strings, the reference rating maths)."""
    summary = ref.rating_summary(triaged, by="product_id")
    ds = ref.drag_summary(triaged, by="product_id")[["product_id", "gap_to_5", "low_star_reviews", "low_star_drag",
                                                     "low_star_share_of_gap"]]
    out = summary[["product_id", "n_reviews", "average", "bayesian_average", "prior"]].merge(
        ds, on="product_id", how="left")
    key = triaged["product_id"].astype("string").fillna(ref.UNKNOWN_GROUP)
    if "product_title" in triaged.columns:
        titles = triaged["product_title"].astype("string").groupby(key).first()
        out.insert(1, "product_title", out["product_id"].map(titles).astype("string"))
    if "action" in triaged.columns:
        act = triaged["action"].astype("string")
        is_open = (act != views.OPEN_ACTION_EXCLUDED).fillna(False)
        if "status" in triaged.columns and open_statuses is not None:
            is_open &= triaged["status"].astype("string").isin(list(open_statuses)).fillna(False)
        out["open_actions"] = out["product_id"].map(is_open.groupby(key).sum()).fillna(0).astype("int64")
        rr = is_open & (act == "removal_request").fillna(False)
        out["removal_requests"] = out["product_id"].map(rr.groupby(key).sum()).fillna(0).astype("int64")
    out["bayesian_rank"] = out["bayesian_average"].rank(ascending=False, method="min").astype("Int64")
    return out.sort_values(["bayesian_rank", "product_id"], kind="stable").reset_index(drop=True)


def products_calls(m, fr, flags):
    table = _old_product_table if m is ref else views.product_table
    return [table(fr, open_statuses=None), table(fr, open_statuses=("new", "drafted")),
            m.review_drag(fr, top=charts.TOP_N)]


CALLS = {"overview": overview_calls, "products": products_calls}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--what", default="overview,products")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    with ReviewStore(args.db) as store:
        snap = snapshot.load_snapshot(store)
        frame = snapshot.dashboard_frame(snap, store)
    ix = views.FrameIndex(frame)
    frames = []
    for sel in SELECTIONS:
        pos = ix.select(rating=sel)
        flags = ix.what_if_flags(snap.hits, pos)
        frames.append({page: ix.take(pos, views.PAGE_COLUMNS[page]) for page in CALLS} | {"flags": flags})
    print(f"{args.db}: {len(frame):,} reviews; selections {SELECTIONS}")
    for page in args.what.split(","):
        times = {"old": [], "new": []}
        for r in range(args.rounds):
            sides = ("old", "new") if r % 2 == 0 else ("new", "old")
            got = {}
            for side in sides:
                m = ref if side == "old" else ratings
                c = cpu()
                got[side] = [CALLS[page](m, f[page], f["flags"]) for f in frames]
                times[side].append(cpu() - c)
            for a, b in zip(got["new"], got["old"]):
                for x, y in zip(a, b):
                    pd.testing.assert_frame_equal(x, y)
        for side in ("old", "new"):
            t = times[side]
            print(f"{page} {side}: CPU per round of {len(SELECTIONS)} selections min {min(t):.3f} s, median "
                  f"{statistics.median(t):.3f} s ({', '.join(f'{x:.3f}' for x in t)})")
        print(f"{page}: every result equal (assert_frame_equal), {args.rounds} rounds")


if __name__ == "__main__":
    main()
