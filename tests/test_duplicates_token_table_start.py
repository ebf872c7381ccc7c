"""The native token table's starting size (session 11: ``tab_init`` leaves room for total / 32 tokens, so at 1M it
starts at its final 2^22 slots instead of growing six times from 2^16). The tokens are numbered by first
appearance whatever the table's size: ``_dupcore.tokens`` gives the same occurrences' tokens, hashes, document
frequencies and distinct/private counts as a numpy definition over the numpy path's shingle hashes, on input
whose table starts above 2^16 slots and still grows (nearly every shingle distinct) and on input where it starts
there and never grows (a few texts repeated). Skipped where the optional C module is not built.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import reviewtools.duplicates as dup
from reviewtools.rules import SHINGLE_WORDS

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")


def _numpy_hashes(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    core = dup._dupcore
    dup._dupcore = None
    try:
        h, n_sh = dup._shingle_hashes(texts)
    finally:
        dup._dupcore = core
    return np.asarray(h, dtype=np.uint64), np.asarray(n_sh, dtype=np.int64)


def _reference(h: np.ndarray, n_sh: np.ndarray) -> tuple[np.ndarray, ...]:
    """Tokens by first appearance, -1 for a repeat inside a text, document frequencies, distinct and private
    shingles per text: the table's definition, by numpy sorts."""
    n = len(h)
    text = np.repeat(np.arange(len(n_sh)), n_sh)
    pos = np.arange(n)
    o = np.lexsort((pos, h, text))  # by text, hash, position: a text's repeats after its first
    first = np.ones(n, dtype=bool)
    first[1:] = (text[o][1:] != text[o][:-1]) | (h[o][1:] != h[o][:-1])
    kept = np.zeros(n, dtype=bool)
    kept[o[first]] = True
    uniq, at, inv = np.unique(h[kept], return_index=True, return_inverse=True)
    by_first = np.argsort(at, kind="stable")  # the tokens in order of first appearance
    id_of = np.empty(len(uniq), dtype=np.int32)
    id_of[by_first] = np.arange(len(uniq), dtype=np.int32)
    slot_of = np.full(n, -1, dtype=np.int32)
    slot_of[kept] = id_of[inv.ravel()]
    df = np.bincount(slot_of[kept], minlength=len(uniq)).astype(np.int32)
    size = np.bincount(text[kept], minlength=len(n_sh)).astype(np.int64)
    private = np.bincount(text[kept & (df[np.where(kept, slot_of, 0)] == 1)], minlength=len(n_sh)).astype(np.int64)
    return slot_of, uniq[by_first], df, size, private


def _native(texts: pa.Array, n_sh: np.ndarray) -> tuple[np.ndarray, ...]:
    chunks = dup._chunk_buffers(texts)
    slot_of = np.empty(int(n_sh.sum()), dtype=np.int32)
    size = np.empty(len(n_sh), dtype=np.int64)
    private = np.empty(len(n_sh), dtype=np.int64)
    hashes, df = dup._dupcore.tokens(chunks, np.arange(len(texts), dtype=np.int64), SHINGLE_WORDS,
                                     int(dup._SHINGLE_MULT), None, n_sh, slot_of, size, private)
    return slot_of, np.frombuffer(hashes, dtype=np.uint64), np.frombuffer(df, dtype=np.int32), size, private


def _texts(n: int, distinct: bool, seed: int) -> pa.Array:
    rng = np.random.default_rng(seed)
    if distinct:  # nearly every shingle new: ~1.7M tokens, far more than the starting room (~1.7M / 32)
        words = rng.integers(0, 200_000, (n, 46))
        return pa.array([" ".join(f"w{j}" for j in row) for row in words], type=pa.large_string())
    base = [" ".join(f"v{j}" for j in rng.integers(0, 300, 46)) for _ in range(5)]
    return pa.array([base[int(i)] for i in rng.integers(0, 5, n)], type=pa.large_string())


@pytest.mark.parametrize("distinct", [True, False])
def test_tokens_do_not_depend_on_the_tables_start(distinct):
    texts = _texts(40_000, distinct, seed=11)
    h, n_sh = _numpy_hashes(texts)
    assert n_sh.sum() > 32 * (3 << 16) // 4  # (the table starts above 2^16 slots)
    got = _native(texts, n_sh)
    want = _reference(h, n_sh)
    if distinct:
        assert len(want[1]) > 3 * (1 << 20) // 4  # (and still grows, past 2^20 slots)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
