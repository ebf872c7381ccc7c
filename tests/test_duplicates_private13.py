"""Each text's distinct and private shingles from the native token table (session 13: ``size`` counted while the
occurrences go into the table, ``private`` over the tokens: a token only one text holds is in the text it first
appeared in, noted per token when it is made, instead of a pass over every occurrence after the table). Both
``_dupcore.table`` and ``_dupcore.tokens`` give the numpy definition's tokens, hashes, document frequencies and
counts: tokens repeated inside a text (counted once, private if no other text has them), texts of one token,
tables that grow several times (the per-token record grows with them), output arrays full of garbage before the
call. Skipped where the optional C module is not built.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup
from reviewtools.rules import SHINGLE_WORDS

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")


def _reference(h: np.ndarray, n_sh: np.ndarray) -> tuple[np.ndarray, ...]:
    """Tokens by first appearance, -1 for a repeat inside a text, hashes by token, document frequencies, distinct
    and private shingles per text, by numpy sorts."""
    n = len(h)
    text = np.repeat(np.arange(len(n_sh)), n_sh)
    pos = np.arange(n)
    o = np.lexsort((pos, h, text))  # by text, hash, position: a text's repeats after its first
    first = np.ones(n, dtype=bool)
    first[1:] = (text[o][1:] != text[o][:-1]) | (h[o][1:] != h[o][:-1])
    kept = np.zeros(n, dtype=bool)
    kept[o[first]] = True
    uniq, at, inv = np.unique(h[kept], return_index=True, return_inverse=True)
    by_first = np.argsort(at, kind="stable")
    id_of = np.empty(len(uniq), dtype=np.int32)
    id_of[by_first] = np.arange(len(uniq), dtype=np.int32)
    slot_of = np.full(n, -1, dtype=np.int32)
    slot_of[kept] = id_of[inv.ravel()]
    df = np.bincount(slot_of[kept], minlength=len(uniq)).astype(np.int32)
    size = np.bincount(text[kept], minlength=len(n_sh)).astype(np.int64)
    private = np.bincount(text[kept & (df[np.where(kept, slot_of, 0)] == 1)], minlength=len(n_sh)).astype(np.int64)
    return slot_of, uniq[by_first], df, size, private


def _table(h: np.ndarray, n_sh: np.ndarray) -> tuple[np.ndarray, ...]:
    slot_of = np.full(len(h), -7, dtype=np.int32)
    size = np.full(len(n_sh), 12345, dtype=np.int64)
    private = np.full(len(n_sh), -12345, dtype=np.int64)
    hashes, df = dup._dupcore.table(np.ascontiguousarray(h, np.uint64), np.ascontiguousarray(n_sh, np.int64),
                                    slot_of, size, private)
    return slot_of, np.frombuffer(hashes, np.uint64), np.frombuffer(df, np.int32), size, private


def _assert_same(got: tuple[np.ndarray, ...], want: tuple[np.ndarray, ...]) -> None:
    for name, g, w in zip(("slot_of", "hashes", "df", "size", "private"), got, want):
        np.testing.assert_array_equal(g, w, err_msg=name)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=30), min_size=1, max_size=25))
def test_table_counts_with_repeats(texts):
    h = np.array([x * 0x9E3779B97F4A7C15 % 2**64 for t in texts for x in t], dtype=np.uint64)
    n_sh = np.array([len(t) for t in texts], dtype=np.int64)
    _assert_same(_table(h, n_sh), _reference(h, n_sh))


@pytest.mark.parametrize("seed", [1, 2])
def test_table_that_grows(seed):
    # nearly every hash distinct: the table starts at 2^16 slots (room for total / 32) and grows to 2^20; a pool
    # of shared hashes and repeats inside texts mixed in
    rng = np.random.default_rng(seed)
    n_sh = rng.integers(1, 60, 12_000).astype(np.int64)
    total = int(n_sh.sum())
    h = rng.integers(0, 2**63, total, dtype=np.int64).astype(np.uint64)
    shared = rng.random(total) < 0.2
    h[shared] = rng.integers(0, 500, int(shared.sum())).astype(np.uint64)
    _assert_same(_table(h, n_sh), _reference(h, n_sh))


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "cc", "the", "word", "é"]), min_size=1, max_size=12),
                min_size=1, max_size=12))
def test_tokens_counts(texts):
    column = pa.array([" ".join(t) for t in texts], type=pa.large_string())
    core = dup._dupcore
    dup._dupcore = None
    try:
        h, n_sh = dup._shingle_hashes(column)
    finally:
        dup._dupcore = core
    h, n_sh = np.asarray(h, np.uint64), np.asarray(n_sh, np.int64)
    slot_of = np.full(int(n_sh.sum()), -7, dtype=np.int32)
    size = np.full(len(n_sh), 12345, dtype=np.int64)
    private = np.full(len(n_sh), -12345, dtype=np.int64)
    hashes, df = dup._dupcore.tokens(dup._chunk_buffers(column), np.arange(len(texts), dtype=np.int64),
                                     SHINGLE_WORDS, int(dup._SHINGLE_MULT), None, n_sh, slot_of, size, private)
    _assert_same((slot_of, np.frombuffer(hashes, np.uint64), np.frombuffer(df, np.int32), size, private),
                 _reference(h, n_sh))
