"""A per-review task runs with Python's cyclic collector paused for all of it (``TASK_WITHOUT_COLLECTION``), on
again after it (also after an error), left off when it was off, and returns the same as with the collector on."""

from __future__ import annotations

import gc

import pandas as pd
import pytest

from reviewtools import pipeline
from reviewtools.schema import coerce

TEXTS = ("It never arrived and nobody answered.", "Great, thanks!", "Das Produkt ist leider kaputt.",
         "Terrible quality, broke after a day. Refund please!", "ok", "Visit http://spam.example now", "")


def _page(n: int) -> pd.DataFrame:
    return coerce(pd.DataFrame({"review_id": [f"r{i}" for i in range(n)],
                                "platform": [["amazon", "google", "yelp"][i % 3] for i in range(n)],
                                "rating": [1 + i % 5 for i in range(n)],
                                "text": [TEXTS[i % len(TEXTS)] for i in range(n)]}))


def _spy(seen: list[bool], fail: bool = False):  # type: ignore[no-untyped-def]
    real = pipeline.triage_partition

    def run(frame, timings=None):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("boom")
        return real(frame, timings)

    return run


@pytest.fixture(autouse=True)
def _collector_on():  # type: ignore[no-untyped-def]
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:  # pragma: no cover - as the session had it
        gc.disable()


def test_task_paused_and_on_again(monkeypatch):
    seen: list[bool] = []
    monkeypatch.setattr(pipeline, "triage_partition", _spy(seen))
    pipeline._partition_task(_page(14))
    assert seen == [False] and gc.isenabled()


def test_task_not_paused_when_switched_off(monkeypatch):
    seen: list[bool] = []
    monkeypatch.setattr(pipeline, "triage_partition", _spy(seen))
    monkeypatch.setattr(pipeline, "TASK_WITHOUT_COLLECTION", False)
    pipeline._partition_task(_page(14))
    assert seen == [True] and gc.isenabled()


def test_collector_on_again_after_an_error(monkeypatch):
    seen: list[bool] = []
    monkeypatch.setattr(pipeline, "triage_partition", _spy(seen, fail=True))
    with pytest.raises(RuntimeError, match="boom"):
        pipeline._partition_task(_page(5))
    assert seen == [False] and gc.isenabled()


def test_collector_left_off_when_it_was_off(monkeypatch):
    seen: list[bool] = []
    monkeypatch.setattr(pipeline, "triage_partition", _spy(seen))
    gc.disable()
    try:
        pipeline._partition_task(_page(5))
        assert seen == [False] and not gc.isenabled()
    finally:
        gc.enable()


def test_same_result_paused_or_not(monkeypatch):
    frame = _page(40)
    monkeypatch.setattr(pipeline, "_STAGE_FRAME", frame)
    paused = pipeline._partition_task((3, 37))
    monkeypatch.setattr(pipeline, "TASK_WITHOUT_COLLECTION", False)
    on = pipeline._partition_task((3, 37))
    for a, b in zip(paused[:3], on[:3]):
        pd.testing.assert_frame_equal(a.decode(), b.decode(), check_exact=True)
    assert paused[3] == on[3]
    assert set(paused[4]) == set(on[4]) == {"sentiment", "topics", "checks"}
