"""The decision loop's rating, label and score read a column at a time (issue 8, ``_normal_values``).

``_normal_values(col, conv)`` must give exactly ``[None if _na(v) else conv(v) for v in _column_values(col)]`` (values
and types) for every dtype: the fast paths (float64, numpy integers and Int64, string dtypes with ``pd.NA``) and the
rest; and ``_decide_rows`` must decide every row as with that per-value reference, whatever the dtypes of the three
columns (NaN, None, ``pd.NA``, non-ASCII and empty strings).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings

from tests.test_pipeline_quiet import _REVIEW, _frames, _state


def _reference(col: pd.Series, conv) -> list:
    return [None if pipeline._na(v) else conv(v) for v in pipeline._column_values(col)]


def _same(a: list, b: list) -> bool:
    def key(v):  # NaN equal to NaN, -0.0 apart from 0.0, types compared
        return (type(v), repr(v))
    return [key(v) for v in a] == [key(v) for v in b]


_NAN = float("nan")
_SERIES = {
    "float64": pd.Series([1.5, _NAN, -0.0, 0.0, float("inf"), -1e-300, 5e-324]),
    "float64_empty": pd.Series([], dtype="float64"),
    "float32": pd.Series([1.5, _NAN], dtype="float32"),
    "Float64": pd.Series([0.25, None, -0.0], dtype="Float64"),
    "Int64": pd.Series([1, None, 5, -3], dtype="Int64"),
    "int64": pd.Series([1, 2, -(2**63)], dtype="int64"),
    "uint8": pd.Series([0, 255], dtype="uint8"),
    "string": pd.Series(["positive", None, "", "négatif", "日本", " x "], dtype="string"),
    "string_pyarrow": pd.Series(["positive", None, "", "négatif", "日本"], dtype="string[pyarrow]"),
    "object": pd.Series(["a", None, _NAN, pd.NA, 3, 2.5, "", "é"], dtype=object),
    "object_num": pd.Series([1, None, _NAN, pd.NA, 4.0, True], dtype=object),
    "bool": pd.Series([True, False]),
    "boolean": pd.Series([True, None], dtype="boolean"),
    "category": pd.Series(["a", None, "é"], dtype="category"),
    "datetime": pd.Series([pd.Timestamp("2024-01-01"), pd.NaT]),
}


@pytest.mark.parametrize("name", sorted(_SERIES))
@pytest.mark.parametrize("conv", [int, str, float])
def test_normal_values_equal_the_per_value_reference(name, conv):
    col = _SERIES[name]
    try:
        want = _reference(col, conv)
    except (TypeError, ValueError, OverflowError) as exc:
        with pytest.raises(type(exc)):
            pipeline._normal_values(col, conv)
        return
    assert _same(pipeline._normal_values(col, conv), want)
    part = col.iloc[1:]  # a slice (an offset into the data)
    assert _same(pipeline._normal_values(part, conv), _reference(part, conv))


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), max_size=40))
def test_float64_with_nan(values):
    col = pd.Series([_NAN if v is None else v for v in values], dtype="float64")
    assert _same(pipeline._normal_values(col, float), _reference(col, float))


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=30),
       st.sampled_from(["string", "string[pyarrow]", "object"]))
def test_strings_with_missing(values, dtype):
    col = pd.Series(values, dtype=dtype)
    assert _same(pipeline._normal_values(col, str), _reference(col, str))


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews=st.lists(_REVIEW, min_size=1, max_size=20),
       score_dtype=st.sampled_from(["Float64", "float64", "object"]),
       label_dtype=st.sampled_from(["string", "string[pyarrow]", "object"]),
       rating_dtype=st.sampled_from(["Int64", "float64", "object"]),
       has_sent=st.booleans(), thank=st.booleans())
def test_decide_rows_equal_the_per_value_reference(reviews, score_dtype, label_dtype, rating_dtype, has_sent, thank):
    frame, hits, matches = _frames(reviews, [], [])
    recs, state = _state(frame, hits, matches, ReplySettings(thank_positive=thank), has_sent, ())
    recs = recs.assign(
        sentiment_score=recs["sentiment_score"].astype(score_dtype) if score_dtype != "float64"
        else recs["sentiment_score"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan),
        sentiment_label=recs["sentiment_label"].astype(label_dtype),
        rating=recs["rating"].astype(rating_dtype))
    got = pipeline._decide_block(recs, state, quick=False)
    fast = pipeline._normal_values
    pipeline._normal_values = _reference
    try:
        want = pipeline._decide_block(recs, state, quick=False)
    finally:
        pipeline._normal_values = fast
    assert got == want
