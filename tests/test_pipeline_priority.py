"""``pipeline._priority`` (per-distinct-value parts, vectorised sum) gives exactly the scores and reason strings
of the per-row loop it replaced (kept below as the reference, verbatim apart from its name)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_extension_array_equal

from reviewtools import pipeline
from reviewtools.pipeline import (
    DRAG_FULL_AT,
    DRAG_POINTS,
    HELPFUL_FULL_AT,
    HELPFUL_POINTS,
    MAX_RATING,
    RATING_POINTS,
    RECENCY_HALF_LIFE_DAYS,
    RECENCY_POINTS,
    _priority,
)


def _reference_block(rating: pd.Series, created: pd.Series, votes: pd.Series, key: pd.Series, mean: pd.Series,
                     count: pd.Series, ref: Any) -> tuple[list[float], list[str]]:
    """The per-row loop of ``_priority_block`` before the per-distinct-value rewrite (commit aaa28b0)."""
    scores: list[float] = []
    reasons: list[str] = []
    ratings_l, created_l, votes_l = rating.tolist(), created.tolist(), votes.tolist()
    key_l, mean_l, count_l = key.tolist(), mean.tolist(), count.tolist()
    for i in range(len(ratings_l)):
        pts, why = 0.0, []
        r = ratings_l[i]
        if pd.notna(r):
            p = RATING_POINTS * (MAX_RATING - float(r)) / (MAX_RATING - 1)
            pts += p
            why.append(f"rated {int(r)}★ (+{p:.1f})")
        else:
            why.append("rating unknown (+0)")
        c = created_l[i]
        if pd.notna(c) and pd.notna(ref):
            days = max(0.0, (ref - c).total_seconds() / 86400)
            p = RECENCY_POINTS * 0.5 ** (days / RECENCY_HALF_LIFE_DAYS)
            pts += p
            why.append(f"{days:.0f} days before the newest review (+{p:.1f})")
        else:
            why.append("date unknown (+0)")
        v = votes_l[i]
        if pd.notna(v) and v > 0:
            p = HELPFUL_POINTS * min(1.0, math.log1p(float(v)) / math.log1p(HELPFUL_FULL_AT))
            pts += p
            why.append(f"{int(v)} helpful votes (+{p:.1f})")
        else:
            why.append("no helpful votes (+0)" if pd.notna(v) else "helpful votes unknown (+0)")
        k, m, cnt = key_l[i], mean_l[i], count_l[i]
        if pd.isna(k) or pd.isna(r) or pd.isna(m):
            why.append("product unknown, drag not computed (+0)")
        elif cnt < 2:
            why.append("only review of its product, drag not computed (+0)")
        else:
            drag = (float(m) - float(r)) / (float(cnt) - 1)
            p = DRAG_POINTS * min(1.0, max(0.0, drag) / DRAG_FULL_AT)
            pts += p
            verb = "pulls" if drag > 0 else "lifts"
            why.append(f"{verb} its product's average ({m:.2f}★ over {int(cnt)} reviews) by {abs(drag):.3f}★ (+{p:.1f})")
        scores.append(round(pts, 1))
        reasons.append(f"{pts:.1f} = " + ", ".join(why))
    return scores, reasons


def _run(frame: pd.DataFrame, as_of: pd.Timestamp | None) -> Any:
    try:
        return _priority(frame, as_of)
    except (OverflowError, ValueError, TypeError) as exc:  # spans too long for a Timedelta, etc.: fail alike
        return type(exc)


def _both(frame: pd.DataFrame, as_of: pd.Timestamp | None, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    new = _run(frame, as_of)
    with monkeypatch.context() as mp:
        mp.setattr(pipeline, "_priority_block", _reference_block)
        old = _run(frame, as_of)
    return new, old


def _assert_same(new: Any, old: Any) -> None:
    if isinstance(new, type) or isinstance(old, type):
        assert new is old, (new, old)
        return
    assert_extension_array_equal(new[0], old[0])
    # bit-identical floats (assert_extension_array_equal compares values; the bits catch a -0.0 or an ulp)
    a = np.asarray(new[0].to_numpy(dtype="float64", na_value=np.nan)).view("int64")
    b = np.asarray(old[0].to_numpy(dtype="float64", na_value=np.nan)).view("int64")
    assert (a == b).all()
    assert_extension_array_equal(new[1], old[1])


_RATING = st.one_of(st.none(), st.integers(1, 5), st.sampled_from([0, 6, -0.0, 0.5, 2.5, 4.99, 1e6]))
_VOTES = st.one_of(st.none(), st.integers(0, 3), st.integers(0, 10**6), st.sampled_from([49, 50, 51, 0.5, 10**15]))
_SECONDS = st.one_of(st.none(), st.integers(0, 5 * 365 * 86400), st.integers(-10**9, 4 * 10**9))
_PRODUCT = st.one_of(st.none(), st.sampled_from(["A", "B", "C", "solo1", "solo2"]))


@st.composite
def _frames(draw: Any) -> pd.DataFrame:
    n = draw(st.integers(1, 40))
    base = pd.Timestamp("2020-01-01", tz="UTC")
    rows = []
    for _ in range(n):
        secs = draw(_SECONDS)
        rows.append({
            "platform": draw(st.sampled_from(["amazon", "yelp", None])),
            "product_id": draw(_PRODUCT),
            "rating": draw(_RATING),
            "created_at": None if secs is None else (base + pd.Timedelta(seconds=secs)).isoformat(),
            "helpful_votes": draw(_VOTES),
        })
    return pd.DataFrame(rows)


_AS_OF = st.one_of(st.none(), st.sampled_from([pd.Timestamp("2026-11-26T12:00:00Z"),
                                               pd.Timestamp("2019-06-01", tz="UTC"),
                                               pd.Timestamp("2024-02-29T23:59:59.123456789Z")]))


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=_frames(), as_of=_AS_OF)
def test_priority_identical_to_the_per_row_loop(frame: pd.DataFrame, as_of: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same(*_both(frame, as_of, monkeypatch))


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_identical_at_every_time_resolution_and_long_spans(unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # spans beyond 2**53 ticks (about 104 days in ns), where a float64 division would be an ulp off; overflowing ones
    created = pd.Series(pd.to_datetime(["1700-01-01T00:00:01", "2000-05-05T05:05:05.123", "2024-01-01",
                                        "2024-03-31T23:59:59", None, "2262-01-01"], utc=True, format="ISO8601")).astype(
                                            f"datetime64[{unit}, UTC]")
    frame = pd.DataFrame({"platform": ["amazon"] * 6, "product_id": ["A", "A", "B", "B", "B", None],
                          "rating": [1, 5, 3, 2, 4, 1], "created_at": created,
                          "helpful_votes": [0, 1, 2, 3, 4, 5]})
    ran = 0
    for as_of in (None, pd.Timestamp("2024-04-01T00:00:00.000000001Z"), pd.Timestamp("1650-01-01", tz="UTC"),
                  pd.Timestamp("2262-02-01T00:00:00", tz="UTC").as_unit(unit)):
        new, old = _both(frame, as_of, monkeypatch)
        _assert_same(new, old)
        ran += not isinstance(new, type)
        new, old = _both(frame.iloc[1:5], as_of, monkeypatch)  # 2000-2024 and a missing date: no overflow
        _assert_same(new, old)
        ran += not isinstance(new, type)
    assert ran >= 1  # not every combination overflowed


def test_nullable_dtypes_and_all_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.DataFrame({
        "platform": pd.array(["amazon", None, "yelp", "yelp"], dtype="string"),
        "product_id": pd.array(["A", "A", None, "Z"], dtype="string"),
        "rating": pd.array([2, None, 5, 10**17 + 1], dtype="Int64"),
        "created_at": [None, None, None, None],
        "helpful_votes": pd.array([None, 0, 7, 10**17 + 3], dtype="Int64"),
    })
    _assert_same(*_both(frame, None, monkeypatch))
    _assert_same(*_both(frame.iloc[:0], None, monkeypatch))


def test_many_rows_span_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(8)
    n = 2 * pipeline.RECORD_BLOCK + 17
    frame = pd.DataFrame({
        "platform": rng.choice(["amazon", "google"], n),
        "product_id": rng.integers(0, n // 3, n).astype(str),
        "rating": np.where(rng.random(n) < 0.05, np.nan, rng.integers(1, 6, n)),
        "created_at": pd.Timestamp("2021-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 10**8, n), unit="s"),
        "helpful_votes": np.where(rng.random(n) < 0.05, np.nan, rng.geometric(0.3, n) - 1),
    })
    _assert_same(*_both(frame, None, monkeypatch))


def test_input_not_mutated() -> None:
    frame = pd.DataFrame({"platform": ["amazon"] * 3, "product_id": ["A", "A", "B"], "rating": [1, 5, 3],
                          "created_at": ["2024-01-01", "2024-01-02", None], "helpful_votes": [0, 3, None]})
    before = frame.copy()
    scores, reasons = _priority(frame, None)
    pd.testing.assert_frame_equal(frame, before)
    assert list(reasons)[0].startswith(f"{scores[0]:.1f} = rated 1★ (+40.0), 1 days before the newest review")


def test_half_way_sums_round_as_python_does(monkeypatch: pytest.MonkeyPatch) -> None:
    # sums a hair either side of x.x5, where numpy's round (scale, rint, unscale) and Python's correctly rounded
    # round(x, 1) disagree: e.g. 3.3499999999999996 -> 3.3 (numpy 3.4), 6.65 -> 6.7 (numpy 6.6)
    ratings = [4.665, 4.335, 4.295, 4.205, 4.165, 4.0, None]
    frame = pd.DataFrame({"platform": ["amazon"] * len(ratings), "product_id": [f"p{i}" for i in range(len(ratings))],
                          "rating": ratings, "created_at": [None] * len(ratings), "helpful_votes": [0] * len(ratings)})
    new, old = _both(frame, None, monkeypatch)
    _assert_same(new, old)
    assert list(new[0][:2]) == [3.3, 6.7]


def _concat_or_error(inputs: Any, bounds: list[int]) -> Any:
    try:
        parts = [pipeline._priority_rows(inputs, a, b) for a, b in zip(bounds, bounds[1:])]
    except (OverflowError, ValueError, TypeError) as exc:
        return type(exc)
    return (pipeline._concat_arrays([p[0] for p in parts], "Float64"),
            pipeline._concat_arrays([p[1] for p in parts], "string"))


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=_frames(), as_of=_AS_OF, cuts=st.lists(st.integers(1, 39), max_size=6))
def test_priority_of_any_cut_into_blocks_equals_the_whole(frame: pd.DataFrame, as_of: Any, cuts: list[int]) -> None:
    """What a decision worker scores (``_priority_rows`` of its block, with the whole frame's means, counts and
    newest date) joined in row order is exactly ``_priority`` of the whole frame, whatever the cut."""
    bounds = sorted({0, len(frame), *(c for c in cuts if c < len(frame))})
    _assert_same(_concat_or_error(pipeline._priority_inputs(frame, as_of), bounds), _run(frame, as_of))


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="forked decision blocks need fork")
def test_forked_recommend_scores_priority_in_the_workers_as_the_parent_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """``recommend(processes=2)`` in blocks of 7 (priority scored by the workers; products, and so their means,
    span blocks; missing ratings, dates and votes) equals the serial one, where the parent scores it."""
    from pandas.testing import assert_frame_equal

    from reviewtools.schema import coerce

    rng = np.random.default_rng(8)
    n = 150
    base = pd.Timestamp("2024-01-01", tz="UTC")
    frame = coerce(pd.DataFrame({
        "review_id": [f"r{i}" for i in range(n)],
        "platform": rng.choice(["amazon", "google", "yelp"], n),
        "product_id": [None if i % 23 == 0 else f"P{i % 7}" for i in range(n)],
        "rating": [None if i % 11 == 0 else int(r) for i, r in enumerate(rng.integers(1, 6, n))],
        "text": ["It never arrived." if i % 3 else "Great, thanks." for i in range(n)],
        "created_at": [None if i % 13 == 0 else (base + pd.Timedelta(hours=int(h))).isoformat()
                       for i, h in enumerate(rng.integers(0, 24 * 900, n))],
        "helpful_votes": [None if i % 17 == 0 else int(v) for i, v in enumerate(rng.integers(0, 80, n))],
    }))
    calls: list[int] = []
    real = pipeline._priority
    serial = pipeline.recommend(frame, None, None, processes=1)
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    monkeypatch.setattr(pipeline, "DECISION_MAX_BLOCK", 7)
    monkeypatch.setattr(pipeline, "_priority", lambda *a, **k: calls.append(1) or real(*a, **k))
    forked = pipeline.recommend(frame, None, None, processes=2)
    assert not calls  # scored in the workers, not by the parent
    assert_frame_equal(forked, serial, check_exact=True)
    assert serial["priority_reason"].str.contains("pulls|lifts").any()
    assert serial["priority_reason"].str.contains("date unknown").any()


_DAYS = st.one_of(st.floats(min_value=0.0, allow_nan=False, allow_infinity=False), st.just(float("nan")),
                  st.sampled_from([0.0, -0.0, 0.5, 1.5, 2.5, 29.999999, 30.0, 1e-300, 5e-324, 1e15, 1e300]))


@settings(max_examples=examples(250), deadline=None)
@given(days=st.lists(_DAYS, max_size=40))
def test_days_parts_equal_the_per_value_part(days: list[float]) -> None:
    series = pd.Series(days + days[:5], dtype="float64")  # with repeats
    got_pts, got_why = pipeline._days_parts(series)
    want_pts, want_why = pipeline._memo_parts(series, pipeline._days_part)
    assert got_pts.tobytes() == want_pts.tobytes()
    assert got_why.tolist() == want_why.tolist()


@settings(max_examples=examples(1000), deadline=None)
@given(x=st.one_of(st.floats(), st.floats(min_value=-200, max_value=200),
                   st.integers(-2000, 2000).map(lambda k: k / 20), st.integers(-2000, 2000).map(lambda k: k / 20 + 0.05)))
def test_round1_is_round_to_one_digit(x: float) -> None:
    want = round(x, 1)
    got = pipeline._round1(x, f"{x:.1f}")
    assert (math.isnan(got) and math.isnan(want)) or (got == want and math.copysign(1, got) == math.copysign(1, want))
