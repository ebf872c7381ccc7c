"""Rating maths: how low ratings drag the average, what-if, targets, trends and alerts.

Every function takes a canonical review frame (see :mod:`reviewtools.schema`) and returns a **new** frame; the
input is never mutated. ``by="product_id"`` gives one group per product; ``by=None`` gives one overall group.
The first column of every result is the group key: the ``by`` column, or ``scope`` (value ``"all"``) when
``by=None``. A missing group key is shown as ``"(unknown)"`` so no review is lost.

All averages here are the **simple mean of the exported reviews** ("computed from reviews"). Amazon's displayed
rating also counts one-tap star ratings without text and weighs recent and verified reviews more
(platform-policies.md §0.5, §2.1), so a text export cannot rebuild it. Pass ``displayed`` (the rating and rating
count shown on the listing) to see the gap and to base the target and what-if maths on the displayed figures.

>>> import pandas as pd
>>> from reviewtools.schema import coerce
>>> f = coerce(pd.DataFrame({"review_id": ["a", "b", "c", "d"], "product_id": "P1",
...                          "rating": [5, 5, 4, 1], "created_at": "2024-01-05"}))
>>> rating_summary(f)[["product_id", "n_reviews", "average"]].to_dict("records")
[{'product_id': 'P1', 'n_reviews': 4, 'average': 3.75}]
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import RatingsError
from .schema import MAX_RATING, MIN_RATING

log = logging.getLogger(__name__)

#: The star levels, lowest first.
STARS: Final[tuple[int, ...]] = tuple(range(MIN_RATING, MAX_RATING + 1))
#: Star levels counted as "low" when explaining the gap to 5.0 (issue 5: "1–2★ reviews").
LOW_STARS: Final[tuple[int, ...]] = (1, 2)
#: Label of the single group when ``by=None``.
ALL_GROUP: Final[str] = "all"
#: Name of the key column when ``by=None``.
SCOPE_COLUMN: Final[str] = "scope"
#: Label for reviews whose group key is missing.
UNKNOWN_GROUP: Final[str] = "(unknown)"
#: What the project's own averages are, in every output (platform-policies.md §2.1, lens (a)).
COMPUTED_BASIS: Final[str] = "computed from reviews"
#: What the user-entered listing figures are.
DISPLAYED_BASIS: Final[str] = "displayed rating"
#: A target many sellers quote (an editable default, not a platform rule).
DEFAULT_TARGET: Final[float] = 4.5
#: Calendar windows for recent averages, in days (issue 5).
WINDOW_DAYS: Final[tuple[int, ...]] = (7, 30, 90)
#: Trailing window, in days, over which the current review rate is measured for the months-to-target estimate.
RATE_WINDOW_DAYS: Final[int] = 90
#: Mean length of a calendar month in days (365.25 / 12), to turn a daily rate into a monthly one.
DAYS_PER_MONTH: Final[float] = 365.25 / 12
#: Tolerance for ``ceil`` on floating-point quotients, so 7.000000000001 rounds to 7, not 8.
_CEIL_EPS: Final[float] = 1e-9

# Alert rule defaults. They are choices, not platform rules; every alert names the rule and its numbers.
#: An average below this in a window raises a ``low_average`` alert (a common seller alarm level).
ALERT_MIN_AVERAGE: Final[float] = 4.0
#: A window needs at least this many reviews before any alert can fire (one review is not a trend).
ALERT_MIN_REVIEWS: Final[int] = 3
#: Spike rule: 1★ share ≥ baseline mean + k·sd of the trailing windows (a two-sigma rule of thumb).
ALERT_SPIKE_K: Final[float] = 2.0
#: Spike rule: the share must also rise by at least this much, so a near-zero sd cannot fire on noise.
ALERT_MIN_SPIKE_RISE: Final[float] = 0.10
#: Spike rule: at least this many 1★ reviews in the window (a single 1★ is not a spike, whatever its share).
ALERT_MIN_ONE_STARS: Final[int] = 2
#: Spike rule: number of earlier windows with reviews used as the trailing baseline.
ALERT_BASELINE_WINDOWS: Final[int] = 6
#: Spike rule: fewer earlier windows with reviews than this means no baseline, so no spike alert.
ALERT_MIN_BASELINE_WINDOWS: Final[int] = 3

#: pandas period codes accepted by the trend and alert functions.
FREQUENCIES: Final[dict[str, str]] = {"M": "month", "W": "week"}

Displayed = pd.DataFrame | Mapping[str, tuple[float, int]] | None


# ----------------------------------------------------------------------------------------------- helpers


def _key_name(by: str | None) -> str:
    return by if by else SCOPE_COLUMN


def _prepare(frame: pd.DataFrame, by: str | None, *, need_dates: bool = False) -> pd.DataFrame:
    """Return a narrow working copy: ``key, review_id, rating, created_at`` (+ optional columns).

    Ratings must be whole stars in 1..5 or null; nulls are kept (``rating`` NA) and counted as unrated.
    """
    if not isinstance(frame, pd.DataFrame):
        raise RatingsError(f"expected a pandas DataFrame of reviews, got {type(frame).__name__}")
    if "rating" not in frame.columns:
        raise RatingsError("the review frame has no 'rating' column; expected the canonical frame (schema.coerce)")
    if by is not None and by not in frame.columns:
        raise RatingsError(f"cannot group by {by!r}: no such column (columns: {', '.join(map(str, frame.columns))})")
    if need_dates and "created_at" not in frame.columns:
        raise RatingsError("the review frame has no 'created_at' column; trends need review dates")
    key = _key_name(by)
    raw = frame["rating"]
    if (pd.api.types.is_integer_dtype(raw.dtype) or pd.api.types.is_float_dtype(raw.dtype)) and not (
            pd.api.types.is_bool_dtype(raw.dtype)):
        rating = raw.astype("Float64")  # numbers already: to_numeric returns them as they are (4 ms at 776k)
    else:
        rating = pd.to_numeric(raw, errors="coerce").astype("Float64")
    if _ratings_invalid(rating, frame["rating"]):  # on numpy arrays; the message from the masked Series
        bad = rating.notna() & (frame["rating"].notna()) & (
            (rating < MIN_RATING) | (rating > MAX_RATING) | (rating % 1 != 0))
        unparsable = rating.isna() & frame["rating"].notna()
        pos = int(np.flatnonzero((bad | unparsable).to_numpy())[0])
        rid = frame["review_id"].iloc[pos] if "review_id" in frame.columns else None
        raise RatingsError(
            f"row {pos} (review_id {rid!r}), column 'rating': {frame['rating'].iloc[pos]!r} is not a whole star "
            f"rating in {MIN_RATING}..{MAX_RATING}"
        )
    out = pd.DataFrame(index=frame.index)
    if by is None:
        out[key] = _constant_text(ALL_GROUP, len(frame))
    else:
        out[key] = frame[by].astype("string").fillna(UNKNOWN_GROUP)
        out[key] = out[key].astype("string")
    out["review_id"] = frame["review_id"].astype("string") if "review_id" in frame.columns else pd.Series(
        [str(i) for i in frame.index], index=frame.index, dtype="string"
    )
    out["rating"] = rating
    if "created_at" in frame.columns:
        raw = frame["created_at"]
        # a column already of the dtype to_datetime(utc=True) gives (the store's), its very tz object too (a
        # ZoneInfo("UTC") becomes timezone.utc), is that column: no conversion
        want = pd.to_datetime(raw.iloc[:0], utc=True).dtype if isinstance(raw.dtype, pd.DatetimeTZDtype) else None
        if want is not None and raw.dtype == want and raw.dtype.tz is want.tz:
            created = raw
        else:
            created = pd.to_datetime(raw, utc=True, errors="coerce")
        out["created_at"] = created
    for extra in ("platform", "sentiment_score", "topics", "title"):
        if extra in frame.columns and extra != key:  # by="platform": the key column, missing ones "(unknown)"
            out[extra] = frame[extra]
    return out.reset_index(drop=True)


def _ratings_invalid(rating: pd.Series, raw: pd.Series) -> bool:
    """Whether :func:`_prepare`'s check finds a row: a parsed rating outside ``MIN_RATING..MAX_RATING`` or not
    whole (NaN included), or a value that did not parse. The masked Series' comparisons, ``%`` and ``&`` on a
    million rows cost 8 ms; these are the same tests on the values and the mask (a parsed rating is never a
    missing raw value: ``to_numeric`` makes nothing of a missing one): the range by the minimum and maximum, and
    wholeness only for a column whose type allows fractions."""
    missing = rating.isna().to_numpy(dtype=bool)
    if bool((missing & raw.notna().to_numpy(dtype=bool)).any()):
        return True
    v = rating.to_numpy(dtype="float64", na_value=0.0)[~missing]
    if not len(v):
        return False
    if not (v.min() >= MIN_RATING and v.max() <= MAX_RATING):  # NaN included
        return True
    if pd.api.types.is_integer_dtype(raw.dtype):  # whole by its type (the store's Int64 column)
        return False
    return bool((v != np.floor(v)).any())  # finite here: v % 1 != 0 exactly when v is not whole


def _constant_text(value: str, n: int) -> pd.api.extensions.ExtensionArray:
    """``pd.array([value] * n, dtype="string")`` built as one Arrow array (the by=None key column of a million
    rows: no million Python strings converted)."""
    if pd.StringDtype().storage != "pyarrow":
        return pd.array([value] * n, dtype="string")
    return pd.arrays.ArrowStringArray(pa.chunked_array([pa.repeat(pa.scalar(value, type=pa.large_string()), n)],
                                                      type=pa.large_string()))


def _group_positions(work: pd.DataFrame, key: str, groups: list[str], constant: bool) -> np.ndarray:
    """Each row's group as its position in ``groups`` (int64; -1 for a missing key, which a groupby drops: with
    ``by="platform"`` the key column is the frame's own, missing values kept). ``constant``: the key column is
    :func:`_prepare`'s ``ALL_GROUP`` of ``by=None``, every row in the one group; otherwise the key column is
    factorized once and its few labels looked up. What
    :func:`_base_figures`, :func:`_histogram` and the per-group counts read instead of a pandas groupby on a
    million Arrow strings (:func:`_counted` keeps the rows with a group)."""
    if constant or not len(work):
        return np.zeros(len(work), dtype=np.int64)
    codes, uniques = pd.factorize(work[key])
    at = np.asarray(pd.Index(groups, dtype="string").get_indexer(pd.Index(uniques, dtype="string")), dtype=np.int64)
    return np.where(codes >= 0, at[codes], -1) if len(at) else np.full(len(codes), -1, dtype=np.int64)


def _counted(at: np.ndarray, n_groups: int, weights: np.ndarray | None = None) -> np.ndarray:
    """``np.bincount`` of the group positions ``at`` (rows at -1 left out), ``n_groups`` long."""
    keep = at >= 0
    if bool(keep.all()):
        return np.bincount(at, weights=weights, minlength=n_groups)
    return np.bincount(at[keep], weights=None if weights is None else weights[keep], minlength=n_groups)


def _stars_of(work: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(rated, stars)``: which rows have a rating (bool) and the ratings as float64 (NaN where none)."""
    rated = work["rating"].notna().to_numpy(dtype=bool)
    return rated, work["rating"].to_numpy(dtype="float64", na_value=np.nan)


