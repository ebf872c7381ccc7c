"""``_vadercore.topic_attempts`` since the sixteenth session: a text with characters above U+00FF takes the
Latin-1 path on a copy of its characters as bytes (a word character above U+00FF becomes a non-ASCII word byte
that no literal holds, any other such character a space; the literals are still compared with the text's own
characters where read as code points), when no literal holds a character above U+00FF; such a text keeps no
clause marks, as before. Equal to the plain Python model of ``test_topics_attempts_fast`` (with and without
marks) on texts of Latin-1 and wider word characters (sharing their low byte with a literal's letters, or with
NUL), curly quotes and astral characters, with literals holding non-ASCII Latin-1 word characters (the byte the
copy would use first among them), holding a wider character (the character loop), or every non-ASCII Latin-1
word character (no byte left: the character loop)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_attempts_fast import CORE, WORD, call, call_marks, model, model_marks

needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_attempts"),
                                reason="the native core (reviewtools._vadercore) is not built here")

#: the non-ASCII Latin-1 word characters (\w), in order: the copy's word byte is the first no literal holds
LATIN1_WORD = "".join(c for c in map(chr, range(0x80, 0x100)) if WORD.fullmatch(c))
LIT_ALPHABET = "ab_1\u00aa\u00b2\u00b5\u00e9" + LATIN1_WORD[:3]
#: wider characters: word characters whose low byte is 'b' (U+0162), NUL (U+0100), 0xAA (U+01AA), 0xE9 (U+03E9)
#: or Latin-1 letters, others; non-word ones (curly quote, dash, emoji, ideographic space)
WIDE_WORD = "\u0162\u0100\u01aa\u03e9\u03a9\u0142\U0001d400"
WIDE_OTHER = "\u2019\u201c\u2014\U0001f600\u3000"
TEXT_ALPHABET = LIT_ALPHABET + WIDE_WORD
SEP = [" ", ", ", ". ", "-", "'", "\u2019", " \u201c", "\u2014", "\U0001f600", "\u3000", "! "]

lit_word = st.text(alphabet=LIT_ALPHABET, min_size=1, max_size=10).filter(lambda w: WORD.fullmatch(w) is not None)
text_word = st.text(alphabet=TEXT_ALPHABET, min_size=1, max_size=10).filter(lambda w: WORD.fullmatch(w) is not None)


@st.composite
def case(draw, literal=lit_word):  # type: ignore[no-untyped-def]
    n_units = draw(st.integers(1, 12))
    n_phr = draw(st.integers(1, 8))
    exact = draw(st.lists(literal, min_size=1, max_size=12, unique=True))
    prefix = draw(st.lists(st.sampled_from(exact).map(lambda w: w[: max(1, len(w) // 2)]) | literal,
                           max_size=4, unique=True))
    unit = st.integers(0, n_units - 1)
    exact_units = [draw(st.lists(unit, max_size=4)) for _ in exact]
    prefix_units = [draw(st.lists(unit, max_size=3)) for _ in prefix]
    phrase_units = [draw(st.lists(unit, min_size=1, max_size=4)) for _ in range(n_phr)]
    firsts = [[] for _ in range(n_units)]
    for u in draw(st.lists(unit, max_size=6)):
        firsts[u] = draw(st.lists(st.integers(0, n_phr - 1), min_size=1, max_size=3))
    # a literal with one of its characters made wider (the same low byte, or not): equal to nothing the copy has
    widened = st.sampled_from(exact).map(lambda w: w[:-1] + {"b": "\u0162", "\u00aa": "\u01aa", "\u00e9": "\u03e9"}
                                                   .get(w[-1], "\u0142"))
    pieces = st.sampled_from(exact) | st.sampled_from(prefix or exact) | text_word | widened
    texts = draw(st.lists(st.lists(st.tuples(pieces, st.sampled_from(SEP)), max_size=30)
                          .map(lambda t: "".join(a + b for a, b in t)), max_size=5))
    return texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units


def check(c, marks):
    texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units = c
    assert call(*c) == model(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)
    if marks is not None:
        assert call_marks(*c, marks) == model_marks(texts, exact, exact_units, prefix, prefix_units, firsts,
                                                    phrase_units, marks)


@needs_core
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(), st.sampled_from([None, ".,;:!?", ","]))
@example((["\u01aab \u0162b, \u00aab\u2019 b\u0162 \u00aab"], ["\u00aab", "b"], [[0], [1]], [], [], [[0], []],
          [[0, 1]], 2), ",")
def test_wide_texts_equal_the_model(c, marks):
    check(c, marks)


@needs_core
def test_wide_texts_keep_no_clause_marks():
    """An attempt whose phrase's units are not all in its clause: dropped in a Latin-1 text, kept in a wider one
    (as the character loop did: such a text keeps no marks)."""
    c = (["b\u2019, a", "b', a"], ["a", "b"], [[0], [1]], [], [], [[], [0]], [[0, 1]], 2)
    check(c, ",")
    assert call_marks(*c, ",") == ([0], [0], [0])
    assert call(*c) == ([0, 1], [0, 0], [0, 0])


@needs_core
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(literal=st.text(alphabet=LIT_ALPHABET + "\u0162\u03a9", min_size=1, max_size=6)
            .filter(lambda w: WORD.fullmatch(w) is not None)), st.sampled_from([None, ","]))
def test_literals_with_wider_characters_keep_the_character_loop(c, marks):
    check(c, marks)


@needs_core
@pytest.mark.parametrize("marks", [None, ","])
def test_every_latin1_word_byte_held(marks):
    """No byte left for the copy's word characters: the character loop, the same attempts."""
    exact = [LATIN1_WORD, "b", "\u00aab"]
    texts = ["\u01aab \u0162b, b \u00aab\u2019 " + LATIN1_WORD + " \u0162" + LATIN1_WORD[1:], "b \u0142 \u00aab"]
    c = (texts, exact, [[0], [1], [2]], [], [], [[0], [1], []], [[0, 1], [1, 2]], 3)
    check(c, marks)
    assert call(*c)[0]  # some attempts
