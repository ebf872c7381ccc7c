"""``_langcore.topic_literal`` and :func:`reviewtools.topics._literal_matchers` (twelfth session, helper
``topics``): the phrase regexes as plain matchers give exactly the regex's ``match(low, pos)`` (None or the same
``end()``) for the registry's phrases and for made-up phrases of the mini-language (alternatives, ``'``, ``-``,
``_``, ``*``, ``...`` gaps, ``!before``/``^required``/``!after`` words), at every position of texts made of the
phrase's own words with separators, curly apostrophes, hyphens, non-ASCII letters and Unicode spaces; and the
topic step with them equals the step with the regexes."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_prefilter import EXAMPLES, review_text

from reviewtools import topics

lang = topics._lang_core()
needs_literal = pytest.mark.skipif(lang is None or not hasattr(lang, "topic_literal"),
                                   reason="reviewtools._langcore.topic_literal not built")

IX = topics._phrase_index(None)
SEPS = [" ", "  ", "-", "'", "\u2019", " - ", ", ", ". ", "\n", "\t", "\x1c", "\u3000", "_", "", "\u00e9", " (",
        ") ", "/", "!", "?", ";", "1"]
FILLERS = ["it", "my", "the", "very", "didn't", "x", "\u00e9t\u00e9", "a", "rock'n'roll", "it\u2019s", "2", "_", "\u0130"]


def _ends(matcher, text: str) -> list[int | None]:
    out = []
    for pos in range(-1, len(text) + 2):
        m = matcher(text, pos)
        out.append(None if m is None else m.end())
    return out


def _render(draw: st.DrawFn, alt: str) -> str:
    """``alt`` spelled as a text might: each special character as one of the forms its regex takes (or not)."""
    out = []
    for ch in alt:
        if ch == "'":
            out.append(draw(st.sampled_from(["'", "\u2019", "", "''", "x"])))
        elif ch == "-":
            out.append(draw(st.sampled_from(["-", " ", "", "\t", "--", "\u3000"])))
        elif ch == "_":
            out.append(draw(st.sampled_from([" ", "  ", "\n", "", "-", "\x1c"])))
        elif ch == "*":
            out.append(draw(st.sampled_from(["", "ing", "s", "_", "\u00e9", "'s", "2"])))
        else:
            out.append(draw(st.sampled_from([ch] * 30 + ["", ch.upper(), "q"])))
    return "".join(out)


@st.composite
def phrase_text(draw: st.DrawFn, spec: tuple) -> str:
    """A text made of the parts of ``spec`` (``_literal_spec``'s) with fillers and separators around them."""
    req, before, tokens, after, gaps = spec
    parts = []
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(FILLERS)))
    if req and draw(st.integers(0, 9)) < 7:
        parts.append(draw(st.sampled_from(req)))
    if before and draw(st.integers(0, 9)) < 4:
        parts.append(draw(st.sampled_from(before)))
    for k, alts in enumerate(tokens):
        if k and gaps[k - 1]:
            parts += draw(st.lists(st.sampled_from(FILLERS), max_size=gaps[k - 1] + 1))
        parts.append(_render(draw, draw(st.sampled_from(alts))))
    if after and draw(st.booleans()):
        parts.append(_render(draw, draw(st.sampled_from(after))))
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(FILLERS)))
    return "".join(w + draw(st.sampled_from(SEPS if draw(st.integers(0, 9)) < 4 else [" "])) for w in parts)


@needs_literal
def test_every_registry_phrase_has_a_plain_matcher():
    matchers = topics._literal_matchers(IX, lang)
    assert len(matchers) == len(IX.phrases)
    for (_t, _prio, ph), m, rm in zip(IX.phrases, matchers, IX.matchers):
        assert topics._literal_spec(ph) is not None, ph.phrase
        assert m is not rm
    assert topics._literal_matchers(IX, lang) is matchers  # cached


@needs_literal
@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_registry_phrases_match_as_their_regexes(data):
    p = data.draw(st.integers(0, len(IX.phrases) - 1))
    ph = IX.phrases[p][2]
    text = data.draw(phrase_text(topics._literal_spec(ph)))
    assert _ends(topics._literal_matchers(IX, lang)[p], text) == _ends(IX.matchers[p], text), (ph.phrase, text)


@needs_literal
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(review_text())
def test_registry_phrases_on_review_texts(text):
    low = topics._lower(text)
    for m, rm in zip(topics._literal_matchers(IX, lang), IX.matchers):
        assert _ends(m, low) == _ends(rm, low)