def _groups_at(work: pd.DataFrame, key: str, by: str | None) -> tuple[list[str], np.ndarray]:
    """``(_groups(work, key, by), _group_positions(work, key, groups, by is None))`` from one factorize of the key
    column (each is a pass over a million Arrow strings): the distinct keys sorted, and each row's position among
    them (-1 for a missing key)."""
    if by is None:
        return [ALL_GROUP], np.zeros(len(work), dtype=np.int64)
    codes, uniques = pd.factorize(work[key])
    labels = list(uniques.tolist() if hasattr(uniques, "tolist") else uniques)
    groups = sorted(labels)
    pos = {g: i for i, g in enumerate(groups)}
    at = np.asarray([pos[g] for g in labels], dtype=np.int64)
    codes = np.asarray(codes, dtype=np.int64)
    return groups, (np.where(codes >= 0, at[codes], -1) if len(at) else np.full(len(codes), -1, dtype=np.int64))


def _groups(work: pd.DataFrame, key: str, by: str | None) -> list[str]:
    """Group labels in a stable order; ``by=None`` always has the one ``"all"`` group, even when empty."""
    if by is None:
        return [ALL_GROUP]
    return sorted(work[key].dropna().unique().tolist())


def _ceil(x: float) -> float:
    """``ceil`` that forgives float noise; NaN and inf pass through."""
    if not math.isfinite(x):
        return x
    return float(math.ceil(x - _CEIL_EPS))


def _displayed_frame(displayed: Displayed, key: str) -> pd.DataFrame:
    """Normalise ``displayed`` to a frame ``key, displayed_rating, displayed_count`` and check the values."""
    cols = [key, "displayed_rating", "displayed_count"]
    if displayed is None:
        return pd.DataFrame({c: pd.Series(dtype="string" if c == key else "float64") for c in cols})
    if isinstance(displayed, Mapping):
        rows = [(str(k), *v) for k, v in displayed.items()]
        d = pd.DataFrame(rows, columns=cols)
    elif isinstance(displayed, pd.DataFrame):
        missing = [c for c in cols if c not in displayed.columns]
        if missing:
            raise RatingsError(f"displayed figures need columns {cols}; missing {missing}")
        d = displayed[cols].copy()
    else:
        raise RatingsError("displayed must be a DataFrame or a mapping {group: (rating, rating_count)}")
    d[key] = d[key].astype("string")
    d["displayed_rating"] = pd.to_numeric(d["displayed_rating"], errors="coerce").astype("float64")
    d["displayed_count"] = pd.to_numeric(d["displayed_count"], errors="coerce").astype("float64")
    for row in d.itertuples(index=False):
        g, r, n = row
        if not (MIN_RATING <= r <= MAX_RATING):
            raise RatingsError(f"displayed rating for {g!r} is {r!r}; expected a number in {MIN_RATING}..{MAX_RATING}")
        if not (n >= 1 and float(n).is_integer()):
            raise RatingsError(f"displayed rating count for {g!r} is {n!r}; expected a whole number of at least 1")
    if d[key].duplicated().any():
        raise RatingsError(f"displayed figures list {key} {d[key][d[key].duplicated()].iloc[0]!r} twice")
    return d.reset_index(drop=True)


def _base_figures(work: pd.DataFrame, key: str, groups: list[str], displayed: Displayed, *,
                  constant: bool = False, at: np.ndarray | None = None, counts: np.ndarray | None = None
                  ) -> pd.DataFrame:
    """Per group: n, sum of stars, average, and which basis (computed or displayed) the maths should use.
    ``at``: each row's :func:`_group_positions`, ``counts``: the :func:`_star_counts`, when the caller has them."""
    counts = _star_counts(work, key, groups, constant, at) if counts is None else counts
    base = pd.DataFrame({key: pd.array(groups, dtype="string")})
    # counts and sums per group from its star counts (whole stars: the sum is the exact integer a float sum of
    # the ratings gives, in any order)
    # (no group: empty lists, as before, so an empty frame's columns keep their dtypes)
    base["n_reviews"] = counts.sum(axis=1).astype("int64") if groups else []
    base["star_sum"] = (counts @ np.asarray(STARS, dtype=np.int64)).astype("float64") if groups else []
    base["average"] = np.where(base["n_reviews"] > 0, base["star_sum"] / base["n_reviews"].where(base["n_reviews"] > 0, 1), np.nan)
    d = _displayed_frame(displayed, key)
    unknown = sorted(set(d[key]) - set(groups))
    if unknown:
        raise RatingsError(f"displayed figures given for {key} {unknown} that has no reviews in this frame")
    base = base.merge(d, on=key, how="left")
    use = base["displayed_rating"].notna()
    base["basis"] = np.where(use, DISPLAYED_BASIS, COMPUTED_BASIS)
    base["base_n"] = np.where(use, base["displayed_count"], base["n_reviews"]).astype("float64")
    base["base_average"] = np.where(use, base["displayed_rating"], base["average"]).astype("float64")
    return base


def _histogram(work: pd.DataFrame, key: str, groups: list[str], *, constant: bool = False,
               at: np.ndarray | None = None, counts: np.ndarray | None = None) -> pd.DataFrame:
    """Counts per group (rows, in ``groups`` order) and star level (columns ``STARS``): one ``bincount`` of
    group position times the star levels plus the star (ratings are whole stars, checked by :func:`_prepare`).
    ``at``: each row's :func:`_group_positions`, ``counts``: the :func:`_star_counts`, when the caller has them."""
    counts = _star_counts(work, key, groups, constant, at) if counts is None else counts
    return pd.DataFrame(counts, index=pd.Index(groups, dtype="string"), columns=list(STARS))


def _star_counts(work: pd.DataFrame, key: str, groups: list[str], constant: bool, at: np.ndarray | None
                 ) -> np.ndarray:
    """Rated reviews per group (rows, in ``groups`` order) and star level (columns ``STARS``), int64: one
    integer ``bincount`` of group position times the star levels plus the star (ratings are whole stars,
    checked by :func:`_prepare`; a row at position -1 has no group)."""
    rated, stars = _stars_of(work)
    star = stars[rated].astype(np.int64) - MIN_RATING
    if constant:  # every row in the one group: the stars' counts
        return np.bincount(star, minlength=len(STARS)).astype("int64").reshape(1, len(STARS))
    at = (_group_positions(work, key, groups, constant) if at is None else at)[rated]
    cell = at * len(STARS) + star if bool((at >= 0).all()) else np.where(at >= 0, at * len(STARS) + star, -1)
    return _counted(cell, len(groups) * len(STARS)).astype("int64").reshape(len(groups), len(STARS))


class _Prepared:
    """A review frame prepared once for the functions below that one caller runs on it (:func:`summary_frames`):
    :func:`_prepare`'s working copy, the key column's name, the sorted groups and each row's position among
    them, and the rated reviews per group and star (counted when first read). Nothing here changes ``work``."""

    def __init__(self, frame: pd.DataFrame, by: str | None) -> None:
        self.by = by
        self.key = _key_name(by)
        self.work = _prepare(frame, by)
        self.groups, self.at = _groups_at(self.work, self.key, by)
        self._counts: np.ndarray | None = None

    @property
    def counts(self) -> np.ndarray:
        if self._counts is None:
            self._counts = _star_counts(self.work, self.key, self.groups, self.by is None, self.at)
        return self._counts


def _joined(ids: Iterable[object]) -> str:
    return "|".join(str(i) for i in ids)


#: :func:`keys_in` splits on the first key column when it has at most this many distinct values (a platform);
#: past that it falls back to a merge.
KEYS_IN_MAX_SPLIT: Final[int] = 64


def _isin_na(values: pd.Series, wanted: pd.Series) -> np.ndarray:
    """``values.isin(wanted)`` for text, a missing value matching a missing value (as a merge matches them).

    pyarrow's ``is_in`` (one hash set in C): ``Series.isin`` on Arrow-backed strings took 4.8 s for 1.2M hit rows
    against 1M review ids, ``is_in`` 0.24 s (CPU, benchmark store)."""
    got = pc.is_in(_arrow_text(values), value_set=_arrow_text(wanted), skip_nulls=False)
    return got.to_numpy(zero_copy_only=False).astype(bool)


def _arrow_text(s: pd.Series) -> pa.Array:
    """A text column as one pyarrow string array (zero-copy for Arrow-backed strings, chunks combined)."""
    a = pa.array(pd.array(s, dtype="string"))
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def keys_in(left: pd.DataFrame, right: pd.DataFrame, on: Sequence[str]) -> np.ndarray:
    """Which rows of ``left`` have their ``on`` key (compared as strings) among the rows of ``right``: the
    ``indicator`` of a left merge, without the merge. One key column is one hash look-up per row; with two (platform
    and review id), the first one's few values split the rows and the second is looked up within each (a million
    reviews: a fraction of the merge's time). Missing values match missing values, as in a merge.

    >>> import pandas as pd
    >>> l = pd.DataFrame({"platform": ["amazon", "google", "amazon"], "review_id": ["a", "a", "b"]})
    >>> keys_in(l, pd.DataFrame({"platform": ["google"], "review_id": ["a"]}), ["platform", "review_id"]).tolist()
    [False, True, False]
    """
    on = list(on)
    cols_l = [left[c].astype("string") for c in on]
    cols_r = [right[c].astype("string") for c in on]
    if len(on) == 1:
        return _isin_na(cols_l[0], cols_r[0])
    firsts = pc.unique(_arrow_text(cols_r[0])).to_pylist() if len(on) == 2 else []
    if len(on) != 2 or len(firsts) > KEYS_IN_MAX_SPLIT:
        wanted = pd.DataFrame(dict(zip(on, cols_r))).drop_duplicates()
        got = pd.DataFrame(dict(zip(on, cols_l))).merge(wanted, on=on, how="left", indicator=True)
        return got["_merge"].eq("both").to_numpy(dtype=bool)
    out = np.zeros(len(left), dtype=bool)
    l0, r0 = (_arrow_text(c) for c in (cols_l[0], cols_r[0]))
    l1, r1 = (_arrow_text(c) for c in (cols_l[1], cols_r[1]))
    for v in firsts:
        if v is None:
            lm, rm = pc.is_null(l0), pc.is_null(r0)
        else:
            lm, rm = pc.fill_null(pc.equal(l0, v), False), pc.fill_null(pc.equal(r0, v), False)
        left_all, right_all = pc.all(lm).as_py() is True, pc.all(rm).as_py() is True
        pos = np.flatnonzero(lm.to_numpy(zero_copy_only=False))
        if len(pos):  # one platform across both frames (the common case): no filtering copies
            got = pc.is_in(l1 if left_all else pc.filter(l1, lm), value_set=r1 if right_all else pc.filter(r1, rm),
                           skip_nulls=False)
            out[pos] = got.to_numpy(zero_copy_only=False).astype(bool)
    return out


