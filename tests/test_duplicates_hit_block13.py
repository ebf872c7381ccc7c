"""A flagged block's columns (session 13: the note's tail taken from its 8 variants by the row's three flags, the
strength taken from the rules' strengths, the constant columns repeated by Arrow) are the row-by-row ones: the
note is ``what + " of review(s) " + ids + (" ..." if more than five partners) + " by a different author" +
("; dates missing, cannot tell which is the original" if undated) + ("; author unknown" if unknown)``, the
strength the rule's or "weak" (undated or unknown author), field "text", outcome "hit". Every combination of the
three flags, Hypothesis over blocks, with and without the native core.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup

_LS = pa.large_string()
IDS = [f"r{i}" for i in range(12)] + ["ü-7", ""]
TEXTS = [f"text {i}" for i in range(12)] + ["  padded é ", "x"]
RULES = [SimpleNamespace(strength="strong", removal_basis=True), SimpleNamespace(strength="medium",
                                                                                  removal_basis=False)]


def _state(author: list[int]) -> dup._Duplicates:
    st_ = object.__new__(dup._Duplicates)
    st_.rules = RULES
    st_._ids = pa.array(IDS, _LS)
    st_.ids_col = pd.Series(IDS, dtype="string")
    st_.text_col = pd.Series(TEXTS, dtype="string")
    st_.author = np.array(author, dtype=np.int64)
    return st_


def _want_note(what: str, partners: list[int], n: int, dated: bool, unknown: bool) -> str:
    named = ", ".join(IDS[p] for p in partners if p >= 0)
    return (f"{what} of review(s) {named}" + (" ..." if n > 5 else "") + " by a different author"
            + ("" if dated else "; dates missing, cannot tell which is the original")
            + ("; author unknown" if unknown else ""))


def _check(rows, rule, whats, partners, n_partners, dated, author, native):
    st_ = _state(author)
    if not native:
        saved = dup._dupcore
        dup._dupcore = None
    try:
        got = st_._hit_block(np.array(rows, np.int64), np.array(rule, np.int64), pa.array(whats, _LS),
                             np.array(partners, np.int64).reshape(len(rows), 5), np.array(n_partners, np.int64),
                             np.array(dated, bool))
    finally:
        if not native:
            dup._dupcore = saved
    unknown = [author[r] < 0 for r in rows]
    assert got["note"].type == _LS and got["note"].to_pylist() == [
        _want_note(w, p, n, d, u) for w, p, n, d, u in zip(whats, partners, n_partners, dated, unknown)]
    assert got["strength"].to_pylist() == ["weak" if (not d or u) else RULES[r].strength
                                           for r, d, u in zip(rule, dated, unknown)]
    assert got["field"].type == _LS and got["field"].to_pylist() == ["text"] * len(rows)
    assert got["outcome"].type == _LS and got["outcome"].to_pylist() == ["hit"] * len(rows)
    assert got["removal_basis"].to_pylist() == [RULES[r].removal_basis for r in rule]
    assert got["evidence"].to_pylist() == [TEXTS[r].strip() for r in rows]


NATIVE = [True] + ([False] if dup._dupcore is not None else [])


@pytest.mark.parametrize("native", NATIVE)
def test_every_flag_combination(native):
    combos = list(itertools.product([3, 6, 40], [True, False], [True, False]))
    rows = [i % 12 for i in range(len(combos))]
    author = [i if i % 2 else -1 for i in range(14)]
    # (unknown follows the row's author: odd rows known, even rows unknown; both meet every other combination)
    rows = [r if (r % 2 == 0) == u else (r + 1) % 12 for r, (_, _, u) in zip(rows, combos)]
    _check(rows, [i % 2 for i in range(len(rows))], ["same text as"] * len(rows),
           [[12, 13, 0, -1, -1]] * len(rows), [n for n, _, _ in combos], [d for _, d, _ in combos], author, native)


@pytest.mark.parametrize("native", NATIVE)
def test_empty_block(native):
    _check([], [], [], np.zeros((0, 5), np.int64), [], [], [0] * 14, native)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 13), st.integers(0, 1), st.sampled_from(["same text as",
                                                                                    "near duplicate (Jaccard 0.75 >= 0.7)"]),
                          st.lists(st.integers(-1, 13), min_size=5, max_size=5).filter(lambda p: max(p) >= 0),
                          st.integers(1, 9), st.booleans()), max_size=20),
       st.lists(st.integers(-1, 3), min_size=14, max_size=14), st.booleans())
def test_blocks(items, author, native):
    if not native and dup._dupcore is None:
        native = True
    _check([i[0] for i in items], [i[1] for i in items], [i[2] for i in items], [i[3] for i in items] or
           np.zeros((0, 5), np.int64), [i[4] for i in items], [i[5] for i in items], author, native)


def test_repeat():
    assert dup._repeat("hit", 4).to_pylist() == ["hit"] * 4
    assert dup._repeat("", 2).to_pylist() == ["", ""]
    assert len(dup._repeat("x", 0)) == 0 and dup._repeat("x", 0).type == _LS
