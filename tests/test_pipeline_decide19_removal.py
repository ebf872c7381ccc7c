"""Issue 8, nineteenth session: the rows decided on one guideline hit (removal requests when it is strong, else
manual reviews) decided column-wise (``pipeline._removal_columns``, from ``_quiet_packed``), the requests' drafts by ``respond._removal_draft_of`` (the values it
reads, not a record dict per row).

The packed block must be exactly the tuple way's (``_pack(_decide_block(...))``: every row through
``_decide_rows``' loop), and the same with the switch off, whatever the hits (one or several, strong or not, a
clause missing, empty or set, evidence long, non-ASCII or oddly spaced), the complaints, the not-run checks and
the rows' own fields (missing products, marketplaces, authors, ratings).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_pipeline_quiet_columns import _same

from reviewtools import pipeline, respond
from reviewtools.respond import ReplySettings
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-03-05 10:00", tz="UTC")

_REVIEW = st.fixed_dictionaries({
    "platform": st.sampled_from(["amazon", "google", "yelp", "trustpilot", None, ""]),
    "rating": st.sampled_from([None, 1, 2, 3, 4, 5]),
    "sentiment_label": st.sampled_from(["positive", "negative", "neutral", None]),
    "sentiment_score": st.sampled_from([None, 0.3, -0.6]),
    "product_title": st.sampled_from([None, "Blue  kettle", ""]),
    "product_id": st.sampled_from([None, "B00X", ""]),
    "marketplace": st.sampled_from([None, "amazon.de", "amazon.com"]),
    "author": st.sampled_from([None, "Ann Lee", ""]),
    "created_at": st.sampled_from([DAY, None, pd.Timestamp("1999-12-31", tz="UTC")]),
    "reply_text": st.sampled_from([None, None, "Thanks, we replied."]),
})
_LONG = "x" * 79 + "é" + "y" * 5
_EVIDENCE = ["me@x.com", "ev  idence", " spaced\tout ", _LONG, "x" * 80, "café ★ “quoted”", "a\xa0b", "z" * 81]
_HIT = st.tuples(st.integers(0, 40), st.sampled_from(["AMZ-PII-EMAIL", "R-A", "R-B"]),
                 st.sampled_from(["strong", "strong", "weak", None]),
                 st.sampled_from([None, "", "§1", "Private information"]), st.sampled_from(_EVIDENCE),
                 st.booleans(), st.booleans())
_MATCH = st.tuples(st.integers(0, 40), st.sampled_from(["shipping_delivery", "price_value", "quality_defect"]))


def _case(reviews, hit_rows, match_rows, not_run):
    """A frame of distinct review ids and its hit and match frames (hit rows: review number, rule, strength,
    clause, evidence, removal basis, outcome hit or not_run)."""
    n = len(reviews)
    frame = pd.DataFrame(reviews)
    frame["review_id"] = [f"r{i}" for i in range(n)]
    frame["text"] = "Fine."
    labels = frame.pop("sentiment_label")
    scores = frame.pop("sentiment_score")
    frame = coerce(frame).assign(sentiment_label=pd.array(labels, dtype="string"),
                                 sentiment_score=pd.array(scores, dtype="Float64"),
                                 text_language=pd.array([None] * n, dtype="string"))
    rows = []
    for k, rule, strength, clause, evidence, basis, hit in hit_rows:
        r = reviews[k % n]
        rows.append((r["platform"], f"r{k % n}", rule, "hit" if hit or not not_run else "not_run", basis or hit,
                     strength, clause, evidence))
    hits = pd.DataFrame(rows, columns=["platform", "review_id", "rule_id", "outcome", "removal_basis", "strength",
                                       "clause", "evidence"]).astype(
        {"platform": "string", "review_id": "string", "rule_id": "string", "outcome": "string",
         "removal_basis": "boolean", "strength": "string", "clause": "string", "evidence": "string"})
    hits["category"] = "private_info"
    matches = pd.DataFrame([(reviews[k % n]["platform"], f"r{k % n}", topic, "never came", True, False)
                            for k, topic in match_rows],
                           columns=["platform", "review_id", "topic", "evidence", "complaint", "negated"]).astype(
        {"platform": "string", "review_id": "string", "topic": "string", "evidence": "string"})
    return frame, hits, matches


def _blocks(frame, hits, matches, size, reply_settings, encoded):
    if encoded:
        hits, matches = pipeline._encode(hits), pipeline._encode(matches)
    out = coerce(frame)
    recs = out[[c for c in pipeline.DECISION_COLUMNS if c in out.columns]]
    existing = frozenset(respond._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    state = pipeline._decision_state(reply_settings, hits, matches, True, (), existing)
    n = len(recs)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    index = pipeline._block_index(recs, state, bounds)
    assert index is not None
    return recs, dataclasses.replace(state, blocks=index), bounds


@settings(max_examples=examples(50), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(reviews=st.lists(_REVIEW, min_size=1, max_size=30), hit_rows=st.lists(_HIT, max_size=40),
       match_rows=st.lists(_MATCH, max_size=10), not_run=st.booleans(), size=st.integers(1, 40),
       encoded=st.booleans(), thank=st.booleans(), signature=st.sampled_from([None, "Sam"]))
@example(reviews=[{"platform": "amazon", "rating": 1, "sentiment_label": "negative", "sentiment_score": -0.6,
                   "product_title": None, "product_id": "B00X", "marketplace": None, "author": "Ann Lee",
                   "created_at": DAY, "reply_text": None}] * 3,
         hit_rows=[(0, "AMZ-PII-EMAIL", "strong", "", "me@x.com", True, True),
                   (1, "R-A", "strong", None, _LONG, True, True), (2, "R-B", "strong", "§1", "z" * 81, True, True)],
         match_rows=[(1, "price_value")], not_run=False, size=3, encoded=True, thank=True, signature=None)
@example(reviews=[{"platform": "google", "rating": 2, "sentiment_label": "negative", "sentiment_score": -0.6,
                   "product_title": "Kettle", "product_id": None, "marketplace": None, "author": None,
                   "created_at": None, "reply_text": None},
                  {"platform": "amazon", "rating": 5, "sentiment_label": "positive", "sentiment_score": 0.3,
                   "product_title": None, "product_id": None, "marketplace": None, "author": None,
                   "created_at": DAY, "reply_text": None}],
         hit_rows=[(0, "R-B", "weak", "§1", "weak  one", True, True)], match_rows=[(0, "price_value")],
         not_run=False, size=2, encoded=False, thank=True, signature="Sam")
def test_removal_columns_equal_the_loop(monkeypatch, reviews, hit_rows, match_rows, not_run, size, encoded, thank,
                                        signature):
    frame, hits, matches = _case([dict(r) for r in reviews], hit_rows, match_rows, not_run)
    reply_settings = ReplySettings(thank_positive=thank, signature=signature)
    recs, state, bounds = _blocks(frame, hits, matches, size, reply_settings, encoded)
    for a, b in bounds:
        block = recs.iloc[a:b]
        got = pipeline._decide_block(block, state, whole=False, start=a, packed=True)
        _same(got, pipeline._pack(pipeline._decide_block(block, state, whole=False, start=a)))
        with monkeypatch.context() as m:
            m.setattr(pipeline, "REMOVAL_COLUMNS", False)
            _same(got, pipeline._decide_block(block, state, whole=False, start=a, packed=True))


def test_removal_rows_are_taken_column_wise(monkeypatch):
    """The rows of one strong hit with str fields go the column way; several hits, a weak one, the loop."""
    reviews = [{"platform": "amazon", "rating": r, "sentiment_label": "positive", "sentiment_score": 0.3,
                "product_title": "Kettle", "product_id": "B00X", "marketplace": "amazon.de", "author": "Ann",
                "created_at": DAY, "reply_text": None} for r in (1, 5, 5, 2, 4, 5)]
    hit_rows = [(0, "AMZ-PII-EMAIL", "strong", "Private information", "me@x.com", True, True),
                (3, "R-A", "strong", None, "café ★", True, True), (3, "R-B", "strong", "§1", "two", True, True),
                (4, "R-B", "weak", "§1", "weak one", True, True),
                (5, "R-A", "strong", "", "  far   apart ", True, True)]
    frame, hits, matches = _case(reviews, hit_rows, [], False)
    recs, state, bounds = _blocks(frame, hits, matches, 6, ReplySettings(), True)
    seen = []
    real = pipeline._removal_columns

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        seen.append(got)
        return got

    monkeypatch.setattr(pipeline, "_removal_columns", spy)
    packed = pipeline._decide_block(recs, state, whole=False, start=0, packed=True)
    (rem,) = seen
    # slow rows 0, 3 (two hits), 4 (weak: manual review), 5 (rows 1, 2: quiet, no thank-you on Amazon): row 3 to the loop
    assert rem.loop.tolist() == [1]
    assert rem.columns["action"].to_pylist() == ["removal_request", "manual_review", "removal_request"]
    assert rem.columns["draft"].to_pylist()[1] == "" and rem.columns["draft_kind"].to_pylist()[1] == ""
    col = {c: packed.columns[c].tolist() for c in ("action", "action_reason", "clause", "evidence", "rule_ids")}
    assert col["action"] == ["removal_request", "none", "none", "removal_request", "manual_review",
                             "removal_request"]
    assert col["action_reason"][0] == ("Strong removal-basis guideline hit: AMZ-PII-EMAIL (Private information) on "
                                       "“me@x.com”.")
    assert col["action_reason"][5] == "Strong removal-basis guideline hit: R-A on “far apart”."
    assert col["action_reason"][4] == ("Guideline hit that could be a removal basis but is not strong enough to report "
                                       "without a person checking it: R-B (§1) on “weak one”.")
    assert col["evidence"][5] == "far apart" and col["clause"][5] == "" and col["rule_ids"][3] == "R-A|R-B"
    _same(packed, pipeline._pack(pipeline._decide_block(recs, state, whole=False, start=0)))


_VALUES = st.fixed_dictionaries({
    "review_id": st.sampled_from(["R1", "h" + "0" * (respond._DERIVED_ID_LEN - 1), 7]),
    "platform": st.sampled_from(["amazon", "google", None, "", "yelp"]),
    "product_title": st.sampled_from([None, "Kettle", "", 12]),
    "product_id": st.sampled_from([None, "B00X", "", 3.5]),
    "marketplace": st.sampled_from([None, "amazon.de", 5]),
    "rating": st.sampled_from([None, 1, 5, 7, 2.0, pd.NA]),
    "author": st.sampled_from([None, "Ann", "", 3]),
    "created_at": st.sampled_from([None, DAY.value, DAY, pd.NaT, "2024-01-02"]),
})


def _outcome(f, *args):
    try:
        return f(*args)
    except Exception as exc:  # noqa: BLE001 - the same failure either way
        return type(exc)


@settings(max_examples=examples(200), deadline=None)
@given(values=_VALUES, hits=st.lists(st.fixed_dictionaries({
    "rule_id": st.sampled_from(["AMZ-PII-EMAIL", "R-A"]), "clause": st.sampled_from(["§1", None]),
    "evidence": st.sampled_from(["me@x.com", "a  b", 5])}), max_size=3),
    signature=st.sampled_from([None, "Sam", 4]), brand=st.sampled_from(["", "Acme"]))
def test_removal_draft_of_is_removal_draft(values, hits, signature, brand):
    reply = ReplySettings(signature=signature, brand=brand)
    respond._REMOVAL_ROWS.clear()
    want = _outcome(respond._removal_draft, values, hits, reply)
    respond._REMOVAL_ROWS.clear()
    args = [values[c] for c in pipeline._REMOVAL_FIELDS]  # in the order _removal_draft_of takes them
    assert _outcome(respond._removal_draft_of, *args, hits, reply) == want
    assert _outcome(respond._removal_draft_of, *args, hits, reply) == want  # from the table


@pytest.mark.parametrize("values, dtype", [
    (["a", None, "é", ""], "string"), ([1, None, 3, 4], "Int64"), ([1.5, float("nan"), -0.0, 2.0], "float64"),
    ([DAY, None, DAY, pd.Timestamp("1990-01-01", tz="UTC")], "datetime64[ns, UTC]"),
    (["a", None, 3, 4.5], "object"), ([1.0, None, 2.5, None], "Float64")])
@pytest.mark.parametrize("raw", [False, True])
def test_taken_list_is_column_lists_of_the_rows(values, dtype, raw):
    col = pd.Series(values, dtype=dtype).iloc[::-1]  # a column whose rows are not in index order
    frame = col.to_frame("created_at")
    for at in (np.array([3, 0, 2]), np.array([], dtype=np.int64), np.arange(4)):
        (want, _) = pipeline._column_lists(frame.iloc[at], ("created_at",) if raw else ())
        got = pipeline._taken_list(frame["created_at"], at, raw)
        assert [type(v) for v in got] == [type(v) for v in want]
        assert got == want or all(g == w or (g != g and w != w) for g, w in zip(got, want))
