"""``_langcore.head_counts_mapped``: the language pre-pass of ``sentiment._languages`` on texts that are not all ASCII;
the identifier's batch (``rules._encoded``, ``rules._remember_all``) against one text at a time.

A text of one or two bytes per character is counted natively, its characters above ASCII read through the
process's map (``sentiment._head_map``: word character of its lower case, letter), instead of going to
``rules.detect_languages_brief`` for a strip, a lower-cased regex tokenisation and a letter count per text. The
counts must be what those regexes give on ``head.lower()`` and the head, texts the map cannot count (a lower case
of two characters or an ASCII one, four-byte strs, not a str) are left (state 0), and ``_languages`` must decide
exactly as before: the same languages, foreign flags, guesses and identifier memo as without the mapped pass and as
``rules.detect_languages``.
"""

from __future__ import annotations

import unittest.mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from reviewtools import sentiment
from reviewtools.rules import _lang_core

LANG = _lang_core()
needs_mapped = pytest.mark.skipif(LANG is None or not hasattr(LANG, "head_counts_mapped"),
                                  reason="_langcore not built with head_counts_mapped (or disabled)")


class S(str):
    pass


_WORDS = ["the", "and", "it", "to", "of", "for", "this", "with", "but", "not", "you", "very", "would", "should",
          "Das", "ist", "sehr", "gut", "le", "produit", "est", "très", "déçu", "Ärger", "schön", "été", "muy", "bien"]
# non-ASCII material: Latin-1 letters, a superscript (a digit that is a "letter" of [^\W\d_]), a fraction, Arabic-Indic
# digits (decimal: token characters, not letters), capital sigma (its lower case depends on what follows), a
# titlecase digraph, the dotted capital I (two-character lower case) and the Kelvin sign (ASCII lower case): never
# mapped, spaces above ASCII (stripped at the ends), punctuation, a combining accent, CJK, a lone surrogate, emoji
_WIDE = ["é", "Ä", "ô", "ß", "ñ", "ü", "²", "½", "٣", "Σ", "ΑΣ", "σ", "ǅ", "İ", "\u212a", "\u00a0", "\u2028", "\u3000",
         "\u0085", "\u2019", "\u201c", "–", "…", "\u0301", "漢字", "\ud800", "\U0001f600", "‚Äô", "\x96", "©"]
_GAPS = [" ", "  ", ".", ", ", "\t", "\n", "_", "-", "'", "", "\x1c", "\x0b", "0", "42"]


@st.composite
def _text(draw):  # type: ignore[no-untyped-def]
    parts = draw(st.lists(st.tuples(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_WIDE),
                                              st.sampled_from(_WORDS).map(str.upper),
                                              st.text(alphabet="abcXYZ09", min_size=1, max_size=12)),
                                    st.sampled_from(_GAPS + _WIDE[15:19])), max_size=120))
    ends = st.sampled_from(["", " ", "\u00a0", "\u3000 ", "\u2028\n", "\x85", " " * 40])
    return draw(ends) + "".join(w + g for w, g in parts) + draw(ends)


_texts = st.lists(st.one_of(_text(), _text().map(S), st.text(max_size=60), st.just("")), max_size=12)


def _reference(texts, max_chars, hmap):  # type: ignore[no-untyped-def]
    """Per text what the regexes of rules give (tokens of ``[^\\W_]+`` on ``head.lower()``, English-only words
    among them, letters ``[^\\W\\d_]`` of the head) and its state: 1/2 for ASCII (the head is all of the stripped
    text: 2), 3 for a mapped text, 0 for a text left."""
    out = []
    for t in texts:
        if type(t) is not str or max(map(ord, t), default=0) > 0xFFFF:
            out.append((0, 0, 0, 0))
            continue
        s = t.strip()
        head = s[:max_chars]
        if not t.isascii() and any(ord(c) >= 128 and hmap[ord(c)] < 0x80 for c in head):
            out.append((0, 0, 0, 0))
            continue
        toks = R._ANCHOR_TOKEN.findall(head.lower())
        state = (2 if len(s) <= max_chars else 1) if t.isascii() else 3
        out.append((len(toks), sum(w in R._ENGLISH_ONLY_WORDS for w in toks), len(R._LETTER.findall(head)), state))
    return out


def _counted(texts, max_chars):  # type: ignore[no-untyped-def]
    keys, longest = sentiment._packed_english_words()
    n = len(texts)
    out = [np.full(n, -7, dtype=np.int64) for _ in range(3)] + [np.full(n, -7, dtype=np.int8)]
    if max_chars == R.LANGUAGE_MAX_CHARS:
        sentiment._count_heads_mapped(LANG.head_counts_mapped, texts, np.ascontiguousarray(keys), longest, *out)
    else:  # the same steps with another head length
        hmap = sentiment._head_map()
        sentiment._map_head_chars(hmap, set().union(*[t for t in texts if isinstance(t, str)]))
        LANG.head_counts_mapped(texts, np.ascontiguousarray(keys), longest, max_chars, hmap, *out)
    return list(zip(*[a.tolist() for a in out]))


