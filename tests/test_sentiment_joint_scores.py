"""One native pass for a block's review strings and sentences (``FastVader.joined_scores_and_compounds``,
``_vadercore.Core.joined_spans_into``): a text's sentences are scored from the tokens of its review string where
their edges cut no token. Its results must equal, bit for bit, ``joined_scores_array`` and ``compound_spans``
called separately, and vaderSentiment 3.3.2 on each joined string and each span (Hypothesis: VADER vocabulary,
caps, negations, "but", "kind of", idioms, punctuation runs, emoji, non-ASCII, spans at any edges, spans of
other strings than the texts), and ``score_sentiment`` must not change."""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_vader_native import _SETTINGS, REF, PY, _float_bits, _native_or_skip, review_text
from vaderSentiment import vaderSentiment as upstream

from reviewtools import sentiment
from reviewtools.sentiment import TITLE_TEXT_SEPARATOR, _Sentences, review_string, score_sentiment
from reviewtools.vader import FastVader, _joined


@pytest.fixture(scope="module")
def nat() -> FastVader:
    return _native_or_skip()


def _want(titles: list[str], texts: list[str], sep: str, pool: list[str], owner: np.ndarray, start: np.ndarray,
          end: np.ndarray) -> tuple[list[int], list[int]]:
    rows = []
    for a, b in zip(titles, texts, strict=True):
        d = REF.polarity_scores(_joined(a, b, sep))
        rows += [d["neg"], d["neu"], d["pos"], d["compound"]]
    spans = [pool[o][a:b] for o, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True)]
    return _float_bits(rows), _float_bits([REF.polarity_scores(s)["compound"] for s in spans])


