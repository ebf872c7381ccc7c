"""``ingest._is_utf8_in_halves`` (a big file's UTF-8 check as two halves, the second on a thread, cut before an ASCII
byte near the middle) decides as ``is_utf8`` of the whole: on Hypothesis-made bytes of valid, truncated, overlong,
surrogate and stray continuation sequences, with the split threshold lowered so small inputs are cut too."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest

_PIECES = [b"a", b",", b"\n", b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xff", b"\xc3", b"\x80",
           b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80"]


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=120), st.integers(1, 64))
def test_halves_decide_as_the_whole(pieces, threshold) -> None:
    data = b"".join(pieces)
    old = ingest.ARROW_CSV_SPLIT_MIN
    try:
        ingest.ARROW_CSV_SPLIT_MIN = threshold
        got = ingest._is_utf8_in_halves(data)
    finally:
        ingest.ARROW_CSV_SPLIT_MIN = old
    assert got == ingest.is_utf8(data) == ingest._is_utf8_python(data)


def test_no_ascii_byte_after_the_middle_is_checked_whole() -> None:
    data = "é".encode() * 200  # no ASCII byte at all
    old = ingest.ARROW_CSV_SPLIT_MIN
    try:
        ingest.ARROW_CSV_SPLIT_MIN = 8
        assert ingest._is_utf8_in_halves(data) and not ingest._is_utf8_in_halves(data[:-1])
    finally:
        ingest.ARROW_CSV_SPLIT_MIN = old
