"""Sentences' word counts from the VADER pass: ``joined_scores_and_compounds(..., words)`` gives
``len(span.split())`` of every span whose tokens the native core counted (VADER's tokens are ``str.split()``
pieces), -1 for the others, and ``_Sentences.aggregate`` counts only the -1 ones itself; ``score_sentiment``'s
``longest`` stays ``max(len(s.split()))`` over the long sentences of a review."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import sentiment
from reviewtools.vader import FastVader

LONG = "this blender is really quite good at crushing ice and making smoothies for the whole family " * 4

TEXTS = [
    LONG + ". Short one. " + LONG.upper() + "!",
    "\t".join(LONG.split()) + ".\x0b\x1c" + LONG + "?",
    "Caf\u00e9 " + LONG + "\u00a0\u0085 " + LONG + ".",  # Latin-1 text: its own path
    "Great \U0001f600 " + LONG + ". " + LONG,  # emoji: described in the pass, so not counted there
    LONG + ". " + LONG + ".",  # a repeat of an equal sentence
    "",
    "   ",
    "ok",
    "A" * 300 + " " + "b " * 140,
    LONG + "\n\n" + LONG,
]
TITLES = ["Five stars", "", LONG, "Five stars", "Meh " + LONG, "x", "", LONG, "Five stars", "\u00e9t\u00e9 " + LONG]


def _native() -> FastVader:
    try:
        v = FastVader(native=True)
    except ImportError:
        pytest.skip("the native VADER core is not built")
    return v


def _check(v: FastVader, titles: list[str], texts: list[str]) -> int:
    s = sentiment._Sentences.of(titles, texts)
    words = np.full(s.owner.size, -7, dtype=np.int64)
    rows, comp = v.joined_scores_and_compounds(titles, texts, "\n", s.pool, s.owner, s.start, s.end, words)
    rows2, comp2 = v.joined_scores_and_compounds(titles, texts, "\n", s.pool, s.owner, s.start, s.end)
    assert rows.tobytes() == rows2.tobytes() and comp.tobytes() == comp2.tobytes()
    known = 0
    for k in range(s.owner.size):
        span = s.pool[s.owner[k]][s.start[k]: s.end[k]]
        assert words[k] == -1 or words[k] == len(span.split()), (span, words[k])
        known += words[k] >= 0
    return known


def test_words_are_split_counts_where_known() -> None:
    v = _native()
    known = _check(v, TITLES, TEXTS)
    assert known > 0


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(list("ab C.!? \t\n\x0b\x1c\x85\u00a0\u00e9\u2003:)'")
                                         + ["good", "not", "but", "very", "\U0001f600", ". ", "Dr. ", LONG]),
                        max_size=40).map("".join), min_size=1, max_size=6))
def test_words_hypothesis(texts: list[str]) -> None:
    v = _native()
    _check(v, [t[:5] for t in texts], texts)


def test_without_native_every_count_unknown() -> None:
    v = FastVader(native=False)
    s = sentiment._Sentences.of(TITLES, TEXTS)
    words = np.zeros(s.owner.size, dtype=np.int64)
    v.joined_scores_and_compounds(TITLES, TEXTS, "\n", s.pool, s.owner, s.start, s.end, words)
    assert (words == -1).all()


def test_bad_words_buffer() -> None:
    v = _native()
    s = sentiment._Sentences.of(TITLES, TEXTS)
    for bad in (np.zeros(s.owner.size + 1, np.int64), np.zeros(s.owner.size, np.float64),
                np.zeros(s.owner.size, np.int32)):
        with pytest.raises(ValueError):
            v.joined_scores_and_compounds(TITLES, TEXTS, "\n", s.pool, s.owner, s.start, s.end, bad)


def _longest_reference(titles: list[str], texts: list[str]) -> list[int]:
    s = sentiment._Sentences.of(titles, texts)
    limit = 2 * sentiment.MAX_RELIABLE_SENTENCE_WORDS
    out = [0] * len(texts)
    first = np.cumsum(s.count) - s.count
    for r in range(len(texts)):
        for q in s.src[first[r]: first[r] + s.count[r]]:
            span = s.pool[s.owner[q]][s.start[q]: s.end[q]]
            if len(span) > limit:
                out[r] = max(out[r], len(span.split()))
    return out


def test_aggregate_with_known_words_equal() -> None:
    s = sentiment._Sentences.of(TITLES, TEXTS)
    comp = np.zeros(s.owner.size)
    ref = _longest_reference(TITLES, TEXTS)
    assert max(ref) > 0
    truth = np.array([len(s.string(q).split()) for q in range(s.owner.size)], dtype=np.int64)
    rng = np.random.default_rng(8)
    for known in (None, truth, np.full_like(truth, -1), np.where(rng.random(truth.size) < 0.5, truth, -1)):
        assert s.aggregate(comp, known).longest.tolist() == ref


def test_score_sentiment_counts_only_the_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the native core, the ASCII texts' long sentences are counted by the VADER pass: the span counter
    sees only ones it did not count (of the emoji text and the non-ASCII title), and ``longest`` is
    unchanged."""
    _native()
    seen: list[int] = []
    real = sentiment._span_word_counter()
    if real is None:
        pytest.skip("no native span counter")

    def counter(pool, owner, start, end, out):  # type: ignore[no-untyped-def]
        seen.extend(owner.tolist())
        return real(pool, owner, start, end, out)

    monkeypatch.setattr(sentiment, "_span_word_counter", lambda: counter)
    frame = pd.DataFrame({"rating": [3] * len(TEXTS), "title": TITLES, "text": TEXTS})
    out = sentiment.score_sentiment(frame)
    assert out["vader_compound"].notna().all()
    s = sentiment._Sentences.of(TITLES, TEXTS)
    assert seen and all(not s.pool[o].isascii() for o in seen), seen  # ASCII sentences: counted by VADER
    longest = sentiment._Sentences.aggregate(s, np.zeros(s.owner.size)).longest.tolist()
    assert longest == _longest_reference(TITLES, TEXTS)
