"""Two cheaper pieces of ``score_sentiment`` against what they replace.

* ``_langcore.head_counts`` (the language pre-pass with SSE2 masks and branch-free probes) gives exactly the counts
  and states of ``_vadercore.ascii_head_counts`` (its reference), and ``sentiment._languages`` decides the same with
  either and without both (the Python heads);
* the result columns built as Arrow arrays and joined in one ``pd.concat`` (``_string_array``, ``_label_array``,
  ``_with_columns``) equal ``pd.array(..., dtype="string")`` and the old copy-and-assign loop, frame for frame,
  including the frames the loop is kept for (columns already there, attrs, duplicate or multi-level labels).
"""

from __future__ import annotations

import unittest.mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import sentiment
from reviewtools.rules import _lang_core
from reviewtools.vader import native_module

LANG = _lang_core()
CORE = native_module()
needs_both = pytest.mark.skipif(LANG is None or not hasattr(LANG, "head_counts") or CORE is None
                                or not hasattr(CORE, "ascii_head_counts"),
                                reason="_langcore or _vadercore not built (or disabled)")


class S(str):
    pass


_FUNCTION = sorted({"the", "and", "it", "is", "was", "not", "this", "with", "for", "but", "you", "very", "they",
                    "a", "i", "of", "to", "in"})
_word = st.one_of(st.sampled_from(_FUNCTION), st.sampled_from(_FUNCTION).map(str.upper),
                  st.sampled_from(_FUNCTION).map(lambda w: w + "s"),
                  st.text(alphabet="aAzZ09", min_size=1, max_size=12),
                  st.text(alphabet="abcdefgh", min_size=60, max_size=140),  # runs over a 64-byte mask
                  st.text(alphabet=st.characters(max_codepoint=127), min_size=1, max_size=6))
_gap = st.sampled_from([" ", "  ", ".", "@", "[", "`", "{", "_", "'", "/", ":", "\t", "\n", "\x1c", "\x0b", "-", "",
                        "\x7f", "\x00"])


@st.composite
def _ascii_text(draw):  # type: ignore[no-untyped-def]
    parts = draw(st.lists(st.tuples(_word, _gap), max_size=90))
    return draw(st.sampled_from(["", " ", "\x1c\n", " " * 70])) + "".join(w + g for w, g in parts) + draw(
        st.sampled_from(["", " ", "\x85", "\x1f" * 3]))


_texts = st.lists(st.one_of(_ascii_text(), st.text(max_size=40), _ascii_text().map(S),
                            _ascii_text().map(lambda t: t + "\u00e9")), max_size=10)


def _counts(fn, texts, keys, longest, max_chars):  # type: ignore[no-untyped-def]
    n = len(texts)
    out = [np.full(n, -7, dtype=np.int64) for _ in range(3)] + [np.full(n, -7, dtype=np.int8)]
    fn(texts, keys, longest, max_chars, *out)
    return [a.tolist() for a in out]


@needs_both
@settings(max_examples=examples(100), deadline=None)
@given(_texts, st.sampled_from([0, 1, 40, 63, 64, 65, 127, 128, 129, 300, 1000]))
def test_head_counts_equal_ascii_head_counts(texts, max_chars):
    keys, longest = sentiment._packed_english_words()
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    assert _counts(LANG.head_counts, texts, keys, longest, max_chars) == _counts(
        CORE.ascii_head_counts, texts, keys, longest, max_chars)


@needs_both
@settings(max_examples=examples(100), deadline=None)
@given(_texts, st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8),
                        max_size=300, unique=True), st.integers(0, 8))
def test_head_counts_equal_ascii_head_counts_for_any_keys(texts, words, longest):
    """Other key sets (none, many: long probe runs, 8-byte keys) and every ``longest``."""
    keys = np.array([int.from_bytes(w.encode("ascii"), "little") for w in words if len(w) <= longest],
                    dtype=np.uint64)
    assert _counts(LANG.head_counts, texts, keys, longest, 300) == _counts(
        CORE.ascii_head_counts, texts, keys, longest, 300)


