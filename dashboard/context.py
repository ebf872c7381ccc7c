"""What ``app.py`` hands to every page: the loaded, triaged and filtered reviews and the open store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    #: Identifies ``reviews``: the source's load, the store's workflow stamp and the filters chosen.
    key: str = ""
    #: Identifies what ``reviews`` holds apart from the store's workflow: ``key`` without the workflow stamp
    #: (unless a status filter picks the rows). Keys the results of ``derive(..., workflow=False)``.
    data_key: str = ""
    #: ``memo(key, name, params, fn, frame, args, kwargs, large)`` runs ``fn(frame, *args, **kwargs)`` once per
    #: key, name and params (app.py's caches); without it :meth:`derive` computes every time.
    memo: Callable[..., Any] | None = None

    def derive(self, name: str, fn: Callable[..., Any], *args: Any, large: bool = False, workflow: bool = True,
               **kwargs: Any) -> Any:
        """``fn(self.reviews, *args, **kwargs)``, cached per filter selection: a redraw that changes nothing the
        result depends on reads it from the cache. ``name`` names the computation (unique per page and
        function); ``args``/``kwargs`` must be plain values whose ``repr`` identifies them. ``large=True`` for a
        result the size of the frame (held once, not copied per read); results are read-only.
        ``workflow=False`` for a result that reads none of the store's workflow columns (``status``,
        ``assignee``, ``edited_draft`` and the ``draft`` they replace): it stays cached across a status change
        or a saved draft. The default assumes it does.

        Example (a page): ``m = ctx.derive("ov_metrics", views.overview_metrics, 30, workflow=False)``.
        """
        key = self.key if workflow or not self.data_key else self.data_key
        if self.memo is None or not key:
            return fn(self.reviews, *args, **kwargs)
        params = repr((args, sorted(kwargs.items())))
        return self.memo(key, name, params, fn, self.reviews, args, kwargs, large)

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
