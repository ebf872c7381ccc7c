"""The block paths of reviewtools.sentiment equal the per-review reference bit for bit.

``split_sentences_many`` (numpy over a block of texts) against ``split_sentences`` (one text at a time, kept as the
reference), on adversarial text: abbreviations, initials, list markers, decimals, ellipses, quotes and brackets,
emoji, CJK punctuation, Unicode whitespace and line breaks.
"""

from __future__ import annotations

import unittest.mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal

from reviewtools import sentiment
from reviewtools.sentiment import load_abbreviations, score_sentiment, split_sentences, split_sentences_many

# Pieces that exercise every rule of the splitter (and ASCII-only ones, so the numpy path gets most examples).
_ASCII_PIECES = [
    "a", "b", "A", "B", "I", "x", "ok", "Works", "great", " ", "  ", "\t", "\x0b", "\x0c", "\x1c", "\x1f", "\n",
    "\r", "\r\n", ".", "!", "?", "...", "..", "?!", "!!!", '"', "'", ")", "]", "(", "[", "1", "12", "123", "1234",
    "3.5", "$3.50", "amazon.com", ":)", ":(", "-", ",", "$", "\x00", "\x7f", "e.g.", "i.e.", "No.", "no. 5",
    "etc.", "Dr.", "J.", "J.R.R.", "U.S.", "a.m.", "1.", "(a)", "(b.", "(1", "12.", "Fig. 2", "approx.", "vs.",
    "lbs.", "I.", " 1. ", "A.B.C.D.E.F.G.H.I.", "ST.", "(", '("', "great.Works", "wow!Great", " " * 20,
    "." * 12, ")" * 9, "a" * 25,
]
_OTHER_PIECES = [
    "\u2026", "\u201c", "\u201d", "\u2018", "\u2019", "\u00bb", "\u00ab", "\U0001f600", "\U0001f621\U0001f621",
    "\u3002", "\uff01", "\u2028", "\u2029", "\x85", "\xa0", "\u3000", "\u2009", "\u00c9t\u00e9", "\u00e9", "\u00c9",
    "\u0130", "\u212a", "\u00b2", "\u0663", "caf\u00e9.", "\u4e2d\u6587\u3002", "\u2026Terrible", "\u00bfQu\u00e9?",
]


def _as_lists(texts: list[str]) -> list[list[tuple[int, int]]]:
    owner, start, end = split_sentences_many(texts)
    assert owner.dtype == start.dtype == end.dtype == np.int64
    got: list[list[tuple[int, int]]] = [[] for _ in texts]
    for i, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True):
        got[i].append((a, b))
    return got


_ascii_text = st.lists(st.sampled_from(_ASCII_PIECES), max_size=40).map("".join)
_any_text = st.lists(st.sampled_from(_ASCII_PIECES + _OTHER_PIECES) | st.text(max_size=3), max_size=40).map("".join)


@given(st.lists(_ascii_text, max_size=12))
@settings(max_examples=examples(120), deadline=None)
def test_block_splitter_equals_the_reference_on_ascii_text(texts):
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


@given(st.lists(_ascii_text | _any_text, max_size=12))
@settings(max_examples=examples(120), deadline=None)
def test_block_splitter_equals_the_reference_on_any_text(texts):
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127), max_size=60), max_size=8))
@settings(max_examples=examples(100), deadline=None)
def test_block_splitter_equals_the_reference_on_random_ascii(texts):
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


@given(st.lists(_ascii_text | st.text(alphabet=st.characters(max_codepoint=127), max_size=60), max_size=12))
@settings(max_examples=examples(120), deadline=None)
def test_native_and_numpy_ascii_splitters_agree_with_the_reference(texts):
    """Both ASCII paths (the native port of split_sentences and the numpy one) give the reference's spans."""
    want = [split_sentences(t) for t in texts]
    assert _lists(sentiment._split_block_numpy(texts, True), len(texts)) == want
    if sentiment._native_splitter() is not None:
        assert _lists(sentiment._split_block(texts, True), len(texts)) == want