@pytest.mark.skipif(LANG is None or not hasattr(LANG, "head_counts"), reason="_langcore not built")
def test_head_counts_refuses_bad_arguments():
    out = [np.empty(1, dtype=np.int64) for _ in range(3)] + [np.empty(1, dtype=np.int8)]
    for bad in (0, 2**64 - 1):
        with pytest.raises(ValueError, match="keys"):
            LANG.head_counts(["x"], np.array([bad], dtype=np.uint64), 3, 300, *out)
    with pytest.raises(ValueError, match="longest"):
        LANG.head_counts(["x"], np.array([1], dtype=np.uint64), 9, 300, *out)
    with pytest.raises(ValueError, match="max_chars"):
        LANG.head_counts(["x"], np.array([1], dtype=np.uint64), 3, -1, *out)
    with pytest.raises(ValueError, match="tokens"):
        LANG.head_counts(["x", "y"], np.array([1], dtype=np.uint64), 3, 300, *out)


class _Without:
    """A module without some of its functions."""

    def __init__(self, module, *names):
        self._module, self._names = module, names

    def __getattr__(self, name):
        if name in self._names:
            raise AttributeError(name)
        return getattr(self._module, name)


_head_text = _ascii_text() | st.text(
    alphabet=st.sampled_from(list("the and it Das ist sehr \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u3000x")),
    max_size=420)


@needs_both
@given(st.lists(_head_text | _head_text.map(lambda t: "\x1c \t" + t + " \x0b\n"), max_size=8))
@settings(max_examples=examples(150), deadline=None)
def test_languages_equal_with_either_pre_pass_and_without(texts):
    """``_languages`` with ``_langcore.head_counts``, with ``_vadercore.ascii_head_counts`` and with neither (the
    Python heads): the same languages, foreign flags and guesses."""
    got = sentiment._languages(texts)
    assert sentiment._head_counts() == LANG.head_counts
    with unittest.mock.patch.object(sentiment, "_lang_core", lambda: None):
        assert sentiment._head_counts() == CORE.ascii_head_counts
        via_core = sentiment._languages(texts)
        with unittest.mock.patch.object(sentiment, "native_module",
                                        lambda: _Without(CORE, "ascii_head_counts")):
            assert sentiment._head_counts() is None
            python = sentiment._languages(texts)
    for other in (via_core, python):
        assert got.language == other.language and got.foreign.tolist() == other.foreign.tolist()
        assert got.guesses == other.guesses


# ------------------------------------------------------------------------------------------ result columns

_maybe_str = st.one_of(st.none(), st.just(pd.NA), st.just(float("nan")), st.text(max_size=12),
                       st.sampled_from(["", "en", "de", "\u00e9\U0001f601"]), st.text(max_size=5).map(S),
                       st.integers(-5, 5), st.just(1.5))  # not strings: pd.array's own conversion


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(_maybe_str, max_size=30))
def test_string_array_equals_pd_array(values):
    want = pd.array(values, dtype="string")
    for given_ in (values, np.array(values, dtype=object)):
        got = sentiment._string_array(given_)
        assert got.dtype == want.dtype and type(got) is type(want)
        pd.testing.assert_extension_array_equal(got, want)


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.integers(0, 3), max_size=30))
def test_label_array_equals_pd_array(codes):
    label = np.array(codes, dtype=np.int64)
    want = pd.array(np.array((*sentiment.LABELS, sentiment.UNKNOWN_LABEL), dtype=object)[label], dtype="string")
    got = sentiment._label_array(label)
    assert got.dtype == want.dtype
    pd.testing.assert_extension_array_equal(got, want)


def _assign_loop(frame, columns):  # type: ignore[no-untyped-def]
    """The columns set as score_sentiment set them before (the reference of ``_with_columns``)."""
    out = frame.copy()
    for col in sentiment.SENTIMENT_COLUMNS:
        out[col] = pd.Series(columns[col], index=frame.index, dtype=sentiment._DTYPES[col])
    return out


