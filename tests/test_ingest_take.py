"""``ingest._take_joined`` walks the chunks with integers worked out by numpy (lengths, dropped rows per chunk) and
slices around dropped rows instead of filtering: the values, index and dtype are those of its previous definition
(kept here) and of ``Series[keep]``, over many small chunks, sliced chunks, empty ones and ones dropped whole."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest


def _old_take_joined(s: pd.Series, keep: np.ndarray | None) -> pd.Series:
    """The definition before the numpy walk (a8ba621)."""
    chunks = s.array._pa_array.chunks
    out: list[Any] = []
    group: list[Any] = []
    size, at = 0, 0
    for chunk in chunks:
        n = len(chunk)
        if keep is not None:
            k = keep[at:at + n]
            if not k.all():
                chunk = chunk.filter(pa.array(k)) if k.any() else chunk.slice(0, 0)
        at += n
        if not len(chunk):
            continue
        group.append(chunk)
        size += chunk.nbytes
        if size >= ingest.ARROW_CSV_BLOCK:
            out.append(group[0] if len(group) == 1 else pa.concat_arrays(group))
            group, size = [], 0
    if group:
        out.append(group[0] if len(group) == 1 else pa.concat_arrays(group))
    arr = pd.arrays.ArrowStringArray(pa.chunked_array(out, type=s.array._pa_array.type))
    index = s.index if keep is None else s.index[keep]
    return pd.Series(arr, index=index, name=s.name, copy=False)


@st.composite
def _column(draw) -> pd.Series:
    """A chunked Arrow string column: chunks that are slices of larger arrays (offset > 0), empty chunks, nulls."""
    large = draw(st.booleans())
    typ = pa.large_string() if large else pa.string()
    chunks = []
    for _ in range(draw(st.integers(0, 12))):
        vals = draw(st.lists(st.one_of(st.none(), st.text("ab é", max_size=5)), max_size=8))
        arr = pa.array(["pad", *vals, "pad"], type=typ)
        chunks.append(arr.slice(1, len(vals)))
    ca = pa.chunked_array(chunks, type=typ)
    start = draw(st.integers(0, 3))
    return pd.Series(pd.arrays.ArrowStringArray(ca), index=pd.RangeIndex(start, start + len(ca)), name="text")


@pytest.mark.parametrize("block", [1, 30, 1 << 22])
@settings(max_examples=examples(50), deadline=None)
@given(s=_column(), data=st.data())
def test_take_joined_equals_its_old_definition(block: int, s: pd.Series, data) -> None:
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(s), max_size=len(s))), dtype=bool)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest, "ARROW_CSV_BLOCK", block)
        for k in (keep, None, np.zeros(len(s), dtype=bool), np.ones(len(s), dtype=bool)):
            got, old = ingest._take_joined(s, k), _old_take_joined(s, k)
            ref = s if k is None else s[k]
            assert got.tolist() == old.tolist() == ref.tolist()
            assert got.index.equals(ref.index) and got.dtype == ref.dtype and got.name == ref.name
            assert got.array._pa_array.type == s.array._pa_array.type
            sizes = [c.nbytes for c in got.array._pa_array.chunks]
            assert all(len(c) for c in got.array._pa_array.chunks)
            assert len(sizes) <= max(1, len([c for c in s.array._pa_array.chunks if len(c)]))


@pytest.mark.parametrize("thread", [True, False])
@settings(max_examples=examples(50), deadline=None)
@given(s=_column(), data=st.data())
def test_take_rows_joins_on_a_second_thread_to_the_same_frame(thread: bool, s: pd.Series, data) -> None:
    """``_take_rows`` hands the joined columns' copies to a thread (``TAKE_THREAD``): the same frame as boolean
    indexing, columns in their order, many joins in flight (a tiny ``ARROW_CSV_BLOCK``)."""
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(s), max_size=len(s))), dtype=bool)
    frame = pd.DataFrame({"a": np.arange(len(s)), "text": s, "b": s.rename("b"), "title": s.rename("title")},
                         index=s.index)
    want = frame[keep]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest, "TAKE_THREAD", thread)
        mp.setattr(ingest, "ARROW_CSV_BLOCK", data.draw(st.sampled_from([1, 20, 1 << 22])))
        got = ingest._take_rows(frame.copy(), keep, joined=("title", "text", "absent"))
    assert list(got.columns) == ["a", "text", "b", "title"]
    for col in got.columns:
        assert got[col].tolist() == want[col].tolist() and got[col].dtype == want[col].dtype
    assert got.index.equals(want.index)


@pytest.mark.parametrize("thread", [True, False])
def test_take_rows_keeps_the_dtype_of_columns_that_are_not_arrow(thread: bool) -> None:
    """A column that is not Arrow-backed (object strings, a categorical, nullable integers, datetimes) keeps its dtype
    through ``_take_rows``: pandas 3 would infer ``str`` for an object array handed to ``pd.Series`` without one."""
    n = 7
    frame = pd.DataFrame({
        "obj": pd.Series(["a", None, "c", "d", "e", "f", "g"], dtype=object),
        "cat": pd.Categorical(list("xyxyxyx")),
        "num": pd.array([1, None, 3, 4, 5, 6, 7], dtype="Int64"),
        "when": pd.date_range("2026-01-01", periods=n, freq="D", tz="UTC"),
        "text": pd.Series(list("abcdefg"), dtype=pd.ArrowDtype(pa.large_string())),
    })
    keep = np.array([True, False, True, True, False, True, False])
    want = frame[keep]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest, "TAKE_THREAD", thread)
        got = ingest._take_rows(frame.copy(), keep, joined=("text",))
    assert list(got.columns) == list(want.columns)
    for col in got.columns:
        assert got[col].dtype == want[col].dtype, col
        assert got[col].tolist() == want[col].tolist(), col
    assert got.index.equals(want.index)
