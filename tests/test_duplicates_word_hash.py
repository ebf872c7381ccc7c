"""The words' BLAKE2b-64 computed by the native core (session 10: ``word_hash=None`` in ``_dupcore.tokens`` and
``shingles``) is :func:`reviewtools.duplicates._word_hash_bytes`, i.e. ``hashlib.blake2b(word, digest_size=8)``
read little-endian: on words of 0-300 bytes (one, two and three 128-byte blocks and their edges), UTF-8 words and
arbitrary bytes, through both calls. Skipped where the optional C module is not built.
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


def _shingles(texts: list[bytes], word_hash) -> np.ndarray:
    data = b"".join(texts)
    off = np.concatenate(([0], np.cumsum([len(t) for t in texts]))).astype(np.int64)
    counts = np.array([max(len(t.split(b" ")) - SHINGLE_WORDS + 1, 1) for t in texts], np.int64)
    out = np.empty(int(counts.sum()), np.uint64)
    dup._dupcore.shingles(data, off, SHINGLE_WORDS, int(dup._SHINGLE_MULT), word_hash, out, counts)
    return out


def test_the_core_hashes_words_itself():
    assert dup._dupcore.NATIVE_WORD_HASH == 1
    assert dup._native_word_hash() is None


def test_native_blake2b_equals_hashlib_on_all_lengths():
    rng = np.random.default_rng(10)
    words = [bytes(rng.integers(0, 256, n, dtype=np.uint8)).replace(b" ", b"_") for n in range(0, 301)]
    # one word per text: a text of fewer than SHINGLE_WORDS pieces is one shingle, w * mult^(k-1) (mod 2^64),
    # so equal shingles mean equal word hashes (mult is odd)
    got, want = _shingles(words, None), _shingles(words, dup._word_hash_bytes)
    np.testing.assert_array_equal(got, want)
    mult = int(dup._SHINGLE_MULT)
    top = pow(mult, SHINGLE_WORDS - 1, 2**64)
    assert [int(g) for g in got] == [dup._word_hash_bytes(w) * top % 2**64 for w in words]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.characters(blacklist_characters=" ", blacklist_categories=("Cs",)),
                                 max_size=140), min_size=1, max_size=8), min_size=1, max_size=6))
def test_tokens_with_the_native_hash_equal_tokens_with_hashlib(texts):
    column = pa.array([" ".join(t) for t in texts], type=pa.large_string())
    rows = np.arange(len(texts), dtype=np.int64)
    counts = dup._shingle_counts(column, None)
    outs = []
    for word_hash in (None, dup._word_hash_bytes):
        slot_of = np.empty(int(counts.sum()), np.int32)
        size, private = np.empty(len(rows), np.int64), np.empty(len(rows), np.int64)
        hashes, df = dup._dupcore.tokens(dup._chunk_buffers(column), rows, SHINGLE_WORDS, int(dup._SHINGLE_MULT),
                                         word_hash, counts, slot_of, size, private)
        outs.append((hashes, df, slot_of.tolist(), size.tolist(), private.tolist()))
    assert outs[0] == outs[1]
    assert _shingles([" ".join(t).encode() for t in texts], None).tolist() == \
        _shingles([" ".join(t).encode() for t in texts], dup._word_hash_bytes).tolist()
