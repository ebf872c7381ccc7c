"""The store's columnar snapshot (reviewtools.snapshot): what the dashboard reads, as Parquet beside the store.

It must equal what SQLite gives (values and dtypes), never be stale, and never turn a bad file into an error."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from reviewtools import read_reviews, snapshot, views
from reviewtools.errors import StoreError
from reviewtools.snapshot import MANIFEST_NAME, snapshot_dir
from reviewtools.store import ReviewStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "amazon_fine_food_sample.csv"
WF = ["platform", "review_id", "status", "assignee", "edited_draft"]


def _replace(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` as a new file (a reader may have mapped the old one: it is never changed in place,
    see snapshot._read_frame)."""
    tmp = path.with_name(path.name + ".new")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return read_reviews(SAMPLE).reviews.head(70).reset_index(drop=True)


@pytest.fixture(scope="module")
def scored_db(tmp_path_factory, sample) -> Path:
    """A store with 60 reviews scored by the real triage (so the result dtypes are the real ones)."""
    db = tmp_path_factory.mktemp("base") / "base.db"
    with ReviewStore(db) as store:
        store.ingest(sample.head(60), source="first.csv")
        store.score_pending()
    return db


@pytest.fixture()
def db(tmp_path, scored_db) -> Path:
    out = tmp_path / "reviews.db"
    shutil.copy(scored_db, out)
    return out


def _expected(store: ReviewStore) -> dict[str, pd.DataFrame]:
    """What the dashboard read from SQLite before snapshots: to_frame(derived=True) (object columns made
    nullable, the workflow attached by views.attach_workflow) and the evidence frames."""
    frame = store.to_frame(derived=True, include_removed=False)
    objects = [c for c in frame.columns if frame[c].dtype == object]
    frame = frame.assign(**{c: frame[c].convert_dtypes() for c in objects})
    dash = views.attach_workflow(frame.drop(columns=["notes"]), store.workflow_frame()[WF])
    return {"dashboard": dash, "hits": store.evidence_frame("hit"), "topic_matches": store.evidence_frame("topic")}


def _check_equal(snap: snapshot.StoreSnapshot, store: ReviewStore) -> None:
    want = _expected(store)
    pd.testing.assert_frame_equal(snapshot.dashboard_frame(snap, store), want["dashboard"])
    pd.testing.assert_frame_equal(snap.hits, want["hits"])
    pd.testing.assert_frame_equal(snap.topic_matches, want["topic_matches"])


def test_round_trip_equals_the_store(db):
    with ReviewStore(db) as store:
        built = snapshot.load_snapshot(store)
        assert built.source == "store" and (snapshot_dir(db) / MANIFEST_NAME).is_file()
        read = snapshot.load_snapshot(store)
        assert read.source == "snapshot"
        for name in ("reviews", "hits", "topic_matches", "workflow"):
            pd.testing.assert_frame_equal(getattr(read, name), getattr(built, name))
        _check_equal(read, store)
        assert (read.hits["outcome"] == "hit").any() and len(read.topic_matches), "the fixture has evidence"
        assert read.counts == store.counts() and read.pending == 0 == snapshot.pending_count(store)
        assert "status" not in read.reviews.columns, "the workflow is not trusted from the files"


def test_stale_snapshot_is_rebuilt_after_an_ingest_and_a_scoring_run(db, sample):
    with ReviewStore(db) as store:
        snapshot.load_snapshot(store)
        store.ingest(sample, source="second.csv")  # 10 new reviews, not scored yet
        assert snapshot.pending_count(store) == 10 == len(store.pending())
        after_ingest = snapshot.load_snapshot(store)
        assert after_ingest.source == "store" and len(after_ingest.reviews) == 70
        assert after_ingest.reviews["action"].isna().sum() == 10
        _check_equal(after_ingest, store)
        store.score_pending()
        after_scoring = snapshot.load_snapshot(store)
        assert after_scoring.source == "store" and after_scoring.reviews["action"].notna().all()
        _check_equal(after_scoring, store)
        assert snapshot.load_snapshot(store).source == "snapshot"


def test_a_recreated_store_with_the_same_counts_is_not_taken_for_the_old_one(tmp_path, sample):
    db = tmp_path / "r.db"
    keys = []
    for rows in (sample.head(5), sample.iloc[5:10]):
        with ReviewStore(db) as store:
            store.ingest(rows, source="x.csv")
            keys.append(snapshot.data_key(store))
            snap = snapshot.load_snapshot(store)
            assert snap.source == "store"
            assert snap.reviews["review_id"].tolist() == rows["review_id"].astype(str).tolist()
        for p in tmp_path.glob("r.db*"):
            if p.is_file():
                p.unlink()
    assert keys[0] != keys[1]


