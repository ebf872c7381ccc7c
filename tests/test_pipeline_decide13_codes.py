"""``pipeline._code_values`` (the values of dictionary codes picked from the categories made strs once) gives what one
Arrow ``take`` of the categories by the codes (-1: missing) and ``to_pylist`` give, with few or many categories; and
``_taken_values`` / ``_taken_strs`` of an encoded long frame give the decoded frame's values at those rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

_CATS = st.lists(st.text(max_size=6), min_size=1, max_size=12, unique=True)


@settings(max_examples=examples(300), deadline=None)
@given(cats=_CATS, data=st.data(), large=st.booleans())
def test_code_values(cats: list[str], data: st.DataObject, large: bool) -> None:
    codes = np.array(data.draw(st.lists(st.integers(-1, len(cats) - 1), max_size=30)), dtype=np.int8)
    arr = pa.array(cats, type=pa.large_string() if large else pa.string())
    got = pipeline._code_values(arr, codes)
    assert got == pc.take(arr, pa.array(codes, mask=codes < 0)).to_pylist()
    assert all(v is None if c < 0 else type(v) is str and v == cats[c] for v, c in zip(got, codes.tolist()))


@settings(max_examples=examples(100), deadline=None)
@given(values=st.lists(st.sampled_from(["R-A", "R-B", "é", ""]) | st.none(), min_size=2, max_size=40), data=st.data())
def test_taken_values_of_encoded(values: list, data: st.DataObject) -> None:
    frame = pd.DataFrame({"rule_id": pd.array(values, dtype="string"), "n": range(len(values))})
    enc = pipeline._encode(frame)
    pos = np.array(sorted(data.draw(st.sets(st.integers(0, len(values) - 1), min_size=1))), dtype=np.int64)
    want = [None if v is None else v for v in (values[i] for i in pos.tolist())]
    assert pipeline._taken_values(enc, "rule_id", pos) == want
    strs = pipeline._taken_strs(enc, "rule_id", pos)
    if "rule_id" in enc.dtypes:
        assert strs == (None if None in want else want)
