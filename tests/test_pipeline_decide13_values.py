"""``pipeline._column_values`` of Arrow-backed strings with ``pd.NA`` (straight from Arrow's ``to_pylist``) gives what
pandas' ``tolist`` with ``pd.NA`` as None gives (str values, None where missing), also for sliced and chunked
columns; other string dtypes (missing as NaN) keep their NaN; ``_row_values`` gives each row's values as before."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

_VALUES = st.lists(st.text(max_size=8) | st.none(), max_size=30)


def _want(col: pd.Series) -> list:
    return [None if v is pd.NA else v for v in col.tolist()]


@settings(max_examples=examples(200), deadline=None)
@given(a=_VALUES, b=_VALUES, lo=st.integers(0, 10), hi=st.integers(0, 60))
def test_column_values_arrow_strings(a: list, b: list, lo: int, hi: int) -> None:
    col = pd.concat([pd.Series(a, dtype="string[pyarrow]"), pd.Series(b, dtype="string[pyarrow]")],
                    ignore_index=True)  # two chunks
    for s in (col, col.iloc[lo:hi], pd.Series(a, dtype="string[pyarrow]")):
        got = pipeline._column_values(s)
        assert got == _want(s)
        assert all(v is None or type(v) is str for v in got)


def test_column_values_other_dtypes() -> None:
    nan_str = pd.Series(["a", None], dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    got = pipeline._column_values(nan_str)
    assert got[0] == "a" and isinstance(got[1], float) and math.isnan(got[1])
    assert pipeline._column_values(pd.Series(["a", None], dtype="string[python]")) == ["a", None]
    assert pipeline._column_values(pd.Series([1, None], dtype="Int64")) == [1, None]
    assert pipeline._column_values(pd.Series(["x", None], dtype=object)) == ["x", None]


@settings(max_examples=examples(50), deadline=None)
@given(a=_VALUES)
def test_row_values(a: list) -> None:
    frame = pd.DataFrame({"review_id": pd.Series([f"R{i}" for i in range(len(a))], dtype="string"),
                          "author": pd.Series(a, dtype="string"), "n": pd.array(range(len(a)), dtype="Int64")})
    rows = list(pipeline._row_values(frame))
    assert rows == [(f"R{i}", v, i, None) for i, v in enumerate(a)]


def test_column_values_not_through_tolist(monkeypatch) -> None:
    col = pd.Series(["a", None, "é"], dtype="string[pyarrow]")

    def refuse(self):  # pragma: no cover - only called when the Arrow path is not taken
        raise AssertionError("tolist called")

    monkeypatch.setattr(pd.Series, "tolist", refuse)
    monkeypatch.setattr(pd.arrays.ArrowStringArray, "tolist", refuse)
    assert pipeline._column_values(col) == ["a", None, "é"]
