"""What the dashboard shows, as plain functions: filters, evidence highlighting, headline figures, tables.

The Streamlit app (``app.py``) only reads widgets, calls these and renders the result, so every number it shows
comes from a tested function here or in :mod:`reviewtools.ratings`. Nothing here imports streamlit or caches;
every function returns a new object and never mutates its input.

Review text is untrusted: :func:`highlight_html` escapes every character of it before wrapping the evidence in
``<mark>``, and :func:`escape_markdown` makes a string safe for a widget label that would render markdown.

>>> import pandas as pd
>>> f = pd.DataFrame({"review_id": ["a", "b"], "product_id": ["P1", None], "rating": [5, 1]})
>>> filter_reviews(f, product=["(unknown)"])["review_id"].tolist()
['b']
>>> highlight_spans("It broke fast", [(3, 8)])
[('It ', False), ('broke', True), (' fast', False)]
"""

from __future__ import annotations

import datetime as dt
import html
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import ReviewToolsError
from .ratings import UNKNOWN_GROUP, keys_in, summary_frames

#: Filter name -> the column of the (triaged) review frame it selects on.
FILTER_COLUMNS: Final[dict[str, str]] = {
    "product": "product_id",
    "platform": "platform",
    "rating": "rating",
    "sentiment": "sentiment_label",
    "topic": "topics",
    "action": "action",
    "status": "status",
}
#: Separator of multi-valued cells such as ``topics`` (topics.tag_topics) and ``rule_ids`` (pipeline.recommend).
MULTI_SEP: Final[str] = "|"
#: Columns of :func:`reviews_table`, in order (those present are kept).
REVIEW_TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "created_at", "rating", "platform", "product_id", "sentiment_label", "sentiment_score", "topics",
    "hit_rules", "action", "priority", "status", "title", "text", "author", "review_id",
)
#: Columns of :func:`review_evidence`.
EVIDENCE_COLUMNS: Final[tuple[str, ...]] = ("source", "id", "field", "start", "end", "evidence", "reason")
#: Statuses counted as open when the frame carries the store's ``status`` column (resources/workflow/statuses.json).
OPEN_ACTION_EXCLUDED: Final[str] = "none"
#: Characters that CommonMark (and Streamlit's label markdown) give a meaning; :func:`escape_markdown` escapes them.
MARKDOWN_SPECIAL: Final[str] = "\\`*_{}[]()<>#+-.!|~$:"
#: Sort keys of :func:`sorted_reviews` -> ascending? (newest, most urgent and lowest-rated first).
SORT_ORDERS: Final[dict[str, bool]] = {"created_at": False, "priority": False, "rating": True}
#: Reviews a dashboard table sends to the browser at most (a 100,000-row table of review text is tens of MB).
TABLE_ROW_LIMIT: Final[int] = 2_000
#: Reviews theme discovery fits on at most (TF-IDF + NMF on a deterministic sample stays a few seconds).
THEME_MAX_REVIEWS: Final[int] = 5_000
_MD_RE: Final[re.Pattern[str]] = re.compile("([" + re.escape(MARKDOWN_SPECIAL) + "])")


class ViewError(ReviewToolsError, ValueError):
    """A view cannot be built from the frame given (a filter on a column it does not have, a bad span...)."""


# ============================================================================================ filters


