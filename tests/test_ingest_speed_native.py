"""``_storecore.count_byte`` and ``_storecore.rows_with_bytes`` (ingest's quote count and the texts' markup scan in
C) give what their numpy paths give (``REVIEWTOOLS_PURE_PYTHON=1``) and what Python's ``bytes.count`` / ``in`` say:
on random bytes of any length (the SSE2 blocks, their 255-block counter flushes and the tail), on string and
large_string chunks that are slices of bigger arrays, with missing and empty values, and for 1 to 4 characters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest

core = pytest.importorskip("reviewtools._storecore")
if not hasattr(core, "rows_with_bytes"):  # pragma: no cover - a stale build
    pytest.skip("_storecore built without rows_with_bytes", allow_module_level=True)


@settings(max_examples=examples(200), deadline=None)
@given(st.binary(max_size=5000), st.integers(0, 255))
def test_count_byte_equals_bytes_count(data, byte) -> None:
    assert core.count_byte(data, byte) == data.count(bytes([byte]))


def test_count_byte_over_many_blocks() -> None:
    data = (b'"' * 4081 + b"a,b\n") * 300  # long runs: each 16-byte counter reaches 255 before it is flushed
    assert core.count_byte(data, ord('"')) == data.count(b'"')
    assert ingest._count_byte(memoryview(data), b'"') == data.count(b'"')


_TEXT = st.one_of(st.none(), st.lists(st.sampled_from(["a", "b c", "<", "&", "\r", "\n", "é", "x" * 17, "&amp;",
                                                       ""]), max_size=8).map("".join))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(_TEXT, max_size=40), st.integers(0, 5), st.booleans(),
       st.sampled_from([b"<&\r", b"<", b"&", b"\r", b"\n", b"ab<&"]), st.lists(st.integers(0, 40), max_size=3))
def test_contains_bytes_native_equals_numpy(values, pad, large, chars, cuts) -> None:
    typ = pa.large_string() if large else pa.string()
    bounds = sorted({0, len(values), *(c % (len(values) + 1) for c in cuts)})
    chunks = [pa.array(["<&\r"] * pad + values[a:b] + ["&<"], type=typ).slice(pad, b - a)
              for a, b in zip(bounds, bounds[1:])] or [pa.array([], type=typ)]
    s = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=typ)))
    got = ingest._contains_bytes(s, chars)
    want = [v is not None and any(c in v for c in chars.decode()) for v in values]
    assert got.dtype == bool and got.tolist() == want
    with pytest.MonkeyPatch.context() as m:
        m.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
        assert ingest._contains_bytes(s, chars).tolist() == want


def test_rows_with_bytes_refuses_offsets_outside_the_buffers() -> None:
    offs = np.array([0, 5, 3], dtype=np.int32)  # decreasing
    assert core.rows_with_bytes(offs.tobytes(), b"abcde", 4, 0, 2, b"a") is None
    offs = np.array([0, 9], dtype=np.int32)  # past the data
    assert core.rows_with_bytes(offs.tobytes(), b"abcde", 4, 0, 1, b"a") is None
    assert core.rows_with_bytes(offs.tobytes(), b"abcdefghi", 4, 0, 2, b"a") is None  # more rows than offsets
    assert bytes(core.rows_with_bytes(np.array([0, 2, 4], dtype=np.int64).tobytes(), b"ab<d", 8, 0, 2, b"<")) == b"\x00\x01"
