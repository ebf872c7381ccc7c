"""Priority's days before the newest review from the column's ticks by numpy (issue 8, twentieth session, helper
`priority`): ``_days_before`` with ``_ticks_before`` gives the very floats (or the same error) as through pandas'
``ref - created``, at every resolution of the column and of ``ref``, with missing dates and spans near the int64
limit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

_UNITS = ["s", "ms", "us", "ns"]
_NS_MAX = 2**63 - 1


def _days(created: pd.Series, ref: Any) -> Any:
    try:
        return pipeline._days_before(created, ref).to_numpy()
    except (OverflowError, ValueError, TypeError, NotImplementedError) as exc:  # dates beyond datetime's range
        return type(exc)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ticks=st.lists(st.one_of(st.none(), st.integers(-(2**62), 2**62), st.integers(0, 10**18),
                                st.sampled_from([_NS_MAX, -_NS_MAX, 0, 1, 999_999_999])), max_size=12),
       unit=st.sampled_from(_UNITS), ref_unit=st.sampled_from(_UNITS), ref_ticks=st.integers(-(2**62), 2**62),
       tz=st.sampled_from(["UTC", "Europe/Paris"]))
@example(ticks=[1, None, 2**62], unit="ns", ref_unit="ns", ref_ticks=-(2**62), tz="UTC")  # overflows
def test_days_before_equal_through_pandas(ticks: list[int | None], unit: str, ref_unit: str, ref_ticks: int, tz: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    values = np.array([np.iinfo(np.int64).min if t is None else t for t in ticks], dtype=np.int64)
    try:  # dates pandas can hold in the zone at all
        created = pd.Series(values.view(f"datetime64[{unit}]")).dt.tz_localize("UTC").dt.tz_convert(tz)
        ref = pd.Timestamp(np.datetime64(ref_ticks, ref_unit)).tz_localize("UTC")
    except (OverflowError, ValueError, NotImplementedError):
        return
    got = _days(created, ref)
    with monkeypatch.context() as mp:
        mp.setattr(pipeline, "_ticks_before", lambda c, r: None)
        want = _days(created, ref)
    if isinstance(got, type) or isinstance(want, type):
        assert got is want
    else:
        assert (got.view("int64") == want.view("int64")).all(), (got, want)


def test_fast_path_taken_and_declined() -> None:
    created = pd.Series(pd.to_datetime(["2024-01-01T00:00:00.5", None], utc=True)).astype("datetime64[ns, UTC]")
    ref = pd.Timestamp("2024-01-31", tz="UTC")
    assert pipeline._ticks_before(created, ref) is not None
    assert pipeline._days_before(created, ref).tolist()[0] == (ref - created[0]).total_seconds() / 86400
    assert pipeline._ticks_before(created.dt.tz_localize(None), ref) is None  # naive column: pandas' way (raises)
    assert pipeline._ticks_before(created, ref.tz_localize(None)) is None
    assert pipeline._ticks_before(created.astype("datetime64[s, UTC]"), ref.as_unit("ns")) is None  # finer ref
    far = pd.Series(pd.to_datetime(["1700-01-01", "2262-01-01"], utc=True)).astype("datetime64[ns, UTC]")
    assert pipeline._ticks_before(far, pd.Timestamp("1677-09-22", tz="UTC")) is None  # a span beyond int64
