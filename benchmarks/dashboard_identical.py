"""The dashboard's position-based paths (views.FrameIndex, ratings.what_if(hit_flags=...), topic counts per distinct
topic set, review_drag(top=...), the pages' column sets) equal the frame-level definitions they replaced, exactly, on
a large store (issue 8: identical output at 1M, beside the Hypothesis tests in tests/test_dashboard_speed.py).

    .venv/bin/python benchmarks/dashboard_identical.py --db .work/dash2/s1m.db
    .venv/bin/python benchmarks/dashboard_identical.py --db .work/dash/s1m.db --parquet-snapshot OLD/s1m.db.snapshot/GEN

``--parquet-snapshot`` also compares the frames of the store's snapshot with those of a format-1 snapshot folder
(Parquet files, as snapshots were written before the Arrow IPC files) of the same store: read as that format did.

Exits non-zero at the first difference (pandas' assert_frame_equal, exact); prints the comparisons made.
"""
import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from reviewtools import views, ratings, charts, snapshot, store as rstore
from reviewtools.pipeline import action_queue, ACTIONS
from reviewtools.topics import topic_counts
from test_dashboard_speed import _ref_review_drag, _ref_topic_trend_counts
ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--db", type=Path, required=True, help="a review store (e.g. from benchmarks/make_store.py)")
ap.add_argument("--parquet-snapshot", type=Path, default=None,
                help="a format-1 snapshot folder (reviews.parquet, ...) of the same store, to compare the frames with")
args = ap.parse_args()
if not args.db.is_file():
    raise SystemExit(f"--db {args.db}: no such store")
st = rstore.ReviewStore(args.db); snap = snapshot.load_snapshot(st); frame = snapshot.dashboard_frame(snap, st)
hits, matches = snap.hits, snap.topic_matches
if args.parquet_snapshot is not None:
    import pyarrow.parquet as pq

    for name in ("reviews", "hits", "topic_matches", "workflow"):
        old = pq.read_table(args.parquet_snapshot / f"{name}.parquet", memory_map=False).combine_chunks().to_pandas()
        pd.testing.assert_frame_equal(getattr(snap, name), old, check_exact=True)
        print(f"snapshot {name}: {len(old):,} rows, identical to the Parquet snapshot", flush=True)
        del old
ix = views.FrameIndex(frame)
n = 0
for chosen in (dict(rating=["5"]), dict(rating=["1", "2"]), dict(action=["removal_request"], rating=["1", "4"]), {}):
    pos = ix.select(**chosen)
    f = views.filter_reviews(frame, **chosen)
    pd.testing.assert_frame_equal(ix.take(pos), f); n += 1
    for by in views.SORT_ORDERS:
        pd.testing.assert_frame_equal(ix.take(ix.sorted_positions(by, pos, limit=2000)).copy(),
                                      views.sorted_reviews(f, by, limit=2000)); n += 1
    full = action_queue(f)
    qpos = ix.queue_positions(pos)
    pd.testing.assert_frame_equal(ix.take(qpos, renumber=True), full); n += 1
    assert [a for a in ACTIONS if a in ix.present("action", qpos)] == [a for a in ACTIONS if a in set(full["action"].astype("string").dropna())]
    top = ix.sorted_positions("created_at", pos, limit=2000)
    pd.testing.assert_frame_equal(ix.evidence_rows(hits, top), views.evidence_for(hits, ix.take(top))); n += 1
    pd.testing.assert_frame_equal(ix.evidence_rows(matches, top), views.evidence_for(matches, ix.take(top))); n += 1
    ov = ix.take(pos, views.PAGE_COLUMNS["overview"])
    pd.testing.assert_frame_equal(ratings.what_if(ov, hit_flags=ix.what_if_flags(hits, pos), by=None),
                                  ratings.what_if(f, views.evidence_for(hits, f), by=None)); n += 1
    tp = ix.take(pos, views.PAGE_COLUMNS["topics"])
    pd.testing.assert_frame_equal(topic_counts(tp), topic_counts(f)); n += 1
    key = "scope"
    dated = ratings._period_frame(ratings._prepare(f, None, need_dates=True), key, "M")
    o = [key, "period", "topic"]
    pd.testing.assert_frame_equal(ratings._topic_period_counts(dated, key).sort_values(o).reset_index(drop=True),
                                  _ref_topic_trend_counts(dated, key).sort_values(o).reset_index(drop=True)); n += 1
    pr = ix.take(pos, views.PAGE_COLUMNS["products"])
    pd.testing.assert_frame_equal(views.product_table(pr, open_statuses=("new", "drafted")),
                                  views.product_table(f, open_statuses=("new", "drafted"))); n += 1
    want = _ref_review_drag(f)
    assert charts.review_drag_figure(ratings.review_drag(pr, top=charts.TOP_N)).to_json() == charts.review_drag_figure(want).to_json(); n += 1
    pd.testing.assert_frame_equal(ratings.review_drag(f), want); n += 1
    print(chosen, len(f), "ok", flush=True)
print(f"identical: {n} comparisons")
