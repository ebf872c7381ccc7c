"""``recommend`` decodes ``run_triage``'s held hits and matches beside its decision pool
(:data:`reviewtools.pipeline.DECODE_BESIDE_POOL`): in a thread of the parent once the workers are forked, with
transparent huge pages off meanwhile; the decided columns and the decoded frames are those of the serial way, the
setting comes back, and an error in the decode is raised by ``recommend``."""

from __future__ import annotations

import multiprocessing
import threading

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from reviewtools import ingest, pipeline
from reviewtools.respond import ReplySettings
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-05-01", tz="UTC")

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")


def _page(n: int) -> pd.DataFrame:
    texts = ("It never arrived and nobody answered. Call me at 555-123-4567.", "Great, thanks! Fast shipping.",
             "The battery died after two days, refund please.", "Meh.")
    rows = [{"review_id": f"r{i}", "platform": ("amazon", "google", "yelp")[i % 3], "product_id": f"P{i % 4}",
             "rating": 1 + i % 5, "text": texts[i % 4], "author": "Ann Lee" if i % 13 == 0 else None,
             "created_at": DAY - pd.Timedelta(days=i % 40)} for i in range(n)]
    return coerce(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def stages():
    return pipeline.triage_partition(_page(90))[:3]


def _thp_disabled() -> int:
    prctl = ingest._prctl()
    return -1 if prctl is None else prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0)


def _spy(monkeypatch, seen: list[tuple[bool, bool, int]]) -> None:
    real = pipeline._Encoded.decode_in_place

    def decode_in_place(self):
        # (in the main thread?, while the decision workers run?, huge pages off?)
        seen.append((threading.current_thread() is threading.main_thread(), "decisions" in pipeline._FORKED,
                     _thp_disabled()))
        real(self)

    monkeypatch.setattr(pipeline._Encoded, "decode_in_place", decode_in_place)


def _blocks(monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    monkeypatch.setattr(pipeline, "DECISION_MAX_BLOCK", 7)
    monkeypatch.setattr(pipeline, "POOL_START_METHOD", "fork")


@needs_fork
@pytest.mark.parametrize("beside", [True, False])
def test_held_frames_decoded_beside_the_pool_same_output(stages, monkeypatch, beside):
    scored, matches, hits = stages
    settings = ReplySettings(amazon_public_reply=True)
    plain = pipeline.recommend(scored, hits, matches, settings)
    _blocks(monkeypatch)
    monkeypatch.setattr(pipeline, "DECODE_BESIDE_POOL", beside)
    seen: list[tuple[bool, bool, int]] = []
    _spy(monkeypatch, seen)
    held = (pipeline._encode(hits), pipeline._encode(matches))
    assert held[0].dtypes and held[1].dtypes
    before = _thp_disabled()
    got = pipeline.recommend(scored, *held, settings, processes=2)
    assert_frame_equal(got, plain, check_exact=True)
    for h, want in zip(held, (hits, matches)):  # decoded in place by the time recommend returns
        assert not h.dtypes
        assert_frame_equal(h.frame, want, check_exact=True)
    assert len(seen) == 2
    if beside:  # off the main thread, while the workers ran
        assert all(not main and running for main, running, _ in seen)
    else:  # after them, in the main thread
        assert all(main and not running for main, running, _ in seen)
    assert all(off in (-1, 1) for _, _, off in seen)  # huge pages off during each decode (-1: no prctl)
    assert _thp_disabled() == before
    assert "decisions" not in pipeline._FORKED


@needs_fork
def test_serial_decisions_decode_after_them(stages, monkeypatch):
    scored, matches, hits = stages
    plain = pipeline.recommend(scored, hits, matches)
    seen: list[tuple[bool, bool, int]] = []
    _spy(monkeypatch, seen)
    held = (pipeline._encode(hits), pipeline._encode(matches))
    assert_frame_equal(pipeline.recommend(scored, *held, processes=2), plain, check_exact=True)  # too few rows
    assert [s[:2] for s in seen] == [(True, False), (True, False)]
    assert_frame_equal(held[1].frame, matches, check_exact=True)


@needs_fork
def test_an_error_in_the_decode_is_raised(stages, monkeypatch):
    scored, matches, hits = stages
    _blocks(monkeypatch)

    def broken(self):
        raise RuntimeError("decode failed")

    monkeypatch.setattr(pipeline._Encoded, "decode_in_place", broken)
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="decode failed"):
        pipeline.recommend(scored, pipeline._encode(hits), pipeline._encode(matches), processes=2)
    assert "decisions" not in pipeline._FORKED
    assert threading.active_count() <= before  # the decode's thread is gone


def test_decode_held_skips_plain_and_decoded_frames(stages):
    _, matches, hits = stages
    held = pipeline._encode(hits)
    pipeline._decode_held([None, hits, held])
    assert not held.dtypes
    frame = held.frame
    pipeline._decode_held([held])  # already decoded: the same frame kept
    assert held.frame is frame
    assert_frame_equal(frame, hits, check_exact=True)
