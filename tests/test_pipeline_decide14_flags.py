"""The decision state's row masks from the held frames' codes (``pipeline._outcome_flags``) and boolean columns
read straight (``pipeline._true_flags``): the same removal-basis hit, not-run and complaint rows as comparing the
decoded strings, whatever the outcomes (missing, other words, case) and flags (missing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings

_OUTCOMES = st.sampled_from(["hit", "not_run", None, "miss", "HIT", "not run", ""])
_FLAGS = st.sampled_from([True, False, None])


@settings(max_examples=examples(60), deadline=None)
@given(hit_rows=st.lists(st.tuples(_OUTCOMES, _FLAGS), min_size=2, max_size=40),
       match_rows=st.lists(st.tuples(_FLAGS, _FLAGS), min_size=2, max_size=30))
def test_state_rows_equal_the_string_way(hit_rows, match_rows):
    n = len(hit_rows)
    hits = pd.DataFrame({"review_id": pd.array([f"r{i % 5}" for i in range(n)], dtype="string"),
                         "platform": pd.array(["amazon"] * n, dtype="string"),
                         "outcome": pd.array([o for o, _ in hit_rows], dtype="string"),
                         "removal_basis": pd.array([b for _, b in hit_rows], dtype="boolean")})
    m = len(match_rows)
    matches = pd.DataFrame({"review_id": pd.array([f"r{i % 5}" for i in range(m)], dtype="string"),
                            "platform": pd.array(["amazon"] * m, dtype="string"),
                            "complaint": pd.array([c for c, _ in match_rows], dtype="boolean"),
                            "negated": pd.array([g for _, g in match_rows], dtype="boolean")})
    plain = pipeline._decision_state(ReplySettings(), hits, matches, True, (), frozenset())
    held = pipeline._encode(hits)
    got = pipeline._decision_state(ReplySettings(), held, pipeline._encode(matches), True, (), frozenset())
    if "outcome" in held.dtypes:
        assert pipeline._outcome_flags(held) is not None
    for f in ("hit_rows", "not_run_rows", "match_rows"):
        assert np.array_equal(getattr(plain, f), getattr(got, f)), f
    outcome = hits["outcome"].fillna("hit")
    basis = hits["removal_basis"].fillna(False).astype(bool)
    assert got.hit_rows.tolist() == np.flatnonzero(((outcome == "hit") & basis).to_numpy(dtype=bool)).tolist()
    assert got.not_run_rows.tolist() == np.flatnonzero((outcome == "not_run").to_numpy(dtype=bool)).tolist()


@given(values=st.lists(_FLAGS, max_size=20))
def test_true_flags_equal_the_nullable_way(values):
    for col in (pd.Series(values, dtype="boolean"), pd.Series(values, dtype=object),
                pd.Series([int(bool(v)) for v in values], dtype="int64")):
        want = col.astype("boolean").fillna(False).astype(bool).to_numpy(dtype=bool)
        got = pipeline._true_flags(col)
        assert got.dtype == bool and got.tolist() == want.tolist()


def test_outcome_flags_only_for_held_strings():
    plain = pipeline._Encoded(pd.DataFrame({"outcome": ["hit", "not_run"]}), {})
    assert pipeline._outcome_flags(plain) is None
    held = pipeline._encode(pd.DataFrame({"outcome": pd.array(["hit", "not_run", None, "x"] * 3, dtype="string")}))
    assert "outcome" in held.dtypes
    hit, nr = pipeline._outcome_flags(held)
    assert hit.tolist() == [True, False, True, False] * 3 and nr.tolist() == [False, True, False, False] * 3
