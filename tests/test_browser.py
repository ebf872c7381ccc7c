"""End to end in a real browser: `streamlit run app.py` driven by Debian's chromium through Playwright.

Loads the bundled sample, changes a filter, opens the action queue, edits a draft and sees the linter react,
downloads the CSV and checks it, uploads an export holding markup and checks it shows as typed, and saves
screenshots to ``artifacts/`` (gitignored). Skips only when no browser can be had.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from reviewtools import read_reviews, views
from reviewtools.pipeline import action_queue, run_triage

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
STARTUP_SECONDS = 60
UI_TIMEOUT_MS = 90_000  # the first page load triages the 1,000-review sample
HOSTILE = "<script>alert(1)</script> **x** <img src=x onerror=alert(2)>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"no browser: {CHROMIUM} is missing (CI installs Debian's chromium package)")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "REVIEWTOOLS_APP_FILE"}
    # fileWatcherType none: the server watches app.py's folder, the whole repository (reviewtools/ included). An
    # edit anywhere in it during the test (another engineer's, or a git checkout in CI) shows the "File change.
    # Rerun" banner in the status widget and makes the next run re-import reviewtools. The output goes to a file,
    # not a pipe nobody reads (a full pipe would block the server).
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("streamlit")), "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                out = log.read().decode(errors="replace")
                pytest.fail(f"streamlit did not start on port {port}: {out[-2000:]}")
            time.sleep(0.3)
        with sync_api.sync_playwright() as pw:
            try:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            except Exception as exc:  # noqa: BLE001 - any launch failure means no browser here
                pytest.skip(f"no browser: chromium failed to launch ({exc})")
            try:
                yield url, browser, sync_api
            finally:
                browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _metric(page, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True)).first
    return box.get_by_test_id("stMetricValue").inner_text().strip()


def _keyed(page, kind: str, row: pd.Series):
    """The element of one queue item by its widget key (dashboard/pages/queue.py's ``_key``), which Streamlit puts
    on the element as the class ``st-key-<key>``. Never by position: while a run is drawing, a position can still
    show the widget an earlier run drew there."""
    digest = hashlib.blake2b(f"{row['platform']}\x1f{row['review_id']}".encode(), digest_size=8).hexdigest()
    return page.locator(f".st-key-{kind}_{digest}")


def _choose(page, label: str, option: str) -> None:
    box = page.get_by_test_id("stMultiSelect").filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def test_dashboard_end_to_end(server, tmp_path):
    url, browser, sync_api = server
    expect = sync_api.expect
    expect.set_options(timeout=UI_TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    sample = run_triage(read_reviews(ROOT / "data" / "amazon_fine_food_sample.csv").reviews).reviews
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(UI_TIMEOUT_MS)
    try:
        page.goto(url)
        expect(page.get_by_test_id("stMetric").first).to_be_visible()
        m = views.overview_metrics(sample, 30)
        assert _metric(page, "Reviews") == f"{m.n_reviews:,}"
        assert _metric(page, "Average rating") == f"{m.average:.2f}"
        page.wait_for_timeout(1500)  # let the charts draw for the screenshot
        page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=False)

        # a filter: 1★ reviews only
        _choose(page, "Rating (stars)", "1")
        low = views.filter_reviews(sample, rating=["1"])
        expect(page.get_by_test_id("stMetric").filter(has=page.get_by_text("Reviews", exact=True)).first
               .get_by_test_id("stMetricValue")).to_have_text(f"{len(low):,}")

        # the queue: edit the first item's draft so it gives contact details; the linter reacts. Items are found by
        # their keyed containers (st-key-<key>), not by position on the page, and the box is used only once it
        # shows the draft the library wrote for that review.
        page.get_by_role("link", name="Action queue").click()
        q = action_queue(low)
        expect(page.get_by_text(f"{len(q):,} reviews need action", exact=False)).to_be_visible()
        first = _keyed(page, "item", q.iloc[0])
        area = _keyed(page, "draft", q.iloc[0]).locator("textarea")
        expect(area).to_have_value(q.iloc[0]["draft"])
        area.fill(q.iloc[0]["draft"] + " Write to help@example.com.")
        area.press("Control+Enter")
        expect(first.get_by_text("R-CONTACT").first).to_be_attached()  # a cell of the lint table (canvas grid)
        expect(first.get_by_text(re.compile(r"^Linter: \d+ problem")).first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=False)

        # a second edit, then Download at once (no Ctrl+Enter, no wait): leaving the box sends the edit as the
        # click goes out; the file must carry both edits
        area2 = _keyed(page, "draft", q.iloc[1]).locator("textarea")
        expect(area2).to_have_value(q.iloc[1]["draft"])
        area2.fill(q.iloc[1]["draft"] + " Call +1 415 555 0100.")
        with page.expect_download() as info:
            page.get_by_role("button", name=re.compile(r"Download CSV")).click()
        raw = Path(info.value.path()).read_bytes()
        (ARTIFACTS / "action_queue.csv").write_bytes(raw)
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(rows) == len(q)
        assert [r["review_id"] for r in rows] == q["review_id"].tolist()
        assert rows[0]["draft"] == q.iloc[0]["draft"] + " Write to help@example.com."
        assert "R-CONTACT" in rows[0]["draft_lint"]
        assert rows[1]["draft"] == q.iloc[1]["draft"] + " Call +1 415 555 0100."
        assert "R-CONTACT" in rows[1]["draft_lint"]
        assert [r["draft"] for r in rows[2:]] == q["draft"].iloc[2:].fillna("").tolist()
        assert all(not r["text"].startswith(("=", "+", "-", "@")) for r in rows)

        # untrusted text: upload an export holding markup; it shows as typed and nothing runs
        hostile = tmp_path / "hostile.csv"
        pd.DataFrame({"review_id": ["h1"], "platform": ["google"], "rating": [1], "title": ["<b>bold?</b>"],
                      "text": [HOSTILE], "created_at": ["2024-05-01"]}).to_csv(hostile, index=False)
        page.get_by_text("Upload an export", exact=True).click()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(hostile))
        page.get_by_role("link", name="Reviews").click()
        shown = page.get_by_test_id("stHtml").filter(has_text="alert(1)").first
        expect(shown).to_be_visible()
        assert shown.inner_text().strip() == HOSTILE
        assert shown.locator("script, img, strong").count() == 0
        title = page.get_by_test_id("stHtml").filter(has_text="bold?").first
        ingested = read_reviews(hostile).reviews.iloc[0]  # ingest drops inline tags such as <b> from exports
        assert title.inner_text().strip() == ingested["title"] and title.locator("b").count() == 0
        assert ingested["text"] == HOSTILE
        page.wait_for_timeout(500)
        assert dialogs == []
        page.screenshot(path=str(ARTIFACTS / "untrusted.png"), full_page=False)
    finally:
        context.close()
