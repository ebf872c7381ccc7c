"""Issue 8, nineteenth session: ``pipeline._patched`` (the parent's patch of re-phrased drafts in ``_assemble``)
returns an Arrow string array none of whose masked values change as it is (``_unchanged``: the same UTF-8 bytes,
compared from the buffers), and otherwise what it gave before (every masked row replaced); the values are always
what replacing the rows in a list gives."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

_TEXT = st.text(alphabet=st.sampled_from(["a", "b", "é", "★", " ", "“", "x"]), max_size=6)


def _reference(values: list, mask: list[bool], new: list[str]) -> list:
    vals = list(values)
    for j, v in zip([j for j, m in enumerate(mask) if m], new):
        vals[j] = v
    return vals


@settings(max_examples=examples(200), deadline=None)
@given(data=st.data(), values=st.lists(st.one_of(_TEXT, st.none()), min_size=1, max_size=30),
       sliced=st.booleans())
def test_patched_values_are_the_lists(data, values, sliced):
    arr = pd.array((["pad"] + values) if sliced else values, dtype="string")
    if sliced:
        arr = arr[1:]
    mask = data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    # new values: often the values the rows have (same bytes), sometimes others of the same length
    new = [data.draw(st.one_of(st.just(v if v is not None else ""), _TEXT)) for v, m in zip(values, mask) if m]
    got = pipeline._patched(arr, np.array(mask, dtype=bool), new)
    assert list(pd.array(got, dtype="string").to_numpy(na_value=None)) == _reference(values, mask, new)
    unchanged = all(v == n for v, n in zip([v for v, m in zip(values, mask) if m], new))
    if isinstance(arr, pd.arrays.ArrowStringArray) and None not in values and unchanged:
        assert got is arr  # no copy


@pytest.mark.parametrize("old, new, same", [
    (["ab", "cd"], ["ab", "cd"], True),
    (["ab", "cd"], ["ab", "ce"], False),  # same lengths, different bytes
    (["é"], ["ab"], False),  # same UTF-8 length (2 bytes), different text
    (["ab", "cd"], ["ab", "c"], False),
    (["", ""], ["", ""], True),
])
def test_unchanged_compares_bytes_not_only_lengths(old, new, same):
    arr = pa.array(old + ["z"], type=pa.large_string())
    mask = np.array([True] * len(old) + [False])
    assert pipeline._unchanged(arr, mask, pa.array(new, type=pa.large_string())) is same


def test_missing_values_or_other_counts_are_never_unchanged():
    arr = pa.array(["a", None], type=pa.large_string())
    assert not pipeline._unchanged(arr, np.array([True, False]), pa.array(["a"], type=pa.large_string()))
    arr = pa.array(["a", "b"], type=pa.large_string())
    assert not pipeline._unchanged(arr, np.array([True, True]), pa.array(["a"], type=pa.large_string()))
    assert not pipeline._unchanged(arr, np.array([True, False]), pa.array([None], type=pa.large_string()))


def test_the_switch_off_copies_as_before(monkeypatch):
    arr = pd.array(["a", "b"], dtype="string")
    monkeypatch.setattr(pipeline, "PATCH_CHANGED_ONLY", False)
    got = pipeline._patched(arr, np.array([True, False]), ["a"])
    assert got is not arr and list(got) == ["a", "b"]