def _lists(spans, n):  # type: ignore[no-untyped-def]
    owner, start, end = spans
    assert owner.dtype == start.dtype == end.dtype == np.int64
    got: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for i, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True):
        got[i].append((a, b))
    return got


def test_native_splitter_leaves_very_long_words_before_a_full_stop_to_numpy():
    if sentiment._native_splitter() is None:
        pytest.skip("the native core is not built")
    texts = ["Fine. " + "x" * 70 + ". Next one.", "Ok. Good.", "(" + "A" * 63 + ". b", "Dr. " + "y" * 200 + ".  No. 5"]
    core = sentiment.native_module()
    _, left = core.split_ascii(texts, *sentiment._native_splitter_args())
    assert left == [0, 3]
    assert _lists(sentiment._split_block(texts, True), len(texts)) == [split_sentences(t) for t in texts]
    with pytest.raises(ValueError, match="ASCII"):
        core.split_ascii(["caf\u00e9. Ok."], *sentiment._native_splitter_args())


@pytest.mark.parametrize("abbrev", sorted(load_abbreviations()))
@pytest.mark.parametrize("after", [" 5 more.", " Then more.", " then more.", " (x)", "", "\n2. Next."])
def test_block_splitter_on_every_abbreviation(abbrev, after):
    texts = [f"See {abbrev}.{after}", f"{abbrev.upper()}.{after}", f'("{abbrev}.{after}', f"1. {abbrev}.{after}"]
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


def test_long_runs_are_finished_past_the_vectorised_steps():
    texts = ["Good." + " " * 500 + "Bad.", "Wait" + "." * 300 + " Then", "Ok" + ")" * 200 + "  x", " " * 1000,
             "x." + "\t" * 70 + "\n" + '"' * 40 + "No."]
    assert _as_lists(texts) == [split_sentences(t) for t in texts]


def test_ascii_classes_follow_the_reference_patterns():
    table, opener = sentiment._ascii_classes()
    for code in range(128):
        ch = chr(code)
        bits = int(table[code])
        assert bool(bits & sentiment._K_NL) == (not sentiment._LINE.fullmatch(ch))
        assert bool(bits & sentiment._K_T) == bool(sentiment._TERMINATOR.fullmatch(ch))
        assert bool(opener[code]) == (ch in sentiment._OPENERS)
    # the byte comparisons of the ASCII path: line breaks \n \r, terminators . ! ?
    assert {chr(c) for c in range(128) if table[c] & sentiment._K_NL} == {"\n", "\r"}
    assert {chr(c) for c in range(128) if table[c] & sentiment._K_T} == {".", "!", "?"}


def test_blocks_of_texts_join_in_order(monkeypatch):
    monkeypatch.setattr(sentiment, "_SPLIT_BLOCK_TEXTS", 3)
    texts = ["A. B.", "caf\u00e9. Ok.", "", "x", "\u2026 Yes. No.", "One. Two. Three.", "e.g. this", "\U0001f600!", "Z.",
             "the and it to of for this that with but not you " * 2, "Das Produkt ist leider sehr schlecht und kaputt."]
    assert _as_lists(texts) == [split_sentences(t) for t in texts]
    assert sentiment._word_counts(texts).tolist() == [len(t.split()) for t in texts]
    got = sentiment._languages(texts)
    assert list(zip(got.language, got.foreign.tolist(), strict=True)) == _reference_languages(texts)


def test_no_texts_and_empty_texts():
    assert [a.tolist() for a in split_sentences_many([])] == [[], [], []]
    assert [a.tolist() for a in split_sentences_many(["", "  ", "\n"])] == [[], [], []]


# ------------------------------------------------------------------------------------------ language guess

_WORDS = ["the", "and", "it", "to", "of", "for", "this", "that", "with", "but", "not", "you", "would", "should",
          "The", "AND", "It's", "great", "product", "works", "das", "ist", "nicht", "sehr", "gut", "und", "le",
          "produit", "est", "tr\u00e8s", "bien", "x", "123", "a1", "the1", "they're", "don't", "_the_", "Th\u0130s",
          "\u212aelvin", "caf\u00e9", "\u4e2d\u6587", "!!!", "...", ",", "-", "\n", "\t", " "]
