"""``_checkcore.literal_rows`` when every literal has a class and their first bytes are at most 16 distinct ones
(issue 8, seventeenth session, helper ``checks_k``): a word start is read only where its byte is one of those
first bytes (SSE2 compares, 64 positions at a time). Checked against the byte-wise definition
(test_rules_literal_simd's ``_fast_reference``) and the ``-DCHECKCORE_NO_SIMD`` build: the street-suffix words of
the address prefilter (12 first bytes), sets of 1, 15, 16 and 17 first bytes (17: every word start read, as
before), literals starting with a non-letter or a non-ASCII byte, 1- and 2-byte literals, at every offset around the
16- and 64-byte edges and beside every byte at the ends of the letter and digit ranges."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from test_rules_literal_simd import (CORE, EDGE_BYTES, _fast_reference, _literal_rows, _rows_with, needs_core,
                                     scalar)  # noqa: F401  (scalar: the -DCHECKCORE_NO_SIMD build, a fixture)

EDGES = [bytes(R._LITERAL_EDGES[0][1]), bytes(int(c in b" \n.-:[{\x7f\x80\xff") for c in range(256))]
STREET = [w.encode() for w in R._STREET_SUFFIX[3:-1].split("|")]


def _letters(n: int) -> list[bytes]:
    """n literals with n distinct first bytes (letters, then digits, then other bytes)."""
    firsts = b"qwertyuiopasdfghjklzxcvbnm0123456789-\xc3"
    return [bytes([firsts[i]]) + b"ox" * (i % 3) for i in range(n)]


SETS = {
    "street": [(w, 0) for w in STREET],
    "one": [(b"St", 0), (b"Street", 1), (b"S", 0)],
    "fifteen": [(w, i % 2) for i, w in enumerate(_letters(15))],
    "sixteen": [(w, 0) for w in _letters(16)] + [(b"tox", 1)],
    "seventeen": [(w, 1) for w in _letters(17)],
    "odd": [(b"-x", 0), (b"\xc3\xa9t\xc3\xa9", 1), (b"caf\xc3\xa9", 0), (b"9th", 0), (b"Ave", 1)],
}


@needs_core
@pytest.mark.parametrize("name", sorted(SETS))
def test_every_offset(scalar, name):  # noqa: F811
    lits = SETS[name]
    for lit, _ in lits[:: max(1, len(lits) // 6)]:
        rows = _rows_with(lit, range(0, 141, 7))
        rows += [b"1 " + lit, lit + b" 2", b"x" + lit, lit + b"x", b"Main " + lit + b".", b" " + lit]
        want = _fast_reference(rows, lits, EDGES)
        assert _literal_rows(CORE, rows, lits, EDGES) == want, lit
        assert _literal_rows(scalar, rows, lits, EDGES) == want, lit
        assert any(want)


@needs_core
@pytest.mark.parametrize("name", ["street", "sixteen", "seventeen"])
def test_word_edges(scalar, name):  # noqa: F811
    """Each literal after and before each byte at the ends of the letter and digit ranges, at every offset of
    rows up to 140 bytes of letters or of spaces: every word-start bit of the 64-position masks."""
    lits = SETS[name]
    rows = []
    for lit, _ in lits[::5]:
        rows += [fill * o + left + lit + right + fill * (140 - o)
                 for o in range(0, 140, 3) for fill in (b"a", b" ")
                 for left, right in [(b"", b"")] + [(bytes([c]), b" ") for c in EDGE_BYTES]]
    want = _fast_reference(rows, lits, EDGES)
    assert _literal_rows(CORE, rows, lits, EDGES) == want
    assert _literal_rows(scalar, rows, lits, EDGES) == want


_PIECE = st.sampled_from(STREET + [b" ", b"  ", b"\n", b"1", b"221 ", b"Baker ", b"s", b"\xc3\xa9", b"-", b"_", b".",
                                   b"x" * 40, b"Main", b"\x00"])


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PIECE, max_size=50).map(b"".join), min_size=1, max_size=6))
def test_property_street(rows):
    lits = SETS["street"]
    assert _literal_rows(CORE, rows, lits, EDGES) == _fast_reference(rows, lits, EDGES)


@needs_core
def test_the_address_prefilter_plan():
    """The plan literal_in builds for the street words reads them all with a class, from 12 first bytes."""
    words = f"(?:^|{R._LITERAL_EDGES[0][0]})(?:{'|'.join(w.decode() for w in STREET)})(?:{R._LITERAL_EDGES[0][0]}|$)"
    blob, lens, bits, cls, _ = R._literal_plan((words,))
    firsts, pos = set(), 0
    for n in lens.tolist():
        firsts.add(blob[pos])
        pos += n
    assert (np.asarray(cls) >= 0).all() and 1 <= len(firsts) <= 16
