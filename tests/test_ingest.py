import csv
import gzip
import io
import json
import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from golden_ingest import GOLDEN, golden_inputs, snapshot
from reviewtools import IngestError, UnknownFormatError, list_formats, read_reviews, validate, write_frame
from reviewtools.cli import main
from reviewtools.formats import MAPPABLE, detect_format, synonym_mapping
from reviewtools.ingest import REJECT_COLUMNS, clean_text, infer_rating_scale, parse_dates, to_five_stars

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "amazon_fine_food_sample.csv"


def _csv(tmp_path, text, name="r.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _balanced(res):
    for f in res.files:
        assert f.rows_read == f.ingested + f.rejected + f.duplicates, f
    assert len(res.reviews) == res.ingested and len(res.rejects) == res.rejected


# ------------------------------------------------------------------------------ registry and golden files


@pytest.mark.parametrize("fmt", list_formats(), ids=lambda f: f.name)
def test_every_format_has_a_golden_file_that_it_detects(fmt):
    inputs = [p for p in golden_inputs() if p.parent.name == fmt.name]
    assert inputs, f"no golden input in {GOLDEN / fmt.name}"
    assert fmt.title and fmt.source and set(fmt.fields) <= set(MAPPABLE)
    for p in inputs:
        assert read_reviews(p).format == fmt.name, p


@pytest.mark.parametrize("path", golden_inputs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_file_reads_to_expected_canonical_values(path):
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text(encoding="utf-8"))
    got = snapshot(path)
    assert got["format"] == expected["format"]
    assert {k: got[k] for k in ("rows_read", "ingested", "rejected", "duplicates")} == {
        k: expected[k] for k in ("rows_read", "ingested", "rejected", "duplicates")
    }
    assert got["rejects"] == expected["rejects"]
    assert got["reviews"] == expected["reviews"]


@pytest.mark.parametrize("path", golden_inputs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_file_is_valid_and_balanced(path):
    res = read_reviews(path)
    validate(res.reviews)
    _balanced(res)
    assert list(res.rejects.columns) == list(REJECT_COLUMNS)
    assert res.rejects["reason"].notna().all() and (res.rejects["reason"] != "").all()


def test_sample_in_data_reads_cleanly():
    res = read_reviews(SAMPLE)
    assert res.format == "amazon_fine_food"
    assert (res.rows_read, res.rejected) == (1000, 0)
    assert res.ingested + res.duplicates == 1000 and res.duplicates < 10
    assert not res.reviews["text"].str.contains("<br", regex=False).any()
    assert res.reviews["review_id"].is_unique


# ------------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_canonical_output_reads_back_to_the_same_frame(tmp_path, suffix):
    sources = [p for p in golden_inputs() if p.parent.name in ("amazon_tsv", "google_play", "generic", "helium10")]
    first = read_reviews(sources)
    out = write_frame(first.reviews, tmp_path / f"reviews{suffix}")
    again = read_reviews(out)
    assert again.format == "canonical"
    pd.testing.assert_frame_equal(again.reviews, first.reviews)


def test_review_ids_are_stable_across_row_order_and_files(tmp_path):
    rows = ["Rating,Text,Date,Author", "5,Great,2024-01-01,A", "2,Bad,2024-01-02,B", "4,Fine,2024-01-03,C"]
    a = read_reviews(_csv(tmp_path, "\n".join(rows) + "\n", "a.csv"))
    b = read_reviews(_csv(tmp_path, "\n".join([rows[0], *reversed(rows[1:])]) + "\n", "b.csv"))
    ids_a = dict(zip(a.reviews["text"], a.reviews["review_id"]))
    ids_b = dict(zip(b.reviews["text"], b.reviews["review_id"]))
    assert ids_a == ids_b and len(set(ids_a.values())) == 3


# ------------------------------------------------------------------------------ bad input


def test_png_renamed_csv_is_a_clear_error(tmp_path):
    p = tmp_path / "photo.csv"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(IngestError, match=r"photo\.csv: this is a PNG image.*expected a review export"):
        read_reviews(p)


def test_empty_file_is_a_clear_error(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(IngestError, match=r"empty\.csv: file is empty"):
        read_reviews(p)


def test_csv_without_rating_column_names_columns_and_column_map(tmp_path):
    p = _csv(tmp_path, "Comment,When\nnice,2024-01-01\n", "norating.csv")
    with pytest.raises(IngestError) as exc:
        read_reviews(p)
    msg = str(exc.value)
    assert "norating.csv" in msg and "no rating column" in msg and "Comment, When" in msg
    assert "column_map" in msg and "\n" not in msg


def test_binary_garbage_is_a_clear_error(tmp_path):
    p = tmp_path / "garbage.csv"
    p.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(5000)))
    with pytest.raises(IngestError, match=r"garbage\.csv: .*binary"):
        read_reviews(p)


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\nxxxx", b"Comment\nhello\n"])
def test_cli_unreadable_input_exits_2_with_one_line(tmp_path, capsys, content):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    assert main(["ingest", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.csv" in err and "Traceback" not in err


def test_unknown_format_and_bad_column_map_are_errors(tmp_path):
    p = _csv(tmp_path, "Stars,Body,Date\n5,ok,2024-01-01\n")
    with pytest.raises(UnknownFormatError, match="known formats: .*amazon_tsv"):
        read_reviews(p, format="myspace")
    with pytest.raises(IngestError, match="not a canonical column"):
        read_reviews(p, column_map={"Stars": "stars_given"})
    with pytest.raises(IngestError, match="'Nope', which is not in the file; columns seen: Stars, Body, Date"):
        read_reviews(p, column_map={"Nope": "rating"})


# ------------------------------------------------------------------------------ parsing rules


def test_column_map_and_platform_override(tmp_path):
    p = _csv(tmp_path, "Grade,Words,Posted,Rating\n4,good,2024-05-01,n/a\n")
    res = read_reviews(p, column_map={"Grade": "rating", "Words": "text"}, platform="yelp")
    row = res.reviews.iloc[0]
    assert (row["rating"], row["text"], row["platform"]) == (4, "good", "yelp")
    assert res.rejected == 0


def test_rating_scales_follow_the_documented_rule():
    assert to_five_stars(pd.Series([1.0, 2.0, 5.5, 7.0, 10.0]), 1, 10).tolist() == [1, 1, 3, 4, 5]
    assert to_five_stars(pd.Series([0.0, 5.0, 10.0]), 0, 10).tolist() == [1, 3, 5]
    assert to_five_stars(pd.Series([4.5, 2.5, 0.5]), 1, 5).tolist()[:2] == [5, 3]  # half up
    assert pd.isna(to_five_stars(pd.Series([0.5]), 1, 5)).all()  # below the scale
    assert infer_rating_scale(pd.Series([5.0] * 99 + [7.0])) == (1.0, 5.0)  # one stray 7 is a reject
    assert infer_rating_scale(pd.Series([0.0, 10.0, 8.0])) == (0.0, 10.0)
    assert infer_rating_scale(pd.Series([35.0, 80.0, 100.0])) == (0.0, 100.0)


def test_rating_notations(tmp_path):
    text = 'Rating,Text,Date\n"4,0 out of 5 stars",a,2024-01-01\n8/10,b,2024-01-01\nFIVE,c,2024-01-01\n' \
           "★★★☆☆,d,2024-01-01\nthree,e,2024-01-01\ngreat,f,2024-01-01\n"
    res = read_reviews(_csv(tmp_path, text))
    assert dict(zip(res.reviews["text"], res.reviews["rating"])) == {"a": 4, "b": 4, "c": 5, "d": 3, "e": 3}
    assert res.rejects["reason"].tolist() == ["rating not understood"]


def test_star_word_ratings_are_on_their_stated_scale_not_the_inferred_one(tmp_path):
    # bare 8 and 10 make the inferred scale 1-10; "5 stars" must still be 5 of 5 (it read as 3)
    text = "Rating,Text,Date\n5 stars,a,2024-01-01\n4 stars,b,2024-01-01\n8,c,2024-01-01\n10,d,2024-01-01\n" \
           "4.5 out of 5,e,2024-01-01\n★★★★,f,2024-01-01\n1 star,g,2024-01-01\n"
    res = read_reviews(_csv(tmp_path, text))
    got = dict(zip(res.reviews["text"], res.reviews["rating"]))
    assert got == {"a": 5, "b": 4, "c": 4, "d": 5, "e": 5, "f": 4, "g": 1}
    assert res.files[0].rating_scale == (1.0, 10.0)
    _balanced(res)


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("2024-01-15", "2024-01-15T00:00:00+00:00"),
        ("2024-01-15T10:00:00-05:00", "2024-01-15T15:00:00+00:00"),
        ("1441324800", "2015-09-04T00:00:00+00:00"),
        ("1588687728923", "2020-05-05T14:08:48.923000+00:00"),
        ("January 15, 2024", "2024-01-15T00:00:00+00:00"),
        ("09 4, 2015", "2015-09-04T00:00:00+00:00"),
        ("17-Apr-18", "2018-04-17T00:00:00+00:00"),
        ("15 January 2024", "2024-01-15T00:00:00+00:00"),
        ("15.01.2024", "2024-01-15T00:00:00+00:00"),
    ],
)
def test_date_notations(raw, iso):
    assert parse_dates(pd.Series([raw])).iloc[0].isoformat() == iso


def test_slash_dates_are_day_first_only_when_the_file_says_so():
    us = parse_dates(pd.Series(["03/04/2024", "12/25/2024"]))
    eu = parse_dates(pd.Series(["03/04/2024", "25/12/2024"]))
    assert us.dt.month.tolist() == [3, 12] and eu.dt.month.tolist() == [4, 12]


def test_slash_dates_that_can_only_be_read_one_way_are_read_that_way():
    # a file with both 12/31 and 15/01: the ambiguous value follows month-first, each unambiguous one its own way
    got = parse_dates(pd.Series(["12/31/2024", "15/01/2024", "01/02/2024"]))
    assert got.dt.strftime("%Y-%m-%d").tolist() == ["2024-12-31", "2024-01-15", "2024-01-02"]
    assert parse_dates(pd.Series(["13/13/2024"])).isna().all()


def test_implausible_and_garbage_dates_are_rejected(tmp_path):
    text = "Rating,Text,Date\n5,a,1980-01-01\n5,b,yesterday\n5,c,\n5,d,2024-01-01\n"
    res = read_reviews(_csv(tmp_path, text))
    assert res.rejects["reason"].tolist() == ["date implausible (before 1995 or after 2099)",
                                              "date not understood", "date missing"]
    assert res.rejects["value"].tolist()[:2] == ["1980-01-01", "yesterday"]


def test_html_is_cleaned():
    got = clean_text(pd.Series(["Good<br /><br />Really &quot;good&quot; <b>buy</b> &lt;3 <grin>"]))
    assert got.iloc[0] == 'Good\n\nReally "good" buy <3 <grin>'


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_encodings(tmp_path, encoding):
    p = _csv(tmp_path, "Rating\tText\tDate\n5\tCafé “top” – très bien\t2024-01-01\n", encoding=encoding)
    res = read_reviews(p)
    assert res.reviews.loc[0, "text"] == "Café “top” – très bien"


def test_gzip_and_file_like_sources(tmp_path):
    raw = "Rating,Text,Date\n5,ok,2024-01-01\n".encode()
    p = tmp_path / "r.csv.gz"
    p.write_bytes(gzip.compress(raw))
    assert read_reviews(p).ingested == 1
    stream = io.BytesIO(raw)
    stream.name = "upload.csv"
    res = read_reviews(stream)
    assert res.reviews.loc[0, "source_file"] == "upload.csv"


def test_mcauley_variant_copies_and_cross_file_duplicates_collapse(tmp_path):
    line = {"overall": 5.0, "reviewerID": "A1", "unixReviewTime": 1441324800, "reviewText": "Nice", "summary": "ok"}
    lines = [json.dumps({**line, "asin": asin}) for asin in ("B01", "B02", "B03")]
    a = tmp_path / "a.jsonl"
    a.write_text("\n".join(lines) + "\n")
    b = tmp_path / "b.jsonl"
    b.write_text(lines[0] + "\n")
    res = read_reviews([a, b])
    assert [(f.ingested, f.duplicates) for f in res.files] == [(1, 2), (0, 1)]
    assert res.reviews.loc[0, "product_id"] == "B01"


def test_conflicting_duplicates_keep_the_later_version_and_say_so(tmp_path, capsys):
    old = _csv(tmp_path, "review_id,Rating,Text,Date\nr1,1,awful,2024-01-02\nr2,5,fine,2024-01-03\n"
                         "r3,4,same,2024-01-03\nr4,2,edited later,2024-03-01\n", name="old.csv")
    new = _csv(tmp_path, "review_id,Rating,Text,Date\nr1,4,better now,2024-01-02\nr3,4,same,2024-01-03\n"
                         "r4,1,first version,2024-02-01\nr5,3,x,2024-01-01\nr5,2,y,2024-01-01\n", name="new.csv")
    res = read_reviews([old, new])
    _balanced(res)
    got = res.reviews.set_index("review_id")
    assert got.loc["r1", "rating"] == 4 and got.loc["r1", "text"] == "better now"  # later file wins
    assert got.loc["r3", "source_file"].endswith("old.csv")  # identical copy: first kept, not a conflict
    assert got.loc["r4", "text"] == "edited later"  # the later created_at wins over file order
    assert got.loc["r5", "text"] == "y"  # later row wins within a file
    assert [(f.ingested, f.duplicates, f.conflicting_duplicates) for f in res.files] == [(3, 1, 1), (2, 3, 2)]
    assert res.conflicting_duplicates == 3 and res.duplicates == 4
    assert "kept the later version" in res.files[0].notes[0]
    assert main(["ingest", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "new.csv: 2 conflicting duplicates (same review id, different content): kept the later version" in out


@pytest.mark.parametrize(
    "url, marketplace",
    [
        ("https://www.amazon.com/gp/customer-reviews/R2ABCDEF123456/ref=cm_cr", "amazon.com"),
        ("https://www.amazon.co.uk/gp/customer-reviews/R2ABCDEF123456", "amazon.co.uk"),
        ("https://www.amazon.de/-/en/gp/customer-reviews/R2ABCDEF123456?ie=UTF8", "amazon.de"),
        ("https://www.amazon.com.au/review/R2ABCDEF123456", "amazon.com.au"),
        ("https://www.amazon.com.example.net/review/R2ABCDEF123456", None),  # not an Amazon host
        ("", None),
    ],
)
def test_helium10_marketplace_comes_from_the_review_url_host(tmp_path, url, marketplace):
    text = ("Date,Author,Verified,Helpful,Title,Body,Rating,Images,Videos,URL,Variation,Style\n"
            f'"January 15, 2024",Jane D.,Verified Purchase,2,Nice,Works well,5,,,{url},B07XJ8C8F5,Black\n')
    res = read_reviews(_csv(tmp_path, text, name="B07XJ8C8F5 reviews.csv"))
    assert res.format == "helium10"
    got = res.reviews.loc[0, "marketplace"]
    assert (pd.isna(got) if marketplace is None else got == marketplace)


def test_malformed_csv_rows_are_rejects_not_losses(tmp_path):
    text = 'Rating,Text,Date\n5,fine,2024-01-01\n4,too,many,2024-01-01\n3,ok,2024-01-02\n'
    res = read_reviews(_csv(tmp_path, text))
    _balanced(res)
    assert res.rejects.loc[0, "source_row"] == 2 and "4 fields" in res.rejects.loc[0, "reason"]
    assert res.reviews["source_row"].tolist() == [1, 3]


def test_detection_says_why():
    det = detect_format(["Review Stars", "Review Content", "Review Created (UTC)"])
    assert det.format.name == "trustpilot_csv" and "review stars" in det.reason
    assert detect_format(["foo", "bar"]).format.name == "generic"
    assert synonym_mapping(["reviews.rating", "Review Body", "createTime"]) == {
        "rating": "reviews.rating", "text": "Review Body", "created_at": "createTime"}


# ------------------------------------------------------------------------------ property tests

_cell = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from('\n\t",;<&')),
               max_size=12)
_header = st.text(alphabet=string.ascii_letters + " ._-", min_size=1, max_size=10)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    extra=st.lists(_header, max_size=4, unique_by=str.lower),
    rows=st.lists(st.tuples(st.one_of(st.sampled_from(["1", "5", "3.5", "", "x", "99", "FOUR"]), _cell),
                            _cell, st.one_of(st.sampled_from(["2024-01-01", "1441324800", "", "??"]), _cell),
                            st.lists(_cell, min_size=4, max_size=4)), max_size=12),
)
def test_arbitrary_headers_and_garbage_rows_never_lose_a_row(tmp_path, extra, rows):
    header = ["Rating", "Text", "Date"] + [h for h in extra if h.strip().lower() not in ("rating", "text", "date")]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for rating, text, date, more in rows:
        w.writerow([rating, text, date, *more[: len(header) - 3]])
    p = tmp_path / "prop.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    res = read_reviews(p)
    validate(res.reviews)
    _balanced(res)
    data_rows = sum(1 for r in csv.reader(io.StringIO(buf.getvalue())) if r and r != [""]) - 1
    assert res.rows_read == data_rows
    assert res.rejects["reason"].str.len().gt(0).all()


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.dictionaries(
    st.sampled_from(["rating", "stars", "text", "body", "date", "createTime", "x", "reviews.rating"]),
    st.one_of(st.none(), st.booleans(), st.integers(-5, 2_000_000_000_000), st.floats(allow_nan=False), _cell,
              st.lists(st.integers(), max_size=2)),
    min_size=1), min_size=1, max_size=10))
