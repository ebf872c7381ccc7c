"""What ``app.py`` hands to every page: the loaded, triaged and filtered reviews and the open store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from reviewtools.store import ReviewStore, Workflow
from reviewtools.views import FrameIndex

#: Session-state key under which app.py stores the :class:`Context` of the current run.
CTX_KEY = "_reviewtools_ctx"


@dataclass
class Context:
    """The data of one script run. ``all_reviews`` is the unfiltered triaged frame; the filtered one is the rows
    of ``index`` (over ``all_reviews``) at ``positions`` (``None``: every row), taken only when asked for and
    then only the columns asked for (:meth:`rows`, ``derive(..., columns=...)``): at a million reviews, taking
    every column of the matching rows costs more than a page's figures."""

    source: str
    all_reviews: pd.DataFrame
    index: FrameIndex
    positions: np.ndarray | None
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
    #: ``memo(key, name, params, fn, frame, args, kwargs, large)`` runs ``fn(frame(), *args, **kwargs)`` once per
    #: key, name and params (app.py's caches; ``frame`` is called only then); without it :meth:`derive` computes
    #: every time.
    memo: Callable[..., Any] | None = None
    #: ``take(key, columns, index, positions)``: the rows taken once per selection and column set (app.py's cache).
    take: Callable[..., pd.DataFrame] | None = None

    @property
    def n_reviews(self) -> int:
        """How many reviews match the filters (nothing taken)."""
        return len(self.index) if self.positions is None else len(self.positions)

    def rows(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The filtered reviews, of ``columns`` only (those the frame has, in its order; ``None``: all), with
        the frame's index: ``views.filter_reviews(all_reviews, **filters)[columns]``. Read-only, shared."""
        cols = None if columns is None else tuple(c for c in self.all_reviews.columns if c in set(columns))
        if self.take is None or not self.key:
            return self.index.take(self.positions, cols)
        return self.take(self.key, cols, self.index, self.positions)

    @property
    def reviews(self) -> pd.DataFrame:
        """Every column of the filtered reviews (taken once per selection; pages prefer :meth:`rows`)."""
        return self.rows(None)

    def derive(self, name: str, fn: Callable[..., Any], *args: Any, large: bool = False, workflow: bool = True,
               columns: Sequence[str] | None = None, **kwargs: Any) -> Any:
        """``fn(self.reviews, *args, **kwargs)``, cached per filter selection: a redraw that changes nothing the
        result depends on reads it from the cache. ``name`` names the computation (unique per page and
        function); ``args``/``kwargs`` must be plain values whose ``repr`` identifies them. ``large=True`` for a
        result the size of the frame (held once, not copied per read); results are read-only.
        ``workflow=False`` for a result that reads none of the store's workflow columns (``status``,
        ``assignee``, ``edited_draft`` and the ``draft`` they replace): it stays cached across a status change
        or a saved draft. The default assumes it does. ``columns``: ``fn`` reads only these columns of the
        reviews (every one it could read: a function that checks whether a column is there must be given it), so
        only they are taken; ``None`` takes every column. The rows are taken only when the result is not cached.

        Example (a page): ``m = ctx.derive("ov_metrics", views.overview_metrics, 30, workflow=False,
        columns=views.FIGURE_COLUMNS)``.
        """
        key = self.key if workflow or not self.data_key else self.data_key
        if self.memo is None or not key:
            return fn(self.rows(columns), *args, **kwargs)
        params = repr((args, sorted(kwargs.items()), None if columns is None else tuple(columns)))
        return self.memo(key, name, params, fn, lambda: self.rows(columns), args, kwargs, large)

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
