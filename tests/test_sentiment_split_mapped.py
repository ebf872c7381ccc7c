"""``_vadercore.split_mapped`` splits texts that are not all ASCII (one or two bytes per character) with
``split_ascii``'s rules, each non-ASCII character read as a byte standing for its class bits and opener flag
(``sentiment._char_map``); texts with characters kept for numpy (a lower case holding ASCII, e.g. the Kelvin sign),
four bytes per character, or a too long word before a full stop are left to ``_split_block_numpy``. All against
``split_sentences`` per text, and against the numpy block splitter."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import sentiment
from reviewtools.sentiment import split_sentences

CORE = sentiment._native_splitter()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "split_mapped")
                                or sentiment._native_splitter_args() is None,
                                reason="the native mapped splitter is not built")

# ASCII rule material and the non-ASCII characters the rules see: Latin-1 letters and digits (upper, lower, "²"),
# curly quotes (openers and closers), U+2026, the line breaks U+2028/2029, U+0085 and U+00A0 (whitespace, not
# breaks), U+212A (Kelvin: lower case "k") and U+0130 (lower case "i̇"), mojibake pieces, an emoji (four bytes)
_PIECES = ["Dr.", "No.", "etc.", "e.g.", "J.", "R.", "I.", "1.", "(a.", "3.5", "great.Works", "Works", "fine",
           "it", "...", "!", "?!", ".", "\u2026", "\u2026\u201d", "\u201cQuote.\u201d", "\u2018x\u2019", "\u00bb",
           "\u00c9t\u00e9.", "caf\u00e9.", "\u00e9", "\u00c9", "\u00b2", "\u00b3.", "\u00e9tat", "\u00c0 la",
           "\u2028", "\u2029", "\u0085", "\u00a0", "\u212a.", "\u0130.", "\u212aelvin", "\u201a\u00c4\u00f4",
           "\u00e2\u0080\u0099", "\u2013", "\u00a1Hola!", "\U0001f600", ":)", "(1", "12.", " ", "  ", "\n", "\r\n",
           "\t", "A", "a", "Z.", "\u00df.", "\u00b5", "\u00bd"]
_text = st.lists(st.sampled_from(_PIECES), max_size=24).map(" ".join) | st.lists(
    st.sampled_from(_PIECES), max_size=24).map("".join)
_any = st.text(alphabet=st.characters(max_codepoint=0x2100, blacklist_categories=("Cs",)), max_size=60)


def _reference(texts: list[str]) -> list[tuple[int, int, int]]:
    return [(i, a, b) for i, t in enumerate(texts) for a, b in split_sentences(t)]


def _block(texts: list[str]) -> list[tuple[int, int, int]]:
    owner, start, end = sentiment._split_block(texts, False)
    return list(zip(owner.tolist(), start.tolist(), end.tolist(), strict=True))


@needs_core
@given(st.lists(_text | _any, max_size=10))
@settings(max_examples=examples(200), deadline=None)
def test_mapped_splitter_equals_the_reference(texts):
    assert _block(texts) == _reference(texts)


@needs_core
@given(st.lists(_text, min_size=1, max_size=8))
@settings(max_examples=examples(100), deadline=None)
def test_mapped_splitter_equals_the_reference_with_a_fresh_map(texts):
    sentiment._char_map.cache_clear()  # every non-ASCII character unknown: mapped on the way, texts split again
    try:
        assert _block(texts) == _reference(texts)
    finally:
        sentiment._char_map.cache_clear()


@needs_core
def test_texts_the_native_splitter_takes_and_leaves():
    texts = ["Caf\u00e9 ok. Next one\u2026 Then", "Wait\u2026 then more.", "Kelvin \u212a. Next", "Smile \U0001f600. Ok",
             "\u201cQuote.\u201d Next \u2028 line", "x" * 70 + ". Next"]
    cm = sentiment._char_map()
    sentiment._map_chars(cm, set("".join(texts)))
    raw, left = CORE.split_mapped(texts, cm.table, cm.opener, *sentiment._native_splitter_args()[2:], cm.cmap)
    assert sorted(left) == [2, 3, 5]  # Kelvin sign (never mapped), four bytes per character, a 70-letter word
    assert cm.cmap[0x212A] == sentiment._CMAP_NEVER
    spans = np.frombuffer(raw, dtype=np.int64).reshape(-1, 3).tolist()
    want = [[i, a, b] for i, t in enumerate(texts) if i not in (2, 3, 5) for a, b in split_sentences(t)]
    assert spans == want
    assert _block(texts) == _reference(texts)


@needs_core
def test_a_single_ellipsis_character_is_an_ellipsis():
    # "…" then a lower-case word is a pause, not a sentence end (a full stop there would end it)
    texts = ["Wait\u2026 then it broke.", "Wait. then it broke.", "Wait\u2026 Then it broke."]
    assert _block(texts) == _reference(texts) == [(0, 0, 20), (1, 0, 5), (1, 6, 20), (2, 0, 5), (2, 6, 20)]


@needs_core
def test_bad_arguments():
    cm = sentiment._char_map()
    bits, abbreviations = sentiment._native_splitter_args()[2:]
    with pytest.raises(ValueError):
        CORE.split_mapped(["\u00e9"], cm.table[:128], cm.opener, bits, abbreviations, cm.cmap)
    with pytest.raises(ValueError):
        CORE.split_mapped(["\u00e9"], cm.table, cm.opener, bits, abbreviations, cm.cmap[:256])
    assert CORE.split_mapped([1, "Ok. Fine"], cm.table, cm.opener, bits, abbreviations, cm.cmap) == (
        np.array([1, 0, 3, 1, 4, 8], dtype=np.int64).tobytes(), [0])  # not a str: left to the caller
    with pytest.raises(AttributeError):  # as the split by kind raises (str.isascii of each text)
        sentiment.split_sentences_many(["ok", None])  # type: ignore[list-item]
    # abbreviations that do not pack (a key over 8 characters): None, and the block splitter uses numpy
    assert CORE.split_mapped(["\u00e9."], cm.table, cm.opener, bits, {"abcdefghij": 1}, cm.cmap) is None


def test_without_the_native_splitter(monkeypatch):
    monkeypatch.setattr(sentiment, "_native_splitter", lambda: None)
    texts = ["Caf\u00e9 ok. Next one\u2026 Then", "Kelvin \u212a. Next", "Smile \U0001f600. Ok"]
    assert _block(texts) == _reference(texts)
    assert sentiment._split_block_mapped(texts, all_kinds=True) is None


@given(st.lists(_text | _any, max_size=8), st.integers(1, 4))
@settings(max_examples=examples(100), deadline=None)
def test_split_sentences_many_in_blocks_in_order(texts, size):
    # all texts, ASCII or not, in native blocks of `size` texts (joined in order), equal to the reference
    old = sentiment._SPLIT_BLOCK_TEXTS
    sentiment._SPLIT_BLOCK_TEXTS = size  # type: ignore[misc]
    try:
        owner, start, end = sentiment.split_sentences_many(tuple(texts))
    finally:
        sentiment._SPLIT_BLOCK_TEXTS = old  # type: ignore[misc]
    assert list(zip(owner.tolist(), start.tolist(), end.tolist(), strict=True)) == _reference(texts)
