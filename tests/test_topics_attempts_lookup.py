"""``_vadercore.topic_attempts``' word look-ups since the tenth session: the exact literals of 1-8 Latin-1
characters found by the word's bytes as one integer (a table without NUL-holding literals, which no word
equals), a few prefix literals (at most 8) compared one by one instead of hashed (the hashed path for more, or
when one has a character outside Latin-1 in its first 8), each literal's units stamped once per text, and a
literal's later pending words skipped once none of its phrases is a candidate in the text, a phrase of at most
4 units checked as 4 loads (padded with an always-seen unit), more by the loop, a literal's units stamped the
same way, and prefix literals tried only for words whose first byte begins one. Equal to the plain
Python model of ``test_topics_attempts_fast`` (with and without marks) on tables that take each path."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_attempts_fast import CORE, WORD, call, call_marks, model, model_marks

needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_attempts"),
                                reason="the native core (reviewtools._vadercore) is not built here")

ALPHABET = "abcdé\u0162_1"
word = st.text(alphabet=ALPHABET, min_size=1, max_size=13).filter(lambda w: WORD.fullmatch(w) is not None)


@st.composite
def case(draw):  # type: ignore[no-untyped-def]
    n_units = draw(st.integers(1, 10))
    n_phr = draw(st.integers(1, 8))
    exact = draw(st.lists(word, min_size=1, max_size=14, unique=True))
    exact += draw(st.sampled_from([[], ["a\x00"], ["\x00"], ["ab\x00c"]]))  # never equal to a word
    # up to 12 prefix literals (more than 8: the hashed path), some longer than 8 characters
    prefix = draw(st.lists(st.sampled_from(exact).map(lambda w: w[: max(1, len(w) - 1)]) | word,
                           max_size=12, unique=True))
    unit = st.integers(0, n_units - 1)
    exact_units = [draw(st.lists(unit, max_size=6)) for _ in exact]  # > 4 distinct: stamped by the loop
    prefix_units = [draw(st.lists(unit, max_size=3)) for _ in prefix]
    phrase_units = [draw(st.lists(unit, max_size=6)) for _ in range(n_phr)]  # > 4: the loop, not 4 loads
    firsts = [draw(st.lists(st.integers(0, n_phr - 1), max_size=3)) for _ in range(n_units)]
    pieces = st.sampled_from(exact) | st.sampled_from(prefix or exact) | word
    texts = draw(st.lists(
        st.lists(st.tuples(pieces, st.sampled_from([" ", ", ", ". ", "-", "\n", "\x00", "\u00a0"])), max_size=14)
        .map(lambda ps: "".join(a + b for a, b in ps)), max_size=6))
    return texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units


@needs_core
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(), st.sampled_from([None, ".,;:!?", ","]))
def test_lookups_equal_the_model(c, marks):
    texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units = c
    want = model(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)
    assert call(*c) == want
    if marks is not None:
        assert call_marks(*c, marks) == model_marks(texts, exact, exact_units, prefix, prefix_units, firsts,
                                                    phrase_units, marks)


@needs_core
@pytest.mark.parametrize("n_prefix", [1, 8, 9])
def test_prefix_literals_direct_and_hashed(n_prefix):
    """Prefix literals of 1, 5, 8, 9 and 11 characters (and a non-Latin-1 one), 8 of them (compared) or 9
    (hashed); words shorter, equal to and longer than each; and 8/9-character exact literals at the bound of
    the one-integer table."""
    pool = ["malfunction", "delay", "pixelated", "vomit", "abcdefgh", "z", "x\u0162yz", "refunded", "qq"]
    prefix = pool[:n_prefix]
    prefix_units = [[k % 3] for k in range(n_prefix)]
    exact = ["abcdefgh", "abcdefghi", "refund", "delay", "the", "malfunctio"]
    exact_units = [[0], [1], [2], [1, 2], [0, 1], [2]]
    firsts = [[0, 1], [2], [1]]
    phrase_units = [[0], [0, 1], [1, 2]]
    texts = ["the malfunction malfunctions malfunctio delayed delay dela pixelated pixel",
             "abcdefgh abcdefghi abcdefghij zebra z x\u0162yzw refunded refund, vomiting qqq",
             "the THE delay.\u00e9t\u00e9 abcdefgh", "x\u0162yz the delays ab\u0162", ""]
    args = (texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)
    want = model(*args)
    assert call(*args, 3) == want and len(want[0]) > 10
    assert call_marks(*args, 3, ".,") == model_marks(*args, ".,")


@needs_core
def test_a_literal_with_no_candidate_phrase_and_a_later_one_with_one():
    """'not' begins phrases 0 and 1; in the first text none is a candidate (its later 'not's are skipped), in
    the second phrase 1 is, at every 'not'; the stamps of one text do not leak into the next."""
    exact = ["not", "refund", "late", "word"]
    exact_units = [[0], [1], [2], [3]]
    firsts = [[0, 1], [], [], []]
    phrase_units = [[0, 1], [0, 2]]
    texts = ["not word not word not", "not late, not word not late", "not refund", "not", "word not late"]
    args = (texts, exact, exact_units, [], [], firsts, phrase_units)
    want = model(*args)
    assert call(*args, 4) == want
    assert want[0] == [1, 1, 1, 2, 4]
    assert call_marks(*args, 4, ",") == model_marks(*args, ",")


@needs_core
def test_phrases_of_zero_to_six_units():
    """Phrases of 0, 1, 4 (one repeated), 5 and 6 units: the padded four-load check and the loop agree with
    the model, whichever units a text lacks."""
    exact = ["a", "b", "c", "d", "e", "f"]
    exact_units = [[0], [1], [2], [3], [4], [5]]
    phrase_units = [[], [0], [0, 1, 2, 3], [0, 1, 1, 3], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5], [5, 0, 2, 4, 1]]
    firsts = [[0, 1, 2, 3, 4, 5, 6], [], [], [], [], []]
    texts = ["a b c d e f", "a b c d", "a b d", "a b c d e", "f a c e b", "a", "b c d e f", "a, b c d e f a"]
    args = (texts, exact, exact_units, [], [], firsts, phrase_units)
    want = model(*args)
    assert call(*args, 6) == want and len(want[0]) > 15
    assert call_marks(*args, 6, ",") == model_marks(*args, ",")
