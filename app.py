"""reviewtools dashboard (a thin first page until the dashboard issue replaces it).

Reads the bundled CC0 sample (or the file named in ``REVIEWTOOLS_APP_FILE``) with the library and shows the
row count, the average rating and the reviews table. Review text is shown as data in ``st.dataframe``,
never rendered as markdown or HTML. Run with ``make run``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from reviewtools import read_reviews
from reviewtools.ratings import rating_summary

SAMPLE = Path(__file__).resolve().parent / "data" / "amazon_fine_food_sample.csv"
TABLE_COLUMNS = ["created_at", "rating", "product_id", "title", "text", "author", "helpful_votes", "review_id"]


@st.cache_data(show_spinner="Reading reviews...")
def load(path: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """Ingest ``path`` once per session; returns the reviews, the summary row and the file report."""
    res = read_reviews(path)
    rep = res.files[0]
    report = {"format": res.format, "rows_read": res.rows_read, "rejected": res.rejected,
              "duplicates": res.duplicates, "products": rep.products}
    return res.reviews, rating_summary(res.reviews, by=None), report


st.set_page_config(page_title="reviewtools", layout="wide")
st.title("reviewtools")
source = os.environ.get("REVIEWTOOLS_APP_FILE", str(SAMPLE))
reviews, summary, report = load(source)
st.caption(f"{Path(source).name} · format {report['format']} · {report['rows_read']} rows read")

c1, c2, c3, c4 = st.columns(4)
c1.metric("Reviews", f"{len(reviews):,}")
c2.metric("Average rating", f"{summary.loc[0, 'average']:.2f}")
c3.metric("Products", f"{report['products']:,}")
c4.metric("Rejected / duplicates", f"{report['rejected']} / {report['duplicates']}")

st.subheader("Reviews")
st.dataframe(reviews[TABLE_COLUMNS], hide_index=True, width="stretch")
