"""The memory-lean paths of ingest and triage give exactly the results of the plain paths (issue 8).

Values and dtypes only: memory is measured in ``benchmarks/`` (``benchmarks/run.py``), never asserted here.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from reviewtools import ingest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_CSV = sorted(p for p in (ROOT / "tests" / "golden" / "ingest").glob("*/*") if p.suffix in (".csv", ".tsv"))

#: CSV bytes on which the pyarrow reader and the pandas C parser could part ways.
EDGE_CSV: tuple[bytes, ...] = (
    b"a,b\n1,2\n",
    b'a,b\n"x\r\ny",2\r\n3,4',  # a quoted CRLF, CRLF rows, no final newline
    b'a,b\n"abc" ,x\n',  # text after the closing quote
    b'a,b\n"abc"def,x\n',
    b'a,b\nab"cd,x\n',  # a quote inside an unquoted field (an odd count: pandas decides)
    b'a,b\n"",x\n',  # a quoted empty field is missing, like an empty one
    b"a,b\n   \n1,2\n",  # a whitespace-only line: pandas skips it
    b"a,b\n\n\n1,2\n\n",
    b"a,b\n,\n",
    b"\xef\xbb\xbfa,b\n1,2",  # BOM
    b"a,b\r1,2\r3,4\r",  # old Mac line ends
    b"a,b\n1\n",  # a short row: pandas fills it
    b"a,b\n1,2,3\n",  # a long row
    b'a,b\n"x""y",2\n',
    b"a,b\n x , y \n",
    b"a,b\n1,\x002\n",
    b'"a","b"\n1,2\n',
    b'a,b\n"unterminated,2\n',
    b'a,b\n1,"2\n',  # an unterminated quote at the end of the file
    b"a,a\n1,2\n",  # repeated header name: pandas renames it
    b"a,,c\n1,2,3\n",  # empty header name
    b"a\n1\n\n2\n",  # one column
    b"\na,b\n1,2\n",  # a blank line before the header
    b"a,b\nNA,null\n",
    b'a,b\n"a\rb",2\n',
    "a,b\nnaïve café,✓\n".encode(),
)


def _pandas_csv(data: bytes, sep: str = ",", quoting: int = csv.QUOTE_MINIMAL):
    """The pandas path of ``_read_csv`` (what the fast path must equal), or the exception it raises."""
    real = ingest._read_csv_arrow
    try:
        ingest._read_csv_arrow = lambda *a, **k: None  # type: ignore[assignment]
        return ingest._read_csv(data, "utf-8", sep, quoting)
    finally:
        ingest._read_csv_arrow = real  # type: ignore[assignment]


@pytest.mark.parametrize("data", EDGE_CSV, ids=range(len(EDGE_CSV)))
@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_NONE])
def test_arrow_csv_equals_pandas_or_declines(data: bytes, quoting: int) -> None:
    fast = ingest._read_csv_arrow(data, "utf-8", ",", quoting)
    if fast is None:
        return  # pandas decides, as before
    frame, rows, bad = _pandas_csv(data, quoting=quoting)
    assert bad == []
    assert_frame_equal(fast, frame, check_exact=True)
    assert all(str(fast[c].dtype) == "string" for c in fast.columns)


def test_arrow_csv_declines_what_pandas_reads_differently() -> None:
    for data in (b"a,a\n1,2\n", b"a,,c\n1,2,3\n", b"a\n1\n", b"\na,b\n1,2\n", b"a,b\n1\n", b"a,b\n1,2,3\n",
                 b"a,b\n   \n1,2\n", b'a,b\n1,"2\n'):
        assert ingest._read_csv_arrow(data, "utf-8", ",", csv.QUOTE_MINIMAL) is None, data
    assert ingest._read_csv_arrow(b"a,b\n1,2\n", "cp1252", ",", csv.QUOTE_MINIMAL) is None


@pytest.mark.parametrize("path", GOLDEN_CSV, ids=[p.parent.name + "/" + p.name for p in GOLDEN_CSV])
def test_read_reviews_same_with_and_without_arrow_reader(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = ingest.read_reviews(path)
    monkeypatch.setattr(ingest, "_read_csv_arrow", lambda *a, **k: None)
    slow = ingest.read_reviews(path)
    assert_frame_equal(fast.reviews, slow.reviews, check_exact=True)
    assert_frame_equal(fast.rejects, slow.rejects, check_exact=True)
    assert fast.files == slow.files


def test_clean_text_by_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    s = pd.Series(["a <br> b ", None, " x&amp;y", "q\r\nr", " z ", "<b>bold</b>", ""], dtype="string",
                  index=[5, 3, 1, 9, 7, 2, 0], name="text")
    whole = ingest.clean_text(s)
    monkeypatch.setattr(ingest, "CLEAN_BLOCK", 2)
    assert_series_equal(ingest.clean_text(s), whole, check_exact=True)


def _plain_duplicates(frame: pd.DataFrame, author_key: pd.Series) -> pd.Series:
    """The author/date/title/text duplicates the way they were first written: DataFrame.duplicated on copies."""
    dup, _ = ingest._id_duplicates(frame)
    keyed = author_key.notna().to_numpy() & (ingest._bool(frame["text"] != "") | frame["title"].notna().to_numpy())
    sub = pd.DataFrame({"p": frame["platform"], "a": author_key, "d": frame["created_at"],
                        "t": frame["title"].fillna(""), "x": frame["text"]})[keyed & ~dup]
    return dup | sub.duplicated(keep="first").reindex(frame.index, fill_value=False)


def test_duplicates_by_codes_equal_plain_duplicated() -> None:
    rng = np.random.default_rng(8)
    n = 400
    day = pd.Timestamp("2024-01-01", tz="UTC")
    frame = pd.DataFrame({
        "platform": pd.array(rng.choice(["amazon", "google"], n), dtype="string"),
        "review_id": pd.array([f"r{i}" for i in rng.integers(0, 380, n)], dtype="string"),
        "created_at": pd.Series([day + pd.Timedelta(days=int(d)) for d in rng.integers(0, 3, n)]),
        "title": pd.array(rng.choice(["Good", "Bad", None], n), dtype="string"),
        "text": pd.array(rng.choice(["", "ok", "fine", "broke"], n), dtype="string"),
        "rating": pd.array(rng.integers(1, 6, n), dtype="Int64"),
    })
    author = pd.Series(pd.array(rng.choice(["ann", "bob", None], n), dtype="string"))
    got, _ = ingest._duplicates(frame, author)
    want = _plain_duplicates(frame, author)
    assert got.any() and not got.all()
    assert_series_equal(got, want, check_names=False)


def test_take_rows_equals_boolean_indexing() -> None:
    frame = pd.DataFrame({"a": pd.array(["x", None, "z"], dtype="string"), "b": pd.array([1, 2, None], dtype="Int64")},
                         index=[4, 5, 6])
    want = frame[np.array([True, False, True])].copy()
    got = ingest._take_rows(frame.copy(), np.array([True, False, True]))
    assert_frame_equal(got, want)
    same = frame.copy()
    assert ingest._take_rows(same, np.ones(3, dtype=bool)) is same


def test_read_reviews_stream_with_blank_lines_and_crlf() -> None:
    text = "Stars,Review,Date\r\n5,\"Great\r\nreally\",2024-01-15\r\n\r\n4,Fine,not a date\r\n"
    res = ingest.read_reviews(io.BytesIO(text.encode()))
    assert res.ingested == 1 and res.rejected == 1
    assert res.reviews.loc[0, "text"] == "Great\nreally"


# ------------------------------------------------------------------------------------------- triage

SAMPLE = ROOT / "data" / "amazon_fine_food_sample.csv"


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    """90 real reviews (Amazon Fine Food sample, CC0), no reviewer names so reply drafts repeat across blocks."""
    return ingest.read_reviews(SAMPLE).reviews.head(90).reset_index(drop=True).assign(author=None)


def test_capped_partitions_and_streamed_decisions_equal_serial(reviews, monkeypatch):
    """Partitions of at most MAX_PARTITION_ROWS in workers that are replaced every WORKER_MAX_TASKS tasks, and
    decision blocks assembled as they arrive, give the serial run's frames: values, dtypes, order."""
    from reviewtools import pipeline
    from reviewtools.respond import ReplySettings

    settings = ReplySettings(amazon_public_reply=True)
    serial = pipeline.run_triage(reviews, settings, processes=1)
    monkeypatch.setattr(pipeline, "MAX_PARTITION_ROWS", 7)  # 13 partitions, not 2 x CHUNKS_PER_PROCESS
    monkeypatch.setattr(pipeline, "WORKER_MAX_TASKS", 2)
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    monkeypatch.setattr(pipeline, "DECISION_MAX_BLOCK", 7)  # 13 decision blocks, not 2 x CHUNKS_PER_PROCESS
    parallel = pipeline.run_triage(reviews, settings, processes=2)
    for got, want in ((parallel.reviews, serial.reviews), (parallel.hits, serial.hits),
                      (parallel.topic_matches, serial.topic_matches)):
        got, want = got.copy(), want.copy()
        got.attrs, want.attrs = {}, {}
        assert_frame_equal(got, want, check_exact=True)
    added = parallel.reviews[list(pipeline.TRIAGE_COLUMNS)]
    assert str(added["priority"].dtype) == "Float64"
    assert all(str(added[c].dtype) == "string" for c in pipeline.TRIAGE_COLUMNS if c != "priority")


