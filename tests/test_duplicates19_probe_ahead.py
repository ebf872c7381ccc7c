"""The native join's probe loop asks for the spans and list heads of entries ahead across the ends of texts (two
places in the stream of all probe prefixes, texts without one skipped), for the rows of texts ahead, and for a
candidate's record when it is first counted (session 19). Prefetches change no result: these pin the join's pairs
and overlaps against a brute-force join on streams the places ahead must cross, texts with a probe prefix of one
entry (many text ends inside the prefetch distance), texts without a probe prefix (their whole prefix private) at
the start, between others and at the end, fewer entries in all than the prefetch distance, and one long text.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup
from test_duplicates_join_buckets import _check

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")


def test_texts_without_a_probe_prefix_at_the_start_between_and_at_the_end():
    near = [list(range(100, 120)), list(range(100, 119)) + [500]]
    lone = [[7, 8], [9]]  # private shingles only count: their whole prefix is private
    rows = lone + near + lone + near + lone
    private = [40, 40] + [0, 0] + [40, 40] + [1, 0] + [40, 40]
    got = _check(rows, private)
    assert [(u, v) for u, v, _ in got] == [(2, 3), (2, 6), (2, 7), (3, 6), (3, 7), (6, 7)]


@pytest.mark.parametrize("n_texts", [1, 2, 3, 5, 9, 17])
def test_fewer_entries_than_the_prefetch_distance(n_texts):
    # one-shingle texts: each probe prefix one entry, all in one list (equal texts: Jaccard 1)
    got = _check([[3]] * n_texts, [0] * n_texts)
    assert len(got) == n_texts * (n_texts - 1) // 2


def test_one_entry_prefixes_and_a_long_text():
    rng = np.random.default_rng(19)
    rows = [[int(r)] for r in rng.integers(0, 6, 60)]  # 60 texts, one shingle of 6
    long_row = list(range(1000, 1400))
    rows += [long_row, long_row[:-3], long_row[5:]]
    _check(rows, [0] * len(rows))


@st.composite
def streams(draw: st.DrawFn) -> tuple[list[list[int]], list[int]]:
    """Texts of 1-30 shared ranks from a small universe (long lists, many candidates), some with their whole prefix
    private, in random order (the join probes them by size)."""
    universe = draw(st.integers(2, 60))
    base = draw(st.lists(st.integers(0, universe), min_size=1, max_size=30, unique=True))
    rows, private = [], []
    for _ in range(draw(st.integers(1, 50))):
        if draw(st.booleans()):
            r = set(base)
            for _ in range(draw(st.integers(0, 3))):
                r.symmetric_difference_update({draw(st.integers(0, universe))})
            r = r or {0}
        else:
            r = set(draw(st.lists(st.integers(0, universe), min_size=1, max_size=30)))
        rows.append(sorted(r))
        private.append(draw(st.sampled_from([0, 0, 0, 1, 2, 60])))
    return rows, private


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams())
def test_the_join_equals_the_brute_force_join_on_random_streams(case):
    _check(*case)
