"""``duplicates._flagged_texts``: the flagged rows' texts for the hit rows' evidence, their lengths in characters
and whether ``str.strip`` leaves them alone. The native core (``reviewtools._dupcore.take``) copies them once and
counts the characters and tests the ends in the same pass; compared here with the numpy/Arrow way
(``_take_rows`` + ``pc.utf8_length`` + the ends' byte test) and with Python's own ``len`` and ``str.strip``, on
several chunks (sliced ones too), any row order with repeats, empty texts, 1- to 4-byte characters across the
16-byte blocks, and whitespace or control bytes at either end. Skipped where the optional C module is not built.
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

pytestmark = pytest.mark.skipif(dup._dupcore is None or not hasattr(dup._dupcore, "take"),
                                reason="reviewtools._dupcore is not built")

LS = pa.large_string()


def _reference(chunks: list[pa.Array], rows: np.ndarray) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    texts = dup._take_rows(chunks, rows)
    values = texts.to_pylist()
    n_chars = pc.utf8_length(texts).to_numpy(zero_copy_only=False).astype(np.int64)
    plain = np.array([len(v) > 0 and 32 < ord(v[0]) < 127 and 32 < ord(v[-1]) < 127 for v in values], dtype=bool)
    assert n_chars.tolist() == [len(v) for v in values]
    assert all(v.strip() == v for v, p in zip(values, plain) if p)
    return texts, n_chars, plain


def _check(chunks: list[pa.Array], rows: np.ndarray) -> None:
    want = _reference(chunks, rows)
    got = dup._flagged_texts(chunks, rows)
    assert got[0].type == LS and got[0].to_pylist() == want[0].to_pylist()
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(got[2], want[2])
    assert got[1].dtype == np.int64 and got[2].dtype == np.bool_
    got[1][:1] = -1  # the caller writes the stripped texts' lengths into it


TEXTS = ["", "a", " a", "a ", "\ta\t", "\x7fab", "ab\x1f", "~x!", "é", "aé", "éa", "ß" * 9, "€" * 17,
         "😀" * 5 + "x", "x" * 15 + "é" + "y" * 15, "y" * 16 + "😀", " " * 40, "ok, fine " * 30 + "ñ", "\u3000a\u3000",
         "a\u00a0", "\u2028z", "q"]


def test_several_chunks_sliced_any_order_with_repeats() -> None:
    base = pa.array(TEXTS * 3, LS)
    chunks = [base.slice(0, 10), base.slice(10, 0), base.slice(10, 25), pa.array(TEXTS[::-1], LS), base.slice(35)]
    n = sum(len(c) for c in chunks)
    rng = np.random.default_rng(3)
    for rows in (np.arange(n), rng.integers(0, n, 500), np.array([n - 1, 0, n - 1, 12, 12]), np.zeros(0, np.int64)):
        _check(chunks, rows)


def test_one_chunk_and_a_row_outside_refused() -> None:
    chunks = [pa.array(TEXTS, LS)]
    _check(chunks, np.arange(len(TEXTS))[::-1].copy())
    with pytest.raises(ValueError, match="_dupcore.take"):
        dup._dupcore.take(dup._chunk_buffers(pa.chunked_array(chunks, type=LS)), np.array([len(TEXTS)], np.int64))
    with pytest.raises(ValueError, match="_dupcore.take"):
        dup._dupcore.take(dup._chunk_buffers(pa.chunked_array(chunks, type=LS)), np.array([-1], np.int64))


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(st.lists(st.text(max_size=60), max_size=12), min_size=1, max_size=5), st.integers(0, 2**31 - 1))
def test_any_texts(parts: list[list[str]], seed: int) -> None:
    chunks = [pa.array(p, LS) for p in parts]
    n = sum(len(p) for p in parts)
    rows = np.random.default_rng(seed).integers(0, n, 3 * n) if n else np.zeros(0, np.int64)
    _check(chunks, rows)
