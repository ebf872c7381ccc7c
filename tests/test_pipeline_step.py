"""The per-review step of run_triage (``_run_stages``): forked workers slice the frame they inherited
(``_STAGE_FRAME``) instead of being sent their rows pickled, and the result is the serial one."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pandas as pd
import pytest

from reviewtools import pipeline
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-05-01", tz="UTC")
TEXTS = ("It never arrived and nobody answered.", "Great, thanks!", "Das Produkt ist leider kaputt.",
         "Terrible quality, broke after a day. Refund please!", "ok", "Visit http://spam.example now")

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="inherited partitions need fork")


def _page(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(8)
    rows = [{"review_id": f"r{i}", "platform": ["amazon", "google", "yelp"][i % 3], "product_id": f"P{i % 4}",
             "rating": int(rng.choice([1, 2, 3, 4, 5, 5])), "text": TEXTS[i % len(TEXTS)] + f" #{i % 5}",
             "author": "Ann Lee" if i % 13 == 0 else None, "created_at": DAY - pd.Timedelta(days=i % 40)}
            for i in range(n)]
    return coerce(pd.DataFrame(rows))


def _assert_same(a: pipeline.TriageResult, b: pipeline.TriageResult) -> None:
    pd.testing.assert_frame_equal(a.reviews, b.reviews, check_exact=True)
    for attr in ("hits", "topic_matches"):
        pd.testing.assert_frame_equal(getattr(a, attr), getattr(b, attr), check_exact=True)


_TASKS: list = []  # the file the spy below writes to (set before the workers fork)


def _spy_task(part):
    with _TASKS[0].open("a") as fh:
        fh.write(f"{type(part).__name__}\n")
    return _REAL_TASK(part)


_REAL_TASK = pipeline._partition_task


@needs_fork
def test_forked_workers_get_bounds_and_match_serial(monkeypatch, tmp_path):
    """Tasks are row bounds (nothing pickled), retired workers' replacements (forked later) read the frame too,
    the result is the serial one, and the frame is not held once the step is over."""
    frame = _page(90)
    serial = pipeline.run_triage(frame, processes=1)
    monkeypatch.setattr(pipeline, "POOL_START_METHOD", "fork")
    monkeypatch.setattr(pipeline, "WORKER_MAX_TASKS", 1)  # every task in a freshly forked worker
    monkeypatch.setattr(pipeline, "MAX_PARTITION_ROWS", 7)  # many partitions, a short last one
    monkeypatch.setattr(pipeline, "_partition_task", _spy_task)
    monkeypatch.setitem(globals(), "_TASKS", [tmp_path / "tasks.txt"])
    forked = pipeline.run_triage(frame, processes=2)
    _assert_same(forked, serial)
    kinds = (tmp_path / "tasks.txt").read_text().split()
    assert len(kinds) == 13 and set(kinds) == {"tuple"}
    assert pipeline._STAGE_FRAME is None


def test_partition_task_bounds_equal_rows(monkeypatch):
    """A task given bounds of the inherited frame returns exactly what one given those rows does."""
    frame = _page(30)
    monkeypatch.setattr(pipeline, "_STAGE_FRAME", frame)
    by_bounds = pipeline._partition_task((10, 25))
    by_rows = pipeline._partition_task(frame.iloc[10:25])
    for a, b in zip(by_bounds[:3], by_rows[:3]):
        pd.testing.assert_frame_equal(a.decode(), b.decode(), check_exact=True)
    assert by_bounds[3] == by_rows[3]


def test_stage_frame_cleared_when_a_worker_fails(monkeypatch):
    """An error in a worker reaches the caller and leaves no frame behind."""
    monkeypatch.setattr(pipeline, "POOL_START_METHOD", "fork" if "fork" in multiprocessing.get_all_start_methods()
                        else pipeline.POOL_START_METHOD)
    monkeypatch.setattr(pipeline, "_partition_task", _failing_task)
    with pytest.raises(RuntimeError, match="boom"):
        pipeline.run_triage(_page(40), processes=2)
    assert pipeline._STAGE_FRAME is None


def _failing_task(part):
    raise RuntimeError("boom")



@needs_fork
def test_parts_joined_with_huge_pages_off_then_restored(monkeypatch):
    """The parent decodes and joins the workers' parts with transparent huge pages off (DECODE_HUGE_PAGES_OFF),
    gets its setting back after, and the result is the serial one."""
    from reviewtools import ingest

    prctl = ingest._prctl()
    if prctl is None or prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0) != 0:
        pytest.skip("no prctl, or huge pages already off for this process")
    seen: list[int] = []
    real = pipeline._joined

    def spy(*args, **kwargs):
        seen.append(prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0))
        return real(*args, **kwargs)

    frame = _page(60)
    serial = pipeline.run_triage(frame, processes=1)
    monkeypatch.setattr(pipeline, "POOL_START_METHOD", "fork")
    monkeypatch.setattr(pipeline, "_joined", spy)
    forked = pipeline.run_triage(frame, processes=2)
    _assert_same(forked, serial)
    assert seen == [1, 1]  # matches, then hits
    assert prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0) == 0
    monkeypatch.setattr(pipeline, "DECODE_HUGE_PAGES_OFF", False)
    seen.clear()
    _assert_same(pipeline.run_triage(frame, processes=2), serial)
    assert seen == [0, 0]
