"""The fast paths of issue 8 give exactly what the slow ones gave: no timing here (see benchmarks/run.py).

* sentiment through the FastVader seam equals sentiment through the vaderSentiment package, column for column;
* ``_mean`` is ``np.mean`` bit for bit;
* ``find_and_tag_topics`` equals ``tag_topics`` and ``find_topics``;
* triage partitions concatenate to the whole, and ``run_triage(processes=2)`` equals the serial run;
* the decision fast paths: ``removal_request_from_rows`` equals ``removal_request``, the memoised ``lint_draft``
  equals the unmemoised linter with the full author name, ``recommend`` equals itself on hits given as a frame
  in another row order of unrelated reviews.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from reviewtools import pipeline, respond, sentiment
from reviewtools.ingest import read_reviews
from reviewtools.pipeline import default_processes, run_triage, triage_partition
from reviewtools.topics import find_and_tag_topics, find_topics, tag_topics

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "amazon_fine_food_sample.csv"
PACKAGE = SentimentIntensityAnalyzer()


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    """120 real reviews (Amazon Fine Food sample, CC0) with a few edge rows: empty, caps, emoji, duplicates."""
    frame = read_reviews(SAMPLE).reviews.head(120).reset_index(drop=True)
    frame.loc[1, "text"] = ""
    frame.loc[2, "text"] = "NOT GOOD but not BAD either!!! \U0001F600 kind of ok... Never so happy? No way."
    frame.loc[3, "title"] = pd.NA
    frame.loc[4, "text"] = frame.loc[5, "text"]  # an exact duplicate text
    return frame


def test_sentiment_fast_seam_equals_the_package(reviews, monkeypatch):
    fast = sentiment.score_sentiment(reviews)
    monkeypatch.setattr(sentiment, "_scores", lambda texts: [PACKAGE.polarity_scores(t) for t in texts])
    monkeypatch.setattr(sentiment, "_compounds", lambda texts: [PACKAGE.polarity_scores(t)["compound"] for t in texts])
    slow = sentiment.score_sentiment(reviews)
    assert_frame_equal(fast, slow)
    assert fast["vader_compound"].tolist() == [
        PACKAGE.polarity_scores(sentiment.review_string(a, b))["compound"] if sentiment.review_string(a, b) else 0.0
        for a, b in zip(sentiment._as_text(reviews["title"]), sentiment._as_text(reviews["text"]))
    ]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.floats(min_value=-1, max_value=1, allow_nan=False).map(lambda x: round(x, 4)),
                min_size=1, max_size=40))
def test_mean_is_numpy_mean_bit_for_bit(values):
    got, want = sentiment._mean(values), float(np.mean(values))
    assert got == want and np.signbit(got) == np.signbit(want)


def test_find_and_tag_topics_equals_both_calls(reviews):
    tagged, matches = find_and_tag_topics(reviews)
    assert_frame_equal(tagged, tag_topics(reviews))
    assert_frame_equal(matches, find_topics(reviews))


def test_partitions_concatenate_to_the_whole(reviews):
    whole, w_matches, w_hits, _ = triage_partition(reviews)
    parts = [triage_partition(reviews.iloc[a:b]) for a, b in ((0, 37), (37, 38), (38, 120))]
    assert_frame_equal(pd.concat([p[0] for p in parts]), whole)
    assert_frame_equal(pd.concat([p[1] for p in parts if len(p[1])], ignore_index=True), w_matches)
    assert_frame_equal(pd.concat([p[2] for p in parts if len(p[2])], ignore_index=True), w_hits)


def test_two_processes_give_the_serial_result(reviews):
    timings: dict[str, float] = {}
    before = reviews.copy()
    serial = run_triage(reviews, processes=1)
    parallel = run_triage(reviews, processes=2, timings=timings)
    for a, b in ((serial.reviews, parallel.reviews), (serial.hits, parallel.hits),
                 (serial.topic_matches, parallel.topic_matches)):
        assert_frame_equal(a, b)
    assert serial.stages_not_run == parallel.stages_not_run
    assert {"sentiment", "topics", "checks", "per_review_wall", "decisions"} <= set(timings)
    # with fork, the duplicate check ran in its own process beside the workers; elsewhere before them
    beside = pipeline.POOL_START_METHOD == "fork" and pipeline.DUPLICATES_BESIDE_STAGES
    assert ("duplicates_beside" in timings) == beside and ("duplicates" in timings) != beside
    assert_frame_equal(reviews, before)  # never mutated


def test_duplicates_before_or_beside_the_workers_give_the_same_result(reviews, monkeypatch):
    beside = run_triage(reviews, processes=2)
    monkeypatch.setattr(pipeline, "DUPLICATES_BESIDE_STAGES", False)
    timings: dict[str, float] = {}
    before = run_triage(reviews, processes=2, timings=timings)
    assert "duplicates" in timings and "duplicates_beside" not in timings
    from reviewtools.duplicates import find_duplicates

    assert (find_duplicates(reviews)["outcome"] == "hit").any(), "the sample needs duplicate hits for this test"
    for a, b in ((beside.reviews, before.reviews), (beside.hits, before.hits),
                 (beside.topic_matches, before.topic_matches)):
        assert_frame_equal(a, b)


def test_processes_default_and_bad_value(reviews):
    assert default_processes(10) == 1
    assert default_processes(10**7) >= 1
    with pytest.raises(ValueError, match="processes must be at least 1"):
        run_triage(reviews.head(5), processes=0)


def test_removal_request_from_rows_equals_removal_request(reviews):
    hits = run_triage(reviews, processes=1).hits
    basis = hits[(hits["outcome"] == "hit") & hits["removal_basis"].astype("boolean").fillna(False).astype(bool)]
    assert len(basis), "the sample needs removal-basis hits for this test"
    recs = reviews.set_index("review_id", drop=False)
    for rid in list(dict.fromkeys(basis["review_id"]))[:10]:
        rec = recs.loc[rid].to_dict()
        rows = basis[basis["review_id"] == rid].to_dict("records")
        # all hits (other reviews, not_run rows) go to the public function; only this review's to the fast path
        assert respond.removal_request_from_rows(rec, rows) == respond.removal_request(rec, hits)
    with pytest.raises(respond.TemplateError, match="no removal-basis"):
        respond.removal_request_from_rows({"review_id": "x", "platform": "amazon"}, [])


@pytest.mark.parametrize("author", [None, "", "Ann", "Ann Lee", 'Ann Lee "Ann Lee"', "  ann   LEE  jones", "“Bo” Li"])
def test_memoised_lint_equals_the_linter(author):
    drafts = [
        "Hi Ann, sorry. Call us at 0800 123 4567 or write to help@shop.com; Ann Lee will update your review.",
        "Dear ann lee, thanks! Visit shop.example.com for 20% off your next order.",
        "We are sorry it arrived late. We hope you'll reconsider your 1-star rating for a gift card.",
    ]
    for text in drafts:
        for platform in ("amazon", "google", "other"):
            for prev in ((), (text,)):
                want = list(respond._lint_cached.__wrapped__(text, platform, author, None, None, prev, "GB"))
                got = respond.lint_draft(text, platform, author=author, previous_replies=prev, region="GB")
                again = respond.lint_draft(text, platform, author=author, previous_replies=prev, region="GB")
                assert got == want == again
                got.clear()  # callers get their own list, never the cache's
                assert respond.lint_draft(text, platform, author=author, previous_replies=prev, region="GB") == want


def test_parallel_decisions_equal_serial(reviews, monkeypatch):
    """Blocks decided in worker processes, then the serial re-phrasing pass, equal one loop over all rows.

    Public Amazon replies on and no reviewer names: most of the 120 reviews get a thank-you draft, so the few
    stable phrasings run out inside each block and across blocks (the re-phrasing pass has work to do).
    """
    from reviewtools import pipeline
    from reviewtools.respond import ReplySettings

    settings = ReplySettings(amazon_public_reply=True)
    scored, matches, hits, missing = triage_partition(reviews.assign(author=None))  # no names: drafts repeat
    serial = pipeline.recommend(scored, hits, matches, settings, stages_not_run=missing)
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    parallel = pipeline.recommend(scored, hits, matches, settings, stages_not_run=missing, processes=2)
    assert_frame_equal(serial, parallel)
    drafts = serial.loc[serial["action"] == "thank", "draft"]
    assert drafts.nunique() < len(drafts)  # phrasings did run out: repeats were exercised


_DATES = ["2024-05-01", "2024-05-01T10:00:00Z", "1441324800", "1441324800123", "09 4, 2015", "17-Apr-18",
          "03/04/2021", "not a date", "", "  ", None, "2015-02-30", "-1", "1e9", "-2024-05-01T00:00:00Z"]


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.sampled_from(_DATES), max_size=30), st.sampled_from([None, "created_at"]), st.booleans())
def test_parse_dates_spread_equals_map(values, name, shuffled_index):
    """ingest._spread (positions, int64) gives what ``s.map(lookup)`` gave, label for label."""
    from reviewtools import ingest

    index = pd.Index(list(range(len(values)))[::-1] if shuffled_index else range(len(values)))
    s = pd.Series(values, index=index, name=name, dtype="string").str.strip()
    uniq = pd.Series(s.dropna().unique(), dtype="string")
    uniq = uniq[uniq != ""]
    parsed = pd.Series(pd.to_datetime(uniq, format="ISO8601", utc=True, errors="coerce"), index=uniq.index)
    parsed = parsed.astype("datetime64[us, UTC]")
    want = pd.to_datetime(s.map(pd.Series(parsed.to_numpy(), index=uniq.to_numpy())), utc=True)
    assert_frame_equal(ingest._spread(s, uniq, parsed).to_frame(), want.astype("datetime64[us, UTC]").to_frame())


def test_reads_as_complaint_equals_find_topics_on_one_row(reviews):
    """topics.reads_as_complaint (no frames) answers what find_topics on a one-row frame answered."""
    from reviewtools import topics

    matches = find_topics(reviews)
    phrases = list(dict.fromkeys(zip(matches["evidence"], matches["topic"])))
    phrases += [("arrived two weeks late", "shipping_delivery"), ("shipping was fast", "shipping_delivery"),
                ("no damage at all", "damaged_defective"), ("", "size_fit"), ("RUNS SMALL", "size_fit")]
    for phrase, topic in phrases:
        frame = pd.DataFrame({"review_id": ["quote"], "text": [phrase]})
        want = bool(find_topics(frame, topics=[topic])["complaint"].astype("boolean").fillna(False).any())
        assert topics.reads_as_complaint(phrase, topic) is want, (phrase, topic)
    with pytest.raises(topics.TopicsError, match="unknown topic"):
        topics.reads_as_complaint("late", "no_such_topic")


def test_records_equal_to_dict_records(reviews):
    """pipeline._records (column lists) gives what ``to_dict("records")`` gave: NA as None, NaT and NaN kept,
    the same types, across record blocks."""
    import math

    from reviewtools import pipeline

    frame = triage_partition(reviews)[0]
    frame.loc[frame.index[0], "rating"] = pd.NA
    frame.loc[frame.index[1], "sentiment_score"] = np.nan
    frame.loc[frame.index[2], "created_at"] = pd.NaT
    recs = frame[[c for c in pipeline.DECISION_COLUMNS if c in frame.columns]]
    want = recs.to_dict("records")
    for block in (7, pipeline.RECORD_BLOCK):
        pipeline.RECORD_BLOCK, saved = block, pipeline.RECORD_BLOCK
        try:
            got = list(pipeline._records(recs))
        finally:
            pipeline.RECORD_BLOCK = saved
        assert len(got) == len(want)
        for a, b in zip(got, want):
            assert list(a) == list(b)
            for k in a:
                u, v = a[k], b[k]
                assert type(u) is type(v), (k, u, v)
                assert u is v or u == v or (isinstance(u, float) and math.isnan(u) and math.isnan(v)), (k, u, v)


@pytest.mark.parametrize("text", [
    "Call us on 0800 123 4567 any time.", "Ring ０８００ １２３ ４５６７ (fullwidth digits).",
    "Call us on ٠٨٠٠ ١٢٣ ٤٥٦٧ please.", "No digits here, just words: call us, text us.", "",
    "Report for review R68F0AF33CB97A posted 2017-12-28, call 555-0100.", "Phone: +44 20 7946 0958 ext. 12",
])
def test_phone_prefilter_changes_no_lint_result(text, monkeypatch):
    """Phone numbers are looked for only when the text has a decimal digit: the same problems as always."""
    import re

    fast = list(respond._lint_cached.__wrapped__(text, "google", None, None, None, (), "GB"))
    monkeypatch.setattr(respond, "_DECIMAL_DIGIT", re.compile(""))  # matches everywhere: prefilter off
    assert list(respond._lint_cached.__wrapped__(text, "google", None, None, None, (), "GB")) == fast
    if text.startswith(("Call us on 0800", "Phone:")):  # the cases phonenumbers must find
        assert any(p.reason == "contains a phone number" for p in fast)
