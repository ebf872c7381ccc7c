"""``duplicates._compact`` (fifteenth session: column by column instead of a stable argsort of the drop flags):
per row the first ``k`` entries not dropped, ``-1`` padded, and how many there were; equal to the row-by-row
definition and to the argsort way on Hypothesis matrices (any width, ``k`` below, at and above it, rows with
nothing kept or everything kept, ``-1`` entries kept as values).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup


def _argsort_way(cand: np.ndarray, drop: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(drop, axis=1, kind="stable")
    out = np.take_along_axis(cand, order, axis=1)[:, :k].copy()
    n = (~drop).sum(axis=1)
    out[np.arange(k)[None, :] >= n[:, None]] = -1
    return out, n


@settings(max_examples=examples(100), deadline=None)
@given(st.integers(0, 40), st.integers(1, 7), st.integers(1, 8), st.integers(0, 2**31 - 1))
def test_compact_is_the_row_by_row_definition(m: int, width: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    cand = rng.integers(-1, 50, (m, width)).astype(np.int64)
    drop = rng.random((m, width)) < rng.choice([0.0, 0.3, 0.7, 1.0])
    out, n = dup._compact(cand, drop, k)
    assert out.shape == (m, k) and out.dtype == np.int64 and n.dtype == np.int64
    for i in range(m):
        kept = [int(v) for v, dr in zip(cand[i], drop[i]) if not dr]
        assert n[i] == len(kept)
        assert out[i].tolist() == (kept + [-1] * k)[:k]
    if k <= width:
        want = _argsort_way(cand, drop, k)
        assert np.array_equal(out, want[0]) and np.array_equal(n, want[1])