_language_text = st.lists(st.sampled_from(_WORDS), max_size=90).map(" ".join) | st.lists(
    st.sampled_from(_WORDS), max_size=90).map("".join)


def _reference_languages(texts):
    from reviewtools.rules import detect_language

    out = []
    for t in texts:
        g = detect_language(t)
        foreign = g.not_english
        out.append((g.language or (g.likely if foreign else None), foreign))
    return out


@given(st.lists(_language_text, max_size=6))
@settings(max_examples=examples(60), deadline=None)
def test_block_language_guess_equals_detect_language(texts):
    got = sentiment._languages(texts)
    assert list(zip(got.language, got.foreign.tolist(), strict=True)) == _reference_languages(texts)
    assert set(got.guesses) == {i for i, f in enumerate(got.foreign.tolist()) if f}


_ascii_head = st.lists(st.sampled_from([w for w in _WORDS if w.isascii()] + [
    "THE", "tHe", "the2", "2the", "0", "9", "@", "`", "[", "{", "_", "theandit", "which", "WHICH", "thesee",
    "abcdefgh", "abcdefghi", "should" * 2]), max_size=90).map(" ".join) | st.text(
    alphabet=st.characters(max_codepoint=127), max_size=300)


@given(st.lists(_ascii_head, max_size=8))
@settings(max_examples=examples(150), deadline=None)
def test_native_function_word_counts_equal_numpy(heads):
    """The native one-pass count of the English function-word test equals the numpy path exactly."""
    if sentiment.native_module() is None:
        pytest.skip("the native core is not built")
    keys, longest = sentiment._packed_english_words()
    got = sentiment._plain_english_ascii(heads, keys, longest)
    want = sentiment._plain_english_ascii_numpy(heads, keys, longest)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()


class _WithoutHeadCounts:
    """The native core without ``ascii_head_counts``: ``_languages`` strips and cuts heads in Python."""

    def __init__(self, core):
        self._core = core

    def __getattr__(self, name):
        if name == "ascii_head_counts":
            raise AttributeError(name)
        return getattr(self._core, name)


_head_text = _ascii_head | _language_text | st.text(
    alphabet=st.sampled_from(list("the and it \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u3000x")), max_size=420)


@given(st.lists(_head_text | _head_text.map(lambda t: "\x1c \t" + t + " \x0b\n"), max_size=8))
@settings(max_examples=examples(200), deadline=None)
def test_native_head_counts_equal_the_python_heads(texts):
    """``ascii_head_counts`` (strip, head and counts of each text in one C pass) decides exactly what the Python
    heads and ``_plain_english_ascii`` decide, whitespace ``str.strip`` removes and heads over the limit included."""
    core = sentiment.native_module()
    if core is None or not hasattr(core, "ascii_head_counts"):
        pytest.skip("the native core is not built")
    got = sentiment._languages(texts)
    with unittest.mock.patch.object(sentiment, "native_module", lambda: _WithoutHeadCounts(core)), \
            unittest.mock.patch.object(sentiment, "_lang_core", lambda: None):  # nor _langcore's head_counts
        want = sentiment._languages(texts)
    assert got.language == want.language and got.foreign.tolist() == want.foreign.tolist()
    assert got.guesses == want.guesses
    keys, longest = sentiment._packed_english_words()
    n = len(texts)
    tokens, words, letters = (np.empty(n, dtype=np.int64) for _ in range(3))
    state = np.empty(n, dtype=np.int8)
    core.ascii_head_counts(texts, keys, longest, sentiment.LANGUAGE_MAX_CHARS, tokens, words, letters, state)
    heads = [t.strip()[: sentiment.LANGUAGE_MAX_CHARS] for t in texts]
    asc = [t.isascii() for t in texts]
    assert state.tolist() == [(2 if len(t.strip()) <= sentiment.LANGUAGE_MAX_CHARS else 1) if a else 0
                              for t, a in zip(texts, asc, strict=True)]
    rows = [i for i in range(n) if asc[i]]
    if rows:
        want_counts = [np.empty(len(rows), dtype=np.int64) for _ in range(3)]
        core.ascii_word_counts([heads[i] for i in rows], keys, longest, *want_counts)
        for got_c, want_c in zip((tokens, words, letters), want_counts, strict=True):
            assert got_c[rows].tolist() == want_c.tolist()


