"""The block paths of reviewtools.sentiment equal the per-review reference bit for bit.

``split_sentences_many`` (numpy over a block of texts) against ``split_sentences`` (one text at a time, kept as the
reference), on adversarial text: abbreviations, initials, list markers, decimals, ellipses, quotes and brackets,
emoji, CJK punctuation, Unicode whitespace and line breaks.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtools import sentiment
from reviewtools.sentiment import load_abbreviations, split_sentences, split_sentences_many

# Pieces that exercise every rule of the splitter (and ASCII-only ones, so the numpy path gets most examples).
_ASCII_PIECES = [
    "a", "b", "A", "B", "I", "x", "ok", "Works", "great", " ", "  ", "\t", "\x0b", "\x0c", "\x1c", "\x1f", "\n",
    "\r", "\r\n", ".", "!", "?", "...", "..", "?!", "!!!", '"', "'", ")", "]", "(", "[", "1", "12", "123", "1234",
    "3.5", "$3.50", "amazon.com", ":)", ":(", "-", ",", "$", "\x00", "\x7f", "e.g.", "i.e.", "No.", "no. 5",
    "etc.", "Dr.", "J.", "J.R.R.", "U.S.", "a.m.", "1.", "(a)", "(b.", "(1", "12.", "Fig. 2", "approx.", "vs.",
    "lbs.", "I.", " 1. ", "A.B.C.D.E.F.G.H.I.", "ST.", "(", '("', "great.Works", "wow!Great", " " * 20,
    "." * 12, ")" * 9, "a" * 25,
]
_OTHER_PIECES = [
    "\u2026", "\u201c", "\u201d", "\u2018", "\u2019", "\u00bb", "\u00ab", "\U0001f600", "\U0001f621\U0001f621",
    "\u3002", "\uff01", "\u2028", "\u2029", "\x85", "\xa0", "\u3000", "\u2009", "\u00c9t\u00e9", "\u00e9", "\u00c9",
    "\u0130", "\u212a", "\u00b2", "\u0663", "caf\u00e9.", "\u4e2d\u6587\u3002", "\u2026Terrible", "\u00bfQu\u00e9?",
]


def _as_lists(texts: list[str]) -> list[list[tuple[int, int]]]:
    owner, start, end = split_sentences_many(texts)
    assert owner.dtype == start.dtype == end.dtype == np.int64
    got: list[list[tuple[int, int]]] = [[] for _ in texts]
    for i, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True):
        got[i].append((a, b))
    return got


_ascii_text = st.lists(st.sampled_from(_ASCII_PIECES), max_size=40).map("".join)
_any_text = st.lists(st.sampled_from(_ASCII_PIECES + _OTHER_PIECES) | st.text(max_size=3), max_size=40).map("".join)


@given(st.lists(_ascii_text, max_size=12))
@settings(max_examples=400, deadline=None)
def test_block_splitter_equals_the_reference_on_ascii_text(texts):
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


@given(st.lists(_ascii_text | _any_text, max_size=12))
@settings(max_examples=300, deadline=None)
def test_block_splitter_equals_the_reference_on_any_text(texts):
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127), max_size=60), max_size=8))
@settings(max_examples=300, deadline=None)
def test_block_splitter_equals_the_reference_on_random_ascii(texts):
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


@pytest.mark.parametrize("abbrev", sorted(load_abbreviations()))
@pytest.mark.parametrize("after", [" 5 more.", " Then more.", " then more.", " (x)", "", "\n2. Next."])
def test_block_splitter_on_every_abbreviation(abbrev, after):
    texts = [f"See {abbrev}.{after}", f"{abbrev.upper()}.{after}", f'("{abbrev}.{after}', f"1. {abbrev}.{after}"]
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


def test_long_runs_are_finished_past_the_vectorised_steps():
    texts = ["Good." + " " * 500 + "Bad.", "Wait" + "." * 300 + " Then", "Ok" + ")" * 200 + "  x", " " * 1000,
             "x." + "\t" * 70 + "\n" + '"' * 40 + "No."]
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


def test_ascii_classes_follow_the_reference_patterns():
    table, opener = sentiment._ascii_classes()
    for code in range(128):
        ch = chr(code)
        bits = int(table[code])
        assert bool(bits & sentiment._K_NL) == (not sentiment._LINE.fullmatch(ch))
        assert bool(bits & sentiment._K_T) == bool(sentiment._TERMINATOR.fullmatch(ch))
        assert bool(opener[code]) == (ch in sentiment._OPENERS)
    # the byte comparisons of the ASCII path: line breaks \n \r, terminators . ! ?
    assert {chr(c) for c in range(128) if table[c] & sentiment._K_NL} == {"\n", "\r"}
    assert {chr(c) for c in range(128) if table[c] & sentiment._K_T} == {".", "!", "?"}


def test_no_texts_and_empty_texts():
    assert [a.tolist() for a in split_sentences_many([])] == [[], [], []]
    assert [a.tolist() for a in split_sentences_many(["", "  ", "\n"])] == [[], [], []]
