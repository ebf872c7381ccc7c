"""``_checkcore.ws_literal_rows``' alternatives (issue 8, eighteenth session): after a row's literals are found, only
the alternatives whose first required bit (lowest word, lowest bit) is in the row's found set are tested, from an
index by that bit, instead of every alternative per row; an alternative that requires no bit holds in every row.

Checked here against the definition in the module's doc (every alternative whose required words are all in the
row's found set ORs its bits into out, which keeps what it held): Hypothesis plans with literals standing for
several bits, bits in any of up to four words, alternatives sharing a first bit, requiring bits of later words only,
bits no literal sets, nothing at all, several output bits; only some rows asked; the output buffer non-zero before.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "ws_literal_rows"),
                                reason="reviewtools._checkcore is not built (or pure Python asked)")

#: Literals over a small alphabet (3+ bytes: the module's minimum), some sharing prefixes, one with a space.
LITS = ("abc", "bca", "abcd", "cab", "aab", "abca", "bcab c", "ccc", "abcabcab", "abcabcac", "a b", "xyz")


def _run(rows, lits, words, bits, nwords, req, alt_bits, asked, before):
    blob = b"".join(x.encode() for x in lits)
    lens = np.array([len(x.encode()) for x in lits], np.int32)
    data, offsets = R._arrow_bytes(pa.array(rows, type=pa.large_string()))
    out = np.array(before, np.uint64)
    CORE.ws_literal_rows(data, offsets, np.array(asked, np.int64), blob, lens, np.array(words, np.int32),
                         np.array(bits, np.uint64), nwords, np.array(req, np.uint64).ravel(),
                         np.array(alt_bits, np.uint64), out)
    return out


def _definition(rows, lits, words, bits, nwords, req, alt_bits, asked, before):
    out = [int(x) for x in before]
    for j in sorted(set(asked)):
        norm = R._ws_norm(rows[j]).encode()
        found = [0] * nwords
        for k, x in enumerate(lits):
            if x.encode() in norm:
                found[words[k]] |= bits[k]
        for a, ab in enumerate(alt_bits):
            if all(found[w] & req[a][w] == req[a][w] for w in range(nwords)):
                out[j] |= ab
    return np.array(out, np.uint64)


_BIT = st.integers(0, 63).map(lambda b: 1 << b)


@st.composite
def _plans(draw):
    nwords = draw(st.integers(1, 4))
    lits = draw(st.lists(st.sampled_from(LITS), min_size=1, max_size=len(LITS), unique=True))
    # a literal's word and bits: few distinct bits so that alternatives share them; sometimes several bits
    pool = [(w, 1 << b) for w in range(nwords) for b in (0, 1, 2, 5, 63)]
    words, bits = [], []
    for _ in lits:
        w, b = draw(st.sampled_from(pool))
        if draw(st.booleans()):
            b |= draw(st.sampled_from([1, 2, 4, 1 << 40]))
        words.append(w)
        bits.append(b)
    nalt = draw(st.integers(1, 12))
    req = []
    for _ in range(nalt):
        row = [0] * nwords
        for _ in range(draw(st.integers(0, 3))):  # 0: an alternative that requires nothing
            w = draw(st.integers(0, nwords - 1))
            row[w] |= draw(st.sampled_from([1, 2, 4, 32, 1 << 63, 1 << 7]))  # 1 << 7: no literal sets it
        req.append(row)
    alt_bits = [draw(_BIT) | (draw(_BIT) if draw(st.booleans()) else 0) for _ in range(nalt)]
    return lits, words, bits, nwords, req, alt_bits


_ROWS = st.lists(st.text(alphabet="abcxyz \t\u3000\x00", max_size=40), min_size=1, max_size=8)


@needs_core
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plans(), _ROWS, st.data())
def test_alternatives_equal_the_definition(plan, rows, data):
    lits, words, bits, nwords, req, alt_bits = plan
    asked = data.draw(st.lists(st.integers(0, len(rows) - 1), max_size=len(rows) + 2))
    before = data.draw(st.lists(st.sampled_from([0, 1, 1 << 9, 1 << 63]), min_size=len(rows), max_size=len(rows)))
    args = (rows, lits, words, bits, nwords, req, alt_bits, asked, before)
    assert _run(*args).tolist() == _definition(*args).tolist()


@needs_core
def test_examples():
    rows = ["abc xyz", "ccc", "a  b", "", "abcabcab"]
    lits = ["abc", "xyz", "ccc", "a b", "abcabcab"]
    words = [0, 2, 1, 2, 0]
    bits = [1, 1 << 5, 1 << 3, 1 << 6, 2 | 4]
    nwords = 3
    req = [[1, 0, 1 << 5],  # abc and xyz: row 0
           [0, 0, 1 << 5],  # first required bit in word 2: row 0
           [0, 1 << 3, 0],  # ccc: row 1
           [0, 0, 0],       # nothing: every asked row
           [4, 0, 0],       # a bit of a two-bit literal: row 4
           [1, 0, 1 << 7],  # a bit no literal sets: never
           [0, 0, 1 << 6]]  # "a b" across a whitespace run: row 2
    alt_bits = [1, 2, 4, 8, 16, 32, 64]
    asked = [0, 1, 2, 4]
    got = _run(rows, lits, words, bits, nwords, req, alt_bits, asked, [0, 0, 0, 1 << 20, 0])
    assert got.tolist() == [1 | 2 | 8, 4 | 8, 8 | 64, 1 << 20, 8 | 16]
    assert got.tolist() == _definition(rows, lits, words, bits, nwords, req, alt_bits, asked,
                                       [0, 0, 0, 1 << 20, 0]).tolist()
