"""``duplicates._partner_ids``: each flagged row's partners' review ids joined by ", " for the hit note. The
native core (``reviewtools._dupcore.join_ids``) writes them in one pass; compared here with the five masked
takes and ``binary_join_element_wise(..., null_handling="skip")`` it replaces, on partners missing anywhere in a
row (-1), rows with none ("", checked against Python's join), repeats, empty and non-ASCII ids and a sliced id
array. Skipped where the optional C module is not built or REVIEWTOOLS_PURE_PYTHON is set.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup

pytestmark = pytest.mark.skipif(dup._native() is None or not hasattr(dup._dupcore, "join_ids"),
                                reason="reviewtools._dupcore is not built")

LS = pa.large_string()


def _reference(ids: pa.Array, partners: np.ndarray) -> pa.Array:
    cols = [ids.take(pa.array(partners[:, j], mask=partners[:, j] < 0)) for j in range(partners.shape[1])]
    return pc.binary_join_element_wise(*cols, pa.scalar(", ", LS), null_handling="skip")


def _check(ids: pa.Array, partners: np.ndarray) -> None:
    got = dup._partner_ids(ids, partners)
    assert got.type == LS and got.null_count == 0 and len(got) == len(partners)
    # (the reference on rows with a partner only: pyarrow's join drops a row whose values are all null instead
    # of giving "" -- a flagged row always has a partner, so the check never gave it one)
    some = (partners >= 0).any(axis=1)
    assert got.filter(pa.array(some)).to_pylist() == _reference(ids, partners[some]).to_pylist()
    py = ids.to_pylist()
    assert got.to_pylist() == [", ".join(py[j] for j in row if j >= 0) for row in partners.tolist()]


def test_missing_anywhere_none_repeats_and_a_sliced_array() -> None:
    whole = pa.array(["r-0", "", "ré-2", "😀", "r,4", "x" * 70, "r-6", "r-7"], LS)
    for ids in (whole, whole.slice(2), whole.slice(1, 5)):
        n = len(ids)
        rng = np.random.default_rng(n)
        partners = rng.integers(-1, n, (300, 5))
        partners[:5] = -1  # no partner at all
        partners[5] = [0, 0, 0, -1, 0]
        _check(ids, partners)
        _check(ids, partners[:, :1].copy())
        _check(ids, partners[:0])


def test_a_partner_outside_the_ids_refused() -> None:
    ids = pa.array(["a", "b"], LS)
    (data, off), = dup._chunk_buffers(ids)
    with pytest.raises(ValueError, match="_dupcore.join_ids"):
        dup._dupcore.join_ids(data, off, np.array([[0, 2]], np.int64), 2, b", ")


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=30), st.integers(1, 6), st.integers(0, 2**31 - 1))
def test_any_ids(values: list[str], k: int, seed: int) -> None:
    ids = pa.array(values, LS)
    partners = np.random.default_rng(seed).integers(-1, len(values), (40, k))
    _check(ids, partners)
