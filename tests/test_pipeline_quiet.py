"""Decisions without the per-row loop for quiet rows (issue 8).

``_decide_block`` writes the rows it decides ``none`` with no draft (no guideline hit, no complaint, rated 3 or
more, no thank-you) without the per-row loop (``_decide_quiet``); every tuple must equal the loop's
(``quick=False``), whatever the ratings, labels, scores, platforms, replies, hits, complaints, not-run checks,
settings and stages; forked blocks with quiet rows equal the serial loop.
"""

from __future__ import annotations

import multiprocessing

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline, respond
from reviewtools.respond import ReplySettings
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-06-01", tz="UTC")

_REVIEW = st.fixed_dictionaries({
    "review_id": st.sampled_from(["r1", "r2", "r3", "r4", "x\x1fy", "", "r5"]),
    "platform": st.sampled_from(["amazon", "google", "yelp", "trustpilot", None, ""]),
    "rating": st.sampled_from([None, 1, 2, 3, 3, 4, 5, 5]),
    "sentiment_label": st.sampled_from(["positive", "negative", "neutral", "unknown", None, ""]),
    "sentiment_score": st.one_of(st.none(), st.just(-0.0), st.just(0.0), st.just(float("nan")),
                                 st.floats(-1, 1, allow_nan=False)),
    "text_language": st.sampled_from([None, "de", "fr"]),
    "reply_text": st.sampled_from([None, "", "  ", "Thanks, we replied."]),
    "replied_at": st.sampled_from([None, DAY]),
    "author": st.sampled_from([None, "Ann Lee", "bob"]),
    "product_title": st.sampled_from([None, "Blue Mug"]),
})

_HIT = st.tuples(st.sampled_from(["amazon", "google", None]), st.sampled_from(["r1", "r2", "r3", "x\x1fy", ""]),
                 st.sampled_from(["R-A", "R-B", "AMZ-PROMO-COMPETITOR"]), st.sampled_from(["hit", "not_run"]),
                 st.booleans(), st.sampled_from(["strong", "weak"]))

_MATCH = st.tuples(st.sampled_from(["amazon", "google", "yelp", None]), st.sampled_from(["r1", "r2", "r4", ""]),
                   st.booleans(), st.booleans())


def _frames(reviews: list[dict], hit_rows: list[tuple], match_rows: list[tuple]
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(reviews)
    frame["review_id"] = [f"{r}{i % 3}" if r.startswith("r") and i % 2 else r for i, r in enumerate(frame["review_id"])]
    frame["created_at"] = DAY
    frame["text"] = "Fine."
    frame = coerce(frame.drop(columns=["sentiment_label", "sentiment_score", "text_language"])).assign(
        sentiment_label=pd.array(frame["sentiment_label"], dtype="string"),
        sentiment_score=pd.array(frame["sentiment_score"], dtype="Float64"),
        text_language=pd.array(frame["text_language"], dtype="string"))
    hits = pd.DataFrame(hit_rows, columns=["platform", "review_id", "rule_id", "outcome", "removal_basis",
                                           "strength"]).astype(
        {"platform": "string", "review_id": "string", "rule_id": "string", "outcome": "string",
         "removal_basis": "boolean", "strength": "string"})
    hits["clause"], hits["evidence"], hits["category"] = "§1", "ev  idence", "promo"
    matches = pd.DataFrame(match_rows, columns=["platform", "review_id", "complaint", "negated"]).astype(
        {"platform": "string", "review_id": "string"})
    matches["topic"], matches["evidence"] = "shipping_delivery", "never came"
    return frame, hits, matches


def _state(frame, hits, matches, reply_settings, has_sent, stages):
    out = coerce(frame)
    recs = out[[c for c in pipeline.DECISION_COLUMNS if c in out.columns]]
    existing = frozenset(respond._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    return recs, pipeline._decision_state(reply_settings, hits, matches, has_sent, stages, existing)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews=st.lists(_REVIEW, min_size=1, max_size=25), hit_rows=st.lists(_HIT, max_size=12),
       match_rows=st.lists(_MATCH, max_size=8), thank=st.booleans(), amazon_public=st.booleans(),
       has_sent=st.booleans(), stages=st.sampled_from([(), ("sentiment",), ("topics", "rules")]),
       cut=st.integers(0, 25))
def test_quiet_rows_equal_the_loop(reviews, hit_rows, match_rows, thank, amazon_public, has_sent, stages, cut):
    frame, hits, matches = _frames(reviews, hit_rows, match_rows)
    reply_settings = ReplySettings(thank_positive=thank, amazon_public_reply=amazon_public)
    recs, state = _state(frame, hits, matches, reply_settings, has_sent, stages)
    assert pipeline._decide_block(recs, state) == pipeline._decide_block(recs, state, quick=False)
    part = recs.iloc[cut:]  # a block of the rows, grouped by its keys
    assert (pipeline._decide_block(part, state, whole=False)
            == pipeline._decide_block(part, state, whole=False, quick=False))


def test_quiet_rows_are_taken_and_the_others_keep_their_order():
    reviews = [
        {"review_id": "q1", "platform": "amazon", "rating": 5, "sentiment_label": "positive", "sentiment_score": 0.9},
        {"review_id": "d1", "platform": "google", "rating": 1, "sentiment_label": "negative", "sentiment_score": -0.5},
        {"review_id": "q2", "platform": "amazon", "rating": 4, "sentiment_label": "negative", "sentiment_score": -0.0},
        {"review_id": "d2", "platform": "google", "rating": 2, "sentiment_label": "negative", "sentiment_score": -0.4},
        {"review_id": "q3", "platform": "amazon", "rating": 3, "sentiment_label": None, "sentiment_score": None},
    ]
    frame, hits, matches = _frames([{**r, "text_language": None, "reply_text": None, "replied_at": None,
                                     "author": None, "product_title": None} for r in reviews], [], [])
    recs, state = _state(frame, hits, matches, ReplySettings(), True, ())
    seen = []
    real = pipeline._decide_rows

    def spy(recs, *a):
        seen.append(list(recs["review_id"]))
        return real(recs, *a)

    pipeline._decide_rows = spy
    try:
        got = pipeline._decide_block(recs, state)
    finally:
        pipeline._decide_rows = real
    assert seen == [["d1", "d2"]]
    assert got == pipeline._decide_block(recs, state, quick=False)
    assert got[2][1] == ("Rated 4★ with negative sentiment (-0.00)." + pipeline._NO_THANKS_MESSAGE)
    assert got[4][1].startswith("Rated 3★ with sentiment not scored.")


def _page(n: int) -> pd.DataFrame:
    rows = [{"review_id": f"r{i}", "platform": "yelp" if i % 17 == 5 else "google", "product_id": "P1",
             "rating": 5 if i % 6 == 3 else 1, "text": "Bad.", "author": "Ann Lee" if i % 13 == 0 else None,
             "created_at": DAY} for i in range(n)]
    return coerce(pd.DataFrame(rows))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="forked decision blocks need fork")