def test_arbitrary_jsonl_records_normalise_or_are_rejected(tmp_path, records):
    p = tmp_path / "prop.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    try:
        res = read_reviews(p)
    except IngestError as exc:  # only allowed when no record has a rating-like key
        assert "no rating column" in str(exc)
        assert not any(k in r for r in records for k in ("rating", "stars", "reviews.rating"))
        return
    validate(res.reviews)
    _balanced(res)
    assert res.rows_read == len(records)


# ------------------------------------------------------------------------------ command line


def test_cli_ingest_prints_counts_and_writes_outputs(tmp_path, capsys):
    src = GOLDEN / "amazon_tsv" / "input.tsv"
    out, rej = tmp_path / "reviews.parquet", tmp_path / "rejects.csv"
    assert main(["ingest", str(src), "--out", str(out), "--rejects", str(rej)]) == 0
    text = capsys.readouterr().out
    assert "amazon_tsv" in text and "2015-08-29..2015-08-31" in text
    line = next(ln for ln in text.splitlines() if "amazon_tsv" in ln).split()
    assert line[2:6] == ["5", "3", "1", "1"]  # read, ingested, rejected, duplicates
    assert len(pd.read_parquet(out)) == 3 and pd.read_csv(rej)["reason"].tolist() == ["rating outside the 1–5 scale"]