def test_native_function_word_counts_refuse_non_ascii():
    core = sentiment.native_module()
    if core is None:
        pytest.skip("the native core is not built")
    keys, longest = sentiment._packed_english_words()
    out = [np.empty(1, dtype=np.int64) for _ in range(3)]
    with pytest.raises(ValueError, match="ASCII"):
        core.ascii_word_counts(["caf\u00e9 the and"], keys, longest, *out)


def test_block_language_guess_on_the_edges():
    texts = ["", "   ", "a" * 39, "the and it to " * 3, "  " + "the and it to of " * 30, "x" * 400 + " the and it to",
             "Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr schade.",
             "the and it to " + "\u00e9" * 50, "T H E and it to of for this abcdefghijklmnopqrstuvwxyz"]
    got = sentiment._languages(texts)
    assert list(zip(got.language, got.foreign.tolist(), strict=True)) == _reference_languages(texts)


# ------------------------------------------------------------------------- the whole stage, per review

def _reference_score_sentiment(frame: pd.DataFrame) -> pd.DataFrame:
    """score_sentiment as it was before the block paths (commit 0140a04): one review at a time."""
    from reviewtools.rules import detect_language

    S = sentiment
    titles, texts = S._columns(frame)
    ratings = frame["rating"].tolist() if "rating" in frame.columns else [pd.NA] * len(frame)
    whole = [S.review_string(ti, te) for ti, te in zip(titles, texts, strict=True)]
    per_row = [[ti[a:b] for a, b in split_sentences(ti)] + [te[a:b] for a, b in split_sentences(te)]
               for ti, te in zip(titles, texts, strict=True)]
    scores = S._score_unique(w for w in whole if w)
    fresh = list(dict.fromkeys(x for sents in per_row for x in sents if x not in scores))
    compounds = dict(zip(fresh, S._compounds(fresh) if fresh else [], strict=True))
    compounds.update((w, sc["compound"]) for w, sc in scores.items())
    zero = {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
    cols: dict[str, list[object]] = {c: [] for c in S.SENTIMENT_COLUMNS}
    na = pd.NA
    for w, sents, rating, te in zip(whole, per_row, ratings, texts, strict=True):
        guess = detect_language(te)
        sw = scores[w] if w else zero
        comps = [compounds[x] for x in sents]
        m = len(comps)
        if m:
            sent_c = S._mean(comps)
            worst_c = min(comps)
            worst = sents[comps.index(worst_c)]
            share: object = sum(c <= S.NEGATIVE_THRESHOLD for c in comps) / m
            longest = max((len(x.split()) for x in sents if len(x) > 2 * S.MAX_RELIABLE_SENTENCE_WORDS), default=0)
        else:
            sent_c, worst, worst_c, share, longest = 0.0, None, None, na, 0
        foreign = guess.not_english
        if foreign:
            flag, reason = na, f"not checked: {S.not_scored_reason(guess)}"
        else:
            flag, reason = S._mismatch(rating, sent_c, m, worst, worst_c, longest)
        values = (sw["compound"], sw["neg"], sw["neu"], sw["pos"], sent_c, m, share, na if worst is None else worst,
                  na if worst_c is None else worst_c, np.nan if foreign else sent_c,
                  S.UNKNOWN_LABEL if foreign else S.label_for(sent_c), flag, reason,
                  guess.language or (guess.likely if foreign else None) or na)
        for c, v in zip(S.SENTIMENT_COLUMNS, values, strict=True):
            cols[c].append(v)
    out = frame.copy()
    for c in S.SENTIMENT_COLUMNS:
        out[c] = pd.Series(cols[c], index=frame.index, dtype=S._DTYPES[c]) if len(frame) else pd.Series(
            dtype=S._DTYPES[c], index=frame.index)
    return out


def _assert_identical(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert_frame_equal(got, want, check_exact=True)
    for c in sentiment.SENTIMENT_COLUMNS:  # bit for bit: signed zeros too
        if got[c].dtype.kind == "f" or str(got[c].dtype) == "Float64":
            x = got[c].to_numpy(dtype=np.float64, na_value=np.nan)
            y = want[c].to_numpy(dtype=np.float64, na_value=np.nan)
            assert np.array_equal(x.view(np.int64), y.view(np.int64)), c


_review_text = st.lists(st.sampled_from(_ASCII_PIECES + _OTHER_PIECES + _WORDS + [
    "I hate it.", "Love it!", "Awful, broke in a day.", "Great value. Works well.", "not bad", "terrible!!!",
    "Das Produkt ist leider kaputt gegangen und sehr schlecht verarbeitet."]), max_size=40).map(" ".join)
_ratings = st.sampled_from([1, 2, 3, 4, 5, None])


@given(st.lists(st.tuples(_review_text, _review_text | st.just(""), _ratings), max_size=12),
       st.sampled_from(["Int64", "float64", "object", None]))
@settings(max_examples=examples(40), deadline=None)
def test_score_sentiment_equals_the_per_review_reference(rows, rating_dtype):
    frame = pd.DataFrame({"text": [r[0] for r in rows], "title": [r[1] for r in rows]})
    if rating_dtype == "Int64":
        frame["rating"] = pd.array([r[2] for r in rows], dtype="Int64")
    elif rating_dtype == "float64":
        frame["rating"] = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64)
    elif rating_dtype == "object":
        frame["rating"] = pd.Series([r[2] for r in rows], dtype=object)
    _assert_identical(score_sentiment(frame), _reference_score_sentiment(frame))


def test_score_sentiment_equals_the_reference_on_long_and_repeated_reviews():
    long_flat = " ".join(["word"] * 70)  # one 70-word stretch: mismatch not checked
    many = " ".join(f"Sentence {k} is {'bad' if k % 3 else 'great'}." for k in range(150))  # pairwise means
    texts = [long_flat, many, many, "Awful. I hate it!", "", "  ", "Love it :) Five stars", many[:600]]
    frame = pd.DataFrame({"text": texts, "title": ["Five Stars", "Five Stars", "", "Terrible", "", "Meh", "", "x"],
                          "rating": pd.array([5, 1, 5, 5, None, 3, 1, 2], dtype="Int64")},
                         index=pd.Index([10, 3, 7, 1, 0, 2, 5, 4]))
    _assert_identical(score_sentiment(frame), _reference_score_sentiment(frame))
    empty = frame.iloc[:0]
    _assert_identical(score_sentiment(empty), _reference_score_sentiment(empty))
    for dtype in ("string", "str", object):  # missing text or title in each kind of text column
        typed = frame.assign(text=pd.array([None, *texts[1:]], dtype=dtype),
                             title=pd.array([*frame["title"][:-1], None], dtype=dtype))
        _assert_identical(score_sentiment(typed), _reference_score_sentiment(typed))


@given(st.lists(st.lists(st.sampled_from([-1.0, -0.5, -0.05, -0.0, 0.0, 0.05, 0.3, 0.6369, -0.4215, 1.0]) | st.floats(
    -1, 1, allow_nan=False), min_size=1, max_size=40), min_size=1, max_size=20))
@settings(max_examples=examples(60), deadline=None)
def test_block_means_equal_the_per_review_mean(lists):
    """The block aggregate (sequential sums under 8 sentences, numpy's row mean from 8) equals _mean bit for bit."""
    count = np.array([len(x) for x in lists], dtype=np.int64)
    flat = np.array([v for x in lists for v in x], dtype=np.float64)
    pool = [f"s{k}" for k in range(flat.size)]
    lengths = np.array([len(x) for x in pool], dtype=np.int64)
    agg = sentiment._Sentences(pool, np.arange(flat.size), np.zeros(flat.size, dtype=np.int64), lengths,
                               np.arange(flat.size), count).aggregate(flat)
    for i, x in enumerate(lists):
        want = sentiment._mean(x)
        assert agg.mean[i] == want and np.signbit(agg.mean[i]) == np.signbit(want)
        assert agg.worst_compound[i] == min(x) and agg.worst[i] == f"s{int(count[:i].sum()) + x.index(min(x))}"
        assert agg.negative[i] == sum(v <= sentiment.NEGATIVE_THRESHOLD for v in x)


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u3000.\u00e9")), max_size=30),
                max_size=10))
