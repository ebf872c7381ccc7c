"""_days_before's whole-second fast path and _days_coded's Arrow pieces (tenth session, helper `prio`): the values the
scalar expressions give, for ticks of every resolution, sub-second ticks, huge spans and unknown dates."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

_UNITS = st.sampled_from(["s", "ms", "us", "ns"])
_TICKS = st.one_of(st.integers(-2**62, 2**62), st.integers(-10**6, 10**12),
                   st.integers(0, 10**6).map(lambda k: k * 10**9), st.integers(0, 10**6).map(lambda k: k * 10**9 + 1),
                   st.integers(2**53 - 10, 2**53 + 10).map(lambda k: k * 1000),
                   st.integers(2**53 - 10, 2**53 + 10).map(lambda k: k * 1000 + 7))


def _want(created: pd.Series, ref: pd.Timestamp) -> list[float]:
    """The ticks' true division by Python ints (what 10fffde's _days_before did for every row), then the float ops."""
    delta = (ref - created).to_numpy()
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[np.datetime_data(delta.dtype)[0]]
    return [float("nan") if np.isnat(d) else float(np.maximum(0.0, np.float64(int(d.view("int64")) / per_second) / 86400))
            for d in delta]


@settings(max_examples=examples(300), deadline=None)
@given(unit=_UNITS, deltas=st.lists(st.one_of(_TICKS, st.none()), min_size=1, max_size=30), ref=st.integers(-2**40, 2**40))
def test_days_before_is_the_scalar_expression(unit: str, deltas: list[int | None], ref: int) -> None:
    # created = ref - delta ticks (within int64), NaT for None
    ref_ts = pd.Timestamp(np.datetime64(ref, unit)).tz_localize("UTC")
    vals = []
    for d in deltas:
        t = None if d is None else ref - d
        vals.append(np.datetime64("NaT", unit) if t is None or not -2**63 < t < 2**63 else np.datetime64(t, unit))
    created = pd.Series(np.array(vals, dtype=f"datetime64[{unit}]")).dt.tz_localize("UTC")
    try:
        want = _want(created, ref_ts)
    except (OverflowError, pd.errors.OutOfBoundsTimedelta):  # the scalar fallback path, not this one
        return
    got = pipeline._days_before(created, ref_ts).to_numpy()
    assert got.tobytes() == np.array(want, dtype="float64").tobytes()


def test_days_before_sub_second_ticks_are_divided_exactly() -> None:
    # 2**60 + 1 ns: float(2**60 + 1) / 1e9 is not the correctly rounded quotient Python's int division gives
    ref = pd.Timestamp("2024-01-01", tz="UTC")
    created = pd.Series([ref - pd.Timedelta(2**58 + k, "ns") for k in range(1, 200)] + [pd.NaT, ref])
    assert created.dtype.kind == "M"
    got = pipeline._days_before(created, ref).to_numpy()
    assert got.tobytes() == np.array(_want(created, ref), dtype="float64").tobytes()


@settings(max_examples=examples(150), deadline=None)
@given(days=st.lists(st.one_of(st.floats(0, 4000, allow_nan=False), st.just(float("nan")),
                               st.integers(0, 4000).map(lambda k: k + 0.5)), max_size=60))
def test_days_coded_pieces_and_codes(days: list[float]) -> None:
    series = pd.Series(days + days[:7], dtype="float64")
    pts, at, why = pipeline._days_coded(series)
    texts = why.to_pylist()
    for d, p, j in zip(series.tolist(), pts.tolist(), at.tolist()):
        want_p, want_why = pipeline._days_part(d)
        assert np.float64(p).tobytes() == np.float64(want_p).tobytes()
        assert texts[j] == want_why
    assert len(set(texts)) == len(texts)  # one piece per distinct text
