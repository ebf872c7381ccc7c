"""``_checkcore.ws_literal_rows``' gate (issue 8, twelfth session): the pass hashes the first three bytes at each
position, 64 positions at a time without branches, and runs its three hashed probes only where that hash is one
of a literal's first three bytes.

Checked here against the byte-level definition (a literal is found when its bytes occur in the row with every
whitespace run made one space, ``rules._ws_norm``): literals of 3, 4-7 and 8+ bytes, alone and sharing their
first three bytes, put at every offset around the gate's 64-position blocks (positions 0-3, 60-67, 124-131,
188-195), at the row's very end, cut short by the row's end, after whitespace runs that shift them across a block
edge, and in Hypothesis rows.
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

#: 3-, 4-7- and 8+-byte literals; some share their first three (or eight) bytes, some a space or non-ASCII.
LITS = ("abc", "xyz", "q u", "abcd", "abce", "wxyz1", "ab cd", "abcdefg", "zzzzzzz", "abcdefgh", "abcdefgi",
        "abcdefghij", "the price", "the prices", "lower priced at", "a lot less than you", "cheaper at wal",
        "é à", "ü90", "mnopqrstuvwxyz0123456789")
FILLER = "the a ab abx qu xy wxy abcdefg- price lower é ü 0123 zzzzzz "


def _native(rows: list[str], lits=LITS) -> np.ndarray:
    """Per row, the literals found (bit k: lits[k]), one alternative per literal."""
    blob = b"".join(x.encode() for x in lits)
    lens = np.array([len(x.encode()) for x in lits], np.int32)
    k = np.arange(len(lits))
    words = (k // 64).astype(np.int32)
    bits = (np.uint64(1) << (k % 64).astype(np.uint64)).astype(np.uint64)
    nwords = int(words.max()) + 1
    req = np.zeros((len(lits), nwords), np.uint64)
    req[k, words] = bits
    alt_bits = (np.uint64(1) << (k % 64).astype(np.uint64)).astype(np.uint64)
    data, offsets = R._arrow_bytes(pa.array(rows, type=pa.large_string()))
    out = np.zeros(len(rows), np.uint64)
    CORE.ws_literal_rows(data, offsets, np.arange(len(rows), dtype=np.int64), blob, lens, words, bits, nwords,
                         req.ravel(), alt_bits, out)
    return out


def _definition(rows: list[str], lits=LITS) -> np.ndarray:
    out = np.zeros(len(rows), np.uint64)
    for j, row in enumerate(rows):
        norm = R._ws_norm(row).encode()
        for k, x in enumerate(lits):
            if x.encode() in norm:
                out[j] |= np.uint64(1 << (k % 64))  # as _native: alternative k sets bit k % 64
    return out


def _filler(n: int) -> str:
    """n bytes of filler text (ASCII), none of them a space next to a space."""
    s = (FILLER.encode("ascii", "ignore") * (n // 40 + 2)).decode()
    s = s.replace("  ", " ")
    return s[:n]


@needs_core
def test_every_offset_around_the_blocks():
    rows = []
    for lit in LITS:
        for start in (*range(0, 4), *range(58, 68), *range(122, 132), *range(186, 196)):
            lead = _filler(start)
            rows.append(lead + lit)  # at the row's end
            rows.append(lead + lit + " " + _filler(70))
            rows.append(lead + lit[:-1])  # cut short by the row's end
            rows.append(lead + lit[:-1] + "\x00" + lit[-1])
            rows.append(lead.replace(" ", " \t\u3000 ", 3) + lit)  # whitespace runs move it back across an edge
    got, want = _native(rows), _definition(rows)
    bad = [(rows[j], int(got[j]), int(want[j])) for j in np.flatnonzero(got != want)[:5]]
    assert not bad, bad
    assert (want != 0).sum() > len(rows) // 2  # the rows do hold the literals


@needs_core
def test_short_rows_and_row_ends():
    rows = ["", "a", "ab", "abc", " abc", "abc ", "ab c", "xyz", "xy", "q  u", "q\tu", "q\u3000u", "abcd",
            "é\u00a0à", "é  à", "ü90", "ü9"] + [x[:n] for x in LITS for n in range(len(x) + 1)]
    assert _native(rows).tolist() == _definition(rows).tolist()


@needs_core
def test_many_words_and_the_gates_shared_prefixes():
    # 130 literals (3 words of bits), all starting with the same three bytes but the 3-byte one
    lits = ("abc",) + tuple("abc" + format(i, "03d") + "xyzw"[: i % 5] for i in range(129))
    rows = [_filler(k) + lits[k % len(lits)] + _filler(k % 67) for k in range(400)]
    rows += ["abc" + format(i, "03d") for i in range(129)]
    blob_rows = rows
    assert _native(blob_rows, lits).tolist() == _definition(blob_rows, lits).tolist()


_PIECES = st.sampled_from(LITS + tuple(x[:-1] for x in LITS) + (" ", "  ", "\t", "\n", "\u3000", "\u00a0", "\x00",
                                                                  "a", "ab", "é", "-", "zz"))


@needs_core
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 140), st.lists(_PIECES, max_size=12)), min_size=1, max_size=8))
def test_property_native_equals_the_definition(parts):
    rows = [_filler(n) + "".join(p) for n, p in parts]
    assert _native(rows).tolist() == _definition(rows).tolist()
