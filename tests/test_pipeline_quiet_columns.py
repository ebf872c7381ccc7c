"""The decision workers' quiet rows as Arrow columns (``pipeline._quiet_packed``, issue 8).

``_decide_block(..., packed=True)`` must give exactly ``_pack(_decide_block(...))`` (the tuple way, itself
tested against the per-row loop in ``test_pipeline_quiet.py``): every column's values and dtype, the redo rows
(their positions in the block), the row count, whatever the ratings, labels, scores (-0.0, NaN, missing),
platforms, hits, complaints, not-run checks, settings, stages and chunking; frames that are not canonical take
the tuple way.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_pipeline_quiet import _HIT, _MATCH, _REVIEW, _frames, _state

from reviewtools import pipeline
from reviewtools.respond import ReplySettings


def _same(got: pipeline._PackedBlock, want: pipeline._PackedBlock) -> None:
    assert got.n == want.n and got.redo == want.redo and got.shared is None
    assert list(got.columns) == list(want.columns)
    for c, w in want.columns.items():
        g = got.columns[c]
        assert g.dtype == w.dtype, c
        pd.testing.assert_extension_array_equal(g, w)
        assert pa.array(g).type == pa.array(w).type, c


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews=st.lists(_REVIEW, min_size=1, max_size=25), hit_rows=st.lists(_HIT, max_size=12),
       match_rows=st.lists(_MATCH, max_size=8), thank=st.booleans(), amazon_public=st.booleans(),
       has_sent=st.booleans(), stages=st.sampled_from([(), ("sentiment",), ("topics", "rules")]),
       cut=st.integers(0, 25), score_dtype=st.sampled_from(["Float64", "float64"]), chunks=st.integers(1, 4))
def test_quiet_columns_equal_the_tuples(reviews, hit_rows, match_rows, thank, amazon_public, has_sent, stages, cut,
                                        score_dtype, chunks):
    frame, hits, matches = _frames(reviews, hit_rows, match_rows)
    frame["sentiment_score"] = frame["sentiment_score"].astype(score_dtype)
    if chunks > 1:  # Arrow columns of several chunks, as run_triage's frames come back from its partitions
        size = -(-len(frame) // chunks)
        frame = pd.concat([frame.iloc[i : i + size] for i in range(0, len(frame), size)], ignore_index=True)
    reply_settings = ReplySettings(thank_positive=thank, amazon_public_reply=amazon_public)
    recs, state = _state(frame, hits, matches, reply_settings, has_sent, stages)
    _same(pipeline._decide_block(recs, state, packed=True), pipeline._pack(pipeline._decide_block(recs, state)))
    part = recs.iloc[cut:]  # a block of the rows, grouped by its keys
    _same(pipeline._decide_block(part, state, whole=False, packed=True),
          pipeline._pack(pipeline._decide_block(part, state, whole=False)))


def test_quiet_columns_with_the_block_index():
    rng = np.random.default_rng(8)
    reviews = [{"review_id": f"r{i}", "platform": ["amazon", "google", "yelp", None][i % 4],
                "rating": [None, 1, 3, 4, 5, 5][i % 6], "sentiment_label": ["positive", "negative", None, ""][i % 4],
                "sentiment_score": [0.5, -0.0, 0.0, float("nan"), None][i % 5], "text_language": None,
                "reply_text": None, "replied_at": None, "author": None, "product_title": None} for i in range(60)]
    hit_rows = [(p, f"r{i}", "R-A", ["hit", "not_run"][i % 2], bool(i % 3), "strong")
                for i, p in zip(rng.integers(0, 60, 30), ["amazon", "google", "yelp"] * 10)]
    frame, hits, matches = _frames(reviews, hit_rows, [("google", "r2", True, False)])
    frame["review_id"] = pd.array([f"r{i}" for i in range(60)], dtype="string")
    recs, state = _state(frame, hits, matches, ReplySettings(), True, ())
    bounds = [(i, min(60, i + 13)) for i in range(0, 60, 13)]
    index = pipeline._block_index(recs, state, bounds)
    assert index is not None
    state = dataclasses.replace(state, blocks=index)
    for a, b in bounds:
        block = recs.iloc[a:b]
        _same(pipeline._decide_block(block, state, whole=False, start=a, packed=True),
              pipeline._pack(pipeline._decide_block(block, state, whole=False, start=a)))


@pytest.mark.parametrize("change", ["object ids", "float ratings", "missing id", "off"])
def test_other_frames_take_the_tuple_way(monkeypatch, change):
    reviews = [{"review_id": f"r{i}", "platform": "amazon", "rating": 5, "sentiment_label": "positive",
                "sentiment_score": 0.5, "text_language": None, "reply_text": None, "replied_at": None,
                "author": None, "product_title": None} for i in range(6)]
    frame, hits, matches = _frames(reviews, [], [])
    recs, state = _state(frame, hits, matches, ReplySettings(), True, ())
    if change == "object ids":
        recs = recs.assign(review_id=recs["review_id"].astype(object))
    elif change == "float ratings":
        recs = recs.assign(rating=recs["rating"].astype("float64"))
    elif change == "missing id":
        recs = recs.assign(review_id=pd.array([None, *recs["review_id"][1:]], dtype="string"))
    else:
        monkeypatch.setattr(pipeline, "QUIET_COLUMNS", False)
    calls = []
    real = pipeline._decide_quiet

    def spy(*a):
        calls.append(1)
        return real(*a)

    monkeypatch.setattr(pipeline, "_decide_quiet", spy)
    got = pipeline._decide_block(recs, state, packed=True)
    assert calls == [1]
    _same(got, pipeline._pack(real(recs, state, *pipeline._block_groups(recs, state, True, None))))


def test_quiet_reasons_as_the_loop_writes_them():
    reviews = [
        {"review_id": "q1", "platform": "amazon", "rating": 5, "sentiment_label": "positive", "sentiment_score": 0.9},
        {"review_id": "d1", "platform": "google", "rating": 1, "sentiment_label": "negative", "sentiment_score": -0.5},
        {"review_id": "q2", "platform": "amazon", "rating": 4, "sentiment_label": "negative", "sentiment_score": -0.0},
        {"review_id": "q3", "platform": "amazon", "rating": 3, "sentiment_label": None, "sentiment_score": None},
        {"review_id": "q4", "platform": "amazon", "rating": 4, "sentiment_label": "neutral", "sentiment_score": None},
    ]
    frame, hits, matches = _frames([{**r, "text_language": None, "reply_text": None, "replied_at": None,
                                     "author": None, "product_title": None} for r in reviews], [], [])
    recs, state = _state(frame, hits, matches, ReplySettings(), True, ())
    got = pipeline._decide_block(recs, state, packed=True)
    reasons = list(got.columns["action_reason"])
    assert reasons[0] == "Rated 5★ with positive sentiment (+0.90)." + pipeline._NO_THANKS_MESSAGE
    assert reasons[2] == "Rated 4★ with negative sentiment (-0.00)." + pipeline._NO_THANKS_MESSAGE
    assert reasons[3] == "Rated 3★ with sentiment not scored." + pipeline._NO_THANKS_MESSAGE
    assert reasons[4] == "Rated 4★ with neutral sentiment." + pipeline._NO_THANKS_MESSAGE
    assert list(got.columns["action"])[:3] == ["none", got.columns["action"][1], "none"]
    assert got.columns["action"][1] != "none"