def _columns_for(n, rng):  # type: ignore[no-untyped-def]
    has = rng.random(n) < 0.8
    m = rng.integers(0, 4, n)
    words = [None if not h else f"s{i}" for i, h in enumerate(has)]
    return {
        "vader_compound": rng.normal(size=(n, 4))[:, 3], "vader_neg": rng.random(n), "vader_neu": rng.random(n),
        "vader_pos": rng.random(n), "sentence_compound": rng.normal(size=n),
        "sentence_count": pd.arrays.IntegerArray(m, np.zeros(n, dtype=bool)),
        "negative_sentence_share": pd.arrays.FloatingArray(rng.random(n), ~has),
        "most_negative_sentence": sentiment._string_array(words),
        "most_negative_sentence_compound": pd.arrays.FloatingArray(rng.normal(size=n), ~has),
        "sentiment_score": np.where(has, rng.normal(size=n), np.nan),
        "sentiment_label": sentiment._label_array(rng.integers(0, 4, n)),
        "rating_text_mismatch": pd.arrays.BooleanArray(rng.random(n) < 0.5, ~has),
        "mismatch_reason": sentiment._string_array(np.array(words, dtype=object)),
        "text_language": sentiment._string_array(["en" if h else None for h in has]),
    }


def _frames():  # type: ignore[no-untyped-def]
    base = pd.DataFrame({"review_id": ["a", "b", "c"], "rating": [1, 5, None], "text": ["x", None, "z"]})
    yield base
    yield base.set_index(pd.Index([7, 3, 7]))  # non-unique index
    yield base.iloc[1:]  # a slice, as a pipeline partition
    yield base.iloc[:0]
    yield base.assign(sentiment_label="old", vader_pos=1.0)  # columns already there: replaced in place
    dup = base.copy()
    dup.columns = ["text", "rating", "text"]
    yield dup
    multi = base.copy()
    multi.columns = pd.MultiIndex.from_tuples([("a", "x"), ("a", "y"), ("b", "z")])
    yield multi
    with_attrs = base.copy()
    with_attrs.attrs["source"] = "test"
    yield with_attrs
    yield base.set_flags(allows_duplicate_labels=False)


@pytest.mark.parametrize("frame", list(_frames()), ids=lambda f: f"{len(f)}x{f.shape[1]}")
def test_with_columns_equals_the_assignment_loop(frame):
    columns = _columns_for(len(frame), np.random.default_rng(len(frame) + frame.shape[1]))
    want = _assign_loop(frame, columns)
    got = sentiment._with_columns(frame, columns)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.dtypes) == list(want.dtypes) and got.attrs == want.attrs and got.flags == want.flags
    assert got is not frame


def test_score_sentiment_equals_the_assignment_loop():
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(6)], "rating": [1, 5, 3, None, 2, 4],
                          "title": ["Bad", "", None, "Great", "Meh", "Five Stars"],
                          "text": ["Love it, works great!", "", "It broke. I hate it!", "ok",
                                   "Das Produkt ist leider nach zwei Tagen kaputt gegangen und der Versand war "
                                   "sehr langsam.", "Terrible quality. Awful!"]})
    got = sentiment.score_sentiment(frame)
    with unittest.mock.patch.object(sentiment, "_with_columns", _assign_loop), \
            unittest.mock.patch.object(sentiment, "_arrow_strings", lambda: None):
        want = sentiment.score_sentiment(frame)
    pd.testing.assert_frame_equal(got, want, check_exact=True)


# ------------------------------------------------------------------ word counts of long sentences (aggregate)

_span_text = st.one_of(st.text(alphabet=st.characters(max_codepoint=255), max_size=300),
                       st.text(alphabet=" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0ab.", max_size=300),
                       st.text(max_size=80), st.text(alphabet="ab ", min_size=60, max_size=200).map(S))


