"""``recommend`` works out priority's whole-frame part in a thread beside the decision state and block index
(:data:`reviewtools.pipeline.PRIORITY_INPUTS_BESIDE`) and then, in that thread, warms the draft lint and quoting
(:func:`reviewtools.pipeline._warm_drafting`, :data:`reviewtools.pipeline.WARM_DRAFTING`) before its decision pool
forks: the output is the serial way's with either setting, both ran off the main thread before the workers, and
the warm-up leaves the lint's per-process set-up built (decide, sixteenth session)."""

from __future__ import annotations

import multiprocessing
import threading

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from reviewtools import pipeline, respond
from reviewtools.respond import ReplySettings
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-05-01", tz="UTC")

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")


def _page(n: int) -> pd.DataFrame:
    texts = ("It never arrived and nobody answered. Call me at 555-123-4567.", "Great, thanks! Fast shipping.",
             "The battery died after two days, refund please.", "Meh.")
    rows = [{"review_id": f"r{i}", "platform": ("amazon", "google", None)[i % 3], "product_id": f"P{i % 4}",
             "rating": 1 + i % 5, "text": texts[i % 4], "author": "Ann Lee" if i % 13 == 0 else None,
             "created_at": DAY - pd.Timedelta(days=i % 40)} for i in range(n)]
    return coerce(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def stages():
    return pipeline.triage_partition(_page(60))[:3]


@needs_fork
@pytest.mark.parametrize("beside,warm", [(True, True), (True, False), (False, False)])
def test_same_output_and_run_before_the_fork(stages, monkeypatch, beside, warm):
    scored, matches, hits = stages
    settings = ReplySettings(amazon_public_reply=True)
    plain = pipeline.recommend(scored, hits, matches, settings)
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    monkeypatch.setattr(pipeline, "DECISION_MAX_BLOCK", 7)
    monkeypatch.setattr(pipeline, "POOL_START_METHOD", "fork")
    monkeypatch.setattr(pipeline, "PRIORITY_INPUTS_BESIDE", beside)
    monkeypatch.setattr(pipeline, "WARM_DRAFTING", warm)
    seen: list[tuple[str, bool, bool]] = []  # (what, in the main thread?, the workers forked yet?)
    for name in ("_priority_inputs", "_warm_drafting"):
        real = getattr(pipeline, name)

        def spy(*a, _real=real, _name=name, **k):
            seen.append((_name, threading.current_thread() is threading.main_thread(), "decisions" in pipeline._FORKED))
            return _real(*a, **k)

        monkeypatch.setattr(pipeline, name, spy)
    got = pipeline.recommend(scored, pipeline._encode(hits), pipeline._encode(matches), settings, processes=2)
    assert_frame_equal(got, plain, check_exact=True)
    want = [("_priority_inputs", not beside, False)] + ([("_warm_drafting", False, False)] if warm else [])
    assert seen == want


def test_warm_drafting_builds_the_lint_set_up(stages, monkeypatch):
    scored = stages[0]
    monkeypatch.setattr(respond, "_SCANNER", [])
    monkeypatch.setattr(respond, "_SCAN_LAST", (None, None, None, None))
    respond._lint_cached.cache_clear()  # the warm drafts linted again (a memo: only their speed depends on it)
    pipeline._warm_drafting(scored, ReplySettings())
    assert respond._SCANNER and respond._SCANNER[0].rules is respond.lint_rules()


def test_warm_drafting_without_platforms_or_rows():
    pipeline._warm_drafting(pd.DataFrame({"x": [1]}), ReplySettings())
    pipeline._warm_drafting(coerce(pd.DataFrame({"review_id": pd.Series([], dtype="string")})), ReplySettings())
