"""``pipeline._block_index`` with the reviews' columns in many Arrow chunks (as run_triage's frame holds them from
ingest and the pool): the same index as with one chunk, and the probe of keys built from the arrays' chunks (a
``pyarrow.ChunkedArray`` among ``pa.chunked_array``'s items is read value by value as Python objects)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings
from reviewtools.schema import coerce

SEP = pipeline._KEY_SEP


def _chunked(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    if len(frame) <= k:
        return frame
    return pd.concat([frame.iloc[i : i + k] for i in range(0, len(frame), k)], ignore_index=True)


def _long(keys: list[tuple[str | None, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    hits = pd.DataFrame({"platform": pd.array([p for p, _ in keys], dtype="string"),
                         "review_id": pd.array([r for _, r in keys], dtype="string"),
                         "rule_id": pd.array(["R-A"] * len(keys), dtype="string"),
                         "outcome": pd.array(["hit", "not_run"] * (len(keys) // 2) + ["hit"] * (len(keys) % 2),
                                             dtype="string"),
                         "removal_basis": pd.array([True] * len(keys), dtype="boolean"),
                         "strength": pd.array(["strong"] * len(keys), dtype="string"),
                         "evidence": pd.array([f"ev{i}" for i in range(len(keys))], dtype="string")})
    matches = pd.DataFrame({"platform": pd.array([p for p, _ in keys], dtype="string"),
                            "review_id": pd.array([r for _, r in keys], dtype="string"),
                            "complaint": [True] * len(keys), "negated": [False] * len(keys),
                            "topic": ["shipping_delivery"] * len(keys),
                            "evidence": pd.array([f"m{i}" for i in range(len(keys))], dtype="string")})
    return hits, matches


def _same(a: pipeline._BlockIndex, b: pipeline._BlockIndex) -> None:
    assert a.block_of == b.block_of
    for (ao, as_), (bo, bs) in zip(a.kinds, b.kinds, strict=True):
        assert np.array_equal(ao, bo) and ao.dtype == bo.dtype and np.array_equal(as_, bs)
    for x, y in zip(a.owners, b.owners, strict=True):
        assert np.array_equal(x, y) and x.dtype == y.dtype


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 40), plats=st.lists(st.sampled_from(["amazon", "yelp", None, "", "é"]), min_size=40,
                                            max_size=40),
       picks=st.lists(st.integers(0, 45), max_size=60), chunk=st.integers(1, 9), size=st.integers(1, 7),
       encoded=st.booleans())
def test_index_of_chunked_reviews_equals_one_chunk(n, plats, picks, chunk, size, encoded):
    reviews = pd.DataFrame({"platform": pd.array(plats[:n], dtype="string"),
                            "review_id": pd.array([f"r{i}é" if i % 5 == 0 else f"r{i}" for i in range(n)],
                                                  dtype="string")})
    recs = coerce(reviews)[["review_id", "platform"]]
    keys = [(plats[i % 40] if i < n else "google", f"r{i}" if i % 5 else f"r{i}é") for i in picks]
    hits, matches = _long(keys)
    if encoded:
        hits, matches = pipeline._encode(hits), pipeline._encode(matches)
    state = pipeline._decision_state(ReplySettings(), hits, matches, True, (), frozenset())
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    one = pipeline._block_index(recs, state, bounds)
    many = _chunked(recs, chunk)
    if chunk < n:
        assert pa.array(many["review_id"].array).num_chunks > 1
    got = pipeline._block_index(many, state, bounds)
    assert (one is None) == (got is None)
    if one is not None:
        _same(one, got)


def test_probe_built_from_chunks_not_chunked_arrays(monkeypatch):
    n = 30
    recs = _chunked(coerce(pd.DataFrame({"platform": pd.array(["amazon"] * n, dtype="string"),
                                         "review_id": pd.array([f"r{i}" for i in range(n)], dtype="string")})
                           )[["review_id", "platform"]], 7)
    hits, matches = _long([("amazon", f"r{i}") for i in range(0, n, 3)])
    state = pipeline._decision_state(ReplySettings(), hits, matches, True, (), frozenset())
    real = pa.chunked_array
    seen: list[list[type]] = []

    def spy(arrays, *args, **kwargs):
        seen.append([type(a) for a in arrays])
        return real(arrays, *args, **kwargs)

    monkeypatch.setattr(pa, "chunked_array", spy)
    index = pipeline._block_index(recs, state, [(0, 10), (10, 20), (20, 30)])
    assert index is not None and seen
    assert not any(pa.ChunkedArray in types for types in seen)


@pytest.mark.parametrize("arrays, want", [
    ((), []),
    ((pa.array(["a"]),), [1]),
    ((pa.chunked_array([], type=pa.string()), pa.array(["a", "b"])), [2]),
    ((pa.chunked_array([["a"], ["b", "c"], []]), pa.array(["d"]), pa.chunked_array([["e"]])), [1, 2, 0, 1, 1]),
])
def test_chunks_in_order(arrays, want):
    got = pipeline._chunks(*arrays)
    assert [len(c) for c in got] == want
    assert all(isinstance(c, pa.Array) for c in got)
    if got:
        assert pa.chunked_array(got).to_pylist() == [v for a in arrays for v in a.to_pylist()]
