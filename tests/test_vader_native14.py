"""The native core's scoring shortcuts of the fourteenth session (``_vadercore.c``): ``score_tokens`` walks only the
tokens that can add a value of their own or are a "but" (the candidates ``tokenize_ext`` lists as it tokenizes,
a sentence's from a running hint into that list), the first "but" found on that walk, the positive and negative
sums without a branch on the sign, a token's negation decided at tokenization when it holds no punctuation
("n't" needs an apostrophe) and ``round_to`` reading the float's bits instead of ``frexp``/``ldexp``. Every
result must equal vaderSentiment 3.3.2 bit for bit: the review strings, and the sentences scored from the
review's tokens (in order, out of order, starting or ending at a "but", in texts past the fast tokenizer's 4,095
characters)."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_sentiment_joint_scores import _assert_joint
from test_vader_native import _SETTINGS, _native_or_skip

from reviewtools.sentiment import TITLE_TEXT_SEPARATOR, _Sentences


@pytest.fixture(scope="module")
def nat():  # type: ignore[no-untyped-def]
    fv = _native_or_skip()
    assert fv._native is not None, "the native core failed its self-check and is not used"
    return fv


def _sentences_case(titles: list[str], texts: list[str], order: str = "text"):  # type: ignore[no-untyped-def]
    s = _Sentences.of(titles, texts)
    owner, start, end = s.owner, s.start, s.end
    if order == "reversed":  # spans of a text out of order: the candidate hint starts over
        k = np.arange(owner.size)[::-1].copy()
        owner, start, end = owner[k], start[k], end[k]
    return titles, texts, TITLE_TEXT_SEPARATOR, s.pool, owner, start, end


# words that matter to the shortcuts: "but" (first one, in the middle of a sentence, starting one), lexicon
# words, boosters, negations with and without punctuation, "n't" inside words, idioms, "kind of", "least"
_WORDS = [
    "but", "But", "BUT", "but.", "but,", "good", "GOOD", "bad", "great!", "love", "hate", "awful", "nice", "ok",
    "very", "really", "extremely", "so", "this", "never", "not", "no", "isn't", "don't", "can't!", "wasn't.",
    "didnt", "nothing", "(not)", "n't", "xyzn't", "lovedn't", "goodn't!", "aren't?", "won't,", "without", "doubt", "kind", "of", "least", "at",
    "the", "it", "was", "is", "and", "or", "nor", "yeah", "right", "cut", "the", "mustard", "bomb", "shit",
    "lol", ":)", ":(", "meh", "!!!", "???", "sort", "of", "the", "product", "works", "broke", "fast",
]
_ENDS = [". ", "! ", "? ", "... ", " ", " ", " ", " ", ", ", "\n"]


@st.composite
def _text(draw, max_words: int = 40) -> str:  # type: ignore[no-untyped-def]
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=0, max_size=max_words))
    out = []
    for w in words:
        out.append(w)
        out.append(draw(st.sampled_from(_ENDS)))
    return "".join(out)


@settings(max_examples=examples(150), **_SETTINGS)
@given(st.lists(st.tuples(st.sampled_from(["", "Meh", "good but bad", "NOT GOOD", "Five Stars"]), _text()),
                min_size=1, max_size=4), st.sampled_from(["text", "reversed"]))
@example([("good but bad", "Good. But bad, but great. but not good! isn't bad.")], "text")
@example([("", "Love it but. But it broke. Very good but never so bad.")], "reversed")
@example([("Meh", "not bad. can't! complain. wasn't. good. isn't good but bad")], "text")
@example([("", "xyzn't good. lovedn't bad! goodn't! great")], "text")
def test_sentences_from_the_reviews_tokens_equal_the_package(nat, pairs, order):
    titles = [a for a, _ in pairs]
    texts = [b for _, b in pairs]
    _assert_joint(nat, *_sentences_case(titles, texts, order))


@settings(max_examples=examples(25), **_SETTINGS)
@given(_text(max_words=900), st.sampled_from(["text", "reversed"]))
def test_long_texts_past_the_fast_tokenizer_equal_the_package(nat, text, order):
    text = text + " but not good. " + text  # past 4,095 characters more often than not: the general tokenizer
    _assert_joint(nat, *_sentences_case(["good but"], [text], order))


def test_a_but_in_one_sentence_only_moves_that_sentences_values(nat):
    text = "Great product. It works but it is slow. Love it, but I hate the box. Not bad at all."
    _assert_joint(nat, *_sentences_case(["Meh"], [text]))
    _assert_joint(nat, *_sentences_case(["Meh"], [text], "reversed"))
    _assert_joint(nat, *_sentences_case(["Meh"], [text * 200]))  # 16,000 characters
    text = "xyzn't good. It lovedn't bad! goodn't! great, but not bad. "
    _assert_joint(nat, *_sentences_case(["Meh"], [text]))
    _assert_joint(nat, *_sentences_case(["Meh"], [text * 100]))  # the general tokenizer


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def test_round_reads_the_bits_of_normal_and_subnormal_floats(nat):
    from reviewtools import _vadercore

    xs = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1e-300, 0.00005,
          0.00015, 0.0005, -0.00005, 0.49995, 0.5, 0.99995, 1.0, -1.0, math.nextafter(1.0, 0.0), 0.12345,
          0.6369, -0.4215, math.ldexp(1.0, -52), math.ldexp(1.0, -53), math.ldexp(1.0, -67), math.ldexp(1.0, -68)]
    for x in xs:
        for nd in (0, 1, 2, 3, 4):
            assert _bits(_vadercore.round(x, nd)) == _bits(round(x, nd)), (x, nd)
