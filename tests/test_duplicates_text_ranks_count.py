"""``reviewtools._dupcore.text_ranks`` sorts a short row (128 ranks or fewer) by counting (each rank's place is the
number of the row's ranks below it, AVX2 compares where the CPU has them) and a longer one through its bitmaps
(the RankSet). Both must give every live text's shared ranks in ascending order, in place or into a separate
array, and refuse a rank twice in a row. Compared here with numpy (``np.sort`` per row) and with the RankSet
alone (the optional sixth argument 0), on rows around the counting path's edges (32 ranks a block, 128 at most).
Skipped where the optional C module is not built.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")


def _case(rng: np.random.Generator, lengths: list[int], n_tok: int, max_rank: int) -> tuple[np.ndarray, ...]:
    """Texts of the given occurrence counts over n_tok tokens (distinct within a text, some occurrences -1 as
    repeats, some tokens private: rank -1); ranks distinct below max_rank. Returns (slot_of, n_sh, rank_of, off,
    want) with each live text's ranks sorted in want."""
    rank_of = np.full(n_tok, -1, np.int32)
    shared = rng.random(n_tok) < 0.8
    rank_of[shared] = rng.choice(max_rank, int(shared.sum()), replace=False)
    slot_of, spans, want = [], [], []
    for length in lengths:
        toks = rng.choice(n_tok, length, replace=False).astype(np.int32)
        toks[rng.random(length) < 0.1] = -1
        r = rank_of[toks[toks >= 0]]
        r = np.sort(r[r >= 0])
        live = rng.random() < 0.9
        spans.append(len(r) if live else 0)
        if live:
            want.append(r)
        slot_of.append(toks)
    n_sh = np.array(lengths, np.int64)
    off = np.concatenate(([0], np.cumsum(spans))).astype(np.int64)
    flat = np.concatenate(slot_of) if slot_of else np.zeros(0, np.int32)
    want_arr = np.concatenate(want).astype(np.uint32) if want else np.zeros(0, np.uint32)
    return flat.astype(np.int32), n_sh, rank_of, off, want_arr


def _run(slot_of: np.ndarray, n_sh: np.ndarray, rank_of: np.ndarray, off: np.ndarray, *small: int,
         in_place: bool) -> np.ndarray:
    slot = slot_of.copy()
    out = slot.view(np.uint32)[:int(off[-1])] if in_place else np.full(int(off[-1]), 7, np.uint32)
    dup._dupcore.text_ranks(slot, n_sh, rank_of, off, out, *small)
    return out.copy()


EDGES = [0, 1, 2, 3, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 128, 129, 130, 140, 200, 400]


@pytest.mark.parametrize("in_place", [True, False])
@pytest.mark.parametrize("max_rank", [2_000, 70_000, 2**30 - 1])
def test_rows_around_the_counting_edges_sorted_like_numpy(in_place: bool, max_rank: int) -> None:
    rng = np.random.default_rng(max_rank + in_place)
    lengths = [int(x) for x in rng.permutation(EDGES * 6)]
    # occurrences a bit over the span (repeats and private tokens drop some): spans land on both sides of 128
    case = _case(rng, lengths, 2_000, max_rank)
    want = case[-1]
    for small in ((), (0,), (1,), (32,), (64,), (128,), (10**6,)):
        np.testing.assert_array_equal(_run(*case[:-1], *small, in_place=in_place), want, err_msg=str(small))


def test_spans_of_exactly_the_counting_sizes() -> None:
    """Rows whose span (shared ranks) is exactly 1, 31, 32, 33, 127, 128 and 129: every occurrence shared."""
    rng = np.random.default_rng(5)
    sizes = [1, 2, 31, 32, 33, 64, 127, 128, 129, 256]
    rank_of = rng.choice(2**21, 3_000, replace=False).astype(np.int32)
    slot_of = np.concatenate([rng.choice(3_000, s, replace=False) for s in sizes]).astype(np.int32)
    n_sh = np.array(sizes, np.int64)
    off = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    want = np.concatenate([np.sort(rank_of[slot_of[off[i]:off[i + 1]]]) for i in range(len(sizes))])
    for small in ((), (0,)):
        np.testing.assert_array_equal(_run(slot_of, n_sh, rank_of, off, *small, in_place=True), want)


@pytest.mark.parametrize("small", [(), (0,)])
@pytest.mark.parametrize("size,twice", [(2, 0), (4, 1), (33, 31), (128, 0), (128, 126), (129, 5), (300, 298)])
def test_a_rank_twice_in_a_row_refused(small: tuple[int, ...], size: int, twice: int) -> None:
    """Two tokens of one text with the same rank (not from the table: a caller's error) are refused on either
    path: the counting path's places then sum to less than n (n - 1) / 2."""
    rank_of = np.arange(1_000, dtype=np.int32) * 3
    rank_of[size] = rank_of[twice]  # token `size` has token `twice`'s rank
    toks = np.append(np.arange(size - 1), size).astype(np.int32)  # tokens 0 .. size - 2, then token `size`
    with pytest.raises(ValueError, match="_dupcore.text_ranks"):
        dup._dupcore.text_ranks(toks, np.array([size], np.int64), rank_of, np.array([0, size], np.int64),
                                np.empty(size, np.uint32), *small)
    rank_of[size] = 2_999  # distinct again: accepted
    out = np.empty(size, np.uint32)
    dup._dupcore.text_ranks(toks, np.array([size], np.int64), rank_of, np.array([0, size], np.int64), out, *small)
    assert out.tolist() == sorted(rank_of[toks].tolist())


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.integers(0, 180), min_size=0, max_size=40), st.integers(0, 2**31 - 1))
def test_any_rows_equal_the_rankset(lengths: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    case = _case(rng, lengths, 400, int(rng.choice([400, 5_000, 2**30 - 1])))
    got = _run(*case[:-1], in_place=True)
    np.testing.assert_array_equal(got, case[-1])
    np.testing.assert_array_equal(got, _run(*case[:-1], 0, in_place=False))
