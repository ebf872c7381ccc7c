"""``pipeline._fixed`` / ``_fixed_coded`` (fixed-point texts of many floats without a format per value) and
``pipeline._first_seen`` give exactly what the per-value expressions they replace give."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

_FLOATS = st.one_of(
    st.floats(),
    st.floats(min_value=-200, max_value=200),
    st.floats(min_value=-1e9, max_value=1e9),
    st.integers(-20000, 20000).map(lambda k: k / 20),  # halves of tenths (ties and near-ties)
    st.integers(-20000, 20000).map(lambda k: k / 200),  # halves of hundredths
    st.integers(-20000, 20000).map(lambda k: k / 2000),
    st.integers(-2000, 2000).map(lambda k: k / 2),  # halves (ties of :.0f)
    st.integers(-2000, 2000).map(lambda k: math.nextafter(k / 20, math.inf)),
    st.integers(-2000, 2000).map(lambda k: math.nextafter(k / 20, -math.inf)),
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1e15, -1e15, 999999999.95, 1e300, math.inf, -math.inf,
                     0.05, 0.15, 0.25, 0.35, 2.675, 1.005, 0.0005, 0.0015]),
)


@settings(max_examples=examples(300), deadline=None)
@given(values=st.lists(_FLOATS, max_size=30), digits=st.sampled_from([0, 1, 2, 3]), plus=st.booleans())
def test_fixed_is_the_format_of_each_value(values: list[float], digits: int, plus: bool) -> None:
    spec = f"{'+' if plus else ''}.{digits}f"
    arr = np.array(values + values[:3], dtype=np.float64)
    want = [format(v, spec) for v in arr.tolist()]
    assert pipeline._fixed(arr, digits, plus) == want
    texts, at = pipeline._fixed_coded(arr, digits, plus)
    assert [texts[j] for j in at.tolist()] == want
    assert len(set(texts)) == len(texts)


def test_fixed_of_a_whole_range() -> None:
    # every tenth, hundredth and their neighbours in [-120, 120]: the fast path's ties and near-ties
    base = np.arange(-240000, 240001) / 2000
    arr = np.concatenate([base, np.nextafter(base, np.inf), np.nextafter(base, -np.inf), base * 1.0000001])
    for digits in (0, 1, 2, 3):
        spec = f".{digits}f"
        assert pipeline._fixed(arr, digits) == [format(v, spec) for v in arr.tolist()]
    assert pipeline._fixed(arr, 2, plus=True) == [format(v, "+.2f") for v in arr.tolist()]


@settings(max_examples=examples(300), deadline=None)
@given(values=st.lists(st.integers(0, 6), max_size=50))
def test_first_seen_is_uniques_first_index(values: list[int]) -> None:
    codes, _ = pd.factorize(np.array(values, dtype=np.int64))
    got = pipeline._first_seen(codes)
    want = np.unique(codes, return_index=True)[1]
    assert got.tolist() == want.tolist()


@settings(max_examples=examples(300), deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.integers(0, 4), st.floats(allow_nan=True)), max_size=40),
       as_float=st.booleans())
def test_distinct_as_before(values: list, as_float: bool) -> None:
    s = (pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64") if as_float
         else pd.Series([None if v is None or (isinstance(v, float) and v != v) else int(v) if isinstance(v, int)
                         else v for v in values], dtype=object).astype("Float64"))
    codes, first = pipeline._distinct(s)
    # the previous body
    if s.dtype.kind == "f":
        want_codes, _ = pd.factorize(s.to_numpy(dtype="float64", na_value=np.nan).view("int64"))
    else:
        want_codes, uniq = pd.factorize(s, use_na_sentinel=True)
        want_codes = np.where(want_codes < 0, len(uniq), want_codes)
    _, want_first = np.unique(want_codes, return_index=True)
    assert codes.tolist() == want_codes.tolist()
    assert first.tolist() == want_first.tolist()
