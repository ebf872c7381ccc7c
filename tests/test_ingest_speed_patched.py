"""``_storecore.patched_take`` (the rows of a cleaned text column taken from the source's chunks and the changed
values in one native pass, instead of walking the slices ``_clean_pieces`` leaves) gives what the slice walk gives
(``REVIEWTOOLS_PURE_PYTHON=1``) and what ``_clean_block`` says, for ``_take_joined`` (every row or a mask), ``_masked``
(the id check's rows) and ``_take_joined`` of plain large_string columns; on chunks that are slices of bigger arrays,
with missing values, empty chunks, and output groups cut small. Also: ``_constant_strings`` is
``pd.Series(value, dtype="string")``."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest

core = pytest.importorskip("reviewtools._storecore")
if not hasattr(core, "patched_take"):  # pragma: no cover - a stale build
    pytest.skip("_storecore built without patched_take", allow_module_level=True)

#: Whether the native path runs here (not under ``REVIEWTOOLS_PURE_PYTHON=1``, where the same results come from the
#: slice walk and the native-only checks are left out).
NATIVE = ingest._store_core() is not None

_PARTS = ["", " ", "a", "é", "<br/>", "<b>", "</i>", "&amp;", "&lt;", "\r\n", "\r", "x y", "\u00a0", "&#x20;", "&", "amp;",
          "#39;", "\t", "\n"]
_VALUE = st.one_of(st.none(), st.lists(st.sampled_from(_PARTS), max_size=5).map("".join))


def _series(values: list, pad: int, cuts: list[int]) -> pd.Series:
    typ = pa.large_string()
    bounds = sorted({0, len(values), *(c % (len(values) + 1) for c in cuts)})
    chunks = [pa.array(["<p>"] * pad + values[a:b] + [" z"], type=typ).slice(pad, b - a)
              for a, b in zip(bounds, bounds[1:])] or [pa.array([], type=typ)]
    if pad % 2:
        chunks.insert(len(chunks) // 2, pa.array([], type=typ))  # an empty chunk among them
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=typ)))


def _pure(fn):
    with pytest.MonkeyPatch.context() as m:
        m.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
        return fn()


def _check_layout(s: pd.Series) -> None:
    for chunk in s.array._pa_array.chunks:
        chunk.validate(full=True)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(_VALUE, max_size=40), st.integers(0, 3), st.lists(st.integers(0, 40), max_size=4),
       st.lists(st.booleans(), min_size=40, max_size=40), st.integers(1, 64))
def test_patched_take_equals_the_slice_walk(values, pad, cuts, keep_bits, block) -> None:
    s = _series(values, pad, cuts)
    keep = np.array(keep_bits[:len(values)], dtype=bool)
    clean = ingest._clean_block(s.copy())
    pieces = ingest._clean_pieces(s)
    assert pieces is not None
    x, patched = pieces
    assert x.tolist() == clean.tolist()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(ingest, "ARROW_CSV_BLOCK", block)  # groups of a few rows: validity bits and offsets mid-buffer
        if patched and NATIVE:
            assert ingest._patched_arrays(x, keep) is not None  # the native path is the one taken
        for k in (keep, None):
            want = clean if k is None else clean[k]
            got = ingest._take_joined(x, k)
            assert got.tolist() == want.tolist() and got.index.equals(want.index) and got.dtype == want.dtype
            _check_layout(got)
            pure = _pure(lambda k=k: ingest._take_joined(x, k))
            assert pure.tolist() == got.tolist() and pure.index.equals(got.index)
            # a plain column (no patches), as it is
            plain = ingest._take_joined(s, k)
            assert plain.tolist() == (s if k is None else s[k]).tolist()
            _check_layout(plain)
        masked = ingest._masked(x, keep)
        assert masked.tolist() == clean[keep].tolist() and masked.index.equals(clean[keep].index)
        assert masked.name == x[keep].name and masked.dtype == x.dtype
        _check_layout(masked)


@pytest.mark.parametrize("value", ["&<b>amp;", "&<i>#39;x", "& <b>", "&\r\namp;", "&\ramp;", "a &amp b", "&#x41", " &lt;b&gt; "])
def test_clean_pieces_unescapes_as_clean_block(value) -> None:
    s = _series([value, "plain", None, value + " "], 0, [2])
    want = ingest._clean_block(s.copy()).tolist()
    got, _ = ingest._clean_pieces(s)
    assert got.tolist() == want
    assert ingest.clean_text(s).tolist() == want


def test_patched_take_through_a_pool() -> None:
    import concurrent.futures

    values = [f"v{i} &amp; <br>" if i % 3 == 0 else f" w{i} " if i % 5 == 0 else None if i % 7 == 0 else f"u{i}"
              for i in range(5000)]
    s = _series(values, 1, [700, 1400, 2100, 3900])
    x, patched = ingest._clean_pieces(s)
    assert patched and x.array._pa_array.num_chunks > 1000  # the slices
    keep = np.arange(len(values)) % 11 != 0
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        got = ingest._take_joined_later(x, keep, pool)()
    assert got.tolist() == ingest._clean_block(s.copy())[keep].tolist()
    assert got.array._pa_array.num_chunks == 1 or not NATIVE  # one copy, joined (50 kB < ARROW_CSV_BLOCK)
    _check_layout(got)


def test_the_patches_go_with_their_array() -> None:
    s = _series(["a &amp; b", "c", " d"], 0, [1])
    x, patched = ingest._clean_pieces(s)
    assert patched and id(x.array._pa_array) in ingest._PATCHES
    key = id(x.array._pa_array)
    del x
    gc.collect()
    assert key not in ingest._PATCHES


def test_a_series_without_patches_keeps_the_old_ways() -> None:
    s = _series(["a", "b"], 0, [])
    assert ingest._patched_arrays(s, None) is None  # not from _clean_pieces
    assert (ingest._patched_arrays(s, None, plain=True) is not None) == NATIVE
    obj = pd.Series(["a", None], dtype=object)
    assert ingest._patched_arrays(obj, None, plain=True) is None
    assert ingest._masked(obj, np.array([True, False])).tolist() == ["a"]


def test_patched_take_refuses_what_does_not_fit() -> None:
    offs = np.array([0, 1, 3, 3], dtype=np.int64).tobytes()
    rows = np.array([1], dtype=np.int64).tobytes()
    poffs = np.array([0, 2], dtype=np.int64).tobytes()
    args = (offs, b"abc", b"", 0, 3, b"", rows, poffs, b"XY", 0)
    assert core.patched_take(*args, None, None, None) == (3, 3, 0)  # a, XY, ""
    o, d = bytearray(32), bytearray(3)
    assert core.patched_take(*args, o, d, None) == 3
    assert bytes(d) == b"aXY" and np.frombuffer(o, dtype=np.int64).tolist() == [0, 1, 3, 3]
    assert core.patched_take(*args, bytearray(24), d, None) is None  # offsets too small
    assert core.patched_take(*args, o, bytearray(2), None) is None  # data too small
    bad = [
        (np.array([0, 2, 1, 3], dtype=np.int64).tobytes(), *args[1:]),  # decreasing offsets
        (np.array([0, 1, 3, 9], dtype=np.int64).tobytes(), *args[1:]),  # past the data
        (*args[:4], 4, *args[5:]),  # too few offsets
        (*args[:5], b"\x01\x01", *args[6:]),  # keep of the wrong length
        (*args[:6], np.array([2, 1], dtype=np.int64).tobytes(), *args[7:]),  # rows out of order
        (*args[:6], np.array([3], dtype=np.int64).tobytes(), *args[7:]),  # a row past the chunk
        (*args[:8], b"X", 0),  # replacement past its data
        (*args[:9], 1),  # replacement offsets past their buffer
    ]
    for b in bad:
        assert core.patched_take(*b, None, None, None) is None
    # missing values: their bits stay clear, the bits from `bit` on are set for the valid ones
    valid = bytes([0b101])
    got = core.patched_take(offs, b"abc", valid, 0, 3, b"\x01\x00\x01", b"", b"", b"", 0, None, None, None)
    assert got == (2, 1, 0)
    got = core.patched_take(offs, b"abc", bytes([0b110]), 0, 3, b"", b"", b"", b"", 0, None, None, None)
    assert got == (3, 3, 1)
    o, d, v = bytearray(32), bytearray(3), bytearray(1)
    assert core.patched_take(offs, b"abc", bytes([0b110]), 0, 3, b"", b"", b"", b"", 0, o, d, v, 10, 2) == 3
    assert v[0] == 0b11000 and np.frombuffer(o, dtype=np.int64).tolist() == [10, 11, 13, 13]


@pytest.mark.parametrize("value", [None, "", "a.csv", "é € 𝄞", "x" * 300])
@pytest.mark.parametrize("index", [pd.RangeIndex(0), pd.RangeIndex(1), pd.Index([4, 2, 9]), pd.RangeIndex(5000)])
def test_constant_strings_are_pandas_own(value, index) -> None:
    got = ingest._constant_strings(value, index)
    want = pd.Series(pd.NA if value is None else value, index=index, dtype="string")
    pd.testing.assert_series_equal(got, want, check_exact=True)
    if len(index):
        got[index[:1]] = "z"  # writable as pandas' own
        assert got.iloc[0] == "z"


def test_take_rows_joins_a_patched_column_it_was_not_asked_to(tmp_path) -> None:
    values = [f"t{i} &amp; <b>x</b> " if i % 2 else f"u{i}" for i in range(3000)]
    s = _series(values, 0, [1000, 2000])
    x, patched = ingest._clean_pieces(s)
    assert patched and x.array._pa_array.num_chunks > 1000
    frame = pd.DataFrame({"text": x, "n": np.arange(len(x))})
    keep = np.arange(len(x)) % 4 != 0  # (some rows dropped: _map_file's rejects)
    out = ingest._take_rows(frame, keep)
    assert out["text"].tolist() == ingest._clean_block(s.copy())[keep].tolist()
    assert out["n"].tolist() == np.flatnonzero(keep).tolist() and out.index.tolist() == np.flatnonzero(keep).tolist()
    if NATIVE:
        assert out["text"].array._pa_array.num_chunks == 1  # joined, not 1,500 filtered slices
    # read_reviews with rejects: the same frames as the slice walk's
    rows = ["review_id,rating,text,date"] + [
        f'{i},5,"t{i} &amp; <b>x</b> ",{"2024-01-01" if i % 3 else "not a date"}' for i in range(3000)]
    rows += ['7,5,"dup",2024-01-02']
    path = tmp_path / "r.csv"
    path.write_text("\n".join(rows) + "\n")
    got = ingest.read_reviews(path)
    pure = _pure(lambda: ingest.read_reviews(path))
    assert got.rejected == 1000 and got.files == pure.files
    pd.testing.assert_frame_equal(got.reviews, pure.reviews, check_exact=True)
    pd.testing.assert_frame_equal(got.rejects, pure.rejects, check_exact=True)
