"""The cross-review process's hits built encoded (``_find_duplicates_encoded``, ``pipeline._cross_review_encoded``):
decoded, the very frame ``find_duplicates`` gives and ``_encode`` of it decodes to."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reviewtools import pipeline
from reviewtools.duplicates import _coded, _find_duplicates_encoded, find_duplicates

T = "This blender is loud but it crushes ice in seconds and cleans up fast."
U = "The kettle boils quickly and the handle stays cool even when the water is very hot indeed."


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = [T, U, T + " Really.", "short one", U + " Yes", None]
    plats = ["amazon", "yelp", "google", "trustpilot", None]
    return pd.DataFrame({
        "review_id": [f"r{i}" for i in range(n)],
        "platform": [plats[k] for k in rng.integers(0, len(plats), n)],
        "author": [None if k == 0 else f"a{k}" for k in rng.integers(0, 6, n)],
        "created_at": [None if k == 0 else f"2024-01-{k:02d}" for k in rng.integers(0, 20, n)],
        "text": [texts[k] for k in rng.integers(0, len(texts), n)],
    })


@pytest.mark.parametrize("n,seed", [(0, 0), (1, 1), (2, 2), (3, 3), (7, 4), (40, 5), (300, 6)])
def test_encoded_decodes_to_find_duplicates(n: int, seed: int) -> None:
    frame = pipeline.coerce(_frame(n, seed)) if n else _frame(0, seed)
    want = find_duplicates(frame)
    out, dtypes = _find_duplicates_encoded(frame)
    got = out.astype(dtypes) if dtypes else out
    pd.testing.assert_frame_equal(got, want)
    assert all(isinstance(out[c].dtype, pd.CategoricalDtype) for c in dtypes)
    enc = pipeline._cross_review_encoded(frame)
    ref = pipeline._encode(want)
    pd.testing.assert_frame_equal(enc.decode(), ref.decode())
    pd.testing.assert_frame_equal(enc.decode(), want)
    assert set(ref.dtypes) <= set(enc.dtypes)


def test_encoded_joins_with_parts() -> None:
    frame = pipeline.coerce(_frame(300, 7))
    want = find_duplicates(frame)
    part = pipeline._encode(want.iloc[:50].reset_index(drop=True))
    got = pipeline._joined([part], pipeline._cross_review_encoded(frame)).decode()
    ref = pipeline._joined([part], pipeline._encode(want)).decode()
    pd.testing.assert_frame_equal(got, ref)


def test_coded() -> None:
    assert _coded(["a", "b"], np.array([0])) is None  # one row: left as strings
    assert _coded(["a", "b", "c"], np.array([0, 1, 2])) is None  # more distinct values than half the rows
    s = _coded(["x", None, "x", "y"], np.array([3, 1, 0, 2, 2, 1]))
    assert s is not None and s.astype("string").tolist() == ["y", pd.NA, "x", "x", "x", pd.NA]