def test_assemble_by_blocks_equals_one_block(reviews):
    """The serial pass fed the rows in several blocks writes the same columns as fed them in one."""
    from reviewtools import pipeline
    from reviewtools.respond import ReplySettings

    settings = ReplySettings(amazon_public_reply=True)
    scored, matches, hits, missing = pipeline.triage_partition(reviews)
    out = pipeline.coerce(scored)
    state = pipeline._decision_state(settings, hits, matches, True, (), frozenset())
    recs = out[[c for c in pipeline.DECISION_COLUMNS if c in out.columns]]
    rows = pipeline._decide_block(recs, state)
    one = pipeline._assemble([rows], recs, settings, frozenset())
    several = pipeline._assemble([rows[:10], rows[10:11], [], rows[11:]], recs, settings, frozenset())
    assert set(one) == set(pipeline._DECIDED_COLUMNS)
    for c in one:
        assert_series_equal(pd.Series(several[c]), pd.Series(one[c]), check_exact=True)


def test_priority_by_blocks_equals_one_block(reviews, monkeypatch):
    from reviewtools import pipeline

    frame = pipeline.coerce(reviews)
    score, reason = pipeline._priority(frame, None)
    monkeypatch.setattr(pipeline, "RECORD_BLOCK", 8)
    score8, reason8 = pipeline._priority(frame, None)
    assert_series_equal(pd.Series(score8), pd.Series(score), check_exact=True)
    assert_series_equal(pd.Series(reason8), pd.Series(reason), check_exact=True)
    assert len(score) == len(frame) and str(score.dtype) == "Float64" and str(reason.dtype) == "string"
    empty, empty_reason = pipeline._priority(frame.head(0), None)
    assert len(empty) == 0 and len(empty_reason) == 0