def test_cli_map_and_formats(tmp_path, capsys):
    p = _csv(tmp_path, "Grade,Words,Posted\n4,good,2024-05-01\n")
    assert main(["ingest", str(p), "--map", "Grade=rating", "--map", "Words=text"]) == 0
    assert main(["formats"]) == 0
    out = capsys.readouterr().out
    assert all(f.name in out for f in list_formats())


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=40), st.sampled_from("\ufffd\ufffc\x85\x7f\u2028")),
               max_size=60))
def test_binary_check_counts_the_control_characters_one_by_one(sample: str) -> None:
    from reviewtools.ingest import _CONTROLS

    by_char = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    assert len(_CONTROLS.findall(sample)) == by_char


_COUNTS = ["0", "3", " 12 ", "1,200", "1 200", "one", "a", "an", "One person found this helpful", "2 people",
           "2.5", "-1", "", "many", "N/A", "x", "7.0", "99999999999999999999"]
_PLATFORMS = ["Amazon", "amazon", " Google Maps ", "google-business", "AppStore", "Play Store", "yelp", "",
              "Trust pilot", "other", "ÄMAZON", "google_play"]


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(_COUNTS), st.text(max_size=6)), max_size=30),
       st.lists(st.one_of(st.none(), st.sampled_from(_PLATFORMS)), max_size=30))
