"""A large CSV is parsed in two parts on two threads (``ingest._csv_halfway``, ``_storecore.record_after``): the
frame is the one a single parse gives, and whatever a single parse refuses (the pandas path then) is refused too."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest

core = pytest.importorskip("reviewtools._storecore")
pytestmark = pytest.mark.skipif(not hasattr(core, "record_after"), reason="an older _storecore build")

#: Pieces of a CSV body: fields, delimiters, quotes (lone, doubled, inside a field), line breaks (also inside a
#: quoted field), blank lines, carriage returns, non-ASCII.
ATOMS = ["a", "b c", '"', '""', ",", "\n", "5", 'x"y', '"q"', '"m\nn"', '"r,s"', " ", "\r\n", "\r", "é", "\t",
         "\n\n", "4,", '"",']


def _read(data: bytes, split_min: int, quoting: int = csv.QUOTE_MINIMAL, sep: str = ",") -> pd.DataFrame | None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest, "ARROW_CSV_SPLIT_MIN", split_min)
        return ingest._read_csv_arrow(data, "utf-8", sep, quoting)


def _same(data: bytes, quoting: int = csv.QUOTE_MINIMAL, sep: str = ",") -> None:
    one = _read(data, 0, quoting, sep)
    two = _read(data, 1, quoting, sep)
    assert (one is None) == (two is None)
    if one is not None:
        pd.testing.assert_frame_equal(two, one, check_exact=True)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.sampled_from(ATOMS), max_size=40).map("".join), st.booleans())
def test_two_parts_read_as_one(body: str, bom: bool) -> None:
    _same((b"\xef\xbb\xbf" if bom else b"") + ("Stars,Review,Date\n" + body).encode())


@settings(max_examples=examples(120), deadline=None)
@given(st.lists(st.sampled_from(["5,ok,2024-01-0", "1", "4", '"a\nb"', '""', '"x""y"', ","]), min_size=1, max_size=12)
       .map(lambda parts: "\n".join(parts)), st.integers(1, 30))
def test_well_formed_rows_split_anywhere(rows: str, repeat: int) -> None:
    """Files the native scan accepts: the cut falls at a record end and both parts parse."""
    _same(("Stars,Review,Date\n" + "\n".join([rows] * repeat) + "\n").encode())


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.sampled_from(["a\tb", "\t", "\n", '"', "x", "\r\n"]), max_size=30).map("".join))
def test_unquoted_tab_separated(body: str) -> None:
    _same(("Stars\tReview\tDate\n" + body).encode(), csv.QUOTE_NONE, "\t")


def test_the_cut_is_one_past_a_record_end() -> None:
    data = b'a,b\n1,"x\ny"\n2,z\n3,w\n'
    assert [core.record_after(data, 44, 1, 0, t) for t in (0, 3, 4, 5, 11, 12, 16, 19)] == [4, 4, 12, 12, 12, 16, 20, 20]
    assert core.record_after(data, 44, 1, 0, 20) == -1  # no line feed at or after the target
    assert core.record_after(b'a,b\n1,x"y\n2,z\n', 44, 1, 0, 8) == -1  # a quote inside a field: gives up
    assert core.record_after(b"a,b\n1,x\r2,z\n", 44, 1, 0, 8) == -1  # a lone carriage return: gives up
    assert core.record_after(b'a,b\n1,x"y\n2,z\n', 44, 0, 0, 8) == 10  # unquoted: every line feed


def test_a_large_file_is_cut_and_reads_the_same() -> None:
    rows = "".join(f'{i % 5 + 1},"text {i}\nline, ""two""",2024-01-{i % 28 + 1:02d}\n' for i in range(5000))
    data = ("Stars,Review,Date\n" + rows).encode()
    cut = ingest._csv_halfway(data, 0, ",", csv.QUOTE_MINIMAL) if ingest.ARROW_CSV_SPLIT_MIN <= len(data) else None
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest, "ARROW_CSV_SPLIT_MIN", 1)
        cut = ingest._csv_halfway(data, 0, ",", csv.QUOTE_MINIMAL)
    assert len(data) // 2 <= cut < len(data) and data[cut - 1:cut] == b"\n" and data[cut:cut + 1].isdigit()
    _same(data)
    assert len(_read(data, 1)) == 5000


def test_pure_python_reads_in_one_piece(monkeypatch) -> None:
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    monkeypatch.setattr(ingest, "ARROW_CSV_SPLIT_MIN", 1)
    assert ingest._csv_halfway(b"a,b\n1,2\n3,4\n", 0, ",", csv.QUOTE_MINIMAL) == -1
