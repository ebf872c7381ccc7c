"""What ``app.py`` hands to every page: the loaded, triaged and filtered reviews and the open store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from reviewtools.store import ReviewStore, Workflow

#: Session-state key under which app.py stores the :class:`Context` of the current run.
CTX_KEY = "_reviewtools_ctx"


@dataclass
class Context:
    """The data of one script run. ``reviews`` is the filtered triaged frame; ``all_reviews`` the unfiltered one."""

    source: str
    all_reviews: pd.DataFrame
    reviews: pd.DataFrame
    hits: pd.DataFrame | None
    topic_matches: pd.DataFrame | None
    rejects: pd.DataFrame
    stages_not_run: tuple[str, ...] = ()
    store: ReviewStore | None = None
    workflow: Workflow | None = None
    discover_themes: Callable[[pd.DataFrame, int], pd.DataFrame] | None = None
    after_store_write: Callable[[], None] = field(default=lambda: None)

    @property
    def open_statuses(self) -> tuple[str, ...] | None:
        return self.workflow.open if self.workflow is not None else None


def current() -> Context:
    """The context app.py built for this run (pages are only run through app.py's navigation)."""
    ctx = st.session_state.get(CTX_KEY)
    if ctx is None:
        st.error("Open the dashboard with `streamlit run app.py`; this page needs the data app.py loads.")
        st.stop()
    return ctx
