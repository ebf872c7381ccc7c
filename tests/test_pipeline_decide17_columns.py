"""The decision loop reads its rows a column at a time (issue 8, seventeenth session): ``_decide_rows`` takes each
row's values by its place in per-column lists (``_column_lists``, :data:`pipeline.RECORD_BLOCK` rows at once) instead
of a tuple of every value per row (``_row_values``), and the rating/label lists are those same lists where the column's
values already are what the loop reads (``_normal_from``). The rows must be exactly what the tuples gave, whatever
the chunk size; a drafted row's fields and a removal request's record must be the row's own values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_pipeline_quiet import _HIT, _MATCH, _REVIEW, _frames, _state

from reviewtools import pipeline, respond
from reviewtools.respond import ReplySettings


def _decide(recs, state, by_hit, not_run, complaints):
    return pipeline._decide_rows(recs, state, by_hit, not_run, complaints)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews=st.lists(_REVIEW, min_size=1, max_size=25), hit_rows=st.lists(_HIT, max_size=12),
       match_rows=st.lists(_MATCH, max_size=8), thank=st.booleans(), amazon_public=st.booleans(),
       has_sent=st.booleans(), chunk=st.sampled_from([1, 2, 3, 7]), cut=st.integers(0, 25))
def test_rows_equal_whatever_the_chunk(reviews, hit_rows, match_rows, thank, amazon_public, has_sent, chunk, cut):
    frame, hits, matches = _frames(reviews, hit_rows, match_rows)
    reply_settings = ReplySettings(thank_positive=thank, amazon_public_reply=amazon_public)
    recs, state = _state(frame, hits, matches, reply_settings, has_sent, ())
    by_hit, not_run, complaints = state.grouped(None)
    part = recs.iloc[cut:]
    want = _decide(part, state, by_hit, not_run, complaints)  # one chunk (RECORD_BLOCK rows: 20,000)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "RECORD_BLOCK", chunk)
        got = _decide(part, state, by_hit, not_run, complaints)
    assert got == want
    # each row's own values: a fresh draft's fields are the row's _DRAFT_FIELDS, a removal request is written from
    # the row's record (created_at read raw by the loop: respond's _fmt_date formats it alike)
    records = list(pipeline._records(part))
    for rec, row in zip(records, got):
        redo = row[13]
        if redo is not None and redo[1]:
            assert redo[5] == tuple(rec.get(c) for c in pipeline._DRAFT_FIELDS)
        if row[0] == "removal_request":
            key = str(rec.get("platform") or "other") + pipeline._KEY_SEP + str(rec["review_id"])
            g = by_hit.get(key) or by_hit.get(str(rec["review_id"]))
            assert row[3] == respond._removal_draft(rec, g, reply_settings)[0]


def test_removal_and_reply_rows_across_chunks():
    reviews = [{"review_id": f"r{i}", "platform": "google" if i % 2 else "amazon", "rating": 1 + i % 5,
                "sentiment_label": "negative", "sentiment_score": -0.5, "text_language": None, "reply_text": None,
                "replied_at": None, "author": ["Ann Lee", "bob", None][i % 3], "product_title": "Blue Mug"}
               for i in range(9)]
    hit_rows = [("amazon", "r0", "AMZ-PROMO-COMPETITOR", "hit", True, "strong"),
                ("google", "r3", "R-A", "hit", True, "strong")]
    frame, hits, matches = _frames(reviews, hit_rows, [])
    recs, state = _state(frame, hits, matches, ReplySettings(), True, ())
    by_hit, not_run, complaints = state.grouped(None)
    want = _decide(recs, state, by_hit, not_run, complaints)
    assert {r[0] for r in want} >= {"removal_request", "public_reply"}
    for chunk in (1, 2, 4, 8, 9):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(pipeline, "RECORD_BLOCK", chunk)
            assert _decide(recs, state, by_hit, not_run, complaints) == want


_COLUMNS = st.fixed_dictionaries({
    "s": st.lists(st.one_of(st.none(), st.text(max_size=4)), min_size=0, max_size=9),
    "i": st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=0, max_size=9),
    "f": st.lists(st.one_of(st.none(), st.floats(allow_nan=True)), min_size=0, max_size=9),
    "t": st.lists(st.one_of(st.none(), st.integers(0, 2**40)), min_size=0, max_size=9),
})


def _frame_of(cols: dict) -> pd.DataFrame:
    n = min(len(v) for v in cols.values())
    return pd.DataFrame({
        "s": pd.array(cols["s"][:n], dtype="string"),
        "i": pd.array(cols["i"][:n], dtype="Int64"),
        "f": np.array([np.nan if v is None else v for v in cols["f"][:n]], dtype=np.float64),
        "t": pd.to_datetime(pd.Series([None if v is None else v * 10**6 for v in cols["t"][:n]], dtype="float64"),
                            unit="ns", utc=True),
    })


@settings(max_examples=examples(100), deadline=None)
@given(cols=_COLUMNS, raw=st.sampled_from([(), ("t",), ("t", "s", "absent")]))
def test_column_lists_are_the_row_tuples(cols, raw):
    f = _frame_of(cols)
    lists = pipeline._column_lists(f, raw)
    assert len(lists) == len(f.columns) + 1 and lists[-1] == [None] * len(f)
    got = list(zip(*lists)) if len(f) else []
    want = list(pipeline._row_values(f, raw))
    assert [tuple(map(repr, r)) for r in got] == [tuple(map(repr, r)) for r in want]


@settings(max_examples=examples(100), deadline=None)
@given(cols=_COLUMNS)
def test_normal_from_is_normal_values(cols):
    f = _frame_of(cols)
    series = [f["s"], f["i"], f["f"], f["i"].astype("Float64"), f["s"].astype(object), f["s"].astype("string[python]"),
              f["i"].fillna(0).astype("int64"), f["f"].astype(object)]
    for s in series:
        for conv in (int, str, float):
            try:
                want = pipeline._normal_values(s, conv)
            except Exception as exc:  # noqa: BLE001 - the same error either way
                with pytest.raises(type(exc)):
                    pipeline._normal_from(s, pipeline._column_values(s), conv)
                continue
            got = pipeline._normal_from(s, pipeline._column_values(s), conv)
            assert list(map(repr, got)) == list(map(repr, want))
            assert [type(v) for v in got] == [type(v) for v in want]
