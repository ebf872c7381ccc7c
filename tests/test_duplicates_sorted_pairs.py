"""``duplicates._sorted_pairs`` (the near check's partner rows ordered by source text, then row: one sort of a
packed 64-bit key where both fit in 32 bits) gives the values of the ``np.lexsort`` order it replaced."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools.duplicates import _sorted_pairs, _stable_order

small = st.integers(0, 6)
wide = st.one_of(st.integers(0, 2**32 - 1), st.integers(-(2**40), 2**40), small)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.tuples(small, small), max_size=60) | st.lists(st.tuples(wide, wide), max_size=60))
def test_sorted_pairs_equal_the_lexsort_order(pairs):
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    o = np.lexsort((b, a))
    got_a, got_b = _sorted_pairs(a, b)
    assert got_a.dtype == got_b.dtype == np.int64
    np.testing.assert_array_equal(got_a, a[o])
    np.testing.assert_array_equal(got_b, b[o])


def test_the_edges_of_the_packed_key():
    a = np.array([2**32 - 1, 0, 2**32 - 1, 0], dtype=np.int64)
    b = np.array([0, 2**32 - 1, 5, 0], dtype=np.int64)
    got = _sorted_pairs(a, b)
    assert [x.tolist() for x in got] == [[0, 0, 2**32 - 1, 2**32 - 1], [0, 2**32 - 1, 0, 5]]
    assert [x.tolist() for x in _sorted_pairs(np.zeros(0, np.int64), np.zeros(0, np.int64))] == [[], []]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.one_of(st.integers(0, 5), st.integers(0, 2**16 + 3), st.integers(0, 2**32 - 1),
                          st.integers(-(2**40), 2**40)), max_size=80))
def test_stable_order_equals_the_stable_argsort(values):
    v = np.array(values, dtype=np.int64)
    got = _stable_order(v)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.argsort(v, kind="stable"))


def test_stable_order_at_the_edges_of_its_paths():
    for top in (2**16 - 1, 2**16, 2**32 - 1, 2**32):
        v = np.array([top, 0, top, 1, 0], dtype=np.int64)
        np.testing.assert_array_equal(_stable_order(v), np.argsort(v, kind="stable"))
    assert _stable_order(np.zeros(0, np.int64)).tolist() == []
