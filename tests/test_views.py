"""reviewtools.views: the functions behind every number and table of the dashboard."""

from __future__ import annotations

import datetime as dt
import html
import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from reviewtools import views
from reviewtools.pipeline import export_queue, run_triage
from reviewtools.ratings import UNKNOWN_GROUP, drag_summary, rating_summary
from reviewtools.schema import coerce


def _frame() -> pd.DataFrame:
    return coerce(pd.DataFrame({
        "review_id": ["a", "b", "c", "d", "e"],
        "platform": ["amazon", "amazon", "google", "google", "amazon"],
        "product_id": ["P1", "P1", "P2", None, "P1"],
        "rating": [5, 1, 2, 4, 3],
        "text": ["Great", "Broke in a day", "Late and rude", "Fine", "Meh"],
        "created_at": ["2024-01-01", "2024-03-01", "2024-03-20", "2024-03-30", None],
    })).assign(topics=["", "quality_durability", "shipping_delivery|customer_service", "", ""],
               sentiment_label=["positive", "negative", "negative", "neutral", "neutral"],
               action=["none", "public_reply", "removal_request", "none", "none"])


# ------------------------------------------------------------------------------------------- filters


def test_filter_options_list_values_with_unknown_last():
    opts = views.filter_options(_frame())
    assert opts["product"] == ["P1", "P2", UNKNOWN_GROUP]
    assert opts["topic"] == ["customer_service", "quality_durability", "shipping_delivery"]
    assert opts["rating"] == ["1", "2", "3", "4", "5"]
    assert "status" not in opts


@pytest.mark.parametrize("kwargs, expected", [
    ({}, list("abcde")),
    ({"product": []}, list("abcde")),
    ({"product": ["P1"]}, ["a", "b", "e"]),
    ({"product": [UNKNOWN_GROUP]}, ["d"]),
    ({"rating": [1, "2"]}, ["b", "c"]),
    ({"topic": ["customer_service", "quality_durability"]}, ["b", "c"]),
    ({"sentiment": ["negative"], "platform": ["google"]}, ["c"]),
    ({"action": ["none"], "rating": [4, 5]}, ["a", "d"]),
    ({"date_range": (dt.date(2024, 3, 1), dt.date(2024, 3, 20))}, ["b", "c"]),  # both days included
])
def test_filter_reviews(kwargs, expected):
    f = _frame()
    before = f.copy()
    out = views.filter_reviews(f, **kwargs)
    assert out["review_id"].tolist() == expected
    pd.testing.assert_frame_equal(f, before)  # input untouched


def test_filter_errors_name_the_problem():
    with pytest.raises(views.ViewError, match="status"):
        views.filter_reviews(_frame(), status=["new"])
    with pytest.raises(views.ViewError, match="starts after"):
        views.filter_reviews(_frame(), date_range=(dt.date(2024, 5, 1), dt.date(2024, 1, 1)))


def test_date_bounds_and_select_and_sort():
    assert views.date_bounds(_frame()) == (dt.date(2024, 1, 1), dt.date(2024, 3, 30))
    assert views.date_bounds(_frame().assign(created_at=pd.NaT)) is None
    assert views.select_reviews(_frame(), ["e", "a"])["review_id"].tolist() == ["a", "e"]
    assert views.select_reviews(_frame(), [])["review_id"].tolist() == list("abcde")
    assert views.sorted_reviews(_frame(), "created_at")["review_id"].tolist() == ["d", "c", "b", "a", "e"]
    with pytest.raises(views.ViewError):
        views.sorted_reviews(_frame(), "text")


# ------------------------------------------------------------------------------------------ evidence


@given(hs.text(max_size=40), hs.lists(hs.tuples(hs.integers(-5, 50), hs.integers(-5, 50)), max_size=6))
def test_highlight_spans_cover_the_text_exactly(text, spans):
    segs = views.highlight_spans(text, spans)
    assert "".join(s for s, _ in segs) == text
    assert all(s for s, _ in segs)  # no empty piece
    assert all(a != b for (_, a), (_, b) in zip(segs, segs[1:]))  # marked pieces merged
    marked = {i for a, b in spans for i in range(max(0, a), min(len(text), b))}
    pos = 0
    for s, ev in segs:
        assert all((i in marked) == ev for i in range(pos, pos + len(s)))
        pos += len(s)


