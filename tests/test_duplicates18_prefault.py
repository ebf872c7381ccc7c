"""The native core's large outputs with their pages asked for in one call (session 18: ``duplicates.
_empty_prefaulted``, ``madvise(MADV_POPULATE_WRITE)`` over the array's whole pages): the range asked for lies inside
the array and covers every whole page of it; the call is accepted here (Linux 5.14+) or refused harmlessly; small
arrays are left alone; the check's result is the same with :data:`duplicates.PREFAULT` on and off.
"""

from __future__ import annotations

import mmap

import numpy as np
import pandas as pd
import pytest

import reviewtools.duplicates as dup
import reviewtools.ingest as ingest


@pytest.mark.parametrize("n, dtype", [(1 << 20, np.uint8), ((1 << 20) + 4097, np.uint8), (300_001, np.int32),
                                      (5_000_000, np.int32)])
def test_the_range_asked_for_lies_inside_and_covers_every_whole_page(monkeypatch, n, dtype):
    calls = []
    monkeypatch.setattr(ingest, "_madvise", lambda: lambda start, length, advice: calls.append((start, length,
                                                                                                 advice)) or 0)
    a = dup._empty_prefaulted(n, dtype)
    assert a.shape == (n,) and a.dtype == dtype and a.flags.writeable and a.flags.c_contiguous
    page = mmap.PAGESIZE
    (start, length, advice), = calls
    lo, hi = a.ctypes.data, a.ctypes.data + a.nbytes
    assert advice == ingest._MADV_POPULATE_WRITE
    assert start % page == 0 and length % page == 0 and length > 0
    assert lo <= start and start + length <= hi  # nothing outside the array
    assert start - lo < page and hi - (start + length) < page  # every whole page of it


def test_small_arrays_and_the_switch_off_ask_nothing(monkeypatch):
    calls = []
    monkeypatch.setattr(ingest, "_madvise", lambda: lambda *a: calls.append(a) or 0)
    dup._empty_prefaulted(1000, np.int32)
    monkeypatch.setattr(dup, "PREFAULT", False)
    dup._empty_prefaulted(4 << 20, np.uint8)
    assert calls == []


def test_accepted_here_and_the_array_usable():
    a = dup._empty_prefaulted(3 << 20, np.int32)
    a[:] = 7
    assert int(a.sum()) == 7 * (3 << 20)


@pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")
def test_the_check_is_the_same_with_and_without(monkeypatch):
    base = ["the kettle boils a full litre in under three minutes and the handle stays cool",
            "arrived broken and the seller never answered my three emails about it"]
    texts = [base[i % 2] + (" today" if i % 3 == 0 else "") + (f" number {i // 7}" if i % 5 == 0 else "")
             for i in range(400)]
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(texts))], "platform": "google",
                          "rating": 1, "author": [f"a{i % 37}" for i in range(len(texts))], "text": texts,
                          "created_at": pd.Timestamp("2024-05-01", tz="UTC")})
    monkeypatch.setattr(dup, "_PREFAULT_MIN", 0)  # every array through madvise
    on = dup.find_duplicates(frame)
    monkeypatch.setattr(dup, "PREFAULT", False)
    off = dup.find_duplicates(frame)
    assert len(on) > 0
    pd.testing.assert_frame_equal(on, off)
