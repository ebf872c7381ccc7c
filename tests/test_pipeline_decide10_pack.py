"""``_pack`` builds the columns whose values the decision loop makes as str itself without checking their types
first (``_string_array(..., check=False)``): the same arrays as ``pd.array(..., dtype="string")``, and a value that
is not a str (were one ever to get there) still goes through ``pd.array``."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from reviewtools import pipeline

_VALUE = st.one_of(st.text(max_size=20), st.none(), st.integers(-5, 5), st.just(float("nan")), st.floats(0, 2))


def _same(a, b) -> None:
    assert a.dtype == b.dtype
    assert pa.array(a).equals(pa.array(b)) if isinstance(a, pd.arrays.ArrowStringArray) else list(a) == list(b)
    assert a.isna().tolist() == b.isna().tolist()
    assert [None if m else v for v, m in zip(a.tolist(), a.isna())] == [None if m else v for v, m in
                                                                          zip(b.tolist(), b.isna())]


@given(st.lists(_VALUE, max_size=12), st.booleans())
def test_unchecked_string_array_equals_pd_array(values, as_tuple):
    got = pipeline._string_array(tuple(values) if as_tuple else values, check=False)
    _same(got, pd.array(list(values), dtype="string"))


@given(st.lists(st.text(max_size=20), max_size=12))
def test_unchecked_and_checked_agree_on_strs(values):
    _same(pipeline._string_array(values, check=False), pipeline._string_array(values))


def test_only_the_loops_own_columns_skip_the_check():
    assert pipeline._BUILT_STR < set(pipeline._DECIDED_COLUMNS)
    # what respond's functions give is checked
    assert not pipeline._BUILT_STR & {"draft", "draft_lint", "reply_topic"}


def test_pack_columns_equal_pd_array_of_the_rows():
    rows = [("none", "Rated 5★.", " tail", "", "", "", "", False, "", "", "", "", "", None),
            ("removal_request", "Strong …", "", "Hello\nthere", "removal_request", "email (x@y)", "warn R-X",
             True, "delivery", "R-A|R-B", "5.1 | 5.2", "a | b", "R-NR", None)]
    packed = pipeline._pack(rows)
    names = ("action", None, None, "draft", "draft_kind", "draft_where", "draft_lint", None, "reply_topic",
             "rule_ids", "clause", "evidence", "checks_not_run")
    for i, c in enumerate(names):
        if c is not None:
            _same(packed.columns[c], pd.array([r[i] for r in rows], dtype="string"))
    _same(packed.columns["action_reason"],
          pd.array([r[1] + (pipeline._BLOCKED_NOTE if r[7] else "") + r[2] for r in rows], dtype="string"))
