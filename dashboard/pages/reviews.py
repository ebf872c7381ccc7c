"""Reviews: the table with sentiment, topics and guideline hits, and one review with its evidence marked."""

from __future__ import annotations

import streamlit as st

from dashboard.context import current
from dashboard.widgets import evidence_table, review_body
from reviewtools import views

ctx = current()
st.header("Reviews")
f = ctx.reviews
order = st.selectbox("Sort by", list(views.SORT_ORDERS), key="rv_sort",
                     format_func={"created_at": "newest first", "priority": "priority (highest first)",
                                  "rating": "rating (lowest first)"}.get)
all_hits = ctx.hits


def _table(fr, by: str):
    """The first rows in this order and their table (hits joined), once per filter selection and order."""
    top = views.sorted_reviews(fr, by, limit=views.TABLE_ROW_LIMIT)
    return top, views.reviews_table(top, views.evidence_for(all_hits, top))


shown, table = ctx.derive("rv_table", _table, order, large=True)
st.caption(f"{len(f):,} reviews match; the table shows {len(table):,}" +
           (f" (the first {views.TABLE_ROW_LIMIT:,})" if len(f) > len(table) else ""))
st.dataframe(table, hide_index=True, width="stretch", key="rv_table")
if table.empty:
    st.stop()

st.subheader("One review, evidence marked")
ids = table["review_id"].astype("string").tolist()
rid = st.selectbox("Review", ids, key="rv_review")
row = shown[shown["review_id"].astype("string") == rid].iloc[0]
plat = str(row.get("platform") or "other")
ev = views.review_evidence(rid, ctx.hits, ctx.topic_matches, platform=plat)
review_body(row, ev)
evidence_table(ev, key="rv_evidence")
st.text(f"Action: {row.get('action')} · {row.get('action_reason')}")
