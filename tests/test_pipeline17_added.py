"""The per-review task sends the columns the stages add back as they are (``ENCODE_ADDED_COLUMNS`` off), not
dictionary-encoded: the same frame reaches the parent, and run_triage's output is the one the encoded way (and
the serial run) gives."""

from __future__ import annotations

import multiprocessing
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-05-01", tz="UTC")
TEXTS = ("It never arrived and nobody answered.", "Great, thanks!", "Das Produkt ist leider kaputt.",
         "Terrible quality, broke after a day. Refund please!", "ok", "Visit http://spam.example now", "",
         "The zipper broke. Shipping was slow, but the seller refunded me quickly.")

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="inherited partitions need fork")


def _page(texts: list[str | None]) -> pd.DataFrame:
    rng = np.random.default_rng(17)
    rows = [{"review_id": f"r{i}", "platform": ["amazon", "google", "yelp"][i % 3], "product_id": f"P{i % 4}",
             "rating": int(rng.choice([1, 2, 3, 4, 5, 5])), "text": t,
             "author": "Ann Lee" if i % 13 == 0 else None, "created_at": DAY - pd.Timedelta(days=i % 40)}
            for i, t in enumerate(texts)]
    return coerce(pd.DataFrame(rows))


def _old_added(part: pd.DataFrame) -> pd.DataFrame:
    """The added columns as the parent got them before: encoded in the task, pickled, decoded."""
    scored = pipeline.triage_partition(part)[0]
    sent = pickle.dumps(pipeline._encode(scored.drop(columns=list(part.columns))))
    return pickle.loads(sent).decode()


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.sampled_from(TEXTS), st.text(max_size=60)), min_size=2, max_size=12))
def test_task_added_columns_equal_the_encoded_way(texts):
    """What the task returns for the added columns, pickled as the pool sends it, is exactly (values, dtypes,
    index) the frame the encoded way decoded to; nothing in it is left encoded."""
    frame = _page(texts)
    got = pickle.loads(pickle.dumps(pipeline._partition_task(frame)[0]))
    assert got.dtypes == {}
    assert not any(isinstance(d, pd.CategoricalDtype) for d in got.frame.dtypes)
    new = got.decode()
    old = _old_added(frame)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert new.equals(old)


def test_task_encodes_added_columns_when_asked(monkeypatch):
    """With ENCODE_ADDED_COLUMNS the task encodes them as before (and decoding gives the same frame)."""
    frame = _page(list(TEXTS) * 3)
    monkeypatch.setattr(pipeline, "ENCODE_ADDED_COLUMNS", True)
    enc = pipeline._partition_task(frame)[0]
    assert enc.dtypes and "sentiment_label" in enc.dtypes
    monkeypatch.setattr(pipeline, "ENCODE_ADDED_COLUMNS", False)
    pd.testing.assert_frame_equal(enc.decode(), pipeline._partition_task(frame)[0].decode(), check_exact=True)


@needs_fork
@pytest.mark.parametrize("encode", [False, True])
def test_run_triage_same_either_way_and_serial(monkeypatch, encode):
    """run_triage over forked workers (many partitions, a short last one) gives the serial result whether the
    added columns travel encoded or not."""
    frame = _page([TEXTS[i % len(TEXTS)] + f" #{i % 5}" for i in range(61)])
    serial = pipeline.run_triage(frame, processes=1)
    monkeypatch.setattr(pipeline, "POOL_START_METHOD", "fork")
    monkeypatch.setattr(pipeline, "MAX_PARTITION_ROWS", 9)
    monkeypatch.setattr(pipeline, "ENCODE_ADDED_COLUMNS", encode)
    forked = pipeline.run_triage(frame, processes=2)
    pd.testing.assert_frame_equal(forked.reviews, serial.reviews, check_exact=True)
    for attr in ("hits", "topic_matches"):
        pd.testing.assert_frame_equal(getattr(forked, attr), getattr(serial, attr), check_exact=True)
