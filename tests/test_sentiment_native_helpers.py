"""``_vadercore.span_strings`` and ``_vadercore.ascii_flags``, which replace Python loops in
``reviewtools.sentiment`` (``_Sentences.strings_or_none``, ``split_sentences_many``), equal those loops
(Hypothesis: any code points, spans at any edges, -1 for none, str subclasses)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import sentiment
from reviewtools.sentiment import _Sentences
from reviewtools.vader import native_module

CORE = native_module()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "span_strings"),
                                reason="the native core is not built (or disabled)")


class S(str):
    pass


texts_st = st.lists(st.one_of(st.text(max_size=30), st.text(alphabet="ab .!\u00e9\u4e2d\U0001f601", max_size=30),
                              st.text(max_size=5).map(S)), min_size=1, max_size=6)


@st.composite
def spans(draw):  # type: ignore[no-untyped-def]
    texts = draw(texts_st)
    sp = []
    for _ in range(draw(st.integers(0, 12))):
        o = draw(st.integers(0, len(texts) - 1))
        a = draw(st.integers(0, len(texts[o])))
        sp.append((o, a, draw(st.integers(a, len(texts[o])))))
    owner, start, end = (np.array([x[k] for x in sp], dtype=np.int64) for k in range(3))
    qs = np.array(draw(st.lists(st.integers(-1, len(sp) - 1), max_size=10)) if sp else [], dtype=np.int64)
    return texts, owner, start, end, qs


@needs_core
@settings(max_examples=examples(150), deadline=None)
@given(spans())
def test_span_strings_equal_slices(case):
    texts, owner, start, end, qs = case
    got = CORE.span_strings(texts, owner, start, end, qs)
    want = [None if q < 0 else texts[owner[q]][start[q]:end[q]] for q in qs.tolist()]
    assert got == want
    assert [type(x) for x in got] == [type(x) for x in want]


@needs_core
def test_span_strings_refuse_bad_spans():
    with pytest.raises(IndexError):
        CORE.span_strings(["ab"], np.array([0]), np.array([1]), np.array([3]), np.array([0]))
    with pytest.raises(IndexError):
        CORE.span_strings(["ab"], np.array([0]), np.array([0]), np.array([1]), np.array([1]))


@needs_core
@settings(max_examples=examples(200), deadline=None)
@given(texts_st)
def test_ascii_flags_equal_isascii(texts):
    out = np.empty(len(texts), dtype=bool)
    assert CORE.ascii_flags(texts, out) is True
    assert out.tolist() == [t.isascii() for t in texts]
    assert sentiment._ascii_flags(texts).tolist() == [t.isascii() for t in texts]


def test_ascii_flags_leave_non_str_to_python():
    with pytest.raises(AttributeError):
        sentiment._ascii_flags(["ok", None])  # type: ignore[list-item]


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(st.text(max_size=20), st.text(alphabet="Ab. !?\n\u00e9x", max_size=60)), min_size=1,
                max_size=5), st.data())
def test_strings_or_none_equal_the_python_path(pairs, data):
    s = _Sentences.of([a for a, _ in pairs], [b for _, b in pairs])
    qs = np.array(data.draw(st.lists(st.integers(-1, s.owner.size - 1), max_size=8)), dtype=np.int64)
    want = [None if q < 0 else s.pool[s.owner[q]][s.start[q]:s.end[q]] for q in qs.tolist()]
    assert s.strings_or_none(qs) == want


# ---------------------------------------------- ascii_head_counts: word edges found without a branch per character

_FUNCTION = sorted({"the", "and", "it", "is", "was", "not", "this", "with", "for", "but", "you", "very", "they"})
_word = st.one_of(st.sampled_from(_FUNCTION), st.sampled_from(_FUNCTION).map(str.upper),
                  st.sampled_from(_FUNCTION).map(lambda w: w + "s"), st.text(alphabet="aAzZ09", min_size=1, max_size=12),
                  st.text(alphabet=st.characters(max_codepoint=127), min_size=1, max_size=6))
_gap = st.sampled_from([" ", "  ", ".", "@", "[", "`", "{", "_", "'", "\t", "\n", "\x1c", "\x0b", "-", ""])


@st.composite
def _ascii_text(draw):  # type: ignore[no-untyped-def]
    parts = draw(st.lists(st.tuples(_word, _gap), max_size=90))
    return draw(st.sampled_from(["", " ", "\x1c\n"])) + "".join(w + g for w, g in parts) + draw(
        st.sampled_from(["", " ", "\x85"]))


@needs_core
@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.one_of(_ascii_text(), st.text(max_size=40)), max_size=8), st.integers(0, 400))
def test_head_counts_equal_word_counts_of_the_stripped_heads(texts, max_chars):
    keys, longest = sentiment._packed_english_words()
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    n = len(texts)
    got = [np.empty(n, dtype=np.int64) for _ in range(3)] + [np.empty(n, dtype=np.int8)]
    CORE.ascii_head_counts(texts, keys, longest, max_chars, *got)
    heads = [t.strip()[:max_chars] for t in texts]
    asc = [i for i, t in enumerate(texts) if t.isascii()]
    want = [np.zeros(len(asc), dtype=np.int64) for _ in range(3)]
    CORE.ascii_word_counts([heads[i] for i in asc], keys, longest, *want)
    for k in range(3):
        assert got[k][asc].tolist() == want[k].tolist()
        assert not got[k][[i for i in range(n) if i not in asc]].any()
    assert got[3].tolist() == [0 if not t.isascii() else 2 if len(t.strip()) <= max_chars else 1 for t in texts]


# ------------------------------------- _languages: texts too short to tell are decided without rules' function-word test

_SHORT_PARTS = ["caf\u00e9", "tr\u00e8s", "bien", "\u2019", "\U0001f601", "gut", "the", "sehr", "\u4e2d\u6587", "ok",
                "Das Produkt ist kaputt", "x" * 39, "\u00e9" * 39, "\u00e9" * 40]
_pad = st.sampled_from(["", " ", "\n\n", "\u3000", "\u00a0" * 30, " " * 45])


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.builds(lambda a, w, b: a + " ".join(w) + b, _pad, st.lists(st.sampled_from(_SHORT_PARTS),
                                                                                max_size=6), _pad), max_size=8))
def test_languages_of_short_texts_equal_detect_language(texts):
    from reviewtools.rules import detect_language

    got = sentiment._languages(texts)
    want = []
    for t in texts:
        g = detect_language(t)
        want.append((g.language or (g.likely if g.not_english else None), g.not_english))
    assert list(zip(got.language, got.foreign.tolist(), strict=True)) == want


def test_short_texts_do_not_reach_rules(monkeypatch):
    seen = []
    real = sentiment.detect_languages_brief

    def spy(texts, heads):  # type: ignore[no-untyped-def]
        seen.extend(texts)
        return real(texts, heads)

    monkeypatch.setattr(sentiment, "detect_languages_brief", spy)
    texts = ["caf\u00e9 tr\u00e8s bien", "  \u00e9\u00e9  " + " " * 50, "Das Produkt ist nach zwei Wochen kaputt gegangen, leider."]
    got = sentiment._languages(texts)
    assert seen == [texts[2]] and got.language[:2] == [None, None]


# ---------------------------------------- split_ascii: abbreviations looked up in a packed set instead of the dict

_ABBREV = sorted(sentiment.load_abbreviations())
_abbrev_text = st.lists(st.one_of(
    st.sampled_from(_ABBREV).map(lambda a: a + "."), st.sampled_from(_ABBREV).map(lambda a: a.upper() + "."),
    st.sampled_from(_ABBREV).map(lambda a: "(" + a + "."), st.sampled_from(_ABBREV).map(lambda a: a + "x."),
    st.sampled_from(["5", "Next", "next", "J.", "A.B.", "I.", "1.", "ok.", "etcetera.", "\x00a.", "a\x00."]),
    st.text(alphabet="aZ.!? 9(\n", max_size=6)), max_size=30).map(" ".join)


@needs_core
@settings(max_examples=examples(120), deadline=None)
@given(st.lists(_abbrev_text, max_size=8))
def test_split_ascii_packed_abbreviations_equal_the_dict_lookup(texts):
    table, opener, bits, abbreviations = sentiment._native_splitter_args()
    got = CORE.split_ascii(texts, table, opener, bits, abbreviations)
    # a key longer than 8 characters keeps the dict lookup (it can never match a word here)
    slow = CORE.split_ascii(texts, table, opener, bits, {**abbreviations, "zzzzzzzzzz": 1})
    assert got == slow
    assert _ascii_spans(got, len(texts)) == [sentiment.split_sentences(t) for t in texts]


def _ascii_spans(result, n):  # type: ignore[no-untyped-def]
    raw, left = result
    spans = np.frombuffer(raw, dtype=np.int64).reshape(-1, 3)
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for o, a, b in spans.tolist():
        out[o].append((a, b))
    for i in left:
        out[i] = None  # type: ignore[call-overload]
    return out


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=12),
       st.sampled_from(["string[pyarrow]", "string[python]", "str", object]))
def test_text_list_equals_fillna_tolist(values, dtype):
    col = pd.Series(pd.array(values, dtype=dtype) if dtype is not object else values, dtype=dtype)
    want = col.fillna("").tolist() if isinstance(col.dtype, pd.StringDtype) else sentiment._as_text(col)
    got = sentiment._text_list(col)
    assert got == want and all(type(v) is str for v in got)
