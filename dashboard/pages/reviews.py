"""Reviews: the table with sentiment, topics and guideline hits, and one review with its evidence marked."""

from __future__ import annotations

import streamlit as st

from dashboard.context import current
from dashboard.widgets import evidence_table, review_body
from reviewtools import views

ctx = current()
st.header("Reviews")
order = st.selectbox("Sort by", list(views.SORT_ORDERS), key="rv_sort",
                     format_func={"created_at": "newest first", "priority": "priority (highest first)",
                                  "rating": "rating (lowest first)"}.get)
index, positions, all_hits, all_matches = ctx.index, ctx.positions, ctx.hits, ctx.topic_matches


def _table(_, by: str):
    """The first rows in this order (views.sorted_reviews of the selection: the load's order restricted to it,
    only those rows taken), their table with the hits joined, and their hits and topic matches (by review
    position), once per filter selection and order."""
    pos = index.sorted_positions(by, positions, limit=views.TABLE_ROW_LIMIT)
    top = index.take(pos).copy()
    top_hits, top_matches = index.evidence_rows(all_hits, pos), index.evidence_rows(all_matches, pos)
    return top, views.reviews_table(top, top_hits), top_hits, top_matches


shown, table, shown_hits, shown_matches = ctx.derive("rv_table", _table, order, large=True, columns=["review_id"])
n_match = ctx.n_reviews
st.caption(f"{n_match:,} reviews match; the table shows {len(table):,}" +
           (f" (the first {views.TABLE_ROW_LIMIT:,})" if n_match > len(table) else ""))
st.dataframe(table, hide_index=True, width="stretch", key="rv_table")
if table.empty:
    st.stop()

st.subheader("One review, evidence marked")
ids = table["review_id"].astype("string").tolist()
rid = st.selectbox("Review", ids, key="rv_review")
row = shown[shown["review_id"].astype("string") == rid].iloc[0]
plat = str(row.get("platform") or "other")
# the review is one of the table's: its evidence is among the table's hits and matches (not 1M+ stored rows)
ev = views.review_evidence(rid, shown_hits, shown_matches, platform=plat)
review_body(row, ev)
evidence_table(ev, key="rv_evidence")
st.text(f"Action: {row.get('action')} · {row.get('action_reason')}")