@needs_mapped
@settings(max_examples=examples(60), deadline=None)
@given(_texts, st.sampled_from([R.LANGUAGE_MAX_CHARS, 0, 1, 63, 64, 65, 129, 1000]))
def test_head_counts_mapped_equal_the_regexes(texts, max_chars):
    got = _counted(texts, max_chars)
    assert got == _reference(texts, max_chars, sentiment._head_map())


@needs_mapped
@settings(max_examples=examples(100), deadline=None)
@given(_texts)
def test_a_fresh_map_is_filled_on_the_way(texts):
    """With an empty map every character above ASCII is unknown: those texts come back with state -1, are mapped
    and counted again, and end as with a full map."""
    with unittest.mock.patch.object(sentiment, "_head_map", lambda: np.zeros(65536, dtype=np.uint8)):
        keys, longest = sentiment._packed_english_words()
        n = len(texts)
        first = [np.empty(n, dtype=np.int64) for _ in range(3)] + [np.empty(n, dtype=np.int8)]
        LANG.head_counts_mapped(texts, np.ascontiguousarray(keys), longest, R.LANGUAGE_MAX_CHARS,
                                np.zeros(65536, dtype=np.uint8), *first)
        wide = [type(t) is str and not t.isascii() and max(map(ord, t)) <= 0xFFFF
                and any(ord(c) >= 128 for c in t.strip()[:R.LANGUAGE_MAX_CHARS]) for t in texts]
        assert [s == -1 for s in first[3].tolist()] == wide
    got = _counted(texts, R.LANGUAGE_MAX_CHARS)
    assert got == _reference(texts, R.LANGUAGE_MAX_CHARS, sentiment._head_map())


def test_map_bytes():
    hmap = np.zeros(65536, dtype=np.uint8)
    sentiment._map_head_chars(hmap, "é²٣Σ\u00a0İ\u212a…\u0301x\U0001f600")
    assert hmap[ord("é")] == 0x83 and hmap[ord("Σ")] == 0x83  # word character and letter
    assert hmap[ord("²")] == 0x83  # a digit that is not decimal: a letter of [^\W\d_]
    assert hmap[ord("٣")] == 0x81  # decimal: a token character, not a letter
    assert hmap[0xA0] == hmap[ord("…")] == hmap[0x301] == 0x80
    assert hmap[ord("İ")] == hmap[0x212A] == 1  # never: lower case of two characters / an ASCII one
    assert hmap[ord("x")] == 0  # ASCII is not read from the map


@needs_mapped
def test_head_counts_mapped_refuses_a_bad_map():
    out = [np.empty(1, dtype=np.int64) for _ in range(3)] + [np.empty(1, dtype=np.int8)]
    with pytest.raises(ValueError, match="cmap"):
        LANG.head_counts_mapped(["é"], np.array([1], dtype=np.uint64), 3, 300, np.zeros(100, dtype=np.uint8), *out)


def _memo_after(fn, texts):  # type: ignore[no-untyped-def]
    saved = dict(R._CLASSIFIED)
    R._CLASSIFIED.clear()
    try:
        got = fn(texts)
        return got, list(R._CLASSIFIED.items())
    finally:
        R._CLASSIFIED.clear()
        R._CLASSIFIED.update(saved)


_lang_text = st.one_of(
    _text(),
    st.sampled_from(["Le produit est arrivé cassé, je suis très déçu du vendeur, vraiment très déçu.",
                     "Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr schade. Ärgerlich!",
                     "The product arrived broken and the seller never answered, it was very sad – I’m done.",
                     "Ça ne marche pas du tout, ça ne vaut pas le prix, n’achetez pas ce produit là.",
                     "Σ ² ½ ٣ … " * 6, "é" * 45, "İstanbul'dan geldi ama çok kötü paketlenmişti, üzgünüm.",
                     "\u00a0  Très bon produit, je le recommande à tous mes amis et à ma famille.\u3000"]))


@needs_mapped
@settings(max_examples=examples(80), deadline=None)
@given(st.lists(_lang_text, max_size=10))
def test_languages_equal_without_the_mapped_pass_and_detect_languages(texts):
    """``_languages`` with ``head_counts_mapped``, without it (``head_counts``: non-ASCII texts to rules) and
    ``detect_languages``: the same languages, foreign rows and guesses, and the same identifier memo."""
    got, got_memo = _memo_after(sentiment._languages, texts)
    with unittest.mock.patch.object(sentiment, "_head_counts_mapped", lambda: None):
        old, old_memo = _memo_after(sentiment._languages, texts)
    assert got.language == old.language and got.foreign.tolist() == old.foreign.tolist()
    assert got.guesses == old.guesses and got_memo == old_memo
    for i, g in enumerate(R.detect_languages(texts)):
        assert got.foreign[i] == g.not_english
        assert got.language[i] == ((g.language or g.likely) if g.not_english else g.language)
        if g.not_english:
            assert got.guesses[i] == g


