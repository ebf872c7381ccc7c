"""``_vadercore.topic_attempts`` after its word scan found each Latin-1 text's word edges in one branch-free pass
and hashed words 8 characters at a time from their low bytes: still equal to the numpy path
(``_candidate_attempts(..., native=False)``) on texts made of the index's own literals (exact and prefix ones,
cut, run on, glued to other word characters), characters whose low byte equals a literal's letter (U+0162 'Ţ'
is 0x62 'b' in its low byte: hash collisions that only the comparison of whole code points tells apart), words
of 1-30 characters, at the very start and end of texts, and every separator class."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import topics
from reviewtools.vader import native_module

CORE = native_module()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_attempts"),
                                reason="the native core (reviewtools._vadercore) is not built here")

IX = topics._phrase_index(None)
LITERALS = sorted(set(IX.exact_units) | set(IX.prefix_units))
# same low byte as an ASCII letter or digit, but another character (and some Latin-1 word characters)
LOOKALIKES = [chr(0x100 + c) for c in b"abdeinorstuy"] + [chr(0x1000 + c) for c in b"aeno"] + ["é", "ß", "ÿ", "µ", "²"]

piece = st.one_of(
    st.sampled_from(LITERALS),
    st.sampled_from(LITERALS).map(lambda w: w[: max(1, len(w) // 2)]),
    st.builds(lambda a, b: a + b, st.sampled_from(LITERALS), st.sampled_from(LITERALS)),
    st.builds(lambda a, b: a + b, st.sampled_from(LITERALS), st.text(alphabet="xyz0_é", min_size=1, max_size=12)),
    st.builds(lambda w, k, c: w[:k] + c + w[k + 1 :], st.sampled_from(LITERALS), st.integers(0, 12),
              st.sampled_from(LOOKALIKES)),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=30),
)
sep = st.sampled_from([" ", " ", ". ", ", ", "'", "-", "\n", "!?", "\u00a0", "\u2019", "", "_", "\u4e2d"])


@st.composite
def text(draw):  # type: ignore[no-untyped-def]
    parts = draw(st.lists(st.tuples(piece, sep), max_size=25))
    return draw(st.sampled_from(["", " ", "_"])) + "".join(p + s for p, s in parts)


@needs_core
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text(), max_size=6))
@example(["never arrived", "arrived", "refunded never", "ţefund refund", "a" * 40 + " broken", "broken"])
def test_attempts_on_literal_words_equal_the_numpy_path(texts):
    lows = [topics._lower(t) for t in texts]
    want = topics._candidate_attempts(lows, IX, native=False)
    assert topics._candidate_attempts(lows, IX, native=True) == want


@needs_core
def test_not_vacuous():
    lows = [" ".join(LITERALS[i : i + 40]) for i in range(0, len(LITERALS), 40)]
    rows, _, _ = topics._candidate_attempts(lows, IX, native=True)
    assert rows == topics._candidate_attempts(lows, IX, native=False)[0] and len(rows) > 50
