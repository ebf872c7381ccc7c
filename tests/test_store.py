"""The review store, on real SQLite files in tmp_path."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from _storekit import make_frame, rating_triage
from reviewtools.errors import (
    InvalidTransitionError,
    ReviewNotFoundError,
    SchemaError,
    StoreBusyError,
    StoreError,
)
from reviewtools.schema import COLUMNS, coerce, validate
from reviewtools.store import (
    CONTENT_COLUMNS,
    ReviewStore,
    _split_sql,
    default_db_path,
    load_workflow,
    migrations,
)

WORKFLOW = load_workflow()
PY = sys.executable


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table except the ingest log, for before/after comparisons."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables if t != "ingests"}
    finally:
        con.close()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[list(COLUMNS)].sort_values(["platform", "review_id"]).reset_index(drop=True)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "reviews.db"


# ------------------------------------------------------------------------------------------ ingest


def test_first_ingest_counts_and_reads_back_the_same_frame(db):
    frame = make_frame(200)
    with ReviewStore(db) as store:
        rep = store.ingest(frame, source="export.csv")
        assert (rep.rows, rep.new, rep.changed, rep.unchanged, rep.possibly_removed) == (200, 200, 0, 0, 0)
        back = store.to_frame()
    validate(back)
    pd.testing.assert_frame_equal(_sorted(back), _sorted(frame))


def test_round_trip_keeps_nulls_unicode_and_empty_text(db):
    frame = coerce(pd.DataFrame({
        "review_id": ["a", "b"], "platform": ["trustpilot", "yelp"], "rating": [1, 5],
        "title": [None, ""], "text": ["", "Très bien 👍\n<b>ok</b>"],
        "created_at": ["2024-03-01T10:11:12.123456Z", "2023-12-31T23:59:00.000000Z"],
        "verified": pd.array([None, False], dtype="boolean"),
    }))
    with ReviewStore(db) as store:
        store.ingest(frame)
        back = store.to_frame()
    pd.testing.assert_frame_equal(_sorted(back), _sorted(frame))
    assert back.loc[back.review_id == "a", "title"].isna().all()
    assert (back.loc[back.review_id == "b", "title"] == "").all()


def test_reingesting_the_same_export_changes_nothing(db):
    frame = make_frame(300)
    with ReviewStore(db) as store:
        store.ingest(frame, full_export=True)
        before = _dump(db)
        rep = store.ingest(frame, full_export=True)
    assert (rep.new, rep.changed, rep.unchanged, rep.possibly_removed, rep.refreshed) == (0, 0, 300, 0, 0)
    assert _dump(db) == before


def test_edited_review_keeps_its_history(db):
    clock = iter(pd.date_range("2024-06-01", periods=20, freq="D", tz="UTC"))
    frame = make_frame(10)
    with ReviewStore(db, clock=lambda: next(clock)) as store:
        store.ingest(frame)
        edited = frame.copy()
        edited.loc[0, "text"] = "Edited: it broke after a month"
        edited.loc[1, "rating"] = 1 if frame.loc[1, "rating"] != 1 else 2
        edited.loc[2, "title"] = "New title"
        rep = store.ingest(edited)
        assert (rep.new, rep.changed, rep.unchanged) == (0, 3, 7)
        assert set(rep.changed_keys) == {("amazon", frame.loc[i, "review_id"]) for i in range(3)}
        again = edited.copy()
        again.loc[0, "text"] = "Edited twice"
        store.ingest(again)

        hist = store.history(frame.loc[0, "review_id"])
        assert list(hist["version"]) == [1, 2, 3]
        assert list(hist["text"]) == [frame.loc[0, "text"], "Edited: it broke after a month", "Edited twice"]
        assert hist["replaced_at"].iloc[:-1].notna().all() and pd.isna(hist["replaced_at"].iloc[-1])
        assert (hist["valid_from"].iloc[1:].to_numpy() == hist["replaced_at"].iloc[:-1].to_numpy()).all()

        changes = store.rating_changes()
        assert list(changes["review_id"]) == [frame.loc[1, "review_id"]]
        assert changes.loc[0, "old_rating"] == frame.loc[1, "rating"]
        assert changes.loc[0, "new_rating"] == edited.loc[1, "rating"]
        current = store.to_frame().set_index("review_id")
        assert current.loc[frame.loc[0, "review_id"], "text"] == "Edited twice"
        assert current.loc[frame.loc[0, "review_id"], "version"] == 3


def test_an_edit_with_or_without_a_metadata_change_writes_the_row_and_its_indexes(db):
    # an edit whose hashed metadata is unchanged leaves those columns out of the UPDATE (no index rewrite); one
    # that also moves the review to another product or date must still write them, and every index agrees
    frame = make_frame(6)
    with ReviewStore(db) as store:
        store.ingest(frame)
        later = frame.copy()
        later.loc[0, "text"] = "Edited, same product"
        later.loc[1, "text"] = "Edited, other product"
        later.loc[1, "product_id"] = "B0MOVED"
        later.loc[2, "rating"] = 1 if frame.loc[2, "rating"] != 1 else 2
        later.loc[2, "created_at"] = frame.loc[2, "created_at"] + pd.Timedelta(days=3)
        later.loc[3, "source_row"] = 77  # provenance only: not rewritten
        later.loc[4, "text"] = "Edited, read from another row"
        later.loc[4, "source_row"] = 88
        rep = store.ingest(later)
        assert (rep.changed, rep.unchanged) == (4, 2)
        assert store.integrity_check() == []
        back = _sorted(store.to_frame())
        expected = _sorted(later)
        same = [c for c in COLUMNS if c != "source_row"]
        pd.testing.assert_frame_equal(back[same], expected[same])
        rows = store.to_frame().set_index("review_id")
        assert rows.loc[frame.loc[4, "review_id"], "source_row"] == 88
        assert rows.loc[frame.loc[3, "review_id"], "source_row"] == frame.loc[3, "source_row"]
        con = store._con
        moved = con.execute("SELECT review_id FROM reviews INDEXED BY reviews_product WHERE platform = ? AND "
                            "product_id = ?", ("amazon", "B0MOVED")).fetchall()
        assert moved == [(frame.loc[1, "review_id"],)]


def test_metadata_change_refreshes_in_place_without_a_version(db):
    frame = make_frame(5)
    with ReviewStore(db) as store:
        store.ingest(frame)
        later = frame.copy()
        later.loc[3, "helpful_votes"] = 42
        later.loc[3, "reply_text"] = "Thanks for telling us"
        rep = store.ingest(later)
        assert (rep.changed, rep.unchanged, rep.refreshed) == (0, 5, 1)
        row = store.to_frame().set_index("review_id").loc[frame.loc[3, "review_id"]]
        assert row["helpful_votes"] == 42 and row["reply_text"] == "Thanks for telling us"
        assert store.counts()["versions"] == 0


def test_full_export_marks_missing_reviews_of_the_same_products_and_window_only(db):
    frame = make_frame(60, products=("A", "B"))
    with ReviewStore(db) as store:
        store.ingest(frame)
        a = frame[frame.product_id == "A"].sort_values("created_at").reset_index(drop=True)
        oldest, inside = a.iloc[0], a.iloc[len(a) // 2]
        # The later export: product A only, without its oldest review (outside the export's window
        # because the export starts later) and without one review inside the window.
        later = a[(a.review_id != oldest.review_id) & (a.review_id != inside.review_id)]
        later = later[later.created_at > oldest.created_at]
        rep = store.ingest(later, full_export=True)
        assert rep.removed_keys == (("amazon", inside.review_id),)
        back = store.to_frame().set_index("review_id")
        assert pd.notna(back.loc[inside.review_id, "possibly_removed_at"])
        assert back["possibly_removed_at"].notna().sum() == 1  # product B and A's oldest untouched
        assert len(back) == 60  # nothing deleted
        assert len(store.to_frame(include_removed=False)) == 59

        # Not a full export: nothing is marked.
        partial = later.iloc[:3]
        assert store.ingest(partial).possibly_removed == 0
        # The review comes back: the mark is cleared.
        rep = store.ingest(a[a.review_id == inside.review_id], full_export=False)
        assert rep.restored == 1
        assert store.counts()["possibly_removed"] == 0


def test_an_ingest_result_is_accepted_and_its_rejects_counted(db):
    frame = make_frame(4)
    result = types.SimpleNamespace(reviews=frame, rejects=pd.DataFrame({"source_row": [9, 10]}))
    with ReviewStore(db) as store:
        rep = store.ingest(result)
    assert rep.rejected == 2 and rep.source == "export.csv" and rep.new == 4


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f.assign(rating=pd.array([9] * len(f), dtype="Int64")), "outside 1..5"),
        (lambda f: f.assign(review_id=["same"] * len(f)), r"repeat a \(platform, review_id\) key"),
        (lambda f: f.drop(columns=["text"]).assign(text=pd.NA), "'text'"),
    ],
)
def test_bad_frames_are_refused_with_a_clear_error_and_change_nothing(db, change, message):
    with ReviewStore(db) as store:
        store.ingest(make_frame(3, prefix="ok"))
        before = _dump(db)
        with pytest.raises(SchemaError, match=message) as err:
            store.ingest(change(make_frame(3)), source="bad.csv")
        assert "bad.csv" in str(err.value)
    assert _dump(db) == before


def test_duplicate_error_names_file_and_row(db):
    frame = make_frame(3)
    frame.loc[2, "review_id"] = frame.loc[0, "review_id"]
    with ReviewStore(db) as store, pytest.raises(SchemaError, match=r"file export.csv, row 3"):
        store.ingest(frame)


def test_same_review_id_on_two_platforms_is_two_reviews(db):
    with ReviewStore(db) as store:
        store.ingest(make_frame(2, platform="amazon"))
        store.ingest(make_frame(2, platform="google"))
        assert store.counts()["reviews"] == 4
        with pytest.raises(StoreError, match="several platforms"):
            store.history("R000000")
        assert len(store.history("R000000", platform="google")) == 1
        with pytest.raises(ReviewNotFoundError, match="no review 'nope'"):
            store.history("nope")



# ------------------------------------------------------------------------------ incremental re-ingest


def test_vectorised_hashes_equal_the_reference_row_by_row_hashes():
    from reviewtools.store import META_HASHED_COLUMNS, _fmt_ts, _hash_rows, _row_hashes, _to_sql_values

    frame = make_frame(300)
    frame.loc[3, "title"] = ""  # empty and null differ
    frame.loc[4, "text"] = "Très bien 👍\n<b>ok</b>\x1f"
    frame.loc[5, "replied_at"] = pd.Timestamp("2024-02-03T04:05:06.789012345Z")
    values = _to_sql_values(frame)
    assert values["replied_at"][5] == "2024-02-03T04:05:06.789012Z" and values["replied_at"][6] is None
    assert values["verified"][1] == 1 and values["verified"][0] is None
    assert values["created_at"] == [_fmt_ts(t) for t in frame["created_at"]]  # numpy's formatter == strftime
    assert _row_hashes(frame, CONTENT_COLUMNS) == _hash_rows([values[c] for c in CONTENT_COLUMNS])
    boolean_text = {c: [None if v is None else ("true" if v else "false") for v in values[c]]
                    for c in ("verified", "vine")}
    meta = [boolean_text.get(c, values[c]) for c in META_HASHED_COLUMNS]
    assert _row_hashes(frame, META_HASHED_COLUMNS) == _hash_rows(meta)
    # Chunk boundaries do not change a hash.
    import reviewtools.store as store_module

    old = store_module.HASH_CHUNK_ROWS
    try:
        store_module.HASH_CHUNK_ROWS = 7
        assert _row_hashes(frame, CONTENT_COLUMNS) == _hash_rows([values[c] for c in CONTENT_COLUMNS])
    finally:
        store_module.HASH_CHUNK_ROWS = old


@pytest.mark.parametrize("column, value", [
    ("rating", 1), ("title", None), ("text", "x"), ("author", "someone else"), ("helpful_votes", 99),
    ("verified", None), ("created_at", pd.Timestamp("2020-01-01", tz="UTC")), ("product_title", "Renamed"),
])
def test_the_fingerprint_sees_every_content_and_metadata_column(column, value):
    from reviewtools.store import _fingerprints

    frame = make_frame(3)
    other = frame.copy()
    other.loc[1, column] = value if frame.loc[1, column] != value else None
    a, b = _fingerprints(frame), _fingerprints(other)
    assert a[0] == b[0] and a[2] == b[2] and a[1] != b[1]


def test_a_review_that_only_moved_to_another_file_or_row_is_not_rewritten(db):
    frame = make_frame(50)
    with ReviewStore(db) as store:
        store.ingest(frame)
        before = _dump(db)
        moved = frame.iloc[::-1].reset_index(drop=True)
        moved["source_file"] = pd.array(["next_week.csv"] * len(moved), dtype="string")
        moved["source_row"] = pd.array(range(1, len(moved) + 1), dtype="Int64")
        rep = store.ingest(moved)
        assert (rep.new, rep.changed, rep.unchanged, rep.refreshed) == (0, 0, 50, 0)
        assert _dump(db) == before
        # A rewritten review takes the provenance of the export it was rewritten from.
        moved.loc[0, "helpful_votes"] = 1234
        assert store.ingest(moved).refreshed == 1
        back = store.to_frame().set_index("review_id").loc[moved.loc[0, "review_id"]]
        assert back["source_file"] == "next_week.csv" and back["helpful_votes"] == 1234


def test_rows_stored_without_a_fingerprint_get_one_without_a_new_version(db):
    frame = make_frame(40)
    with ReviewStore(db) as store:
        store.ingest(frame)
        store._con.execute("UPDATE reviews SET fp = NULL")  # as after migration 003 on an older store
        later = frame.copy()
        later.loc[2, "text"] = "edited after the upgrade"
        rep = store.ingest(later)
        assert (rep.new, rep.changed, rep.unchanged, rep.refreshed) == (0, 1, 39, 0)
        assert store.counts()["versions"] == 1
        assert store._con.execute("SELECT count(*) FROM reviews WHERE fp IS NULL").fetchone()[0] == 0
        assert store.ingest(later).unchanged == 40


def test_reingest_restores_possibly_removed_reviews_and_counts_new_changed_unchanged(db):
    frame = make_frame(60, products=("A",))
    with ReviewStore(db) as store:
        store.ingest(frame)
        inner = frame.sort_values("created_at").review_id.iloc[30]
        partial = frame[frame.review_id != inner]
        assert store.ingest(partial, full_export=True).possibly_removed == 1
        later = pd.concat([frame, make_frame(3, prefix="N", products=("A",))], ignore_index=True)
        later.loc[0, "rating"] = 5 if frame.loc[0, "rating"] != 5 else 4
        rep = store.ingest(later)
        assert (rep.new, rep.changed, rep.unchanged, rep.restored) == (3, 1, 59, 1)
        assert rep.new_keys == tuple(("amazon", f"N{i:06d}") for i in range(3))
        assert rep.changed_keys == (("amazon", frame.loc[0, "review_id"]),)
        assert store.counts()["possibly_removed"] == 0
        pd.testing.assert_frame_equal(_sorted(store.to_frame()), _sorted(later))



_EDITS = {
    "rating": lambda v: 1 if v != 1 else 5,
    "title": lambda v: None if isinstance(v, str) else "",
    "text": lambda v: str(v) + " edited",
    "helpful_votes": lambda v: 7 if v is pd.NA or v != 7 else 8,
    "author": lambda v: "someone else",
    "source_row": lambda v: 999,
    "product_id": lambda v: "B0OTHER" if v != "B0OTHER" else "B0OTHER2",  # in the product index
    "created_at": lambda v: v + pd.Timedelta(days=1),  # in the product index
}


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.tuples(st.integers(0, 11), st.sampled_from(sorted(_EDITS))), max_size=6),
                min_size=1, max_size=3))
def test_any_sequence_of_edits_reads_back_as_the_last_export_with_one_version_per_content_change(tmp_path_factory,
                                                                                               rounds):
    frame = make_frame(12)
    path = tmp_path_factory.mktemp("prop") / "r.db"
    versions = 0
    with ReviewStore(path) as store:
        store.ingest(frame)
        for edits in rounds:
            nxt = frame.copy()
            for row, column in edits:
                nxt.loc[row, column] = _EDITS[column](nxt.loc[row, column])
            content = {r for r in range(len(frame))
                       if any(not _same(frame.loc[r, c], nxt.loc[r, c]) for c in CONTENT_COLUMNS)}
            rep = store.ingest(nxt)
            assert rep.changed == len(content) and rep.unchanged == len(frame) - len(content)
            versions += len(content)
            frame = nxt
        assert store.counts()["versions"] == versions
        back = _sorted(store.to_frame())
        expected = _sorted(frame)
        moved_only = [c for c in COLUMNS if c not in ("source_row",)]
        pd.testing.assert_frame_equal(back[moved_only], expected[moved_only])


def _same(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return bool(pd.isna(a) and pd.isna(b))
    return bool(a == b)


# ------------------------------------------------------------------------------- crash and concurrency

_CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from _storekit import make_frame
    from reviewtools.store import ReviewStore
    from reviewtools.errors import StoreBusyError
    n, prefix, hold = int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    frame = make_frame(n, prefix=prefix, seed=n)
    def progress(stage, done, total):
        print("progress", done, total, flush=True)
        if hold:
            time.sleep(hold)
    try:
        with ReviewStore(sys.argv[1], timeout=float(sys.argv[5])) as store:
            rep = store.ingest(frame, progress=progress)
        print("done", rep.new, flush=True)
    except StoreBusyError as exc:
        print("busy", exc, flush=True)
        sys.exit(3)
    """
)


