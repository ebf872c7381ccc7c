"""``_checkcore.sentence_counts``' longer count by 64-byte blocks (issue 8, seventeenth session, helper
``checks_k``): SSE2 masks of the ASCII letters and digits, the separators (the other ASCII bytes but ``_``),
``. ! ?`` and those and ``\\n``, then only the separators visited with the byte loop's state. Checked against the
model of tests/test_rules_sentence_counts.py (segments cut at . ! ? \\n ending with . ! ? or the row's end,
holding at least ``pieces`` pieces with an ASCII letter or digit) and the ``-DCHECKCORE_NO_SIMD`` build (the byte
loop): separators, segment ends and letters at every offset around the block edges, pieces running across blocks
(also through ``_`` and non-ASCII bytes, which neither end nor make a piece), a separator on bit 63, rows at the
very end of the data (the padded copy), ``pieces`` 1 to 6, Hypothesis rows over several blocks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from test_rules_literal_simd import scalar  # noqa: F401  (the -DCHECKCORE_NO_SIMD build, a fixture)
from test_rules_sentence_counts import _model_longer

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "sentence_counts"),
                                reason="reviewtools._checkcore is not built (or pure Python asked)")


def _longer(core, rows: list[bytes], pieces: int) -> list[int]:
    data = np.frombuffer(b"".join(rows) or b"\0", dtype=np.uint8)[: sum(map(len, rows))]
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(r) for r in rows])
    anchored = np.full(len(rows), -1, dtype=np.int64)
    longer = np.full(len(rows), -1, dtype=np.int64)
    core.sentence_counts(data, offsets, b"", np.zeros(0, np.int32), pieces, anchored, longer)
    assert anchored.tolist() == [-1] * len(rows)  # not written without words
    return longer.tolist()


def _edge_rows() -> list[bytes]:
    fill = b"ab cd_ef \xc3\xa9t\xc3\xa9 g, "
    tails = [b"x", b"x.", b"x y.", b"a b c.", b"a b c d!", b"a_b c?", b"a\xc3\xa9 b", b".", b"..", b"\n", b"a\nb c d.",
             b"a b c d", b"a b c d\n", b"1 2 3 4.", b"- - - -.", b"a,b,c,d.e"]
    rows = []
    for at in (*range(0, 6), *range(58, 70), *range(122, 134)):
        lead = (fill * 12)[:at]
        rows += [lead + t for t in tails]
        rows += [lead + b"w" * 70 + b" a b.", lead + b"_" * 70 + b"a b c.", lead]
    return rows + [b"", b"a", b"a.", b"a b c d", b"\n\n", b"a b c d e f g h i j. k l m n o p."]


@needs_core
@pytest.mark.parametrize("pieces", [1, 2, 3, 4, 6])
def test_every_block_edge(scalar, pieces):  # noqa: F811
    rows = _edge_rows()
    want = [_model_longer(r, pieces) for r in rows]
    assert _longer(CORE, rows, pieces) == want
    assert _longer(scalar, rows, pieces) == want
    assert 0 < sum(want)


@needs_core
def test_rows_at_the_end_of_the_data(scalar):  # noqa: F811
    for tail in (b"a b c d", b"a b c d.", b"a b c d\n", b"a b.", b"a_b", b"\xc3\xa9", b"", b"x" * 63 + b" y"):
        for lead in (b"", b"q " * 31, b"q. " * 21, b"w" * 63, b"w" * 64 + b" "):
            rows = [b"one two three four.", lead + tail]
            for pieces in (1, 4):
                want = [_model_longer(r, pieces) for r in rows]
                assert _longer(CORE, rows, pieces) == want, (lead, tail, pieces)
                assert _longer(scalar, rows, pieces) == want, (lead, tail, pieces)


_PIECE = st.sampled_from([b"a", b"box", b"9", b" ", b"  ", b".", b"!", b"?", b"\n", b"\x00", b",", b"-", b"_",
                          b"\xc3\xa9", b"\xe2\x80\x99", b"x" * 40, b"a b c d e ", b"\t"])


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PIECE, max_size=80).map(b"".join), min_size=1, max_size=5), st.integers(1, 6))
def test_property(rows, pieces):
    assert _longer(CORE, rows, pieces) == [_model_longer(r, pieces) for r in rows]
