"""The rating maths on group positions (np.bincount instead of pandas groupbys on the key column, a constant Arrow
key column for ``by=None``, the rating check on numpy arrays, trend and alerts from one table of period stats)
equal their definitions before (tests/_ratings_ref21.py, a frozen copy of the module): every result frame equal
with its dtypes, on random frames with missing ratings, dates, ids and group keys, one row and none."""

from __future__ import annotations

import datetime as dt

import numpy as np

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import _ratings_ref21 as ref
from _depth import examples
from reviewtools import ratings

DAYS = [dt.datetime(1969, 12, 31, 23), dt.datetime(1970, 1, 1), dt.datetime(2023, 12, 31, 23, 59),
        dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 7), dt.datetime(2024, 2, 29, 12), dt.datetime(2024, 3, 4),
        dt.datetime(2024, 5, 20), dt.datetime(2024, 6, 30), dt.datetime(2024, 9, 1), dt.datetime(2025, 1, 5)]

row = st.fixed_dictionaries({
    "review_id": st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "e", "f"])),
    "platform": st.sampled_from(["amazon", "google", None]),
    "product_id": st.sampled_from(["P1", "P2", "P3", "", None]),
    "rating": st.sampled_from([1, 2, 3, 4, 5, None]),
    "created_at": st.one_of(st.none(), st.sampled_from(DAYS)),
    "sentiment_score": st.one_of(st.none(), st.floats(-1, 1, allow_nan=False), st.just(float("nan"))),
    "title": st.sampled_from(["t", None]),
    "topics": st.sampled_from(["", "delivery", "delivery|price", " |price", None]),
})


def _frame(rows: list[dict], unique: bool, reverse_index: bool) -> pd.DataFrame:
    cols = ["review_id", "platform", "product_id", "rating", "created_at", "sentiment_score", "title", "topics"]
    f = pd.DataFrame(rows, columns=cols)
    if unique:
        f["review_id"] = [f"r{i}" for i in range(len(f))]
    for c in ("review_id", "platform", "product_id", "title", "topics"):
        f[c] = f[c].astype("string")
    f["rating"] = pd.array(f["rating"].tolist(), dtype="Int64")
    f["created_at"] = pd.to_datetime(f["created_at"], utc=True)
    f["sentiment_score"] = f["sentiment_score"].astype("float64")
    if reverse_index:
        f.index = list(range(len(f)))[::-1]
    return f


frames = st.builds(_frame, st.lists(row, max_size=30), st.booleans(), st.booleans())
bys = st.sampled_from([None, "product_id", "platform"])


