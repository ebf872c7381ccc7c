"""Topics: complaint-topic counts and trends, and themes discovered in the reviews with examples."""

from __future__ import annotations

import streamlit as st

from dashboard.context import current
from reviewtools import charts, ratings, views
from reviewtools.errors import ReviewToolsError
from reviewtools.topics import topic_counts

ctx = current()
FIG = views.PAGE_COLUMNS["topics"]  # the columns read here: only they are taken of the matching rows
st.header("Topics")
if ctx.n_reviews == 0:
    st.info("No review matches the filters.")
    st.stop()
counts = ctx.derive("tp_counts", topic_counts, workflow=False, columns=FIG)
st.dataframe(counts, hide_index=True, width="stretch", key="tp_counts")
freq = st.radio("Period", list(ratings.FREQUENCIES), horizontal=True, key="tp_freq",
                format_func=lambda k: ratings.FREQUENCIES[k])
tt = ctx.derive("tp_trend", ratings.topic_trend, by=None, freq=freq, workflow=False, columns=FIG)
if len(tt):
    st.plotly_chart(charts.topic_share_figure(tt), key="tp_trend")
else:
    st.caption("No complaint topic in this selection.")

st.subheader("Discovered themes")
st.caption(f"TF-IDF + NMF over the review text (at most {views.THEME_MAX_REVIEWS:,} reviews, a fixed sample)")
n_themes = st.number_input("Themes", min_value=2, max_value=20, value=6, step=1, key="tp_n_themes")
if st.toggle("Discover themes", key="tp_discover"):
    try:
        # the rows views.theme_sample would draw from the whole selection, taken with every column (the fit
        # reads the text): theme_sample keeps a frame that small as it is, so the themes are the same
        sample = ctx.derive("tp_sample", lambda _: ctx.index.theme_sample(ctx.positions, views.THEME_MAX_REVIEWS),
                            large=True, columns=["review_id"])
        themes = ctx.discover_themes(sample, int(n_themes))
    except ReviewToolsError as exc:
        st.error(str(exc))
    else:
        st.dataframe(themes[["theme", "label", "top_terms", "size", "share"]], hide_index=True, width="stretch",
                     key="tp_themes")
        st.dataframe(views.theme_examples(themes), hide_index=True, width="stretch", key="tp_examples")
