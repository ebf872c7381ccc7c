"""``_checkcore.sentence_counts``' anchored count reads a run's key as eight bytes at once (issue 8, seventeenth
session, helper ``checks_k``): the bytes after a run of fewer than eight are masked off, and within eight bytes of
the data's end the run's own bytes only are copied. Checked against the Python definition of
tests/test_rules_sentence16.py and the ``-DCHECKCORE_NO_SIMD`` build (the byte loop): word runs of 1 to 12 bytes
followed by letters, digits, other bytes or nothing, at the end of the last row (so of the data) and of the other
rows, words that are prefixes of longer runs and runs that are prefixes of words."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from test_rules_literal_simd import scalar  # noqa: F401  (the -DCHECKCORE_NO_SIMD build, a fixture)
from test_rules_sentence16 import CORE, WORDS, _anchored, _definition, needs_core

_RUNS = [w.encode() for w in WORDS[:6]] + [b"bo", b"boxes", b"shipp", b"refunds", b"deliver", b"deliveryx", b"x",
                                           b"refundrefund", b"ab", b"box9", b"9box", b"BOX"]


def _rows() -> list[list[bytes]]:
    """Lists of rows (one data buffer each) whose last row ends with each run, after each kind of byte."""
    out = []
    for run in _RUNS:
        for before in (b"", b" ", b".", b"q ", b"\xc3\xa9", b"a box. "):
            for after in (b"", b" ", b".", b"s", b"9", b"\x00", b"\xc3\xa9", b" box"):
                last = before + run + after
                out.append([last])
                out.append([b"box. ship it", last])
                out.append([last, b"delivery"])
                out.append([b"x" * 61 + b" " + last])
    return out


@needs_core
def test_runs_at_the_end_of_the_data(scalar):  # noqa: F811
    for rows in _rows():
        want = [_definition(r) for r in rows]
        assert _anchored(CORE, rows) == want, rows
        assert _anchored(scalar, rows) == want, rows


_PIECE = st.sampled_from(_RUNS + [b" ", b".", b"!", b"\n", b"\x00", b"-", b"q", b"9", b"\xc3\xa9", b"_"])


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PIECE, max_size=20).map(b"".join), min_size=1, max_size=4))
def test_property_short_rows(rows):
    assert _anchored(CORE, rows) == [_definition(r) for r in rows]
