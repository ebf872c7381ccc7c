"""The native core's pieces of a text (session 13: ``shingle_text`` finds the spaces 16 bytes at a time with SSE2
instead of one piece's end after the other) are ``bytes.split(b" ")``'s: every shingle of ``_dupcore.shingles``
and ``_dupcore.tokens`` equals the numpy path's ``_shingles_of_words`` over those pieces' word hashes. The texts
cover empty pieces (leading, trailing and doubled spaces), the 16-byte block edges, words of 0-40 bytes (the key's
8-byte steps), texts that end at the very end of the data buffer (the last block is read through a copy) and texts
followed by one that starts with a space (a space past a text's end must not count). Skipped where the optional C
module is not built.
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


def test_empty_pieces_and_empty_texts():
    _check([b"", b" ", b"  ", b"a", b" a", b"a ", b"a  b", b"  a  b  c  ", b"a b c d e f", b""])


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 100])
def test_texts_across_the_block_edges(n):
    rng = np.random.default_rng(n)
    for _ in range(20):
        raw = rng.choice(np.frombuffer(b"ab  c\xc3\xa9x", dtype=np.uint8), size=n)
        t = bytes(raw)
        _check([t])  # alone: it ends at the end of the buffer
        _check([t, b" " + t, t + b" ", t])  # a next text that starts with a space


@pytest.mark.parametrize("length", list(range(0, 41)))
def test_word_lengths(length):
    w = bytes((97 + i % 26) for i in range(length))
    _check([w, b"x " + w + b" y", w + b" " + w + b" " + w + b" " + w, b" " + w])


def test_the_space_is_the_only_separator():
    # bytes that an SSE2 compare could confuse with a space in a signed or masked test: 0x00, 0xA0, 0x21, 0x1F
    _check([b"a\x00b c\xa0d e!f g\x1fh", b"\xa0 \xa0", b"\x00 \x00 \x00 \x00", b"\x20\xa0\x20"])


@settings(max_examples=examples(250), deadline=None)
@given(st.lists(st.binary(max_size=90).map(lambda b: b.replace(b"\x00", b" ")), min_size=1, max_size=8))
def test_any_bytes(texts):
    _check(texts)


@settings(max_examples=examples(120), deadline=None)
@given(st.lists(st.lists(st.sampled_from([b"", b"a", b"bb", b"the", b"abcdefgh", b"abcdefghi", b"x" * 17,
                                          "\u00e9t\u00e9".encode()]), max_size=30), min_size=1, max_size=6))
def test_word_lists(texts):
    _check([b" ".join(t) for t in texts])
