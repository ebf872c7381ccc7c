"""views.product_table's per-product titles and open-action counts on product codes (np.minimum.at,
np.bincount) and its rating maths on group positions equal the definition before: the groupbys on the product id
strings over tests/_ratings_ref21.py (the rating module as of b74690b), kept here as the reference."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import _ratings_ref21 as ref
from _depth import examples
from reviewtools import views
from reviewtools.ratings import UNKNOWN_GROUP
from reviewtools.views import OPEN_ACTION_EXCLUDED


def _ref_product_table(triaged: pd.DataFrame, *, open_statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """views.product_table as of b74690b."""
    summary = ref.rating_summary(triaged, by="product_id")
    ds = ref.drag_summary(triaged, by="product_id")[["product_id", "gap_to_5", "low_star_reviews", "low_star_drag",
                                                     "low_star_share_of_gap"]]
    out = summary[["product_id", "n_reviews", "average", "bayesian_average", "prior"]].merge(
        ds, on="product_id", how="left")
    key = triaged["product_id"].astype("string").fillna(UNKNOWN_GROUP)
    if "product_title" in triaged.columns:
        titles = triaged["product_title"].astype("string").groupby(key).first()
        out.insert(1, "product_title", out["product_id"].map(titles).astype("string"))
    if "action" in triaged.columns:
        act = triaged["action"].astype("string")
        is_open = (act != OPEN_ACTION_EXCLUDED).fillna(False)
        if "status" in triaged.columns and open_statuses is not None:
            is_open &= triaged["status"].astype("string").isin(list(open_statuses)).fillna(False)
        out["open_actions"] = out["product_id"].map(is_open.groupby(key).sum()).fillna(0).astype("int64")
        rr = is_open & (act == "removal_request").fillna(False)
        out["removal_requests"] = out["product_id"].map(rr.groupby(key).sum()).fillna(0).astype("int64")
    out["bayesian_rank"] = out["bayesian_average"].rank(ascending=False, method="min").astype("Int64")
    return out.sort_values(["bayesian_rank", "product_id"], kind="stable").reset_index(drop=True)


COLUMNS = ["review_id", "platform", "product_id", "product_title", "rating", "action", "status"]
row = st.fixed_dictionaries({
    "review_id": st.sampled_from(["a", "b", "c", None]),
    "platform": st.sampled_from(["amazon", "google", None]),
    "product_id": st.sampled_from(["P1", "P2", "P10", "", UNKNOWN_GROUP, None]),
    "product_title": st.sampled_from(["Kettle", "Kettle 2", "", None]),
    "rating": st.sampled_from([1, 2, 3, 4, 5, None]),
    "action": st.sampled_from(["none", "public_reply", "removal_request", None]),
    "status": st.sampled_from(["new", "drafted", "done", None]),
})


def _frame(rows: list[dict], text_action: bool, columns: Sequence[str]) -> pd.DataFrame:
    f = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("review_id", "platform", "product_id", "product_title", "status"):
        f[c] = f[c].astype("string")
    f["action"] = f["action"].astype("str" if text_action else "string")  # the snapshot's text dtype, or string
    f["rating"] = pd.array(f["rating"].tolist(), dtype="Int64")
    f["created_at"] = pd.Timestamp("2024-01-01", tz="UTC")
    return f[[c for c in f.columns if c in columns]]


ALL = ("review_id", "platform", "product_id", "product_title", "rating", "created_at", "action", "status")
frames = st.builds(_frame, st.lists(row, max_size=30), st.booleans(),
                   st.sampled_from([ALL, ALL[:5] + ALL[6:], ("review_id", "product_id", "rating"),
                                    ALL[:6] + ("action",)]))


@settings(max_examples=examples(20), deadline=None)
@given(frames, st.sampled_from([None, ("new", "drafted"), (), ("done",)]))
def test_product_table_equals_the_groupbys(f, open_statuses):
    before = f.copy()
    got = views.product_table(f, open_statuses=open_statuses)
    pd.testing.assert_frame_equal(got, _ref_product_table(f, open_statuses=open_statuses))
    pd.testing.assert_frame_equal(f, before)


def test_product_table_of_no_reviews():
    f = _frame([], True, ALL)
    pd.testing.assert_frame_equal(views.product_table(f), _ref_product_table(f))