@settings(max_examples=examples(60), deadline=None)
def test_block_word_counts_equal_str_split(strings):
    assert sentiment._word_counts(strings).tolist() == [len(s.split()) for s in strings]


@given(st.lists(st.tuples(*[st.text(alphabet=st.sampled_from(list("a \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000.\u00e9\u200b")),
                                    max_size=6)] * 2), max_size=12))
@settings(max_examples=examples(150), deadline=None)
def test_block_review_scores_equal_review_string_scores(pairs):
    """The review-string seam joins each title and text as :func:`review_string` (parts left out when empty or
    whitespace only) and scores them as ``polarity_scores`` of that string (native and Python paths)."""
    titles, texts = [p[0] for p in pairs], [p[1] for p in pairs]
    want = sentiment._analyzer().scores_array([sentiment.review_string(a, b) for a, b in pairs])
    got = sentiment._review_scores_array(titles, texts)
    assert got.shape == (len(pairs), 4)
    assert got.tobytes() == want.reshape(-1, 4).tobytes()


def test_sentence_strings_of_a_block():
    sents = sentiment._Sentences.of(["Five Stars", "", "Five Stars"], ["Love it. Broke fast.", "", "Meh"])
    assert sents.strings_or_none(np.array([0, -1, 3, 2])) == ["Love it.", None, "Five Stars", "Meh"]
    empty = sentiment._Sentences.of(["", " "], ["", "\n"])
    assert empty.strings_or_none(np.array([-1, -1])) == [None, None]