def _filled(f: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """With ``by="platform"``, ``f`` with its missing platforms as "(unknown)": the reference (before the fix that
    shows them so) is compared on such frames; test_missing_platform_is_the_unknown_group covers the rest."""
    if by != "platform" or "platform" not in f.columns:
        return f
    return f.assign(platform=f["platform"].astype("string").fillna(ratings.UNKNOWN_GROUP))


def _same(call):
    """``call(module)`` on the new module and on the reference: equal frames (or tuples of them), or the same
    error of the same type."""
    try:
        want = call(ref)
    except Exception as exc:  # noqa: BLE001 - the same error, whatever it is (by="platform", no platform: IndexError)
        with pytest.raises(type(exc)) as got:
            call(ratings)
        assert str(got.value) == str(exc)
        return
    got = call(ratings)
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
        pd.testing.assert_frame_equal(g, w)


@settings(max_examples=examples(13), deadline=None)
@given(frames, bys)
def test_summary_drag_and_drag_summary_equal_the_groupbys(f, by):
    f = _filled(f, by)
    before = f.copy()
    _same(lambda m: m.rating_summary(f, by))
    _same(lambda m: m.rating_summary(f, by, prior_mean=4.0, prior_weight=2.0))
    _same(lambda m: m.drag(f, by, target=4.5))
    _same(lambda m: m.drag_summary(f, by))
    pd.testing.assert_frame_equal(f, before)  # the input is not changed


@settings(max_examples=examples(25), deadline=None)
@given(frames, st.floats(1.0, 5.0).map(lambda x: round(x, 1)))
def test_displayed_figures_equal_the_groupbys(f, shown):
    _same(lambda m: m.rating_summary(f, by=None, displayed={m.ALL_GROUP: (shown, 40)}))
    _same(lambda m: m.targets(f, 4.5, by=None, displayed={m.ALL_GROUP: (shown, 40)}))


@settings(max_examples=examples(35), deadline=None)
@given(frames, bys, st.sampled_from([4.5, 4.0, 3.2, 5.0]), st.one_of(st.none(), st.sampled_from(DAYS)))
def test_targets_equal_the_groupbys(f, by, target, as_of):
    f = _filled(f, by)
    _same(lambda m: m.targets(f, target, by, as_of=as_of))
    _same(lambda m: m.targets(f, target, by, rate_window_days=400))


@settings(max_examples=examples(20), deadline=None)
@given(frames, bys, st.data())
def test_what_if_equals_the_groupbys(f, by, data):
    f = _filled(f, by)
    n = len(f)
    flags = (data.draw(st.lists(st.booleans(), min_size=n, max_size=n)),
             data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    chosen = data.draw(st.lists(st.sampled_from(["a", "b", "r0", "r3", "zz"]), max_size=3))
    _same(lambda m: m.what_if(f, hit_flags=flags, by=by))
    _same(lambda m: m.what_if(f, remove_ids=chosen, by=by))
    _same(lambda m: m.what_if(f, hit_flags=flags, remove_ids=chosen, by=by))


@settings(max_examples=examples(40), deadline=None)
@given(frames, bys, st.one_of(st.none(), st.integers(0, 5)))
def test_review_drag_equals_the_groupbys(f, by, top):
    f = _filled(f, by)
    _same(lambda m: m.review_drag(f, by, top=top))


@settings(max_examples=examples(10), deadline=None)
@given(frames, bys, st.sampled_from(["M", "W"]))
def test_trend_and_alerts_equal_the_groupbys(f, by, freq):
    f = _filled(f, by)
    _same(lambda m: m.trend_and_alerts(f, by, freq=freq))
    _same(lambda m: m.trend(f, by, freq=freq))
    _same(lambda m: m.alerts(f, by, freq=freq, min_reviews=1, min_one_stars=1, k=0.5, min_rise=0.0,
                             baseline_windows=3, min_baseline_windows=2))
    _same(lambda m: m.window_averages(f, by))
    _same(lambda m: m.topic_trend(f, by, freq=freq))


def test_empty_and_one_row_frames():
    f = _frame([], True, False)
    one = _frame([{"review_id": "a", "platform": None, "product_id": None, "rating": 4, "created_at": DAYS[3],
                   "sentiment_score": 0.5, "title": None, "topics": "price"}], False, False)
    for g in (f, one):
        for by in (None, "product_id"):
            _same(lambda m: m.rating_summary(g, by))
            _same(lambda m: m.drag_summary(g, by))
            _same(lambda m: m.targets(g, 4.5, by))
            _same(lambda m: m.what_if(g, hit_flags=([True] * len(g), [True] * len(g)), by=by))
            _same(lambda m: m.trend_and_alerts(g, by))
            _same(lambda m: m.review_drag(g, by, top=3))


@pytest.mark.parametrize("bad", [0, 6, 2.5, float("nan"), float("inf"), "x", "4"])
def test_a_bad_rating_raises_the_same_error(bad):
    f = pd.DataFrame({"review_id": ["a", "b", "c"], "rating": pd.array([5, bad, None], dtype=object)})
    _same(lambda m: m.rating_summary(f, by=None))
    _same(lambda m: m.drag(f, by=None))


def test_constant_key_column_is_the_string_column():
    got = ratings._constant_text(ratings.ALL_GROUP, 3)
    want = pd.Series(ratings.ALL_GROUP, index=range(3)).astype("string").array
    pd.testing.assert_extension_array_equal(got, want)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-(2**62), 2**62)), max_size=40),
       st.sampled_from(["ns", "us", "ms", "s"]))
def test_month_periods_equal_to_period(ticks, unit):
    """_periods(..., "M") from numpy day numbers equals to_period("M") of the naive UTC times, NaT kept."""
    lim = {"ns": 2**62, "us": 2**55, "ms": 2**45, "s": 2**35}[unit]  # inside what pandas can show as a date
    vals = np.array([np.iinfo(np.int64).min if t is None else t % lim - lim // 2 for t in ticks], dtype=np.int64)
    created = pd.Series(pd.DatetimeIndex(vals.view(f"datetime64[{unit}]")).tz_localize("UTC"), name="created_at")
    want = created.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    pd.testing.assert_series_equal(ratings._periods(created, "M"), want)
    pd.testing.assert_series_equal(ratings._periods(created, "W"), ref._periods(created, "W"))


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, -0.0, 0.5, -0.25, 1e-300, float("nan"), 2.0]),
                          st.sampled_from(["P1", "P2", "P10", "(unknown)", ""])), max_size=30),
       st.one_of(st.none(), st.integers(0, 35)))