def _periods(created: pd.Series, freq: str) -> pd.Series:
    if freq not in FREQUENCIES:
        raise RatingsError(f"freq {freq!r} is not supported; expected one of {sorted(FREQUENCIES)}")
    if freq == "M" and isinstance(created.dtype, pd.DatetimeTZDtype):
        months = _month_ordinals(np.asarray(created.array.asi8, dtype=np.int64), created.dt.unit)
        if months is not None:
            return pd.Series(pd.arrays.PeriodArray(months, dtype=pd.PeriodDtype("M")), index=created.index,
                             name=created.name)
    naive = created.dt.tz_convert("UTC").dt.tz_localize(None)
    return naive.dt.to_period(freq)


#: :func:`_month_ordinals` looks the months up in a table of at most this many days (about 46,000 years).
MONTH_TABLE_DAYS: Final[int] = 1 << 24


def _month_ordinals(utc: np.ndarray, unit: str) -> np.ndarray | None:
    """The monthly period ordinal (months since 1970-01) of each UTC time (int64 ticks of ``unit``; NaT stays
    NaT): what ``to_period("M")`` of the naive UTC times gives (15 ms at a million rows). Each time's day by a
    floor division, then its month from a table of the days between the first and the last (numpy's
    datetime64[D] -> [M], floored); ``None`` past :data:`MONTH_TABLE_DAYS` days."""
    nat = utc == np.iinfo(np.int64).min
    per_day = int(np.timedelta64(1, "D") // np.timedelta64(1, unit))
    days = utc // per_day
    out = np.full(len(utc), np.iinfo(np.int64).min, dtype=np.int64)
    some = not bool(nat.all())
    if not some:
        return out
    valid = days[~nat] if bool(nat.any()) else days
    lo, hi = int(valid.min()), int(valid.max())
    if hi - lo >= MONTH_TABLE_DAYS:
        return None
    table = np.arange(lo, hi + 1, dtype=np.int64).view("datetime64[D]").astype("datetime64[M]").view(np.int64)
    if bool(nat.any()):
        out[~nat] = table[valid - lo]
    else:
        out = table[days - lo]
    return out


def _as_of(work: pd.DataFrame, as_of: object | None) -> pd.Timestamp | None:
    if as_of is not None:
        ts = pd.Timestamp(as_of)
        return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    if "created_at" not in work.columns or work["created_at"].isna().all():
        return None
    return work["created_at"].max()


# ----------------------------------------------------------------------------------------------- summary


def rating_summary(
    frame: pd.DataFrame,
    by: str | None = "product_id",
    *,
    prior_mean: float | None = None,
    prior_weight: float | None = None,
    displayed: Displayed = None,
) -> pd.DataFrame:
    """Average, count, star histogram and Bayesian average per group (computed from reviews).

    Bayesian (damped) average, platform-policies.md §2.3: ``B = (C·m + n·R̄) / (C + n)`` where ``R̄`` and ``n`` are
    the group's mean and review count, ``m`` the prior mean (default: the mean of every rated review in
    ``frame``) and ``C`` the prior weight (default: the median review count per group). The prior used is stated
    in the ``prior`` column. With ``displayed`` the listing's rating and count are shown beside the computed
    figures, with ``displayed_gap = displayed_rating − average`` and ``ratings_not_in_export = displayed_count −
    n_reviews`` (one-tap ratings and other marketplaces, §2.1).

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": ["a", "b"], "product_id": ["P", "P"], "rating": [5, 3]}))
    >>> rating_summary(f, by=None).loc[0, ["average", "count_5", "share_3", "bayesian_average"]].tolist()
    [4.0, 1.0, 0.5, 4.0]
    """
    return _summary_of(_Prepared(frame, by), prior_mean, prior_weight, displayed)


def _summary_of(p: _Prepared, prior_mean: float | None, prior_weight: float | None, displayed: Displayed
                ) -> pd.DataFrame:
    """:func:`rating_summary` of a prepared frame."""
    key, work, groups, at, by = p.key, p.work, p.groups, p.at, p.by
    base = _base_figures(work, key, groups, displayed, at=at, constant=by is None, counts=p.counts)
    rated = work[work["rating"].notna()]
    unrated = _counted(at[work["rating"].isna().to_numpy(dtype=bool)], len(groups))
    out = pd.DataFrame({key: base[key]})
    out["n_reviews"] = base["n_reviews"].astype("int64")
    # counts per group position (no group: an empty list, as before)
    out["n_unrated"] = unrated.astype("int64") if groups else []
    out["average"] = base["average"]
    hist = _histogram(work, key, groups, at=at, constant=by is None, counts=p.counts)
    for s in STARS:
        out[f"count_{s}"] = hist[s].to_numpy()
    for s in STARS:
        out[f"share_{s}"] = np.where(out["n_reviews"] > 0, out[f"count_{s}"] / out["n_reviews"].clip(lower=1), np.nan)
    if prior_mean is None:
        m = float(rated["rating"].mean()) if len(rated) else float("nan")
        m_text = f"m = mean of all {len(rated)} rated reviews ({m:.3f})"
    else:
        if not (MIN_RATING <= prior_mean <= MAX_RATING):
            raise RatingsError(f"prior_mean {prior_mean!r} is outside {MIN_RATING}..{MAX_RATING}")
        m, m_text = float(prior_mean), f"m = {float(prior_mean):.3f} (given)"
    if prior_weight is None:
        counts = out.loc[out["n_reviews"] > 0, "n_reviews"]
        c = float(counts.median()) if len(counts) else 0.0
        c_text = f"C = median reviews per {key} ({c:g})"
    else:
        if prior_weight < 0:
            raise RatingsError(f"prior_weight {prior_weight!r} must be 0 or more (it counts pseudo-reviews)")
        c, c_text = float(prior_weight), f"C = {float(prior_weight):g} (given)"
    out["prior_mean"] = m
    out["prior_weight"] = c
    out["prior"] = f"B = (C·m + n·R̄)/(C + n); {m_text}; {c_text}"
    denom = c + out["n_reviews"]
    num = c * m + out["n_reviews"] * out["average"].fillna(0.0)
    out["bayesian_average"] = np.where(denom > 0, num / denom.where(denom > 0, 1), np.nan)
    out["basis"] = COMPUTED_BASIS
    out["displayed_rating"] = base["displayed_rating"]
    out["displayed_count"] = base["displayed_count"]
    out["displayed_gap"] = base["displayed_rating"] - base["average"]
    out["ratings_not_in_export"] = base["displayed_count"] - base["n_reviews"]
    short = out[out["ratings_not_in_export"] < 0]
    for g in short[key]:
        log.warning("displayed rating count for %s is below the %s reviews in the export", g, key)
    return out


# -------------------------------------------------------------------------------------------------- drag


def drag(frame: pd.DataFrame, by: str | None = "product_id", *, target: float | None = None) -> pd.DataFrame:
    """How many stars each star level costs the average: one row per group and star level.

    With ``N`` rated reviews and average ``A``, the reviews at level ``s`` cost ``drag_vs_5 = count_s·(5 − s)/N``
    stars against an all-5★ ceiling; the levels add up to the gap ``5 − A``, and ``share_of_gap`` is each level's
    part of it (NaN when ``A = 5``: there is no gap). Against a target ``T`` the level costs
    ``drag_vs_target = count_s·(T − s)/N`` (negative for levels above ``T``, which lift the average); these add up
    to ``T − A``.

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": list("abcd"), "rating": [5, 5, 5, 1]}))
    >>> d = drag(f, by=None)
    >>> d.loc[d["star"] == 1, ["drag_vs_5", "share_of_gap"]].values.tolist()
    [[1.0, 1.0]]
    """
    _check_target_range(target)
    return _drag_of(_Prepared(frame, by), target)


def _drag_of(p: _Prepared, target: float | None) -> pd.DataFrame:
    """:func:`drag` of a prepared frame (``target`` checked by the caller)."""
    key, work, groups, at, by = p.key, p.work, p.groups, p.at, p.by
    base = _base_figures(work, key, groups, None, at=at, constant=by is None, counts=p.counts)
    hist = _histogram(work, key, groups, at=at, constant=by is None, counts=p.counts)
    out = pd.DataFrame({
        key: np.repeat(np.asarray(groups, dtype=object), len(STARS)),
        "star": np.tile(np.asarray(STARS, dtype="int64"), len(groups)),
        "count": hist.to_numpy().reshape(-1),
    })
    n = np.repeat(base["n_reviews"].to_numpy(dtype="float64"), len(STARS))
    a = np.repeat(base["average"].to_numpy(dtype="float64"), len(STARS))
    has = n > 0
    safe_n = np.where(has, n, 1.0)
    out["share"] = np.where(has, out["count"] / safe_n, np.nan)
    out["n_reviews"] = n.astype("int64")
    out["average"] = np.where(has, a, np.nan)
    out["drag_vs_5"] = np.where(has, out["count"] * (MAX_RATING - out["star"]) / safe_n, np.nan)
    gap = MAX_RATING - out["average"]
    out["share_of_gap"] = np.where(has & (gap > _CEIL_EPS), out["drag_vs_5"] / gap.where(gap > _CEIL_EPS, 1.0), np.nan)
    out["target"] = float("nan") if target is None else float(target)
    out["drag_vs_target"] = (np.where(has, out["count"] * (float(target) - out["star"]) / safe_n, np.nan)
                             if target is not None else np.nan)
    out[key] = out[key].astype("string")
    return out


def drag_summary(frame: pd.DataFrame, by: str | None = "product_id", *, target: float | None = None) -> pd.DataFrame:
    """One row per group: the gap to 5.0, the average without 1★ reviews, and what 1–2★ reviews explain.

    ``low_star_drag = Σ_{s∈{1,2}} count_s·(5 − s)/N`` and ``low_star_share_of_gap = low_star_drag / (5 − A)``
    (NaN when ``A = 5``). ``average_without_1star`` is the mean of the other reviews (NaN when all are 1★).

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": list("abcd"), "rating": [5, 4, 2, 1]}))
    >>> drag_summary(f, by=None).loc[0, ["average", "average_without_1star", "low_star_share_of_gap"]].tolist()
    [3.0, 3.6666666666666665, 0.875]
    """
    _check_target_range(target)
    return _drag_summary_of(drag(frame, by, target=target), _key_name(by), target)


def _drag_summary_of(d: pd.DataFrame, key: str, target: float | None) -> pd.DataFrame:
    """:func:`drag_summary` of the :func:`drag` frame ``d``."""
    per = d.groupby(key, sort=False)
    first = per[["n_reviews", "average"]].first()
    n, a = first["n_reviews"].astype("int64"), first["average"].astype("float64")
    n1 = d[d["star"] == 1].set_index(key)["count"].reindex(first.index).astype("int64")
    low = d[d["star"].isin(LOW_STARS)]
    low_n = low.groupby(key, sort=False)["count"].sum().reindex(first.index).astype("int64")
    low_drag = low.groupby(key, sort=False)["drag_vs_5"].sum(min_count=1).reindex(first.index)
    gap = MAX_RATING - a
    rest = n - n1
    out = pd.DataFrame({
        key: first.index.astype("string"),
        "n_reviews": n.to_numpy(),
        "average": a.to_numpy(),
        "gap_to_5": gap.to_numpy(),
        "n_1star": n1.to_numpy(),
        "average_without_1star": np.where(rest > 0, (a * n - n1) / rest.where(rest > 0, 1), np.nan),
        "low_star_reviews": low_n.to_numpy(),
        "low_star_drag": low_drag.to_numpy(dtype="float64"),
        "low_star_share_of_gap": np.where(gap > _CEIL_EPS, low_drag / gap.where(gap > _CEIL_EPS, 1.0), np.nan),
        "target": float("nan") if target is None else float(target),
        "gap_to_target": (float(target) - a).to_numpy() if target is not None else np.nan,
        "basis": COMPUTED_BASIS,
    })
    out[key] = out[key].astype("string")
    return out


def review_drag(frame: pd.DataFrame, by: str | None = "product_id", *, top: int | None = None) -> pd.DataFrame:
    """Each review's drag contribution, costliest first: "which reviews cost us the most stars".

    ``contribution = A_without_this − A_with = (A − r)/(N − 1)`` for a review of ``r`` stars in a group of ``N``
    reviews with mean ``A`` (platform-policies.md §2.2). Positive means the review pulls the average down. With
    ``N = 1`` removing the review leaves no average, so the contribution is NaN. Unrated reviews are left out of
    the maths and listed at the end with NaN. ``top``: only the first ``top`` rows (``review_drag(f).head(top)``,
    taking only those rows' cells: a chart of the costliest reviews of a million).

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": ["a", "b", "c"], "rating": [5, 5, 2]}))
    >>> review_drag(f, by=None)[["review_id", "contribution"]].values.tolist()[0]
    ['c', 1.0]
    """
    key = _key_name(by)
    work = _prepare(frame, by)
    groups, pos = _groups_at(work, key, by)
    base = _base_figures(work, key, groups, None, at=pos, constant=by is None)[[key, "n_reviews", "average"]]
    # each row's group figures: a look-up by group position instead of a merge, which takes every column of every
    # row once more (the left merge on unique group keys keeps the rows in order with a new RangeIndex, as
    # ``work`` already has)
    keyed = bool((pos >= 0).all())  # every row has its group's position (no missing key)
    if keyed:
        at = pos
    else:  # as before: the labels looked up (a missing key's code -1 reads the last label's figures)
        codes, uniques = pd.factorize(work[key])
        at = pd.Index(base[key]).get_indexer(pd.Index(uniques, dtype=base[key].dtype))[codes] if len(codes) else (
            np.zeros(0, dtype=np.int64))
    if len(at) and bool((at >= 0).all()) and base[key].is_unique:
        out = work.assign(n_reviews=base["n_reviews"].to_numpy()[at], average=base["average"].to_numpy()[at])
    else:
        out = work.merge(base, on=key, how="left")
    n = out["n_reviews"].astype("float64")
    r = out["rating"].astype("float64")
    a = out["average"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        without = np.where(n > 1, (a * n - r) / (n - 1), np.nan)
    out["average_without"] = pd.Series(without, index=out.index).where(r.notna())
    out["contribution"] = out["average_without"] - a
    out["rating"] = out["rating"].astype("Int64")
    keep = [key, "review_id", "rating"] + [c for c in ("platform", "created_at", "title") if c in out.columns]
    keep = list(dict.fromkeys(keep))  # by="platform": the key is listed once
    keep += ["n_reviews", "average", "average_without", "contribution"]
    if top is not None and top < 0:
        raise RatingsError(f"top must be a non-negative number of reviews, got {top!r}")
    # the sort's row order from its two key columns, then only the rows kept are taken (sort_values on the whole
    # frame computes the same order and takes every row of every column)
    if keyed and len(out):
        order = _drag_order(out["contribution"].to_numpy(dtype="float64", na_value=np.nan), pos,
                            None if top is None else int(top))
    else:
        order = out[["contribution", key]].sort_values(["contribution", key], ascending=[False, True],
                                                       na_position="last", kind="stable").index.to_numpy()
    return out[keep].take(order[:top] if top is not None else order).reset_index(drop=True)


def _drag_order(contribution: np.ndarray, pos: np.ndarray, top: int | None = None) -> np.ndarray:
    """The row order of ``sort_values(["contribution", key], ascending=[False, True], na_position="last",
    kind="stable")`` (its first ``top`` rows; ``None``: all) from the contribution and each row's group position
    (positions in sorted key order, none missing): missing contributions last, then contribution descending,
    then key ascending, then row order; a stable ``np.lexsort`` on numbers instead of a sort that factorizes a
    million key strings. With ``top`` below the rated rows, only the rows whose contribution is at least the
    ``top``-th largest (``np.partition``; ties included) are sorted: every row before one of them in the order
    is among them, so their first ``top`` are the order's."""
    missing = np.isnan(contribution)
    desc = -np.where(missing, 0.0, contribution) + 0.0  # + 0.0: -0.0 and 0.0 are one value, as in the sort
    if top is not None and top <= 0:
        return np.zeros(0, dtype=np.int64)
    if top is not None:
        rated = np.flatnonzero(~missing)
        if len(rated) > top:
            kth = np.partition(desc[rated], top - 1)[top - 1]
            cand = rated[desc[rated] <= kth]
            return cand[np.lexsort((pos[cand], desc[cand]))][:top]
    order = np.lexsort((pos, desc, missing))
    return order if top is None else order[:top]


# --------------------------------------------------------------------------------------------- what if

#: Only these hits count as "would likely come down" in :func:`what_if` (the rules contract, ARCHITECTURE.md).
WHAT_IF_OUTCOME: Final[str] = "hit"
WHAT_IF_STRENGTH: Final[str] = "strong"
SCENARIO_HITS: Final[str] = "strong removal-basis hits removed"
SCENARIO_CHOSEN: Final[str] = "chosen reviews removed"


def removable_review_ids(hits: pd.DataFrame) -> pd.DataFrame:
    """The reviews whose guideline hits would support a removal request: one row per review.

    Keeps rows with ``outcome == "hit"``, ``removal_basis`` true and ``strength == "strong"``; returns
    ``review_id`` (+ ``platform`` when present) and ``rule_ids`` (sorted, joined by ``|``).

    >>> import pandas as pd
    >>> h = pd.DataFrame({"review_id": ["a", "a", "b"], "rule_id": ["r1", "r2", "r1"], "outcome": "hit",
    ...                   "removal_basis": [True, True, False], "strength": "strong"})
    >>> removable_review_ids(h).values.tolist()
    [['a', 'r1|r2']]
    """
    need = ["review_id", "outcome", "removal_basis", "strength"]
    missing = [c for c in need if c not in hits.columns]
    if missing:
        raise RatingsError(f"the hits frame lacks {missing}; expected the output of rules.check_reviews")
    basis = hits["removal_basis"].astype("boolean").fillna(False).astype(bool)
    keys = ["platform", "review_id"] if "platform" in hits.columns else ["review_id"]
    used = keys + (["rule_id"] if "rule_id" in hits.columns else [])  # only these rows' keys and rules are read
    sel = hits[used][((hits["outcome"].astype("string") == WHAT_IF_OUTCOME).fillna(False).astype(bool)
                      & basis & (hits["strength"].astype("string") == WHAT_IF_STRENGTH).fillna(False).astype(bool)
                      ).to_numpy(dtype=bool)]
    rule = sel["rule_id"] if "rule_id" in sel.columns else pd.Series("", index=sel.index)
    sel = sel.assign(rule_id=rule.astype("string").fillna(""))
    if sel.empty:
        return pd.DataFrame({**{k: pd.Series(dtype="string") for k in keys}, "rule_ids": pd.Series(dtype="string")})
    # per review: its distinct non-empty rule ids, sorted and joined. Grouped by position instead of a Python
    # function per group (a million reviews have ~100,000 removable ones); only reviews with several rules join.
    g = sel.groupby(keys, dropna=False, sort=True)
    groups = g.size().index
    code = g.ngroup().to_numpy(dtype=np.int64)
    rules = sel["rule_id"].to_numpy(dtype=object)
    keep = rules != ""
    pairs = pd.DataFrame({"g": code[keep], "r": rules[keep]}).drop_duplicates()
    pairs = pairs.sort_values(["g"], kind="stable")
    n = np.bincount(pairs["g"].to_numpy(dtype=np.int64), minlength=len(groups))
    joined = np.full(len(groups), "", dtype=object)
    first = pairs.drop_duplicates("g")
    single = n[first["g"].to_numpy(dtype=np.int64)] == 1
    joined[first["g"].to_numpy(dtype=np.int64)[single]] = first["r"].to_numpy(dtype=object)[single]
    several = pairs[n[pairs["g"].to_numpy(dtype=np.int64)] > 1]
    for grp, rs in several.groupby("g", sort=False)["r"]:
        joined[grp] = _joined(sorted(rs.tolist()))
    out = pd.Series(pd.array(joined, dtype="string"), index=groups, name="rule_id").reset_index()
    out = out.rename(columns={"rule_id": "rule_ids"})
    for k in keys:
        out[k] = out[k].astype("string")
    return out


def what_if(
    frame: pd.DataFrame,
    hits: pd.DataFrame | None = None,
    *,
    remove_ids: Iterable[str] | None = None,
    by: str | None = "product_id",
    displayed: Displayed = None,
    hit_flags: tuple[Sequence[bool], Sequence[bool]] | None = None,
) -> pd.DataFrame:
    """The average before and after some reviews came down: one row per group and scenario.

    Scenarios: ``hits`` (the long frame from ``rules.check_reviews``) removes the reviews with
    ``outcome == "hit"``, ``removal_basis`` and ``strength == "strong"``; ``remove_ids`` removes a chosen set.
    ``average_after = (N·A − Σ removed stars) / (N − k)``. The base ``N, A`` is the displayed rating and count when
    ``displayed`` is given for the group (the removed reviews are assumed to be among the counted ratings), else
    computed from reviews. ``n_checks_not_run`` counts reviews of the group for which some check could not run:
    they are unknown, not clean. Removal is never guaranteed: the platform decides.

    ``hit_flags`` replaces ``hits`` by what matching them to the rows gives, already worked out (one boolean
    per row of ``frame`` each): ``(removable, not_run)``, the row's review has a strong removal-basis hit / a
    check that did not run (``views.FrameIndex.what_if_flags`` keeps them per loaded frame, so a new filter
    selection does not match a million hit rows again). Every hit then belongs to a row: the note is empty.

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": ["a", "b", "c"], "rating": [5, 5, 2]}))
    >>> what_if(f, remove_ids=["c"], by=None).loc[0, ["average_before", "average_after", "change"]].tolist()
    [4.0, 5.0, 1.0]
    """
    if hits is None and remove_ids is None and hit_flags is None:
        raise RatingsError("what_if needs a hits frame (rules.check_reviews), hit_flags or remove_ids")
    if hits is not None and hit_flags is not None:
        raise RatingsError("what_if takes a hits frame or hit_flags, not both")
    return _what_if_of(_Prepared(frame, by), hits, remove_ids, displayed, hit_flags)


def _what_if_of(p: _Prepared, hits: pd.DataFrame | None, remove_ids: Iterable[str] | None, displayed: Displayed,
                hit_flags: tuple[Sequence[bool], Sequence[bool]] | None) -> pd.DataFrame:
    """:func:`what_if` of a prepared frame (the arguments checked by the caller)."""
    key, work, groups, at, by = p.key, p.work, p.groups, p.at, p.by
    base = _base_figures(work, key, groups, displayed, at=at, constant=by is None, counts=p.counts).set_index(key)
    scenarios: list[tuple[str, pd.Series, str]] = []
    not_run = pd.Series(0, index=pd.Index(groups, dtype="string"))
    if hits is not None:
        rem = removable_review_ids(hits)
        on = ["platform", "review_id"] if ("platform" in rem.columns and "platform" in work.columns) else ["review_id"]
        w = work.assign(**{c: work[c].astype("string") for c in on})
        if key == "platform" and "platform" in on:  # the key column shows a missing platform as "(unknown)"
            rem = rem.assign(platform=rem["platform"].astype("string").fillna(UNKNOWN_GROUP))
            hits = hits.assign(platform=hits["platform"].astype("string").fillna(UNKNOWN_GROUP))
        mask = keys_in(w, rem, on)
        unmatched = len(rem) - int(mask.sum())
        note = f"{unmatched} removable review(s) in the hits are not in this frame" if unmatched > 0 else ""
        scenarios.append((SCENARIO_HITS, pd.Series(mask, index=work.index), note))
        if "outcome" in hits.columns:
            nr_ids = hits.loc[(hits["outcome"].astype("string") == "not_run").fillna(False).astype(bool)]
            nr_mask = keys_in(w, nr_ids, on)
            nr_keys = w.loc[nr_mask, key]
            not_run = nr_keys.groupby(nr_keys).size().reindex(not_run.index, fill_value=0)
    if hit_flags is not None:
        removable, nr_mask = (np.asarray(a, dtype=bool) for a in hit_flags)
        if removable.shape != (len(work),) or nr_mask.shape != (len(work),):
            raise RatingsError(f"hit_flags must hold one boolean per row ({len(work)}); got {removable.shape} and "
                               f"{nr_mask.shape}")
        scenarios.append((SCENARIO_HITS, pd.Series(removable, index=work.index), ""))
        not_run = pd.Series(_counted(at[nr_mask], len(groups)).astype("int64"), index=not_run.index)
    if remove_ids is not None:
        wanted = {str(i) for i in remove_ids}
        mask = work["review_id"].isin(wanted).fillna(False).astype(bool)
        missing = wanted - set(work["review_id"].dropna())
        note = f"{len(missing)} chosen id(s) not in this frame: {_joined(sorted(missing)[:10])}" if missing else ""
        if missing:
            log.warning("what_if: %s", note)
        scenarios.append((SCENARIO_CHOSEN, mask, note))
    index = pd.Index(groups, dtype="string")
    n = base["base_n"].reindex(index).to_numpy(dtype="float64")
    a = base["base_average"].reindex(index).to_numpy(dtype="float64")
    rated, stars = _stars_of(work)
    parts = []
    for name, mask, note in scenarios:
        pick = mask.to_numpy(dtype=bool) & rated
        k, removed, ids = _removed_per_group(at[pick], stars[pick], work["review_id"][pick], len(groups))
        left = n - k
        with np.errstate(divide="ignore", invalid="ignore"):
            after = np.where(left > 0, (a * n - removed) / np.where(left > 0, left, 1.0), np.nan)
        parts.append(pd.DataFrame({
            key: index,
            "scenario": name,
            "basis": base["basis"].reindex(index).to_numpy(),
            "n_before": n.astype("int64"),
            "average_before": np.where(n > 0, a, np.nan),
            "n_removed": k.astype("int64"),
            "removed_review_ids": pd.array(ids, dtype="string").to_numpy(),
            "n_after": np.maximum(left, 0).astype("int64"),
            "average_after": after,
            "change": np.where(n > 0, after - a, np.nan),
            "n_checks_not_run": (not_run.reindex(index, fill_value=0).to_numpy(dtype="int64") if name == SCENARIO_HITS
                                 else np.zeros(len(index), dtype="int64")),
            "note": note,
        }))
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    rows["_g"] = np.tile(np.arange(len(index)), len(parts))
    rows = rows.sort_values(["_g"], kind="stable").drop(columns="_g")
    cols = [key, "scenario", "basis", "n_before", "average_before", "n_removed", "removed_review_ids", "n_after",
            "average_after", "change", "n_checks_not_run", "note"]
    out = rows[cols].reset_index(drop=True)
    out[key] = out[key].astype("string")
    return out


def _removed_per_group(at: np.ndarray, stars: np.ndarray, ids: pd.Series, n_groups: int
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group position: how many rows (float64), their star sum (float64) and their review ids joined by
    ``|`` in row order ("" for none; a missing id as ``str(pd.NA)``, "<NA>", as :func:`_joined` writes it), of
    the rows given by group position ``at``, ``stars`` and ``ids``. The ids are joined by Arrow (one
    ``binary_join`` over a list per group, the rows taken in group order) instead of a Python string per id
    (50,000 removable reviews on the overview)."""
    k = _counted(at, n_groups).astype("float64")
    removed = _counted(at, n_groups, stars).astype("float64")
    keep = np.flatnonzero(at >= 0)
    order = keep[np.argsort(at[keep], kind="stable")] if len(keep) < len(at) or n_groups > 1 else keep
    sizes = _counted(at, n_groups).astype(np.int64)
    text = pc.fill_null(_arrow_text(ids), str(pd.NA))
    if not pa.types.is_large_string(text.type):
        text = text.cast(pa.large_string())
    lists = pa.LargeListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(sizes)]), pa.int64()),
                                          text.take(pa.array(order, pa.int64())))
    joined = np.asarray(pc.binary_join(lists, pa.scalar("|", pa.large_string())).to_pylist(), dtype=object)
    joined = joined if n_groups else np.full(0, "", dtype=object)
    return k, removed, joined


@dataclass(frozen=True)
class SummaryFrames:
    """:func:`rating_summary`, :func:`drag`, :func:`drag_summary` and :func:`what_if` of one frame
    (:func:`summary_frames`)."""

    summary: pd.DataFrame
    drag: pd.DataFrame
    drag_summary: pd.DataFrame
    what_if: pd.DataFrame | None


def summary_frames(
    frame: pd.DataFrame,
    by: str | None = "product_id",
    *,
    hits: pd.DataFrame | None = None,
    hit_flags: tuple[Sequence[bool], Sequence[bool]] | None = None,
) -> SummaryFrames:
    """``rating_summary(frame, by)``, ``drag(frame, by)``, ``drag_summary(frame, by)`` and, given ``hits`` or
    ``hit_flags``, ``what_if(frame, hits, hit_flags=hit_flags, by=by)`` (else ``None``), with the reviews
    prepared, grouped and counted per star once for all of them (the dashboard's overview and product table
    show several: at a million reviews each preparation is about 20 ms). The same frames and errors as those
    calls made one after the other.

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": list("abc"), "rating": [5, 5, 2]}))
    >>> s = summary_frames(f, by=None, hit_flags=([False, False, True], [False, False, False]))
    >>> float(s.summary.loc[0, "average"]), int(s.drag_summary.loc[0, "n_1star"])
    (4.0, 0)
    >>> float(s.what_if.loc[0, "average_after"])
    5.0
    """
    p = _Prepared(frame, by)
    summary = _summary_of(p, None, None, None)
    d = _drag_of(p, None)
    ds = _drag_summary_of(d, p.key, None)
    w = None
    if hits is not None or hit_flags is not None:
        if hits is not None and hit_flags is not None:
            raise RatingsError("what_if takes a hits frame or hit_flags, not both")
        w = _what_if_of(p, hits, None, None, hit_flags)
    return SummaryFrames(summary=summary, drag=d, drag_summary=ds, what_if=w)


# ---------------------------------------------------------------------------------------------- targets


def _check_target_range(target: float | None) -> None:
    if target is None:
        return
    if not isinstance(target, (int, float)) or isinstance(target, bool) or not math.isfinite(target):
        raise RatingsError(f"target {target!r} is not a number")
    if target < MIN_RATING:
        raise RatingsError(f"target {target} is below {MIN_RATING}.0, the lowest possible average")
    if target > MAX_RATING:
        raise RatingsError(f"target {target} is above {MAX_RATING}.0, the highest possible average")


def five_stars_needed(n: float, average: float, target: float) -> float:
    """New 5★ reviews needed to lift ``average`` over ``n`` ratings to ``target``: ``ceil(N·(T − A)/(5 − T))``.

    Platform-policies.md §2.2 (worked example: A = 4.3, N = 50, T = 4.7 → 67). 0 when the target is met; 1 when
    there are no ratings yet (one 5★ makes the average 5.0). ``T ≥ 5`` raises :class:`RatingsError` unless the
    average is already 5.0: a simple mean below 5 never reaches 5 however many 5★ follow.

    >>> five_stars_needed(50, 4.3, 4.7)
    67
    """
    _check_target_range(target)
    if n <= 0 or not math.isfinite(average):
        return 1
    if average >= target - _CEIL_EPS:
        return 0
    if target >= MAX_RATING:
        raise RatingsError(
            f"a target of {target:g} cannot be reached: the average is {average:.3f} and a simple mean below "
            f"{MAX_RATING}.0 never reaches {MAX_RATING}.0 however many 5★ reviews follow; choose a target below "
            f"{MAX_RATING}.0"
        )
    return int(_ceil(n * (target - average) / (MAX_RATING - target)))


def five_stars_per_one_star(average: float) -> float:
    """Exact number of 5★ reviews that offset one new 1★ at ``average``: ``(A − 1)/(5 − A)``; inf at A = 5.

    Platform-policies.md §2.2: at A = 4.5 one 1★ needs 7 five-stars.

    >>> five_stars_per_one_star(4.5)
    7.0
    """
    if not math.isfinite(average):
        return float("nan")
    if average >= MAX_RATING - _CEIL_EPS:
        return float("inf")
    return (average - MIN_RATING) / (MAX_RATING - average)


def targets(
    frame: pd.DataFrame,
    target: float = DEFAULT_TARGET,
    by: str | None = "product_id",
    *,
    displayed: Displayed = None,
    as_of: object | None = None,
    rate_window_days: int = RATE_WINDOW_DAYS,
) -> pd.DataFrame:
    """What it takes to reach ``target``: one row per group.

    - ``five_stars_needed = ceil(N·(T − A)/(5 − T))`` (0 if met, :func:`five_stars_needed`);
    - ``five_stars_per_one_star = ceil((A − 1)/(5 − A))`` and its ``..._exact`` value (inf at A = 5);
    - ``reviews_per_month``: reviews in the trailing ``rate_window_days`` before ``as_of`` (default: the latest
      review in ``frame``), per mean month of 365.25/12 days;
    - ``months_all_5star = five_stars_needed / reviews_per_month``: optimistic, **assumes every new review is 5★**;
    - ``months_current_mix``: assumes new reviews keep the recent mix (mean ``recent_average`` over the same
      window): ``x = N·(T − A)/(recent_average − T)`` reviews, then divided by the rate; inf when the recent mix
      averages at or below the target (it never gets there).

    ``N, A`` are the displayed rating count and rating when ``displayed`` is given for the group (``basis`` says
    which). Targets outside 1..5 raise :class:`RatingsError`; so does ``T = 5`` for a group below 5.0.

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": ["a", "b"], "rating": [5, 4], "created_at": "2024-01-01"}))
    >>> int(targets(f, 4.7, by=None).loc[0, "five_stars_needed"])  # ceil(2·(4.7 − 4.5)/(5 − 4.7))
    2
    """
    _check_target_range(target)
    if rate_window_days <= 0:
        raise RatingsError(f"rate_window_days must be positive, got {rate_window_days!r}")
    key = _key_name(by)
    work = _prepare(frame, by)
    groups, pos = _groups_at(work, key, by)
    base = _base_figures(work, key, groups, displayed, at=pos, constant=by is None).set_index(key)
    end = _as_of(work, as_of)
    if end is not None and "created_at" in work.columns:
        start = end - pd.Timedelta(days=rate_window_days)
        recent = ((work["created_at"] > start) & (work["created_at"] <= end) & work["rating"].notna()).to_numpy(
            dtype=bool)
    else:
        start, recent = None, np.zeros(len(work), dtype=bool)
    # the recent reviews' count and mean per group position (whole stars: the sums are exact)
    at = pos[recent]
    rec_n = _counted(at, len(groups))
    rec_sum = _counted(at, len(groups), _stars_of(work)[1][recent])
    rows = []
    for i, g in enumerate(groups):
        n, a = float(base.at[g, "base_n"]), float(base.at[g, "base_average"])
        needed = five_stars_needed(n, a, target)
        exact = five_stars_per_one_star(a) if n else float("nan")
        n_recent = int(rec_n[i])
        recent_avg = float(rec_sum[i] / rec_n[i]) if rec_n[i] else float("nan")
        rate = n_recent / (rate_window_days / DAYS_PER_MONTH) if end is not None else float("nan")
        months5 = (needed / rate if rate > 0 else float("inf")) if needed else 0.0
        if not needed:
            x_mix, months_mix = 0.0, 0.0
        elif n_recent and recent_avg > target + _CEIL_EPS and n:
            x_mix = _ceil(n * (target - a) / (recent_avg - target))
            months_mix = x_mix / rate
        else:
            x_mix, months_mix = float("inf"), float("inf")
        rows.append({
            key: g,
            "basis": base.at[g, "basis"],
            "n": int(n),
            "average": a if n else float("nan"),
            "target": float(target),
            "met": bool(n and a >= target - _CEIL_EPS),
            "five_stars_needed": int(needed),
            "five_stars_per_one_star_exact": exact,
            "five_stars_per_one_star": _ceil(exact),
            "rate_window_days": int(rate_window_days),
            "rate_window_start": start,
            "as_of": end,
            "reviews_in_window": n_recent,
            "reviews_per_month": rate,
            "recent_average": recent_avg,
            "months_all_5star": months5,
            "reviews_needed_current_mix": x_mix,
            "months_current_mix": months_mix,
            "assumption": (
                f"months_all_5star assumes every new review is 5★; months_current_mix assumes new reviews keep the "
                f"mix of the last {rate_window_days} days; both assume the review rate of those days continues"
            ),
        })
    cols = [key, "basis", "n", "average", "target", "met", "five_stars_needed", "five_stars_per_one_star_exact",
            "five_stars_per_one_star", "rate_window_days", "rate_window_start", "as_of", "reviews_in_window",
            "reviews_per_month", "recent_average", "months_all_5star", "reviews_needed_current_mix",
            "months_current_mix", "assumption"]
    out = pd.DataFrame(rows, columns=cols)
    out[key] = out[key].astype("string")
    return out


# ------------------------------------------------------------------------------------------------- time


def window_averages(
    frame: pd.DataFrame,
    by: str | None = "product_id",
    *,
    as_of: object | None = None,
    windows: Sequence[int] = WINDOW_DAYS,
) -> pd.DataFrame:
    """Average and count over the last 7/30/90 days (``windows``) before ``as_of``, plus all time.

    A window of ``d`` days holds reviews with ``as_of − d days < created_at ≤ as_of``. ``as_of`` defaults to the
    latest review in the whole frame, so every group is measured on the same calendar. Reviews without a date
    count only in the ``all`` row (``window_days`` NA), and ``n_undated`` says how many there were.

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": list("abc"), "rating": [1, 5, 4],
    ...                          "created_at": ["2024-03-31", "2024-03-20", "2023-01-01"]}))
    >>> window_averages(f, by=None)[["window", "n", "average"]].values.tolist()[:2]
    [['last 7 days', 1, 1.0], ['last 30 days', 2, 3.0]]
    """
    if any((not isinstance(d, (int, np.integer))) or d <= 0 for d in windows):
        raise RatingsError(f"windows must be positive whole days, got {list(windows)!r}")
    key = _key_name(by)
    work = _prepare(frame, by, need_dates=True)
    groups = _groups(work, key, by)
    end = _as_of(work, as_of)
    rated = work[work["rating"].notna()]
    index = pd.Index(groups, dtype="string")
    undated = rated[rated["created_at"].isna()].groupby(key).size().reindex(index, fill_value=0)
    parts = []
    specs: list[tuple[str, object, object, pd.Series]] = []
    for d in windows:
        if end is None:
            mask = pd.Series(False, index=rated.index)
            start = pd.NaT
        else:
            start = end - pd.Timedelta(days=int(d))
            mask = (rated["created_at"] > start) & (rated["created_at"] <= end)
        specs.append((f"last {int(d)} days", int(d), start, mask.fillna(False).astype(bool)))
    specs.append(("all time", pd.NA, pd.NaT, pd.Series(True, index=rated.index)))
    for label, days, start, mask in specs:
        agg = rated[mask.to_numpy()].groupby(key)["rating"].agg(["count", "mean"]).reindex(index)
        parts.append(pd.DataFrame({key: index, "window": label, "window_days": days, "start": start, "end": end,
                                   "n": agg["count"].fillna(0).astype("int64").to_numpy(),
                                   "average": agg["mean"].astype("float64").to_numpy(),
                                   "n_undated": undated.to_numpy(), "_order": len(parts)}))
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    rows = rows.sort_values([key, "_order"], kind="stable").drop(columns="_order")
    out = rows[[key, "window", "window_days", "start", "end", "n", "average", "n_undated"]].reset_index(drop=True)
    out[key] = out[key].astype("string")
    out["window_days"] = out["window_days"].astype("Int64")
    out["basis"] = COMPUTED_BASIS
    return out


def _period_frame(work: pd.DataFrame, key: str, freq: str) -> pd.DataFrame:
    keep = (work["created_at"].notna() & work["rating"].notna()).to_numpy(dtype=bool)
    narrow = work.drop(columns=["title"], errors="ignore")  # no trend reads titles: do not take them per row
    dated = narrow.copy(deep=False) if keep.all() else narrow[keep]  # a new frame (copy-on-write) either way
    undated = int((work["created_at"].isna() & work["rating"].notna()).sum())
    if undated:
        log.warning("%d rated review(s) have no date and are left out of the trend", undated)
    dated["period"] = _periods(dated["created_at"], freq)
    return dated


def trend(frame: pd.DataFrame, by: str | None = "product_id", *, freq: str = "M") -> pd.DataFrame:
    """Month by month (``freq="M"``) or week by week (``"W"``): one row per group and period.

    Every calendar period between a group's first and last review is listed, empty ones with ``n = 0``.
    Columns: ``n``, ``average``, ``previous_period`` (the latest earlier period that had reviews) and ``change``
    (``average`` minus that period's average), ``one_star`` and ``one_star_share``, ``cumulative_n`` and
    ``cumulative_average`` (the simple mean of every review up to the end of the period), and, when the frame
    has ``sentiment_score``, ``sentiment_mean`` and ``n_sentiment``. Undated reviews are left out (logged).

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": list("abc"), "rating": [5, 1, 3],
    ...                          "created_at": ["2024-01-03", "2024-01-20", "2024-03-02"]}))
    >>> trend(f, by=None)[["n", "average", "change", "cumulative_average"]].values.tolist()[2]
    [1.0, 3.0, 0.0, 3.0]
    """
    key = _key_name(by)
    dated = _period_frame(_prepare(frame, by, need_dates=True), key, freq)
    return _trend_of(dated, key, _dated_codes(dated, key, by) if not dated.empty else None)


def _trend_of(dated: pd.DataFrame, key: str, coded: tuple[np.ndarray, np.ndarray] | None = None,
              stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`trend` of the rows :func:`_period_frame` prepared (``coded``: the key column's :func:`_key_codes`,
    ``stats``: its :func:`_period_stats`, when the caller has them; neither is changed)."""
    has_sent = "sentiment_score" in dated.columns
    cols = [key, "period", "period_start", "n", "average", "previous_period", "change", "one_star",
            "one_star_share", "cumulative_n", "cumulative_average"] + (["n_sentiment", "sentiment_mean"] if has_sent else [])
    if dated.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
        empty[key] = empty[key].astype("string")
        return empty
    if coded is None:
        coded = _key_codes(dated[key])
    if stats is None:
        stats = _period_stats(dated, key, coded)
    # every calendar period between each group's first and last review, empty ones included
    ordinals = stats["ordinal"]
    lo = ordinals.groupby(stats[key], sort=True).min()
    hi = ordinals.groupby(stats[key], sort=True).max()
    lengths = (hi - lo + 1).to_numpy()
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    full = pd.DataFrame({key: np.repeat(lo.index.to_numpy(dtype=object), lengths),
                         "ordinal": np.repeat(lo.to_numpy(), lengths) + (np.arange(lengths.sum()) - offsets)})
    t = full.merge(stats, on=[key, "ordinal"], how="left")
    t["n"] = t["n"].fillna(0).astype("int64")
    t["star_sum"] = t["star_sum"].fillna(0.0)
    t["one_star"] = t["one_star"].fillna(0).astype("int64")
    periods = pd.PeriodIndex.from_ordinals(t["ordinal"].to_numpy(), freq=dated["period"].dt.freq)
    t["period"] = pd.array(periods.astype(str), dtype="string")
    t["period_start"] = periods.start_time.tz_localize("UTC")
    has = t["n"] > 0
    t["average"] = np.where(has, t["star_sum"] / t["n"].clip(lower=1), np.nan)
    g = t[key]
    filled_avg = t["average"].groupby(g).ffill().groupby(g).shift(1)
    filled_per = t["period"].where(has).groupby(g).ffill().groupby(g).shift(1)
    t["previous_period"] = filled_per.astype("string")
    t["change"] = t["average"] - filled_avg
    t["one_star_share"] = np.where(has, t["one_star"] / t["n"].clip(lower=1), np.nan)
    t["cumulative_n"] = t["n"].groupby(g).cumsum()
    t["cumulative_average"] = t["star_sum"].groupby(g).cumsum() / t["cumulative_n"].clip(lower=1)
    if has_sent:
        sent = pd.to_numeric(dated["sentiment_score"], errors="coerce").astype("float64")
        codes, labels = coded
        ords = np.asarray(dated["period"].array.asi8, dtype=np.int64)
        cells = _period_cells(codes, ords)
        if cells is None:
            sagg = sent.groupby([codes, ords]).agg(["count", "mean"])
            sagg.index.names = ["_k", "ordinal"]
            sagg = sagg.reset_index()
        else:  # one int64 key instead of two: the same groups in the same order, each summed in row order
            cell, lo, span = cells
            sagg = sent.groupby(cell, sort=True).agg(["count", "mean"])
            at = sagg.index.to_numpy(dtype=np.int64)
            sagg = pd.DataFrame({"_k": at // span, "ordinal": at % span + lo, "count": sagg["count"].to_numpy(),
                                 "mean": sagg["mean"].to_numpy()})
        sagg.insert(0, key, labels[sagg["_k"].to_numpy(dtype=np.int64)])
        t = t.merge(sagg.drop(columns="_k"), on=[key, "ordinal"], how="left")
        t["n_sentiment"] = t["count"].fillna(0).astype("int64")
        t["sentiment_mean"] = t["mean"].astype("float64")
    out = t[cols].reset_index(drop=True)
    out[key] = out[key].astype("string")
    return out


