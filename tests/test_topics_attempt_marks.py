"""The native ``topic_attempts`` with :func:`topics._attempt_marks` (attempts whose phrase's words are not all in
the attempt's clause are dropped before any regex runs) finds the same matches as without them: ``topic_tried``
on the attempts with marks == on all attempts (and a subset of them), on texts made of the index's own literals,
negators and phrase words, cut by clause marks at any point; and ``find_and_tag_topics`` is unchanged with the
marks switched off."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal

from reviewtools import topics
from reviewtools.vader import native_module

CORE = native_module()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_attempts"),
                                reason="the native core (reviewtools._vadercore) is not built here")

IX = topics._phrase_index(None)
LITERALS = sorted(set(IX.exact_units) | set(IX.prefix_units))
PHRASE_WORDS = sorted({w for _t, _p, ph in IX.phrases for tok in ph.tokens for a in tok
                       for w in a.replace("*", "").replace("_", " ").split()})
piece = st.one_of(st.sampled_from(LITERALS), st.sampled_from(PHRASE_WORDS),
                  st.sampled_from(["not", "never", "didn't", "did not", "won't", "no", "the", "my", "a", "it"]),
                  st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8))
sep = st.sampled_from([" ", " ", " ", ". ", ", ", "! ", "? ", "; ", ": ", "\n", "-", "'", "\u2019", " ... "])


@st.composite
def text(draw):  # type: ignore[no-untyped-def]
    parts = draw(st.lists(st.tuples(piece, sep), max_size=30))
    return "".join(p + s for p, s in parts)


def _tried(lows, attempts):
    got, _ = CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 0, None, None)
    return got


def _triples(attempts):
    return set(zip(*(np.frombuffer(b, dtype=np.int64).tolist() for b in attempts)))


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text(), max_size=6))
@example(["i did not get my order. never", "did not, get my order", "they did not respond to my emails",
          "did not\nget back to me", "not get the package", "\u00e9 did not get my order, \u4e2d"])
def test_same_matches_with_marks(texts):
    lows = [topics._lower(t) for t in texts]
    args = topics._native_attempts_args(IX)
    marks = topics._attempt_marks(IX)
    assert marks == ".,;:!?"
    every = CORE.topic_attempts(lows, *args)
    fewer = CORE.topic_attempts(lows, *args, marks)
    assert _triples(fewer) <= _triples(every)
    assert _tried(lows, fewer) == _tried(lows, every)


@needs_core
def test_marks_drop_attempts_on_the_corpus_like_text():
    lows = ["i did not like it. i get my order late", "did not get my order", "they did not like it, no reply"]
    args = topics._native_attempts_args(IX)
    every = CORE.topic_attempts(lows, *args)
    fewer = CORE.topic_attempts(lows, *args, topics._attempt_marks(IX))
    assert len(fewer[0]) < len(every[0])
    assert _tried(lows, fewer) == _tried(lows, every)


@needs_core
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(text(), text()), min_size=1, max_size=8))
def test_find_and_tag_unchanged_without_marks(rows):
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(rows))],
                          "title": [t for t, _ in rows], "text": [x for _, x in rows]})
    frame = frame.astype({"title": "string", "text": "string"})
    with_marks = topics.find_and_tag_topics(frame)
    saved = topics._attempt_marks
    topics._attempt_marks = lambda ix: None
    try:
        without = topics.find_and_tag_topics(frame)
    finally:
        topics._attempt_marks = saved
    assert_frame_equal(with_marks[0], without[0])
    assert_frame_equal(with_marks[1], without[1])


def test_no_alternative_holds_a_clause_mark():
    held = {c for _t, _p, ph in IX.phrases for tok in ph.tokens for a in tok for c in a}
    assert not held & set(topics._CLAUSE_MARKS)
