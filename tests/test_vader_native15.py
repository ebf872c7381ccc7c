"""The native core's sentence shortcuts of the fifteenth session (``_vadercore.c``, ``score_tokens``): a sentence
scored from its review's tokens takes, for a candidate with three tokens before it and two after it in the
sentence, the valence the review's pass gave it (kept per candidate) when the sentence's ``cap_diff`` is the
review's; a sentence without a candidate gets 0.0 at once; a sentence's scoring stops at its compound. Every
result must equal vaderSentiment 3.3.2 bit for bit: a candidate near a sentence's edges reads other context
than in the review (the words before it in the previous sentence, the words after it in the next), and an
all-caps sentence in a mixed review (or a mixed one in an all-caps review) another ``cap_diff``."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_sentiment_joint_scores import _assert_joint
from test_vader_native import _SETTINGS, _native_or_skip
from test_vader_native14 import _sentences_case


@pytest.fixture(scope="module")
def nat():  # type: ignore[no-untyped-def]
    fv = _native_or_skip()
    assert fv._native is not None, "the native core failed its self-check and is not used"
    return fv


# context words (boosters, negations, "no", "never so", "without doubt", "least", "kind of", idioms, "but") in
# both cases, lexicon words, and inert fillers to make sentences long enough to have an interior
_WORDS = [
    "good", "GOOD", "bad", "BAD", "great", "love", "hate", "nice", "NICE", "awful", "ok", "okay", "happy",
    "very", "VERY", "really", "REALLY", "extremely", "so", "SO", "this", "never", "NEVER", "not", "NOT", "no",
    "isn't", "don't", "can't!", "without", "doubt", "least", "at", "kind", "of", "or", "nor", "but", "BUT",
    "cut", "the", "mustard", "yeah", "right", "sort", "bomb", "the", "it", "product", "PRODUCT", "is", "was",
    "and", "then", "we", "IT", "A", "I", "item", "box",
]
_ENDS = [". ", "! ", "? ", " ", " ", " ", " ", " ", " ", ", ", "\n"]


@st.composite
def _text(draw, max_words: int = 60) -> str:  # type: ignore[no-untyped-def]
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=0, max_size=max_words))
    caps = draw(st.sampled_from(["as is", "upper", "lower"]))
    out = []
    for w in words:
        out.append(w.upper() if caps == "upper" else w.lower() if caps == "lower" else w)
        out.append(draw(st.sampled_from(_ENDS)))
    return "".join(out)


@settings(max_examples=examples(80), **_SETTINGS)
@given(st.lists(st.tuples(st.sampled_from(["", "Meh", "GOOD", "not so good", "Five Stars"]), _text()),
                min_size=1, max_size=4), st.sampled_from(["text", "reversed"]))
# the review's cap_diff is 1, the first sentence's 0 (all upper): its interior GOOD gets no caps increment
@example([("", "GOOD GREAT VERY GOOD REALLY NICE PRODUCT. and then it was ok")], "text")
@example([("Meh", "good great very GOOD really nice product. AND THEN IT WAS OK")], "text")
# "never" ends the sentence before: "so really good" reads it in the review, not in the sentence
@example([("", "I never. so really good stuff today ok. it is")], "text")
@example([("", "it was not. very good and nice. the box was kind of. bad item here")], "text")
# the words after a candidate in the next sentence: an idiom or "kind of" cut by the sentence end
@example([("", "we cut the mustard. and it was kind. of good and it was the bomb. yeah right. ok")], "text")
@example([("", "it was at least. good item but not the worst. no doubt. without doubt it is good")], "reversed")
# an idiom of three words read from the candidate on: "kiss of death" cut after "of" by the sentence end
@example([("", "we had a kiss of\ndeath it is. ok then")], "text")
def test_sentences_with_kept_valences_equal_the_package(nat, pairs, order):
    titles = [a for a, _ in pairs]
    texts = [b for _, b in pairs]
    _assert_joint(nat, *_sentences_case(titles, texts, order))


@pytest.mark.parametrize("text", [
    "the item. the box. it is.",  # no sentence with a candidate: each 0.0
    "the item was good. the box. it is. very bad and awful item here.",
    "a b c good d e. a b c GOOD d e. A B C GOOD D E. a b c d e good",
    "no good item here today. it is not bad at all here. never so good a product as this",
])
def test_fixed_texts_equal_the_package(nat, text):
    _assert_joint(nat, *_sentences_case(["", "GOOD", "Meh"], [text, text.upper(), text], "text"))


def test_kind_of_in_a_sentence_after_a_review_with_values(nat):
    """A candidate "kind" followed by "of" has no value: the kept pass keeps 0 for it, not what the previous
    review's pass left at that place of the list."""
    texts = ["good great nice love happy good great nice", "a b c kind of it d e. ok", "x y z KIND of the box. ok"]
    _assert_joint(nat, *_sentences_case(["", "", "Meh"], texts, "text"))