@needs_literal
def test_registry_phrases_on_the_examples():
    for text in EXAMPLES:
        low = topics._lower(text)
        for (_t, _prio, ph), m, rm in zip(IX.phrases, topics._literal_matchers(IX, lang), IX.matchers):
            assert _ends(m, low) == _ends(rm, low), (ph.phrase, low)


LETTERS = st.sampled_from(list("abcdeo\u00e9"))
ALT = st.builds(
    lambda first, body, star: first + body + ("*" if star else ""),
    st.sampled_from(list("abcd2")),
    st.lists(st.one_of(LETTERS, st.sampled_from(["'", "-", "_"])), max_size=4).map(
        lambda cs: "".join(cs).replace("__", "_").rstrip("'-_")),
    st.booleans())
TOKEN = st.lists(ALT, min_size=1, max_size=3, unique=True).map("/".join)
WORDS = st.lists(st.sampled_from(["a", "b", "ab", "c_d", "d'e", "o"]), min_size=1, max_size=3, unique=True).map(
    "/".join)


@st.composite
def made_phrase(draw: st.DrawFn) -> str:
    out = []
    if draw(st.integers(0, 4)) == 0:
        out.append("^" + draw(WORDS))
    if draw(st.integers(0, 3)) == 0:
        out.append("!" + draw(WORDS))
    for k in range(draw(st.integers(1, 3))):
        if k and draw(st.booleans()):
            out.append(draw(st.sampled_from(["...", "...0", "...1", "...2"])))
        out.append(draw(TOKEN))
    if draw(st.integers(0, 3)) == 0:
        out.append("!" + draw(WORDS))
    return " ".join(out)


@needs_literal
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(made_phrase(), st.data())
def test_made_up_phrases_match_as_their_regexes(phrase, data):
    ph = topics._compile_phrase("t", "complaint", phrase)
    spec = topics._literal_spec(ph)
    assert spec is not None, (phrase, ph.pattern)
    m = lang.topic_literal(*spec)
    for _ in range(4):
        text = data.draw(phrase_text(spec))
        assert _ends(m, text) == _ends(ph.regex.match, text), (phrase, ph.pattern, text)


@needs_literal
def test_spec_is_none_when_the_pattern_differs():
    ph = topics._compile_phrase("t", "complaint", "too small")
    assert topics._literal_spec(ph) == ((), (), (("too",), ("small",)), (), (0,))
    other = topics._Phrase(ph.topic, ph.kind, ph.phrase, ph.pattern + "x", ph.vocabulary, ph.first_stems, ph.regex)
    assert topics._literal_spec(other) is None


@needs_literal
def test_matcher_arguments():
    m = lang.topic_literal((), (), (("ab",),), ())
    assert m("x ab", 2).end() == 4 and m("x ab", 2).start() == 2
    assert m("abc", 0) is None and m("ab", -5).end() == 2 and m("ab", 9) is None
    with pytest.raises(TypeError):
        m(b"ab", 0)
    with pytest.raises(TypeError):
        m("ab")
    with pytest.raises(TypeError):
        m("ab", "0")
    with pytest.raises(TypeError):
        lang.topic_literal((), (), (("ab", 3),), ())
    with pytest.raises(ValueError):
        lang.topic_literal((), (), (), ())
    with pytest.raises(ValueError):
        lang.topic_literal((), (), (("a",), ("b",)), (), (1, 2))
    with pytest.raises(ValueError):
        lang.topic_literal((), (), (("a",), ("b",)), (), (-1,))


@needs_literal
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(review_text(), min_size=1, max_size=25))
def test_step_equals_the_step_with_the_regexes(texts):
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(texts))], "title": texts[::-1], "text": texts})
    want = topics.find_and_tag_topics(frame)
    real = topics._literal_matchers
    topics._literal_matchers = lambda ix, lang: ix.matchers
    try:
        got = topics.find_and_tag_topics(frame)
    finally:
        topics._literal_matchers = real
    for a, b in zip(got, want):
        pd.testing.assert_frame_equal(a, b)


@needs_literal
def test_step_on_the_examples_equals_the_reference():
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(EXAMPLES))], "text": EXAMPLES})
    got = topics.find_and_tag_topics(frame)
    want = topics.find_and_tag_topics(frame, prefilter=False)
    for a, b in zip(got, want):
        pd.testing.assert_frame_equal(a, b)
