"""The dashboard's store mode reads the results the store holds: a scored store is never re-triaged on open,
and only pending reviews (new or changed since the last scoring) are triaged, with progress (issues 7 and 8)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewtools import pipeline, read_reviews
from reviewtools.store import ReviewStore

AppTest = pytest.importorskip("streamlit.testing.v1", reason="streamlit is not installed").AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "data" / "amazon_fine_food_sample.csv"
TIMEOUT = 120


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return read_reviews(SAMPLE).reviews.head(60).reset_index(drop=True)


def _open_store(monkeypatch, tmp_path: Path, db: Path) -> AppTest:
    # no bundled-sample triage: the default file is missing, then the sidebar switches to the store
    monkeypatch.setenv("REVIEWTOOLS_APP_FILE", str(tmp_path / "no-such-export.csv"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.radio(key="source").set_value("Review store").run()
    at.text_input(key="db_path").set_value(str(db)).run()
    assert not at.exception, at.exception
    return at


def _forbid_triage(monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise AssertionError("the dashboard triaged reviews the store already holds results for")

    monkeypatch.setattr(pipeline, "triage", boom)
    monkeypatch.setattr(pipeline, "run_triage", boom)


def test_scored_store_is_read_not_retriaged(monkeypatch, tmp_path, reviews):
    db = tmp_path / "scored.db"
    with ReviewStore(db) as store:
        store.ingest(reviews)
        store.score_pending()
        stored = store.to_frame(derived=True, include_removed=False)
        hits, matches = store.evidence_frame("hit"), store.evidence_frame("topic")
        open_q = store.open_actions()
    assert len(open_q) and (hits["outcome"] == "hit").any() and len(matches)
    _forbid_triage(monkeypatch)
    at = _open_store(monkeypatch, tmp_path, db)
    ctx = at.session_state["_reviewtools_ctx"]
    assert len(ctx.all_reviews) == len(stored)
    pd.testing.assert_frame_equal(ctx.hits, hits)
    pd.testing.assert_frame_equal(ctx.topic_matches, matches)
    assert ctx.all_reviews["action"].astype("string").tolist() == stored["action"].astype("string").tolist()
    at.switch_page("dashboard/pages/queue.py").run()
    assert not at.exception, at.exception
    headers = [m.value for m in at.markdown if m.value.startswith("**#")]
    assert headers, "the queue shows the stored actions"
    for page in ("overview", "reviews", "topics", "products"):
        at.switch_page(f"dashboard/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)


def test_pending_reviews_are_scored_once_on_open(monkeypatch, tmp_path, reviews):
    db = tmp_path / "pending.db"
    with ReviewStore(db) as store:
        store.ingest(reviews.head(30))
        store.score_pending()
        store.ingest(reviews)  # 30 new reviews, not scored yet
        assert len(store.pending()) == 30
    calls: list[int] = []
    real = pipeline.triage

    def counting(frame, *args, **kwargs):
        calls.append(len(frame))
        return real(frame, *args, **kwargs)

    monkeypatch.setattr(pipeline, "triage", counting)
    at = _open_store(monkeypatch, tmp_path, db)
    assert calls == [30], "only the pending reviews are triaged"
    with ReviewStore(db) as store:
        assert store.pending().empty
    ctx = at.session_state["_reviewtools_ctx"]
    assert len(ctx.all_reviews) == len(reviews) and ctx.all_reviews["action"].notna().all()
    at.run()
    assert calls == [30], "a rerun reads the cache"
