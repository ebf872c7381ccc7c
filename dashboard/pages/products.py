"""Products: per-product table with the Bayesian ranking, drag and open actions."""

from __future__ import annotations

import streamlit as st

from dashboard.context import current
from reviewtools import charts, ratings, views

ctx = current()
FIG = views.PAGE_COLUMNS["products"]  # the columns read here: only they are taken of the matching rows
st.header("Products")
if not ctx.rows(["rating"])["rating"].notna().any():
    st.info("No rated review matches the filters.")
    st.stop()
table = ctx.derive("pr_table", views.product_table, open_statuses=ctx.open_statuses, columns=FIG)
st.caption(f"{len(table):,} products · ranked by Bayesian average ({ratings.COMPUTED_BASIS}); "
           + str(table["prior"].iloc[0]))
st.dataframe(table.drop(columns=["prior"]), hide_index=True, width="stretch", key="pr_table")
# the chart shows the TOP_N costliest reviews: only those rows of review_drag are taken (the same figure)
st.plotly_chart(ctx.derive("pr_drag", lambda fr: charts.review_drag_figure(ratings.review_drag(fr, top=charts.TOP_N)),
                           workflow=False, columns=FIG),
                key="pr_review_drag")
