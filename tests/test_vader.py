"""FastVader must equal vaderSentiment 3.3.2 exactly: on real snippets, on the upstream quirks, and on
random and adversarial text drawn from VADER's own word lists (Hypothesis)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from vaderSentiment import vaderSentiment as upstream

from reviewtools import vader
from reviewtools.vader import FastVader, compound_parallel, get_analyzer, scores_parallel

REF = upstream.SentimentIntensityAnalyzer()
FAST = FastVader(native=False)  # the pure-Python path; tests/test_vader_native.py covers the C core
FIXTURES = Path(__file__).parent / "fixtures" / "vader"
SHARED = (
    Path(os.environ["REVIEWTOOLS_SHARED"]) if "REVIEWTOOLS_SHARED" in os.environ
    else Path(__file__).resolve().parents[1] / ".." / "shared"
) / "datasets" / "vader_groundtruth"


def _snippets(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    return [line.rstrip("\r").split("\t", 2)[2] for line in lines if line.strip()]


def _assert_same(texts: list[str]) -> None:
    bad = [(t, REF.polarity_scores(t), FAST.polarity_scores(t)) for t in texts]
    bad = [b for b in bad if b[1] != b[2]]
    assert not bad, f"{len(bad)} of {len(texts)} differ, first: {bad[0]}"


# ----------------------------------------------------------------------------------------- real text


@pytest.mark.parametrize("name", ["amazonReviewSnippets_GroundTruth.txt", "tweets_GroundTruth.txt"])
def test_identical_on_bundled_ground_truth(name):
    texts = _snippets(FIXTURES / name)
    assert len(texts) in (3708, 4200)
    _assert_same(texts)


@pytest.mark.parametrize("name", ["movieReviewSnippets_GroundTruth.txt", "nytEditorialSnippets_GroundTruth.txt"])
def test_identical_on_shared_ground_truth(name):
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} absent: the shared datasets folder is not beside the repository")
    _assert_same(_snippets(path))


def test_identical_on_whole_reviews_made_of_snippets():
    """Long texts (many lexicon hits, several "but"s, repeated valences) exercise the O(n^2) paths."""
    texts = _snippets(FIXTURES / "amazonReviewSnippets_GroundTruth.txt")
    reviews = [" ".join(texts[i : i + k]) for k, i in zip([5, 20, 60, 200] * 10, range(0, 3600, 90))]
    reviews.append("\n\n".join(texts[:400]))  # about 5,000 words
    _assert_same(reviews)


# ------------------------------------------------------------------------------------ upstream quirks

QUIRKS = [
    # upstream's own demo sentences
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Sentiment analysis has never been this good!",
    "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Without a doubt, an excellent idea.",
    # value-based but-check: equal valences after "but" are scaled at their first position
    "good good but good good",
    "great, but great and great but bad bad",
    # "never so/this" precedence slip: "so"/"this" right before the word boosts whatever came before
    "it was so good",
    "it is this bad",
    "never so good",
    # idioms only when the word three back is not a lexicon word
    "the movie was the bomb",
    "good the bomb",
    "this food is to die for",
    "i will kiss of death",
    "the yeah right answer",
    # "no" as a negator and as a word; NO in caps with valence 0 is pushed down
    "no good",
    "NO good at all",
    "no problem or bad",
    "no",
    # ALL CAPS differential
    "GOOD",
    "GOOD bad",
    "VERY good product",
    "very GOOD product",
    # emoji spacing: no space after the description, a space before unless the previous char was a space
    "love😁it",
    "😁😁",
    " 😁 ",
    "☺️ fine",
    "great👍🏽",
    # punctuation emphasis, including "!" inside emoji descriptions
    "good!!!!!!",
    "bad???",
    "bad????",
    "okay?",
    "🔛 good",
    # empties
    "",
    " ",
    "\n\t \u3000",
    "!!!",
    ":)",
    # unicode lower-casing and stripping
    "İSTANBUL good",
    "ŞAHANE GREAT",
    "x\u0085good\u2028bad",
]


@pytest.mark.parametrize("text", QUIRKS)
def test_identical_on_upstream_quirks(text):
    assert FAST.polarity_scores(text) == REF.polarity_scores(text)
    assert FAST.compound(text) == REF.polarity_scores(text)["compound"]


def test_non_str_is_a_type_error_like_upstream():
    for bad in (None, 1.5, float("nan")):
        with pytest.raises(TypeError):
            REF.polarity_scores(bad)
        with pytest.raises(TypeError, match="expects str"):
            FAST.polarity_scores(bad)
        with pytest.raises(TypeError, match="expects str"):
            FAST.compound(bad)


# ------------------------------------------------------------------------------- data from the package


def test_lexicon_and_constants_come_from_the_installed_package():
    assert FAST.lexicon == REF.lexicon
    assert FAST.emojis == REF.emojis
    assert vader.BOOSTER_DICT == upstream.BOOSTER_DICT
    assert vader.SPECIAL_CASES == upstream.SPECIAL_CASES
    assert vader.NEGATE == frozenset(upstream.NEGATE)
    assert (vader.B_INCR, vader.C_INCR, vader.N_SCALAR) == (upstream.B_INCR, upstream.C_INCR, upstream.N_SCALAR)


# ------------------------------------------------------------------------------------ batch and process


def test_batch_helpers_agree_with_single_calls():
    texts = QUIRKS + _snippets(FIXTURES / "tweets_GroundTruth.txt")[:200]
    assert FAST.scores_many(texts) == [REF.polarity_scores(t) for t in texts]
    assert FAST.compound_many(texts) == [REF.polarity_scores(t)["compound"] for t in texts]
    assert FAST.compound_many(iter(texts[:3])) == [FAST.compound(t) for t in texts[:3]]


def test_get_analyzer_is_built_once():
    assert get_analyzer() is get_analyzer()
    assert isinstance(get_analyzer(), FastVader)


def test_process_pool_keeps_order_and_values():
    texts = _snippets(FIXTURES / "amazonReviewSnippets_GroundTruth.txt")[:400]
    expected = [REF.polarity_scores(t) for t in texts]
    assert scores_parallel(texts, processes=2) == expected
    assert compound_parallel(texts, processes=2) == [e["compound"] for e in expected]
    assert scores_parallel(texts[:3], processes=2) == expected[:3]  # too few texts: runs in-process
    assert scores_parallel([], processes=2) == []
    with pytest.raises(ValueError, match="at least 1"):
        scores_parallel(texts, processes=0)


def test_does_not_keep_state_between_calls():
    a = FAST.polarity_scores("GOOD but BAD!!!")
    FAST.polarity_scores("no no no kind of least")
    assert FAST.polarity_scores("GOOD but BAD!!!") == a


# ------------------------------------------------------------------------------------------ Hypothesis

_LEX = sorted(w for w in REF.lexicon if " " not in w)
_EMOTICONS = sorted(w for w in _LEX if not w.isalpha())
_EMOJI_1 = sorted(k for k in REF.emojis if len(k) == 1)
_EMOJI_N = sorted(k for k in REF.emojis if len(k) > 1)
_RULE_WORDS = [
    "but", "kind", "of", "least", "at", "very", "no", "or", "nor", "never", "so", "this", "without", "doubt",
    "the", "shit", "bomb", "bad", "ass", "to", "die", "for", "yeah", "right", "kiss", "death", "just", "enough",
    "sort", "n't", "isn't", "don't", "ain't", "I", "a", "it",
]
_PHRASES = [*upstream.SPECIAL_CASES, *upstream.SENTIMENT_LADEN_IDIOMS, *upstream.BOOSTER_DICT]
_PUNCT_RUNS = ["!", "!!", "!!!!", "!!!!!!", "?", "??", "???", "????", "?!", ".", ",", "...", "'", '"', "-", "(", ")"]

word = st.one_of(
    st.sampled_from(_LEX),
    st.sampled_from(_RULE_WORDS),
    st.sampled_from(sorted(upstream.NEGATE)),
    st.sampled_from(_PHRASES),
    st.sampled_from(_EMOTICONS),
    st.sampled_from(_EMOJI_1),
    st.sampled_from(_EMOJI_N),
    st.text(min_size=1, max_size=6),  # arbitrary unicode, including whitespace and surrogates-free planes
)
shaped = st.builds(
    lambda w, case, pre, post: pre + case(w) + post,
    word,
    st.sampled_from([str, str, str, str.upper, str.upper, str.capitalize, str.lower, str.swapcase]),
    st.sampled_from(["", "", "", "(", '"', "'", "*", "--"]),
    st.sampled_from(["", "", "", *_PUNCT_RUNS]),
)
separator = st.sampled_from([" ", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2003", "", ", ", ". "])


@st.composite
def review_text(draw, max_words=40):
    words = draw(st.lists(shaped, max_size=max_words))
    out = []
    for w in words:
        out.append(w)
        out.append(draw(separator))
    return draw(st.sampled_from(["", " ", "\n"])) + "".join(out)


_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=examples(200), **_SETTINGS)
@given(review_text())
@example("")
@example("   \n ")
@example("good but good but bad")
@example("NOT GOOD at ALL but very FUNNY 😁😁!!!???")
def test_property_identical_on_vader_vocabulary(text):
    assert FAST.polarity_scores(text) == REF.polarity_scores(text)


@settings(max_examples=examples(300), **_SETTINGS)
@given(st.text(max_size=200))
def test_property_identical_on_arbitrary_unicode(text):
    assert FAST.polarity_scores(text) == REF.polarity_scores(text)


@settings(max_examples=examples(40), **_SETTINGS)
@given(review_text(max_words=600))
def test_property_identical_on_long_texts(text):
    assert FAST.polarity_scores(text) == REF.polarity_scores(text)
    assert FAST.compound(text) == REF.polarity_scores(text)["compound"]
