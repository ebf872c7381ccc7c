"""``rules._Hits.frame`` converts the detectors' rows' columns with pyarrow's ``from_pandas=True`` (pd.NA read as
null) instead of replacing pd.NA by None first (issue 8, eighteenth session, helper ``checks_p``): the same frame
as :func:`rules._to_frame` of the rows in key order, whatever mix of values, None and pd.NA the rows hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal

from reviewtools import rules as R

TEXT = st.one_of(st.none(), st.just(pd.NA), st.text(max_size=6))
VALUES = {"string": TEXT, "boolean": st.one_of(st.none(), st.just(pd.NA), st.booleans()),
          "Int64": st.one_of(st.none(), st.just(pd.NA), st.integers(-2**40, 2**40))}


def _row() -> st.SearchStrategy[tuple]:
    return st.tuples(*(VALUES[t] if c != "review_id" else st.text(max_size=4) for c, t in R.HIT_COLUMNS.items()))


@settings(max_examples=examples(50), deadline=None)
@given(keyed=st.lists(st.tuples(st.integers(0, 50), st.lists(_row(), min_size=1, max_size=3)), max_size=12),
       constant=st.lists(st.tuples(st.lists(st.integers(0, 50), max_size=6, unique=True), _row()), max_size=3))
def test_frame_equals_the_rows_in_key_order(keyed, constant):
    hits = R._Hits()
    for key, rows in keyed:
        hits.keyed.append((key, rows))
    for keys, row in constant:
        ks = np.asarray(sorted(keys), dtype=np.int64)
        hits.add_constant(ks, [f"c{k}" for k in ks.tolist()], [row])
    entries = [(k, i, r) for i, (k, rs) in enumerate(hits.keyed) for r in rs]
    for t, (ks, rids, row) in enumerate(hits.constant):
        entries += [(k, len(hits.keyed) + t, (rid,) + row[1:]) for k, rid in zip(ks.tolist(), rids)]
    entries.sort(key=lambda e: (e[0], e[1]))  # stable by key: keyed rows first, then constants in entry order
    assert_frame_equal(hits.frame(), R._to_frame([r for _, _, r in entries]))


def test_na_and_none_are_both_missing():
    hits = R._Hits()
    row = ("r1", "amazon", "AMZ-X", "spam", pd.NA, pd.NA, None, None, None, None, "clause", "url", "not_run", pd.NA)
    hits.keyed.append((3, [row, ("r1",) + row[1:4] + (True, "weak", "text", 0, 4, "abcd") + row[10:13] + ("n",)]))
    got = hits.frame()
    assert got["removal_basis"].isna().tolist() == [True, False]
    assert got["note"].isna().tolist() == [True, False] and got["start"].tolist()[1] == 0
    assert_frame_equal(got, R._to_frame(hits.keyed[0][1]))
