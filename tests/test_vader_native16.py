"""The native core's fast ASCII tokenizer of the sixteenth session (``_vadercore.c``, ``tokenize_ext``): the
running sums of the characters' classes (punctuation, case, '!' and '?') are kept per token edge instead of per
character. A token's classes are the difference of the sums at its two edges and its running '!' and '?' counts
the sum at its end edge; text starting or ending with a token or with white space, tokens of punctuation only,
'!' and '?' inside, before and after words: every result must equal vaderSentiment 3.3.2 bit for bit."""

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


_WORDS = [
    "good", "GOOD", "Good", "bad", "BAD", "great", "love", "hate", "ok", "very", "not", "isn't", "no", "but",
    "the", "it", "item", "A", "I", "!", "?", "!!", "??", "!?", "?!!", "good!", "bad?", "!good", "?bad", "wow!!!",
    "great?!", "...", "-", ":)", ":(", "'", "(good)", "\"bad\"", "so-so", "x!y", "GOOD!!", "NOT?", ",",
]
_GAPS = [" ", " ", " ", "  ", "\t", "\n", ". ", "! ", "? ", "", "\r\n"]


@st.composite
def _text(draw, max_words: int = 40) -> str:  # type: ignore[no-untyped-def]
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=0, max_size=max_words))
    out = [draw(st.sampled_from(["", " ", "\n", "  "]))]
    for w in words:
        out.append(w)
        out.append(draw(st.sampled_from(_GAPS)))
    if words and draw(st.booleans()):
        out.pop()  # the text ends with its last token
    return "".join(out)


@settings(max_examples=examples(100), **_SETTINGS)
@given(st.lists(st.tuples(st.sampled_from(["", "Meh!", "GOOD", "bad?", " ok "]), _text()), min_size=1,
                max_size=4), st.sampled_from(["text", "reversed"]))
@example([("", "good!")], "text")
@example([("", "!good? bad!! ok")], "text")
@example([("?", "   very good!!!   ")], "text")
@example([("", "GOOD! great!? not bad?? it is! ok!")], "reversed")
def test_edge_sums_equal_the_package(nat, pairs, order):
    titles = [a for a, _ in pairs]
    texts = [b for _, b in pairs]
    _assert_joint(nat, *_sentences_case(titles, texts, order))


@pytest.mark.parametrize("text", [
    "!", "?", "!!!", " ! ", "good !", "good!", "good !!! bad ??? ok", "GOOD! BAD? OK", "Good!\nBad?\tok ",
    "it is good!!!! really? yes!", "!!good bad?? ok!? fine?!", "",
])
def test_fixed_texts_equal_the_package(nat, text):
    _assert_joint(nat, *_sentences_case(["", "Wow!", "ok?"], [text, text.upper(), text + " !"], "text"))


@pytest.mark.parametrize("code", range(1, 128))
def test_every_ascii_character_between_words_equals_the_package(nat, code):
    """Whether a character is white space (str.split's, \\x1c-\\x1f included) is read from the top bit of its
    counter entry: every ASCII character between, before and after words."""
    ch = chr(code)
    texts = [f"good{ch}bad{ch}{ch}GREAT!{ch}not{ch}very good", f"{ch}ok", f"very{ch}", ch * 3]
    _assert_joint(nat, *_sentences_case(["", f"Wow{ch}", ch, "ok"], texts, "text"))
