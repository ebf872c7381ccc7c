"""The native grouping of equal texts (``_dupcore.group``) after the fourteenth session's changes: its hash reads
32 bytes at a time in four lanes, then 8 at a time, then the text's last 8 bytes (or its bytes, when shorter),
and its slots mark a code + 1 (0: empty, as the zeroed table comes). The same codes (numbered in order of first
appearance), first rows and distinct texts as Python's own grouping, on texts whose lengths cross the 8- and
32-byte steps, texts that differ in one byte at any place (in each lane, in the overlapping last 8 bytes), and
Hypothesis texts over a small alphabet (many equal ones), split over several chunks. Skipped where the optional C
module is not built.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")


def _python(texts: list[str], rows: list[int]) -> tuple[list[int], list[str], int, list[int]]:
    codes: dict[str, int] = {}
    code, first = [], []
    for r in rows:
        t = texts[r]
        if t not in codes:
            codes[t] = len(codes)
            first.append(r)
        code.append(codes[t])
    return code, list(codes), len(codes), first


def _native(texts: list[str], rows: list[int], cuts: list[int]) -> tuple[list[int], list[str], int, list[int]]:
    bounds = [0, *cuts, len(texts)]
    chunks = [pa.array(texts[a:b], type=pa.large_string()) for a, b in zip(bounds, bounds[1:])]
    code, distinct, k, first = dup._native_groups(pa.chunked_array(chunks, type=pa.large_string()),
                                                  np.array(rows, dtype=np.int64), True)
    return code.tolist(), distinct.to_pylist(), k, first.tolist()


def test_lengths_across_the_steps():
    texts = []
    for n in range(0, 100):
        base = "".join(chr(97 + (i * 7) % 26) for i in range(n))
        texts += [base, base, base + "x", "y" + base]
    rows = list(range(len(texts)))
    assert _native(texts, rows, [5, 77, 200]) == _python(texts, rows)


def test_one_byte_apart_at_every_place():
    """Texts equal but for one byte, at each place of texts of 1-70 bytes: distinct codes; their copies later
    (in other chunks) get the first code."""
    texts = []
    for n in (1, 7, 8, 9, 31, 32, 33, 40, 63, 64, 65, 70):
        base = "q" * n
        texts.append(base)
        texts += [base[:i] + "r" + base[i + 1:] for i in range(n)]
    texts += texts[::-1]
    rows = list(range(len(texts)))
    assert _native(texts, rows, [3, len(texts) // 2]) == _python(texts, rows)
    got = _native(texts, rows, [])
    assert got[2] == len(texts) // 2


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.text(alphabet="ab é", max_size=45), min_size=1, max_size=60), st.data())
def test_hypothesis_groups(texts, data):
    rows = sorted(data.draw(st.sets(st.integers(0, len(texts) - 1), min_size=1)))
    cuts = sorted(data.draw(st.sets(st.integers(1, max(len(texts) - 1, 1)), max_size=4)))
    cuts = [c for c in cuts if 0 < c < len(texts)]
    assert _native(texts, rows, cuts) == _python(texts, rows)