# ------------------------------------------------- the identifier's batch: encoding and the memo in one go


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), st.text(alphabet="abcXYZ 09!\t", max_size=30),
                          st.text(alphabet="ABC DEF1!", max_size=20), st.sampled_from(_WIDE + _WORDS),
                          st.text(alphabet="ABC", max_size=5).map(S)), max_size=20))
def test_encoded_equals_the_identifiers_encode(heads):
    ident = R._language_identifier()
    assert R._ascii_encode_checked(ident)
    assert R._encoded(ident, heads) == [ident._encode(h) for h in heads]


def test_encoded_without_the_check_calls_encode():
    class Ident:
        @staticmethod
        def _encode(text):  # type: ignore[no-untyped-def]
            return text.encode("utf-16-le")

    assert not R._ascii_encode_checked(Ident())
    assert R._encoded(Ident(), ["ab", "É"]) == ["ab".encode("utf-16-le"), "É".encode("utf-16-le")]


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.text(alphabet="abcd", max_size=3), max_size=12), st.lists(st.text(alphabet="abcd", max_size=3),
                                                                              max_size=6), st.integers(1, 5))
def test_remember_all_equals_remember_one_by_one(before, heads, size):
    results = [(h, float(i), 0.5) for i, h in enumerate(heads)]
    saved = dict(R._CLASSIFIED)
    try:
        with unittest.mock.patch.object(R, "_LANGUAGE_CACHE_SIZE", size):
            R._CLASSIFIED.clear()
            R._CLASSIFIED.update((b, ("x", 0.0, 0.0)) for b in before[:size])
            for h, r in zip(heads, results):
                R._remember(h, r)
            want = list(R._CLASSIFIED.items())
            R._CLASSIFIED.clear()
            R._CLASSIFIED.update((b, ("x", 0.0, 0.0)) for b in before[:size])
            R._remember_all(heads, results)
            assert list(R._CLASSIFIED.items()) == want
    finally:
        R._CLASSIFIED.clear()
        R._CLASSIFIED.update(saved)


# ------------------------------------------- tokens at every place of the 64-byte masks (the length filter)


@needs_mapped
def test_words_across_the_mask_edges():
    """Only tokens as long as some key are looked up (their lengths read off the word mask and the next one): a
    word, a shorter or longer token, at every offset around the 64- and 128-byte edges, ASCII and mapped."""
    keys, longest = sentiment._packed_english_words()
    keys = np.ascontiguousarray(keys)
    texts = []
    for pad in range(40, 140):
        for w in ("a", "it", "the", "this", "would", "should", "shoulds", "thesaurus", "it9", "at"):
            for gap in (" ", "."):
                texts.append("x" * 3 + " " * (pad - 3) + w + gap + "and")
                texts.append("é" + " " * (pad - 1) + w + gap + "the é")
                texts.append("-" * pad + w.upper())
    got = _counted(texts, R.LANGUAGE_MAX_CHARS)
    assert got == _reference(texts, R.LANGUAGE_MAX_CHARS, sentiment._head_map())
    n = len(texts)
    out = [np.empty(n, dtype=np.int64) for _ in range(3)] + [np.empty(n, dtype=np.int8)]
    LANG.head_counts(texts, keys, longest, R.LANGUAGE_MAX_CHARS, *out)  # the ASCII texts only
    assert list(zip(*[a.tolist() for a in out])) == [x if x[3] in (1, 2) else (0, 0, 0, 0) for x in got]


# ------------------------------------------------------------------------ text_language from codes


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.sampled_from(["de", "fr", "es", "zh", "ar"]), unique=True, max_size=4),
       st.lists(st.integers(0, 5), max_size=40))
def test_language_array_equals_pd_array(extra, picks):
    import pandas as pd

    names = [None, "en", *extra]
    codes = np.array([p % len(names) for p in picks], dtype=np.int64)
    lang = sentiment._Languages(codes, names, np.zeros(len(codes), dtype=bool), {})
    want = pd.array([names[c] for c in codes.tolist()], dtype="string")
    assert lang.language == [names[c] for c in codes.tolist()]
    for arrow in (True, False):
        with unittest.mock.patch.object(sentiment, "_arrow_strings",
                                        sentiment._arrow_strings if arrow else (lambda: None)):
            got = lang.array()
        assert got.dtype == want.dtype and type(got) is type(want)
        pd.testing.assert_extension_array_equal(got, want)


