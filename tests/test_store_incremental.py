"""Incremental re-ingest (reviewtools.incremental): the same counts, stored rows and rejects as the full path.

Every test ingests the same sequence of exports twice: into one store with ``ReviewStore.ingest_file`` (raw
records hashed, only new ones parsed) and into another with ``ReviewStore.ingest(read_reviews(path))`` (the whole
file parsed), and compares the reports, the rejects, the file reports and every stored table row by row.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools.incremental import STATE_DTYPE, record_hashes, split_csv
from reviewtools.ingest import read_reviews
from reviewtools.store import ReviewStore

HEADER = ["review_id", "platform", "product_id", "rating", "title", "text", "author", "created_at", "helpful_votes"]
PHRASES = ("Great value, works well.", 'The "pro" model, sadly,\nbroke after a week.', "Love it!!",
           "Arrived late; box damaged.", "Smells odd\r\nbut fine.", "Meh, it's ok")


class Clock:
    """A clock that moves one minute per call (both stores get their own, so timestamps match)."""

    def __init__(self) -> None:
        self.t = pd.Timestamp("2024-06-01", tz="UTC")

    def __call__(self) -> pd.Timestamp:
        self.t += pd.Timedelta(minutes=1)
        return self.t


def corpus(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` raw export rows as text (a generic CSV layout), with quotes, commas and line breaks in texts."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "review_id": [f"R{i:05d}" for i in range(n)],
        "platform": "amazon",
        "product_id": [f"B{int(p):03d}" for p in rng.integers(0, 6, size=n)],
        "rating": [str(int(r)) for r in rng.integers(1, 6, size=n)],
        "title": [("" if i % 5 == 0 else f"Title {i}") for i in range(n)],
        "text": [f"{PHRASES[int(k)]} #{i}" for i, k in enumerate(rng.integers(0, len(PHRASES), size=n))],
        "author": [f"user{i % 37}" for i in range(n)],
        "created_at": [(pd.Timestamp("2024-01-01") + pd.Timedelta(hours=int(h))).strftime("%Y-%m-%dT%H:%M:%SZ")
                       for h in rng.integers(0, 24 * 90, size=n)],
        "helpful_votes": [str(int(v)) for v in rng.integers(0, 9, size=n)],
    })


def write(path: Path, frame: pd.DataFrame, **kw) -> Path:
    frame.to_csv(path, index=False, **kw)
    return path


def table(con: sqlite3.Connection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def assert_same_store(a: Path, b: Path) -> None:
    ca, cb = sqlite3.connect(a), sqlite3.connect(b)
    try:
        for sql in ("SELECT * FROM reviews ORDER BY id", "SELECT * FROM review_versions ORDER BY review_pk, version",
                    "SELECT * FROM ingests ORDER BY id"):
            assert table(ca, sql) == table(cb, sql), sql
    finally:
        ca.close()
        cb.close()


REPORT_FIELDS = ("rows", "new", "changed", "unchanged", "possibly_removed", "restored", "refreshed", "rejected",
                 "new_keys", "changed_keys", "removed_keys")


def run_both(tmp_path: Path, paths: list[Path], *, full_export: bool = False, options: list[dict] | None = None):
    """Ingest ``paths`` in order both ways; assert equality after each; return the incremental results."""
    inc = ReviewStore(tmp_path / "inc.db", clock=Clock())
    ref = ReviewStore(tmp_path / "ref.db", clock=Clock())
    out = []
    try:
        for i, path in enumerate(paths):
            opts = (options or [{}] * len(paths))[i]
            got = inc.ingest_file(path, full_export=full_export, **opts)
            res = read_reviews(path, **opts)
            want = ref.ingest(res, source=str(path), full_export=full_export)
            for f in REPORT_FIELDS:
                assert getattr(got.report, f) == getattr(want, f), (path.name, f, got.mode, got.reason)
            pd.testing.assert_frame_equal(got.result.rejects.reset_index(drop=True),
                                          res.rejects.reset_index(drop=True))
            assert got.result.files == res.files, (got.result.files, res.files)
            assert got.result.format == res.format
            assert_same_store(inc.path, ref.path)
            out.append(got)
    finally:
        inc.close()
        ref.close()
    return out


# ------------------------------------------------------------------------------------------- splitting


@pytest.mark.parametrize("frame_rows", [1, 7, 60])
def test_split_matches_the_parser(frame_rows: int) -> None:
    frame = corpus(frame_rows, seed=frame_rows)
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    data = buf.getvalue().encode()
    recs = split_csv(data, ",", csv.QUOTE_MINIMAL)
    assert not isinstance(recs, str)
    assert len(recs) == frame_rows
    again = pd.read_csv(io.BytesIO(recs.subset(np.arange(len(recs)))), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(again, frame)
    one = pd.read_csv(io.BytesIO(recs.subset(np.array([frame_rows - 1]))), dtype=str, keep_default_na=False)
    assert one.iloc[0].tolist() == frame.iloc[-1].tolist()


@pytest.mark.parametrize(("data", "why"), [
    (b'a,b\n1,5" wide\n2,x"\n', "quote character inside an unquoted field"),
    (b'a,b\n1,"x"y\n', "quote character inside an unquoted field"),
    (b'a,b\n1,"open\n', "unbalanced quote"),
    (b"a,b\r1,2\r", "carriage return"),
    (b"a,b\n1,2\n   \n3,4\n", "whitespace-only line"),
])
def test_split_refuses_what_it_cannot_split_safely(data: bytes, why: str) -> None:
    assert why in split_csv(data, ",", csv.QUOTE_MINIMAL)


def test_split_quote_none_and_blank_lines() -> None:
    recs = split_csv(b'a\tb\n\n1\t5" wide\r\n2\t"x\n\n', "\t", csv.QUOTE_NONE)
    assert [recs.data[s:e] for s, e in zip(recs.starts, recs.ends)] == [b'1\t5" wide\r', b'2\t"x']


def _split_reference(data: bytes, sep: str, quoting: int, start: int = 0):
    """``split_csv`` before its line-feed parity and quote-run steps were rewritten (kept as the reference)."""
    from reviewtools.incremental import CsvRecords, _positions

    arr = np.frombuffer(data, dtype=np.uint8)
    size = len(arr)
    if quoting == csv.QUOTE_NONE:
        q = np.zeros(0, dtype=np.int64)
        boundaries = _positions(arr, (10,))
    else:
        special = _positions(arr, (10, 34))
        is_nl = arr[special] == 10
        nl, q = special[is_nl], special[~is_nl]
        if len(q) % 2:
            return "an unbalanced quote character"
        if len(q):
            run_first = np.flatnonzero(np.r_[True, np.diff(q) != 1])
            run_end = np.r_[run_first[1:], len(q)]
            first_pos, last_pos = q[run_first], q[run_end - 1]
            d = ord(sep)
            prev = arr[np.maximum(first_pos - 1, 0)]
            opens = (run_first % 2 == 0) & (first_pos != start) & (prev != d) & (prev != 10) & (prev != 13)
            nxt = arr[np.minimum(last_pos + 1, size - 1)]
            closes = (run_end % 2 == 0) & (last_pos != size - 1) & (nxt != d) & (nxt != 10) & (nxt != 13)
            bad = np.flatnonzero(opens | closes)
            if len(bad):
                at = int(first_pos[bad[0]]) if opens[bad[0]] else int(last_pos[bad[0]])
                return f"a quote character inside an unquoted field (byte {at})"
        boundaries = nl[(np.cumsum(~is_nl)[is_nl] % 2) == 0]
    if data.find(b"\r") >= 0:
        cr = _positions(arr, (13,))
        lone = cr[(cr == size - 1) | (arr[np.minimum(cr + 1, size - 1)] != 10)]
        if len(lone) and (np.searchsorted(q, lone) % 2 == 0).any():
            return "a carriage return without a line feed ends a line"
    starts = np.r_[start, boundaries + 1].astype(np.int64)
    ends = np.r_[boundaries, size].astype(np.int64)
    length = ends - starts
    last = arr[np.maximum(ends - 1, 0)]
    blank = (length == 0) | ((length == 1) & (last == 13))
    first = arr[np.minimum(starts, size - 1)]
    for i in np.flatnonzero(~blank & ((first == 32) | (first == 9))).tolist():
        if not data[starts[i]:ends[i]].strip():
            return f"a whitespace-only line (byte {int(starts[i])})"
    keep = np.flatnonzero(~blank)
    if not len(keep):
        return "no header row"
    h = keep[0]
    return CsvRecords(data, (int(starts[h]), int(ends[h])), starts[keep[1:]], ends[keep[1:]])


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from([b'"', b'""', b",", b";", b"\n", b"\r\n", b"\r", b" ", b"\t", b"x", b"ab", b'"x"',
                                 b'",', b',"', b'"\n"', b"\xef\xbb\xbf"]), min_size=1, max_size=40),
       st.sampled_from([",", ";"]), st.booleans())
def test_split_equals_the_reference_on_adversarial_bytes(parts: list[bytes], sep: str, bom: bool) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + b"h1,h2\n" + b"".join(parts)
    start = 3 if bom else 0
    for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_NONE):
        got, ref = split_csv(data, sep, quoting, start=start), _split_reference(data, sep, quoting, start=start)
        if isinstance(ref, str):
            assert got == ref
        else:
            assert not isinstance(got, str) and got.header == ref.header
            assert got.starts.tolist() == ref.starts.tolist() and got.ends.tolist() == ref.ends.tolist()


def test_record_hashes_are_of_the_bytes() -> None:
    recs = split_csv(b"a\nx\ny\nx\n", ",", csv.QUOTE_MINIMAL)
    h = record_hashes(recs)
    assert h.dtype == np.int64 and h[0] == h[2] != h[1]


# ------------------------------------------------------------------------------------------- equality


def test_edits_new_removed_bad_reordered_rows_equal_the_full_path(tmp_path: Path) -> None:
    week1 = corpus(120)
    week1.loc[7, "created_at"] = "not a date"       # a rejected row, unchanged next week
    week1.loc[8, "rating"] = "eleven"               # a rejected row, fixed next week
    week2 = week1.copy()
    week2.loc[[3, 40, 77], "text"] += " Update: it stopped working."   # edits
    week2.loc[8, "rating"] = "4"                    # the rejected row fixed
    week2.loc[50, "helpful_votes"] = "12"           # metadata only: refreshed in place
    week2 = week2.drop(index=[10, 11, 90])          # removed
    new = corpus(6, seed=9).assign(review_id=[f"N{i}" for i in range(6)], author=[f"new{i}" for i in range(6)])
    new.loc[0, "rating"] = "0"                      # a new bad row
    same_id = week1.loc[[20]].assign(text="A later version of review 20", created_at="2024-05-01T00:00:00Z")
    copy_other_product = week1.loc[[30]].assign(review_id="C30", product_id="B999")  # same author/date/text
    week2 = pd.concat([week2, new, same_id, copy_other_product]).sample(frac=1.0, random_state=3)  # reordered
    paths = [write(tmp_path / "week1.csv", week1), write(tmp_path / "week2.csv", week2)]
    got = run_both(tmp_path, paths, full_export=True)
    assert got[0].mode == "full" and got[1].mode == "incremental"
    assert got[1].reread < len(week2) // 2
    assert got[1].report.possibly_removed >= 3 and got[1].report.changed >= 3 and got[1].report.refreshed == 1
    assert got[1].result.files[0].duplicates == 2


def test_unchanged_rejected_row_is_reported_again_and_a_changed_one_rechecked(tmp_path: Path) -> None:
    week1 = corpus(30)
    week1.loc[4, "created_at"] = "13/45/2024"
    week3 = week1.copy()
    week3.loc[4, "created_at"] = "2024-03-01T10:00:00Z"
    paths = [write(tmp_path / "a.csv", week1), write(tmp_path / "b.csv", week1), write(tmp_path / "c.csv", week3)]
    got = run_both(tmp_path, paths)
    assert [g.report.rejected for g in got] == [1, 1, 0]
    assert got[1].result.rejects["source_row"].tolist() == [5]
    assert got[1].mode == "incremental" and got[1].reread == 1
    assert got[2].mode == "incremental" and got[2].report.new == 1


def test_same_file_again_reads_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", corpus(50))
    got = run_both(tmp_path, [path, path, path], full_export=True)
    assert [g.mode for g in got] == ["full", "incremental", "incremental"]
    assert got[2].reread == 0 and got[2].report.unchanged == 50 and len(got[2].result.reviews) == 0


def test_changed_header_order_and_another_layout(tmp_path: Path) -> None:
    week1 = corpus(40)
    reordered = week1[list(reversed(HEADER))]
    other = week1.rename(columns={"rating": "Stars", "text": "Review", "created_at": "Date"})[
        ["Stars", "Review", "Date", "review_id", "author"]]
    paths = [write(tmp_path / "a.csv", week1), write(tmp_path / "b.csv", reordered),
             write(tmp_path / "c.tsv", other, sep="\t"), write(tmp_path / "d.csv", week1)]
    got = run_both(tmp_path, paths)
    assert [g.mode for g in got] == ["full", "full", "full", "incremental"]
    assert "no raw state" in got[1].reason


def test_column_map_or_format_change_forces_the_full_path(tmp_path: Path) -> None:
    week1 = corpus(30).rename(columns={"helpful_votes": "Votes"})
    path = write(tmp_path / "a.csv", week1)
    opts = [{}, {"column_map": {"Votes": "helpful_votes"}}, {"column_map": {"Votes": "helpful_votes"}},
            {"format": "generic", "column_map": {"Votes": "helpful_votes"}}, {"platform": "google"}]
    got = run_both(tmp_path, [path] * len(opts), options=opts)
    assert [g.mode for g in got] == ["full", "full", "incremental", "full", "full"]


def test_another_ingest_in_between_is_noticed(tmp_path: Path) -> None:
    week1 = corpus(30)
    edited = week1.copy()
    edited.loc[5, "text"] = "Edited elsewhere"
    paths = [write(tmp_path / "a.csv", week1), write(tmp_path / "other.csv", edited),
             write(tmp_path / "a2.csv", week1)]
    got = run_both(tmp_path, paths)
    assert got[2].report.changed == 1 and got[2].mode == "incremental"


def test_possibly_removed_review_back_in_an_unchanged_record_is_restored(tmp_path: Path) -> None:
    week1 = corpus(30)
    paths = [write(tmp_path / "a.csv", week1), write(tmp_path / "b.csv", week1.drop(index=[3])),
             write(tmp_path / "c.csv", week1)]
    got = run_both(tmp_path, paths, full_export=True)
    assert got[1].report.possibly_removed == 1 and got[2].report.restored == 1


def test_stray_quote_reads_the_whole_file(tmp_path: Path) -> None:
    week1 = corpus(20)
    path = tmp_path / "q.csv"
    text = week1.to_csv(index=False).replace("Title 3,", 'Title 3 5" wide,', 1)
    path.write_text(text)
    got = run_both(tmp_path, [path, path])
    assert [g.mode for g in got] == ["full", "full"] and "quote" in got[1].reason


def test_slash_date_order_decided_over_the_whole_file(tmp_path: Path) -> None:
    week1 = corpus(30)
    week1["created_at"] = [f"{(i % 12) + 1:02d}/{(i % 9) + 1:02d}/2024" for i in range(30)]
    week2 = pd.concat([week1, corpus(1, seed=5).assign(review_id="D1", created_at="25/01/2024")])
    week3 = pd.concat([week2, corpus(1, seed=6).assign(review_id="D2", created_at="26/01/2024")])
    paths = [write(tmp_path / f"{k}.csv", f) for k, f in (("a", week1), ("b", week2), ("c", week3))]
    got = run_both(tmp_path, paths)
    assert got[1].mode == "full" and "decision" in got[1].reason
    assert got[2].mode == "incremental"


def test_rating_scale_inferred_over_the_whole_file(tmp_path: Path) -> None:
    week1 = corpus(40).rename(columns={"rating": "score"})
    week1["score"] = [str(1 + i % 10) for i in range(40)]
    week2 = pd.concat([week1, corpus(2, seed=3).rename(columns={"rating": "score"}).assign(
        review_id=["S1", "S2"], score=["2", "3"])])
    paths = [write(tmp_path / "a.csv", week1), write(tmp_path / "b.csv", week2)]
    got = run_both(tmp_path, paths + [paths[1]])
    assert got[1].result.files[0].rating_scale == (1.0, 10.0)
    assert got[1].mode == "full" and "rating scale" in got[1].reason  # two 1-5 numbers alone would say 1-5
    assert got[2].mode == "incremental" and got[2].reread == 0 and got[2].result.files[0].rating_scale == (1.0, 10.0)


def test_encoding_change_reads_the_whole_file(tmp_path: Path) -> None:
    week1 = corpus(20)
    week1.loc[2, "text"] = "Très bien, café"
    a = write(tmp_path / "a.csv", week1)
    b = tmp_path / "b.csv"
    b.write_bytes(a.read_bytes() + b'N1,amazon,B001,5,,Caf\xe9 ok,u1,2024-02-02T00:00:00Z,1\n')
    got = run_both(tmp_path, [a, b, a])  # a small file: its encoding is part of the layout
    assert [g.mode for g in got] == ["full", "full", "incremental"] and "no raw state" in got[1].reason


def test_a_later_record_that_is_not_utf8_switches_the_whole_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("reviewtools.incremental._HEAD_BYTES", 300)  # the encoding check sees the first lines
    week1 = corpus(20)
    week1.loc[2, "text"] = "Très bien, café"
    a = write(tmp_path / "a.csv", week1)
    b = tmp_path / "b.csv"
    b.write_bytes(a.read_bytes() + b'N1,amazon,B001,5,,Caf\xe9 ok,u1,2024-02-02T00:00:00Z,1\n')
    c = tmp_path / "c.csv"
    c.write_bytes(b.read_bytes() + b'N2,amazon,B001,4,,Fine,u2,2024-02-03T00:00:00Z,1\n')
    d = tmp_path / "d.csv"
    d.write_bytes(a.read_bytes())  # valid UTF-8 again: the newest state of the layout (c's) was cp1252
    got = run_both(tmp_path, [a, b, c, d])
    assert [g.mode for g in got] == ["full", "full", "incremental", "full"]
    assert "encoding" in got[1].reason and "encoding" in got[3].reason
    assert got[2].result.files[0].encoding == "cp1252"


def test_jsonl_falls_back_to_the_full_path(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    corpus(10).to_json(path, orient="records", lines=True)
    got = run_both(tmp_path, [path, path])
    assert got[1].mode == "full" and "JSON" in got[1].reason


@pytest.mark.parametrize("seed", range(4))
def test_random_weekly_exports_equal_the_full_path(tmp_path: Path, seed: int) -> None:
    """Random edits, additions, removals, reorders, duplicates and bad rows over a few weeks."""
    rng = np.random.default_rng(seed)
    frame = corpus(80, seed=seed)
    paths = []
    for week in range(4):
        f = frame.copy()
        k = len(f)
        for i in rng.choice(k, size=3, replace=False):
            f.iloc[i, f.columns.get_loc("text")] += f" edit {week}"
        if rng.random() < 0.5:
            f.iloc[int(rng.integers(k)), f.columns.get_loc("rating")] = rng.choice(["9", "", "x"])
        if rng.random() < 0.5:
            j = int(rng.integers(k))
            f = pd.concat([f, f.iloc[[j]].assign(product_id="B777", review_id=f"K{week}")])
        if rng.random() < 0.5:
            j = int(rng.integers(k))
            f = pd.concat([f, f.iloc[[j]].assign(text="newer copy", created_at="2024-06-01T00:00:00Z")])
        f = f.drop(index=f.index[rng.choice(len(f), size=2, replace=False)])
        extra = corpus(3, seed=100 + week).assign(review_id=[f"W{week}_{i}" for i in range(3)],
                                                   author=[f"w{week}{i}" for i in range(3)])
        f = pd.concat([f, extra])
        if rng.random() < 0.5:
            f = f.sample(frac=1.0, random_state=int(rng.integers(1000)))
        frame = f.reset_index(drop=True)
        paths.append(write(tmp_path / f"week{week}.csv", frame))
    got = run_both(tmp_path, paths, full_export=bool(seed % 2))
    assert any(g.mode == "incremental" for g in got[1:])


def test_state_is_a_packed_array_per_layout(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", corpus(25))
    with ReviewStore(tmp_path / "s.db") as store:
        store.ingest_file(path)
        blob, rows = store._con.execute("SELECT entries, rows FROM raw_state_part p JOIN raw_state s "
                                        "ON p.source = s.base WHERE part = 0").fetchone()
    state = np.frombuffer(blob, dtype=STATE_DTYPE)
    assert rows == len(state) == 25 and (state["pk"] > 0).all()


def test_an_untouched_duplicate_group_is_not_read_again_and_a_reordered_one_is(tmp_path: Path) -> None:
    week1 = corpus(40)
    newer = week1.loc[[5]].assign(text="Later version", created_at="2024-05-05T00:00:00Z")  # same review id
    copy = week1.loc[[9]].assign(review_id="COPY9", product_id="B999")                    # same author/date/text
    week1 = pd.concat([week1, newer, copy], ignore_index=True)
    week2 = week1.copy()
    week2.loc[20, "text"] += " edited"
    week3 = week2.copy()
    week3.iloc[[5, 40]] = week3.iloc[[40, 5]].to_numpy()  # the two versions of review 5 swap places
    paths = [write(tmp_path / f"{k}.csv", f) for k, f in (("a", week1), ("b", week2), ("c", week3))]
    got = run_both(tmp_path, paths)
    assert got[0].result.files[0].duplicates == 2
    assert got[1].mode == "incremental" and got[1].reread == 1 and got[1].result.files[0].duplicates == 2
    assert got[2].mode == "incremental" and got[2].reread == 2


def test_identical_copies_are_matched_copy_for_copy(tmp_path: Path) -> None:
    week1 = corpus(30)
    week1 = pd.concat([week1, week1.loc[[3, 3]]], ignore_index=True)  # review 3 three times, byte for byte
    week2 = week1.copy()
    week2.loc[12, "text"] += " edited"
    week3 = week2.drop(index=[31])  # one copy fewer: the group is read again
    paths = [write(tmp_path / f"{k}.csv", f) for k, f in (("a", week1), ("b", week2), ("c", week3))]
    got = run_both(tmp_path, paths)
    assert got[1].mode == "incremental" and got[1].reread == 1 and got[1].result.files[0].duplicates == 2
    assert got[2].mode == "incremental" and got[2].reread == 2 and got[2].result.files[0].duplicates == 1


def test_a_stream_is_read_like_a_file(tmp_path: Path) -> None:
    data = corpus(12).to_csv(index=False).encode()
    with ReviewStore(tmp_path / "s.db") as store:
        first = store.ingest_file(io.BytesIO(data))
        again = store.ingest_file(io.BytesIO(data))
        jsonl = store.ingest_file(io.BytesIO(corpus(3).to_json(orient="records", lines=True).encode()))
    assert (first.report.new, again.mode, again.report.unchanged, jsonl.mode) == (12, "incremental", 12, "full")


# ------------------------------------------------------------------------------------------- state as base + delta


def _weeks(tmp_path: Path, n: int = 40, weeks: int = 5) -> list[Path]:
    """Exports of one layout, each the last with a text edited, a review appended and one dropped (and, in week 3,
    the rows shuffled)."""
    frame = corpus(n)
    paths = [write(tmp_path / "export.csv", frame)]
    for week in range(1, weeks):
        frame = frame.copy()
        frame.loc[frame.index[week * 3], "text"] += f" edit {week}"
        frame = pd.concat([frame.drop(index=frame.index[week]),
                           corpus(1, seed=50 + week).assign(review_id=f"N{week}", author=f"n{week}")])
        if week == 3:
            frame = frame.sample(frac=1.0, random_state=week)
        frame = frame.reset_index(drop=True)
        sub = tmp_path / f"w{week}"
        sub.mkdir()
        paths.append(write(sub / "export.csv", frame))  # the same file name every week, as a daily export has
    return paths


def _kept_state(db: Path) -> np.ndarray:
    from reviewtools.incremental import _load_state

    with ReviewStore(db) as store:
        layout, source = store._con.execute("SELECT layout, source FROM raw_state").fetchone()
        return _load_state(store, layout, source).records.copy()


def test_state_is_kept_as_a_delta_and_loads_as_the_whole_state(tmp_path: Path, monkeypatch, caplog) -> None:
    import reviewtools.incremental as inc

    paths = _weeks(tmp_path)
    caplog.set_level("INFO", logger="reviewtools.incremental")
    got = run_both(tmp_path, paths)
    kinds = [m.split("raw state kept as ")[1].split(")")[0] for m in caplog.messages if "raw state kept as" in m]
    assert kinds[0] == "base" and kinds[1] == "delta" and "delta" in kinds[2:]
    assert all(g.mode == "incremental" for g in got[1:])
    with sqlite3.connect(tmp_path / "inc.db") as con:
        parts = dict(con.execute("SELECT part, length(entries) FROM raw_state_part").fetchall())
    assert set(parts) == {0, 1} and parts[1] < parts[0]
    # the same exports with a base written every time: the same state, record for record
    monkeypatch.setattr(inc, "DELTA_REBASE_SHARE", 0.0)
    with ReviewStore(tmp_path / "base.db", clock=Clock()) as store:
        for path in paths:
            store.ingest_file(path)
    with sqlite3.connect(tmp_path / "base.db") as con:
        assert [p for (p,) in con.execute("SELECT part FROM raw_state_part")] == [0]
    delta_state, base_state = _kept_state(tmp_path / "inc.db"), _kept_state(tmp_path / "base.db")
    assert delta_state.tobytes() == base_state.tobytes()
    recs = split_csv(paths[-1].read_bytes(), ",", csv.QUOTE_MINIMAL)
    assert (delta_state["rhash"] == record_hashes(recs)).all()


def test_a_large_delta_is_written_as_a_new_base(tmp_path: Path, monkeypatch, caplog) -> None:
    import reviewtools.incremental as inc

    share = 0.1
    monkeypatch.setattr(inc, "DELTA_REBASE_SHARE", share)  # 256 bytes of a 40-record base
    paths = _weeks(tmp_path, weeks=5)
    caplog.set_level("INFO", logger="reviewtools.incremental")
    run_both(tmp_path, paths)  # still the full path's results
    kinds = [m.split("raw state kept as ")[1].split(")")[0] for m in caplog.messages if "raw state kept as" in m]
    assert kinds[:2] == ["base", "delta"] and "base" in kinds[2:], kinds  # the deltas grow until one is rebased
    with ReviewStore(tmp_path / "one.db", clock=Clock()) as store:
        for path in paths:
            store.ingest_file(path)
            sizes = dict((k, (r, e)) for k, r, e in store._con.execute(
                "SELECT part, length(runs), length(entries) FROM raw_state_part"))
            if 1 in sizes:
                assert sum(sizes[1]) <= share * sizes[0][1]


def test_a_delta_that_does_not_fit_its_base_reads_the_whole_file(tmp_path: Path) -> None:
    paths = _weeks(tmp_path, weeks=3)
    run_both(tmp_path, paths[:2])
    with sqlite3.connect(tmp_path / "inc.db") as con:
        con.execute("UPDATE raw_state_part SET runs = x'0100000000000000' WHERE part = 1")  # not whole triples
    with ReviewStore(tmp_path / "inc.db", clock=Clock()) as store:
        got = store.ingest_file(paths[2])
    assert got.mode == "full" and got.reason == "no raw state for this layout yet"


def test_apply_delta_rejects_overlapping_or_out_of_range_runs() -> None:
    from reviewtools.incremental import _apply_delta

    base = np.zeros(4, STATE_DTYPE)
    base["rhash"] = [1, 2, 3, 4]
    none = np.zeros(0, STATE_DTYPE).tobytes()
    assert _apply_delta(base, np.array([[0, 0, 2], [1, 2, 2]], "<i8").tobytes(), none, 3) is None  # overlap
    assert _apply_delta(base, np.array([[0, 3, 2]], "<i8").tobytes(), none, 2) is None  # past the base
    rec, origin = _apply_delta(base, np.array([[0, 1, 3]], "<i8").tobytes(), none, 3)
    assert rec["rhash"].tolist() == [2, 3, 4] and origin.tolist() == [1, 2, 3]


def _parts(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as con:
        return sorted(con.execute("SELECT source, part FROM raw_state_part").fetchall())


def test_daily_exports_with_new_names_keep_deltas_against_one_base(tmp_path: Path) -> None:
    paths = []
    for day, p in enumerate(_weeks(tmp_path, weeks=6)):
        paths.append(p.rename(tmp_path / f"reviews_2024-06-0{day + 1}.csv"))
    got = run_both(tmp_path, paths)
    assert all(g.mode == "incremental" for g in got[1:])
    parts = _parts(tmp_path / "inc.db")
    # days 2-3 were deltas against day 1's base; day 4 (every row moved) wrote a new base, days 5-6 deltas against
    # it; the STATES_PER_LAYOUT newest states (days 4-6) are kept, and day 1's base went with the states using it
    assert parts == [("reviews_2024-06-04.csv@4", 0), ("reviews_2024-06-05.csv", 1), ("reviews_2024-06-06.csv", 1)]


def test_a_new_base_never_replaces_one_another_state_starts_from(tmp_path: Path) -> None:
    weeks = _weeks(tmp_path, weeks=3)
    a1 = weeks[0]
    b1 = weeks[1].rename(tmp_path / "b.csv")
    shuffled = corpus(40).sample(frac=1.0, random_state=3)
    shuffled.loc[shuffled.index[0], "text"] += " edited"
    (tmp_path / "again").mkdir()
    a2 = write(tmp_path / "again" / a1.name, shuffled)  # file a again, every record moved: too many runs for a delta
    got = run_both(tmp_path, [a1, b1, a2, b1])
    assert [g.mode for g in got] == ["full", "incremental", "incremental", "incremental"]
    # b's state (a delta against a's first base) still loads whole: only the two records whose stored review the
    # second a changed since (b's edit undone, a's new edit) are read again, and every table equals the full path's
    assert got[3].reread == 2
    assert ("export.csv@1", 0) in _parts(tmp_path / "inc.db") and ("export.csv@3", 0) in _parts(tmp_path / "inc.db")


# ------------------------------------------------------------------------------------------- block hashes


def _edited_bytes(seed: int, n: int = 400) -> tuple[bytes, bytes]:
    """An export and the next one: a few texts edited, rows dropped and inserted, and (odd seeds) a row moved."""
    rng = np.random.default_rng(seed)
    week1 = corpus(n, seed=seed)
    week2 = week1.copy()
    for i in rng.choice(n, size=4, replace=False):
        week2.loc[i, "text"] += " (edited)"
    week2 = week2.drop(index=rng.choice(n, size=3, replace=False))
    extra = corpus(5, seed=seed + 1000).assign(review_id=[f"X{i}" for i in range(5)])
    at = sorted(rng.choice(len(week2), size=5, replace=False))
    parts, last = [], 0
    for j, a in enumerate(at):
        parts += [week2.iloc[last:a], extra.iloc[[j]]]
        last = a
    week2 = pd.concat(parts + [week2.iloc[last:]])
    if seed % 2:
        week2 = pd.concat([week2.iloc[1:], week2.iloc[[0]]])
    return week1.to_csv(index=False).encode(), week2.to_csv(index=False).encode()


@pytest.mark.parametrize("seed", range(6))
def test_block_assisted_hashes_equal_every_record_hashed(seed: int) -> None:
    from reviewtools.incremental import _hashes

    first, second = _edited_bytes(seed, n=1500)
    r1 = split_csv(first, ",", csv.QUOTE_MINIMAL)
    r2 = split_csv(second, ",", csv.QUOTE_MINIMAL)
    h1, blocks1, hashed1 = _hashes(r1, None, None)
    assert hashed1 == len(r1) and (h1 == record_hashes(r1)).all()
    old = np.zeros(len(r1), STATE_DTYPE)
    old["rhash"] = h1
    h2, blocks2, hashed2 = _hashes(r2, old, blocks1)
    assert (h2 == record_hashes(r2)).all()
    assert blocks2["count"].sum() == len(r2) and hashed2 < len(r2) / 2  # most blocks were seen
    # blocks that do not describe the old records (another file's, or damaged) never give a wrong hash
    shifted = blocks1.copy()
    shifted["count"][0] += 1
    shifted["count"][-1] -= 1
    h3, _, _ = _hashes(r2, old, shifted)
    assert (h3 == record_hashes(r2)).all()
    h4, _, hashed4 = _hashes(r2, old, blocks1[:0])
    assert hashed4 == len(r2) and (h4 == record_hashes(r2)).all()


def test_block_cuts_depend_on_the_records_not_their_positions() -> None:
    from reviewtools.incremental import block_cuts

    first, second = _edited_bytes(2, n=2000)
    r1, r2 = split_csv(first, ",", csv.QUOTE_MINIMAL), split_csv(second, ",", csv.QUOTE_MINIMAL)

    def cut_records(recs) -> set[bytes]:  # the bytes of the record before each cut
        return {recs.data[recs.starts[c - 1]:recs.ends[c - 1]] for c in block_cuts(recs)[:-1].tolist()}

    c1, c2 = cut_records(r1), cut_records(r2)
    assert 2000 / (3 * 16) < len(c1) < 2000 * 3 / 16  # about one cut in BLOCK_RECORDS
    assert len(c1 & c2) >= len(c1) - 20  # a few edits move a few cuts, not the rest