def test_parsing_each_distinct_value_once_equals_parsing_every_row(counts: list, platforms: list) -> None:
    from reviewtools.ingest import _parse_count, _per_distinct, _platform_values

    for values, parse in ((counts, _parse_count), (platforms, _platform_values)):
        s = pd.Series(values * 3, dtype="string", name="col", index=pd.RangeIndex(5, 5 + 3 * len(values)))
        pd.testing.assert_series_equal(_per_distinct(s, parse), parse(s))


def test_a_helpful_count_that_is_no_number_is_null_not_an_error(tmp_path: Path) -> None:
    # "many" (no digits, no number word) made _parse_count raise a TypeError for the whole file
    p = tmp_path / "votes.csv"
    p.write_text("review_id,rating,text,created_at,helpful_votes\n"
                 "a,5,Good,2024-01-02,many\nb,4,Fine,2024-01-03,one\nc,3,Ok,2024-01-04,12\n")
    res = read_reviews(p)
    assert res.reviews["helpful_votes"].tolist() == [pd.NA, 1, 12]


_UTF8_EDGES = [0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F,
               0xA0, 0x8F, 0x90]


@settings(max_examples=examples(500), deadline=None)
@given(st.one_of(st.binary(max_size=12), st.lists(st.sampled_from(_UTF8_EDGES), max_size=10).map(bytes),
                 st.text(max_size=8).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_utf8_check_agrees_with_pythons_codec(data: bytes) -> None:
    from reviewtools.ingest import _is_utf8_python, is_utf8

    assert is_utf8(data) == _is_utf8_python(data)
    assert is_utf8(b"ok " + data + b" ok") == _is_utf8_python(b"ok " + data + b" ok")


# --- byte-level fast paths == the pandas string methods they replace (issue 8) -----------------------------

_EDGE_CHARS = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2003", "\u3000", "\u200b",
               "\ufeff", "\u2028", "\x7f", "a", "\u00e9", "<", "&", "\U0001f600", "x"]


def _string_series(draw_values, sliced):
    s = pd.Series(draw_values, dtype="string")
    if sliced and len(s) > 4:  # Arrow chunks with a non-zero offset, several chunks
        s = pd.concat([s.iloc[1:3], s.iloc[4:]])
    return s


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(_EDGE_CHARS), max_size=6).map("".join)), max_size=40),
       st.booleans())
