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
