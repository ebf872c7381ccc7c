"""``_checkcore.literal_rows`` probes a 1-2 byte literal with a class only where it can end (issue 8, eleventh
session): its class holds no ASCII letter or digit, so the byte 1 or 2 after its start must be another byte or the
row's end; the SSE2 step drops the other word starts from its 64-position masks (the last two positions of a mask,
whose bytes 1-2 on are not read, are kept). The rows here put such literals (and longer ones) at every offset of
rows up to ~200 bytes, followed by 0-3 letters or digits and then an edge byte, a non-ASCII byte or the row's end,
so every position of a mask (62 and 63 too) sees a word that is one, two, three bytes long or longer; the installed
module and the ``-DCHECKCORE_NO_SIMD`` build must give the byte-wise definition's rows.
"""

from __future__ import annotations

import pytest

from test_rules_literal import _reference
from test_rules_literal_simd import CORE, _literal_rows, needs_core, scalar  # noqa: F401 (fixture)
from reviewtools import rules as R

LITERALS = [(b"f", 0), (b"b", 1), (b"ck", 0), (b"sh", 1), (b"f", 1), (b"dm", 0), (b"not", 0), (b"book", 1),
            (b"=", -1), (b"store", -1)]
TAILS = [b"", b" ", b"x", b"x ", b"0.", b"xy", b"xy ", b"k9-", b"xyz ", b"\xc3\xa9", b"_", b"\x00"]


def _rows(lit: bytes) -> list[bytes]:
    rows = []
    for fill in (b"a", b" ", b"a "):
        for o in range(0, 140):
            for tail in TAILS:
                head = (fill * o)[:o]
                rows.append(head + lit + tail)
                rows.append(head + b" " + lit + tail + b" " + b"q" * (o % 7))
    return rows


@needs_core
@pytest.mark.parametrize("lit", [b"f", b"b", b"ck", b"sh", b"dm", b"fx", b"c"])
def test_short_literals_with_a_class_at_every_mask_position(scalar, lit):  # noqa: F811
    edges = [bytes(R._LITERAL_EDGES[0][1]), bytes(int(c in b" \n.-\x00") for c in range(256))]
    rows = _rows(lit)
    want = _reference(rows, LITERALS, edges)
    assert _literal_rows(CORE, rows, LITERALS, edges) == want
    assert _literal_rows(scalar, rows, LITERALS, edges) == want