@given(hs.text(max_size=60))
def test_highlight_html_escapes_everything(text):
    out = views.highlight_html(text, [(0, len(text) // 2)])
    inner = out.removeprefix('<div style="white-space: pre-wrap">').removesuffix("</div>")
    assert inner.replace("<mark>", "").replace("</mark>", "") == html.escape(text, quote=True)


def test_untrusted_markup_stays_text():
    text = "<script>alert(1)</script> **x** <img src=x onerror=alert(2)>"
    out = views.highlight_html(text, [(26, 31)])
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>**x**</mark>" in out
    label = views.escape_markdown("**x** [a](http://e.com)\n<b>")
    assert "**" not in label.replace("\\*", "") and "\n" not in label
    assert label == r"\*\*x\*\* \[a\]\(http\://e\.com\) \<b\>"


def test_review_evidence_from_real_triage():
    f = coerce(pd.DataFrame({
        "review_id": ["r1"], "platform": ["google"], "rating": [1],
        "text": ["The delivery was late and the box arrived crushed. Call me at 555-123-4567."],
        "created_at": ["2024-05-01"]}))
    res = run_triage(f)
    ev = views.review_evidence("r1", res.hits, res.topic_matches, platform="google")
    assert len(ev)
    text = f.loc[0, "text"]
    for row in ev.itertuples():
        assert text[row.start:row.end] == row.evidence
    assert set(ev["source"]) <= {"guideline", "topic"}
    assert views.spans_for(ev, "text") == [(int(a), int(b)) for a, b in zip(ev["start"], ev["end"])]
    assert views.review_evidence("other", res.hits, res.topic_matches).empty


def test_evidence_for_keeps_only_the_frames_reviews():
    hits = pd.DataFrame({"platform": ["amazon", "google"], "review_id": ["a", "a"], "rule_id": ["R1", "R2"]})
    got = views.evidence_for(hits, pd.DataFrame({"platform": ["google"], "review_id": ["a"]}))
    assert got["rule_id"].tolist() == ["R2"]
    assert views.evidence_for(None, _frame()) is None


# ------------------------------------------------------------------------------------ headline figures


def test_overview_metrics_by_hand():
    m = views.overview_metrics(_frame(), 30)
    # as of 2024-03-30; the window (2024-02-29, 2024-03-30] holds b, c, d; e is undated (all-time only)
    assert m.as_of == pd.Timestamp("2024-03-30", tz="UTC")
    assert (m.n_reviews, m.n_in_window) == (5, 3)
    assert m.average == pytest.approx(3.0)
    assert m.window_average == pytest.approx(7 / 3)
    assert m.average_before_window == pytest.approx(4.0)  # a (5) and undated e (3)
    assert m.average_change == pytest.approx(-1.0)
    with pytest.raises(views.ViewError):
        views.overview_metrics(_frame(), 0)


def test_overview_metrics_without_earlier_reviews_has_no_change():
    m = views.overview_metrics(_frame().iloc[1:4], 90)
    assert m.n_in_window == 3 and pd.isna(m.average_change)


# ------------------------------------------------------------------------------------------- tables


def test_hit_summary_and_reviews_table():
    hits = pd.DataFrame({"review_id": ["b", "b", "c"], "platform": ["amazon", "amazon", "google"],
                         "rule_id": ["R1", "R9", "R2"], "outcome": ["hit", "not_run", "hit"]})
    s = views.hit_summary(hits)
    assert s.set_index("review_id")[["hit_rules", "n_hits", "n_not_run"]].to_dict("index") == {
        "b": {"hit_rules": "R1", "n_hits": 1, "n_not_run": 1}, "c": {"hit_rules": "R2", "n_hits": 1, "n_not_run": 0}}
    t = views.reviews_table(_frame(), hits)
    assert t["hit_rules"].tolist() == ["", "R1", "R2", "", ""]
    assert list(t.columns) == [c for c in views.REVIEW_TABLE_COLUMNS if c in t.columns]


def test_product_table_matches_the_ratings_functions():
    f = _frame().assign(status=["new", "declined", "new", "new", "new"])
    t = views.product_table(f, open_statuses=["new", "drafted"]).set_index("product_id")
    rs = rating_summary(f, by="product_id").set_index("product_id")
    ds = drag_summary(f, by="product_id").set_index("product_id")
    for g in rs.index:
        assert t.loc[g, "bayesian_average"] == pytest.approx(rs.loc[g, "bayesian_average"])
        assert t.loc[g, "low_star_drag"] == pytest.approx(ds.loc[g, "low_star_drag"], nan_ok=True)
    assert t.loc["P1", "open_actions"] == 0  # b's reply was declined
    assert t.loc["P2", "removal_requests"] == 1
    assert t["bayesian_rank"].tolist() == sorted(t["bayesian_rank"].tolist())


def test_attach_workflow_uses_the_teams_edit():
    t = pd.DataFrame({"platform": ["amazon", "amazon"], "review_id": ["a", "b"], "draft": ["Sorry.", "Thanks."]})
    w = pd.DataFrame({"platform": ["amazon"], "review_id": ["b"], "status": ["sent"], "assignee": ["ann"],
                      "edited_draft": [None]})
    out = views.attach_workflow(t, w)
    assert out["status"].tolist()[1] == "sent" and pd.isna(out["status"].tolist()[0])
    assert out["draft"].tolist() == ["Sorry.", "Thanks."]
    with pytest.raises(views.ViewError):
        views.attach_workflow(t.drop(columns="platform"), w)


# --------------------------------------------------------------------------------------------- queue


def test_apply_draft_edits_relints():
    q = pd.DataFrame({"review_id": ["a", "b"], "platform": ["google", "google"], "author": ["Ann", "Bo"],
                      "draft": ["Thank you for the review.", "Sorry."], "draft_lint": ["", ""]})
    out = views.apply_draft_edits(q, {"a": "Write to help@shop.com", "zz": "ignored", "b": "Sorry."})
    assert out["draft_edited"].tolist() == [True, False]
    assert "R-CONTACT" in out.loc[0, "draft_lint"] and out.loc[1, "draft_lint"] == ""
    assert q.loc[0, "draft"] == "Thank you for the review."  # input untouched


def test_queue_bytes_is_the_library_export(tmp_path):
    q = pd.DataFrame({"review_id": ["a", "b"], "text": ["=HYPERLINK(\"x\")", "plain"], "draft": ["+1", "ok"],
                      "priority": [9.0, 1.0]})
    raw = views.queue_bytes(q, "csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw == export_queue(q, tmp_path / "q.csv").read_bytes()
    body = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "'+1" in body
    assert json.loads(views.queue_bytes(q, "json"))[0]["text"] == "=HYPERLINK(\"x\")"
    with pytest.raises(views.ViewError):
        views.queue_bytes(q, "xlsx")


def test_lint_frame_and_theme_helpers():
    from reviewtools.respond import lint_draft

    lf = views.lint_frame(lint_draft("Write to help@shop.com", "google"))
    assert lf.loc[0, "rule_id"] == "R-CONTACT" and lf.loc[0, "reason"]
    assert list(views.lint_frame([]).columns) == ["severity", "rule_id", "evidence", "reason", "basis", "start", "end"]
    f = pd.DataFrame({"text": [str(i) for i in range(10)]})
    a, b = views.theme_sample(f, 4), views.theme_sample(f, 4)
    assert a.index.tolist() == b.index.tolist() == sorted(a.index.tolist())
    with pytest.raises(views.ViewError):
        views.theme_sample(f, 0)
