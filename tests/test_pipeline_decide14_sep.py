"""The block index's separator test by a byte search (``pipeline._holds_byte``): the answer of
``pc.any(pc.match_substring(a, char))`` for string and large_string arrays, chunked and sliced, with non-ASCII
values, missing values (searched per value) and chars that are not one ASCII byte."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

_VALUES = st.lists(st.one_of(st.sampled_from(["", "a", "\x1f", "ab\x1f", "é\x1f", "\u241f", "日本", "x" * 20]),
                             st.text(max_size=6)), max_size=30)


def _want(a, char: str) -> bool:
    return bool(pc.any(pc.match_substring(a, char)).as_py())


@settings(max_examples=examples(250), deadline=None)
@given(values=_VALUES, cuts=st.lists(st.integers(0, 30), max_size=3), large=st.booleans(),
       start=st.integers(0, 10), stop=st.integers(0, 30), nulls=st.booleans(),
       char=st.sampled_from(["\x1f", "a", "\x00", "é", "\u241f"]))
def test_holds_byte_equals_match_substring(values, cuts, large, start, stop, nulls, char):
    vals = [None if nulls and i % 4 == 1 else v for i, v in enumerate(values)]
    typ = pa.large_string() if large else pa.string()
    bounds = sorted({0, len(vals), *(min(c, len(vals)) for c in cuts)})
    chunks = [pa.array(vals[a:b], type=typ) for a, b in zip(bounds, bounds[1:])] or [pa.array([], type=typ)]
    arr = pa.chunked_array(chunks, type=typ)
    for a in (arr, arr.slice(start, max(0, stop - start)), pa.concat_arrays(chunks) if chunks else chunks[0]):
        assert pipeline._holds_byte(a, char) == _want(a, char)
        if isinstance(a, pa.Array) and len(a) > start:  # a sliced array: offsets not from 0
            s = a.slice(start)
            assert pipeline._holds_byte(s, char) == _want(s, char)


@pytest.mark.parametrize("values, want", [(["a", "b"], False), (["a", "b\x1f"], True), ([], False),
                                          (["\x1fx", None], True)])
def test_holds_byte_examples(values, want):
    assert pipeline._holds_byte(pa.array(values, type=pa.string()), "\x1f") is want
