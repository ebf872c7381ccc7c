"""``_vadercore.split_ascii`` finds line breaks and terminators 16 bytes at a time (SSE2) and runs the splitting
rules only at those bytes; the byte loop stays for the tail of a text, for tables whose classes hold more than
four bytes, and where SSE2 is not built. Both paths against each other and against ``split_sentences`` on text
with terminators and breaks at every offset around the 16-byte blocks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import sentiment
from reviewtools.sentiment import split_sentences, split_sentences_many

CORE = sentiment._native_splitter()
needs_core = pytest.mark.skipif(CORE is None or sentiment._native_splitter_args() is None,
                                reason="the native splitter is not built")

_BITS = dict(zip(("ws", "nl", "t"), range(3)))


def _spans(result, n):  # type: ignore[no-untyped-def]
    raw, left = result
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for o, a, b in np.frombuffer(raw, dtype=np.int64).reshape(-1, 3).tolist():
        out[o].append((a, b))
    for i in left:
        out[i] = None  # type: ignore[call-overload]
    return out


def _scalar_args():  # type: ignore[no-untyped-def]
    """The splitter's arguments with bytes 1-5 (never in the texts here) added to the line-break and terminator
    classes: more than four bytes each, so split_ascii takes its byte loop with the same result on these texts."""
    table, opener, bits, abbreviations = sentiment._native_splitter_args()
    table = table.copy()
    for b in range(1, 6):
        table[b] |= bits[1] | bits[2]
    return table, opener, bits, abbreviations


def _no_terminator_args():  # type: ignore[no-untyped-def]
    """No byte is a terminator (an empty set: the fast path returns at once) vs. only bytes 1-5 are (the byte loop)."""
    table, opener, bits, abbreviations = sentiment._native_splitter_args()
    none = table.copy()
    for b in range(128):
        none[b] &= ~bits[2] & 0xFFFF
    absent = none.copy()
    for b in range(1, 6):
        absent[b] |= bits[2]
    return (none, opener, bits, abbreviations), (absent, opener, bits, abbreviations)


def _check(texts: list[str]) -> None:
    args = sentiment._native_splitter_args()
    fast = CORE.split_ascii(texts, *args)
    assert fast == CORE.split_ascii(texts, *_scalar_args())
    want = [split_sentences(t) for t in texts]
    got = _spans(fast, len(texts))
    for i, spans in enumerate(got):
        if spans is not None:  # left to Python: a word too long for the native buffer
            assert spans == want[i], texts[i]
    none, absent = _no_terminator_args()
    assert CORE.split_ascii(texts, *none) == CORE.split_ascii(texts, *absent)


_TERMS = [".", "!", "?", "...", "?!", "!!!", ".)", '."', "\n", "\r", "\r\n", "\n\n", "\t", ". ", "? ", "!\n", ".\r\n"]
_FILL = ["a", "x", " ", "A", "1", "\t", "e.g", "Dr", "(a"]


@needs_core
@pytest.mark.parametrize("term", _TERMS)
def test_terminators_at_every_offset_around_the_blocks(term):
    texts = []
    for k in range(0, 50):
        for fill in _FILL:
            head = (fill * 50)[:k]
            for tail in ["", " Next one", " next", "Works great", " 5 more", "  \t ", "x" * 20 + ". End."]:
                texts.append(head + term + tail)
                texts.append(head + term + tail + term)
    _check(texts)


@needs_core
def test_short_texts_and_runs():
    texts = ["", ".", "!", "\n", "\r\n", " ", "a.", "A. B.", "ok!", "\t\t.", "." * 15, "." * 16, "." * 17,
             "!" * 33, "?\n" * 20, "a" * 15 + ".", "a" * 16 + ".", "a" * 17 + ".", "\r" * 31, "\n" * 16 + "a. b",
             ("Great. " * 40).strip(), "No. 5 is fine.Works. " * 9]
    _check(texts)


_piece = st.one_of(st.sampled_from(_TERMS + _FILL + [" ", "  ", "Works", "no.", "U.S.", "etc.", ")", '"']),
                   st.integers(0, 40).map(lambda n: "w" * n), st.integers(0, 40).map(lambda n: " " * n),
                   st.text(alphabet="ab .!?\n\r\t)'\"AZ19(", max_size=20))


@needs_core
@given(st.lists(st.lists(_piece, max_size=30).map("".join), max_size=10))
@settings(max_examples=examples(150), deadline=None)
def test_simd_and_byte_loop_equal_the_reference(texts):
    _check(texts)


@given(st.lists(st.lists(_piece | st.sampled_from(["\u00e9.", "\u2026", "caf\u00e9. Ok", "\u3002", "\x85"]),
                         max_size=30).map("".join), max_size=10))
@settings(max_examples=examples(100), deadline=None)
def test_mixed_ascii_and_non_ascii_blocks_equal_the_reference(texts):
    owner, start, end = split_sentences_many(texts)
    got: list[list[tuple[int, int]]] = [[] for _ in texts]
    for i, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True):
        got[i].append((a, b))
    assert got == [split_sentences(t) for t in texts]
