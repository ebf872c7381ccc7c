"""``_vadercore.topic_attempts`` since the fifteenth session: a text's seen units are a bit set (one bit per unit,
at least 8 words of 64 bits, more when there are 512 units or more) that a fast exact literal's word ORs its
units' set into, and a fast literal's pending entry is written without a test (kept when the literal begins a
phrase). Equal to the plain Python model of ``test_topics_attempts_fast`` (with and without marks) with unit
numbers on both sides of every 64-bit word's edge, up to past 512 (the general-width loop), literals with many
units (more than 4, the old per-unit stamping's loop) and phrases of more than 4 units."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_attempts_fast import CORE, WORD, call, call_marks, model, model_marks

needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_attempts"),
                                reason="the native core (reviewtools._vadercore) is not built here")

ALPHABET = "abyzAZ09_é\u0162"
NON_WORD = [" ", ", ", ". ", "-", "'", "\u00a0", "! "]
word = st.text(alphabet=ALPHABET, min_size=1, max_size=10).filter(lambda w: WORD.fullmatch(w) is not None)


@st.composite
def case(draw):  # type: ignore[no-untyped-def]
    n_units = draw(st.sampled_from([1, 63, 64, 65, 127, 128, 511, 512, 513, 700, 1100]))
    edges = sorted({u for k in range(0, n_units + 64, 64) for u in (k - 1, k, k + 1) if 0 <= u < n_units})
    unit = st.sampled_from(edges) | st.integers(0, n_units - 1)
    n_phr = draw(st.integers(1, 8))
    exact = draw(st.lists(word, min_size=1, max_size=12, unique=True))
    prefix = draw(st.lists(word, max_size=3, unique=True))
    exact_units = [draw(st.lists(unit, max_size=draw(st.sampled_from([3, 14])))) for _ in exact]
    prefix_units = [draw(st.lists(unit, max_size=3)) for _ in prefix]
    phrase_units = [draw(st.lists(unit, max_size=draw(st.sampled_from([2, 7])))) for _ in range(n_phr)]
    # the units that begin phrases: a few, so that the attempts are many
    firsts = [[] for _ in range(n_units)]
    for u in draw(st.lists(unit, max_size=6)):
        firsts[u] = draw(st.lists(st.integers(0, n_phr - 1), min_size=1, max_size=3))
    pieces = st.sampled_from(exact) | st.sampled_from(prefix or exact) | word
    texts = draw(st.lists(st.lists(st.tuples(pieces, st.sampled_from(NON_WORD)), max_size=30)
                          .map(lambda t: "".join(a + b for a, b in t)), max_size=5))
    return texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units


@needs_core
@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(), st.sampled_from([None, ".,;:!?", ","]))
@example((["ab cd ef, ab ef cd. cd ab ef", "ef cd ab"], ["ab", "cd", "ef"], [[0, 63, 64, 600, 601, 2], [511, 512],
          [1, 5, 9, 13, 700]], [], [], [[0]] + [[] for _ in range(1099)], [[0, 512, 700], [0, 64, 511, 600, 1, 9]],
          1100), ",")
def test_unit_bit_sets_equal_the_model(c, marks):
    texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units = c
    want = model(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)
    assert call(*c) == want
    if marks is not None:
        assert call_marks(*c, marks) == model_marks(texts, exact, exact_units, prefix, prefix_units, firsts,
                                                    phrase_units, marks)


@needs_core
@pytest.mark.parametrize("n_units", [8, 64, 511, 512, 1000])
def test_units_seen_by_other_texts_do_not_count(n_units):
    """Each text starts from no units seen: a phrase whose units are spread over two texts is no attempt, whatever
    the width of the set (the bit sets are cleared per text)."""
    top = n_units - 1
    exact, exact_units = ["ab", "cd", "ef"], [[0], [top], [0, top]]
    firsts = [[] for _ in range(n_units)]
    firsts[0] = [0]
    phrase_units = [[0, top]]
    texts = ["ab", "cd", "ab cd", "cd", "ab", "ef", "x"]
    c = (texts, exact, exact_units, [], [], firsts, phrase_units, n_units)
    assert call(*c) == model(texts, exact, exact_units, [], [], firsts, phrase_units) == ([2, 5], [0, 0], [0, 0])


@needs_core
@pytest.mark.parametrize("n_units", [3, 600])
def test_clause_units_per_pending_word(n_units):
    """Each pending word's clause is its own: the units of the words from it up to the next mark (not those of an
    earlier pending word of the same clause), a word matching a prefix literal counting as every unit."""
    exact, exact_units = ["ab", "cd", "ef"], [[0], [1], [n_units - 1]]
    prefix, prefix_units = ["pq"], [[1]]
    firsts = [[] for _ in range(n_units)]
    firsts[0] = [0, 1]
    phrase_units = [[0, 1], [0, n_units - 1]]
    texts = ["ab cd ab ef, cd", "ab ef ab cd, ef", "ab pqr ab, cd ef", "ab ab ab. ef cd", "cd ab ef ab ab cd"]
    c = (texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units)
    for marks in (",", ".,", ".,;:!?"):
        got = call_marks(*c, marks)
        assert got == model_marks(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, marks)
        assert len(got[0]) >= 6
