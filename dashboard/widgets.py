"""Small Streamlit widgets shared by the pages. Review text is untrusted: it reaches the page only escaped
(:func:`reviewtools.views.highlight_html` via ``st.html``) or as data (``st.dataframe``, ``st.text``, ``st.code``)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from reviewtools import views


def number(value: float, fmt: str = "{:.2f}", missing: str = "–") -> str:
    """Format a figure for display; NaN/None as ``missing`` and infinity as "never"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    if isinstance(value, float) and math.isinf(value):
        return "never"
    return fmt.format(value)


def review_body(row: pd.Series, evidence: pd.DataFrame) -> None:
    """Title and text of one review with its evidence spans marked, everything else escaped."""
    for fld in ("title", "text"):
        text = row.get(fld)
        if isinstance(text, str) and text:
            st.html(views.highlight_html(text, views.spans_for(evidence, fld)))


def evidence_table(evidence: pd.DataFrame, key: str) -> None:
    """The evidence spans of one review as data (never rendered as markup)."""
    if len(evidence):
        st.dataframe(evidence, hide_index=True, width="stretch", key=key)
    else:
        st.caption("No guideline hit or complaint-topic span in this review.")
