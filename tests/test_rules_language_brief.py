"""``rules.detect_languages_brief`` (what sentiment reads of ``detect_languages``, with the heads sentiment
already knows) against ``detect_languages`` itself: the same languages, the same not-English guesses and the
same identifier memo, in the same order (also when the memo overflows)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from reviewtools import sentiment

_WORDS = ("the and it to of for this that with but not you they have are be at very would "
          "das produkt ist nach zwei wochen kaputt gegangen leider sehr schade "
          "le produit est arrivé cassé je suis très déçu "
          "producto llegó roto muy mal calidad no lo recomiendo "
          "great good bad okay fine works stopped broke after days cheap ok "
          "товар пришёл сломанным 商品 很好 非常 満足 x9 42 a b").split()
_SPACE = st.sampled_from(["", " ", "  ", "\n", "\t", "\x0b", "\x1c", "\x85", "\u00a0", "\u3000"])


@st.composite
def _text(draw):
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.one_of(st.none(), st.text(max_size=60)))
    pool = {1: _WORDS, 2: _WORDS, 5: _WORDS[19:]}.get(kind, [w for w in _WORDS[19:] if w.isascii()])
    size = draw(st.sampled_from([3, 12, 40, 90]))
    words = draw(st.lists(st.sampled_from(pool), min_size=size // 2, max_size=size))
    body = " ".join(words)
    if kind == 1:
        body = body.upper()
    return draw(_SPACE) + body + draw(_SPACE)


def _known_head(text):
    """The head sentiment passes: ASCII, at least LANGUAGE_MIN_CHARS letters in the head, not plainly English."""
    if not isinstance(text, str) or not text.isascii():
        return None
    head = text.strip()[: R.LANGUAGE_MAX_CHARS]
    letters = sum(c.isalpha() for c in head)
    if letters < R.LANGUAGE_MIN_CHARS or R._plainly_english(head.lower()):
        return None
    return head


def _want(texts):
    guesses = R.detect_languages(texts)
    language = [(g.language or g.likely) if g.not_english else g.language for g in guesses]
    return language, {i: g for i, g in enumerate(guesses) if g.not_english}


def _memo_after(fn, texts, before):
    R._CLASSIFIED.clear()
    R._CLASSIFIED.update(before)
    out = fn(texts)
    return out, list(R._CLASSIFIED.items())


def _compare(texts, give, before):
    heads = [_known_head(t) if g else None for t, g in zip(texts, give, strict=True)]
    want, want_memo = _memo_after(_want, texts, before)
    got, got_memo = _memo_after(lambda ts: R.detect_languages_brief(ts, heads), texts, before)
    assert got == want
    assert got_memo == want_memo


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(_text(), st.booleans()), max_size=25), st.integers(0, 3))
def test_brief_equals_detect_languages(pairs, warm):
    texts = [t for t, _ in pairs]
    give = [g for _, g in pairs]
    heads = [h for h in (_known_head(t) for t in texts) if h is not None]
    before = {h: R._from_ranked(R._language_identifier().rank(h)) for h in heads[:warm]}  # some already memoised
    _compare(texts, give, before)


@settings(max_examples=examples(30), deadline=None)
@given(st.lists(st.tuples(_text(), st.booleans()), min_size=3, max_size=25))
def test_brief_equals_detect_languages_when_the_memo_overflows(pairs):
    texts = [t for t, _ in pairs]
    give = [g for _, g in pairs]
    old = R._LANGUAGE_CACHE_SIZE
    R._LANGUAGE_CACHE_SIZE = 3  # evictions inside the batch: both paths classify some texts a second time
    try:
        _compare(texts, give, {})
    finally:
        R._LANGUAGE_CACHE_SIZE = old


def _languages_old(texts):
    """``sentiment._languages`` as it was before the brief entry: every undecided text to ``detect_languages``."""
    keys, longest = sentiment._packed_english_words()
    core = sentiment.native_module()
    n = len(texts)
    tokens, words, letters = (np.empty(n, dtype=np.int64) for _ in range(3))
    state = np.empty(n, dtype=np.int8)
    core.ascii_head_counts(texts, keys, longest, R.LANGUAGE_MAX_CHARS, tokens, words, letters, state)
    plain = (words >= R.ENGLISH_FAST_MIN_WORDS) & (words >= R.ENGLISH_FAST_MIN_SHARE * tokens)
    english = (state > 0) & (letters >= R.LANGUAGE_MIN_CHARS) & plain
    decided = english | ((state == 2) & (letters < R.LANGUAGE_MIN_CHARS))
    language = np.where(english, "en", None).tolist()
    foreign = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~decided).tolist()
    guesses = {}
    for i, g in zip(rest, R.detect_languages([texts[i] for i in rest]), strict=True):
        if g.not_english:
            foreign[i] = True
            guesses[i] = g
            language[i] = g.language or g.likely
        else:
            language[i] = g.language
    return language, foreign.tolist(), guesses


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(_text().map(lambda t: t or ""), max_size=30))
def test_sentiment_languages_equal_the_old_path(texts):
    core = sentiment.native_module()
    if core is None or not hasattr(core, "ascii_head_counts"):
        pytest.skip("the native core is not built")
    want, want_memo = _memo_after(_languages_old, texts, {})
    got, got_memo = _memo_after(sentiment._languages, texts, {})
    assert (got.language, got.foreign.tolist(), got.guesses) == want
    assert got_memo == want_memo


def test_brief_on_the_edges():
    texts = [None, "", "   ", "a" * 39, "the and it to " * 3, "x" * 400 + " the and it to",
             "Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr schade.",
             "  Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr schade.  ",
             "1234567890 " * 10 + "abc", "Le produit est arrivé cassé, je suis très déçu du vendeur."]
    heads = [_known_head(t) for t in texts]
    assert heads[6] is not None and heads[7] == heads[6]
    want, want_memo = _memo_after(_want, texts, {})
    got, got_memo = _memo_after(lambda ts: R.detect_languages_brief(ts, heads), texts, {})
    assert got == want and got_memo == want_memo
    assert got[0][6] == "de" and 6 in got[1]
