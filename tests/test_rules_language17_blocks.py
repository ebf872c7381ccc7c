"""``_checkcore.head_word_counts`` by 64-byte blocks (issue 8, seventeenth session, helper ``checks_k``): SSE2
masks of the ASCII letters and of the letters and digits, tokens and letters counted by popcount, only the
tokens' edges visited and a token of at most ``longest`` bytes looked up at its end (read as 8 bytes, masked).
Checked against a byte-wise definition (maximal runs of ASCII letters and digits in the row's first ``maxlen``
bytes; those of at most ``longest`` bytes whose lower-cased bytes are a key; ASCII letters) and the
``-DCHECKCORE_NO_SIMD`` build (the branch-free byte loop): tokens at every offset around the block edges, tokens
longer than a block and across two, ``maxlen`` inside a token and on a block edge, rows ending in a token, rows
at the very end of the data (the padded copy), non-ASCII bytes, 8-byte keys, the probing path, Hypothesis rows."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from test_rules_literal_simd import scalar  # noqa: F401  (the -DCHECKCORE_NO_SIMD build, a fixture)

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "head_word_counts"),
                                reason="reviewtools._checkcore is not built (or pure Python asked)")

_TOKEN = re.compile(rb"[A-Za-z0-9]+")
WORDS = ("a", "it", "the", "with", "which", "should", "through", "together", "4u")


def _keys(words) -> np.ndarray:
    return np.array(sorted(int.from_bytes(w.encode("ascii"), "little") for w in words if len(w) <= 8),
                    dtype=np.uint64)


def _definition(row: bytes, maxlen: int, words, longest: int) -> tuple[int, int, int]:
    head = row[:maxlen]
    toks = _TOKEN.findall(head)
    lowered = {w.encode("ascii") for w in words}
    return (len(toks), sum(1 for t in toks if len(t) <= longest and t.lower() in lowered),
            sum(1 for c in head if 65 <= c <= 90 or 97 <= c <= 122))


def _counts(core, rows: list[bytes], maxlen: int, words=WORDS, longest: int = 8, pick=None):
    data = np.frombuffer(b"".join(rows) or b"\x00", dtype=np.uint8)
    offsets = np.cumsum([0] + [len(r) for r in rows]).astype(np.int64)
    pick = list(range(len(rows))) if pick is None else pick
    out = [np.full(len(pick), -1, dtype=np.int64) for _ in range(3)]
    core.head_word_counts(data, offsets, np.asarray(pick, dtype=np.int64), maxlen, _keys(words), longest, *out)
    return [tuple(int(o[i]) for o in out) for i in range(len(pick))]


def _edge_rows() -> list[bytes]:
    fill = b"ab cd, EF-gh \xc3\xa9t\xc3\xa9 ij  "
    rows = []
    for at in (*range(0, 9), *range(55, 73), *range(119, 137)):
        lead = (fill * 12)[:at]
        for w in WORDS:
            wb = w.encode()
            rows += [lead + wb, lead + wb + b" x", lead + wb.upper() + b".", lead + b"q" + wb, lead + wb + b"s",
                     lead + wb + b"\x00" + wb, lead + b"\xc3\xa9" + wb + b"\xc3\xa9", lead + wb + b"9 " + wb]
        rows += [lead + b"x" * 70, lead + b"x" * 70 + b" the", lead + b"Z" * 129 + b" it", lead]
    return rows + [b"", b"the", b"a", b"A the", b"THE the", b"4U 4u"]


@needs_core
@pytest.mark.parametrize("maxlen", [0, 1, 3, 64, 65, 130, 300, 10_000])
def test_every_block_edge(scalar, maxlen):  # noqa: F811
    rows = _edge_rows()
    want = [_definition(r, maxlen, WORDS, 8) for r in rows]
    assert _counts(CORE, rows, maxlen) == want
    assert _counts(scalar, rows, maxlen) == want
    if maxlen >= 300:
        assert sum(w for _, w, _ in want) > len(rows) // 2


@needs_core
@pytest.mark.parametrize("longest", [0, 1, 3, 5, 7, 8])
def test_longest_cuts_the_lookups(scalar, longest):  # noqa: F811
    rows = _edge_rows()[::7]
    want = [_definition(r, 200, WORDS, longest) for r in rows]
    assert _counts(CORE, rows, 200, longest=longest) == want
    assert _counts(scalar, rows, 200, longest=longest) == want


@needs_core
def test_rows_at_the_end_of_the_data(scalar):  # noqa: F811
    """The last row's last block lies within 64 bytes of the data's end (read from a padded copy), and its last
    token within 8 (read a byte at a time); the other rows' blocks read past their end, masked."""
    for tail in (b"the", b"a", b"it!", b"through", b"together", b"xx the", b"\xc3\xa9the", b"9", b""):
        for lead in (b"", b"w" * 60, b"the " * 16, b"q" * 63, b"q" * 64, b"q" * 65):
            rows = [b"with the", lead + tail]
            for maxlen in (5, 64, 1000):
                want = [_definition(r, maxlen, WORDS, 8) for r in rows]
                assert _counts(CORE, rows, maxlen) == want, (lead, tail, maxlen)
                assert _counts(scalar, rows, maxlen) == want, (lead, tail, maxlen)


@needs_core
def test_many_keys_take_the_probing_path(scalar):  # noqa: F811
    words = sorted({f"{a}{b}{c}" for a in "abcdefghij" for b in "klmnopqrst" for c in "uvwxyz"})  # 600 keys
    rows = [b"akw blx ZZZ akwakw 123 cmy! dn", b"j t z", b"", b"akw" * 3, b"x" * 61 + b" AKW jtz"]
    want = [_definition(r, 100, words, 3) for r in rows]
    assert _counts(CORE, rows, 100, words, 3) == want
    assert _counts(scalar, rows, 100, words, 3) == want


@needs_core
def test_rows_picked_in_any_order(scalar):  # noqa: F811
    rows = _edge_rows()[:200]
    pick = [5, 0, 5, 199, 3, 3, 120]
    want = [_definition(rows[j], 90, WORDS, 8) for j in pick]
    assert _counts(CORE, rows, 90, pick=pick) == want
    assert _counts(scalar, rows, 90, pick=pick) == want


@needs_core
def test_english_keys_on_the_corpus_words():
    """The language prefilter's own keys: the English-only words found, in any case, beside other tokens."""
    keys_words = [w for w in R._ENGLISH_ONLY_WORDS if w.isascii() and len(w) <= 8]
    _, longest = R._english_keys()
    rows = [(" ".join(keys_words[i: i + 9]) + " Zebra 12 " + keys_words[i].upper()).encode() for i in
            range(0, len(keys_words), 5)]
    want = [_definition(r, 300, keys_words, longest) for r in rows]
    assert _counts(CORE, rows, 300, keys_words, longest) == want
    assert all(w > 0 for _, w, _ in want)


_PIECE = st.sampled_from([w.encode() for w in WORDS] + [w.upper().encode() for w in WORDS[:4]]
                         + [b" ", b".", b"\n", b"\x00", b"-", b"q", b"9", b"\xc3\xa9", b"\xe2\x80\x99", b"ab",
                            b"x" * 30, b"  ", b"_", b"@", b"Z"])


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PIECE, max_size=60).map(b"".join), min_size=1, max_size=6), st.integers(0, 400),
       st.integers(0, 8))
def test_property(rows, maxlen, longest):
    assert _counts(CORE, rows, maxlen, longest=longest) == [_definition(r, maxlen, WORDS, longest) for r in rows]
