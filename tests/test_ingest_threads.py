"""``read_reviews`` puts Arrow and numpy work on a second thread (the texts' byte scans and the dates in
``_map_file``: ``MAP_THREAD``; the cleaned columns' joins in ``_take_rows``: ``TAKE_THREAD``; two CSV parts:
``ARROW_CSV_SPLIT_MIN``): the result is the one read on one thread, rejects, duplicates and reports included."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest

_TEXT = st.lists(st.sampled_from(["good", " ", "<br>", "&amp;", "&", "\r\n", "é", "<b>x</b>", "\t", "ok", "\u00a0"]),
                 max_size=6).map("".join)
_DATE = st.sampled_from(["2024-02-13", "2024-02-13T07:02:36Z", "2024-02-30", "January 15, 2024", "1441324800",
                         "13/01/2024", "", "soon", "1990-01-01", " 2024-03-01 "])
_ROW = st.tuples(st.sampled_from(["r1", "r2", "r3", "", "r4"]), st.sampled_from(["5", "4", "x", "", "3.5"]), _TEXT,
                 _TEXT, _DATE, st.sampled_from(["ann", "bob", ""]))


def _read(path, threads: bool) -> ingest.IngestResult:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest, "MAP_THREAD", threads)
        mp.setattr(ingest, "TAKE_THREAD", threads)
        mp.setattr(ingest, "ARROW_CSV_SPLIT_MIN", 1 if threads else 0)
        return ingest.read_reviews(path)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ROW, min_size=1, max_size=25))
def test_the_threads_read_what_one_thread_reads(tmp_path, rows) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["review_id", "rating", "title", "text", "date", "author"])
    w.writerows(rows)
    path = tmp_path / "r.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        one = _read(path, False)
    except ingest.IngestError as exc:
        with pytest.raises(ingest.IngestError, match=str(exc).split(":")[0]):
            _read(path, True)
        return
    two = _read(path, True)
    pd.testing.assert_frame_equal(two.reviews, one.reviews, check_exact=True)
    pd.testing.assert_frame_equal(two.rejects, one.rejects, check_exact=True)
    assert two.files == one.files and two.format == one.format