def _key_codes(keys: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, labels)``: group keys as integer codes in sorted label order and the labels as Python strings.
    Grouping a million rows on integer codes instead of an object column of strings is several times faster,
    and sorting by code is sorting by label."""
    codes, uniques = pd.factorize(keys, sort=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


#: :func:`_period_stats` counts by ``np.bincount`` over (group, period) cells when there are at most this many
#: cells (or no more than rows); past that, a pandas groupby.
PERIOD_CELLS_MAX: Final[int] = 1 << 22


def _dated_codes(dated: pd.DataFrame, key: str, by: str | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_key_codes` of the dated rows' key column; with ``by=None`` it is the constant ``ALL_GROUP``
    (:func:`_prepare`), so every code is 0 without factorizing a million strings."""
    if by is None and len(dated):
        return np.zeros(len(dated), dtype=np.int64), np.asarray([ALL_GROUP], dtype=object)
    return _key_codes(dated[key])


def _period_cells(codes: np.ndarray, ords: np.ndarray) -> tuple[np.ndarray, int, int] | None:
    """``(cell, lo, span)`` with ``cell = code·span + (ordinal − lo)`` (sorting by cell is sorting by code, then
    period), or ``None`` when a code is missing (-1) or the cells would be too many for counting arrays."""
    if not len(codes) or int(codes.min()) < 0:
        return None
    lo = int(ords.min())
    span = int(ords.max()) - lo + 1
    n_cells = (int(codes.max()) + 1) * span
    if n_cells > max(PERIOD_CELLS_MAX, len(codes)):
        return None
    return codes * span + (ords - lo), lo, span