def test_status_changes_are_patched_in_without_a_rebuild(db):
    with ReviewStore(db) as store:
        snap = snapshot.load_snapshot(store)
        ids = snap.reviews["review_id"].tolist()
        store.set_status(ids[0], "drafted", who="ann")
        store.assign(ids[1], "bob", who="ann")
        store.edit_draft(ids[2], "Thank you, we are on it.", who="ann")
        again = snapshot.load_snapshot(store)
        assert again.source == "snapshot", "a status change does not invalidate the snapshot"
        _check_equal(again, store)
        dash = snapshot.dashboard_frame(again, store)
        row = dash.set_index("review_id")
        assert row.loc[ids[0], "status"] == "drafted" and row.loc[ids[1], "assignee"] == "bob"
        assert row.loc[ids[2], "draft"] == "Thank you, we are on it." != row.loc[ids[2], "generated_draft"]
        assert snap.workflow["status"].tolist() == again.workflow["status"].tolist(), "the input is untouched"


@pytest.mark.parametrize("damage", ["garbage file", "missing file", "bad manifest", "manifest names no folder",
                                    "short workflow"])
def test_corrupt_or_missing_snapshot_is_rebuilt_with_a_log_message(db, damage, caplog):
    with ReviewStore(db) as store:
        snapshot.load_snapshot(store)
        root = snapshot_dir(db)
        manifest = snapshot.read_manifest(db)
        folder = root / manifest["dir"]
        if damage == "garbage file":
            _replace(folder / "reviews.arrow", b"not an Arrow file at all")
        elif damage == "missing file":
            (folder / "hits.arrow").unlink()
        elif damage == "bad manifest":
            (root / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
        elif damage == "manifest names no folder":
            shutil.rmtree(folder)
        else:
            (folder / "workflow.arrow").unlink()
            snapshot._write_frame(pd.DataFrame({c: pd.Series(["new"], dtype="string")
                                                for c in snapshot.WORKFLOW_COLUMNS}), folder / "workflow.arrow")
        with caplog.at_level(logging.WARNING, logger="reviewtools.snapshot"):
            snap = snapshot.load_snapshot(store)
        assert snap.source == "store"
        assert any("rebuil" in r.getMessage() for r in caplog.records), caplog.text
        _check_equal(snap, store)
        assert snapshot.load_snapshot(store).source == "snapshot", "the rebuilt snapshot was written"


def test_unwritable_snapshot_folder_is_logged_not_raised(db, caplog):
    snapshot_dir(db).write_text("a file where the folder should be", encoding="utf-8")
    with ReviewStore(db) as store, caplog.at_level(logging.WARNING, logger="reviewtools.snapshot"):
        first = snapshot.load_snapshot(store)
        second = snapshot.load_snapshot(store)
        assert first.source == second.source == "store"
        _check_equal(second, store)
    assert "could not write" in caplog.text


def test_a_store_changed_while_read_is_not_written(db, sample, monkeypatch):
    real = snapshot.dashboard_reviews

    def ingest_meanwhile(store):
        frame = real(store)
        store.ingest(sample.iloc[60:62], source="meanwhile.csv")
        return frame

    monkeypatch.setattr(snapshot, "dashboard_reviews", ingest_meanwhile)
    with ReviewStore(db) as store:
        snap = snapshot.load_snapshot(store)
        assert snap.key == "" and snapshot.read_manifest(db) is None
        monkeypatch.setattr(snapshot, "dashboard_reviews", real)
        fresh = snapshot.load_snapshot(store)
        assert len(fresh.reviews) == 62 and fresh.source == "store"


def test_refresh_writes_once_and_keeps_a_current_snapshot(db):
    with ReviewStore(db) as store:
        assert snapshot.refresh_snapshot(store) == snapshot_dir(db)
        first = snapshot.read_manifest(db)["dir"]
        assert snapshot.refresh_snapshot(store) == snapshot_dir(db)
        assert snapshot.read_manifest(db)["dir"] == first, "a current snapshot is not rewritten"
        assert [p.name for p in snapshot_dir(db).iterdir() if p.is_dir()] == [first]


def test_with_workflow_matches_attach_workflow_without_a_draft_column():
    reviews = pd.DataFrame({"platform": ["amazon", "google"], "review_id": ["a", "a"], "rating": [1, 5]})
    wf = pd.DataFrame({"platform": ["google"], "review_id": ["a"], "status": ["sent"], "assignee": [None],
                       "edited_draft": [None]}).astype("string")
    aligned = snapshot._aligned_workflow(reviews, wf)
    pd.testing.assert_frame_equal(snapshot.with_workflow(reviews, aligned), views.attach_workflow(reviews, wf))
    with pytest.raises(StoreError, match="row-aligned"):
        snapshot.with_workflow(reviews, aligned.head(1))


def test_app_store_mode_reads_the_snapshot_and_survives_a_corrupt_one(db, tmp_path, monkeypatch):
    AppTest = pytest.importorskip("streamlit.testing.v1", reason="streamlit is not installed").AppTest
    with ReviewStore(db) as store:
        snapshot.load_snapshot(store)
        want = _expected(store)["dashboard"]
    folder = snapshot_dir(db) / snapshot.read_manifest(db)["dir"]
    monkeypatch.setenv("REVIEWTOOLS_APP_FILE", str(tmp_path / "no-such-export.csv"))

    def no_sqlite_read(self, *args, **kwargs):
        raise AssertionError("the dashboard read the reviews from SQLite although the snapshot is current")

    for case in ("current", "corrupt"):
        with monkeypatch.context() as m:
            if case == "current":
                m.setattr(ReviewStore, "to_frame", no_sqlite_read)
            else:
                _replace(folder / "topic_matches.arrow", b"\x00" * 64)
                import streamlit as st

                st.cache_resource.clear()  # the app reads the snapshot again: finds it corrupt, rebuilds
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
            at.radio(key="source").set_value("Review store").run()
            at.text_input(key="db_path").set_value(str(db)).run()
            assert not at.exception, (case, at.exception)
            ctx = at.session_state["_reviewtools_ctx"]
            pd.testing.assert_frame_equal(ctx.all_reviews, want)
            for page in ("reviews", "products"):
                at.switch_page(f"dashboard/pages/{page}.py").run()
                assert not at.exception, (case, page, at.exception)


def test_cli_ingest_keeps_an_existing_snapshot_current(tmp_path, sample, capsys):
    from reviewtools.cli import main

    export = tmp_path / "export.csv"
    sample.head(8).to_csv(export, index=False)
    db = tmp_path / "cli.db"
    assert main(["ingest", str(export), "--db", str(db), "--no-triage"]) == 0
    assert snapshot.read_manifest(db) is None, "no snapshot unless asked or already there"
    assert main(["ingest", str(export), "--db", str(db), "--no-triage", "--snapshot"]) == 0
    assert "snapshot:" in capsys.readouterr().out
    more = tmp_path / "more.csv"
    sample.head(12).to_csv(more, index=False)
    assert main(["ingest", str(more), "--db", str(db), "--no-triage"]) == 0  # the existing one is rewritten
    with ReviewStore(db) as store:
        assert snapshot.read_manifest(db)["key"] == snapshot.data_key(store)
        snap = snapshot.load_snapshot(store)
        assert snap.source == "snapshot" and len(snap.reviews) == 12
        _check_equal(snap, store)


def test_files_are_mapped_one_chunk_per_column_and_read_back_equal(db):
    """The files are uncompressed Arrow IPC, one record batch: read back, every frame equals the one written
    (values and dtypes), its Arrow-backed columns are one chunk each and the text points into the mapped file."""
    with ReviewStore(db) as store:
        built = snapshot.load_snapshot(store)
    folder = snapshot_dir(db) / snapshot.read_manifest(db)["dir"]
    for name, file in snapshot.FILES.items():
        got = snapshot._read_frame(folder / file)
        pd.testing.assert_frame_equal(got, getattr(built, name), check_exact=True)
        chunked = [c for c in got.columns if hasattr(got[c].array, "_pa_array")]
        assert chunked and all(got[c].array._pa_array.num_chunks == 1 for c in chunked), file
    reviews = snapshot._read_frame(folder / snapshot.FILES["reviews"])
    text = reviews["text"].array._pa_array.chunk(0)
    mapped = (folder / snapshot.FILES["reviews"]).read_bytes()
    assert text.buffers()[2].to_pybytes() in mapped, "the text is the file's bytes"


def test_an_empty_store_round_trips(tmp_path):
    with ReviewStore(tmp_path / "empty.db") as store:
        built = snapshot.load_snapshot(store)
        read = snapshot.load_snapshot(store)
    assert (built.source, read.source) == ("store", "snapshot")
    for name in snapshot.FILES:
        pd.testing.assert_frame_equal(getattr(read, name), getattr(built, name))
