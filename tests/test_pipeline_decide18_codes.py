"""``pipeline._taken_codes`` reads an encoded long frame's codes from the Categorical itself (a view) and picks only
the block's positions: the same categories and the same codes at those positions as the column's ``cat.codes``
(a new Series, a copy of every code) gave, for columns with missing values and chunked Arrow strings; and the codes
it returns are the caller's own (changing them leaves the frame as it was)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline


@settings(max_examples=examples(120), deadline=None)
@given(values=st.lists(st.sampled_from(["R-A", "R-B", "é", "", "x\x1fy"]) | st.none(), min_size=12, max_size=60),
       cut=st.integers(1, 30), data=st.data())
def test_taken_codes_as_cat_codes(values: list, cut: int, data: st.DataObject) -> None:
    frame = pd.DataFrame({"rule_id": pd.array(values, dtype="string"), "n": range(len(values))})
    frame = pd.concat([frame.iloc[:cut], frame.iloc[cut:]], ignore_index=True)  # Arrow columns of two chunks
    enc = pipeline._encode(frame)
    pos = np.array(sorted(data.draw(st.sets(st.integers(0, len(values) - 1), min_size=1))), dtype=np.int64)
    got = pipeline._taken_codes(enc, "rule_id", pos)
    assert "rule_id" in enc.dtypes  # at most 6 distinct values in 12 or more rows: encoded
    cats, codes = got
    col = enc.frame["rule_id"]
    assert cats.to_pylist() == col.cat.categories.tolist()
    want = col.cat.codes.to_numpy()[pos]
    assert codes.dtype == want.dtype and codes.tolist() == want.tolist()
    assert [None if c < 0 else cats[c].as_py() for c in codes.tolist()] == [values[i] for i in pos.tolist()]
    before = col.cat.codes.to_numpy().copy()
    codes[:] = -1  # the caller's own array: the frame's codes do not change
    assert enc.frame["rule_id"].cat.codes.to_numpy().tolist() == before.tolist()


def test_taken_codes_not_encoded_or_empty() -> None:
    frame = pd.DataFrame({"rule_id": pd.array(["a", "b", "a", "a", "b", "a"], dtype="string"), "n": range(6)})
    enc = pipeline._encode(frame)
    assert pipeline._taken_codes(enc, "n", np.array([0])) is None
    assert pipeline._taken_codes(enc, "rule_id", np.zeros(0, dtype=np.int64)) is None
    assert pipeline._taken_codes(pipeline._Encoded(frame, {}), "rule_id", np.array([0])) is None
    cats, codes = pipeline._taken_codes(enc, "rule_id", np.array([0, 1, 5]))
    assert cats.to_pylist() == ["a", "b"] and codes.tolist() == [0, 1, 0]