def _assert_joint(nat: FastVader, titles: list[str], texts: list[str], sep: str, pool: list[str],
                  owner: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
    want_rows, want_c = _want(titles, texts, sep, pool, owner, start, end)
    for fv in (nat, PY):
        rows, c = fv.joined_scores_and_compounds(titles, texts, sep, pool, owner, start, end)
        assert rows.shape == (len(titles), 4)
        assert _float_bits(rows.ravel()) == want_rows
        assert _float_bits(c) == want_c
    # and the two calls it replaces
    assert _float_bits(nat.joined_scores_array(titles, texts, sep).ravel()) == want_rows
    assert _float_bits(nat.compound_spans(pool, owner, start, end)) == want_c


title_text = st.one_of(review_text(max_words=6), st.sampled_from(["", " ", "\n", "Five Stars", "GREAT!!!"]),
                       st.text(max_size=12))
body_text = st.one_of(review_text(max_words=30), review_text(max_words=30), st.text(max_size=60),
                      st.text(alphabet=st.characters(max_codepoint=127), max_size=120))


@st.composite
def block(draw):  # type: ignore[no-untyped-def]
    """Reviews, the pool ``[*texts, *extra]`` (the texts themselves, then other strings, as ``_Sentences``
    pools hold the distinct titles) and spans over it: the splitter's sentences, spans at arbitrary edges (cutting
    tokens), whitespace-only and empty spans, repeats, and spans out of owner order."""
    n = draw(st.integers(1, 5))
    titles = draw(st.lists(title_text, min_size=n, max_size=n))
    texts = draw(st.lists(body_text, min_size=n, max_size=n))
    extra = draw(st.lists(title_text, max_size=3))
    pool = [*texts, *extra]
    spans: list[tuple[int, int, int]] = []
    if draw(st.booleans()):  # the splitter's sentences of each text, in owner order, as score_sentiment has them
        own, a, b = sentiment.split_sentences_many(texts)
        spans += list(zip(own.tolist(), a.tolist(), b.tolist(), strict=True))
    for _ in range(draw(st.integers(0, 12))):
        o = draw(st.integers(0, len(pool) - 1))
        a = draw(st.integers(0, len(pool[o])))
        spans.append((o, a, draw(st.integers(a, len(pool[o])))))
    if spans and draw(st.booleans()):
        spans.sort()
    spans += draw(st.lists(st.sampled_from(spans), max_size=4)) if spans else []
    owner, start, end = (np.array([x[k] for x in spans], dtype=np.int64) for k in range(3))
    sep = draw(st.sampled_from([TITLE_TEXT_SEPARATOR, TITLE_TEXT_SEPARATOR, " ", "\t\n", ". ", "", "x", "\u00a0"]))
    return titles, texts, sep, pool, owner, start, end


@settings(max_examples=examples(80), **_SETTINGS)
@given(block())
@example((["Meh", "NOT GOOD"], ["Love it. Broke fast.", "kind of good but bad!!! Never so good?"], "\n",
          ["Love it. Broke fast.", "kind of good but bad!!! Never so good?", "Meh"],
          np.array([0, 0, 1, 1, 1, 2, 0]), np.array([0, 9, 0, 25, 3, 0, 2]), np.array([8, 20, 24, 38, 30, 3, 12])))
@example(([" ", "Great"], ["GOOD. bad!", " "], "\n", ["GOOD. bad!", " "], np.array([0, 0, 1, 0]),
          np.array([0, 6, 0, 0]), np.array([5, 10, 1, 10])))
def test_joint_scores_equal_the_package_and_the_separate_calls(nat, case):
    _assert_joint(nat, *case)


@settings(max_examples=examples(80), **_SETTINGS)
@given(st.lists(st.tuples(title_text, review_text(max_words=80)), min_size=1, max_size=4))
def test_joint_scores_of_the_splitters_sentences(nat, pairs):
    """As score_sentiment calls it: the sentences of the texts and of the distinct titles, from _Sentences."""
    titles = [a for a, _ in pairs]
    texts = [b for _, b in pairs]
    s = _Sentences.of(titles, texts)
    _assert_joint(nat, titles, texts, TITLE_TEXT_SEPARATOR, s.pool, s.owner, s.start, s.end)


def test_joint_scores_decline_what_the_core_declines(nat):
    """A refused character (U+0130) in a pair and in a span goes to the Python path; a str subclass too."""

    class S(str):
        pass

    titles = ["\u0130stanbul good", "ok", S("fine")]
    texts = ["good. \u0130 bad.", "good. bad.", "good"]
    pool = [*texts]
    owner = np.array([0, 0, 1, 1, 2], dtype=np.int64)
    start = np.array([0, 6, 0, 6, 0], dtype=np.int64)
    end = np.array([5, 12, 5, 10, 4], dtype=np.int64)
    rows = np.empty((3, 4))
    out = np.empty(5)
    declined, declined_spans = nat._native.joined_spans_into(titles, texts, "\n", rows, pool, owner, start, end, out)
    assert declined == [0, 2] and declined_spans == [1]
    _assert_joint(nat, titles, texts, "\n", pool, owner, start, end)


def test_joint_scores_errors_like_the_separate_calls(nat):
    for fv in (nat, PY):
        with pytest.raises(IndexError, match="outside text 0 of length 4"):
            fv.joined_scores_and_compounds(["a"], ["good"], "\n", ["good"], np.array([0]), np.array([2]),
                                           np.array([5]))
        with pytest.raises(IndexError, match="owner"):
            fv.joined_scores_and_compounds(["a"], ["good"], "\n", ["good"], np.array([1]), np.array([0]),
                                           np.array([1]))
        with pytest.raises(ValueError, match="differ in length"):
            fv.joined_scores_and_compounds(["a", "b"], ["good"], "\n", ["good"], np.array([0]), np.array([0]),
                                           np.array([1]))
    with pytest.raises(ValueError, match="out"):
        nat._native.joined_spans_into(["a"], ["b"], "\n", np.empty(3), ["b"], np.array([0]), np.array([0]),
                                      np.array([1]), np.empty(1))


def test_score_sentiment_uses_one_pass_unless_a_seam_is_replaced(monkeypatch):
    """The block takes the joint call; replacing either seam (as tests do) sends it through both seams."""
    frame = pd.DataFrame({"title": ["Meh", "Five Stars"], "text": ["Love it. Broke fast!", "GOOD but bad."],
                          "rating": [5, 1]})
    want = score_sentiment(frame)
    calls = []

    def review_seam(titles, texts):  # type: ignore[no-untyped-def]
        calls.append("reviews")
        return sentiment._REVIEW_SEAM(titles, texts)

    monkeypatch.setattr(sentiment, "_review_scores_array", review_seam)
    pd.testing.assert_frame_equal(score_sentiment(frame), want)
    assert calls == ["reviews"]
    assert want["vader_compound"].tolist() == [
        REF.polarity_scores(review_string(a, b))["compound"] for a, b in zip(frame["title"], frame["text"])]


def test_upstream_tokens_are_whitespace_pieces():
    """What the shared tokens rest on: upstream's words are ``str.split()`` pieces, stripped one by one."""
    for text in ["Meh\nLove it!!  Broke (fast).", "GOOD. bad!\x1c:) kind-of...", " a\u00a0b\u2003c\x85d "]:
        pieces = [w if len(w.strip(string.punctuation)) <= 2 else w.strip(string.punctuation) for w in text.split()]
        assert upstream.SentiText(text).words_and_emoticons == pieces
