"""The native join's probe loop works in blocks of texts in size order, about 512 probe entries each (session 20):
pass A copies the block's probe ranks, pass B reads every entry's span as its text's probe will find it (a text's
index entries appended as its entries are passed, so a text sees the texts before it in the block and not itself
or those after it), pass C skips each list's too-small texts from the head pass B read and counts. These pin the
join's pairs and overlaps against a brute-force join on inputs of several blocks: near pairs inside one block and
across block ends, one probe prefix longer than a block (a block of one text), ranks shared by every text while
the size filter moves on inside a block (pass C's skip from a head an earlier text of the block already moved),
and random streams of several blocks.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup
from test_duplicates_join_buckets import _check, _inputs

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")


def _probe_entries(rows: list[list[int]], private: list[int]) -> int:
    return int(_inputs(rows, private)[2].sum())


def test_near_pairs_inside_one_block_and_across_block_ends():
    rng = np.random.default_rng(20)
    rows = []
    for _ in range(40):  # families of 4 near copies, sizes 37-43: probed next to each other or blocks apart
        base = sorted(rng.choice(400, 40, replace=False).tolist())
        for _ in range(4):
            r = set(base)
            r.difference_update(rng.choice(base, int(rng.integers(0, 4)), replace=False).tolist())
            r.update(rng.integers(400, 800, int(rng.integers(0, 4))).tolist())
            rows.append(sorted(r))
    private = [0] * len(rows)
    assert _probe_entries(rows, private) > 3 * 512
    got = _check(rows, private)
    assert len(got) > 100


def test_a_probe_prefix_longer_than_a_block():
    long_row = list(range(1000, 3000))  # probe prefix ~601 entries: a block of its own
    rows = [[1, 2, 3], long_row, long_row[:-20], long_row[30:], [1, 2, 3], list(range(1000, 1040)),
            long_row[::2], long_row[:-5] + [5000]]
    private = [0] * len(rows)
    n_prefix = _inputs(rows, private)[2]
    assert n_prefix.max() > 512
    got = _check(rows, private)
    assert {(u, v) for u, v, _ in got} >= {(1, 2), (1, 3), (1, 7), (2, 7), (0, 4)}


def test_ranks_every_text_holds_while_the_size_filter_moves_on():
    # every text holds ranks 0-7 (in every probe prefix: the same lists in every entry of a block), sizes grow
    # from 8 to 150 so the size filter drops earlier texts inside each block; near pairs among neighbours
    rows = [list(range(8)) + list(range(100, 100 + k)) for k in range(0, 143)]
    rows += [r[:-1] for r in rows[::7]]
    private = [0] * len(rows)
    assert _probe_entries(rows, private) > 4 * 512
    got = _check(rows, private)
    assert len(got) > 100


@st.composite
def streams(draw: st.DrawFn) -> tuple[list[list[int]], list[int]]:
    """30-70 texts of 10-90 shared ranks from a universe of 60-300 ranks (long lists, repeats inside a block),
    some near copies of a few bases, some with private shingles: several blocks of probe entries."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    universe = draw(st.integers(60, 300))
    bases = [rng.choice(universe, int(rng.integers(10, 60)), replace=False).tolist() for _ in range(3)]
    rows, private = [], []
    for _ in range(draw(st.integers(30, 70))):
        if rng.random() < 0.6:
            r = set(bases[int(rng.integers(0, 3))])
            r.symmetric_difference_update(rng.integers(0, universe, int(rng.integers(0, 4))).tolist())
            r = r or {0}
        else:
            r = set(rng.integers(0, universe, int(rng.integers(10, 90))).tolist())
        rows.append(sorted(r))
        private.append(int(rng.choice([0, 0, 0, 1, 3, 100])))
    return rows, private


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams())
def test_the_join_equals_the_brute_force_join_on_streams_of_several_blocks(case):
    _check(*case)
