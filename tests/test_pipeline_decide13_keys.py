"""The decision state's review keys by one Arrow join (``pipeline._arrow_review_keys``) are the pandas way's
(``_review_key_series``, then pyarrow ``string``): a missing platform as ``other``, an empty one empty, ids and
platforms of any text; a missing id, object columns or no platform go the pandas way; ``_decision_state`` of encoded
and plain long frames gives the same keys either way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings

_IDS = st.sampled_from(["R1", "R2", "é", "", "a\x1fb", "R 3"]) | st.text(max_size=5)
_PLATS = st.sampled_from(["amazon", "google", "", None, "Ü", "x\x1f"])


def _pandas_keys(frame: pd.DataFrame) -> pa.Array:
    return pa.array(pipeline._review_key_series(frame), type=pa.string(), from_pandas=True)


@settings(max_examples=examples(200), deadline=None)
@given(rows=st.lists(st.tuples(_IDS, _PLATS), min_size=1, max_size=40))
def test_arrow_review_keys(rows: list) -> None:
    frame = pd.DataFrame({"review_id": [r for r, _ in rows], "platform": [p for _, p in rows]}, dtype="string[pyarrow]")
    got = pipeline._arrow_review_keys(frame)
    want = _pandas_keys(frame)
    assert got is not None and got.type == want.type == pa.string() and got.equals(want)


def test_arrow_review_keys_declines() -> None:
    ok = {"review_id": ["a", "b"], "platform": ["x", None]}
    assert pipeline._arrow_review_keys(pd.DataFrame({"review_id": ["a", None], "platform": ["x", "y"]},
                                                    dtype="string[pyarrow]")) is None
    assert pipeline._arrow_review_keys(pd.DataFrame(ok, dtype=object)) is None
    assert pipeline._arrow_review_keys(pd.DataFrame({"review_id": ["a"]}, dtype="string[pyarrow]")) is None
    assert pipeline._arrow_review_keys(pd.DataFrame(ok, dtype="string[pyarrow]")).to_pylist() == ["x\x1fa", "other\x1fb"]


@settings(max_examples=examples(50), deadline=None)
@given(rows=st.lists(st.tuples(_IDS, _PLATS, st.sampled_from(["hit", "not_run", "clear"]), st.booleans()),
                     min_size=1, max_size=40), missing_id=st.booleans())
def test_state_keys_as_pandas(rows: list, missing_id: bool) -> None:
    hits = pd.DataFrame({
        "review_id": pd.array([None if missing_id and i == 0 else r for i, (r, *_) in enumerate(rows)],
                              dtype="string[pyarrow]"),
        "platform": pd.array([p for _, p, *_ in rows], dtype="string[pyarrow]"),
        "rule_id": pd.array(["R-X"] * len(rows), dtype="string[pyarrow]"),
        "outcome": pd.array([o for *_, o, _ in rows], dtype="string[pyarrow]"),
        "removal_basis": [b for *_, b in rows],
    })
    for held in (hits, pipeline._encode(hits)):
        state = pipeline._decision_state(ReplySettings(), held, None, True, (), frozenset())
        enc = held if isinstance(held, pipeline._Encoded) else pipeline._Encoded(held, {})
        for pos, keys in ((state.hit_rows, state.hit_keys), (state.not_run_rows, state.not_run_keys)):
            if len(pos):
                want = _pandas_keys(enc.take(pos, ["review_id", "platform"]))
                assert keys.type == want.type and keys.equals(want)
    if not missing_id:  # Arrow strings without a missing id: never the pandas way
        def refuse(long):  # pragma: no cover - only called when the Arrow join is not taken
            raise AssertionError("pandas keys")

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(pipeline, "_review_key_series", refuse)
            pipeline._decision_state(ReplySettings(), pipeline._encode(hits), None, True, (), frozenset())
