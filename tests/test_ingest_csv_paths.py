"""pyarrow's CSV fast path reads what the pandas path reads, quotes that never close included; a first row longer
than the header is rejected, not read with every column shifted.

The fast path's guard sends a file with an odd number of quote characters to pandas. A file whose count is even
can still hold a quote that opens a field and is closed only by a stray quote rows later, or never (a literal
``5"`` earlier makes the count even): both readers then run the field on (to that quote, or to the end of the
file), and they must do so the same way.
"""

from __future__ import annotations

import csv
from unittest import mock

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest

#: Pieces of a field: plain text, a delimiter, line breaks, lone, doubled and embedded quotes.
ATOMS = ["a", "b c", '"', '""', ",", "\n", "5", 'x"y', '"q"', " ", "\r\n"]


def _both(data: bytes) -> tuple[pd.DataFrame | None, tuple]:
    fast = ingest._read_csv_arrow(data, "utf-8", ",", csv.QUOTE_MINIMAL)
    with mock.patch.object(ingest, "_read_csv_arrow", return_value=None):
        slow = ingest._read_csv(data, "utf-8", ",", csv.QUOTE_MINIMAL)
    return fast, slow


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def test_an_unterminated_quote_with_an_even_count_is_rejected_and_the_rows_after_it_are_read() -> None:
    data = b'Stars,Review,Date\n5,Broke 5" screen,2024-01-15\n2,ok,"2024-01-16\n3,x,2024-01-17\n'
    assert data.count(b'"') % 2 == 0
    fast, (frame, rows, bad) = _both(data)
    assert fast is None  # the last field runs to the end of the file unclosed: the fast path declines
    assert frame["Review"].tolist() == ['Broke 5" screen', "x"] and rows.tolist() == [1, 3]
    assert [b[0] for b in bad] == [2] and "never closed" in bad[0][2] and bad[0][1] == '2,ok,"2024-01-16'


def test_a_quoted_last_field_with_a_line_break_stays_on_the_fast_path() -> None:
    data = b'Stars,Review,Date\n5,Broke,2024-01-15\n2,ok,"2024-01-16\nsecond line"\n'
    fast, (frame, rows, bad) = _both(data)
    assert fast is not None and _records(fast) == _records(frame) and not bad


def _read(tmp_path, text: str):
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode())
    return ingest.read_reviews(path)


def test_a_quote_never_closed_loses_no_row_after_it(tmp_path) -> None:
    # every row ends up ingested or rejected with its reason: the stray quote's row, not the rest of the file
    for nl in ("\n", "\r\n"):
        res = _read(tmp_path, nl.join(["review_id,rating,text,date", '1,5,"good,2024-01-01', "2,4,fine,2024-01-02",
                                       "3,1,bad,2024-01-03", ""]))
        assert res.reviews["review_id"].tolist() == ["2", "3"] and res.reviews["text"].tolist() == ["fine", "bad"]
        assert res.rejects["source_row"].tolist() == [1] and "never closed" in res.rejects["reason"].iloc[0]
        assert res.rejects["value"].iloc[0] == '1,5,"good,2024-01-01'


def test_a_quote_closed_rows_later_by_a_stray_quote_is_rejected_and_the_lines_read_again(tmp_path) -> None:
    # odd count: row 2 opens a quote, row 3 holds a doubled quote, row 4 a real multi-line field
    res = _read(tmp_path, 'review_id,rating,text,date\n1,5,ok,2024-01-01\n2,4,"opens,2024-01-02\n'
                          '3,1,bad ""x,2024-01-03\n4,1,"a\nb",2024-01-04\n5,2,last,2024-01-05\n')
    assert res.reviews["review_id"].tolist() == ["1", "3", "4", "5"]
    assert res.reviews["text"].tolist()[2] == "a\nb"
    assert res.rejects["source_row"].tolist() == [2] and "runs over 3 lines" in res.rejects["reason"].iloc[0]


def test_literal_quotes_and_multi_line_fields_are_rows_as_before(tmp_path) -> None:
    res = _read(tmp_path, 'review_id,rating,text,date\n1,5,24" tv,2024-01-01\n2,4,"two\nlines",2024-01-02\n'
                          '3,1,"say ""hi""",2024-01-03\n')
    assert res.reviews["text"].tolist() == ['24" tv', "two\nlines", 'say "hi"'] and res.rejects.empty


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(st.lists(st.lists(st.sampled_from(ATOMS), max_size=3).map("".join), min_size=3, max_size=3),
                min_size=1, max_size=4))
def test_fast_path_equals_the_pandas_path_when_the_quote_count_is_even(rows: list[list[str]]) -> None:
    data = ("A,B,C\n" + "\n".join(",".join(r) for r in rows) + "\n").encode()
    if data.count(b'"') % 2:
        return  # the guard sends these to pandas
    fast, (frame, _, bad) = _both(data)
    if fast is None:
        return  # declined: pandas decides
    assert list(fast.columns) == list(frame.columns)
    assert _records(fast) == _records(frame) and not bad


def test_a_first_row_longer_than_the_header_is_rejected_not_shifted(tmp_path) -> None:
    # pandas' C parser took the first column of such a file as its index: every row's rating came from its text
    path = tmp_path / "long_first_row.csv"
    path.write_bytes(b"Stars,Review,Date\n4,Good,2024-01-15,extra\n5,ok,2024-01-16\n1,Broke,2024-01-17\n")
    res = ingest.read_reviews(path)
    assert res.reviews["rating"].tolist() == [5, 1] and res.reviews["text"].tolist() == ["ok", "Broke"]
    assert res.rejects["source_row"].tolist() == [1] and "4 fields" in res.rejects["reason"].iloc[0]
    # the same row later in the file was already rejected this way
    later = tmp_path / "long_later_row.csv"
    later.write_bytes(b"Stars,Review,Date\n5,ok,2024-01-16\n4,Good,2024-01-15,extra\n1,Broke,2024-01-17\n")
    res2 = ingest.read_reviews(later)
    assert res2.reviews["rating"].tolist() == [5, 1] and res2.rejects["source_row"].tolist() == [2]


def test_a_file_ending_in_a_quote_that_opens_the_last_field_is_left_to_pandas() -> None:
    # found by the property above: a literal x"y makes the count even, and the file's last quote opens a field
    # that runs to the end (its value is the final line break), which the old guard took for a closing quote
    data = b'A,B,C\n,,\nx"y,"\n,,","\n'
    assert data.count(b'"') % 2 == 0
    fast, (frame, _, bad) = _both(data)
    assert fast is None
    # a closed multi-line last field still takes the fast path
    fast2, (frame2, _, bad2) = _both(b'A,B,C\n1,2,"two\nlines"\n')
    assert fast2 is not None and _records(fast2) == _records(frame2) and not bad2
