"""``duplicates._evidence``: the flagged rows' texts without surrounding whitespace (``str.strip()``) and where
that part starts and ends in characters (``len(s) - len(s.lstrip())``, ``len(s.rstrip())``). The native core
(``reviewtools._dupcore.take_stripped``, fifteenth session) strips while it copies; compared here with Python's
own ``str.strip`` and with the path without the core (``_flagged_texts`` + Python on the texts it does not pass
as plain), on every character ``str.isspace`` calls whitespace (ASCII ``\\x1c``-``\\x1f`` and ``\\x85`` too) at
either end or both, look-alikes that are not (U+200B, U+FEFF, U+180E, control and DEL bytes), texts of whitespace
only, empty texts, 1- to 4-byte characters across the 16-byte blocks, several (sliced) chunks and any row order.
Also: the hit frame's columns kept as the blocks' chunks (``_Duplicates._frame``) equal one concatenated array.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup

LS = pa.large_string()
NATIVE = dup._dupcore is not None and hasattr(dup._dupcore, "take_stripped")
#: every whitespace character of str.strip(), and characters that look like it but are not
WHITE = [chr(c) for c in range(0x3001) if chr(c).isspace()]
NOT_WHITE = ["\u200b", "\ufeff", "\u180e", "\x00", "\x01", "\x7f", "\u2060", "a", "é", "€", "😀", "_", "."]


def _want(chunks: list[pa.Array], rows: np.ndarray) -> tuple[list[str], list[int], list[int]]:
    values = dup._take_rows(chunks, rows).to_pylist() if len(rows) else []
    return ([v.strip() for v in values], [len(v) - len(v.lstrip()) for v in values],
            [len(v.rstrip()) for v in values])


def _got(chunks: list[pa.Array], rows: np.ndarray, native: bool) -> tuple[list[str], list[int], list[int]]:
    saved = dup._dupcore
    if not native:
        dup._dupcore = None
    try:
        texts, start, end = dup._evidence(chunks, rows)
    finally:
        dup._dupcore = saved
    assert texts.type == LS and len(texts) == len(rows) and start.dtype == np.int64 and end.dtype == np.int64
    return texts.to_pylist(), start.tolist(), end.tolist()


def _check(chunks: list[pa.Array], rows: np.ndarray) -> None:
    rows = np.asarray(rows, dtype=np.int64)
    want = _want(chunks, rows)
    assert _got(chunks, rows, native=False) == want
    if NATIVE:
        assert _got(chunks, rows, native=True) == want


def _texts() -> list[str]:
    out = ["", " ", "a", " a", "a ", "  ", "ok fine", "x" * 15 + "é" + "y" * 15, "ñx", "é", "😀" * 5]
    for w in WHITE:
        out += [w, w + "ab" + w, w + "é", "é" + w, w * 3, " " + w + " z", "z" + w + w, w + "😀" + w]
    for c in NOT_WHITE:
        out += [c + " a " + c, " " + c + " ", "\u3000" + c, c + "\x85"]
    return out


@pytest.mark.parametrize("native", [False, True])
def test_every_whitespace_character_at_either_end(native: bool) -> None:
    if native and not NATIVE:
        pytest.skip("reviewtools._dupcore is not built")
    texts = _texts()
    chunks = [pa.array(texts, LS)]
    rows = np.arange(len(texts), dtype=np.int64)
    assert _got(chunks, rows, native) == _want(chunks, rows)


def test_several_chunks_sliced_any_order_with_repeats() -> None:
    texts = _texts()
    base = pa.array(texts * 2, LS)
    n0 = len(texts)
    chunks = [base.slice(0, 10), base.slice(10, 0), base.slice(10, n0), pa.array(texts[::-1], LS), base.slice(n0 + 10)]
    n = sum(len(c) for c in chunks)
    rng = np.random.default_rng(15)
    for rows in (np.arange(n), rng.integers(0, n, 700), np.array([n - 1, 0, n - 1, 12, 12]), np.zeros(0, np.int64)):
        _check(chunks, rows)


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(st.lists(st.text(st.one_of(st.sampled_from(WHITE + NOT_WHITE),
                                                st.characters(exclude_categories=["Cs"])), max_size=40),
                         max_size=10), min_size=1, max_size=4), st.integers(0, 2**31 - 1))
def test_any_texts(parts: list[list[str]], seed: int) -> None:
    chunks = [pa.array(p, LS) for p in parts]
    n = sum(len(p) for p in parts)
    rows = np.random.default_rng(seed).integers(0, n, 2 * n) if n else np.zeros(0, np.int64)
    _check(chunks, rows)


def test_hit_frame_from_chunks_equals_one_array() -> None:
    same = "the same old text here is fine and very ok today"
    near = "near words one two three four five six seven eight nine ten eleven twelve thirteen"
    texts = ["  " + same + "\t", same, "short one", near + " fourteen", near + " fifteen",
             "\u3000" + same + " ", "x", "unique words that match nothing else at all in this whole frame"]
    frame = pd.DataFrame({
        "review_id": pd.array([f"r{i}" for i in range(8)], dtype="string"),
        "platform": pd.array(["amazon"] * 8, dtype="string"),
        "author": pd.array(["a", "b", "c", "d", "e", "f", "g", "h"], dtype="string"),
        "text": pd.array(texts, dtype="string"),
        "created_at": pd.to_datetime([f"2024-01-0{i + 1}" for i in range(8)], utc=True),
    })
    got = dup.find_duplicates(frame)
    hits = got[got["outcome"] == "hit"]
    assert len(hits) >= 3 and got["outcome"].eq("not_run").any()  # blocks of all three kinds: several chunks
    rows = [int(r[1:]) for r in hits["review_id"]]
    assert hits["evidence"].tolist() == [texts[r].strip() for r in rows]
    assert hits["start"].tolist() == [len(texts[r]) - len(texts[r].lstrip()) for r in rows]
    assert hits["end"].tolist() == [len(texts[r].rstrip()) for r in rows]
    one = got.copy()
    for col in got.columns:
        if isinstance(got[col].array, pd.arrays.ArrowStringArray):
            one[col] = pd.arrays.ArrowStringArray(got[col].array._pa_array.combine_chunks())
            assert str(one[col].dtype) == str(got[col].dtype)
    pd.testing.assert_frame_equal(got, one)
