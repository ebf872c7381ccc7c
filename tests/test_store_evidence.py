"""ReviewStore.evidence_frame: the stored hits and topic matches read back as triage returned them (issue 8)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewtools import coerce, read_reviews
from reviewtools.errors import StoreError
from reviewtools.pipeline import run_triage
from reviewtools.rules import HIT_COLUMNS
from reviewtools.store import ReviewStore
from reviewtools.topics import MATCH_COLUMNS

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "amazon_fine_food_sample.csv"


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    # 80 sample reviews hold guideline hits, not-run checks and complaint-topic matches (asserted below)
    return read_reviews(SAMPLE).reviews.head(80).reset_index(drop=True)


@pytest.fixture(scope="module")
def scored_store(tmp_path_factory, reviews) -> Path:
    db = tmp_path_factory.mktemp("ev") / "r.db"
    with ReviewStore(db) as store:
        store.ingest(reviews)
        store.score_pending()
    return db


def _sorted(f: pd.DataFrame) -> pd.DataFrame:
    return f.sort_values(list(f.columns), kind="stable", na_position="last").reset_index(drop=True)


@pytest.mark.parametrize("kind", ["hit", "topic"])
def test_read_back_equals_run_triage(scored_store, reviews, kind):
    tri = run_triage(reviews)
    expected = tri.hits if kind == "hit" else tri.topic_matches
    assert len(expected), "the fixture must hold evidence of this kind"
    with ReviewStore(scored_store) as store:
        got = store.evidence_frame(kind)
    cols = list(HIT_COLUMNS) if kind == "hit" else list(MATCH_COLUMNS)
    assert list(got.columns) == cols
    assert got.dtypes.astype(str).tolist() == expected[cols].dtypes.astype(str).tolist()
    pd.testing.assert_frame_equal(_sorted(got), _sorted(expected[cols]))
    if kind == "hit":
        assert set(got["outcome"]) == {"hit", "not_run"}, "not-run checks are read back, not dropped"


def test_forced_rescore_does_not_duplicate(scored_store):
    with ReviewStore(scored_store) as store:
        before = store.evidence_frame("hit")
        store.score_pending(force=True)
        after = store.evidence_frame("hit")
    pd.testing.assert_frame_equal(_sorted(before), _sorted(after))


def test_edited_review_shows_only_its_current_evidence(tmp_path):
    db = tmp_path / "r.db"
    f = pd.DataFrame({"review_id": ["a", "b"], "platform": ["amazon", "amazon"], "product_id": ["P", "P"],
                      "rating": [1, 5], "title": ["", ""],
                      "text": ["Arrived cracked and leaking.", "Lovely."],
                      "created_at": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)})
    with ReviewStore(db) as store:
        store.ingest(f)
        store.score_pending()
        first = store.evidence_frame("topic")
        assert "a" in set(first["review_id"])
        edited = f.copy()
        edited.loc[0, "text"] = "Fine product."
        store.ingest(edited)
        assert "a" not in set(store.evidence_frame("topic")["review_id"]), "old text's evidence must not show"
        store.score_pending()
        assert "a" not in set(store.evidence_frame("topic")["review_id"])


def test_empty_store_and_bad_kind(tmp_path):
    with ReviewStore(tmp_path / "r.db") as store:
        empty = store.evidence_frame("hit")
        assert empty.empty and list(empty.columns) == list(HIT_COLUMNS)
        with pytest.raises(StoreError, match="unknown evidence kind 'hits'"):
            store.evidence_frame("hits")


def test_change_stamp_moves_with_each_kind_of_write(tmp_path, reviews):
    with ReviewStore(tmp_path / "r.db") as store:
        s0 = store.change_stamp()
        store.ingest(reviews.head(10))
        s1 = store.change_stamp()
        assert s1["ingests"] == s0["ingests"] + 1 and s1["results"] == s0["results"]
        store.score_pending()
        s2 = store.change_stamp()
        assert s2["results"] > s1["results"] and s2["actions"] > s1["actions"]
        rid, plat = store.workflow_frame().loc[0, ["review_id", "platform"]]
        store.set_status(rid, "drafted", platform=plat)
        s3 = store.change_stamp()
        assert s3["history"] > s2["history"] and {k: v for k, v in s3.items() if k != "history"} == {
            k: v for k, v in s2.items() if k != "history"}
        assert store.change_stamp() == s3, "reading changes nothing"


def test_workflow_frame_matches_open_actions(scored_store):
    with ReviewStore(scored_store) as store:
        wf = store.workflow_frame()
        q = store.open_actions(status=list(store.workflow.statuses), include_none=True)
    assert len(wf) == len(q)
    cols = ["platform", "review_id", "status"]
    assert sorted(map(tuple, wf[cols].to_numpy().tolist())) == sorted(map(tuple, q[cols].to_numpy().tolist()))
    assert wf["edited_draft"].isna().all()


def test_same_review_id_on_two_platforms_keeps_its_own_evidence(tmp_path):
    """Review ids are unique within a platform only; stored evidence must not leak across platforms."""
    base = {"rating": 1, "created_at": "2024-03-01", "product_id": "P1", "title": None}
    frame = coerce(pd.DataFrame([
        {**base, "review_id": "R1", "platform": "amazon",
         "text": "Call me at 212-555-0147 about this blender, it broke after two days."},
        {**base, "review_id": "R1", "platform": "google",
         "text": "The staff were friendly and the room was clean, but breakfast was cold."},
    ]))
    expected = run_triage(frame).hits
    expected = expected[expected["outcome"] == "hit"]
    assert set(expected["platform"]) == {"amazon"}, "the fixture's only hits are on the Amazon review"
    with ReviewStore(tmp_path / "r.db") as store:
        store.ingest(frame)
        store.score_pending()
        got = store.evidence_frame("hit")
    got = got[got["outcome"] == "hit"]
    assert len(got) == len(expected)
    assert set(got["platform"]) == {"amazon"}
