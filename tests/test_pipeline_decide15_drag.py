"""Priority's product drag from float64 numpy columns (issue 8, fifteenth session): ``_priority_block`` reads the
means, ratings and counts as float64 arrays (NaN where missing) and groups their distinct values by bits
(``_distinct_bits``) instead of slicing and factorizing the pandas Series: the same groups and so the same scores
and reasons as the per-row loop, for nullable (Int64, Float64) and plain (int64, float64, with -0.0 and fractions)
columns alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples
from test_pipeline_priority import _reference_block

from reviewtools import pipeline

_REF = pd.Timestamp("2024-06-30", tz="UTC")


@settings(max_examples=examples(80), deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from([None, 1, 2, 3, 4, 5]), st.sampled_from([None, "A", "B", "C"]),
                               st.sampled_from([None, 1.0, 2.5, 4.75, -0.0, 0.0]),
                               st.sampled_from([None, 1, 2, 3, 7])), min_size=1, max_size=30),
       nullable=st.booleans(), float_rating=st.booleans())
def test_drag_equals_the_per_row_loop(rows, nullable, float_rating):
    # as _priority_inputs makes them: a product's mean and count exist where its key does (the count of rated rows)
    rows = [(r, k, None, None) if k is None else (r, k, m if m is not None else 3.0, c or 1) for r, k, m, c in rows]
    ratings, keys, means, counts = zip(*rows)
    if float_rating:
        rating = pd.Series([np.nan if r is None else float(r) - (0.5 if r == 2 else 0.0) for r in ratings])
    else:
        rating = pd.Series(list(ratings), dtype="Int64")
    mean = (pd.Series(list(means), dtype="Float64") if nullable
            else pd.Series([np.nan if m is None else m for m in means], dtype="float64"))
    count = (pd.Series(list(counts), dtype="Int64") if nullable
             else pd.Series([np.nan if c is None else float(c) for c in counts], dtype="float64"))
    key = pd.Series(list(keys), dtype="string")
    n = len(rows)
    created = pd.Series(pd.to_datetime(["2024-06-01"] * n, utc=True))
    votes = pd.Series([0] * n, dtype="Int64")
    got = pipeline._priority_block(rating, created, votes, key, mean, count, _REF)
    want = _reference_block(rating, created, votes, key, mean, count, _REF)
    assert [float(x) for x in got[0]] == want[0]
    assert np.array(got[0], dtype=np.float64).view("int64").tolist() == np.array(want[0]).view("int64").tolist()
    assert got[1].to_pylist() == want[1]


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.sampled_from([0.0, -0.0, 1.0, 2.5, 3.0, 1e300, float("inf")]), max_size=30))
def test_distinct_bits_is_distinct_of_floats(values):
    a = np.array(values, dtype=np.float64)
    codes, first = pipeline._distinct_bits(a)
    want_codes, want_first = pipeline._distinct(pd.Series(a, dtype="float64"))
    assert codes.tolist() == want_codes.tolist() and first.tolist() == want_first.tolist()