def test_drag_order_equals_the_two_column_sort(rows, top):
    """review_drag's order by lexsort on (missing, -contribution, group position) equals sort_values of the two
    columns, descending contribution with missing last, then key, then row: ties, -0.0 and NaN included; its
    first ``top`` rows from the partitioned candidates too."""
    f = pd.DataFrame(rows, columns=["contribution", "k"]).astype({"contribution": "float64", "k": "string"})
    groups, pos = ratings._groups_at(f, "k", "k")
    want = f.sort_values(["contribution", "k"], ascending=[False, True], na_position="last",
                         kind="stable").index.to_numpy()
    assert ratings._drag_order(f["contribution"].to_numpy(), pos).tolist() == want.tolist()
    got = ratings._drag_order(f["contribution"].to_numpy(), pos, top)
    assert got.tolist() == (want if top is None else want[:top]).tolist()
    assert groups == sorted(f["k"].dropna().unique().tolist())


@pytest.mark.parametrize("tz", ["UTC", "zoneinfo", "Europe/Paris"])
@pytest.mark.parametrize("unit", ["ns", "s"])
def test_created_at_of_any_aware_dtype_as_before(tz, unit):
    """_prepare keeps a created_at column already of to_datetime(utc=True)'s dtype and tz object, and converts
    any other (a ZoneInfo("UTC") column becomes timezone.utc, as before): targets' as_of shows it."""
    import zoneinfo

    f = _frame([{"review_id": "a", "platform": None, "product_id": "P1", "rating": 4, "created_at": DAYS[3],
                 "sentiment_score": 0.1, "title": None, "topics": ""},
                {"review_id": "b", "platform": None, "product_id": "P1", "rating": 2, "created_at": DAYS[5],
                 "sentiment_score": None, "title": None, "topics": ""}], False, False)
    zone = zoneinfo.ZoneInfo("UTC") if tz == "zoneinfo" else tz
    f["created_at"] = f["created_at"].dt.tz_convert(zone).dt.as_unit(unit)
    _same(lambda m: m.targets(f, 4.5, by=None))
    _same(lambda m: m.trend_and_alerts(f, by=None))
    got, want = ratings._prepare(f, None)["created_at"], ref._prepare(f, None)["created_at"]
    pd.testing.assert_series_equal(got, want)
    assert got.dtype.tz is want.dtype.tz
    as_of = ratings.targets(f, 4.5, by=None)["as_of"].iloc[0]
    assert as_of.tzinfo is ref.targets(f, 4.5, by=None)["as_of"].iloc[0].tzinfo


@pytest.mark.parametrize("dtype", ["Int64", "Int8", "float64", "Float64", "int64", "int64[pyarrow]", "double[pyarrow]",
                                   "object", "string", "str", "bool", "boolean"])
def test_rating_columns_of_any_dtype_as_before(dtype):
    """_prepare converts a numeric rating column by astype("Float64") alone (to_numeric returns numbers as they
    are): the same frames, and the same errors, for every dtype a rating column may have."""
    values = {"bool": [True, False, True], "boolean": [True, None, False]}.get(dtype, [5, 1, None])
    if dtype in ("int64", "Int8") or dtype.startswith("int64["):
        values = [5, 1, 3]
    try:
        col = pd.Series(values, dtype=dtype) if dtype not in ("string", "str") else pd.Series(
            [None if v is None else str(v) for v in values], dtype=dtype)
    except (TypeError, ValueError):
        pytest.skip(f"no {dtype} column of {values}")
    f = pd.DataFrame({"review_id": ["a", "b", "c"], "rating": col})
    _same(lambda m: m.rating_summary(f, by=None))
    _same(lambda m: m.drag(f, by=None))


hit_rows = st.lists(st.fixed_dictionaries({
    "review_id": st.sampled_from(["a", "b", "r0", "r2", "zz", None]),
    "platform": st.sampled_from(["amazon", "google", None]),
    "rule_id": st.sampled_from(["R1", "R2", None]),
    "outcome": st.sampled_from(["hit", "not_run", "miss"]),
    "removal_basis": st.booleans(),
    "strength": st.sampled_from(["strong", "weak"]),
}), max_size=8)


