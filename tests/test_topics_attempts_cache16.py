"""``_vadercore.topic_attempts`` since the sixteenth session: which phrases of an exact literal (of at most 64
phrases) are candidates in a text is worked out at the literal's first pending word in that text (a bit per
phrase, in order) and read by its other pending words, each of which still makes its own clause check; a literal
of more phrases keeps the per-word loop. Equal to the plain Python model of ``test_topics_attempts_fast`` (with
and without marks) on texts that repeat few literals many times, whose candidates change from one text to the
next, with literals of 1..130 phrases (63, 64 and 65 on both sides of the bit set's width), repeated phrases and
phrases of more than 4 units."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_attempts_fast import CORE, call, call_marks, model, model_marks

needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_attempts"),
                                reason="the native core (reviewtools._vadercore) is not built here")

WORDS = ["ab", "cd", "ef", "gh", "ijklmnopq"]


@st.composite
def case(draw):  # type: ignore[no-untyped-def]
    n_units = draw(st.integers(2, 10))
    unit = st.integers(0, n_units - 1)
    exact = WORDS[: draw(st.integers(2, len(WORDS)))]
    exact_units = [draw(st.lists(unit, min_size=1, max_size=3)) for _ in exact]
    n_phr = draw(st.sampled_from([3, 40, 140]))
    phrase_units = [draw(st.lists(unit, min_size=1, max_size=draw(st.sampled_from([2, 6])))) for _ in range(n_phr)]
    firsts = [[] for _ in range(n_units)]
    for u in draw(st.lists(unit, min_size=1, max_size=4)):
        many = draw(st.sampled_from([1, 3, 63, 64, 65, 130]))
        firsts[u] = draw(st.lists(st.integers(0, n_phr - 1), min_size=min(many, n_phr), max_size=min(many, n_phr)))
    sep = st.sampled_from([" ", ", ", ". ", " x "])
    texts = draw(st.lists(st.lists(st.tuples(st.sampled_from(exact), sep), max_size=25)
                          .map(lambda t: "".join(a + b for a, b in t)), max_size=6))
    return texts, exact, exact_units, [], [], firsts, phrase_units, n_units


@needs_core
@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(), st.sampled_from([None, ".,", ","]))
@example((["ab ab cd ab", "ab ab", "cd ab, ab cd"], ["ab", "cd"], [[0], [1]], [], [], [[0, 1], []],
          [[0, 1], [0]], 2), ",")
def test_literal_candidates_once_per_text_equal_the_model(c, marks):
    texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, _n = c
    assert call(*c) == model(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)
    if marks is not None:
        assert call_marks(*c, marks) == model_marks(texts, exact, exact_units, prefix, prefix_units, firsts,
                                                    phrase_units, marks)


@needs_core
@pytest.mark.parametrize("many", [63, 64, 65, 130])
def test_wide_literals_every_phrase_bit(many):
    """A literal beginning ``many`` phrases, every other one a candidate: the attempts at each of its words."""
    n_units = 3
    phrase_units = [[0] if p % 2 == 0 else [0, 2] for p in range(many)]
    firsts = [list(range(many)), [], []]
    texts = ["ab cd ab", "cd ab ab ab", "ab zz", "ef ab"]
    c = (texts, ["ab", "cd", "ef"], [[0], [1], [2]], [], [], firsts, phrase_units, n_units)
    want = model(texts, ["ab", "cd", "ef"], [[0], [1], [2]], [], [], firsts, phrase_units)
    assert call(*c) == want
    assert call_marks(*c, ",") == model_marks(texts, ["ab", "cd", "ef"], [[0], [1], [2]], [], [], firsts,
                                              phrase_units, ",")
    assert want[2].count(many - 1) == (1 if (many - 1) % 2 == 0 else 0) * 7 + (1 if (many - 1) % 2 else 0)