def test_decision_state_grouped_per_block_equals_grouping_the_whole(reviews):
    """A decision block groups only its reviews' hit, not-run and complaint rows: for each review key, the same
    entries (same rows, same order) as grouping the whole long frames, and nothing for reviews not asked for;
    a long frame without ``platform`` is keyed by id alone, as :func:`pipeline._lookup` falls back to."""
    from reviewtools import pipeline
    from reviewtools.respond import ReplySettings

    scored, matches, hits, _ = pipeline.triage_partition(reviews)
    by_hit, not_run = pipeline._hits_by_review(hits)
    complaints = pipeline._complaints(matches)
    assert not_run and complaints  # the sample exercises the not-run and complaint groupings
    state = pipeline._decision_state(ReplySettings(), hits, matches, True, (), frozenset())
    keys = pipeline._review_keys(scored)
    block = keys[::3] + [next(iter(by_hit)), list(complaints)[-1]]  # a third of the reviews, one hit, one complaint
    got_hit, got_nr, got_comp = state.grouped(block)
    for whole, got in ((by_hit, got_hit), (not_run, got_nr), (complaints, got_comp)):
        assert got and len(got) < len(whole) or len(whole) == 1
        assert got == {k: v for k, v in whole.items() if k in set(block)}
    assert state.grouped([]) == ({}, {}, {})
    no_platform = hits.drop(columns=["platform"])
    bare = pipeline._decision_state(ReplySettings(), no_platform, None, True, (), frozenset())
    ids = scored["review_id"].astype(str).tolist()[:25]
    want_nr = pipeline._hits_by_review(no_platform)[1]
    assert bare.grouped(ids)[1] == {k: v for k, v in want_nr.items() if k in set(ids)}
    assert bare.grouped(ids)[2] == {}


# ------------------------------------------------------------------------ dictionary-encoded frames in between

