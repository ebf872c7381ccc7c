"""``_block_index``'s look-up of the long rows' keys among the reviews' keys, cut into buckets of the keys' last
bytes (:func:`reviewtools.pipeline._index_in_buckets`), gives what one ``pc.index_in`` over all of them gives
(decide, sixteenth session)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.schema import coerce

_VALUES = st.one_of(st.none(), st.text(alphabet="ab\x1fé☃", max_size=4))


def _reference(probe: pa.ChunkedArray, n: int) -> np.ndarray:
    return pc.index_in(probe, value_set=probe.slice(0, n)).to_numpy(zero_copy_only=False)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(_VALUES, max_size=60), st.data())
def test_index_in_buckets_matches_index_in(values, data):
    n = data.draw(st.integers(0, len(values)))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(values)), max_size=4)))
    large = data.draw(st.booleans())
    typ = pa.large_string() if large else pa.string()
    bounds = [0, *cuts, len(values)]
    probe = pa.chunked_array([pa.array(values[a:b], type=typ) for a, b in zip(bounds, bounds[1:])], type=typ)
    if data.draw(st.booleans()) and len(values) > 1:  # chunks that are slices (an offset into their buffers)
        probe = pa.chunked_array([pa.array(["zz", *values[:1]], type=typ).slice(1),
                                  pa.array([*values[1:], "zz"], type=typ).slice(0, len(values) - 1)], type=typ)
    want = _reference(probe, n)
    for keys in (1, 2, 10**9):  # many buckets, a few, none
        pipeline.INDEX_BUCKET_KEYS, old = keys, pipeline.INDEX_BUCKET_KEYS
        try:
            got = pipeline._index_in_buckets(probe, n)
        finally:
            pipeline.INDEX_BUCKET_KEYS = old
        assert np.array_equal(got, want, equal_nan=True)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.text(alphabet="xyz\x1f", max_size=5), min_size=1, max_size=30), st.integers(1, 8))
def test_tail_buckets_of_equal_strings_are_equal(values, bits):
    probe = pa.chunked_array([pa.array(values), pa.array(list(reversed(values)), type=pa.large_string())
                              .cast(pa.string())])
    b = pipeline._tail_buckets(probe, bits)
    assert b.dtype == np.uint16 and (b < 2**bits).all()
    assert b[: len(values)].tolist() == list(reversed(b[len(values):].tolist()))


def test_block_index_same_with_buckets(monkeypatch):
    n = 120
    frame = coerce(pd.DataFrame({"review_id": [f"r{i}" for i in range(n)], "platform": ["amazon", "google"] * (n // 2),
                                 "text": ["It broke after two days, refund please."] * n}))
    scored, matches, hits = pipeline.triage_partition(frame)[:3]
    recs = scored[[c for c in pipeline.DECISION_COLUMNS if c in scored.columns]]
    state = pipeline._decision_state(pipeline.ReplySettings(), pipeline._encode(hits), pipeline._encode(matches),
                                     True, (), frozenset())
    bounds = [(i, min(n, i + 13)) for i in range(0, n, 13)]
    monkeypatch.setattr(pipeline, "INDEX_BUCKET_KEYS", 10**9)
    plain = pipeline._block_index(recs, state, bounds)
    monkeypatch.setattr(pipeline, "INDEX_BUCKET_KEYS", 4)
    got = pipeline._block_index(recs, state, bounds)
    assert plain is not None and got is not None and got.block_of == plain.block_of
    assert sum(len(o) for o, _ in got.kinds) > n // 2
    for (a, sa), (b, sb) in zip(plain.kinds, got.kinds, strict=True):
        assert np.array_equal(a, b) and a.dtype == b.dtype and np.array_equal(sa, sb)
    for a, b in zip(plain.owners, got.owners, strict=True):
        assert np.array_equal(a, b) and a.dtype == b.dtype
