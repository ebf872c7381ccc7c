"""``_fixed_coded``'s texts by numpy (``_coded_texts``) and its codes by hashing + sorting the distinct values: the
same texts as ``format(x, ".Nf")`` per value and the same ``(texts, at)`` as ``np.unique`` + the per-code loop gave
(negative zero, halves, NaN/inf, values near and past the fast path's 1e9 bound, every digits count used)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from _depth import examples

from reviewtools.pipeline import _coded_texts, _fixed, _fixed_coded

EDGE = [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.05, 0.15, 0.25, -0.25, 0.125, 0.375, 1.005, 2.675, 0.045, 9.995,
        0.0005, -0.0005, 0.0015, 123456.5, -99999.95, 1e8 + 0.5, 999999999.4, 1e9, -1e9, 1e15, 1e300, -1e300, 5e-324,
        -5e-324, 0.1, 0.2, 0.3, 1 / 3, -2 / 3, float("nan"), float("inf"), float("-inf"), 40.0, 12.25, 3.125, 0.0625,
        99.95, 100.05, 49.999999, 50.0000004]


def _old_loop(uniq: np.ndarray, digits: int, plus: bool) -> list[str]:
    texts = []
    scale = 10 ** digits
    for c in uniq.tolist():
        m, neg = divmod(c, 2)
        sign = "-" if neg else "+" if plus else ""
        if digits:
            whole, part = divmod(m, scale)
            texts.append(f"{sign}{whole}.{part:0{digits}d}")
        else:
            texts.append(f"{sign}{m}")
    return texts


def _check(values: list[float], digits: int, plus: bool) -> None:
    x = np.array(values, dtype=np.float64)
    texts, at = _fixed_coded(x, digits, plus)
    spec = f"{'+' if plus else ''}.{digits}f"
    assert [texts[j] for j in at.tolist()] == [format(v, spec) for v in x.tolist()]
    assert len(set(texts)) == len(texts)
    # the fast path's texts come first, in the order of their codes (np.unique's), as before
    with np.errstate(invalid="ignore", over="ignore"):
        t = x * (10.0 ** digits)
        ok = np.abs(t) < 1e9
        if digits:
            ok &= np.abs(t - np.floor(t) - 0.5) > 1e-6
        k = np.where(ok, np.abs(np.rint(t)), 0.0).astype(np.int64)
    uniq, inv = np.unique((k * 2 + np.signbit(x))[ok], return_inverse=True)
    assert texts[:len(uniq)] == _old_loop(uniq, digits, plus)
    assert at[ok].tolist() == inv.reshape(-1).tolist()


@pytest.mark.parametrize("digits", [0, 1, 2, 3, 4, 6])
@pytest.mark.parametrize("plus", [False, True])
def test_edge_values(digits: int, plus: bool) -> None:
    _check(EDGE, digits, plus)
    _check(EDGE[::-1] + EDGE, digits, plus)
    _check([-0.0] * 3, digits, plus)
    _check([float("nan")], digits, plus)
    _check([], digits, plus)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                          st.floats(min_value=-1e9, max_value=1e9),
                          st.integers(-10**7, 10**7).map(lambda i: i / 8),  # exact halves at 1-3 digits
                          st.integers(-10**6, 10**6).map(lambda i: i / 1000)), max_size=60),
       st.sampled_from([0, 1, 2, 3, 5]), st.booleans())
def test_random_values(values: list[float], digits: int, plus: bool) -> None:
    _check(values, digits, plus)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.integers(0, 2 * 10**10), unique=True, max_size=40), st.sampled_from([0, 1, 2, 3, 4, 7]),
       st.booleans())
def test_coded_texts_equal_the_per_code_loop(codes: list[int], digits: int, plus: bool) -> None:
    uniq = np.array(sorted(codes), dtype=np.int64)
    assert _coded_texts(uniq, digits, plus) == _old_loop(uniq, digits, plus)


def test_fixed_list() -> None:
    x = np.array(EDGE)
    for digits in (0, 1, 2):
        assert _fixed(x, digits) == [format(v, f".{digits}f") for v in EDGE]
