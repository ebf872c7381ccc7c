"""``_checkcore.ws_literal_rows``' gate masks (issue 8, sixteenth session): the gate's byte per position is
written first and the two masks (3-byte literals, longer literals) are made from those bytes, 16 positions at a
time by SSE2 ``movemask`` (each byte shifted so that its bit 0, then its bit 1, is the byte's top bit), or bit by
bit without SSE2 and in a row's last, partial block.

Checked against the byte-level definition (``rules._ws_norm``, then a substring test) with the installed module
and a ``-DCHECKCORE_NO_SIMD`` build: a 3-byte literal alone, a longer one alone, and both, at every offset 0-200
of rows of 260 bytes and of rows that end just after them, so that each of the 64 mask bits of the full blocks
(and of the partial ones) is the only one set in some row; a swapped or misplaced bit fails it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from reviewtools import rules as R
from test_rules_literal_simd import scalar  # noqa: F401  (the -DCHECKCORE_NO_SIMD build, a fixture)

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "ws_literal_rows"),
                                reason="reviewtools._checkcore is not built (or pure Python asked)")

LITS = ("qzk", "vwxjq", "jjjjkkkkll")
FILL = "ab cd ef gh "  # no literal's first three bytes, no space next to a space


def _native(core, rows: list[str]) -> list[int]:
    blob = b"".join(x.encode() for x in LITS)
    lens = np.array([len(x) for x in LITS], np.int32)
    k = np.arange(len(LITS))
    words = np.zeros(len(LITS), np.int32)
    bits = (np.uint64(1) << k.astype(np.uint64)).astype(np.uint64)
    data, offsets = R._arrow_bytes(pa.array(rows, type=pa.large_string()))
    out = np.zeros(len(rows), np.uint64)
    core.ws_literal_rows(data, offsets, np.arange(len(rows), dtype=np.int64), blob, lens, words, bits, 1,
                         bits.copy(), bits.copy(), out)
    return out.tolist()


def _definition(rows: list[str]) -> list[int]:
    return [sum(1 << k for k, x in enumerate(LITS) if x in R._ws_norm(row)) for row in rows]


def _rows() -> list[str]:
    fill = FILL * 30
    rows = []
    for at in range(0, 201):
        for lits in ((LITS[0],), (LITS[1],), (LITS[2],), (LITS[0], LITS[2])):
            body = fill[:at] + "".join(x + " " for x in lits)
            rows.append(body + fill[: 260 - len(body)])
            rows.append(body.rstrip(" "))  # the literal at the row's end (a partial last block)
    return rows


@needs_core
def test_each_mask_bit_installed_build():
    rows = _rows()
    want = _definition(rows)
    assert _native(CORE, rows) == want
    assert all(want)


@needs_core
def test_each_mask_bit_scalar_build(scalar):  # noqa: F811
    rows = _rows()
    assert _native(scalar, rows) == _definition(rows)
