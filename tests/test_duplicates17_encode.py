"""The duplicate hits' string columns encoded by the check itself (``duplicates._string_category``, used by
``pipeline._cross_review_encoded``): the very ``category`` column ``pipeline._category`` makes of them (same
decision, same categories in the same order, same codes), natively and on the pure path, and the cross-review
process's encoded frame equal to ``pipeline._encode`` of ``find_duplicates``' frame."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import duplicates, pipeline
from reviewtools.duplicates import _string_category, find_duplicates

_VALUES = st.one_of(st.none(), st.sampled_from(["", "a", "ab", "a b", "é", "ab\x00", "x" * 40, "x" * 41, "🙂"]),
                    st.text(max_size=12))


def _reference(col: pa.ChunkedArray, share: float) -> pd.Series | None:
    s = pd.Series(pd.api.types.pandas_dtype("string").__from_arrow__(col))
    if len(s) < 2:  # as pipeline._encode asks (it leaves a column of fewer than 2 rows as it is)
        return None
    return pipeline._category(s, int(share * len(s)))


def _check(col: pa.ChunkedArray, share: float) -> None:
    got, want = _string_category(col, share), _reference(col, share)
    assert (got is None) == (want is None)
    if want is not None:
        assert got is not None
        pd.testing.assert_series_equal(got, want, check_exact=True, check_index=False, check_names=False)
        assert list(got.cat.categories) == list(want.cat.categories)  # the order of first appearance


@st.composite
def _columns(draw: st.DrawFn) -> pa.ChunkedArray:
    chunks = draw(st.lists(st.lists(_VALUES, max_size=30), min_size=1, max_size=4))
    arrays = []
    for values in chunks:
        arr = pa.array(values, type=draw(st.sampled_from([pa.large_string(), pa.string()])))
        if len(arr) > 2 and draw(st.booleans()):  # a slice: offsets not from 0
            arr = arr.slice(1, len(arr) - 2)
        arrays.append(arr)
    return pa.chunked_array(arrays, type=arrays[0].type) if len({a.type for a in arrays}) == 1 else \
        pa.chunked_array([a.cast(pa.large_string()) for a in arrays])


@pytest.mark.parametrize("pure", [False, True])
@settings(max_examples=examples(60), deadline=None)
@given(col=_columns(), share=st.sampled_from([0.0, 0.2, 0.5, 1.0]))
def test_string_category_is_pipeline_category(pure: bool, col: pa.ChunkedArray, share: float) -> None:
    with pytest.MonkeyPatch.context() as mp:
        if pure:
            mp.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
        _check(col, share)


@pytest.mark.parametrize("pure", [False, True])
def test_string_category_examples(pure: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if pure:
        monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    ls = pa.large_string()
    cases = [
        pa.chunked_array([pa.nulls(3, ls), pa.array(["a", "", None, "a"], ls)]),  # an all-missing chunk first
        pa.chunked_array([pa.array(["", None, ""], ls)]),  # empty text and missing apart
        pa.chunked_array([pa.array(["b", "a"], ls), pa.array(["a", "b", "c"], ls)]),  # first appearance order
        pa.chunked_array([pa.array(["same"] * 5, ls)]),
        pa.chunked_array([pa.array(["x"], ls)]),  # one row: left as strings
        pa.chunked_array([pa.array([None, None], ls)]),  # only missing values: no categories
    ]
    for col in cases:
        for share in (0.0, 0.5, 1.0):
            _check(col, share)
    assert _string_category(cases[0], 0.5).astype("string").tolist() == [pd.NA] * 3 + ["a", "", pd.NA, "a"]


T = "This blender is loud but it crushes ice in seconds and cleans up fast."
U = "The kettle boils quickly and the handle stays cool even when the water is very hot indeed."


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = [T, U, "  " + T + " ", T + " Really.", "short one", U + " Yes", None]
    plats = ["amazon", "yelp", "google", "trustpilot", None]
    return pd.DataFrame({
        "review_id": [f"r{i % max(n // 3, 1)}" for i in range(n)],  # ids repeat across platforms
        "platform": [plats[k] for k in rng.integers(0, len(plats), n)],
        "author": [None if k == 0 else f"a{k}" for k in rng.integers(0, 6, n)],
        "created_at": [None if k == 0 else f"2024-01-{k:02d}" for k in rng.integers(0, 20, n)],
        "text": [texts[k] for k in rng.integers(0, len(texts), n)],
    })


@pytest.mark.parametrize("pure", [False, True])
@pytest.mark.parametrize("n,seed", [(2, 1), (5, 2), (12, 3), (60, 4), (400, 5)])
def test_cross_review_encoded_is_encode_of_hits(pure: bool, n: int, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    if pure:
        monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    frame = pipeline.coerce(_frame(n, seed))
    hits = find_duplicates(frame)
    want = pipeline._encode(hits)
    got = pipeline._cross_review_encoded(frame)
    assert got is not None
    pd.testing.assert_frame_equal(got.decode(), hits, check_exact=True)
    # the same columns encoded as _encode encodes them, and the same categories (the rule columns and the platform
    # the check encodes from its codes: at least those _encode does)
    assert set(want.dtypes) <= set(got.dtypes)
    for c in want.dtypes:
        if c in ("rule_id", "category", "clause", "source_url", "platform"):
            continue
        pd.testing.assert_series_equal(got.frame[c], want.frame[c], check_exact=True)
    if pure:
        assert duplicates._native() is None
