"""``topics._lexsort_order`` (one stable argsort of a mixed-radix int64 key) gives exactly ``np.lexsort``'s order
of (rows, fields, starts, topic ranks): Hypothesis arrays with ties, nearly sorted and shuffled rows, and values
too large for one key (the np.lexsort fallback)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import topics


@settings(max_examples=examples(150), deadline=None)
@given(st.data(), st.integers(0, 40), st.sampled_from([3, 50, 10**6, 2**40, 2**61]), st.booleans())
def test_same_order_as_lexsort(data, n, start_bound, sort_rows):
    ranks_n = data.draw(st.integers(1, 6))
    rows = np.array(data.draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)), dtype=np.int64)
    if sort_rows:
        rows.sort()
    fields = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=np.int64)
    starts = np.array(data.draw(st.lists(st.integers(0, start_bound), min_size=n, max_size=n)), dtype=np.int64)
    ranks = np.array(data.draw(st.lists(st.integers(0, ranks_n - 1), min_size=n, max_size=n)), dtype=np.int64)
    got = topics._lexsort_order(rows, fields, starts, ranks, ranks_n)
    assert got.tolist() == np.lexsort((ranks, starts, fields, rows)).tolist()
