"""``_checkcore.sentence_counts``' anchored count by 64-byte blocks (issue 8, sixteenth session, helper
``checks_a``): masks of the ASCII letters/digits and of the segment ends (. ! ? newline NUL) 16 bytes at a time
by SSE2, then only the tokens' edges visited. Checked against a Python definition (segments cut at those bytes
holding a maximal run of ASCII letters and digits equal to a word) and the ``-DCHECKCORE_NO_SIMD`` build (the byte
loop): words and segment ends at every offset around the block edges, tokens longer than a block and across two,
words of 1-8 and more bytes, rows ending inside a token, non-ASCII bytes beside words, and Hypothesis rows."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from test_rules_literal_simd import scalar  # noqa: F401  (the -DCHECKCORE_NO_SIMD build, a fixture)

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "sentence_counts"),
                                reason="reviewtools._checkcore is not built (or pure Python asked)")

WORDS = ("a", "box", "ship", "refund", "delivery", "customerservice", "x" * 70)
_TOKEN = re.compile(rb"[A-Za-z0-9]+")
_ENDS = re.compile(rb"[.!?\n\x00]")


def _definition(row: bytes) -> int:
    return sum(any(m.group() in {w.encode() for w in WORDS} for m in _TOKEN.finditer(seg)) for seg in _ENDS.split(row))


def _anchored(core, rows: list[bytes]) -> list[int]:
    data, offsets = R._arrow_bytes(pa.array(rows, type=pa.large_binary()).cast(pa.large_binary()))
    got = np.zeros(len(rows), np.int64)
    core.sentence_counts(data, offsets, "".join(WORDS).encode(), np.array([len(w) for w in WORDS], np.int32), 0,
                         got, np.zeros(len(rows), np.int64))
    return got.tolist()


def _rows() -> list[bytes]:
    fill = b"ab cd, ef-gh \xc3\xa9t\xc3\xa9 ij  "
    rows = []
    for at in (*range(0, 8), *range(56, 72), *range(120, 136), *range(184, 200)):
        lead = (fill * 20)[:at]
        for w in WORDS[:6]:
            wb = w.encode()
            rows += [lead + wb, lead + wb + b" x", lead + wb + b".", lead + b"." + wb, lead + wb + b"s done",
                     lead + b"q" + wb + b" ", lead + wb + b"\x00" + wb + b"\n" + wb, lead + wb[:-1],
                     lead + b"\xc3\xa9" + wb + b"\xc3\xa9!", lead + wb + b" " + wb + b"? " + wb]
        rows += [lead + b"x" * 70, lead + b"x" * 70 + b" box", lead + b"x" * 71, lead + b"y" * 150 + b". box",
                 lead + b"...!!\n\n\x00", lead]
    return rows + [b"", b"box", b".", b"a", b"a.a.a.a", b"A box", b"BOX box"]


@needs_core
def test_anchored_at_every_block_edge(scalar):  # noqa: F811
    rows = _rows()
    want = [_definition(r) for r in rows]
    assert _anchored(CORE, rows) == want
    assert _anchored(scalar, rows) == want
    assert sum(want) > len(rows) // 2


_PIECE = st.sampled_from([w.encode() for w in WORDS[:6]] + [b" ", b".", b"!", b"?", b"\n", b"\x00", b"-", b"q",
                                                             b"9", b"\xc3\xa9", b"ab", b"x" * 30, b"  ", b"_"])


@needs_core
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PIECE, max_size=60).map(b"".join), min_size=1, max_size=6))
def test_anchored_property(rows):
    assert _anchored(CORE, rows) == [_definition(r) for r in rows]