# ----------------------------------------------------- most_negative_sentence from the spans' UTF-8 bytes

needs_spans = pytest.mark.skipif(LANG is None or not hasattr(LANG, "span_utf8"),
                                 reason="_langcore not built with span_utf8 (or disabled)")


@needs_spans
@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.text(max_size=40), st.text(alphabet="ab é€😀.", max_size=40),
                          st.just("plain ascii text."), st.just("caf\u00e9 \u00e0 la cr\u00e8me")), min_size=1,
                max_size=6),
       st.lists(st.tuples(st.integers(-1, 30), st.integers(0, 45), st.integers(0, 45)), max_size=25))
def test_worst_array_equals_the_strings(pool, picks):
    import pandas as pd

    owner, start, end, qs = [], [], [], []
    for o, a, b in picks:
        if o < 0:
            qs.append(-1)
            continue
        t = pool[o % len(pool)]
        a, b = sorted((min(a, len(t)), min(b, len(t))))
        owner.append(o % len(pool))
        start.append(a)
        end.append(b)
        qs.append(len(owner) - 1)
    if not owner:
        owner, start, end = [0], [0], [0]
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    sents = sentiment._Sentences(pool, arr(owner), arr(start), arr(end), arr([]), arr([]))
    agg = sentiment._Aggregates(*([arr([])] * 4), arr(qs), arr([]), sents)
    want = pd.array([None if q < 0 else pool[owner[q]][start[q]:end[q]] for q in qs], dtype="string")
    assert agg.worst == [None if q < 0 else pool[owner[q]][start[q]:end[q]] for q in qs]
    got = agg.worst_array()
    assert got.dtype == want.dtype and type(got) is type(want)
    pd.testing.assert_extension_array_equal(got, want)
    with unittest.mock.patch.object(sentiment, "_lang_core", lambda: None):
        pd.testing.assert_extension_array_equal(agg.worst_array(), want)


@needs_spans
def test_span_utf8_leaves_surrogates_and_refuses_bad_spans():
    i64 = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    off, valid = np.empty(2, dtype=np.int64), np.empty(1, dtype=np.uint8)
    assert LANG.span_utf8(["a\ud800b"], i64([0]), i64([0]), i64([3]), i64([0]), off, valid) is None
    assert LANG.span_utf8(["a\ud800b"], i64([0]), i64([0]), i64([1]), i64([0]), off, valid) == b"a"
    for q, a, b in ((1, 0, 1), (0, 2, 1), (0, 0, 9)):
        with pytest.raises(IndexError):
            LANG.span_utf8(["abc"], i64([0]), i64([a]), i64([b]), i64([q]), off, valid)
    with pytest.raises(ValueError, match="offsets"):
        LANG.span_utf8(["abc"], i64([0]), i64([0]), i64([1]), i64([0]), np.empty(1, dtype=np.int64), valid)


# ------------------------------------------------------------ titles factorized by Arrow's dictionary_encode

_title = st.one_of(st.none(), st.sampled_from(["", " ", "Five Stars", "five stars", "Five Stars.", "é", "Great!"]),
                   st.text(max_size=8))


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_title, max_size=30), st.lists(_title, max_size=10), st.integers(0, 5))
def test_title_codes_equal_factorize(first, second, cut):
    import pandas as pd

    col = pd.concat([pd.Series(first, dtype="string"), pd.Series(second, dtype="string")], ignore_index=True)
    col = col.iloc[min(cut, len(col)):]  # a slice of a two-chunk column, as a block of the frame
    got = sentiment._title_codes(col)
    if not isinstance(col.array, pd.arrays.ArrowStringArray):
        assert got is None
        return
    values, codes, distinct = got
    want = sentiment._text_list(col)
    want_codes, uniques = pd.factorize(np.array(want, dtype=object))
    assert values == want and codes.tolist() == want_codes.tolist() and distinct == uniques.tolist()
    assert codes.dtype == np.int64


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.tuples(_title, st.sampled_from(["Love it. Broke fast.", "", "Meh", "Great product!! Five Stars",
                                                    "Terrible. Awful. Never again."]), st.integers(1, 5)),
                max_size=12))
def test_score_sentiment_same_with_and_without_title_codes(rows):
    import pandas as pd

    frame = pd.DataFrame({"title": pd.Series([r[0] for r in rows], dtype="string"),
                          "text": pd.Series([r[1] for r in rows], dtype="string"),
                          "rating": [r[2] for r in rows]})
    got = sentiment.score_sentiment(frame)
    with unittest.mock.patch.object(sentiment, "_title_codes", lambda col: None):
        want = sentiment.score_sentiment(frame)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
