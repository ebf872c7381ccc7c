"""The native VADER core's ASCII tokenizer looks its tokens up in two steps: first every token's hash and the
screen in front of the words table (the tokens it lets through kept in order), then those tokens' entries, each
asking for the entry of the one ``LOOKUP_AHEAD`` (4) on. The same entries as one lookup per token: these hold the
scores (bit for bit, against vaderSentiment) where the two steps could part ways: no token or a few tokens let
through (around the look-ahead), tokens longer than any key, the "n't" negation read later for a token with
punctuation and set at once for one without ("not" as a key in NEGATE), keys of 8 and more bytes, the candidates'
order ("but", idioms, boosters), and texts of every length of lexicon words."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_vader_native import REF, _assert_exact, _float_bits, _native_or_skip

from reviewtools import sentiment
from reviewtools.sentiment import TITLE_TEXT_SEPARATOR
from reviewtools.vader import _joined

LEX = ["good", "bad", "great", "love", "hate", "terrible", "excellent", "awful", "nice", "broken"]
PLAIN = ["the", "it", "and", "a", "blender", "works", "was", "is", "after", "week"]
RULES = ["not", "never", "no", "but", "very", "so", "this", "kind", "of", "at", "least", "without", "doubt",
         "don't", "isn't", "Not,", "NEVER", "extremely", "GREAT", "Bad!", "good?", "(great)", "..."]
LONG = ["x" * 40, "supercalifragilisticexpialidocious", "unbelievably", "disappointing", "recommended"]


@pytest.fixture(scope="module")
def nat():  # type: ignore[no-untyped-def]
    return _native_or_skip()


def _texts_around_the_look_ahead() -> list[str]:
    """k lexicon words (0..12) among plain words, in either order, with and without rule words."""
    out = []
    for k in range(13):
        words = LEX[:k] if k <= len(LEX) else LEX + LEX[: k - len(LEX)]
        out.append(" ".join(words))
        out.append(" ".join(w for pair in zip(PLAIN * 2, words, strict=False) for w in pair))
        out.append("not " + " but ".join(words) + " !")
        out.append("It was NOT " + " ".join(f"{w} {p}" for w, p in zip(words, LONG * 3, strict=False)))
    return out


EDGE_TEXTS = [
    "", " ", "the", "good", "not good", "not, good", "don't like it", "isn't bad", "NOT GOOD at all",
    "never so good", "without doubt good", "kind of good", "at least good", "very least good", "no good",
    "the shit", "cut the mustard and it is good", "it was the bomb", "bad ass", "yeah right",
    "x" * 40 + " good " + "y" * 60, " ".join(["good"] * 200), " ".join(["the"] * 200),
    "It broke after a week, but the service was great!!! Not bad?? I don't love it.",
]


@pytest.mark.parametrize("text", EDGE_TEXTS + _texts_around_the_look_ahead())
def test_scores_equal_vader(nat, text):
    _assert_exact(nat, [text], all_native=True)


@given(st.lists(st.sampled_from(LEX + PLAIN + RULES + LONG), max_size=40),
       st.lists(st.sampled_from([" ", "  ", "\n", ", ", ". ", "! "]), min_size=40, max_size=40))
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_word_soup_equals_vader(nat, words, seps):
    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    _assert_exact(nat, [text], all_native=True)


def test_joined_pairs_and_their_sentences_equal_vader(nat):
    texts = EDGE_TEXTS + _texts_around_the_look_ahead()
    titles = list(reversed(texts))
    sents = sentiment._Sentences.of(titles, texts)
    rows, c = nat.joined_scores_and_compounds(titles, texts, TITLE_TEXT_SEPARATOR, sents.pool, sents.owner,
                                              sents.start, sents.end)
    want = [REF.polarity_scores(_joined(a, b, TITLE_TEXT_SEPARATOR)) for a, b in zip(titles, texts, strict=True)]
    assert _float_bits(np.asarray(rows).ravel()) == _float_bits(
        [d[k] for d in want for k in ("neg", "neu", "pos", "compound")])
    spans = [sents.pool[o][a:b] for o, a, b in zip(sents.owner.tolist(), sents.start.tolist(), sents.end.tolist(),
                                                    strict=True)]
    assert _float_bits(c) == _float_bits([REF.polarity_scores(s)["compound"] for s in spans])