def _child(db: Path, n: int, prefix: str, hold: float = 0.0, timeout: float = 30.0) -> subprocess.Popen:
    code = _CHILD.format(tests=str(Path(__file__).parent))
    return subprocess.Popen([PY, "-c", code, str(db), str(n), prefix, str(hold), str(timeout)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow  # starts Python subprocesses (a second or two each)
def test_an_ingest_killed_midway_loses_nothing_and_leaves_the_store_consistent(db):
    with ReviewStore(db) as store:
        store.ingest(make_frame(50, prefix="keep"))
    before = _dump(db)
    proc = _child(db, 30_000, "big", hold=60)  # writes one batch, then waits inside the transaction
    line = proc.stdout.readline()
    assert line.startswith("progress 5000 30000"), line + proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with ReviewStore(db) as store:
        assert store.integrity_check() == []
        assert _dump(db) == before
        assert store.counts()["reviews"] == 50
        assert store.ingest(make_frame(30_000, prefix="big", seed=30_000)).new == 30_000
        assert store.counts()["reviews"] == 30_050


@pytest.mark.slow  # starts Python subprocesses (a second or two each)
def test_two_concurrent_ingests_both_finish_correctly(db):
    ReviewStore(db).close()
    procs = [_child(db, 20_000, p) for p in ("x", "y")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, out + err
        assert "done 20000" in out
    with ReviewStore(db) as store:
        assert store.counts()["reviews"] == 40_000
        assert store.integrity_check() == []
        assert len(store.ingests()) == 2


@pytest.mark.slow  # starts Python subprocesses (a second or two each)
def test_a_writer_that_cannot_get_the_lock_fails_with_a_clear_busy_error(db):
    with ReviewStore(db) as store:
        store.ingest(make_frame(10, prefix="old"))
    holder = _child(db, 12_000, "held", hold=60)
    assert holder.stdout.readline().startswith("progress")
    try:
        with ReviewStore(db, timeout=0.2) as store:
            with pytest.raises(StoreBusyError, match=r"busy: another process .* wait for it to finish"):
                store.ingest(make_frame(5, prefix="new"))
            assert len(store.to_frame()) == 10  # readers still see the last committed state
        second = _child(db, 5, "other", timeout=0.2)
        out, _ = second.communicate(timeout=60)
        assert second.returncode == 3 and out.startswith("busy")
    finally:
        holder.kill()
        holder.wait(timeout=30)
    with ReviewStore(db) as store:
        assert store.counts()["reviews"] == 10 and store.integrity_check() == []


# -------------------------------------------------------------------------------------------- schema


def test_migrations_registry_is_numbered_and_each_step_applies_in_order(tmp_path):
    found = migrations()
    assert [v for v, _, _ in found] == list(range(1, len(found) + 1))
    assert len(found) >= 2
    con = sqlite3.connect(tmp_path / "steps.db")
    for version, name, sql in found:
        statements = _split_sql(sql)
        assert statements, name
        for s in statements:
            con.execute(s)
    con.close()


def test_a_database_from_the_first_schema_is_migrated_and_keeps_its_data(tmp_path):
    path = tmp_path / "v1.db"
    con = sqlite3.connect(path)
    _, _, first = migrations()[0]
    con.executescript(first)
    con.execute("PRAGMA user_version = 1")
    con.execute("INSERT INTO ingests (id, source, started_at, finished_at, rows, new) "
                "VALUES (1, 'old.csv', '2023-01-01T00:00:00.000000Z', '2023-01-01T00:00:01.000000Z', 1, 1)")
    con.execute(
        "INSERT INTO reviews (platform, review_id, product_id, rating, text, created_at, content_hash, meta_hash, "
        "first_seen_at, changed_at, first_ingest_id, last_ingest_id) VALUES ('amazon', 'OLD1', 'B1', 2, "
        "'Old text', '2022-12-30T00:00:00.000000Z', 'h', 'm', '2023-01-01T00:00:00.000000Z', "
        "'2023-01-01T00:00:00.000000Z', 1, 1)"
    )
    con.commit()
    con.close()
    with ReviewStore(path) as store:
        assert store.schema_version == len(migrations())
        frame = store.to_frame()
        validate(frame)
        assert list(frame["review_id"]) == ["OLD1"]
        # The old row's hash scheme differs, so the next export records a version rather than losing it.
        again = frame[list(COLUMNS)]
        assert store.ingest(again).changed == 1
        assert store.score_pending(triage=rating_triage).scored == 1
        assert len(store.open_actions()) == 1
        assert store.integrity_check() == []


def test_a_store_newer_than_this_code_is_refused(tmp_path):
    path = tmp_path / "future.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 999")
    con.close()
    with pytest.raises(StoreError, match="newer than this reviewtools"):
        ReviewStore(path)


def test_a_file_that_is_not_sqlite_gives_a_clear_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("this is not a database, just text " * 100)
    with pytest.raises(StoreError, match="not a usable review store"):
        ReviewStore(path)


@pytest.mark.parametrize(
    "env, platform, expected",
    [
        ({"REVIEWTOOLS_DB": "/x/y.db", "XDG_DATA_HOME": "/d"}, "linux", "/x/y.db"),
        ({"XDG_DATA_HOME": "/d", "HOME": "/h"}, "linux", "/d/reviewtools/reviews.db"),
        ({"HOME": "/h"}, "linux", "/h/.local/share/reviewtools/reviews.db"),
        ({"HOME": "/h"}, "darwin", "/h/Library/Application Support/reviewtools/reviews.db"),
    ],
)
def test_default_db_path(env, platform, expected):
    assert default_db_path(env, platform=platform).as_posix() == expected


def test_default_db_path_on_windows_uses_localappdata():
    p = default_db_path({"LOCALAPPDATA": "C:/Users/u/AppData/Local", "HOME": "C:/Users/u"}, platform="win32")
    assert p.as_posix().endswith("AppData/Local/reviewtools/reviews.db")


# ----------------------------------------------------------------------------------- scoring results


def test_only_new_or_changed_reviews_are_scored_again(db):
    seen: list[int] = []

    def counting(frame, settings=None):
        seen.append(len(frame))
        return rating_triage(frame)

    frame = make_frame(100)
    with ReviewStore(db) as store:
        store.ingest(frame)
        first = store.score_pending(triage=counting)
        assert (first.scored, first.already_scored) == (100, 0)
        assert store.score_pending(triage=counting).scored == 0
        edited = frame.copy()
        edited.loc[7, "text"] = "completely different now"
        store.ingest(pd.concat([edited, make_frame(2, prefix="N")], ignore_index=True))
        third = store.score_pending(triage=counting)
        assert (third.scored, third.already_scored) == (3, 99)
        assert seen == [100, 3]
        derived = store.to_frame(derived=True)
        assert derived["action"].notna().all() and derived["sentiment_label"].notna().all()
        assert set(derived["status"].dropna()) == {"new"}
        # Other settings are another scorer: everything is scored again.
        assert store.score_pending({"thank": True}, triage=counting).scored == 102


def test_a_changed_review_updates_the_recommendation_but_keeps_the_teams_work(db):
    frame = make_frame(20)
    low = frame[frame.rating <= 2].review_id.iloc[0]
    with ReviewStore(db) as store:
        store.ingest(frame)
        store.score_pending(triage=rating_triage)
        store.set_status(low, "sent", assignee="ana", who="ana")
        edited = frame.copy()
        edited.loc[edited.review_id == low, ["rating", "text"]] = [5, "They fixed it, great now"]
        store.ingest(edited)
        rep = store.score_pending(triage=rating_triage)
        assert rep.scored == 1 and rep.actions_updated == 1
        row = store.open_actions(status="sent", include_none=True).set_index("review_id").loc[low]
        assert row["action"] == "none" and row["assignee"] == "ana"
        hist = store.action_history(low)
        assert list(hist["field"]) == ["status", "assignee", "recommendation"]
        assert hist.iloc[-1]["old_value"] == "public_reply" and hist.iloc[-1]["new_value"] == "none"


def test_long_evidence_frames_from_triage_are_stored(db):
    def with_hits(frame, settings=None):
        out = rating_triage(frame)
        out.attrs["hits"] = pd.DataFrame({"review_id": [frame.review_id[0]], "rule_id": ["link"],
                                          "evidence": ["http://x"], "start": [0], "end": [8]})
        return out

    with ReviewStore(db) as store:
        store.ingest(make_frame(3))
        store.score_pending(triage=with_hits)
        rows = store._con.execute("SELECT kind, data FROM evidence").fetchall()
    assert len(rows) == 1 and rows[0][0] == "hit" and '"rule_id": "link"' in rows[0][1]


# ----------------------------------------------------------------------------------------- workflow


@pytest.fixture
def queued(db):
    store = ReviewStore(db)
    frame = make_frame(30)
    store.ingest(frame)
    store.score_pending(triage=rating_triage)
    rid = frame[frame.rating <= 2].review_id.iloc[0]
    yield store, rid
    store.close()


def test_workflow_registry_is_consistent():
    assert WORKFLOW.initial in WORKFLOW.statuses
    assert set(WORKFLOW.transitions) == set(WORKFLOW.statuses)
    for src, dests in WORKFLOW.transitions.items():
        assert set(dests) <= set(WORKFLOW.statuses), src
        assert src not in dests, src
    assert set(WORKFLOW.open) <= set(WORKFLOW.statuses)
    for closed in set(WORKFLOW.statuses) - set(WORKFLOW.open) - {"declined"}:
        assert WORKFLOW.transitions[closed] == (), closed


@pytest.mark.parametrize("src, dst", list(itertools.product(WORKFLOW.statuses, WORKFLOW.statuses)))
def test_every_status_transition_is_allowed_or_rejected_as_the_data_says(queued, src, dst):
    store, rid = queued
    store._con.execute("UPDATE actions SET status = ?", (src,))
    if dst in WORKFLOW.transitions[src]:
        assert store.set_status(rid, dst, who="t") == src
        assert store.action_history(rid).iloc[-1][["field", "old_value", "new_value"]].tolist() == ["status", src, dst]
    else:
        with pytest.raises(InvalidTransitionError, match=f"from '{src}' to '{dst}'"):
            store.set_status(rid, dst, who="t")
        assert store.action_history(rid).empty


def test_unknown_status_is_rejected(queued):
    store, rid = queued
    with pytest.raises(InvalidTransitionError, match="unknown status 'done'"):
        store.set_status(rid, "done")
    with pytest.raises(ValueError):
        store.open_actions(status="done")


def test_assign_note_and_edited_draft_are_recorded(queued):
    store, rid = queued
    store.assign(rid, "ben", who="lead")
    store.add_note(rid, "Customer emailed us too", who="ben")
    store.edit_draft(rid, "Hi, sorry about the battery. Please contact us through Amazon messages.", who="ben")
    row = store.open_actions().set_index("review_id").loc[rid]
    assert row["status"] == "drafted"  # editing a new action's draft moves it on
    assert row["assignee"] == "ben"
    assert row["draft"].startswith("Hi, sorry about the battery")
    assert row["generated_draft"].startswith("Sorry to hear about")
    assert "Customer emailed us too" in row["notes"] and "ben" in row["notes"]
    hist = store.action_history(rid)
    assert list(hist["field"]) == ["assignee", "note", "draft", "status"]
    assert list(hist["who"]) == ["lead", "ben", "ben", "ben"]
    assert hist["at"].is_monotonic_increasing


def test_open_actions_filters_and_orders(queued):
    store, rid = queued
    queue = store.open_actions()
    assert len(queue) and (queue["action"] != "none").all()
    assert queue["priority"].is_monotonic_decreasing
    assert set(store.open_actions(include_none=True)["action"]) == {"public_reply", "none"}
    store.set_status(rid, "declined", note="not worth it")
    assert rid not in set(store.open_actions()["review_id"])
    assert list(store.open_actions(status="declined")["review_id"]) == [rid]
    only_b2 = store.open_actions(product="B002")
    assert set(only_b2["product_id"]) <= {"B002"}


def test_actions_need_a_triage_first(db):
    with ReviewStore(db) as store:
        store.ingest(make_frame(2))
        with pytest.raises(ReviewNotFoundError, match="no recommended action yet"):
            store.set_status("R000000", "drafted")


def test_content_columns_are_the_ones_the_brief_names():
    assert set(CONTENT_COLUMNS) == {"rating", "title", "text"}


# ---------------------------------------------------------------------------------------- command line


def _export(tmp_path: Path, frame: pd.DataFrame, name: str) -> Path:
    from reviewtools.ingest import write_frame

    return write_frame(frame, tmp_path / name)


def test_cli_ingest_db_prints_counts_per_file_and_marks_removed(tmp_path, capsys):
    from reviewtools.cli import main

    db = tmp_path / "cli.db"
    frame = make_frame(30, products=("A",))
    first = _export(tmp_path, frame, "week1.csv")
    assert main(["ingest", str(first), "--db", str(db), "--no-triage"]) == 0
    out = capsys.readouterr().out
    assert "new" in out and "poss.removed" in out
    row = next(ln for ln in out.splitlines() if "week1.csv" in ln).split()
    assert row[2:7] == ["30", "30", "0", "0", "0"]  # read, new, changed, unchanged, rejected

    later = frame.sort_values("created_at").iloc[1:].copy()  # the oldest is outside the window: not missing
    later = later.drop(later.index[5])  # this one is inside it
    later.loc[later.index[0], "text"] = "edited text"
    second = _export(tmp_path, later, "week2.csv")
    assert main(["ingest", str(second), "--db", str(db), "--full-export", "--no-triage"]) == 0
    row = next(ln for ln in capsys.readouterr().out.splitlines() if "week2.csv" in ln).split()
    assert row[-1] == "1" and row[3:6] == ["0", "1", "27"]


def test_cli_queue_status_and_digest(tmp_path, capsys, monkeypatch):
    from reviewtools.cli import main

    db = tmp_path / "q.db"
    monkeypatch.setenv("REVIEWTOOLS_DB", str(db))  # --db omitted: the environment variable is used
    frame = make_frame(20)
    frame.loc[0, "text"] = "=cmd|' /C calc'!A0 it broke"
    frame.loc[0, "rating"] = 1
    with ReviewStore(db) as store:
        store.ingest(frame)
        store.score_pending(triage=rating_triage)
    assert main(["queue"]) == 0
    out = capsys.readouterr().out
    assert "R000000" in out and "public_reply" in out
    assert main(["queue", "--out", str(tmp_path / "q.csv")]) == 0
    csv_text = (tmp_path / "q.csv").read_text(encoding="utf-8-sig")
    assert "'=cmd|" in csv_text and "\n=cmd" not in csv_text and ",=cmd" not in csv_text

    assert main(["status", "R000000", "drafted", "--assignee", "ana", "--note", "on it", "--who", "lead"]) == 0
    assert "R000000: new -> drafted" in capsys.readouterr().out
    assert main(["status", "R000000", "removed"]) == 2  # not allowed from drafted
    err = capsys.readouterr().err
    assert "cannot move an action from 'drafted' to 'removed'" in err and "Traceback" not in err
    assert main(["status", "NOPE", "sent"]) == 2
    assert "no review 'NOPE'" in capsys.readouterr().err
    assert main(["queue", "--status", "drafted"]) == 0
    assert "ana" in capsys.readouterr().out

    assert main(["digest", "--since", "1d", "--out", str(tmp_path / "d.html")]) == 0
    assert "20 new reviews" in capsys.readouterr().out
    assert (tmp_path / "d.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["digest", "--since", "soon"]) == 2
    assert "not understood" in capsys.readouterr().err


@pytest.mark.slow  # starts Python subprocesses (a second or two each)
def test_cli_busy_store_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    import reviewtools.store as store_mod
    from reviewtools.cli import main

    db = tmp_path / "busy.db"
    with ReviewStore(db) as store:
        store.ingest(make_frame(3))
    f = _export(tmp_path, make_frame(3, prefix="Z"), "z.csv")
    monkeypatch.setattr(store_mod, "DEFAULT_TIMEOUT", 0.2)
    holder = _child(db, 12_000, "held", hold=60)
    try:
        assert holder.stdout.readline().startswith("progress")
        code = main(["ingest", str(f), "--db", str(db), "--no-triage"])
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert code == 2
    err = capsys.readouterr().err
    assert "is busy: another process" in err and "Traceback" not in err


# ------------------------------------------------------------------------------ with the real triage


def test_score_pending_with_the_real_pipeline_stores_results_hits_and_actions(db):
    from reviewtools.pipeline import ACTIONS

    frame = make_frame(12)
    frame.loc[0, ["rating", "text"]] = [1, "It arrived broken and smells awful. Visit www.cheap-deals.example now"]
    frame.loc[1, ["rating", "text"]] = [5, "Lovely kettle, boils fast and looks great on the counter."]
    with ReviewStore(db) as store:
        store.ingest(frame)
        rep = store.score_pending()
        assert (rep.scored, rep.actions_created) == (12, 12)
        derived = store.to_frame(derived=True)
        assert derived["vader_compound"].notna().all() and derived["action"].isin(ACTIONS).all()
        assert derived.set_index("review_id").loc["R000000", "sentiment_label"] == "negative"
        kinds = dict(store._con.execute("SELECT kind, count(*) FROM evidence GROUP BY kind").fetchall())
        assert kinds.get("hit", 0) >= 1  # hits, or checks recorded as not run
        assert store.score_pending().scored == 0
        queue = store.open_actions()
        assert "R000000" in set(queue["review_id"])
        problems = store.edit_draft("R000000", "Sorry! Email us at help@example.com for a free gift card.")
        assert problems, "the draft linter flags an e-mail address and an incentive"
