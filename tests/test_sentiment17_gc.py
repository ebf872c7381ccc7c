"""``sentiment.score_sentiment`` pauses Python's cyclic collector while it runs (``sentiment._PAUSE_COLLECTOR``).

The pause is a speed-up only: the output must be the same frame with the collector paused or not (Hypothesis
blocks of English, foreign, empty and missing texts and titles), the collector must run inside the stage's work
only when the pause is off, and afterwards it must be as the caller left it: on again after a result and after an
error, still off when the caller had turned it off.
"""

from __future__ import annotations

import gc
import unittest.mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import sentiment
from reviewtools.errors import SchemaError

_TEXTS = [
    "Love it, works great! Five stars.",
    "Terrible. It broke after two days... never again!!",
    "Das Produkt ist sehr schlecht und ich bin wirklich enttäuscht, es ging nach zwei Tagen kaputt.",
    "Le produit est arrivé cassé, je suis très déçu de cet achat et je ne le recommande pas.",
    "It is OK I guess. Not great, not bad. The box was dented but the item works fine",
    "",
    "   ",
    None,
    "NOT GOOD AT ALL. Dr. Smith said it's fine? No!",
]


@st.composite
def _frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 12))
    texts = draw(st.lists(st.sampled_from(_TEXTS), min_size=n, max_size=n))
    titles = draw(st.lists(st.sampled_from(["Five Stars", "Awful", "", None, "MEH. ok"]), min_size=n, max_size=n))
    ratings = draw(st.lists(st.sampled_from([1, 2, 3, 4, 5, None]), min_size=n, max_size=n))
    return pd.DataFrame({"title": pd.array(titles, dtype="string"), "text": pd.array(texts, dtype="string"),
                         "rating": pd.array(ratings, dtype="Int64")})


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_frames())
def test_paused_or_not_same_frame(frame: pd.DataFrame) -> None:
    with unittest.mock.patch.object(sentiment, "_PAUSE_COLLECTOR", False):
        ref = sentiment.score_sentiment(frame)
    with unittest.mock.patch.object(sentiment, "_PAUSE_COLLECTOR", True):
        got = sentiment.score_sentiment(frame)
    assert gc.isenabled()
    pd.testing.assert_frame_equal(got, ref, check_exact=True)
    assert list(got.dtypes) == list(ref.dtypes)


def _collector_seen(pause: bool) -> list[bool]:
    """Whether the collector was on inside the stage's work (at its VADER call and its language guess)."""
    seen: list[bool] = []
    real_scores, real_lang = sentiment._block_scores, sentiment._languages

    def scores(*a, **k):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real_scores(*a, **k)

    def lang(*a, **k):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real_lang(*a, **k)

    with unittest.mock.patch.object(sentiment, "_PAUSE_COLLECTOR", pause), \
            unittest.mock.patch.object(sentiment, "_block_scores", scores), \
            unittest.mock.patch.object(sentiment, "_languages", lang):
        sentiment.score_sentiment(pd.DataFrame({"text": _TEXTS[:5]}))
    return seen


def test_collector_paused_inside_only_when_asked() -> None:
    assert gc.isenabled()
    assert _collector_seen(True) == [False, False]
    assert gc.isenabled()
    assert _collector_seen(False) == [True, True]
    assert gc.isenabled()


def test_collector_back_on_after_an_error() -> None:
    assert gc.isenabled()
    with unittest.mock.patch.object(sentiment, "_PAUSE_COLLECTOR", True):
        with pytest.raises(SchemaError):
            sentiment.score_sentiment(pd.DataFrame({"body": ["no text column"]}))
        with pytest.raises(SchemaError):
            sentiment.score_sentiment(["not a frame"])  # type: ignore[arg-type]
    assert gc.isenabled()


def test_collector_left_off_when_the_caller_paused_it() -> None:
    gc.disable()
    try:
        with unittest.mock.patch.object(sentiment, "_PAUSE_COLLECTOR", True):
            out = sentiment.score_sentiment(pd.DataFrame({"text": ["Great value, works well."]}))
        assert not gc.isenabled()
        assert out["sentiment_label"].tolist() == ["positive"]
    finally:
        gc.enable()
