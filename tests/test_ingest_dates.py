"""``parse_dates`` reads fixed-shape ISO 8601 values itself (``ingest._iso_fixed``, from the Arrow bytes) and the
rest as before, each distinct value once (``ingest._parse_distinct``, the previous ``parse_dates`` body): the
same instants, ``NaT``s, dtype, index and name as the previous definition, and as pandas' ISO 8601 parser."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest


def _old(values: pd.Series, formats=()) -> pd.Series:
    """``parse_dates`` before the fixed-shape path: strip, then every distinct value the general way."""
    return ingest._parse_distinct(ingest._strip(values.astype("string")), formats)


_two = st.integers(0, 99).map("{:02d}".format)
_year = st.one_of(st.integers(1890, 2110), st.sampled_from([0, 1, 999, 1000, 1600, 1900, 2000, 2099, 2100, 9999]))
#: ISO-like values around the fixed shapes: valid and invalid fields, other separators, zones, fractions.
_iso_like = st.builds(
    lambda y, mo, d, sep, h, mi, se, tail, cut: (f"{y:04d}-{mo}-{d}" + (f"{sep}{h}:{mi}:{se}{tail}" if cut else "")),
    _year, st.one_of(_two, st.sampled_from(["01", "02", "12", "13", "00", "1"])),
    st.one_of(_two, st.sampled_from(["28", "29", "30", "31", "00", "1"])),
    st.sampled_from(["T", " ", "t", "_", "  "]), st.one_of(_two, st.sampled_from(["00", "23", "24"])),
    st.one_of(_two, st.sampled_from(["00", "59", "60"])), st.one_of(_two, st.sampled_from(["00", "59", "60"])),
    st.sampled_from(["", "Z", "z", "+00:00", "+02:00", ".5", ".123456Z", " ", "ZZ"]), st.booleans(),
)
_other = st.sampled_from([None, "", "  ", " 2024-05-01 ", "1441324800", "1441324800000", "09 4, 2015", "17-Apr-18",
                          "15/01/2024", "01/02/2024", "January 15, 2024", "-2024-05-01", "2024-05-01T10:00:00+05:00",
                          "2024-13-01", "garbage", "2024-02-29", "2023-02-29", "\u00a02024-05-01", "２０２４-05-01"])


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.one_of(_iso_like, _other), max_size=25), st.booleans())
def test_parse_dates_equals_the_previous_definition(values, arrow) -> None:
    s = pd.Series(values, dtype="string" if arrow else object, name="when", index=np.arange(len(values)) * 3 + 1)
    got, ref = ingest.parse_dates(s), _old(s)
    assert got.dtype == ref.dtype == "datetime64[us, UTC]" and got.name == ref.name
    pd.testing.assert_series_equal(got, ref, check_exact=True)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(_iso_like, min_size=1, max_size=20))
def test_fixed_shapes_read_as_pandas_iso8601(values) -> None:
    ok, micros = ingest._iso_fixed(pd.Series(values, dtype="string"))
    for v, taken, us in zip(values, ok, micros):
        if taken:
            ref = pd.to_datetime(pd.Series([v]), format="ISO8601", utc=True).astype("datetime64[us, UTC]")
            assert ref.iloc[0] == pd.Timestamp(int(us), unit="us", tz="UTC"), v


def test_fixed_shapes_taken_and_left() -> None:
    values = ["2024-02-13T07:02:36Z", "2024-02-13 07:02:36", "2024-02-13T07:02:36", "2024-02-13", "2000-02-29",
              "1900-02-29", "2024-02-13T24:00:00Z", "2024-02-13T07:02:36+00:00", "1899-12-31", None, ""]
    ok, _ = ingest._iso_fixed(pd.Series(values, dtype="string"))
    assert ok.tolist() == [True, True, True, True, True, False, False, False, False, False, False]


def test_a_chunked_column_with_slices_and_nulls() -> None:
    import pyarrow as pa

    parts = [pa.array(["x", "2024-01-01", None, "2024-01-02T03:04:05Z"], type=pa.large_string()).slice(1),
             pa.array(["2023-12-31 23:59:59", "09 4, 2015", "2024-02-30"], type=pa.large_string())]
    s = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(parts)))
    pd.testing.assert_series_equal(ingest.parse_dates(s), _old(s), check_exact=True)
    assert ingest._iso_fixed(s)[0].tolist() == [True, False, True, True, False, False]


def test_file_order_of_slash_dates_is_unchanged_beside_iso_dates() -> None:
    s = pd.Series(["2024-01-05", "13/01/2024", "01/02/2024", "2024-01-06T00:00:00Z"], dtype="string")
    got = ingest.parse_dates(s)
    pd.testing.assert_series_equal(got, _old(s), check_exact=True)
    assert got.dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-01-13", "2024-02-01", "2024-01-06"]
