"""respond's ``_fmt_date`` on a raw int64 (nanoseconds since the epoch, as the decision loop now reads created_at)
gives what it gives on the Timestamp of that value; pipeline's ``_row_values`` reads created_at raw only where that
holds (datetime64[ns] naive or UTC)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.pipeline import _column_values, _raw_ns, _row_values
from reviewtools.respond import _fmt_date

EDGES = [
    "1970-01-01", "1970-01-01 00:00:00.000000001", "1969-12-31 23:59:59.999999999", "1969-12-31",
    "2000-02-29", "2004-02-29 23:59:59.999999999", "1900-02-28", "1900-03-01", "2100-02-28", "2100-03-01",
    "1999-12-31 23:59:59.999999999", "2000-01-01", "2023-12-31", "2024-01-01", "2024-02-29", "2024-03-01",
    "1677-09-21 00:12:43.145224193", "1677-09-22", "2262-04-11 23:47:16.854775807", "2262-04-11",
    "1700-01-01", "1800-12-31 23:59:59.999999999",
]


def _old(value: object) -> str:
    """``_fmt_date`` with the int fast path left out: the Timestamp of the int, through the Timestamp path."""
    return _fmt_date(pd.Timestamp(value))


@pytest.mark.parametrize("text", EDGES)
@pytest.mark.parametrize("cold", [True, False])
def test_raw_int_equals_timestamp(text: str, cold: bool) -> None:
    for tz in (None, "UTC"):
        ts = pd.Timestamp(text, tz=tz)
        if cold:
            respond._DATES.clear()
        raw = _fmt_date(ts.value)
        if cold:
            respond._DATES.clear()
        assert raw == _fmt_date(ts) == ts.strftime("%Y-%m-%d")


def test_nat_and_extremes() -> None:
    assert pd.Timestamp(-(2**63)) is pd.NaT
    assert _fmt_date(pd.NaT.value) == _fmt_date(pd.NaT) == "an unknown date"
    assert _fmt_date(pd.Timestamp.min.value) == _old(pd.Timestamp.min.value) == "1677-09-21"
    assert _fmt_date(pd.Timestamp.max.value) == _old(pd.Timestamp.max.value) == "2262-04-11"
    for bad in (2**63, -(2**63) - 1):  # outside int64: the Timestamp path, which raises as before
        with pytest.raises((OverflowError, ValueError, pd.errors.OutOfBoundsDatetime)):
            _fmt_date(bad)
    assert _fmt_date(None) == "an unknown date"


@settings(max_examples=examples(400), deadline=None)
@given(st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1), st.booleans())
def test_any_int64(value: int, cold: bool) -> None:
    if cold:
        respond._DATES.clear()
    got = _fmt_date(value)
    respond._DATES.clear()
    ts = pd.Timestamp(value)
    assert got == _fmt_date(ts) == ts.strftime("%Y-%m-%d")
    assert got == _fmt_date(ts.tz_localize("UTC"))


@pytest.mark.parametrize("tz", [None, "UTC", "Europe/Paris", "America/New_York"])
@pytest.mark.parametrize("unit", ["ns", "s"])
def test_row_values_raw(tz: str | None, unit: str) -> None:
    stamps = pd.DatetimeIndex([pd.Timestamp(e) for e in EDGES[:16]] + [pd.NaT])
    stamps = (stamps if unit == "ns" else stamps.floor("s")).as_unit(unit)
    col = pd.Series(stamps)
    if tz:
        col = col.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    frame = pd.DataFrame({"review_id": [str(i) for i in range(len(col))], "created_at": col})
    plain = list(_row_values(frame))
    raw = list(_row_values(frame, ("created_at", "absent")))
    assert [r[0] for r in raw] == [r[0] for r in plain]
    assert all(r[-1] is None for r in raw)
    expect_raw = unit == "ns" and tz in (None, "UTC")
    assert _raw_ns(frame["created_at"].dtype) is expect_raw
    old_values = _column_values(frame["created_at"])
    for r, p, v in zip(raw, plain, old_values):
        assert p[1] is v or (pd.isna(p[1]) and pd.isna(v)) or p[1] == v
        if expect_raw:
            assert type(r[1]) is int
        else:
            assert type(r[1]) is type(p[1]) and (r[1] == p[1] or (pd.isna(r[1]) and pd.isna(p[1])))
        assert _fmt_date(r[1]) == _fmt_date(p[1])
