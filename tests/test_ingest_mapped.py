"""``read_reviews`` reads a path through a read-only memory map (``ingest._open_mapped``): every step of the CSV
path takes the map where it took ``bytes``, and reads the same frame, row numbers and rejects."""

from __future__ import annotations

import csv
import gzip
import mmap

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest
from golden_ingest import golden_inputs

#: Pieces of a CSV file: fields, delimiters, quotes (lone, doubled), line breaks, blank tails, a BOM.
ATOMS = ["a", "b c", '"', '""', ",", "\n", "5", 'x"y', '"q"', " ", "\r\n", "\r", "é", "\t", "\n\n"]


def _mapped(path) -> mmap.mmap:
    name, data = ingest._open_mapped(path)
    assert isinstance(data, mmap.mmap) and name == str(path)
    return data


def _same(a: ingest._Raw, b: ingest._Raw) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    assert a.rows.tolist() == b.rows.tolist() and a.bad == b.bad
    assert (a.container, a.encoding) == (b.container, b.encoding)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(ATOMS), max_size=30).map("".join), st.booleans())
def test_a_mapped_csv_loads_as_its_bytes(tmp_path, body: str, bom: bool) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + ("Stars,Review,Date\n" + body).encode()
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    _same(ingest._load("r.csv", _mapped(path), None), ingest._load("r.csv", data, None))


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(ATOMS), max_size=30).map("".join))
def test_the_fast_readers_last_field_check_is_the_same_on_a_map(tmp_path, body: str) -> None:
    data = ("Stars,Review,Date\n5,ok," + body).encode()
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    fast = ingest._read_csv_arrow(_mapped(path), "utf-8", ",", csv.QUOTE_MINIMAL)
    ref = ingest._read_csv_arrow(data, "utf-8", ",", csv.QUOTE_MINIMAL)
    assert (fast is None) == (ref is None)
    if ref is not None:
        pd.testing.assert_frame_equal(fast, ref, check_exact=True)


@given(st.binary(max_size=40), st.sampled_from([b" \t\r\n", b"\n", b"a"]))
def test_rstripped_end_is_the_length_of_rstrip(data: bytes, chars: bytes) -> None:
    assert ingest._rstripped_end(data, chars) == len(data.rstrip(chars))


def test_rstripped_end_across_windows() -> None:
    data = b"x" + b" " * 200_000
    assert ingest._rstripped_end(data, b" ") == 1 and ingest._rstripped_end(b" " * 70_000, b" ") == 0


@pytest.mark.parametrize("path", golden_inputs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_golden_input_loads_the_same_from_a_map(path) -> None:
    data = path.read_bytes()
    try:
        ref = ingest._load(path.name, data, None)
    except ingest.IngestError as exc:
        with pytest.raises(ingest.IngestError, match=str(exc)[:40]):
            ingest._load(path.name, _mapped(path), None)
        return
    _same(ingest._load(path.name, _mapped(path), None), ref)


def test_gzip_and_empty_files_through_the_map(tmp_path) -> None:
    gz = tmp_path / "r.csv.gz"
    gz.write_bytes(gzip.compress(b"Stars,Review,Date\n5,Great,2024-01-15\n"))
    _same(ingest._load("r.csv.gz", _mapped(gz), None), ingest._load("r.csv.gz", gz.read_bytes(), None))
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    assert ingest._open_mapped(empty) == (str(empty), b"")  # cannot be mapped: read as bytes
    with pytest.raises(ingest.IngestError, match="empty"):
        ingest.read_reviews(empty)


def test_huge_pages_are_off_during_the_read_and_restored_after(tmp_path, monkeypatch) -> None:
    prctl = ingest._prctl()
    if prctl is None:
        pytest.skip("no prctl here")
    seen = []
    real = ingest._map_file

    def spy(*args, **kwargs):
        seen.append(prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "_map_file", spy)
    path = tmp_path / "r.csv"
    path.write_text("Stars,Review,Date\n5,Great,2024-01-15\n")
    before = prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0)
    assert ingest.read_reviews(path).ingested == 1
    assert seen == [1] and prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0) == before
    with pytest.raises(FileNotFoundError):  # restored when the read fails too
        ingest.read_reviews(tmp_path / "missing.csv")
    assert prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0) == before
    monkeypatch.setattr(ingest, "HUGE_PAGES_OFF", False)
    seen.clear()
    ingest.read_reviews(path)
    assert seen == [before]
