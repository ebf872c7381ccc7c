"""``_populate`` (MADV_POPULATE_WRITE on fresh Arrow buffers before ``patched_take`` fills them): the bytes are
unchanged, the takes are the same with it on and off, and the call is accepted on this kernel (skip elsewhere)."""

from __future__ import annotations

import ctypes
import mmap
import sys

import numpy as np
import pandas as pd
import pytest

pa = pytest.importorskip("pyarrow")

import reviewtools.ingest as ingest  # noqa: E402


def test_populate_keeps_bytes_and_ignores_small_buffers() -> None:
    for size in (0, 1, 4095, ingest._POPULATE_MIN - 1, ingest._POPULATE_MIN, (3 << 20) + 123):
        buf = pa.allocate_buffer(size)
        view = np.frombuffer(buf, dtype=np.uint8)
        view[:] = np.arange(size, dtype=np.uint64).astype(np.uint8)
        before = view.copy()
        ingest._populate(buf)
        assert np.array_equal(view, before)
    raw = bytearray(b"xyz" * (1 << 20))  # (an unaligned start: only the whole pages inside are asked for)
    pb = pa.py_buffer(raw)
    ingest._populate(pa.py_buffer(memoryview(raw)[5:]))
    assert bytes(pb) == b"xyz" * (1 << 20)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise: Linux")
def test_madvise_populate_write_accepted() -> None:
    fn = ingest._madvise()
    assert fn is not None
    buf = pa.allocate_buffer(4 << 20)
    page = mmap.PAGESIZE
    start = (buf.address + page - 1) // page * page
    rc = fn(start, page * 16, ingest._MADV_POPULATE_WRITE)
    if rc != 0 and ctypes.get_errno() == 22:  # EINVAL: a kernel before 5.14
        pytest.skip("MADV_POPULATE_WRITE not known to this kernel")
    assert rc == 0


def test_take_joined_same_with_and_without_populate(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(16)
    n = 60_000
    words = np.array(["alpha", "béta", "", "x" * 200, "emoji \U0001F600", "y" * 37])
    vals = [None if i % 97 == 0 else str(words[i % len(words)]) + str(i) for i in range(n)]
    arr = pa.chunked_array([pa.array(vals[a:a + 7_000], type=pa.large_string()) for a in range(0, n, 7_000)])
    s = pd.Series(pd.arrays.ArrowStringArray(arr), name="text")
    keep = rng.random(n) < 0.9
    monkeypatch.setattr(ingest, "ARROW_CSV_BLOCK", 1 << 20)
    monkeypatch.setattr(ingest, "_POPULATE_MIN", 1)  # (every buffer of the take asked for)
    calls: list[int] = []
    real = ingest._populate
    monkeypatch.setattr(ingest, "_populate", lambda b: (calls.append(b.size), real(b)))
    monkeypatch.setattr(ingest, "POPULATE_WRITE", True)
    on = ingest._take_joined(s, keep)
    monkeypatch.setattr(ingest, "POPULATE_WRITE", False)
    off = ingest._take_joined(s, keep)
    core = ingest._store_core()
    if core is not None and hasattr(core, "patched_take"):
        assert calls  # (the take went through _patched_array)
    pd.testing.assert_series_equal(on, off, check_exact=True)
    assert on.tolist() == s[keep].tolist()
    for chunk in on.array._pa_array.chunks:
        chunk.validate(full=True)
