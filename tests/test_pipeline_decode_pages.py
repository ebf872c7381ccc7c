"""``recommend`` decodes ``run_triage``'s held hits and matches with transparent huge pages off
(:data:`reviewtools.pipeline.DECODE_HUGE_PAGES_OFF`): the setting is off only during the decode, comes back
after, and the output is the same as with it left alone."""

from __future__ import annotations

import multiprocessing

import pandas as pd
import pytest

from reviewtools import ingest, pipeline
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-05-01", tz="UTC")


def _page(n: int) -> pd.DataFrame:
    rows = [{"review_id": f"r{i}", "platform": "yelp" if i % 17 == 5 else "google", "product_id": "P1",
             "rating": 5 if i % 6 == 3 else 1 + i % 5, "text": "Bad." if i % 3 else "Great, thanks!",
             "author": "Ann Lee" if i % 13 == 0 else None, "created_at": DAY} for i in range(n)]
    return coerce(pd.DataFrame(rows))


def _thp_disabled() -> int:
    prctl = ingest._prctl()
    return -1 if prctl is None else prctl(ingest._PR_GET_THP_DISABLE, 0, 0, 0, 0)


def _spy(seen: list[int]):
    real = pipeline._Encoded.decode_in_place

    def decode_in_place(self):
        seen.append(_thp_disabled())
        real(self)

    return decode_in_place


@pytest.mark.parametrize("processes", [1, 2])
def test_held_frames_decoded_with_huge_pages_off_and_setting_restored(monkeypatch, processes):
    if processes > 1 and "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("forked workers need fork")
    frame = _page(120)
    monkeypatch.setattr(pipeline, "DECODE_HUGE_PAGES_OFF", False)
    plain = pipeline.run_triage(frame, processes=processes)
    monkeypatch.setattr(pipeline, "DECODE_HUGE_PAGES_OFF", True)
    seen: list[int] = []
    monkeypatch.setattr(pipeline._Encoded, "decode_in_place", _spy(seen))
    before = _thp_disabled()
    got = pipeline.run_triage(frame, processes=processes)
    assert _thp_disabled() == before  # the process's setting is back
    assert seen and all(s in (-1, 1) for s in seen)  # off during each decode (-1: no prctl here)
    for name in ("reviews", "hits", "topic_matches"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(plain, name), check_exact=True)


def test_decode_context_is_a_no_op_when_turned_off(monkeypatch):
    monkeypatch.setattr(pipeline, "DECODE_HUGE_PAGES_OFF", False)
    before = _thp_disabled()
    with pipeline._decode_huge_pages_off():
        assert _thp_disabled() == before
    with pipeline._decode_huge_pages_off():
        pass
    assert _thp_disabled() == before
