"""The long frames held dictionary-encoded by run_triage's decision step: encoding and decoding give back the very
frame (values, dtypes, missing values, row order), whatever the chunks, and the kept columns are those with at
most ENCODE_MAX_DISTINCT_SHARE distinct values, as ``astype("category")`` counted them."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal, assert_series_equal

from reviewtools import pipeline as P

_VALUES = st.one_of(st.none(), st.sampled_from(["a", "b", "", "★", "x\x1fy", "a "]), st.text(max_size=4))


def _chunked(values: list[str | None], cuts: list[int]) -> pd.Series:
    """A ``string`` Series of ``values`` whose Arrow array is cut into chunks at ``cuts``."""
    bounds = sorted({0, len(values), *(c % (len(values) + 1) for c in cuts)})
    chunks = [pa.array(values[a:b], type=pa.large_string()) for a, b in zip(bounds, bounds[1:])] or [
        pa.array([], type=pa.large_string())]
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string())))


@settings(max_examples=examples(120), deadline=None)
@given(values=st.lists(_VALUES, max_size=40), cuts=st.lists(st.integers(0, 40), max_size=4))
def test_category_and_decode_give_back_the_column(values, cuts):
    s = _chunked(values, cuts)
    most = len(values)  # every column kept
    cat = P._category(s, most)
    old = s.astype("category")
    assert cat is not None
    assert sorted(map(str, cat.cat.categories)) == sorted(map(str, old.cat.categories))
    assert cat.astype(object).tolist() == old.astype(object).tolist()
    assert_series_equal(P._decoded_column(cat, s.dtype), s.astype(s.dtype), check_exact=True)
    assert_series_equal(P._decoded_column(cat, s.dtype), old.astype(s.dtype), check_exact=True)


@settings(max_examples=examples(100), deadline=None)
@given(values=st.lists(_VALUES, min_size=2, max_size=30), cuts=st.lists(st.integers(0, 30), max_size=3),
       ints=st.lists(st.one_of(st.none(), st.integers(-3, 3)), min_size=2, max_size=30))
def test_encode_keeps_the_columns_astype_kept_and_decodes_to_the_frame(values, cuts, ints):
    n = min(len(values), len(ints))
    frame = pd.DataFrame({"s": _chunked(values[:n], cuts), "i": pd.array(ints[:n], dtype="Int64"),
                          "o": pd.Series(values[:n], dtype=object),
                          "p": pd.Series(values[:n], dtype=pd.StringDtype("python"))})
    enc = P._encode(frame)
    kept = {c for c in ("s", "p") if len(frame[c].astype("category").cat.categories)
            <= P.ENCODE_MAX_DISTINCT_SHARE * n}
    assert set(enc.dtypes) == kept
    assert_frame_equal(enc.decode(), frame, check_exact=True)
    for c in frame.columns:
        assert_series_equal(enc.column(c), frame[c], check_exact=True)


def test_take_decodes_the_rows_taken():
    frame = pd.DataFrame({"s": pd.array(["a", None, "a", "b", "a", "a"], dtype="string"),
                          "k": pd.array(["r1", "r2", "r3", "r4", "r5", "r6"], dtype="string")})
    enc = P._encode(frame)
    assert set(enc.dtypes) == {"s"}
    pos = [5, 1, 3]
    assert_frame_equal(enc.take(pos), frame.take(pos), check_exact=True)


@pytest.mark.parametrize("values", [[None, None, None], ["", ""], []])
def test_all_missing_empty_and_blank_columns(values):
    s = pd.Series(values, dtype="string")
    cat = P._category(s, len(values))
    assert cat is not None
    assert_series_equal(P._decoded_column(cat, s.dtype), s, check_exact=True)
