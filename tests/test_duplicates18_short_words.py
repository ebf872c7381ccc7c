"""The native core's short words (session 18: ``shingle_text`` looks a word of 1-8 bytes, none of them 0, up in a
table of 16-byte entries keyed by its zero-padded bytes alone, other pieces in the Word table as before): the
shingles of ``_dupcore.shingles`` and ``_dupcore.tokens`` still equal the numpy path's. The words that the short
key could confuse if it were built wrongly differ only by zero bytes (``ab``, ``ab\\x00``, ``a\\x00b``,
``\\x00ab``), sit at the 8/9-byte edge, or carry bytes >= 0x80 (a signed compare); thousands of distinct short
words make the table grow; a Python ``word_hash`` is still called once per distinct word, in order of first
appearance. Skipped where the optional C module is not built.
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


# (the helpers of test_duplicates_pieces13.py: the numpy path's shingles against shingles() and tokens())
def _want(texts: list[bytes]) -> np.ndarray:
    """The numpy path: the pieces by bytes.split, hashed by Python, shingled by _shingles_of_words."""
    parts = []
    for t in texts:
        words = t.split(b" ")
        wh = np.array([dup._word_hash_bytes(w) for w in words], dtype=np.uint64)
        h, _ = dup._shingles_of_words(wh, np.array([len(words)], dtype=np.int64))
        parts.append(h)
    return np.concatenate(parts) if parts else np.zeros(0, np.uint64)


def _counts(texts: list[bytes]) -> np.ndarray:
    return np.array([max(len(t.split(b" ")) - SHINGLE_WORDS + 1, 1) for t in texts], np.int64)


def _shingles(texts: list[bytes], tail: bytes = b"") -> np.ndarray:
    """_dupcore.shingles of the texts laid back to back (then ``tail``, which no text covers)."""
    data = b"".join(texts) + tail
    off = np.concatenate(([0], np.cumsum([len(t) for t in texts]))).astype(np.int64)
    counts = _counts(texts)
    out = np.empty(int(counts.sum()), np.uint64)
    dup._dupcore.shingles(data, off, SHINGLE_WORDS, int(dup._SHINGLE_MULT), None, out, counts)
    return out


def _tokens_hashes(texts: list[bytes]) -> list[int]:
    """Each occurrence's shingle hash as _dupcore.tokens saw it (its token's hash), repeats in a text left out."""
    off = np.concatenate(([0], np.cumsum([len(t) for t in texts]))).astype(np.int64)
    column = pa.Array.from_buffers(pa.large_string(), len(texts), [None, pa.py_buffer(off.tobytes()),
                                                                   pa.py_buffer(b"".join(texts))])  # (not checked)
    rows = np.arange(len(texts), dtype=np.int64)
    counts = _counts(texts)
    slot_of = np.empty(int(counts.sum()), np.int32)
    size, private = np.empty(len(rows), np.int64), np.empty(len(rows), np.int64)
    hashes, _ = dup._dupcore.tokens(dup._chunk_buffers(column), rows, SHINGLE_WORDS, int(dup._SHINGLE_MULT), None,
                                    counts, slot_of, size, private)
    h = np.frombuffer(hashes, dtype=np.uint64)
    return [int(h[i]) if i >= 0 else -1 for i in slot_of.tolist()]


def _tokens_want(texts: list[bytes]) -> list[int]:
    out: list[int] = []
    for t in texts:
        seen = set()
        for x in _want([t]).tolist():
            out.append(-1 if x in seen else x)
            seen.add(x)
    return out


def _check(texts: list[bytes]) -> None:
    want = _want(texts)
    np.testing.assert_array_equal(_shingles(texts), want)
    np.testing.assert_array_equal(_shingles(texts, tail=b" x  y " * 3), want)  # spaces after the last text
    assert _tokens_hashes(texts) == _tokens_want(texts)

#: words whose zero-padded first 8 bytes are equal or nearly so: only the zero-byte test keeps them apart
_CLASHES = [b"ab", b"ab\x00", b"ab\x00\x00", b"a\x00b", b"\x00ab", b"\x00", b"\x00\x00", b"a", b"abcdefgh",
            b"abcdefgh\x00", b"abcdefg\x00", b"abcdefghi", b"\x80", b"ab\x80", b"\xff" * 8, b"\xff" * 9,
            b"\x01" * 8, b"\x7f\x80", "\u00e9t\u00e9".encode()]


def test_words_that_differ_by_zero_bytes():
    _check([b" ".join(_CLASHES)])
    _check([b" ".join(reversed(_CLASHES)), b" ".join(_CLASHES[::2]) + b" " + b" ".join(_CLASHES[1::2])])
    for w in _CLASHES:
        _check([w, b"x " + w + b" y z " + w, b" " + w + b"  " + w])


def test_many_distinct_short_words_grow_the_table():
    rng = np.random.default_rng(18)
    words = sorted({bytes(rng.integers(1, 256, size=int(rng.integers(1, 9)), dtype=np.uint8)).replace(b" ", b"_")
                    for _ in range(12000)})
    rng.shuffle(words)
    texts = [b" ".join(words[i:i + 40]) for i in range(0, len(words), 40)]
    texts += [b" ".join(words[i:i + 40][::-1]) for i in range(0, len(words), 40)]  # each word seen again
    _check(texts)
    # a word the table has is never hashed again, across its growths (a lost entry would ask word_hash twice)
    data = b"".join(texts)
    off = np.concatenate(([0], np.cumsum([len(t) for t in texts]))).astype(np.int64)
    counts = _counts(texts)
    calls: list[bytes] = []

    def word_hash(w: bytes) -> int:
        calls.append(bytes(w))
        return dup._word_hash_bytes(w)

    out = np.empty(int(counts.sum()), np.uint64)
    dup._dupcore.shingles(data, off, SHINGLE_WORDS, int(dup._SHINGLE_MULT), word_hash, out, counts)
    assert calls == list(dict.fromkeys(w for t in texts for w in t.split(b" ")))


def test_python_word_hash_called_once_per_word_in_first_order():
    texts = [b"ab ab\x00 ab abcdefgh abcdefghi ab\x00 \x00ab", b"abcdefghi ab x ab\x00 y abcdefgh z"]
    data = b"".join(texts)
    off = np.concatenate(([0], np.cumsum([len(t) for t in texts]))).astype(np.int64)
    counts = _counts(texts)
    calls: list[bytes] = []

    def word_hash(w: bytes) -> int:
        calls.append(bytes(w))
        return dup._word_hash_bytes(w)

    out = np.empty(int(counts.sum()), np.uint64)
    dup._dupcore.shingles(data, off, SHINGLE_WORDS, int(dup._SHINGLE_MULT), word_hash, out, counts)
    want = list(dict.fromkeys(w for t in texts for w in t.split(b" ")))
    assert calls == want
    native = np.empty_like(out)
    dup._dupcore.shingles(data, off, SHINGLE_WORDS, int(dup._SHINGLE_MULT), None, native, counts)
    np.testing.assert_array_equal(out, native)


@settings(max_examples=examples(120), deadline=None)
@given(st.lists(st.lists(st.sampled_from(_CLASHES + [b"", b"the", b"x" * 17]), max_size=25), min_size=1,
                max_size=6))
def test_clashing_word_lists(texts):
    _check([b" ".join(t) for t in texts])


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.binary(max_size=60).map(lambda b: b.replace(b"\x01", b" ")), min_size=1, max_size=6))
def test_any_bytes_with_zeros(texts):
    _check(texts)
