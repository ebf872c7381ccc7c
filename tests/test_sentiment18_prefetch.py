"""The native passes that ask for the next text while working on one (``_vadercore``'s ``joined_spans_into`` and
``split_mapped``, ``_langcore``'s ``head_counts_mapped``) give each text the result it gets alone, whatever its
neighbours are: the next item a str of another width, a str subclass, not a str at all, or no next item (the last
one, lists of one item). The prefetch only reads ahead, so these are the same values as without it; the tests hold
the edges of the look-ahead (the last item, one-item lists, non-str neighbours) to that.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_vader_native import REF, _float_bits, _native_or_skip

from reviewtools import sentiment
from reviewtools.rules import LANGUAGE_MAX_CHARS, _lang_core
from reviewtools.sentiment import TITLE_TEXT_SEPARATOR, split_sentences, split_sentences_many
from reviewtools.vader import _joined

LANG = _lang_core()


class S(str):
    pass


_LONG = "This blender is great. It broke after a week though! " * 12
_ITEMS = ["Love it. Works well.", "", "x", _LONG, "Caf\u00e9 tr\u00e8s bien. Je recommande.",
          "\u041e\u0442\u043b\u0438\u0447\u043d\u043e. \u0421\u043f\u0430\u0441\u0438\u0431\u043e!",
          "Great \U0001f600. Bad \U0001f621!", S("A str subclass. Fine."), "  \n  ", "e.g. this. No. 5 is ok..."]


def _neighbourhoods() -> list[list[str]]:
    """Every item alone, every ordered pair, and the whole list forwards and backwards."""
    out = [[x] for x in _ITEMS] + [[a, b] for a in _ITEMS for b in _ITEMS]
    return out + [list(_ITEMS), list(reversed(_ITEMS))]


@pytest.mark.parametrize("texts", _neighbourhoods())
def test_split_spans_do_not_depend_on_the_next_text(texts):
    owner, start, end = split_sentences_many(texts)
    got = [[] for _ in texts]
    for o, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True):
        got[o].append((a, b))
    assert got == [split_sentences(t) for t in texts]


@pytest.mark.parametrize("texts", _neighbourhoods())
def test_joined_scores_do_not_depend_on_the_next_pair(texts):
    nat = _native_or_skip()
    titles = list(reversed(texts))
    sents = sentiment._Sentences.of(titles, texts)
    rows, c = nat.joined_scores_and_compounds(titles, texts, TITLE_TEXT_SEPARATOR, sents.pool, sents.owner,
                                              sents.start, sents.end)
    want = [REF.polarity_scores(_joined(a, b, TITLE_TEXT_SEPARATOR)) for a, b in zip(titles, texts, strict=True)]
    assert _float_bits(rows.ravel()) == _float_bits([d[k] for d in want for k in ("neg", "neu", "pos", "compound")])
    spans = [sents.pool[o][a:b] for o, a, b in zip(sents.owner.tolist(), sents.start.tolist(), sents.end.tolist(),
                                                    strict=True)]
    assert _float_bits(c) == _float_bits([REF.polarity_scores(s)["compound"] for s in spans])


def _head_counts(items: list[object]) -> list[tuple[int, int, int, int]]:
    keys, longest = sentiment._packed_english_words()
    hmap = sentiment._head_map()
    sentiment._map_head_chars(hmap, "".join(x for x in items if isinstance(x, str)))
    n = len(items)
    out = [np.full(n, -7, dtype=np.int64) for _ in range(3)]
    state = np.full(n, -7, dtype=np.int8)
    LANG.head_counts_mapped(items, np.ascontiguousarray(keys, dtype=np.uint64), longest, LANGUAGE_MAX_CHARS, hmap,
                            *out, state)
    return list(zip(*(a.tolist() for a in out), state.tolist(), strict=True))


@pytest.mark.skipif(LANG is None or not hasattr(LANG, "head_counts_mapped"), reason="_langcore not built")
@pytest.mark.parametrize("items", _neighbourhoods() + [[None], ["A text of its own here.", None],
                                                       [None, _LONG], [b"bytes", _LONG, 5], [_LONG, 3.5]])
def test_head_counts_do_not_depend_on_the_next_item(items):
    got = _head_counts(items)
    for x, g in zip(items, got, strict=True):
        if isinstance(x, str):
            assert g == _head_counts([x])[0]
        else:
            assert g == (0, 0, 0, 0)  # not a str: not counted


def _spans_utf8(pool: list[object], owner: list[int], start: list[int], end: list[int], qs: list[int]):
    i64 = lambda v: np.asarray(v, dtype=np.int64)  # noqa: E731
    offsets = np.empty(len(qs) + 1, dtype=np.int64)
    valid = np.empty(len(qs), dtype=np.uint8)
    data = LANG.span_utf8(pool, i64(owner), i64(start), i64(end), i64(qs), offsets, valid)
    return [None if not v else data[a:b].decode() for a, b, v in zip(offsets[:-1].tolist(), offsets[1:].tolist(),
                                                                      valid.tolist(), strict=True)]


@pytest.mark.skipif(LANG is None or not hasattr(LANG, "span_utf8"), reason="_langcore not built with span_utf8")
@pytest.mark.parametrize("qs", [[], [0], [-1], [3, 2, 1, 0], [0, -1, -1, -1, -1, 4], [4, 4, 4, 4, 4, 4],
                                [1, -1, 2, -1, 3, -1, 0, -1, 4], [0] * 9 + [4]])
def test_span_bytes_do_not_depend_on_the_spans_ahead(qs):
    pool = ["Love it. Works well.", _LONG, "Caf\u00e9 tr\u00e8s bien. Je recommande.", "Great \U0001f600. Bad!", "x"]
    owner, start, end = [0, 1, 2, 3, 4], [9, 50, 5, 0, 0], [20, 300, 15, 9, 1]
    want = [None if q < 0 else pool[owner[q]][start[q]:end[q]] for q in qs]
    assert _spans_utf8(pool, owner, start, end, qs) == want


@pytest.mark.skipif(LANG is None or not hasattr(LANG, "span_utf8"), reason="_langcore not built with span_utf8")
@pytest.mark.parametrize("bad", [5, 10**12, -1])
def test_span_bytes_refuse_a_bad_span_behind_good_ones(bad):
    """A span out of range (or a text that is not a str) a few items on is still refused when reached, and the
    look-ahead passing over it earlier does not fail."""
    pool, owner, start, end = ["abc", "def", None], [0, 1, 2], [0, 0, 0], [1, 2, 1]
    qs = [0, 1, 0, 1, bad if bad != -1 else 2]
    with pytest.raises(IndexError):
        _spans_utf8(pool, owner, start, end, qs)