def _period_stats(dated: pd.DataFrame, key: str, coded: tuple[np.ndarray, np.ndarray] | None = None
                  ) -> pd.DataFrame:
    """Per group and period that has reviews: ``ordinal`` (of the period), ``n``, ``star_sum``, ``one_star``.
    ``coded``: the key column's :func:`_key_codes`, when the caller has them. Counted by ``np.bincount`` over
    (group, period) cells (whole stars: the sums are exact), the cells with reviews in sorted order, as the
    groupby gives them; a missing code or too many cells take the groupby."""
    codes, labels = coded if coded is not None else _key_codes(dated[key])
    ords = np.asarray(dated["period"].array.asi8, dtype=np.int64)
    rating = dated["rating"].astype("float64").to_numpy()
    cells = _period_cells(codes, ords)
    if cells is None:
        tmp = pd.DataFrame({"_k": codes, "ordinal": ords, "rating": rating})
        tmp["is_one"] = (tmp["rating"] == 1).astype("int64")
        stats = tmp.groupby(["_k", "ordinal"], sort=True).agg(n=("rating", "size"), star_sum=("rating", "sum"),
                                                              one_star=("is_one", "sum")).reset_index()
        stats.insert(0, key, labels[stats["_k"].to_numpy(dtype=np.int64)])
        return stats.drop(columns="_k")
    cell, lo, span = cells
    n_cells = (int(codes.max()) + 1) * span
    n = np.bincount(cell, minlength=n_cells)
    star_sum = np.bincount(cell, weights=rating, minlength=n_cells)
    one_star = np.bincount(cell[rating == 1], minlength=n_cells)
    has = np.flatnonzero(n)
    return pd.DataFrame({key: labels[has // span], "ordinal": has % span + lo, "n": n[has].astype(np.int64),
                         "star_sum": star_sum[has].astype(np.float64), "one_star": one_star[has].astype(np.int64)})


def _topic_period_counts(dated: pd.DataFrame, key: str) -> pd.DataFrame:
    """Reviews per group, period and topic (``key, period, topic, n_with_topic``): each ``|``-separated item of
    ``topics`` whose stripped text is not empty, counted once per ``key, period, review_id``.

    The topics cells of a million reviews hold a few hundred distinct topic sets: each distinct cell is split
    once and the rows are counted per group, period and cell, then spread to the cell's topics. That counts a
    review id once per topic only when no ``key, period, review_id`` comes twice among the rows with a topic
    (the store's case: ids are unique per platform); otherwise every row is split and de-duplicated.
    """
    cells = dated["topics"].astype("string").fillna("")
    codes, uniques = pd.factorize(cells)
    items = [list(dict.fromkeys(p for p in str(u).split("|") if p.strip() != "")) for u in uniques]
    n_items = np.array([len(i) for i in items], dtype=np.int64)
    has = n_items[codes] > 0 if len(codes) else np.zeros(0, dtype=bool)
    rows = dated.loc[has, [key, "period", "review_id"]]
    if dated.empty or rows.duplicated().any():  # an id twice in a group and period: counted once per topic
        t = dated[[key, "period", "review_id", "topics"]].copy()
        t["topic"] = t["topics"].astype("string").fillna("").str.split("|")
        t = t.explode("topic")
        t = t[t["topic"].astype("string").str.strip().fillna("") != ""]
        t = t.drop_duplicates([key, "period", "review_id", "topic"])
        return t.groupby([key, "period", "topic"]).size().rename("n_with_topic").reset_index()
    per_cell = pd.DataFrame({key: rows[key], "period": rows["period"], "_c": codes[has]}).groupby(
        [key, "period", "_c"], sort=False).size()
    cell = per_cell.index.get_level_values("_c").to_numpy(dtype=np.int64)
    reps = n_items[cell]
    spread = pd.DataFrame({
        key: per_cell.index.get_level_values(key).repeat(reps),
        "period": per_cell.index.get_level_values("period").repeat(reps),
        "topic": pd.array([t for c in cell for t in items[c]], dtype="str"),  # the dtype the explode gives
        "n": np.repeat(per_cell.to_numpy(dtype=np.int64), reps),
    })
    return spread.groupby([key, "period", "topic"])["n"].sum().rename("n_with_topic").reset_index()


def topic_trend(frame: pd.DataFrame, by: str | None = "product_id", *, freq: str = "M") -> pd.DataFrame:
    """Complaint-topic shares per period: one row per group, period and topic that occurs in it.

    Needs the ``topics`` column from ``topics.tag_topics`` (topic ids joined by ``|``). ``share`` is the share of
    the period's reviews that carry the topic (a review with two topics counts for both), ``n_reviews`` the
    period's review count. Periods without any topic are not listed.

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": list("ab"), "rating": [1, 5], "created_at": "2024-01-02",
    ...                          "topics": ["delivery|price", ""]}))
    >>> topic_trend(f, by=None)[["topic", "share"]].values.tolist()
    [['delivery', 0.5], ['price', 0.5]]
    """
    if "topics" not in frame.columns:
        raise RatingsError("the frame has no 'topics' column; run topics.tag_topics first")
    key = _key_name(by)
    work = _prepare(frame, by, need_dates=True)
    dated = _period_frame(work, key, freq)
    cols = [key, "period", "period_start", "topic", "n_with_topic", "n_reviews", "share"]
    if dated.empty:
        out = pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
        out[key] = out[key].astype("string")
        return out
    totals = dated.groupby([key, "period"]).size().rename("n_reviews")
    counts = _topic_period_counts(dated, key)
    out = counts.merge(totals.reset_index(), on=[key, "period"], how="left")
    out["share"] = out["n_with_topic"] / out["n_reviews"]
    out["period_start"] = out["period"].dt.start_time.dt.tz_localize("UTC")
    out["period"] = out["period"].astype(str).astype("string")
    out[key] = out[key].astype("string")
    out["topic"] = out["topic"].astype("string")
    return out[cols].sort_values([key, "period", "topic"]).reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- alerts

RULE_LOW_AVERAGE: Final[str] = "low_average"
RULE_ONE_STAR_SPIKE: Final[str] = "one_star_spike"


def alerts(
    frame: pd.DataFrame,
    by: str | None = "product_id",
    *,
    freq: str = "M",
    min_average: float = ALERT_MIN_AVERAGE,
    min_reviews: int = ALERT_MIN_REVIEWS,
    k: float = ALERT_SPIKE_K,
    min_rise: float = ALERT_MIN_SPIKE_RISE,
    min_one_stars: int = ALERT_MIN_ONE_STARS,
    baseline_windows: int = ALERT_BASELINE_WINDOWS,
    min_baseline_windows: int = ALERT_MIN_BASELINE_WINDOWS,
) -> pd.DataFrame:
    """Periods that need a look, each with the reviews that caused it and a reason sentence.

    Two named rules, both only for periods with at least ``min_reviews`` reviews:

    - ``low_average``: the period's average is below ``min_average``; ``review_ids`` are its reviews rated below
      ``min_average``.
    - ``one_star_spike``: the period's 1★ share is at least ``baseline + k·sd`` **and** at least
      ``baseline + min_rise``, with at least ``min_one_stars`` 1★ reviews, where ``baseline`` and ``sd`` are the mean and sample standard deviation of the 1★
      share over the previous ``baseline_windows`` periods that had reviews (at least ``min_baseline_windows`` of
      them, else no spike can be judged); ``review_ids`` are the period's 1★ reviews.

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": list("abc"), "rating": [1, 2, 5], "created_at": "2024-05-01"}))
    >>> alerts(f, by=None)[["rule", "review_ids"]].values.tolist()
    [['low_average', 'a|b']]
    """
    if min_reviews < 1:
        raise RatingsError(f"min_reviews must be at least 1, got {min_reviews!r}")
    if k < 0 or min_rise < 0:
        raise RatingsError("k and min_rise must not be negative")
    if baseline_windows < 2 or min_baseline_windows < 2 or min_baseline_windows > baseline_windows:
        raise RatingsError("need 2 ≤ min_baseline_windows ≤ baseline_windows for a standard deviation")
    key = _key_name(by)
    return _alerts_of(_period_frame(_prepare(frame, by, need_dates=True), key, freq), key, freq, min_average,
                      min_reviews, k, min_rise, min_one_stars, baseline_windows, min_baseline_windows)


def _alerts_of(dated: pd.DataFrame, key: str, freq: str, min_average: float, min_reviews: int, k: float,
               min_rise: float, min_one_stars: int, baseline_windows: int, min_baseline_windows: int,
               coded: tuple[np.ndarray, np.ndarray] | None = None, stats: pd.DataFrame | None = None
               ) -> pd.DataFrame:
    """:func:`alerts` of the rows :func:`_period_frame` prepared (parameters checked by the caller; ``coded`` and
    ``stats`` as :func:`_trend_of` takes them; ``stats`` is not changed)."""
    unit = FREQUENCIES[freq]
    rows: list[dict[str, object]] = []
    if not dated.empty:
        if coded is None:
            coded = _key_codes(dated[key])
        # periods with reviews only, sorted by group and period
        st = _period_stats(dated, key, coded) if stats is None else stats.copy()
        st["average"] = st["star_sum"] / st["n"]
        st["share"] = st["one_star"] / st["n"]
        prev = st.groupby(key, sort=False)["share"].shift(1)
        roll = prev.groupby(st[key], sort=False).rolling(baseline_windows, min_periods=min_baseline_windows)
        st["baseline"] = roll.mean().reset_index(level=0, drop=True).sort_index()
        st["baseline_sd"] = roll.std(ddof=1).reset_index(level=0, drop=True).sort_index()
        st["n_baseline"] = prev.notna().astype("int64").groupby(st[key], sort=False).rolling(
            baseline_windows, min_periods=1).sum().reset_index(level=0, drop=True).sort_index()
        st["threshold"] = np.maximum(st["baseline"] + k * st["baseline_sd"], st["baseline"] + min_rise)
        enough = st["n"] >= min_reviews
        low = enough & (st["average"] < min_average)
        spike = (enough & st["baseline"].notna() & (st["share"] >= st["threshold"] - _CEIL_EPS)
                 & (st["one_star"] >= min_one_stars))
        fired = st[low | spike]
        if len(fired):
            ords = dated["period"].array.asi8
            # only the reviews of the fired periods become Python objects (rows in order, as the merge keeps them)
            codes, labels = coded
            label_code = {lab: i for i, lab in enumerate(labels)}
            span = int(ords.max() - ords.min()) + 1
            row_key = codes * span + (ords - ords.min())
            fired_key = (np.asarray([label_code.get(g, -1) for g in fired[key]], dtype=np.int64) * span
                         + (fired["ordinal"].to_numpy(dtype=np.int64) - ords.min()))
            pick = np.isin(row_key, fired_key)
            revs = pd.DataFrame({key: dated[key][pick].to_numpy(dtype=object), "ordinal": ords[pick],
                                 "review_id": dated["review_id"][pick].to_numpy(dtype=object),
                                 "rating": dated["rating"].astype("float64").to_numpy()[pick]})
            revs = revs.merge(fired[[key, "ordinal"]], on=[key, "ordinal"], how="inner")
            below = revs[revs["rating"] < min_average].groupby([key, "ordinal"])["review_id"].agg(_joined)
            ones = revs[revs["rating"] == 1].groupby([key, "ordinal"])["review_id"].agg(_joined)
            fired_periods = pd.PeriodIndex.from_ordinals(fired["ordinal"].to_numpy(), freq=dated["period"].dt.freq)
            for r, period, is_low, is_spike in zip(fired.itertuples(index=False), fired_periods, low[fired.index],
                                                   spike[fired.index]):
                g = r[0]  # the group key is the first column of the stats
                common = {key: g, "period": str(period), "period_start": period.start_time.tz_localize("UTC"),
                          "n": int(r.n), "average": float(r.average), "one_star_share": float(r.share)}
                if is_low:
                    ids = below.get((g, r.ordinal), "")
                    n_ids = len(ids.split("|")) if ids else 0
                    rows.append({**common, "rule": RULE_LOW_AVERAGE, "baseline": float("nan"),
                                 "baseline_sd": float("nan"), "threshold": float(min_average), "review_ids": ids,
                                 "reason": (f"{g}: the {unit} {period} averaged {r.average:.2f} over {int(r.n)} "
                                            f"reviews, below the alert level {min_average:g}; {n_ids} review(s) "
                                            f"rated below it")})
                if is_spike:
                    rows.append({**common, "rule": RULE_ONE_STAR_SPIKE, "baseline": float(r.baseline),
                                 "baseline_sd": float(r.baseline_sd), "threshold": float(r.threshold),
                                 "review_ids": ones.get((g, r.ordinal), ""),
                                 "reason": (f"{g}: 1★ share in the {unit} {period} was {r.share:.0%} "
                                            f"({int(r.one_star)} of {int(r.n)}), against {r.baseline:.0%} ± "
                                            f"{r.baseline_sd:.0%} over the previous {int(r.n_baseline)} {unit}s with "
                                            f"reviews; the rule fires at {r.threshold:.0%} "
                                            f"(baseline + max({k:g}·sd, {min_rise:.0%}))")})
    cols = [key, "period", "period_start", "rule", "n", "average", "one_star_share", "baseline", "baseline_sd",
            "threshold", "review_ids", "reason"]
    out = pd.DataFrame(rows, columns=cols)
    out[key] = out[key].astype("string")
    return out.sort_values([key, "period", "rule"], kind="stable").reset_index(drop=True)


def trend_and_alerts(frame: pd.DataFrame, by: str | None = "product_id", *, freq: str = "M"
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(trend(frame, by, freq=freq), alerts(frame, by, freq=freq))`` with the rows prepared and put into periods
    once (the dashboard's overview shows both; at a million reviews each preparation is a tenth of a second).

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": list("abc"), "rating": [1, 2, 5], "created_at": "2024-05-01"}))
    >>> t, a = trend_and_alerts(f, by=None)
    >>> t["n"].tolist(), a["rule"].tolist()
    ([3], ['low_average'])
    """
    key = _key_name(by)
    dated = _period_frame(_prepare(frame, by, need_dates=True), key, freq)
    coded = _dated_codes(dated, key, by)  # the key column coded once, the periods counted once, for both
    stats = _period_stats(dated, key, coded) if not dated.empty else None
    return _trend_of(dated, key, coded, stats), _alerts_of(
        dated, key, freq, ALERT_MIN_AVERAGE, ALERT_MIN_REVIEWS, ALERT_SPIKE_K, ALERT_MIN_SPIKE_RISE,
        ALERT_MIN_ONE_STARS, ALERT_BASELINE_WINDOWS, ALERT_MIN_BASELINE_WINDOWS, coded, stats)


# ----------------------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class RatingsReport:
    """The ratings frames for one selection of reviews, as the CLI and notebook show them."""

    summary: pd.DataFrame
    drag: pd.DataFrame
    drag_summary: pd.DataFrame
    costliest: pd.DataFrame
    what_if: pd.DataFrame | None
    targets: pd.DataFrame
    windows: pd.DataFrame
    note: str


def ratings_report(
    frame: pd.DataFrame,
    *,
    by: str | None = None,
    target: float = DEFAULT_TARGET,
    hits: pd.DataFrame | None = None,
    displayed: Displayed = None,
    top: int = 10,
) -> RatingsReport:
    """All ratings frames in one call (what ``reviewtools ratings`` prints).

    ``hits`` is the frame from ``rules.check_reviews``; without it ``what_if`` is None and ``note`` says so.

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": ["a", "b"], "rating": [5, 1], "created_at": "2024-01-01"}))
    >>> int(ratings_report(f).targets.loc[0, "five_stars_needed"])  # ceil(2·(4.5 − 3)/(5 − 4.5))
    6
    """
    _check_target_range(target)
    windows = window_averages(frame, by) if "created_at" in frame.columns else pd.DataFrame()
    return RatingsReport(
        summary=rating_summary(frame, by, displayed=displayed),
        drag=drag(frame, by, target=target),
        drag_summary=drag_summary(frame, by, target=target),
        costliest=review_drag(frame, by).head(top),
        what_if=what_if(frame, hits, by=by, displayed=displayed) if hits is not None else None,
        targets=targets(frame, target, by, displayed=displayed),
        windows=windows,
        note="" if hits is not None else "what-if not computed: no guideline hits were given",
    )


__all__ = [
    "STARS",
    "LOW_STARS",
    "ALL_GROUP",
    "SCOPE_COLUMN",
    "UNKNOWN_GROUP",
    "COMPUTED_BASIS",
    "DISPLAYED_BASIS",
    "DEFAULT_TARGET",
    "WINDOW_DAYS",
    "RATE_WINDOW_DAYS",
    "DAYS_PER_MONTH",
    "ALERT_MIN_AVERAGE",
    "ALERT_MIN_REVIEWS",
    "ALERT_SPIKE_K",
    "ALERT_MIN_SPIKE_RISE",
    "ALERT_MIN_ONE_STARS",
    "ALERT_BASELINE_WINDOWS",
    "ALERT_MIN_BASELINE_WINDOWS",
    "FREQUENCIES",
    "RULE_LOW_AVERAGE",
    "RULE_ONE_STAR_SPIKE",
    "SCENARIO_HITS",
    "SCENARIO_CHOSEN",
    "RatingsReport",
    "SummaryFrames",
    "rating_summary",
    "drag",
    "drag_summary",
    "review_drag",
    "removable_review_ids",
    "keys_in",
    "what_if",
    "summary_frames",
    "five_stars_needed",
    "five_stars_per_one_star",
    "targets",
    "window_averages",
    "trend",
    "topic_trend",
    "trend_and_alerts",
    "alerts",
    "ratings_report",
]
