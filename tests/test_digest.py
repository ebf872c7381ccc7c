"""The digest of a review store: its sections, the window, and safe rendering of untrusted text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from _storekit import make_frame, rating_triage
from reviewtools.digest import MAX_ITEMS, build_digest, parse_since, render_html, render_markdown, write_digest
from reviewtools.errors import DigestError
from reviewtools.schema import coerce
from reviewtools.store import ReviewStore

DAY0 = pd.Timestamp("2024-06-01 06:00", tz="UTC")
DAY7 = DAY0 + pd.Timedelta(days=7)
NOW = DAY7 + pd.Timedelta(hours=2)
SCRIPT = '<script>alert("x")</script> **bold** [link](http://evil.example) " onmouseover="steal()'


class Clock:
    def __init__(self, t: pd.Timestamp) -> None:
        self.t = t

    def __call__(self) -> pd.Timestamp:
        return self.t


def _new_reviews() -> pd.DataFrame:
    return coerce(pd.DataFrame({
        "review_id": ["N1", "N2", "N3", "N4", "N5"],
        "platform": "amazon",
        "product_id": ["A", "A", "A", "A", "B"],
        "product_title": ["Kettle A", "Kettle A", "Kettle A", "Kettle A", "Toaster B"],
        "rating": [1, 1, 2, 5, 4],
        "title": ["Dangerous", None, "Meh", "Love it", "Fine"],
        "text": [SCRIPT, "Leaked after two days", "Lid is flimsy", "Boils fast", "Toasts evenly"],
        "created_at": pd.date_range("2024-06-05", periods=5, freq="8h", tz="UTC"),
        "source_file": "week2.csv",
    }))


@pytest.fixture
def scenario(tmp_path):
    clock = Clock(DAY0)
    store = ReviewStore(tmp_path / "r.db", clock=clock)
    first = make_frame(40, products=("A", "B"), start="2024-03-01")
    store.ingest(first)
    store.score_pending(triage=rating_triage)

    clock.t = DAY7
    second = first.copy()
    a = second[second.product_id == "A"].sort_values("created_at")
    edited_id = a[a.rating == 5].review_id.iloc[0] if (a.rating == 5).any() else a.review_id.iloc[0]
    second.loc[second.review_id == edited_id, "rating"] = 1 if second.loc[second.review_id == edited_id,
                                                                             "rating"].iloc[0] != 1 else 2
    missing_id = a.review_id.iloc[len(a) // 2]
    second = second[second.review_id != missing_id]
    second = pd.concat([second, _new_reviews()], ignore_index=True)
    rep = store.ingest(second, full_export=True)
    assert (rep.new, rep.changed, rep.possibly_removed) == (5, 1, 1)
    store.score_pending(triage=rating_triage)
    store.set_status("N2", "sent", assignee="ana", who="ana")
    store.edit_draft("N1", "We are sorry. Please contact us through Amazon messages.", who="ana")
    yield store, first, edited_id, missing_id
    store.close()


def test_sections_hold_what_changed_in_the_window(scenario):
    store, first, edited_id, missing_id = scenario
    d = build_digest(store, since="3d", now=NOW)
    assert d.since == NOW - pd.Timedelta(days=3)
    assert d.counts["new_reviews"] == 5 and d.counts["new_negative"] == 3
    by = d.new_by_product.set_index("product_id")
    assert by.loc["A", "new_reviews"] == 4 and by.loc["A", "low_star"] == 3 and by.loc["B", "new_reviews"] == 1
    assert by.loc["A", "average_rating"] == pytest.approx((1 + 1 + 2 + 5) / 4)

    neg = d.new_negative.set_index("review_id")
    assert set(neg.index) == {"N1", "N2", "N3"}
    assert neg.loc["N1", "draft"].startswith("We are sorry")  # the team's edit wins over the generated draft
    assert neg.loc["N1", "status"] == "drafted" and neg.loc["N2", "assignee"] == "ana"
    assert (neg["action"] == "public_reply").all()

    assert list(d.rating_changes["review_id"]) == [edited_id]
    assert list(d.removed["review_id"]) == [missing_id]

    avg = d.averages.set_index("product_id")
    before_a = first[first.product_id == "A"]["rating"]
    assert avg.loc["A", "n_before"] == len(before_a)
    assert avg.loc["A", "average_before"] == pytest.approx(before_a.mean())
    now_a = store.to_frame(include_removed=False).query("product_id == 'A'")["rating"]
    assert avg.loc["A", "n_now"] == len(now_a) == len(before_a) + 4 - 1
    assert avg.loc["A", "average_now"] == pytest.approx(now_a.mean())

    # ratings.alerts over weekly periods: the week of 2024-06-03 for product A has three low reviews.
    assert len(d.alerts) and set(d.alerts["product_id"]) == {"A"}
    assert "low_average" in set(d.alerts["rule"])
    assert d.counts["open_actions"] == len(store.open_actions())


def test_a_window_before_the_second_ingest_sees_only_the_first(scenario):
    store, first, _, _ = scenario
    d = build_digest(store, since=DAY0 - pd.Timedelta(hours=1), now=DAY0 + pd.Timedelta(days=1))
    assert d.counts["new_reviews"] == 40
    assert d.counts["rating_changes"] == 0 and d.counts["possibly_removed"] == 0
    current = store.to_frame().set_index("review_id").loc[list(first.review_id)]
    assert d.counts["new_negative"] == int((current.rating <= 2).sum())  # ratings as they stand now


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs |= {k for k, _ in attrs}

    def handle_data(self, data):
        self.text.append(data)


def test_html_escapes_untrusted_review_text_and_uses_inline_css_only(scenario):
    store, *_ = scenario
    out = render_html(build_digest(store, since="3d", now=NOW))
    assert "<script" not in out.lower() and "onmouseover=\"" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    parsed = _Collector()
    parsed.feed(out)
    assert "script" not in parsed.tags and "style" not in parsed.tags and "a" not in parsed.tags
    assert parsed.attrs <= {"style", "charset"}
    # The text a mail client shows is exactly what the reviewer typed.
    assert SCRIPT in "".join(parsed.text)
    for heading in ("New reviews by product", "New negative reviews", "Rating changes and alerts", "Alerts",
                    "Edited ratings", "Possibly removed reviews"):
        assert heading in out


def test_markdown_escapes_untrusted_text(scenario):
    store, *_ = scenario
    md = render_markdown(build_digest(store, since="3d", now=NOW))
    assert "<script" not in md and "&lt;script&gt;" in md
    assert r"\*\*bold\*\*" in md and r"\[link\]\(http" in md
    for heading in ("## New reviews by product", "## New negative reviews", "## Rating changes and alerts",
                    "### Alerts", "### Edited ratings", "## Possibly removed reviews"):
        assert heading in md
    # Table rows keep their shape: no raw newline or unescaped pipe from review text breaks a row.
    tables, block = [], []
    for ln in md.splitlines() + [""]:
        if ln.startswith("|"):
            block.append(len(re.findall(r"(?<!\\)\|", ln)))
        elif block:
            tables.append(block)
            block = []
    assert len(tables) >= 4 and all(len(set(t)) == 1 for t in tables), tables


def test_long_sections_are_cut_and_counted(tmp_path):
    clock = Clock(DAY0)
    with ReviewStore(tmp_path / "r.db", clock=clock) as store:
        many = make_frame(MAX_ITEMS + 7, products=("A",))
        many["rating"] = pd.array([1] * len(many), dtype="Int64")
        many["text"] = "x" * 2000
        store.ingest(many)
        d = build_digest(store, since="1d", now=DAY0 + pd.Timedelta(hours=1))
        md = render_markdown(d)
        html = render_html(d)
    assert d.counts["new_negative"] == MAX_ITEMS + 7
    assert "…and 7 more." in md and "…and 7 more." in html
    assert "x" * 2000 not in html and "x" * 500 in html
    assert "No stored sentiment" in md  # said, not silently assumed


def test_write_digest_by_suffix(scenario, tmp_path):
    store, *_ = scenario
    d = build_digest(store, since="3d", now=NOW)
    assert write_digest(d, tmp_path / "d.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert write_digest(d, tmp_path / "d.md").read_text(encoding="utf-8").startswith("# Review digest")
    with pytest.raises(DigestError, match=r"\.html or \.md"):
        write_digest(d, tmp_path / "d.pdf")


@pytest.mark.parametrize(
    "value, expected",
    [("7d", NOW - pd.Timedelta(days=7)), ("24h", NOW - pd.Timedelta(hours=24)), ("2w", NOW - pd.Timedelta(weeks=2)),
     (" 3D ", NOW - pd.Timedelta(days=3)), ("2024-06-01", pd.Timestamp("2024-06-01", tz="UTC")),
     (pd.Timedelta(days=1), NOW - pd.Timedelta(days=1))],
)
def test_parse_since(value, expected):
    assert parse_since(value, NOW) == expected


@pytest.mark.parametrize("value", ["last week", "7 parsecs", ""])
def test_parse_since_refuses_what_it_cannot_read(value):
    with pytest.raises(DigestError, match="not understood"):
        parse_since(value, NOW)


def test_an_empty_store_gives_an_empty_digest(tmp_path):
    with ReviewStore(tmp_path / "e.db") as store:
        d = build_digest(store, now=NOW)
    assert set(d.counts.values()) == {0}
    assert "No new reviews." in render_markdown(d)
    assert re.search(r"<p>No new negative reviews\.</p>", render_html(d))
