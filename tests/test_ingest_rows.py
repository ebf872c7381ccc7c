"""``ingest._rows`` (the id check's rows of every column, the index and the pyarrow mask worked out once) equals the
frame's own boolean indexing: values, dtypes, index and names, on chunked and sliced Arrow string columns and the
other dtypes a mapped frame holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest


def _frame(n: int, cuts: list[int], offset: int, large: bool, labels: bool) -> pd.DataFrame:
    rng = np.random.default_rng(n)
    words = [None, "", "a", "é", "R22", "abcdefghijkl"]
    vals = [words[i] for i in rng.integers(0, len(words), n)]
    typ = pa.large_string() if large else pa.string()
    bounds = sorted({0, n, *(c % (n + 1) for c in cuts)})
    chunks = [pa.array(["p"] * offset + vals[a:b], type=typ).slice(offset, b - a) for a, b in zip(bounds, bounds[1:])]
    text = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=typ)))
    frame = pd.DataFrame({
        "text": text,
        "one": pd.Series(["amazon"] * n, dtype="string"),
        "obj": pd.Series(vals, dtype=object),
        "rating": pd.array(rng.integers(0, 6, n), dtype="Int64"),
        "created_at": pd.Series(pd.to_datetime(rng.integers(0, 10**9, n), unit="s", utc=True)),
        "verified": pd.array([None if i % 3 == 0 else bool(i % 2) for i in range(n)], dtype="boolean"),
        "_file": np.arange(n, dtype=np.int64),
    })
    if labels:
        frame.index = pd.Index(np.arange(n) * 3 + 7)
    return frame


@settings(max_examples=examples(80), deadline=None)
@given(st.integers(1, 80), st.lists(st.integers(0, 80), max_size=4), st.integers(0, 3), st.booleans(),
       st.booleans(), st.data())
def test_rows_equal_boolean_indexing(n, cuts, offset, large, labels, data) -> None:
    frame = _frame(n, cuts, offset, large, labels)
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    got = ingest._rows(frame, keep)
    want = frame[keep]
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.dtypes) == list(frame.dtypes)


def test_rows_every_row_is_the_frame() -> None:
    frame = _frame(5, [2], 1, True, False)
    assert ingest._rows(frame, np.ones(5, dtype=bool)) is frame
