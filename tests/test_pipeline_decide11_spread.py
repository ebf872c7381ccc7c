"""``pipeline._spread_empty``: a decided block's column that is ``""`` at the quiet rows, built from new offsets
over the other rows' characters, equals the concat + take it replaces (issue 8), for any values (empty, non-ASCII),
positions, and Arrow arrays that are slices of bigger ones (offsets not starting at 0)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline


def _take(done: pa.Array, at: np.ndarray, n: int) -> pa.Array:
    const = np.full(n, len(at), dtype=np.int64)
    const[at] = np.arange(len(at))
    return pa.concat_arrays([done, pa.array([""], type=pa.large_string())]).take(pa.array(const))


@settings(max_examples=examples(400), deadline=None)
@given(values=st.lists(st.sampled_from(["", "a", "bcd", "é…x", "zz" * 40, "Rated 5★"]), max_size=30),
       lo=st.integers(0, 5), hi=st.integers(0, 5), extra=st.integers(0, 20), data=st.data())
def test_spread_empty_equals_concat_take(values, lo, hi, extra, data):
    arr = pa.array(["pre"] * lo + values + ["post"] * hi, type=pa.large_string())
    done = arr.slice(lo, len(values))
    n = len(values) + extra
    at = np.array(sorted(data.draw(st.permutations(range(n)))[: len(values)]), dtype=np.int64)
    got = pipeline._spread_empty(done, at, n)
    got.validate(full=True)
    assert got.equals(_take(done, at, n))
    assert got.to_pylist() == _take(done, at, n).to_pylist()


def test_spread_empty_of_nothing():
    done = pa.array([], type=pa.large_string())
    assert pipeline._spread_empty(done, np.zeros(0, dtype=np.int64), 3).to_pylist() == ["", "", ""]
