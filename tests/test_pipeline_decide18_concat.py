"""``pipeline._concat_arrays`` joins arrays of one extension dtype by the dtype's own ``_concat_same_type`` (what
``pd.concat`` of their Series ends in) and anything else by ``pd.concat``: the same array type, dtype and values,
in order, as ``pd.concat`` gives, for Arrow-backed strings with missing values and empty blocks, ``Float64`` with
``pd.NA``, and mixed string storages (the general path)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline


def _reference(arrays: list, dtype: str):  # type: ignore[no-untyped-def]
    if not arrays:
        return pd.array([], dtype=dtype)
    if len(arrays) == 1:
        return arrays[0]
    return pd.concat([pd.Series(a, copy=False) for a in arrays], ignore_index=True).array


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert type(a) is type(b) and a.dtype == b.dtype and len(a) == len(b)
    assert pd.Series(a, copy=False).equals(pd.Series(b, copy=False))
    assert [None if v is pd.NA else v for v in a.tolist()] == [None if v is pd.NA else v for v in b.tolist()]


_TEXTS = st.lists(st.lists(st.text(max_size=5) | st.none(), max_size=6), max_size=6)


@settings(max_examples=examples(150), deadline=None)
@given(blocks=_TEXTS)
def test_concat_arrow_strings(blocks: list) -> None:
    arrays = [pd.array(b, dtype=pd.StringDtype("pyarrow")) for b in blocks]
    _same(pipeline._concat_arrays(arrays, "string"), _reference(arrays, "string"))


@settings(max_examples=examples(150), deadline=None)
@given(blocks=st.lists(st.lists(st.floats(allow_nan=False) | st.none(), max_size=6), max_size=6))
def test_concat_float64(blocks: list) -> None:
    arrays = [pd.array(b, dtype="Float64") for b in blocks]
    _same(pipeline._concat_arrays(arrays, "Float64"), _reference(arrays, "Float64"))


@pytest.mark.parametrize("storages", [("pyarrow", "python"), ("python", "pyarrow", "pyarrow")])
def test_concat_mixed_storages(storages: tuple) -> None:
    arrays = [pd.array(["a", None, f"b{i}"], dtype=pd.StringDtype(s)) for i, s in enumerate(storages)]
    _same(pipeline._concat_arrays(arrays, "string"), _reference(arrays, "string"))


def test_concat_order() -> None:
    arrays = [pd.array(["a", "b"], dtype=pd.StringDtype("pyarrow")), pd.array([], dtype=pd.StringDtype("pyarrow")),
              pd.array(["c"], dtype=pd.StringDtype("pyarrow"))]
    assert pipeline._concat_arrays(arrays, "string").tolist() == ["a", "b", "c"]