def test_forked_blocks_with_quiet_rows_equal_serial(monkeypatch):
    rng = np.random.default_rng(8)
    n = 300
    frame = _page(n)
    frame["platform"] = pd.array(rng.choice(["amazon", "google", "yelp"], n), dtype="string")
    frame["rating"] = pd.array(rng.choice([1, 2, 3, 4, 5, 5], n), dtype="Int64")
    frame["sentiment_label"] = pd.array(rng.choice(["positive", "negative", "neutral"], n), dtype="string")
    frame["sentiment_score"] = pd.array(rng.uniform(-1, 1, n).round(4), dtype="Float64")
    serial = pipeline.recommend(frame, None, None, ReplySettings(), processes=1)
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    monkeypatch.setattr(pipeline, "DECISION_MAX_BLOCK", 13)
    forked = pipeline.recommend(frame, None, None, ReplySettings(), processes=2)
    pd.testing.assert_frame_equal(forked, serial, check_exact=True)
    assert (serial["action"] == "none").sum() > n // 10


# ------------------------------------------------------------------------ pool tasks without the cyclic collector

def test_no_collection_pauses_the_collector_and_restores_it(monkeypatch):
    import gc

    assert gc.isenabled()
    with pipeline._no_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with pipeline._no_collection():
            raise ValueError("x")
    assert gc.isenabled()
    gc.disable()  # off by the caller's choice: left off
    try:
        with pipeline._no_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    monkeypatch.setattr(pipeline, "TASKS_WITHOUT_COLLECTION", False)
    with pipeline._no_collection():
        assert gc.isenabled()


def test_a_decision_task_runs_without_the_collector(monkeypatch):
    import gc

    seen = []
    real = pipeline._decide_block

    def spy(*a, **k):
        seen.append(gc.isenabled())
        return real(*a, **k)

    frame = _page(40)
    out = coerce(frame)
    recs = out[[c for c in pipeline.DECISION_COLUMNS if c in out.columns]]
    state = pipeline._decision_state(ReplySettings(), None, None, False, (), frozenset())
    monkeypatch.setattr(pipeline, "_decide_block", spy)
    monkeypatch.setitem(pipeline._FORKED, "decisions", (recs, state, pipeline._priority_inputs(out, None)))
    packed = pipeline._decide_task((0, 40))
    assert seen == [False] and gc.isenabled() and packed.n == 40


# ------------------------------------------------------------------------ the per-review workers' pages

_SEEN_LOG: list = []  # the file the spy task below writes to (set before the workers fork)


def _spy_partition_task(part):
    """``pipeline._partition_task`` that first notes, from the worker, its pid, whether objects are frozen and
    the huge-page setting."""
    import gc
    import os

    from reviewtools import ingest

    prctl = ingest._prctl()
    thp = -1 if prctl is None else prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0)
    with _SEEN_LOG[0].open("a") as fh:
        fh.write(f"{os.getpid()} {int(gc.get_freeze_count() > 0)} {thp}\n")
    return _REAL_TASK(part)


_REAL_TASK = pipeline._partition_task


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="forked workers need fork")
def test_stages_freeze_and_huge_pages_are_restored_after_the_workers(monkeypatch, tmp_path):
    """The parent's objects are frozen and huge pages off only while the per-review workers run; the workers see
    both (inherited), the parent gets its settings back, and the result is the serial one."""
    import gc
    import os

    from reviewtools import ingest

    frame = _page(60)
    serial = pipeline.run_triage(frame, processes=1)
    monkeypatch.setattr(pipeline, "_partition_task", _spy_partition_task)
    monkeypatch.setattr(pipeline, "POOL_START_METHOD", "fork")
    monkeypatch.setitem(globals(), "_SEEN_LOG", [tmp_path / "seen.txt"])
    forked = pipeline.run_triage(frame, processes=2)
    pd.testing.assert_frame_equal(forked.reviews, serial.reviews, check_exact=True)
    seen = [line.split() for line in (tmp_path / "seen.txt").read_text().splitlines()]
    assert seen and all(pid != str(os.getpid()) and frozen == "1" and thp in ("-1", "1") for pid, frozen, thp in seen)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    prctl = ingest._prctl()
    assert prctl is None or prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0) == 0