from hypothesis import given, settings as hyp_settings, strategies as st  # noqa: E402
from _depth import examples  # noqa: E402
from _depth import examples

_VALUES = st.one_of(st.none(), st.sampled_from(["", "a", "b", " a", "A", "ü", "x" * 40, "nan", "<NA>", "None"]),
                    st.text(max_size=6))


@hyp_settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(_VALUES, _VALUES, st.integers(-3, 3)), max_size=30),
       st.sampled_from(["string", "str", pd.StringDtype("python")]))
def test_encode_decode_gives_the_frame_back(rows, dtype):
    """The encoded frame run_triage holds between steps decodes to the very frame given (values, missing values,
    dtypes, index, column order), whatever the share of repeated values; the input is not changed."""
    from reviewtools import pipeline

    frame = pd.DataFrame({"a": pd.array([r[0] for r in rows], dtype=dtype),
                          "b": pd.array([r[1] for r in rows], dtype="string"),
                          "n": pd.array([r[2] for r in rows], dtype="Int64")},
                         index=pd.RangeIndex(7, 7 + 2 * len(rows), 2))
    before = frame.copy()
    enc = pipeline._encode(frame)
    assert_frame_equal(enc.decode(), frame, check_exact=True)
    assert_frame_equal(frame, before, check_exact=True)
    for col, kind in enc.frame.dtypes.items():
        assert (str(kind) == "category") == (col in enc.dtypes)
        assert col != "n" or col not in enc.dtypes


def test_encode_picks_the_repeated_string_columns(reviews):
    """On real hit and topic-match rows: the repeated columns (rule, clause, URL, note of a not-run check, topic,
    phrase) are encoded and the frame is smaller; decoding is exact."""
    from reviewtools import pipeline

    _, matches, hits, _ = pipeline.triage_partition(reviews)
    for long, repeated in ((hits, {"rule_id", "clause", "source_url", "outcome"}), (matches, {"topic", "phrase"})):
        enc = pipeline._encode(long)
        assert repeated <= set(enc.dtypes)
        assert_frame_equal(enc.decode(), long, check_exact=True)
        size = lambda f: f.memory_usage(deep=True, index=False).sum()  # noqa: E731
        assert size(enc.frame) < size(long)


def test_run_triage_hits_equal_check_reviews_order(reviews):
    """The duplicate check runs before the per-review stages (its memory never beside their results), yet its
    rows come after the per-review rows, exactly as :func:`reviewtools.rules.check_reviews` returns them."""
    from reviewtools import pipeline
    from reviewtools.rules import check_reviews

    dupes = pd.concat([reviews, reviews.head(12).assign(review_id=lambda f: f["review_id"] + "-copy",
                                                        author="someone else")], ignore_index=True)
    got = pipeline.run_triage(dupes, processes=1).hits.copy()
    got.attrs = {}
    want = check_reviews(pipeline.coerce(dupes))
    found = want["rule_id"].astype(str).str.contains("DUPLICATE") & (want["outcome"] == "hit")
    assert found.any()  # the duplicate check found the copies
    assert_frame_equal(got, want, check_exact=True)


def test_decisions_on_encoded_long_frames_equal_plain(reviews, monkeypatch):
    """run_triage hands the decisions its hit and match frames dictionary-encoded (they wait encoded while the
    decision workers run): the decided columns equal those from the plain frames, serial and in forked blocks."""
    from reviewtools import pipeline
    from reviewtools.respond import ReplySettings

    settings = ReplySettings(amazon_public_reply=True)
    scored, matches, hits, _ = pipeline.triage_partition(reviews)
    held = (pipeline._encode(hits), pipeline._encode(matches))
    assert held[0].dtypes and held[1].dtypes  # something is encoded
    plain = pipeline.recommend(scored, hits, matches, settings)
    assert_frame_equal(pipeline.recommend(scored, *held, settings), plain, check_exact=True)
    for got, want in zip(held, (hits, matches)):  # decoded in place once the decisions are made
        assert not got.dtypes
        assert_frame_equal(got.frame, want, check_exact=True)
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    monkeypatch.setattr(pipeline, "DECISION_MAX_BLOCK", 7)
    held = (pipeline._encode(hits), pipeline._encode(matches))
    assert_frame_equal(pipeline.recommend(scored, *held, settings, processes=2), plain, check_exact=True)
    assert_frame_equal(held[0].decode(), hits, check_exact=True)
