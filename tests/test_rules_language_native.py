"""``_checkcore.head_word_counts`` (issue 8, seventh session): the language prefilter's English test counted from
the rows' bytes equals ``_vadercore.ascii_word_counts`` of the rows' first characters, and a byte-wise definition.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

LC = R._literal_core()
needs_core = pytest.mark.skipif(LC is None, reason="reviewtools._checkcore is not built (or pure Python asked)")

_ASCII = st.lists(st.sampled_from(list("the and it to of for this THAT With BUT not 0123456789 _-.,!'\n\t\x00abcxyzQ")
                                  + ["would", "should", "which", "thethe", "x" * 9, "the ", "Their "]),
                  max_size=30).map("".join)


def _pack(word: str) -> int:
    return int.from_bytes(word.encode("ascii"), "little")


def _reference(text: str, words: set[str], longest: int) -> tuple[int, int, int]:
    toks = re.findall(r"[A-Za-z0-9]+", text)
    return (len(toks), sum(1 for t in toks if len(t) <= longest and t.lower() in words),
            sum(1 for c in text if c.isascii() and c.isalpha()))


def _run(texts: list[str], rows: list[int], maxlen: int, keys: np.ndarray, longest: int):
    data = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8)
    offsets = np.cumsum([0] + [len(t) for t in texts]).astype(np.int64)
    m = len(rows)
    out = [np.full(m, -1, dtype=np.int64) for _ in range(3)]
    LC.head_word_counts(data, offsets, np.asarray(rows, dtype=np.int64), maxlen, keys, longest, *out)
    return [tuple(int(o[i]) for o in out) for i in range(m)]


@needs_core
@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_ASCII, min_size=1, max_size=8), st.integers(0, 70), st.data())
def test_property_equals_ascii_word_counts(texts, maxlen, data):
    keys, longest = R._english_keys()
    rows = data.draw(st.lists(st.integers(0, len(texts) - 1), max_size=10))
    got = _run(texts, rows, maxlen, keys, longest)
    heads = [texts[r][:maxlen] for r in rows]
    m = len(rows)
    want = [np.empty(m, dtype=np.int64) for _ in range(3)]
    core = R._checks_core()
    if core is not None:
        core.ascii_word_counts(heads, keys, longest, *want)
        assert got == [tuple(int(o[i]) for o in want) for i in range(m)]
    words = {w for w in R._ENGLISH_ONLY_WORDS if len(w) <= 8}
    assert got == [_reference(h, words, longest) for h in heads]


@needs_core
def test_many_keys_take_the_probing_path():
    """With too many keys for a slot each (no multiplier found), the probing loop gives the same counts."""
    words = sorted({f"{a}{b}{c}" for a in "abcdefghij" for b in "klmnopqrst" for c in "uvwxyz"})  # 600 keys
    keys = np.array(sorted(_pack(w) for w in words), dtype=np.uint64)
    texts = ["akw blx ZZZ akwakw 123 cmy! dn", "j t z", "", "akw" * 3]
    got = _run(texts, [0, 1, 2, 3, 0], 100, keys, 3)
    assert got == [_reference(texts[r], set(words), 3) for r in (0, 1, 2, 3, 0)]


@needs_core
def test_bad_rows_raise():
    keys, longest = R._english_keys()
    for rows in ([2], [-1]):
        with pytest.raises(ValueError):
            _run(["ab", "cd"], rows, 10, keys, longest)
    with pytest.raises(ValueError):
        _run(["ab"], [0], 10, keys, 9)