def test_strip_and_byte_search_equal_pandas(values, sliced):
    """ingest._strip == Series.str.strip(), ingest._contains_bytes == str.contains(regex) on whitespace edges."""
    from reviewtools.ingest import _contains_bytes, _strip

    s = _string_series(values, sliced)
    pd.testing.assert_series_equal(_strip(s), s.str.strip(), check_exact=True)
    want = s.str.contains(r"[<&\r]", regex=True, na=False).to_numpy(dtype=bool)
    assert _contains_bytes(s, b"<&\r").tolist() == want.tolist()
    # python-backed strings take the pandas methods themselves
    p = s.astype(pd.StringDtype("python"))
    pd.testing.assert_series_equal(_strip(p), p.str.strip(), check_exact=True)


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.sampled_from(["2024-05-01", " 2024-05-01 ", "1441324800", "09 4, 2015", "", "  ", None,
                                 "03/04/2021", "nope", "-2024-05-01T00:00:00Z", "2015-02-30"]), max_size=30))
def test_parse_dates_factorized_spread_equals_map(values):
    """parse_dates (codes from one factorize) gives what mapping each stripped value to its parsed date gives."""
    s = pd.Series(values, dtype="string")
    got = parse_dates(s)
    stripped = s.str.strip()
    one = {v: parse_dates(pd.Series([v], dtype="string")).iloc[0] for v in stripped.dropna().unique()}
    want = [one.get(v, pd.NaT) if v is not pd.NA else pd.NaT for v in stripped]
    assert [x if pd.notna(x) else None for x in got] == [x if pd.notna(x) else None for x in want]
    assert str(got.dtype) == "datetime64[us, UTC]"


