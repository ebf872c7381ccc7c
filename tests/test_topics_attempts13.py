"""``_vadercore.topic_attempts`` since the thirteenth session: a Latin-1 text's word edges found 64 bytes at a
time (SSE2 compares for all-ASCII 16-byte pieces, the table for a piece with a byte >= 128, the tail byte by
byte), the next clause mark found 16 bytes at a time (at most 8 distinct marks; more: byte by byte), and prefix
literals tried only for words whose first two bytes begin one (when every prefix literal has two Latin-1 first
characters; else the first byte's table). Equal to the plain Python model of ``test_topics_attempts_fast`` (with
and without marks) on long texts whose words, non-word bytes (ASCII punctuation around the letter and digit
ranges, controls, DEL, NBSP, Latin-1 letters and signs) and marks fall at every place of the 16- and 64-byte
pieces, with prefix literals of one character, of a non-Latin-1 second character and of two or more."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_attempts_fast import CORE, WORD, call, call_marks, model, model_marks

needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_attempts"),
                                reason="the native core (reviewtools._vadercore) is not built here")

ALPHABET = "abyzAZ09_é\u00aa\u00b5\u00ba\u00ff\u0162"
# bytes next to the SSE2 ranges and other non-word characters
NON_WORD = [" ", "@", "[", "`", "{", "/", ":", "^", "\x7f", "\x00", "\x1f", "\u00a0", "\u00d7", "\u00f7", "-", "'",
            "\u00bf", ". ", ", ", "! ", "? ", "; ", ": ", "(", ")"]
word = st.text(alphabet=ALPHABET, min_size=1, max_size=12).filter(lambda w: WORD.fullmatch(w) is not None)


@st.composite
def case(draw):  # type: ignore[no-untyped-def]
    n_units = draw(st.integers(1, 10))
    n_phr = draw(st.integers(1, 8))
    exact = draw(st.lists(word, min_size=1, max_size=14, unique=True))
    prefix = draw(st.lists(st.sampled_from(exact).map(lambda w: w[: max(1, len(w) - 1)]) | word,
                           max_size=draw(st.sampled_from([4, 10])), unique=True))
    unit = st.integers(0, n_units - 1)
    exact_units = [draw(st.lists(unit, max_size=6)) for _ in exact]
    prefix_units = [draw(st.lists(unit, max_size=3)) for _ in prefix]
    phrase_units = [draw(st.lists(unit, max_size=6)) for _ in range(n_phr)]
    firsts = [draw(st.lists(st.integers(0, n_phr - 1), max_size=3)) for _ in range(n_units)]
    pieces = st.sampled_from(exact) | st.sampled_from(prefix or exact) | word
    texts = draw(st.lists(
        st.tuples(st.integers(0, 70), st.lists(st.tuples(pieces, st.sampled_from(NON_WORD)), max_size=40))
        .map(lambda t: " " * t[0] + "".join(a + b for a, b in t[1])), max_size=5))
    return texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units


MARKS = st.sampled_from([None, ".,;:!?", ",", ".,;:!?()[", ".,;:!?()[{@"])  # 9 and 11 marks: byte by byte


@needs_core
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(), MARKS)
@example((["the delays, " * 9 + "pixel. delayed", "x" * 63 + " de " + "é" * 70 + " delay"], ["the", "pixel", "de"],
          [[0], [1], [2]], ["delay", "d", "pi"], [[3], [0], [1]], [[0], [1], [], []], [[0, 3], [1]], 4), ".,")
def test_long_texts_equal_the_model(c, marks):
    texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units = c
    assert call(*c) == model(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)
    if marks is not None:
        assert call_marks(*c, marks) == model_marks(texts, exact, exact_units, prefix, prefix_units, firsts,
                                                    phrase_units, marks)


@needs_core
@pytest.mark.parametrize("at", range(0, 140, 3))
@pytest.mark.parametrize("filler", ["x", " ", "é", "\u00d7", "_"])
def test_every_offset_of_the_pieces(at, filler):
    """A phrase's two words at every offset of the 16/64-byte pieces after a filler run, a clause mark after or
    between them."""
    exact, exact_units = ["ab", "cd"], [[0], [1]]
    prefix, prefix_units = ["efg", "h"], [[2], [3]]
    firsts, phrase_units = [[0], [1], [2], [3]], [[0, 1], [1], [2, 1], [3]]
    for tail in (" ab cd", " ab, cd", " efgh cd.", " hx ab", "ab cd"):
        texts = [filler * at + tail, filler * at + tail + " " + filler * (140 - at)]
        c = (texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, 4)
        assert call(*c) == model(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)
        for marks in (",.", ".,;:!?()[{@"):
            assert call_marks(*c, marks) == model_marks(texts, exact, exact_units, prefix, prefix_units, firsts,
                                                        phrase_units, marks)
