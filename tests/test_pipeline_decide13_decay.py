"""The recency points in C (``reviewtools._storecore.decay``, what ``pipeline._decay_points`` uses): the very floats
(bit for bit) of Python's ``RECENCY_POINTS * 0.5 ** (d / RECENCY_HALF_LIFE_DAYS)`` (0.0 for NaN) on days of every
size, subnormals, zeros of both signs, infinities; a power that overflows declined (Python raises there, and so does
``_decay_points``); the priority of a block the same with and without it (``REVIEWTOOLS_PURE_PYTHON=1``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

try:
    from reviewtools import _storecore
except ImportError:  # pragma: no cover - not compiled here
    _storecore = None

needs_core = pytest.mark.skipif(_storecore is None, reason="reviewtools._storecore is not built")


def _python(days: list[float]) -> np.ndarray:
    return np.array([0.0 if d != d else pipeline.RECENCY_POINTS * 0.5 ** (d / pipeline.RECENCY_HALF_LIFE_DAYS)
                     for d in days], dtype="float64")


_DAYS = (st.floats(min_value=-30_000.0, allow_infinity=True, allow_subnormal=True) | st.just(float("nan"))
         | st.floats(0.0, 5_000.0) | st.sampled_from([0.0, -0.0, 30.0, 1e-320, 5e-324, 31_000.0, 32_190.0, 1e308]))


@needs_core
@settings(max_examples=examples(300), deadline=None)
@given(days=st.lists(_DAYS, max_size=60))
def test_decay_bits(days: list[float]) -> None:
    x = np.array(days, dtype=np.float64)
    out = np.full(len(x), -1.0)
    assert _storecore.decay(x, 0.5, pipeline.RECENCY_HALF_LIFE_DAYS, pipeline.RECENCY_POINTS, out) is True
    assert np.array_equal(out.view(np.int64), _python(days).view(np.int64))
    got = pipeline._decay_points(x)
    assert np.array_equal(got.view(np.int64), _python(days).view(np.int64))


@needs_core
def test_decay_declines(monkeypatch: pytest.MonkeyPatch) -> None:
    out = np.empty(2)
    assert _storecore.decay(np.array([1.0, -1e6]), 0.5, 30.0, 20.0, out) is None  # 0.5 ** -33333 overflows
    with pytest.raises(OverflowError):
        _python([-1e6])
    with pytest.raises(OverflowError):
        pipeline._decay_points(np.array([1.0, -1e6]))
    assert _storecore.decay(np.array([1.0]), 0.5, 30.0, 20.0, np.empty(2)) is None  # lengths differ
    assert _storecore.decay(np.array([1.0]), 1.0, 30.0, 20.0, np.empty(1)) is None  # a base Python special-cases
    assert _storecore.decay(np.array([1.0]), 0.0, 30.0, 20.0, np.empty(1)) is None
    monkeypatch.delenv("REVIEWTOOLS_PURE_PYTHON", raising=False)
    assert pipeline._native("decay") is _storecore.decay
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    assert pipeline._native("decay") is None


@settings(max_examples=examples(40), deadline=None)
@given(seconds=st.lists(st.integers(0, 4_000 * 86_400) | st.none(), min_size=1, max_size=40),
       rating=st.lists(st.integers(1, 5) | st.none(), min_size=40, max_size=40))
def test_priority_native_as_python(seconds: list, rating: list) -> None:
    n = len(seconds)
    ref = pd.Timestamp("2025-06-01", tz="UTC")
    created = pd.Series([ref - pd.Timedelta(seconds=s) if s is not None else pd.NaT for s in seconds],
                        dtype="datetime64[ns, UTC]")
    args = (pd.Series(pd.array(rating[:n], dtype="Int64")).astype("Float64"), created,
            pd.Series([i % 4 for i in range(n)], dtype="float64"), pd.Series([f"amazon\x1fP{i % 3}" for i in range(n)]),
            pd.Series([3.5] * n), pd.Series([max(1, i % 5) for i in range(n)]), ref)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("REVIEWTOOLS_PURE_PYTHON", raising=False)
        s1, r1 = pipeline._priority_block(*args)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
        s2, r2 = pipeline._priority_block(*args)
    assert np.array_equal(np.asarray(s1).view(np.int64), np.asarray(s2).view(np.int64))
    assert r1.to_pylist() == r2.to_pylist()