@st.composite
def _spans_of(draw):  # type: ignore[no-untyped-def]
    texts = draw(st.lists(_span_text, min_size=1, max_size=6))
    sp = []
    for _ in range(draw(st.integers(0, 14))):
        o = draw(st.integers(0, len(texts) - 1))
        a = draw(st.integers(0, len(texts[o])))
        sp.append((o, a, draw(st.integers(a, len(texts[o])))))
    return texts, *(np.array([x[k] for x in sp], dtype=np.int64) for k in range(3))


@pytest.mark.skipif(LANG is None or not hasattr(LANG, "span_word_counts") or CORE is None,
                    reason="_langcore or _vadercore not built (or disabled)")
@settings(max_examples=examples(150), deadline=None)
@given(_spans_of())
def test_span_word_counts_equal_split(spans):
    """``_langcore.span_word_counts`` == ``len(s.split())`` == ``_vadercore.span_word_counts``: one-byte texts
    (every Latin-1 character, 0x85 and 0xA0 among the whitespace), spans over 64-character masks, wider texts."""
    texts, owner, start, end = spans
    got = np.full(owner.size, -1, dtype=np.int64)
    ref = np.full(owner.size, -1, dtype=np.int64)
    LANG.span_word_counts(texts, owner, start, end, got)
    CORE.span_word_counts(texts, owner, start, end, ref)
    assert got.tolist() == ref.tolist() == [len(texts[o][a:b].split()) for o, a, b in zip(owner, start, end)]


@pytest.mark.skipif(LANG is None or not hasattr(LANG, "span_word_counts"), reason="_langcore not built")
def test_span_word_counts_refuse_bad_spans():
    out = np.empty(1, dtype=np.int64)
    one = np.array([0], dtype=np.int64)
    with pytest.raises(IndexError):
        LANG.span_word_counts(["ab"], np.array([1], dtype=np.int64), one, one, out)
    with pytest.raises(IndexError):
        LANG.span_word_counts(["ab"], one, one, np.array([3], dtype=np.int64), out)
    with pytest.raises(ValueError):
        LANG.span_word_counts(["ab"], one, one, one, np.empty(2, dtype=np.int64))


_long_review = st.one_of(st.just(""), st.just("   "), st.just("Short. Fine!"),
                         st.builds(lambda k, sep: sep.join(["word"] * k) + ".", st.integers(1, 140),
                                   st.sampled_from([" ", "  ", " \xa0", "\t"])),
                         st.builds(lambda k: ("caf\u00e9 " * k) + "\u4e2d.", st.integers(55, 70)))


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(_long_review, _long_review), min_size=1, max_size=8))
def test_aggregate_longest_equals_the_per_review_words(reviews):
    """``longest`` (the word count of the longest sentence that can be over the limit) with either native word
    counter and with the Python one, against ``len(s.split())`` of each review's sentences; reviews without any
    sentence in between."""
    titles = [t for t, _ in reviews]
    texts = [x for _, x in reviews]
    sents = sentiment._Sentences.of(titles, texts)
    compounds = np.zeros(sents.owner.size)
    want = []
    for i in range(len(reviews)):
        first = int(np.cumsum(sents.count)[i] - sents.count[i])
        qs = sents.src[first : first + int(sents.count[i])]
        words = [len(sents.string(int(q)).split()) for q in qs
                 if sents.end[q] - sents.start[q] > 2 * sentiment.MAX_RELIABLE_SENTENCE_WORDS]
        want.append(max(words, default=0))
    got = sentiment._Sentences.aggregate(sents, compounds).longest.tolist()
    with unittest.mock.patch.object(sentiment, "_lang_core", lambda: None):
        via_core = sentiment._Sentences.aggregate(sents, compounds).longest.tolist()
    with unittest.mock.patch.object(sentiment, "_span_word_counter", lambda: None):
        python = sentiment._Sentences.aggregate(sents, compounds).longest.tolist()
    assert got == via_core == python == want
