"""The native join's bucket bound (``_dupcore.join`` drops a candidate when its rows' per-bucket counts, rank % 16
in 4-bit nibbles, cannot add up to the overlap the pair needs): the join on rank rows built directly, with pairs
exactly at the threshold (Jaccard == 0.7), one shingle short of it, and rows whose buckets are saturated (15 or
more ranks of one residue, on one side or both), gives exactly the pairs and overlaps of an unfiltered
brute-force join (every pair's full intersection and the same float Jaccard test).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup
from reviewtools.rules import NEAR_DUPLICATE_JACCARD

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")


def _inputs(rows: list[list[int]], private: list[int]):
    """The join's arrays for texts of the given shared ranks and private shingle counts, as _near_pairs makes
    them (a text whose whole prefix is private has no row)."""
    n = len(rows)
    size = np.array([len(set(r)) + p for r, p in zip(rows, private)], dtype=np.int64)
    priv = np.array(private, dtype=np.int64)
    prefix = size - dup._min_overlap(size) + 1
    live = priv < prefix
    kept = [sorted(set(r)) if live[i] else [] for i, r in enumerate(rows)]
    off = np.concatenate(([0], np.cumsum([len(r) for r in kept]))).astype(np.int64)
    t_rank = np.array([x for r in kept for x in r], dtype=np.uint32)
    n_prefix = np.clip(prefix - priv, 0, None)
    n_prefix[~live] = 0
    last = np.zeros(n, dtype=np.int64)
    for i in range(n):
        if live[i] and n_prefix[i] > 0:
            last[i] = kept[i][n_prefix[i] - 1]
    return t_rank, off, n_prefix, size, prefix, last, kept


def _brute(kept: list[list[int]], size: np.ndarray) -> list[tuple[int, int, int]]:
    out = []
    for u, v in itertools.combinations(range(len(kept)), 2):
        o = len(set(kept[u]) & set(kept[v]))
        if o and o / (int(size[u]) + int(size[v]) - o) >= NEAR_DUPLICATE_JACCARD:
            out.append((u, v, o))
    return out


def _check(rows: list[list[int]], private: list[int]) -> list[tuple[int, int, int]]:
    t_rank, off, n_prefix, size, prefix, last, kept = _inputs(rows, private)
    u, v, o = dup._native_join(t_rank, off, n_prefix, size, prefix, last)
    got = list(zip(u.tolist(), v.tolist(), o.tolist()))
    want = _brute(kept, size)
    assert got == want
    return got


def _at_threshold(ranks: list[int]) -> tuple[list[list[int]], list[int]]:
    """Pairs of 17 + 17 shingles sharing 14 (Jaccard 14 / 20 == 0.7 exactly) and 13 (just below), and of 34 + 34
    sharing 28 / 27, the shared ranks taken from ``ranks``."""
    rows = []
    for g, (n_sh, common) in enumerate(((17, 14), (17, 13), (34, 28), (34, 27))):
        own = ranks[100 * g:100 * g + 100]  # (each pair its own ranks)
        a = own[:n_sh]
        b = own[:common] + own[n_sh:n_sh + n_sh - common]
        rows += [a, b]
    return rows, [0] * len(rows)


@pytest.mark.parametrize("stride,offset", [(1, 0), (16, 0), (16, 5), (32, 3), (17, 0), (8, 0)])
def test_pairs_exactly_at_the_threshold_are_kept_and_one_short_dropped(stride, offset):
    # stride 16 / 32: every rank in one bucket (both sides saturated: no bound); 8: two buckets; 1: spread
    ranks = [offset + stride * k for k in range(400)]
    rows, private = _at_threshold(ranks)
    got = _check(rows, private)
    assert [(u, v, o) for u, v, o in got] == [(0, 1, 14), (4, 5, 28)]


def test_one_side_saturated_the_other_not():
    # x: 20 ranks in bucket 0 (saturated) + 10 spread; y: 14 of its bucket-0 ranks and the same 10 spread + 6 others
    sat = [16 * k for k in range(20)]
    spread = [16 * 100 + k for k in range(1, 11)]
    x = sat + spread
    for k_sat in range(10, 21):
        y = sat[:k_sat] + spread + [16 * 200 + k for k in range(1, 7)]
        _check([x, y, y[:-1], x[:-1]], [0, 0, 1, 2])


@st.composite
def rank_rows(draw: st.DrawFn) -> tuple[list[list[int]], list[int]]:
    """Texts from 1-3 bases of ranks drawn from a few residues mod 16 (so buckets fill and saturate), each
    edited a little: many candidates just above and below the threshold."""
    residues = draw(st.lists(st.integers(0, 15), min_size=1, max_size=16, unique=True))
    span = draw(st.integers(4, 40))
    universe = sorted(16 * k + r for k in range(span) for r in residues)
    bases = [draw(st.lists(st.sampled_from(universe), min_size=min(4, len(universe)), max_size=45, unique=True))
             for _ in range(draw(st.integers(1, 3)))]
    rows, private = [], []
    for _ in range(draw(st.integers(2, 40))):
        r = set(draw(st.sampled_from(bases)))
        for _ in range(draw(st.integers(0, 4))):
            if draw(st.booleans()) and len(r) > 1:
                r.discard(draw(st.sampled_from(sorted(r))))
            else:
                r.add(draw(st.sampled_from(universe)))
        rows.append(sorted(r))
        private.append(draw(st.integers(0, 3)))
    return rows, private


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rank_rows())
def test_the_join_equals_the_unfiltered_brute_force_join(case):
    _check(*case)