def _as_values(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as strings, missing values shown as :data:`~reviewtools.ratings.UNKNOWN_GROUP`."""
    s = frame[column]
    if column == "rating":
        s = pd.to_numeric(s, errors="coerce").astype("Int64")
    return s.astype("string").fillna(UNKNOWN_GROUP)


def _distinct(cells: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``(codes, values)``: each cell's position in ``values``, the distinct non-missing cells (``-1`` for a
    missing cell). A column of a million reviews holds a few hundred distinct products, labels or topic sets,
    so per-value work (string conversion, a regular expression) runs on ``values`` and is spread back by
    ``codes`` instead of running on every row."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), pd.Series(uniques, dtype=cells.dtype)


def _value_strings(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, pd.Series]:
    """:func:`_as_values` factorised: ``(codes, strings)`` with ``strings`` the distinct values as
    :func:`_as_values` writes them and ``-1`` codes for missing values (:data:`UNKNOWN_GROUP`)."""
    s = frame[column]
    if column == "rating":
        s = pd.to_numeric(s, errors="coerce").astype("Int64")
    codes, values = _distinct(s)
    return codes, values.astype("string").fillna(UNKNOWN_GROUP)


def _spread(codes: np.ndarray, per_value: np.ndarray, missing: bool) -> np.ndarray:
    """A boolean per row from a boolean per distinct value (``missing`` for the ``-1`` codes)."""
    out = np.full(len(codes), missing, dtype=bool)
    known = codes >= 0
    out[known] = per_value[codes[known]]
    return out


def filter_options(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The choices for each filter present in ``frame``: sorted distinct values (``"(unknown)"`` for missing).

    ``topic`` lists each topic id found in the ``|``-joined ``topics`` cells (reviews without a complaint topic
    are not a choice). Filters whose column is absent are left out.

    >>> import pandas as pd
    >>> filter_options(pd.DataFrame({"rating": [5, 1, 5], "topics": ["a|b", "", "b"]}))
    {'rating': ['1', '5'], 'topic': ['a', 'b']}
    """
    out: dict[str, list[str]] = {}
    for name, col in FILTER_COLUMNS.items():
        if col not in frame.columns:
            continue
        if name == "topic":  # split the distinct cells only (a few hundred topic sets among a million reviews)
            _, cells = _distinct(frame[col].astype("string"))
            parts = cells.fillna("").str.split(MULTI_SEP).explode().str.strip()
            out[name] = sorted(set(parts.dropna()) - {""})
        else:
            codes, values = _value_strings(frame, col)
            found = set(values) | ({UNKNOWN_GROUP} if (codes < 0).any() else set())
            out[name] = sorted(found, key=lambda v: (v == UNKNOWN_GROUP, v))
    return out


def _multi_pattern(wanted: Iterable[str], sep: str) -> str | None:
    """The regular expression of :func:`multi_contains` (``None`` when no id is wanted)."""
    items = sorted({str(w).strip() for w in wanted} - {""})
    if not items:
        return None
    alt = "|".join(re.escape(i) for i in items)
    s = re.escape(sep)
    return rf"(?:^|{s})\s*(?:{alt})\s*(?:{s}|$)"


def multi_contains(cells: pd.Series, wanted: Iterable[str], sep: str = MULTI_SEP) -> pd.Series:
    """Which ``sep``-joined cells (``topics``, ``rule_ids``) hold **any** of the ``wanted`` ids as a whole item.

    Vectorised (one regular expression over the column, the ids anchored on ``sep`` or the cell's ends, so
    ``price`` does not match ``price_value``); items are compared after stripping spaces, as
    :func:`filter_options` lists them. Missing cells hold nothing. Returns a boolean Series on ``cells``' index.

    >>> import pandas as pd
    >>> multi_contains(pd.Series(["price|size", "price_value", None, " size"]), ["size"]).tolist()
    [True, False, False, True]
    """
    pattern = _multi_pattern(wanted, sep)
    if pattern is None:
        return pd.Series(False, index=cells.index, dtype=bool)
    codes, values = _distinct(cells.astype("string"))  # the pattern runs once per distinct cell
    per_value = values.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    return pd.Series(_spread(codes, per_value, False), index=cells.index, dtype=bool)


def date_bounds(frame: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last review day (UTC) in ``frame``, or ``None`` when no review has a date.

    >>> import pandas as pd
    >>> date_bounds(pd.DataFrame({"created_at": pd.to_datetime(["2024-01-02", "2023-05-01"], utc=True)}))
    (datetime.date(2023, 5, 1), datetime.date(2024, 1, 2))
    """
    if "created_at" not in frame.columns:
        return None
    c = pd.to_datetime(frame["created_at"], utc=True, errors="coerce").dropna()
    if c.empty:
        return None
    return c.min().date(), c.max().date()


def filter_reviews(
    frame: pd.DataFrame,
    *,
    product: Sequence[str] | None = None,
    platform: Sequence[str] | None = None,
    date_range: tuple[dt.date, dt.date] | None = None,
    rating: Sequence[int | str] | None = None,
    sentiment: Sequence[str] | None = None,
    topic: Sequence[str] | None = None,
    action: Sequence[str] | None = None,
    status: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The reviews that pass every filter given; ``None`` or an empty list means "no filter on this".

    Each list holds the accepted values as :func:`filter_options` lists them (``"(unknown)"`` selects missing
    values). ``topic`` keeps reviews carrying **any** of the topics. ``date_range`` is a pair of days, both
    included (UTC); undated reviews are dropped only when a date range is given. A filter on a column the
    frame lacks raises :class:`ViewError` naming it. The row order and index are kept.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"review_id": list("abc"), "rating": [5, 1, 2], "topics": ["", "price", "price|size"]})
    >>> filter_reviews(f, rating=[1, 2], topic=["size"])["review_id"].tolist()
    ['c']
    """
    mask = np.ones(len(frame), dtype=bool)
    chosen = {"product": product, "platform": platform, "rating": rating, "sentiment": sentiment,
              "topic": topic, "action": action, "status": status}
    for name, values in chosen.items():
        if values is None or len(values) == 0:
            continue
        col = FILTER_COLUMNS[name]
        if col not in frame.columns:
            raise ViewError(f"cannot filter on {name}: the frame has no {col!r} column")
        wanted = {str(v) for v in values}
        if name == "topic":
            hit = multi_contains(frame[col], wanted).to_numpy(dtype=bool)
        else:  # _as_values(frame, col).isin(wanted), decided once per distinct value
            codes, values = _value_strings(frame, col)
            hit = _spread(codes, values.isin(wanted).to_numpy(dtype=bool), UNKNOWN_GROUP in wanted)
        mask &= hit
    if date_range is not None:
        if "created_at" not in frame.columns:
            raise ViewError("cannot filter on dates: the frame has no 'created_at' column")
        start, end = date_range
        if start > end:
            raise ViewError(f"the date range starts after it ends ({start} > {end})")
        created = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
        lo = pd.Timestamp(start).tz_localize("UTC")
        hi = pd.Timestamp(end).tz_localize("UTC") + pd.Timedelta(days=1)
        mask &= ((created >= lo) & (created < hi)).fillna(False).to_numpy(dtype=bool)
    if mask.all():  # no filter: a new frame sharing the data (copy-on-write, pandas >= 3) instead of a copy
        return frame.copy(deep=False)
    return frame[mask]


# ============================================================================================ per-load index

#: The columns each figure page's library calls read, so a page takes only these cells of the matching rows (not
#: the review text, drafts and reasons of every one). ``ratings._prepare`` reads ``review_id, rating, created_at``,
#: the group column and, when present, ``platform, sentiment_score, topics, title`` (carried along: only
#: ``review_drag`` returns ``title``, which the products chart does not show); :func:`product_table` reads the
#: product title, action and status; ``topics.topic_counts`` the three topic columns. ``tests/test_dashboard_speed``
#: checks every page's results on these columns against the whole frame.
PAGE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "overview": ("review_id", "platform", "rating", "created_at", "sentiment_score"),
    "topics": ("review_id", "platform", "rating", "created_at", "topics", "topics_praised", "topics_checked"),
    "products": ("review_id", "platform", "product_id", "product_title", "rating", "created_at", "action", "status"),
}
#: Every column of :data:`PAGE_COLUMNS`.
FIGURE_COLUMNS: Final[tuple[str, ...]] = tuple(dict.fromkeys(c for cols in PAGE_COLUMNS.values() for c in cols))
#: Columns of the hits frame that :func:`reviewtools.ratings.what_if` reads.
WHAT_IF_HIT_COLUMNS: Final[tuple[str, ...]] = (
    "platform", "review_id", "rule_id", "outcome", "removal_basis", "strength",
)



def _lookup_positions(values: pa.Array, keys: pa.Array) -> np.ndarray | None:
    """The position of each of ``keys`` in ``values`` (``-1``: not there; a missing key finds a missing value),
    ``None`` when ``values`` are not unique: ``pc.index_in(keys, value_set=values, skip_nulls=False)`` after a
    ``pc.count_distinct(values, mode="all") == len(values)`` check, in one hash pass over both (a million review
    ids and 1.25M hit rows: 0.24 CPU s against 0.51). Codes are given in order of first appearance, so the values
    are unique exactly when theirs are ``0, 1, ...``, and a key's code below ``len(values)`` is that value's
    position.

    >>> _lookup_positions(pa.array(["a", "b", None]), pa.array(["b", "c", None, "a"])).tolist()
    [1, -1, 2, 0]
    >>> _lookup_positions(pa.array(["a", "a"]), pa.array(["a"])) is None
    True
    """
    n = len(values)
    if keys.type != values.type:
        values, keys = values.cast(pa.large_string()), keys.cast(pa.large_string())
    codes = pc.dictionary_encode(pa.concat_arrays([values, keys]), null_encoding="encode").indices
    codes = codes.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    if not np.array_equal(codes[:n], np.arange(n, dtype=np.int64)):
        return None
    got = codes[n:]
    return np.where(got < n, got, -1)


class FrameIndex:
    """Look-ups over one (loaded, triaged) review frame, computed on first use and kept: what every filter
    change would otherwise recompute over a million rows.

    - each filter column's distinct values and per-row codes (:meth:`mask` is :func:`filter_reviews`'s mask);
    - the row order of each :data:`SORT_ORDERS` key and of the action queue (a selection's order is the
      global order restricted to it: the sorts are stable, so ties keep their row order either way);
    - the position of each row of a long evidence frame's review (:meth:`evidence_rows`), so the evidence of
      a selection is a mask instead of a key join.

    Selections are arrays of row positions (``None``: every row); :meth:`take` returns the rows of only the
    columns asked for. The frame is never changed; the caches only grow (one entry per column, order or
    evidence frame). Safe to share between threads: a race computes an entry twice, with the same result.

    >>> import pandas as pd
    >>> ix = FrameIndex(pd.DataFrame({"review_id": list("abc"), "rating": [5, 1, 2], "priority": [1.0, 3.0, 2.0]}))
    >>> pos = ix.select(rating=["1", "2"])
    >>> ix.take(pos, ["review_id"])["review_id"].tolist(), ix.sorted_positions("rating", pos).tolist()
    (['b', 'c'], [1, 2])
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._codes: dict[str, tuple[np.ndarray, pd.Series]] = {}
        self._orders: dict[str, np.ndarray] = {}
        self._evidence: dict[int, tuple[pd.DataFrame, np.ndarray | None]] = {}
        self._what_if: dict[object, tuple[pd.DataFrame, object]] = {}
        self._created: pd.Series | None = None

    def __len__(self) -> int:
        return len(self.frame)

    # ---------------------------------------------------------------------------------------- selections

    def _column_codes(self, name: str) -> tuple[np.ndarray, pd.Series]:
        col = FILTER_COLUMNS[name]
        got = self._codes.get(col)
        if got is None:
            if name == "topic":
                got = _distinct(self.frame[col].astype("string"))
            else:
                got = _value_strings(self.frame, col)
            self._codes[col] = got
        return got

    def mask(self, **chosen: object) -> np.ndarray:
        """:func:`filter_reviews`'s row mask for the same arguments (a boolean per row), from the kept codes."""
        frame = self.frame
        mask = np.ones(len(frame), dtype=bool)
        unknown = set(chosen) - set(FILTER_COLUMNS) - {"date_range"}
        if unknown:
            raise ViewError(f"unknown filter(s) {sorted(unknown)}; expected {', '.join(FILTER_COLUMNS)} or date_range")
        for name in FILTER_COLUMNS:
            values = chosen.get(name)
            if values is None or len(values) == 0:  # type: ignore[arg-type]
                continue
            col = FILTER_COLUMNS[name]
            if col not in frame.columns:
                raise ViewError(f"cannot filter on {name}: the frame has no {col!r} column")
            wanted = {str(v) for v in values}  # type: ignore[union-attr]
            codes, distinct = self._column_codes(name)
            if name == "topic":
                pattern = _multi_pattern(wanted, MULTI_SEP)
                if pattern is None:
                    mask &= False
                    continue
                per_value = distinct.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
                mask &= _spread(codes, per_value, False)
            else:
                mask &= _spread(codes, distinct.isin(wanted).to_numpy(dtype=bool), UNKNOWN_GROUP in wanted)
        date_range = chosen.get("date_range")
        if date_range is not None:
            if "created_at" not in frame.columns:
                raise ViewError("cannot filter on dates: the frame has no 'created_at' column")
            start, end = date_range  # type: ignore[misc]
            if start > end:
                raise ViewError(f"the date range starts after it ends ({start} > {end})")
            if self._created is None:
                self._created = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
            created = self._created
            lo = pd.Timestamp(start).tz_localize("UTC")
            hi = pd.Timestamp(end).tz_localize("UTC") + pd.Timedelta(days=1)
            mask &= ((created >= lo) & (created < hi)).fillna(False).to_numpy(dtype=bool)
        return mask

    def select(self, **chosen: object) -> np.ndarray | None:
        """The positions of the rows :func:`filter_reviews` keeps for these filters, ``None`` when it keeps all."""
        m = self.mask(**chosen)
        return None if m.all() else np.flatnonzero(m)

    def selected(self, positions: np.ndarray | None) -> np.ndarray:
        """A boolean per row: is it among ``positions`` (``None``: every row)."""
        if positions is None:
            return np.ones(len(self.frame), dtype=bool)
        out = np.zeros(len(self.frame), dtype=bool)
        out[positions] = True
        return out

    def take(self, positions: np.ndarray | None, columns: Iterable[str] | None = None, *,
             renumber: bool = False) -> pd.DataFrame:
        """The rows at ``positions`` (``None``: all, sharing the data) of ``columns`` (those the frame has, in
        the frame's order; ``None``: every column), keeping the frame's index (``renumber``: 0, 1, ... instead).
        ``take(select(**f))`` equals ``filter_reviews(frame, **f)``."""
        frame = self.frame
        if columns is not None:
            wanted = set(columns)
            frame = frame[[c for c in frame.columns if c in wanted]]
        out = frame.copy(deep=False) if positions is None else frame.iloc[positions]
        return out.reset_index(drop=True) if renumber else out

    def theme_sample(self, positions: np.ndarray | None, max_reviews: int, *, seed: int = 0) -> pd.DataFrame:
        """:func:`theme_sample` ``(take(positions), max_reviews, seed=seed)`` with every column, taking only the
        sampled rows (pandas draws a sample's positions from the row count and the seed alone)."""
        if max_reviews <= 0:
            raise ViewError(f"max_reviews must be positive, got {max_reviews!r}")
        n = len(self.frame) if positions is None else len(positions)
        if n <= max_reviews:
            return self.take(positions).copy()
        pick = pd.Series(np.arange(n, dtype=np.int64)).sample(n=int(max_reviews), random_state=seed).to_numpy()
        return self.take(pick if positions is None else positions[pick]).sort_index()

    # ---------------------------------------------------------------------------------------- orders

    def _order(self, name: str) -> np.ndarray:
        got = self._orders.get(name)
        if got is None:
            if name == "_queue":  # pipeline.action_queue: priority, highest first, stable
                key, ascending = self.frame["priority"], False
            else:
                key, ascending = self.frame[name], SORT_ORDERS[name]
            got = key.reset_index(drop=True).sort_values(
                ascending=ascending, na_position="last", kind="stable").index.to_numpy(dtype=np.int64)
            self._orders[name] = got
        return got

    def sorted_positions(self, by: str, positions: np.ndarray | None = None, *, limit: int | None = None
                         ) -> np.ndarray:
        """The positions of :func:`sorted_reviews` (``by`` one of :data:`SORT_ORDERS`) over the rows at
        ``positions``: ``take(sorted_positions(by, pos, limit=n))`` equals ``sorted_reviews(take(pos), by,
        limit=n)``."""
        if by not in SORT_ORDERS:
            raise ViewError(f"cannot sort by {by!r}; expected one of {', '.join(SORT_ORDERS)}")
        if by not in self.frame.columns:
            raise ViewError(f"cannot sort by {by!r}: the frame has no such column")
        order = self._order(by)
        if positions is not None:
            order = order[self.selected(positions)[order]]
        return order[:limit] if limit is not None else order

    def queue_positions(self, positions: np.ndarray | None = None, *, actions: Sequence[str] | None = None,
                        statuses: Sequence[str] | None = None) -> np.ndarray:
        """The positions of ``pipeline.action_queue`` over the rows at ``positions`` (action not ``none``,
        priority highest first, stable), narrowed to ``actions`` and ``statuses`` as :func:`filter_reviews`
        narrows (an empty ``actions`` list: nothing; ``None``: no narrowing)."""
        if "action" not in self.frame.columns:
            raise ViewError("not a triaged frame: no 'action' column (run triage first)")
        keep = self.selected(positions)
        keep &= (self.frame["action"] != "none").to_numpy(dtype=bool, na_value=True)
        if actions is not None:
            keep &= self.mask(action=list(actions)) if len(actions) else False
        if statuses is not None and len(statuses):
            keep &= self.mask(status=list(statuses))
        order = self._order("_queue")
        return order[keep[order]]

    def present(self, name: str, positions: np.ndarray | None) -> set[str]:
        """The values of filter ``name`` (as :func:`filter_options` writes them, missing values left out) that
        occur among the rows at ``positions``. Not for ``topic`` (its cells are sets)."""
        if name == "topic":
            raise ViewError("present() lists single-valued filters; the topic cells are sets")
        codes, distinct = self._column_codes(name)
        here = codes if positions is None else codes[positions]
        return set(distinct.iloc[np.unique(here[here >= 0])].tolist())

    # ---------------------------------------------------------------------------------------- evidence

    def _evidence_positions(self, long: pd.DataFrame) -> np.ndarray | None:
        """Each row of ``long``'s review position in the frame (``-1``: none), keyed as :func:`evidence_for`
        keys; ``None`` when the frame's keys are not unique (a long row may then belong to several reviews)."""
        frame = self.frame
        keys = (["platform", "review_id"] if ("platform" in long.columns and "platform" in frame.columns)
                else ["review_id"])
        from .ratings import _arrow_text

        fk = [_arrow_text(frame[k].astype("string")) for k in keys]
        lk = [_arrow_text(long[k].astype("string")) for k in keys]
        out = np.full(len(long), -1, dtype=np.int64)
        if len(keys) == 1:
            return _lookup_positions(fk[0], lk[0])
        for v in pc.unique(fk[0]).to_pylist():
            fm = pc.is_null(fk[0]) if v is None else pc.fill_null(pc.equal(fk[0], v), False)
            lm = pc.is_null(lk[0]) if v is None else pc.fill_null(pc.equal(lk[0], v), False)
            fpos = np.flatnonzero(fm.to_numpy(zero_copy_only=False))
            lpos = np.flatnonzero(lm.to_numpy(zero_copy_only=False))
            # the frame's ids of this platform must be unique, whether or not the long frame has any row of it
            local = _lookup_positions(pc.filter(fk[1], fm), pc.filter(lk[1], lm) if len(lpos) else lk[1][:0])
            if local is None:
                return None
            if len(lpos):
                out[lpos] = np.where(local >= 0, fpos[np.maximum(local, 0)], -1)
        return out

    def _positions_of(self, long: pd.DataFrame) -> np.ndarray | None:
        got = self._evidence.get(id(long))
        if got is None or got[0] is not long:  # keyed by id: the object kept beside it guards against reuse
            got = (long, self._evidence_positions(long))
            self._evidence[id(long)] = got
        return got[1]

    def evidence_rows(self, long: pd.DataFrame | None, positions: np.ndarray | None) -> pd.DataFrame | None:
        """:func:`evidence_for` ``(long, take(positions))``: the rows of a long evidence frame (hits, topic
        matches) whose review is among the rows at ``positions``, by review position."""
        if long is None:
            return None
        pos = self._positions_of(long)
        if pos is None:  # keys not unique: the key join
            return evidence_for(long, self.take(positions, ["platform", "review_id"]))
        hit = pos >= 0
        if positions is not None:
            hit &= self.selected(positions)[np.maximum(pos, 0)]
        return long.copy(deep=False) if hit.all() else long[hit]

    def what_if_flags(self, hits: pd.DataFrame | None, positions: np.ndarray | None
                      ) -> tuple[np.ndarray, np.ndarray] | None:
        """``(removable, not_run)`` per row at ``positions``: the review has a strong removal-basis hit / a check
        that did not run, matched by review position once per load. ``what_if(take(positions), hit_flags=...)``
        equals ``what_if(take(positions), evidence_for(hits, take(positions)))``. ``None`` when that cannot be
        said by position (no hits, hits without outcome, removal basis and strength, or review keys that are not
        unique): use :meth:`what_if_hits` then."""
        if hits is None or not {"review_id", "outcome", "removal_basis", "strength"} <= set(hits.columns):
            return None
        got = self._what_if.get(("flags", id(hits)))
        if got is None or got[0] is not hits:
            from .ratings import WHAT_IF_OUTCOME, WHAT_IF_STRENGTH

            pos = self._positions_of(hits)
            flags = None
            if pos is not None:
                outcome = hits["outcome"].astype("string")
                strong = ((outcome == WHAT_IF_OUTCOME).fillna(False).to_numpy(dtype=bool)
                          & hits["removal_basis"].astype("boolean").fillna(False).to_numpy(dtype=bool)
                          & (hits["strength"].astype("string") == WHAT_IF_STRENGTH).fillna(False).to_numpy(dtype=bool))
                nr = (outcome == "not_run").fillna(False).to_numpy(dtype=bool)
                removable = np.zeros(len(self.frame), dtype=bool)
                not_run = np.zeros(len(self.frame), dtype=bool)
                removable[pos[strong & (pos >= 0)]] = True
                not_run[pos[nr & (pos >= 0)]] = True
                flags = (removable, not_run)
            got = (hits, flags)
            self._what_if[("flags", id(hits))] = got
        flags = got[1]
        if flags is None:
            return None
        return flags if positions is None else (flags[0][positions], flags[1][positions])

    def what_if_hits(self, hits: pd.DataFrame | None, positions: np.ndarray | None) -> pd.DataFrame | None:
        """The hits :func:`reviewtools.ratings.what_if` reads for the reviews at ``positions``: ``what_if(take(
        positions), what_if_hits(hits, positions))`` equals ``what_if(take(positions), evidence_for(hits,
        take(positions)))``. Only strong removal-basis hits and checks that did not run, of
        :data:`WHAT_IF_HIT_COLUMNS`, are kept (what_if reads no other row or column)."""
        if hits is None:
            return None
        got = self._what_if.get(id(hits))
        if got is None or got[0] is not hits:
            from .ratings import WHAT_IF_OUTCOME, WHAT_IF_STRENGTH

            keep = np.ones(len(hits), dtype=bool)
            if "outcome" in hits.columns:
                outcome = hits["outcome"].astype("string")
                keep = (outcome == "not_run").fillna(False).to_numpy(dtype=bool)
                if {"removal_basis", "strength"} <= set(hits.columns):
                    keep |= ((outcome == WHAT_IF_OUTCOME).fillna(False).to_numpy(dtype=bool)
                             & hits["removal_basis"].astype("boolean").fillna(False).to_numpy(dtype=bool)
                             & (hits["strength"].astype("string") == WHAT_IF_STRENGTH).fillna(False)
                             .to_numpy(dtype=bool))
            got = (hits, hits[[c for c in hits.columns if c in WHAT_IF_HIT_COLUMNS]][keep])
            self._what_if[id(hits)] = got
        small = got[1]
        return self.evidence_rows(small, positions)


# ============================================================================================ evidence


def highlight_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` into ``(segment, is_evidence)`` pieces; overlapping or touching spans merge.

    Spans are Python string offsets ``(start, end)``; they are clipped to the text and empty ones ignored, so the
    segments always join back to ``text``.

    >>> highlight_spans("abcdef", [(4, 9), (0, 1), (1, 2)])
    [('ab', True), ('cd', False), ('ef', True)]
    >>> highlight_spans("", [(0, 3)])
    []
    """
    n = len(text)
    clean = sorted((max(0, int(a)), min(n, int(b))) for a, b in spans)
    merged: list[list[int]] = []
    for a, b in clean:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out: list[tuple[str, bool]] = []
    pos = 0
    for a, b in merged:
        if a > pos:
            out.append((text[pos:a], False))
        out.append((text[a:b], True))
        pos = b
    if pos < n:
        out.append((text[pos:], False))
    return out


def highlight_html(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """HTML for ``text`` with the evidence spans in ``<mark>``; **every** character of the text is escaped.

    The result is a ``<div>`` that keeps line breaks (``white-space: pre-wrap``); it holds no markup but the
    wrapper and the ``<mark>`` tags, so a review holding ``<script>`` shows as typed.

    >>> highlight_html("<b>bad</b> & late", [(13, 17)])
    '<div style="white-space: pre-wrap">&lt;b&gt;bad&lt;/b&gt; &amp; <mark>late</mark></div>'
    """
    body = "".join(f"<mark>{html.escape(s, quote=True)}</mark>" if ev else html.escape(s, quote=True)
                   for s, ev in highlight_spans(text, spans))
    return f'<div style="white-space: pre-wrap">{body}</div>'


def escape_markdown(text: object) -> str:
    """Backslash-escape markdown so a widget label shows ``text`` as typed (newlines become spaces).

    >>> escape_markdown("**x** <i>")
    '\\\\*\\\\*x\\\\*\\\\* \\\\<i\\\\>'
    """
    return _MD_RE.sub(r"\\\1", " ".join(str(text).split()))


def review_evidence(
    review_id: str,
    hits: pd.DataFrame | None,
    topic_matches: pd.DataFrame | None,
    *,
    platform: str | None = None,
) -> pd.DataFrame:
    """Every evidence span of one review: guideline hits (``source == "guideline"``, ``id`` = rule id,
    ``reason`` = the clause) and complaint-topic matches (``source == "topic"``, ``id`` = topic).

    Checks that did not run are left out here (they have no span; see ``checks_not_run``); negated or praise
    topic matches are left out too. Sorted by field (title first) and offset.

    >>> import pandas as pd
    >>> h = pd.DataFrame({"review_id": ["a"], "rule_id": ["R1"], "outcome": ["hit"], "field": ["text"],
    ...                   "start": [0], "end": [4], "evidence": ["Call"], "clause": ["no contact details"]})
    >>> review_evidence("a", h, None)[["source", "id", "evidence"]].values.tolist()
    [['guideline', 'R1', 'Call']]
    """
    parts = []
    if hits is not None and len(hits):
        h = hits[hits["review_id"].astype("string") == str(review_id)]
        if platform is not None and "platform" in h.columns:
            h = h[h["platform"].astype("string") == platform]
        if "outcome" in h.columns:
            h = h[(h["outcome"].astype("string") == "hit").fillna(False).astype(bool)]
        h = h.dropna(subset=["field", "start", "end"])
        parts.append(pd.DataFrame({
            "source": "guideline", "id": h["rule_id"].astype("string"), "field": h["field"].astype("string"),
            "start": h["start"].astype("int64"), "end": h["end"].astype("int64"),
            "evidence": h["evidence"].astype("string"),
            "reason": h["clause"].astype("string") if "clause" in h.columns else pd.NA,
        }))
    if topic_matches is not None and len(topic_matches):
        m = topic_matches[topic_matches["review_id"].astype("string") == str(review_id)]
        if platform is not None and "platform" in m.columns:
            m = m[m["platform"].astype("string") == platform]
        if "complaint" in m.columns:
            m = m[m["complaint"].astype("boolean").fillna(False).astype(bool)]
        if "negated" in m.columns:
            m = m[~m["negated"].astype("boolean").fillna(False).astype(bool)]
        m = m.dropna(subset=["field", "start", "end"])
        parts.append(pd.DataFrame({
            "source": "topic", "id": m["topic"].astype("string"), "field": m["field"].astype("string"),
            "start": m["start"].astype("int64"), "end": m["end"].astype("int64"),
            "evidence": m["evidence"].astype("string"),
            "reason": m["reason"].astype("string") if "reason" in m.columns else pd.NA,
        }))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else "string")
                             for c in EVIDENCE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    order = out["field"].map({"title": 0, "text": 1}).fillna(2)
    return out.assign(_o=order).sort_values(["_o", "start", "end"], kind="stable").drop(columns="_o").reset_index(
        drop=True)[list(EVIDENCE_COLUMNS)]


def spans_for(evidence: pd.DataFrame, field: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` pairs of :func:`review_evidence` rows on one field (``"title"`` or ``"text"``).

    >>> import pandas as pd
    >>> spans_for(pd.DataFrame({"field": ["text", "title"], "start": [1, 0], "end": [3, 2]}), "text")
    [(1, 3)]
    """
    e = evidence[evidence["field"] == field]
    return [(int(a), int(b)) for a, b in zip(e["start"], e["end"])]


# ============================================================================================ headline figures


@dataclass(frozen=True)
class OverviewMetrics:
    """Headline figures over a window (computed from reviews): now, at the window's start, and the change."""

    window_days: int
    as_of: pd.Timestamp | None
    window_start: pd.Timestamp | None
    n_reviews: int
    average: float
    n_in_window: int
    window_average: float
    average_before_window: float
    average_change: float


def overview_metrics(frame: pd.DataFrame, window_days: int, *, as_of: object | None = None) -> OverviewMetrics:
    """Average rating and count of the rated reviews, and how the window changed them.

    ``as_of`` defaults to the newest review; the window holds reviews with ``as_of − window_days <
    created_at ≤ as_of`` (as :func:`reviewtools.ratings.window_averages`). ``average_change`` is the average now
    minus the average of the reviews dated before the window (NaN when there were none), so a st.metric delta
    shows how the window moved the all-time figure; ``n_in_window`` is how many reviews it added.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"rating": [5, 5, 2], "created_at": pd.to_datetime(
    ...     ["2024-01-01", "2024-03-01", "2024-03-30"], utc=True)})
    >>> m = overview_metrics(f, 30)
    >>> m.n_reviews, m.n_in_window, round(m.average, 3), m.average_change
    (3, 2, 4.0, -1.0)
    """
    if not isinstance(window_days, (int, np.integer)) or window_days <= 0:
        raise ViewError(f"window_days must be a positive whole number of days, got {window_days!r}")
    if "rating" not in frame.columns:
        raise ViewError("the frame has no 'rating' column; expected the canonical review frame")
    rating = pd.to_numeric(frame["rating"], errors="coerce").astype("float64")
    created = (pd.to_datetime(frame["created_at"], utc=True, errors="coerce") if "created_at" in frame.columns
               else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]"))
    rated = rating.notna()
    end = pd.Timestamp(as_of, tz="UTC") if as_of is not None and pd.Timestamp(as_of).tzinfo is None else (
        pd.Timestamp(as_of) if as_of is not None else created[rated].max())
    end = None if end is None or pd.isna(end) else end
    start = end - pd.Timedelta(days=int(window_days)) if end is not None else None
    upto = rated & (created <= end).fillna(False) if end is not None else rated
    in_win = (upto & (created > start).fillna(False)) if start is not None else pd.Series(False, index=frame.index)
    before = (upto & (created <= start).fillna(False)) if start is not None else pd.Series(False, index=frame.index)
    # undated reviews count in the all-time figures only, as in ratings.window_averages
    now_mask = upto | (rated & created.isna())

    def mean(mask: pd.Series) -> float:
        return float(rating[mask].mean()) if bool(mask.any()) else float("nan")

    avg, avg_before = mean(now_mask), mean(before | (rated & created.isna()))
    return OverviewMetrics(
        window_days=int(window_days), as_of=end, window_start=start, n_reviews=int(now_mask.sum()),
        average=avg, n_in_window=int(in_win.sum()), window_average=mean(in_win),
        average_before_window=avg_before,
        average_change=avg - avg_before if bool(before.any()) else float("nan"),
    )


# ============================================================================================ tables


def hit_summary(hits: pd.DataFrame | None) -> pd.DataFrame:
    """One row per review with guideline results: ``review_id`` (+ ``platform``), ``hit_rules`` (rule ids that
    hit, ``|``-joined, in first-seen order), ``n_hits`` and ``n_not_run`` (checks that could not run).

    >>> import pandas as pd
    >>> h = pd.DataFrame({"review_id": ["a", "a", "a"], "rule_id": ["R1", "R2", "R1"],
    ...                   "outcome": ["hit", "not_run", "hit"]})
    >>> hit_summary(h).values.tolist()
    [['a', 'R1', 2, 1]]
    """
    cols = ["review_id", "hit_rules", "n_hits", "n_not_run"]
    if hits is None or hits.empty:
        return pd.DataFrame({c: pd.Series(dtype="string" if c in ("review_id", "hit_rules") else "int64")
                             for c in cols})
    keys = ["review_id", "platform"] if "platform" in hits.columns else ["review_id"]
    h = hits[keys + ["rule_id"]].astype("string").copy()
    outcome = hits["outcome"].astype("string").fillna("hit") if "outcome" in hits.columns else "hit"
    h["is_hit"] = (outcome == "hit")
    h["is_nr"] = (outcome == "not_run")
    g = h.groupby(keys, sort=False, dropna=False)
    out = pd.DataFrame({"n_hits": g["is_hit"].sum().astype("int64"), "n_not_run": g["is_nr"].sum().astype("int64")})
    firsts = h[h["is_hit"]].dropna(subset=["rule_id"]).drop_duplicates(keys + ["rule_id"])
    joined = firsts.groupby(keys, sort=False, dropna=False)["rule_id"].agg(MULTI_SEP.join)
    out["hit_rules"] = joined.reindex(out.index).fillna("").astype("string")
    return out.reset_index()[keys + cols[1:]]


def reviews_table(triaged: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """The reviews table: :data:`REVIEW_TABLE_COLUMNS` present in ``triaged`` plus ``hit_rules`` from ``hits``.

    Reviews without any guideline hit get an empty ``hit_rules``. Rows keep their order.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"review_id": ["a", "b"], "rating": [1, 5], "text": ["x", "y"]})
    >>> reviews_table(t, pd.DataFrame({"review_id": ["a"], "rule_id": ["R1"], "outcome": ["hit"]}))[
    ...     ["rating", "hit_rules"]].values.tolist()
    [[1, 'R1'], [5, '']]
    """
    out = triaged.copy()
    if hits is not None:
        s = hit_summary(hits)
        keys = [k for k in ("review_id", "platform") if k in s.columns and k in out.columns]
        look = s.set_index(keys)["hit_rules"]
        idx = pd.MultiIndex.from_frame(out[keys].astype("string")) if len(keys) > 1 else out[keys[0]].astype("string")
        out["hit_rules"] = pd.array(look.reindex(idx).fillna("").to_numpy(), dtype="string")
    cols = [c for c in REVIEW_TABLE_COLUMNS if c in out.columns]
    return out[cols].reset_index(drop=True)


def product_table(triaged: pd.DataFrame, *, open_statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """Per product: count, average, Bayesian average and rank, drag and open actions (computed from reviews).

    ``bayesian_rank`` is 1 for the best Bayesian average (platform-policies.md §2.3, as
    :func:`reviewtools.ratings.rating_summary` computes it), ties sharing the better rank. ``gap_to_5``,
    ``low_star_drag`` and ``low_star_share_of_gap`` are :func:`~reviewtools.ratings.drag_summary`'s.
    ``open_actions`` counts reviews whose action is not ``none`` (and, with a ``status`` column, whose status is
    in ``open_statuses``); ``removal_requests`` those of them that are removal requests.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"review_id": list("abc"), "product_id": ["P", "P", "Q"], "rating": [5, 1, 4],
    ...                   "action": ["none", "public_reply", "none"]})
    >>> product_table(t)[["product_id", "n_reviews", "open_actions", "bayesian_rank"]].values.tolist()
    [['Q', 1, 0, 1], ['P', 2, 1, 2]]
    """
    frames = summary_frames(triaged, by="product_id")  # rating_summary and drag_summary, prepared once
    summary = frames.summary
    ds = frames.drag_summary[["product_id", "gap_to_5", "low_star_reviews", "low_star_drag", "low_star_share_of_gap"]]
    out = summary[["product_id", "n_reviews", "average", "bayesian_average", "prior"]].merge(
        ds, on="product_id", how="left")
    # per product by its code (one factorize of the ids, no groupby on a million Arrow strings per column)
    codes, products = pd.factorize(triaged["product_id"].astype("string").fillna(UNKNOWN_GROUP))
    products = pd.Index(products)
    if "product_title" in triaged.columns:
        titles = _first_present(triaged["product_title"].astype("string"), codes, products)
        out.insert(1, "product_title", out["product_id"].map(titles).astype("string"))
    if "action" in triaged.columns:
        act = triaged["action"].astype("string")
        is_open = (act != OPEN_ACTION_EXCLUDED).fillna(False)
        if "status" in triaged.columns and open_statuses is not None:
            is_open &= triaged["status"].astype("string").isin(list(open_statuses)).fillna(False)
        n_open = np.bincount(codes[is_open.to_numpy(dtype=bool)], minlength=len(products))
        out["open_actions"] = out["product_id"].map(pd.Series(n_open, index=products)).fillna(0).astype("int64")
        rr = is_open & (act == "removal_request").fillna(False)
        n_rr = np.bincount(codes[rr.to_numpy(dtype=bool)], minlength=len(products))
        out["removal_requests"] = out["product_id"].map(pd.Series(n_rr, index=products)).fillna(0).astype("int64")
    out["bayesian_rank"] = out["bayesian_average"].rank(ascending=False, method="min").astype("Int64")
    return out.sort_values(["bayesian_rank", "product_id"], kind="stable").reset_index(drop=True)


def _first_present(values: pd.Series, codes: np.ndarray, labels: pd.Index) -> pd.Series:
    """``values.groupby(labels[codes]).first()`` (each group's first non-missing value, missing when it has none)
    as a Series indexed by ``labels``: the smallest row of each code among the rows with a value."""
    has = np.flatnonzero(values.notna().to_numpy(dtype=bool))
    first = np.full(len(labels), len(values), dtype=np.int64)
    np.minimum.at(first, codes[has], has)
    first[first == len(values)] = -1
    return pd.Series(values.array.take(first, allow_fill=True), index=labels)


def attach_workflow(triaged: pd.DataFrame, workflow: pd.DataFrame) -> pd.DataFrame:
    """Add the store's ``status``, ``assignee`` and the team's ``edited_draft`` to a triaged frame.

    ``workflow`` is :meth:`reviewtools.store.ReviewStore.to_frame` with ``derived=True`` (keyed on ``platform,
    review_id``). Where the team edited a draft, ``draft`` becomes the edit and ``generated_draft`` keeps
    triage's. Reviews the store has no action for get a missing status.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"platform": ["amazon"], "review_id": ["a"], "draft": ["Sorry."]})
    >>> w = pd.DataFrame({"platform": ["amazon"], "review_id": ["a"], "status": ["drafted"],
    ...                   "assignee": [None], "edited_draft": ["Sorry, Ann."]})
    >>> attach_workflow(t, w)[["status", "draft", "generated_draft"]].values.tolist()
    [['drafted', 'Sorry, Ann.', 'Sorry.']]
    """
    keys = ["platform", "review_id"]
    for name, f in (("triaged", triaged), ("workflow", workflow)):
        missing = [k for k in keys if k not in f.columns]
        if missing:
            raise ViewError(f"the {name} frame lacks {missing}; both frames need platform and review_id")
    cols = [c for c in ("status", "assignee", "edited_draft") if c in workflow.columns]
    w = workflow[keys + cols].astype("string").drop_duplicates(keys, keep="last")
    base = triaged.drop(columns=[c for c in cols if c in triaged.columns])
    k = base[keys].astype("string")
    merged = k.merge(w, on=keys, how="left")
    out = base.copy()
    for c in cols:
        out[c] = pd.array(merged[c].to_numpy(), dtype="string")
    if "edited_draft" in out.columns and "draft" in out.columns:
        out["generated_draft"] = out["draft"].astype("string")
        edited = out["edited_draft"].notna()
        out["draft"] = out["draft"].astype("string").where(~edited, out["edited_draft"])
    return out


# ============================================================================================ queue


def lint_frame(problems: Iterable[object]) -> pd.DataFrame:
    """:class:`reviewtools.respond.LintProblem` records as a table: ``severity, rule_id, evidence, reason,
    basis, start, end`` (checks that could not run keep severity ``not_run``).

    >>> from reviewtools.respond import lint_draft
    >>> lint_frame(lint_draft("Write to help@shop.com", "google"))[["rule_id", "evidence"]].values.tolist()
    [['R-CONTACT', 'help@shop.com']]
    """
    cols = ["severity", "rule_id", "evidence", "reason", "basis", "start", "end"]
    rows = [{c: getattr(p, c) for c in cols} for p in problems]
    return pd.DataFrame(rows, columns=cols)


def apply_draft_edits(queue: pd.DataFrame, edits: Mapping[str, str]) -> pd.DataFrame:
    """A copy of a triaged queue with the user's edited drafts in ``draft``, each re-linted into ``draft_lint``.

    ``edits`` maps review id to the edited text; ids not in the queue are ignored, and an edit equal to the
    draft changes nothing. ``draft_edited`` says which drafts were edited. Not-run checks are left out of
    ``draft_lint``, as triage does.

    >>> import pandas as pd
    >>> q = pd.DataFrame({"review_id": ["a"], "platform": ["google"], "draft": ["Thanks."], "draft_lint": [""]})
    >>> apply_draft_edits(q, {"a": "Mail help@shop.com"})[["draft_edited", "draft_lint"]].values.tolist()[0][0]
    True
    """
    from .respond import lint_draft, summarise_problems

    out = queue.copy(deep=False)  # copy-on-write (pandas >= 3): the new columns never reach ``queue``
    out["draft_edited"] = False
    if not edits or "draft" not in out.columns:
        return out
    drafts = out["draft"].astype("string").fillna("").tolist()
    lints = out["draft_lint"].astype("string").fillna("").tolist() if "draft_lint" in out.columns else [""] * len(out)
    edited = [False] * len(out)
    plats = out["platform"].astype("string").fillna("other").tolist() if "platform" in out.columns else ["other"] * len(out)
    authors = out["author"].astype("string").tolist() if "author" in out.columns else [None] * len(out)
    for i, rid in enumerate(out["review_id"].astype("string")):
        new = edits.get(str(rid))
        if new is None or new == drafts[i]:
            continue
        author = authors[i] if isinstance(authors[i], str) else None
        problems = lint_draft(new, plats[i], author=author)
        drafts[i], edited[i] = new, True
        lints[i] = summarise_problems(p for p in problems if p.severity != "not_run")
    out["draft"] = pd.array(drafts, dtype="string")
    out["draft_lint"] = pd.array(lints, dtype="string")
    out["draft_edited"] = edited
    return out


def queue_bytes(queue: pd.DataFrame, fmt: str) -> bytes:
    """The queue as a download: ``"csv"`` (UTF-8 with BOM, formula-safe) or ``"json"``, via
    :func:`reviewtools.pipeline.export_queue`, so a download and ``reviewtools queue --out`` write the same.

    >>> import pandas as pd
    >>> queue_bytes(pd.DataFrame({"review_id": ["a"], "draft": ["=1+1"]}), "csv").decode("utf-8-sig").splitlines()
    ['review_id,draft', "a,'=1+1"]
    """
    from .pipeline import export_queue

    if fmt not in ("csv", "json"):
        raise ViewError(f"unknown download format {fmt!r}; expected 'csv' or 'json'")
    with tempfile.TemporaryDirectory(prefix="reviewtools-") as tmp:
        path = export_queue(queue, Path(tmp) / f"queue.{fmt}")
        return path.read_bytes()


def theme_sample(frame: pd.DataFrame, max_reviews: int, *, seed: int = 0) -> pd.DataFrame:
    """At most ``max_reviews`` reviews for theme discovery: all of them when there are few enough, else a
    deterministic random sample (same seed, same reviews), in the original order.

    >>> import pandas as pd
    >>> len(theme_sample(pd.DataFrame({"text": list("abcdef")}), 4))
    4
    """
    if max_reviews <= 0:
        raise ViewError(f"max_reviews must be positive, got {max_reviews!r}")
    if len(frame) <= max_reviews:
        return frame.copy()
    return frame.sample(n=int(max_reviews), random_state=seed).sort_index()


def select_reviews(frame: pd.DataFrame, review_ids: Iterable[str] | None) -> pd.DataFrame:
    """The rows whose ``review_id`` is in ``review_ids``, in the frame's order; ``None`` or empty keeps all.

    >>> import pandas as pd
    >>> select_reviews(pd.DataFrame({"review_id": ["a", "b", "c"]}), ["c", "a"])["review_id"].tolist()
    ['a', 'c']
    """
    ids = None if review_ids is None else {str(i) for i in review_ids}
    if not ids:
        return frame.copy(deep=False)  # a new frame sharing the data until either is written (copy-on-write)
    if "review_id" not in frame.columns:
        raise ViewError("cannot select reviews: the frame has no 'review_id' column")
    return frame[frame["review_id"].astype("string").isin(ids).fillna(False).to_numpy(dtype=bool)].copy()


def evidence_for(long: pd.DataFrame | None, frame: pd.DataFrame) -> pd.DataFrame | None:
    """The rows of a long evidence frame (guideline hits, topic matches) that belong to reviews in ``frame``.

    Matches on ``platform`` and ``review_id`` when both frames have ``platform``, else on ``review_id``.

    >>> import pandas as pd
    >>> h = pd.DataFrame({"review_id": ["a", "b"], "rule_id": ["R1", "R2"]})
    >>> evidence_for(h, pd.DataFrame({"review_id": ["b"]}))["rule_id"].tolist()
    ['R2']
    """
    if long is None:
        return None
    keys = ["platform", "review_id"] if ("platform" in long.columns and "platform" in frame.columns) else ["review_id"]
    hit = keys_in(long, frame, keys)
    # a new frame either way; when every row belongs, it shares the data (copy-on-write) instead of copying it
    return long.copy(deep=False) if hit.all() else long[hit]


def sorted_reviews(frame: pd.DataFrame, by: str = "created_at", *, limit: int | None = None) -> pd.DataFrame:
    """``frame`` sorted by ``by`` (``"created_at"``: newest first; ``"priority"``: highest first; ``"rating"``:
    lowest first), missing values last, cut to ``limit`` rows when given.

    >>> import pandas as pd
    >>> sorted_reviews(pd.DataFrame({"review_id": list("abc"), "rating": [4, 1, 2]}), "rating", limit=2)[
    ...     "review_id"].tolist()
    ['b', 'c']
    """
    if by not in SORT_ORDERS:
        raise ViewError(f"cannot sort by {by!r}; expected one of {', '.join(SORT_ORDERS)}")
    if by not in frame.columns:
        raise ViewError(f"cannot sort by {by!r}: the frame has no such column")
    # sort one column's positions, then take the rows: sorting the whole frame would move every column of
    # every review to show the first ``limit`` (same order: a stable sort on the same key)
    key = frame[by].reset_index(drop=True)
    pos = key.sort_values(ascending=SORT_ORDERS[by], na_position="last", kind="stable").index.to_numpy()
    return frame.iloc[pos[:limit] if limit is not None else pos].copy()


def theme_examples(themes: pd.DataFrame) -> pd.DataFrame:
    """The example reviews of :class:`reviewtools.topics.ThemeDiscovery`'s ``themes_``, one row per example:
    ``theme, label, review_id, text``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"theme": [0], "label": ["battery"], "example_review_ids": [("a", "b")],
    ...                   "example_texts": [("dies", "drains")]})
    >>> theme_examples(t).values.tolist()
    [[0, 'battery', 'a', 'dies'], [0, 'battery', 'b', 'drains']]
    """
    rows = [(int(r.theme), str(r.label), str(i), str(t))
            for r in themes.itertuples(index=False)
            for i, t in zip(r.example_review_ids, r.example_texts)]
    return pd.DataFrame(rows, columns=["theme", "label", "review_id", "text"])


__all__ = [
    "FrameIndex",
    "PAGE_COLUMNS",
    "FIGURE_COLUMNS",
    "WHAT_IF_HIT_COLUMNS",
    "FILTER_COLUMNS",
    "MULTI_SEP",
    "REVIEW_TABLE_COLUMNS",
    "EVIDENCE_COLUMNS",
    "MARKDOWN_SPECIAL",
    "ViewError",
    "OverviewMetrics",
    "filter_options",
    "date_bounds",
    "filter_reviews",
    "multi_contains",
    "highlight_spans",
    "highlight_html",
    "escape_markdown",
    "review_evidence",
    "spans_for",
    "overview_metrics",
    "hit_summary",
    "reviews_table",
    "product_table",
    "attach_workflow",
    "lint_frame",
    "apply_draft_edits",
    "queue_bytes",
    "theme_sample",
    "select_reviews",
    "evidence_for",
    "sorted_reviews",
    "theme_examples",
    "SORT_ORDERS",
    "THEME_MAX_REVIEWS",
    "TABLE_ROW_LIMIT",
]
