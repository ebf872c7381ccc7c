"""The duplicate check's hashes in C (``_storecore.string_hashes``: every byte of each id; ``_storecore.repeated``:
``ingest._multi`` by one hash table): the same rows as the numpy path (``REVIEWTOOLS_PURE_PYTHON=1``) for
``_multi`` and ``_id_repeats``, equal hashes for equal values wherever they lie in their buffers, and the
arguments refused."""

from __future__ import annotations

import os
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest

core = ingest._store_core_module()
native = pytest.mark.skipif(core is None or not hasattr(core, "repeated") or not hasattr(core, "string_hashes"),
                            reason="_storecore not built with string_hashes/repeated")


@contextmanager
def _pure():
    old = os.environ.get("REVIEWTOOLS_PURE_PYTHON")
    os.environ["REVIEWTOOLS_PURE_PYTHON"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("REVIEWTOOLS_PURE_PYTHON", None)
        else:
            os.environ["REVIEWTOOLS_PURE_PYTHON"] = old


def _chunked(values, cuts, offset, large) -> pd.Series:
    typ = pa.large_string() if large else pa.string()
    bounds = sorted({0, len(values), *(c % (len(values) + 1) for c in cuts)})
    chunks = []
    for a, b in zip(bounds, bounds[1:]):
        pad = ["pad" * (offset + 1)] * offset
        chunks.append(pa.array(pad + values[a:b] + pad, type=typ).slice(offset, b - a))
    arr = pa.chunked_array(chunks, type=typ) if chunks else pa.chunked_array([], type=typ)
    return pd.Series(pd.arrays.ArrowStringArray(arr))


_IDS = st.one_of(
    st.none(),
    st.sampled_from(["", "a", "R1", "R22", "abcdefgh", "abcdefghi", "abcdefgh1abcdefgh", "abcdefgh2abcdefgh",
                     "abcdefgh22abcdefgh", "\x00", "a\x00", "é", "ü" * 9, "RBCDCBFA53E0A8", "RBCDCBFA53E0A9"]),
    st.text(max_size=30),
)


@native
@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.one_of(st.integers(-3, 3), st.integers(-2**63, 2**63 - 1),
                          st.sampled_from([0, -1, -2**63, 2**63 - 1])), max_size=80), st.booleans())
def test_multi_native_equals_numpy(values, unsigned) -> None:
    a = np.array(values, dtype=np.int64)
    if unsigned:
        a = a.view(np.uint64)
    got = ingest._multi(a)
    with _pure():
        want = ingest._multi(a)
    assert got.dtype == bool and got.tolist() == want.tolist()
    out = np.empty(len(a), dtype=bool)
    assert core.repeated(a, out) == int(want.sum())
    assert out.tolist() == want.tolist()


@native
@settings(max_examples=examples(120), deadline=None)
@given(st.lists(_IDS, max_size=60), st.lists(st.sampled_from(["amazon", "google", None, "g"]), max_size=60),
       st.lists(st.integers(0, 60), max_size=4), st.integers(0, 3), st.booleans(), st.booleans(), st.booleans())
def test_id_repeats_native_equals_numpy(ids, plats, cuts, offset, large, one_platform, arrow_platform) -> None:
    n = len(ids)
    plats = ["amazon"] * n if one_platform or not plats else (plats * (n // len(plats) + 1))[:n]
    review_id = _chunked(ids, cuts, offset, large)
    platform = _chunked(plats, cuts[::-1], offset, not large) if arrow_platform else pd.Series(plats, dtype=object)
    got = ingest._id_repeats(platform, review_id)
    with _pure():
        want = ingest._id_repeats(platform, review_id)
    ref = ingest._repeats(ingest._key_codes(ingest._codes(platform), ingest._codes(review_id)))
    for g, w, r in zip(got, want, ref):
        assert g.tolist() == w.tolist() == r.tolist()


@native
@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_IDS, min_size=1, max_size=40), st.lists(st.integers(0, 40), max_size=3), st.integers(0, 2),
       st.booleans())
def test_native_string_hashes_equal_where_the_values_are(values, cuts, offset, large) -> None:
    s = _chunked(values, cuts, offset, large)
    h = ingest._string_hashes(s)
    assert h is not None and h.dtype == np.uint64 and len(h) == len(values)
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a == b:
                assert h[i] == h[j]


@native
def test_native_string_hashes_read_every_byte() -> None:
    # the numpy hashes read the length and the first and last 8 bytes only: these collided there
    if ingest._store_core() is None:
        pytest.skip("REVIEWTOOLS_PURE_PYTHON: the numpy hashes")
    values = ["abcdefgh1abcdefgh", "abcdefgh2abcdefgh", "RBCDCBFA53E0A8", "RBCDCBFA53E0A9", "a", "a\x00", ""]
    h = ingest._string_hashes(pd.Series(values, dtype="string"))
    assert len(set(h.tolist())) == len(values)


@native
@pytest.mark.parametrize("value", [b"", b"a", b"ab", b"abcdefg", b"abcdefgh", b"abcdefghi", b"\xc3\xa9" * 7])
def test_string_hashes_at_the_end_of_a_tight_buffer(value) -> None:
    # the same value in the middle of a padded buffer and as the last bytes of one that ends there
    for first in (b"", b"x", b"0123456789abcdef"):
        data = first + value
        offs = np.array([0, len(first), len(data)], dtype=np.int64).tobytes()
        h = np.zeros(3, dtype=np.uint64)
        assert core.string_hashes(offs, data, 8, 0, 2, h, 1) is True
        padded = pa.array([value.decode()] * 3, type=pa.string())
        b = padded.buffers()
        g = np.zeros(3, dtype=np.uint64)
        assert core.string_hashes(b[1], b[2] if b[2] is not None else b"", 4, 1, 1, g, 0) is True
        assert h[2] == g[0]
        assert h[0] == 0


@native
def test_native_arguments_refused() -> None:
    offs = np.array([0, 2, 1], dtype=np.int64).tobytes()  # decreasing
    h = np.zeros(2, dtype=np.uint64)
    assert core.string_hashes(offs, b"abc", 8, 0, 2, h, 0) is None
    good = np.array([0, 1, 3], dtype=np.int64).tobytes()
    assert core.string_hashes(good, b"ab", 8, 0, 2, h, 0) is None  # past the data
    assert core.string_hashes(good, b"abc", 8, 0, 2, h, 1) is None  # past the output
    assert core.string_hashes(good, b"abc", 8, 1, 2, h, 0) is None  # past the offsets
    assert core.string_hashes(good, b"abc", 3, 0, 2, h, 0) is None  # width
    assert core.string_hashes(good, b"abc", 8, 0, 2, h, 0) is True
    with pytest.raises(ValueError):
        core.repeated(np.zeros(3, dtype=np.int64), np.zeros(2, dtype=bool))
    with pytest.raises(ValueError):
        core.repeated(b"123456789", np.zeros(1, dtype=bool))
    with pytest.raises((TypeError, BufferError)):
        core.repeated(np.zeros(2, dtype=np.int64), b"\x00\x00")  # not writable


@native
def test_multi_many_values() -> None:
    rng = np.random.default_rng(8)
    a = rng.integers(0, 300_000, 200_000).astype(np.int64)
    a[::1000] = 0
    got = ingest._multi(a)
    with _pure():
        want = ingest._multi(a)
    assert got.tolist() == want.tolist()
