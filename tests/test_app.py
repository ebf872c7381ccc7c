"""The dashboard (app.py) under streamlit's AppTest: every page, widgets set by key, numbers checked against the
library functions on the same data (never against literals copied from a run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from reviewtools import read_reviews, views
from reviewtools.pipeline import action_queue, run_triage
from reviewtools.ratings import rating_summary, targets, what_if

AppTest = pytest.importorskip("streamlit.testing.v1", reason="streamlit is not installed").AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
if str(ROOT) not in sys.path:  # the dashboard package sits beside app.py
    sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "data" / "amazon_fine_food_sample.csv"
TIMEOUT = 120  # the first run triages the 1,000-review sample (a few seconds); later runs hit the cache


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return run_triage(read_reviews(SAMPLE).reviews)


def _app(monkeypatch, path: Path | None = None) -> AppTest:
    if path is None:
        monkeypatch.delenv("REVIEWTOOLS_APP_FILE", raising=False)
    else:
        monkeypatch.setenv("REVIEWTOOLS_APP_FILE", str(path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _deltas(at: AppTest) -> dict[str, str]:
    return {m.label: m.delta for m in at.metric}


def test_overview_numbers_come_from_the_library(monkeypatch, sample):
    at = _app(monkeypatch)
    m = views.overview_metrics(sample.reviews, 30)
    shown, deltas = _metrics(at), _deltas(at)
    assert shown["Average rating"] == f"{m.average:.2f}"
    assert deltas["Average rating"] == f"{m.average_change:+.2f}"
    assert shown["Reviews"] == f"{m.n_reviews:,}" and deltas["Reviews"] == f"+{m.n_in_window:,}"
    wi = what_if(sample.reviews, sample.hits, by=None).iloc[0]
    assert shown["Reviews with a strong removal basis"] == f"{int(wi['n_removed']):,}"
    assert shown["Average if they came down"] == f"{wi['average_after']:.2f}"
    tg = targets(sample.reviews, 4.5, by=None).iloc[0]
    assert shown["5★ reviews needed"] == f"{int(tg['five_stars_needed']):,}"
    assert len(at.get("plotly_chart")) >= 5  # histogram, drag, what-if, trend, sentiment

    at.selectbox(key="ov_window").set_value(90).run()
    m90 = views.overview_metrics(sample.reviews, 90)
    assert _deltas(at)["Reviews"] == f"+{m90.n_in_window:,}"


def test_filters_change_every_figure(monkeypatch, sample):
    at = _app(monkeypatch)
    at.multiselect(key="f_rating").set_value(["1", "2"]).run()
    assert not at.exception
    low = views.filter_reviews(sample.reviews, rating=["1", "2"])
    assert _metrics(at)["Reviews"] == f"{len(low):,}"
    assert _metrics(at)["Average rating"] == f"{views.overview_metrics(low, 30).average:.2f}"
    product = views.filter_options(sample.reviews)["product"][0]
    at.multiselect(key="f_rating").set_value([]).run()
    at.multiselect(key="f_product").set_value([product]).run()
    one = views.filter_reviews(sample.reviews, product=[product])
    assert _metrics(at)["Reviews"] == f"{len(one):,}"


def test_target_of_five_shows_the_library_error(monkeypatch, sample):
    at = _app(monkeypatch)
    at.number_input(key="ov_target").set_value(5.0).run()
    assert not at.exception
    from reviewtools.errors import RatingsError

    with pytest.raises(RatingsError) as exc:
        targets(sample.reviews, 5.0, by=None)
    assert [e.value for e in at.error] == [str(exc.value)]
    at.number_input(key="ov_target").set_value(4.7).run()
    tg = targets(sample.reviews, 4.7, by=None).iloc[0]
    assert _metrics(at)["5★ reviews needed"] == f"{int(tg['five_stars_needed']):,}"


def test_displayed_rating_gap(monkeypatch, sample):
    at = _app(monkeypatch)
    at.number_input(key="ov_displayed_rating").set_value(4.6)
    at.number_input(key="ov_displayed_count").set_value(5000).run()
    s = rating_summary(sample.reviews, by=None, displayed={"all": (4.6, 5000)}).iloc[0]
    shown = _metrics(at)
    assert shown["Gap: displayed minus computed"] == f"{s['displayed_gap']:+.2f}"
    assert shown["Ratings not in the export"] == f"{int(s['ratings_not_in_export']):,}"
    assert shown["Average (computed from reviews)"] == f"{s['average']:.2f}"


def test_queue_in_priority_order_with_live_lint(monkeypatch, sample):
    at = _app(monkeypatch)
    at.switch_page("dashboard/pages/queue.py").run()
    assert not at.exception
    q = action_queue(sample.reviews)
    assert any(c.value.startswith(f"{len(q):,} reviews need action") for c in at.caption)
    assert at.get("download_button")[0].label == f"Download CSV ({len(q):,} rows)"
    headers = [m.value for m in at.markdown if m.value.startswith("**#")]
    assert headers[0].startswith(f"**#1 · {views.escape_markdown(q.loc[0, 'action'])} · priority {q.loc[0, 'priority']:.1f}**")
    assert len(headers) == 10
    areas = at.text_area
    assert areas, "no draft in the first page of the queue"
    first = areas[0]
    first.set_value(first.value + " Write to help@example.com or call +1 415 555 0100.").run()
    assert not at.exception
    lint_tables = [d.value for d in at.dataframe if "rule_id" in d.value.columns and "severity" in d.value.columns]
    assert any("R-CONTACT" in set(t["rule_id"]) for t in lint_tables)
    assert any(e.value.startswith("Linter:") for e in [*at.error, *at.warning])
    # the selection download carries exactly the chosen rows
    at.multiselect(key="q_selected").set_value(q["review_id"].head(3).tolist()).run()
    assert at.get("download_button")[0].label == "Download CSV (3 rows)"


def test_draft_edits_outlive_their_text_area(monkeypatch, sample):
    """An edit is kept when its text area is not drawn (another queue page): the box shows it again on return,
    and the edits the downloads read hold it (Streamlit drops the state of a widget a run does not draw)."""
    from dashboard.edits import EDITS_KEY

    at = _app(monkeypatch)
    at.switch_page("dashboard/pages/queue.py").run()
    q = action_queue(sample.reviews)
    first_id = str(q.loc[0, "review_id"])
    edited = at.text_area[0].value + " Write to help@example.com."
    at.text_area[0].set_value(edited).run()
    assert not at.exception
    assert any(c.value.startswith("1 edited draft") for c in at.caption)
    at.number_input(key="q_page").set_value(2).run()
    assert not at.exception and all(a.value != edited for a in at.text_area)
    at.number_input(key="q_page").set_value(1).run()
    assert at.text_area[0].value == edited
    (edits,) = at.session_state[EDITS_KEY].values()
    assert edits == {first_id: edited}
    at.text_area[0].set_value(str(q.loc[0, "draft"])).run()  # back to the generated draft: no edit left
    assert edits == {} and not any(c.value.startswith("1 edited draft") for c in at.caption)


def test_queue_download_reads_the_edits_when_clicked(sample):
    """The download callable is drawn with the edits dict, not a frame: an edit recorded after the button was
    drawn (its rerun has not redrawn the button when the click arrives) is in the file."""
    import csv
    import io

    from dashboard.edits import queue_download

    q = action_queue(sample.reviews)
    edits: dict[str, str] = {}
    make = queue_download(q, [], edits, "csv")
    rid = str(q.loc[1, "review_id"])
    edits[rid] = str(q.loc[1, "draft"]) + " Call +1 415 555 0100."
    rows = list(csv.DictReader(io.StringIO(make().decode("utf-8-sig"))))
    assert [r["review_id"] for r in rows] == q["review_id"].tolist()
    assert rows[1]["draft"] == edits[rid] and "R-CONTACT" in rows[1]["draft_lint"]
    assert rows[0]["draft"] == str(q.loc[0, "draft"])
    chosen = queue_download(q, [rid], edits, "json")()
    assert b"415 555 0100" in chosen and str(q.loc[0, "review_id"]).encode() not in chosen


def test_reviews_topics_products_pages(monkeypatch, sample):
    at = _app(monkeypatch)
    at.switch_page("dashboard/pages/reviews.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == min(len(sample.reviews), views.TABLE_ROW_LIMIT)
    expected = views.reviews_table(views.sorted_reviews(sample.reviews, "created_at"), sample.hits)
    assert table["review_id"].tolist() == expected["review_id"].tolist()
    assert table["hit_rules"].tolist() == expected["hit_rules"].tolist()

    at.switch_page("dashboard/pages/products.py").run()
    assert not at.exception
    pt = views.product_table(sample.reviews)
    got = at.dataframe[0].value
    assert got["product_id"].tolist() == pt["product_id"].tolist()
    assert got["bayesian_average"].tolist() == pytest.approx(pt["bayesian_average"].tolist())
    assert got["open_actions"].sum() == (sample.reviews["action"] != "none").sum()

    at.switch_page("dashboard/pages/topics.py").run()
    assert not at.exception
    counts = at.dataframe[0].value
    from reviewtools.topics import topic_counts

    assert counts["complaints"].tolist() == topic_counts(sample.reviews)["complaints"].tolist()
    at.number_input(key="tp_n_themes").set_value(4)
    at.toggle(key="tp_discover").set_value(True).run()
    assert not at.exception
    themes = at.dataframe[1].value
    assert len(themes[themes["theme"] >= 0]) == 4 and themes["size"].sum() == len(sample.reviews)


HOSTILE = "<script>alert(1)</script> **x** [link](http://evil.example) <img src=x onerror=alert(2)>"


def test_untrusted_review_text_shows_as_typed(monkeypatch, tmp_path):
    path = tmp_path / "hostile.csv"
    pd.DataFrame({"review_id": ["h1", "h2", "h3"], "platform": ["google", "google", "google"],
                  "product_id": ["**P**", "P2", "P2"], "rating": [1, 5, 11], "title": ["<b>bold?</b>", "ok", "x"],
                  "text": [HOSTILE, "Lovely, thanks.", "out of scale"],
                  "created_at": ["2024-05-01", "2024-05-02", "2024-05-03"]}).to_csv(path, index=False)
    at = _app(monkeypatch, path)
    rejects = read_reviews(path).rejects
    assert len(rejects) == 1
    assert at.expander[0].label.startswith("1 rejected row")
    shown = at.dataframe[0].value
    assert shown["reason"].tolist() == rejects["reason"].tolist()
    assert at.get("download_button")[0].label == "Download the rejects (CSV)"
    at.switch_page("dashboard/pages/reviews.py").run()
    assert not at.exception
    at.selectbox(key="rv_review").set_value("h1").run()
    table = next(d.value for d in at.dataframe if "hit_rules" in d.value.columns)
    assert HOSTILE in table["text"].tolist()  # data, as typed
    bodies = [h.proto.body for h in at.get("html")]
    assert bodies and all("<script" not in b and "<img" not in b and "<b>" not in b for b in bodies)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in b and "**x**" in b for b in bodies)
    at.switch_page("dashboard/pages/queue.py").run()
    assert not at.exception
    headers = [m.value for m in at.markdown if m.value.startswith("**#")]
    assert headers and all("**P**" not in h for h in headers) and any(r"\*\*P\*\*" in h for h in headers)
    assert all("<script" not in h.proto.body for h in at.get("html"))


def test_store_source_persists_status_changes(monkeypatch, tmp_path):
    from reviewtools.store import ReviewStore

    db = tmp_path / "reviews.db"
    reviews = read_reviews(SAMPLE).reviews.head(40)
    with ReviewStore(db) as store:
        store.ingest(reviews)
        store.score_pending()
        open_q = store.open_actions()
    assert len(open_q), "the first 40 sample reviews should hold at least one action"
    at = _app(monkeypatch)
    at.radio(key="source").set_value("Review store").run()
    at.text_input(key="db_path").set_value(str(db)).run()
    assert not at.exception
    at.switch_page("dashboard/pages/queue.py").run()
    assert not at.exception
    status_boxes = [s for s in at.selectbox if s.label == "Status"]
    assert status_boxes and status_boxes[0].value == "new"
    header = next(m.value for m in at.markdown if m.value.startswith("**#1 "))
    status_boxes[0].set_value("drafted").run()
    assert not at.exception
    with ReviewStore(db) as store:
        drafted = store.open_actions(status="drafted")
    assert len(drafted) == 1
    assert views.escape_markdown(drafted.loc[0, "platform"]) in header
    assert any("new → drafted" in s.value for s in at.success)


def test_queue_download_waits_for_the_rerun_of_its_click(sample):
    """The browser asks for the file before the rerun that carries the text typed just before the click: the
    callable waits for that rerun (ClickRuns), so the file holds the edit whichever reaches the server first."""
    import threading

    from dashboard.edits import ClickRuns, queue_download

    q = action_queue(sample.reviews)
    rid = str(q.loc[0, "review_id"])
    edits: dict[str, str] = {}
    clicks = ClickRuns()
    make = queue_download(q, [], edits, "json", clicks, "q_json", wait_s=60)
    out: list[bytes] = []
    worker = threading.Thread(target=lambda: out.append(make()))
    worker.start()  # the file request first ...
    worker.join(0.2)
    assert worker.is_alive() and not out  # ... waits for the click's rerun
    edits[rid] = "Thanks, write to help@example.com."  # that rerun's on_change, then the button reports the click
    clicks.ran("q_json")
    worker.join(60)
    assert out and b"help@example.com" in out[0]
    clicks.ran("q_json")  # the rerun first this time: no wait
    assert b"help@example.com" in queue_download(q, [], edits, "json", clicks, "q_json", wait_s=60)()


def test_status_change_recomputes_only_what_reads_the_workflow(monkeypatch, tmp_path):
    """A status change shows at once (the queue, computed again) while the figures that do not read the workflow
    (the overview's metrics) come from the cache: counted calls of the derive functions, not time."""
    from reviewtools.store import ReviewStore

    db = tmp_path / "reviews.db"
    with ReviewStore(db) as store:
        store.ingest(read_reviews(SAMPLE).reviews.head(40))
        store.score_pending()
    calls = {"overview_metrics": 0, "action_queue": 0}

    def counted(name, fn):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(views, "overview_metrics", counted("overview_metrics", views.overview_metrics))
    # the queue page computes pipeline.action_queue as positions: the whole queue, then the one narrowed to the
    # actions and statuses chosen (two calls per computation)
    monkeypatch.setattr(views.FrameIndex, "queue_positions", counted("action_queue", views.FrameIndex.queue_positions))
    at = _app(monkeypatch)
    at.radio(key="source").set_value("Review store").run()
    at.text_input(key="db_path").set_value(str(db)).run()
    assert not at.exception and calls["overview_metrics"] == 1
    before = _metrics(at)
    at.switch_page("dashboard/pages/queue.py").run()
    assert calls["action_queue"] == 2
    box = next(s for s in at.selectbox if s.label == "Status")
    assert box.value == "new"
    box.set_value("drafted").run()
    assert not at.exception
    assert calls["action_queue"] == 4  # the queue reads the status: computed again, once
    header = next(m.value for m in at.markdown if m.value.startswith("**#1 "))
    assert header.endswith("status drafted")  # the change shows on the redraw that follows it
    assert next(s for s in at.selectbox if s.label == "Status").value == "drafted"
    at.switch_page("dashboard/pages/overview.py").run()
    assert not at.exception
    assert calls["overview_metrics"] == 1 and _metrics(at) == before  # reused, not recomputed
    at.multiselect(key="f_status").set_value(["drafted"]).run()  # a status filter picks rows by the new status
    assert _metrics(at)["Reviews"] == "1" and calls["overview_metrics"] == 2


def test_missing_store_and_upload_prompt(monkeypatch, tmp_path):
    at = _app(monkeypatch)
    at.radio(key="source").set_value("Review store").run()
    at.text_input(key="db_path").set_value(str(tmp_path / "none.db")).run()
    assert not at.exception
    assert any("No review store at" in i.value for i in at.info)
    at.radio(key="source").set_value("Upload an export").run()
    assert not at.exception and any("Upload a review export" in i.value for i in at.info)


def test_unreadable_default_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("REVIEWTOOLS_APP_FILE", str(tmp_path / "missing.csv"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("missing.csv" in e.value and "not a file" in e.value for e in at.error)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    monkeypatch.setenv("REVIEWTOOLS_APP_FILE", str(empty))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any(e.value.startswith("Cannot read this export:") and "empty.csv" in e.value for e in at.error)