@given(st.lists(st.lists(st.sampled_from([-1.0, -0.5, -0.05, -0.0, 0.0, 0.05, 0.6369]) | st.floats(-1, 1, allow_nan=False),
                         max_size=20), max_size=25))
@settings(max_examples=examples(100), deadline=None)
def test_native_aggregates_equal_numpy(lists):
    """The native per-review aggregates (sequential means, means from 8 values by numpy) equal the numpy path bit
    for bit, with reviews without sentences among them."""
    core = sentiment.native_module()
    if core is None:
        pytest.skip("the native core is not built")
    count = np.array([len(x) for x in lists], dtype=np.int64)
    flat = np.array([v for x in lists for v in x], dtype=np.float64)
    src = np.arange(flat.size, dtype=np.int64)[::-1].copy()
    want = sentiment._aggregate_numpy(flat, count, src)
    pool = [f"s{k}" for k in range(flat.size)]
    sents = sentiment._Sentences(pool, np.arange(flat.size, dtype=np.int64), np.zeros(flat.size, dtype=np.int64),
                                 np.array([len(x) for x in pool], dtype=np.int64), src, count)
    agg = sents.aggregate(flat[np.argsort(src)])
    assert np.array_equal(agg.mean.view(np.int64), want[0].view(np.int64))
    assert agg.negative.tolist() == want[1].tolist()
    assert np.array_equal(agg.worst_compound.view(np.int64), want[2].view(np.int64))
    assert agg.worst == [None if q < 0 else pool[q] for q in want[3].tolist()]


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u3000\u2028.\u00e9\u200b\U0001f600")),
                        max_size=30), min_size=1, max_size=10), st.data())
@settings(max_examples=examples(100), deadline=None)
def test_native_span_word_counts_equal_str_split(texts, data):
    core = sentiment.native_module()
    if core is None:
        pytest.skip("the native core is not built")
    spans = [(o, a, data.draw(st.integers(a, len(texts[o])))) for o in range(len(texts))
             for a in [data.draw(st.integers(0, len(texts[o])))]]
    owner, start, end = (np.array([x[k] for x in spans], dtype=np.int64) for k in range(3))
    out = np.empty(len(spans), dtype=np.int64)
    core.span_word_counts(texts, owner, start, end, out)
    assert out.tolist() == [len(texts[o][a:b].split()) for o, a, b in spans]