@settings(max_examples=examples(12), deadline=None)
@given(frames, bys, st.data())
def test_summary_frames_equal_the_calls_one_after_the_other(f, by, data):
    """ratings.summary_frames (one preparation) equals rating_summary, drag, drag_summary and what_if of the
    reference, with hit_flags, a hits frame or neither; the same errors."""
    f = _filled(f, by)
    n = len(f)
    kind = data.draw(st.sampled_from(["none", "flags", "hits"]))
    flags = (data.draw(st.lists(st.booleans(), min_size=n, max_size=n)),
             data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    hits = _filled(pd.DataFrame(data.draw(hit_rows), columns=["review_id", "platform", "rule_id", "outcome",
                                                               "removal_basis", "strength"]), by)

    def new(m):
        if m is ref:  # one after the other, as summary_frames documents
            out = (ref.rating_summary(f, by), ref.drag(f, by), ref.drag_summary(f, by))
            w = (None if kind == "none" else ref.what_if(f, hit_flags=flags, by=by) if kind == "flags"
                 else ref.what_if(f, hits, by=by))
            return out + ((w,) if w is not None else ())
        s = ratings.summary_frames(f, by, hit_flags=flags if kind == "flags" else None,
                                   hits=hits if kind == "hits" else None)
        assert (s.what_if is None) == (kind == "none")
        return (s.summary, s.drag, s.drag_summary) + ((s.what_if,) if s.what_if is not None else ())

    _same(new)


@settings(max_examples=examples(5), deadline=None)
@given(frames, st.data())
def test_missing_platform_is_the_unknown_group(f, data):
    """With ``by="platform"`` a review without a platform counts in the "(unknown)" group, as every other group key
    does (it used to drop out of the groups, and review_drag and the period stats read another group's figures
    for it): every result equals that of the frame with "(unknown)" written in, and a hit without a platform
    matches a review without one."""
    g = _filled(f, "platform")
    n = len(f)
    flags = (data.draw(st.lists(st.booleans(), min_size=n, max_size=n)),
             data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    hits = pd.DataFrame(data.draw(hit_rows), columns=["review_id", "platform", "rule_id", "outcome", "removal_basis",
                                                      "strength"])
    hits_g = _filled(hits, "platform")
    calls = [
        lambda x, h: ratings.rating_summary(x, "platform"),
        lambda x, h: ratings.drag(x, "platform", target=4.5),
        lambda x, h: ratings.drag_summary(x, "platform"),
        lambda x, h: ratings.targets(x, 4.5, "platform"),
        lambda x, h: ratings.what_if(x, hit_flags=flags, by="platform"),
        lambda x, h: ratings.what_if(x, h, by="platform"),
        lambda x, h: ratings.review_drag(x, "platform"),
        lambda x, h: ratings.trend_and_alerts(x, "platform"),
        lambda x, h: ratings.window_averages(x, "platform"),
        lambda x, h: ratings.topic_trend(x, "platform"),
        lambda x, h: (lambda s: (s.summary, s.drag, s.drag_summary, s.what_if))(
            ratings.summary_frames(x, "platform", hits=h)),
    ]
    for call in calls:
        try:
            want = call(g, hits_g)
        except Exception as exc:  # noqa: BLE001 - the same error either way
            with pytest.raises(type(exc)):
                call(f, hits)
            continue
        got = call(f, hits)
        for a, b in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            pd.testing.assert_frame_equal(a, b)
    if f["platform"].isna().any() and f["rating"].notna().any():
        assert ratings.UNKNOWN_GROUP in set(ratings.rating_summary(f, "platform")["platform"])


def test_a_hit_without_platform_matches_its_review_by_platform():
    """what_if(by="platform"): a strong removal-basis hit without a platform removes the review without one (the
    "(unknown)" group), as it does with by=None; so does a check that did not run."""
    f = _frame([{"review_id": "a", "platform": None, "product_id": "P1", "rating": 1, "created_at": DAYS[3],
                 "sentiment_score": None, "title": None, "topics": ""},
                {"review_id": "b", "platform": "amazon", "product_id": "P1", "rating": 5, "created_at": DAYS[4],
                 "sentiment_score": None, "title": None, "topics": ""}], False, False)
    hits = pd.DataFrame({"review_id": ["a", "a"], "platform": pd.array([None, None], dtype="string"),
                         "rule_id": ["R1", "R2"], "outcome": ["hit", "not_run"], "removal_basis": [True, False],
                         "strength": ["strong", "weak"]})
    for by in (None, "platform"):
        w = ratings.what_if(f, hits, by=by)
        row = w[w[ratings._key_name(by)] == (ratings.UNKNOWN_GROUP if by else ratings.ALL_GROUP)].iloc[0]
        assert (int(row["n_removed"]), int(row["n_checks_not_run"])) == (1, 1), (by, row.to_dict())
        assert row["note"] == ""