_RATING_VALUES = ["4", "4,5", "4.5", " 5 ", "", None, "x", "9007199254740993", "18446744073709551617", "-3", "1e3",
                  "0x10", "NaN", "inf", "3/5", "★★★", "5 stars", "2,000", "1.0"]


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(st.sampled_from(_RATING_VALUES), max_size=12), st.integers(1, 4))
def test_per_distinct_parsers_equal_the_row_by_row_parsers(values, repeat):
    """Numbers, booleans and counts parsed once per distinct value == parsed on every row (repeats exercise it)."""
    import numpy as np

    from reviewtools.ingest import _floats, _floats_per_distinct, _parse_bool, _per_distinct

    s = pd.Series(values * repeat, dtype="string")
    want = _floats(s.str.replace(",", ".", regex=False))
    np.testing.assert_array_equal(_floats_per_distinct(s), want)
    bools = pd.Series([v if v is None else v.lower().replace("4", "yes").replace("x", "no") for v in values] * repeat,
                      dtype="string")
    for empty_is_false in (False, True):
        pd.testing.assert_series_equal(
            _per_distinct(bools, lambda v: _parse_bool(v, empty_is_false)), _parse_bool(bools, empty_is_false))


def test_file_reports_match_each_files_rows(tmp_path):
    """Each FileReport's counts, dates and products are those of that file's rows in the frame (two files, one
    of them with a duplicate of the other's review)."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("Stars,Review,Date,ASIN\n5,Great,2024-01-15,P1\n4,Fine,2023-02-01,P2\n3,Meh,bad date,P2\n")
    b.write_text("Stars,Review,Date,ASIN\n2,Poor,2022-06-30,P3\n5,Great,2024-01-15,P1\n")
    res = read_reviews([a, b])
    for rep in res.files:
        mine = res.reviews[res.reviews["source_file"] == rep.file]
        assert rep.ingested == len(mine)
        assert rep.date_min == mine["created_at"].min() and rep.date_max == mine["created_at"].max()
        assert rep.products == mine["product_id"].nunique()
    assert [r.ingested for r in res.files] == [2, 1] and [r.rejected for r in res.files] == [1, 0]


@settings(max_examples=examples(100), deadline=None)
@given(st.binary(max_size=200), st.integers(0, 255))
def test_count_byte_equals_bytes_count(data, byte):
    """ingest._count_byte (numpy windows) == bytes.count, also across window edges."""
    from reviewtools import ingest

    one = bytes([byte])
    assert ingest._count_byte(data, one) == data.count(one)
    big = data * 3 + one * 7
    assert ingest._count_byte(big, one) == big.count(one)


def test_count_byte_across_windows(monkeypatch):
    from reviewtools import ingest

    monkeypatch.setattr(ingest, "_SCAN_WINDOW", 7)
    data = b'"a"",b\n"' * 13
    assert ingest._count_byte(data, b'"') == data.count(b'"')
