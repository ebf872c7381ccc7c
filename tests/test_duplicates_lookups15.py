"""Two lookups of the duplicate check (fifteenth session): ``duplicates._has_keys`` (the near pairs' partner texts
with a row by the source's author: the keys searched in sorted order, the answers put back) equals ``np.isin`` on
Hypothesis tables and keys (repeats, keys below, between and above the table, uint64 values past 2**63); and the
authors' "not blank" test the check now reads from ``_evidence`` (``end > 0``) equals ``_not_blank`` and
``bool(s.strip())`` on every whitespace character, look-alikes and any text, native and pure.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup

LS = pa.large_string()
U64 = st.integers(0, 2**64 - 1)
WHITE = [chr(c) for c in range(0x3001) if chr(c).isspace()]


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(U64, min_size=1, max_size=60), st.lists(U64, max_size=80), st.lists(st.integers(0, 59), max_size=40))
def test_has_keys_is_isin(table: list[int], extra: list[int], picks: list[int]) -> None:
    t = np.unique(np.array(table, dtype=np.uint64))
    keys = np.array(extra + [table[i % len(table)] for i in picks], dtype=np.uint64)
    np.random.default_rng(len(keys)).shuffle(keys)
    got = dup._has_keys(t, keys)
    assert got.dtype == np.bool_ and got.tolist() == np.isin(keys, t).tolist()


def test_has_keys_ends_and_repeats() -> None:
    t = np.array([0, 7, 2**63, 2**64 - 1], dtype=np.uint64)
    keys = np.array([2**64 - 1, 0, 1, 7, 7, 2**63 + 1, 2**63, 6, 0], dtype=np.uint64)
    assert dup._has_keys(t, keys).tolist() == [True, True, False, True, True, False, True, False, True]
    assert dup._has_keys(t, keys[:0]).tolist() == []


@pytest.mark.parametrize("native", [False, True])
@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.text(st.one_of(st.sampled_from(WHITE + ["\u200b", "\ufeff", "a", "é"]),
                                  st.characters(exclude_categories=["Cs"])), max_size=6), max_size=40))
def test_not_blank_from_evidence(native: bool, names: list[str]) -> None:
    if native and (dup._dupcore is None or not hasattr(dup._dupcore, "take_stripped")):
        pytest.skip("reviewtools._dupcore is not built")
    chunks = [pa.array(names[: len(names) // 2], LS), pa.array(names[len(names) // 2:], LS)]
    rows = np.arange(len(names), dtype=np.int64)[::-1].copy()
    saved = dup._dupcore
    if not native:
        dup._dupcore = None
    try:
        got = dup._evidence(chunks, rows)[2] > 0
    finally:
        dup._dupcore = saved
    want = [bool(names[r].strip()) for r in rows]
    assert got.tolist() == want
    assert dup._not_blank(pa.array([names[r] for r in rows], LS)).tolist() == want
