"""The shared tokens' ranks in one sort (fourteenth session: ``duplicates._token_ranks``): the order of
``np.lexsort((hash, capped df))`` over the tokens of document frequency 2 or more (capped at 65535), -1 for the
others, from one argsort of ``capped df << 48 | hash >> 16`` with the tied keys put in order of their full hashes.
Hypothesis tokens whose hashes share their top 48 bits (ties, in runs of any length, next to each other or
not), frequencies at and past the cap, and a large random table.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup


def _lexsort_ranks(tok_hash: np.ndarray, tok_df: np.ndarray) -> np.ndarray:
    used = np.flatnonzero(tok_df >= 2)
    order = np.lexsort((tok_hash[used], np.minimum(tok_df[used], 65535)))
    rank_of = np.full(len(tok_df), -1, dtype=np.int32)
    rank_of[used[order]] = np.arange(len(used), dtype=np.int32)
    return rank_of


_DF = st.sampled_from([0, 1, 2, 3, 4, 100, 65534, 65535, 65536, 70000, 2**31 - 1])


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**16 - 1), _DF), max_size=80,
                unique_by=lambda t: (t[0], t[1])),
       st.sampled_from([0, 1, 2**47, 2**48 - 1]))
def test_ties_in_the_top_bits(tokens, top_base):
    """Hashes from 4 values of their top 48 bits: many tokens tie on the key and are ordered by the low bits."""
    h = np.array([(((top_base + t) % 2**48) << 16) | low for t, low, _ in tokens], dtype=np.uint64)
    df = np.array([d for _, _, d in tokens], dtype=np.int32)
    assert dup._token_ranks(h, df).tolist() == _lexsort_ranks(h, df).tolist()


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**64 - 1), _DF), max_size=200, unique_by=lambda t: t[0]))
def test_any_hashes(tokens):
    h = np.array([t for t, _ in tokens], dtype=np.uint64)
    df = np.array([d for _, d in tokens], dtype=np.int32)
    assert dup._token_ranks(h, df).tolist() == _lexsort_ranks(h, df).tolist()


def test_large_table():
    rng = np.random.default_rng(14)
    h = np.unique(rng.integers(0, 2**64 - 1, size=300_000, dtype=np.uint64, endpoint=True))
    h = np.concatenate((h, (h[:5000] & np.uint64(~0xFFFF & (2**64 - 1))) | np.uint64(0x1234)))  # ties
    h = np.unique(h)
    rng.shuffle(h)
    df = np.minimum(rng.zipf(1.3, size=len(h)), 2**31 - 1).astype(np.int32)
    df[rng.integers(0, len(h), size=2000)] = 70000
    assert (dup._token_ranks(h, df) == _lexsort_ranks(h, df)).all()
