"""``_storecore.strip_need`` (which values ``_strip`` must trim, in C) gives what its numpy path gives
(``REVIEWTOOLS_PURE_PYTHON=1``) and what ``str.strip`` says, on string and large_string chunks that are slices of
bigger arrays, with missing, empty, whitespace-edged and non-ASCII-edged values; and ``_strip`` stays ``str.strip``.
Also: a CSV read with the values' UTF-8 check left to ``_encoding`` (``valid_utf8``) gives the same frame, and bytes
that are not UTF-8 still go the cp1252 way."""

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
if not hasattr(core, "strip_need"):  # pragma: no cover - a stale build
    pytest.skip("_storecore built without strip_need", allow_module_level=True)

_EDGE = ["", " ", "\t", "\n", "\x00", "\x1f", "\x7f", "é", "\u00a0", "\u3000", "a", "bc", "!", "~", "x y"]
_VALUE = st.one_of(st.none(), st.lists(st.sampled_from(_EDGE), max_size=5).map("".join))


def _chunks(values: list, pad: int, large: bool, cuts: list[int]) -> tuple[pa.DataType, list]:
    typ = pa.large_string() if large else pa.string()
    bounds = sorted({0, len(values), *(c % (len(values) + 1) for c in cuts)})
    return typ, [pa.array([" a"] * pad + values[a:b] + ["b "], type=typ).slice(pad, b - a)
                 for a, b in zip(bounds, bounds[1:])] or [pa.array([], type=typ)]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_VALUE, max_size=40), st.integers(0, 5), st.booleans(), st.lists(st.integers(0, 40), max_size=3))
def test_strip_need_native_equals_numpy(values, pad, large, cuts) -> None:
    typ, chunks = _chunks(values, pad, large, cuts)
    got = np.concatenate([ingest._strip_need(c) for c in chunks])
    with pytest.MonkeyPatch.context() as m:
        m.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
        pure = np.concatenate([ingest._strip_need(c) for c in chunks])
    assert got.dtype == bool and got.tolist() == pure.tolist()
    # a value not flagged never changes under strip
    assert all(flag or v is None or v.strip() == v for v, flag in zip(values, got.tolist()))
    s = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=typ)))
    assert ingest._strip(s).tolist() == [pd.NA if v is None else v.strip() for v in values]


def test_strip_need_refuses_offsets_outside_the_buffers() -> None:
    assert core.strip_need(np.array([0, 5, 3], dtype=np.int32).tobytes(), b"abcde", 4, 0, 2) is None  # decreasing
    assert core.strip_need(np.array([0, 9], dtype=np.int32).tobytes(), b"abcde", 4, 0, 1) is None  # past the data
    assert core.strip_need(np.array([0, 1], dtype=np.int32).tobytes(), b"abcde", 4, 0, 2) is None  # too few offsets
    assert core.strip_need(np.array([0, 1], dtype=np.int32).tobytes(), b"a", 3, 0, 1) is None  # width
    assert bytes(core.strip_need(np.array([0, 2, 2, 4, 5], dtype=np.int64).tobytes(), b"ab cd", 8, 0, 4)) == \
        b"\x00\x00\x01\x00"


_CELL = st.lists(st.sampled_from(["a", "é", "€", " ", '"', ",", "\n", "𝄞", "x"]), max_size=6).map("".join)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL), min_size=1, max_size=20))
def test_read_csv_trusting_the_file_check_is_the_same(rows) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["a", "b"])
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    checked = ingest._read_csv(data, "utf-8", ",", csv.QUOTE_MINIMAL)
    trusted = ingest._read_csv(data, "utf-8", ",", csv.QUOTE_MINIMAL, valid_utf8=True)
    pd.testing.assert_frame_equal(trusted[0], checked[0], check_exact=True)
    assert trusted[1].tolist() == checked[1].tolist() and trusted[2] == checked[2]


def test_bytes_that_are_not_utf8_are_not_trusted() -> None:
    data = b"Stars,Review,Date\n5,Caf\xe9 ok,2024-01-15\n"  # cp1252
    res = ingest.read_reviews(__import__("io").BytesIO(data))
    assert res.reviews["text"].tolist() == ["Café ok"] and res.files[0].encoding == "cp1252"
