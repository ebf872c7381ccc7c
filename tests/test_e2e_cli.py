"""End to end through the command line, as a brand manager runs it: ingest -> check -> triage -> ratings ->
store ingest -> queue -> status -> digest, on a slice of the bundled sample.

Every figure the CLI prints or writes is compared with the library call that computes it (never with literals
copied from a run), so the CLI and the library cannot drift apart. Plus the cross-cutting invariants: unreadable
input is exit 2 and one line, read = ingested + rejected + duplicates, and outputs read back to the same frame.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from reviewtools import (
    ReviewStore,
    action_queue,
    build_digest,
    check_reviews,
    rating_summary,
    read_reviews,
    run_triage,
    summarise_checks,
)
from reviewtools.cli import EXIT_BAD_INPUT, main
from reviewtools.pipeline import FORMULA_PREFIXES

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "amazon_fine_food_sample.csv"
#: Rows of the sample the flow runs on: enough for several products, negative reviews and a guideline hit.
SLICE_ROWS = 120


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """The first SLICE_ROWS reviews of the sample, in the sample's own layout, plus one row with an Amazon
    order number (a strong removal basis) so the flow always carries a removal request."""
    path = tmp_path_factory.mktemp("e2e") / "export.csv"
    with SAMPLE.open(encoding="utf-8-sig", newline="") as fh, path.open("w", encoding="utf-8", newline="") as out:
        reader, writer = csv.reader(fh), csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        rows = [row for _, row in zip(range(SLICE_ROWS), reader)]
        writer.writerows(rows)
        extra = dict(zip(header, rows[0]))
        extra.update(Id="999999", UserId="AE2ETESTUSER", ProfileName="Pat Q.", Score="1", Summary="Never again",
                     Text="Order 112-3456789-1234567 arrived broken and nobody answered my messages.")
        writer.writerow([extra[h] for h in header])
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    skip = ["source_file", "source_row"]  # provenance names the file read, which differs on read-back
    pd.testing.assert_frame_equal(a.drop(columns=skip).reset_index(drop=True),
                                  b.drop(columns=skip).reset_index(drop=True))


def test_ingest_counts_and_outputs_read_back(export, tmp_path, capsys):
    lib = read_reviews(export)
    for suffix in ("csv", "parquet"):
        out, rej = tmp_path / f"reviews.{suffix}", tmp_path / "rejects.csv"
        code, printed, _ = _run(capsys, "ingest", str(export), "--out", str(out), "--rejects", str(rej))
        assert code == 0
        row = next(line for line in printed.splitlines() if "export.csv" in line)
        read, ingested, rejected, dupes = map(int, row.split()[2:6])
        assert (read, ingested, rejected, dupes) == (lib.rows_read, lib.ingested, lib.rejected, lib.duplicates)
        assert read == ingested + rejected + dupes
        back = read_reviews(out)
        assert back.format == "canonical"
        _frames_equal(back.reviews, lib.reviews)
        assert len(pd.read_csv(rej)) == lib.rejected


def test_check_prints_the_library_counts(export, tmp_path, capsys):
    frame = read_reviews(export).reviews
    hits = check_reviews(frame)
    dest = tmp_path / "hits.csv"
    code, printed, _ = _run(capsys, "check", str(export), "--out", str(dest))
    assert code == 0
    flagged = hits.loc[hits["outcome"] == "hit", "review_id"].nunique()
    assert f"{len(frame)} reviews checked, {flagged} with at least one hit" in printed
    by_cat, by_reason = summarise_checks(hits)
    for r in by_cat.itertuples():
        assert re.search(rf"^{r.category}\s+{r.strength}\s+{r.hits}\s+{r.removal_basis}\s+{r.reviews}$", printed, re.M)
    for r in by_reason.itertuples():
        assert re.search(rf"^\s+{r.rule_id}\s+{r.reviews}\s", printed, re.M)
    written = pd.read_csv(dest)
    assert len(written) == len(hits)
    assert sorted(written["rule_id"]) == sorted(hits["rule_id"].astype(str))
    assert "AMZ-PRIVATE-ORDER-NUMBER" in set(written["rule_id"])  # the planted order number


def test_triage_queue_matches_the_library_and_is_excel_safe(export, tmp_path, capsys):
    lib = run_triage(read_reviews(export).reviews)
    queue = action_queue(lib.reviews)
    dest = tmp_path / "actions.csv"
    code, printed, _ = _run(capsys, "triage", str(export), "--out", str(dest))
    assert code == 0
    counts = lib.reviews["action"].value_counts()
    for action in ("removal_request", "manual_review", "public_reply", "thank", "none"):
        assert re.search(rf"^\s+{action}\s+{int(counts.get(action, 0))}$", printed, re.M), action
    assert dest.read_bytes()[:3] == b"\xef\xbb\xbf"
    written = pd.read_csv(dest, encoding="utf-8-sig", keep_default_na=False)
    assert written["review_id"].tolist() == queue["review_id"].astype(str).tolist()
    assert written["action"].tolist() == queue["action"].astype(str).tolist()
    assert (written["action_reason"].str.len() > 0).all()
    removal = written[written["action"] == "removal_request"]
    assert len(removal) and (removal["rule_ids"] != "").all() and (removal["evidence"] != "").all()
    with dest.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row), row


def test_ratings_prints_the_library_average(export, capsys):
    frame = read_reviews(export).reviews
    summary = rating_summary(frame, by=None)
    code, printed, _ = _run(capsys, "ratings", str(export), "--target", "4.5")
    assert code == 0
    line = next(line for line in printed.splitlines() if line.strip().startswith("all "))
    n, average = line.split()[1:3]
    assert int(n) == int(summary["n_reviews"].iloc[0])
    assert float(average) == pytest.approx(float(summary["average"].iloc[0]), abs=5e-4)


def test_store_flow_queue_status_digest(export, tmp_path, capsys):
    db = tmp_path / "reviews.db"
    code, printed, _ = _run(capsys, "ingest", str(export), "--db", str(db))
    assert code == 0
    lib = read_reviews(export)
    row = next(line for line in printed.splitlines() if "export.csv" in line)
    read, new, changed, unchanged = map(int, row.split()[2:6])
    assert (read, new, changed, unchanged) == (lib.rows_read, lib.ingested, 0, 0)
    # the same export again changes nothing
    code, printed, _ = _run(capsys, "ingest", str(export), "--db", str(db))
    row = next(line for line in printed.splitlines() if "export.csv" in line)
    assert code == 0 and list(map(int, row.split()[3:6])) == [0, 0, lib.ingested]

    with ReviewStore(db) as store:
        open_actions = store.open_actions()
    qfile = tmp_path / "queue.csv"
    code, printed, _ = _run(capsys, "queue", "--db", str(db), "--out", str(qfile), "--limit", "0")
    assert code == 0
    written = pd.read_csv(qfile, encoding="utf-8-sig", keep_default_na=False)
    assert written["review_id"].tolist() == open_actions["review_id"].astype(str).tolist()
    # the store's actions are the ones triage recommends for the same reviews
    triaged = run_triage(lib.reviews).reviews.set_index("review_id")["action"]
    for rid, action in zip(written["review_id"], written["action"]):
        assert triaged[rid] == action

    rid = str(open_actions["review_id"].iloc[0])
    code, printed, _ = _run(capsys, "status", rid, "drafted", "--db", str(db), "--assignee", "ana")
    assert code == 0 and f"{rid}: new -> drafted" in printed
    code, printed, _ = _run(capsys, "queue", "--db", str(db), "--status", "drafted")
    assert code == 0 and rid in printed and "ana" in printed
    code, _, err = _run(capsys, "status", rid, "removed", "--db", str(db))  # drafted -> removed is not a move
    assert code == EXIT_BAD_INPUT and len(err.strip().splitlines()) == 1

    with ReviewStore(db) as store:
        digest = build_digest(store, since="30d")
    for suffix in ("html", "md"):
        dest = tmp_path / f"digest.{suffix}"
        code, printed, _ = _run(capsys, "digest", "--db", str(db), "--since", "30d", "--out", str(dest))
        assert code == 0
        c = digest.counts
        assert f"{c['new_reviews']} new reviews, {c['new_negative']} negative" in printed
        assert c["new_reviews"] == lib.ingested and dest.stat().st_size > 0
    assert "Never again" in (tmp_path / "digest.md").read_text(encoding="utf-8")


def test_queue_json_round_trip(export, tmp_path, capsys):
    dest = tmp_path / "actions.json"
    assert main(["triage", str(export), "--out", str(dest), "--all"]) == 0
    capsys.readouterr()
    records = json.loads(dest.read_text(encoding="utf-8"))
    assert len(records) == read_reviews(export).ingested


@pytest.mark.parametrize("content, needle", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
    (b"", "empty"),
    (b"text,date\nGreat,2024-01-02\n", "no rating column"),
])
def test_unreadable_input_is_one_line_and_exit_2(tmp_path, capsys, content, needle):
    bad = tmp_path / "export.csv"
    bad.write_bytes(content)
    for argv in (["ingest", str(bad)], ["check", str(bad)], ["triage", str(bad), "--out", str(tmp_path / "q.csv")],
                 ["ratings", str(bad)], ["sentiment", str(bad)], ["topics", str(bad)]):
        code, out, err = _run(capsys, *argv)
        assert code == EXIT_BAD_INPUT, argv
        lines = err.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0] and "export.csv" in lines[0] and "Traceback" not in err
