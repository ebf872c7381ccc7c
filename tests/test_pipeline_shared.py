"""The decision workers hand their blocks' string columns to the parent as Arrow IPC files in shared memory
(:data:`reviewtools.pipeline.DECISIONS_SHARED_MEMORY`): the same output as pickling them back, and no file left
behind, whether the step ends well or with an error (in a worker or in the parent)."""

from __future__ import annotations

import multiprocessing
import os
import pickle

import numpy as np
import pandas as pd
import pytest

from reviewtools import pipeline
from reviewtools.respond import ReplySettings
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-05-01", tz="UTC")

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="forked decision blocks need fork")


def _page(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(8)
    rows = [{"review_id": f"r{i}", "platform": ["amazon", "google", "yelp"][i % 3], "product_id": f"P{i % 4}",
             "rating": int(rng.choice([1, 2, 3, 4, 5, 5])), "text": "Bad." if i % 3 else "Great, thanks!",
             "author": "Ann Lee" if i % 13 == 0 else None, "created_at": DAY - pd.Timedelta(days=i % 40),
             "helpful_votes": i % 7} for i in range(n)]
    frame = coerce(pd.DataFrame(rows))
    frame["sentiment_label"] = pd.array(rng.choice(["positive", "negative", "neutral"], n), dtype="string")
    frame["sentiment_score"] = pd.array(rng.uniform(-1, 1, n).round(4), dtype="Float64")
    return frame


def _packed() -> pipeline._PackedBlock:
    cols = {c: pd.array([f"{c} {i}" if i % 4 else None for i in range(6)], dtype="string")
            for c in pipeline._DECIDED_COLUMNS}
    cols["draft"] = pd.array(["", "ünïcödé ★", None, "x" * 300, "", "y"], dtype="string")
    cols["priority"] = pd.array([1.5, None, 0.0, 2.25, np.nan, 3.0], dtype="Float64")
    cols["priority_reason"] = pd.array(["a", "b", None, "", "c", "d"], dtype="string")
    return pipeline._PackedBlock(cols, [(1, "norm", False)], 6)


def test_shared_block_round_trip(tmp_path):
    packed = _packed()
    sent = pipeline._to_shared(packed, str(tmp_path), "block-0.arrow")
    path, names = sent.shared
    assert os.path.exists(path) and set(names) == set(pipeline._DECIDED_COLUMNS) | {"priority_reason"}
    assert set(sent.columns) == {"priority"}  # only the non-string column is pickled back
    back = pipeline._from_shared(pickle.loads(pickle.dumps(sent)))
    assert not os.listdir(tmp_path)  # unlinked as soon as it is mapped
    assert back.shared is None and back.redo == packed.redo and back.n == packed.n
    assert set(back.columns) == set(packed.columns)
    for c, want in packed.columns.items():
        got = back.columns[c]
        assert got.dtype == want.dtype
        pd.testing.assert_extension_array_equal(got, want)
    assert list(back.columns["draft"]) == list(packed.columns["draft"])  # the mapping outlives the unlinked file


def test_empty_block_round_trip(tmp_path):
    packed = pipeline._pack([])
    back = pipeline._from_shared(pipeline._to_shared(packed, str(tmp_path), "b.arrow"))
    assert not os.listdir(tmp_path)
    for c, want in packed.columns.items():
        pd.testing.assert_extension_array_equal(back.columns[c], want)


def test_block_without_arrow_strings_stays_as_it_is(tmp_path):
    packed = pipeline._PackedBlock({"priority": pd.array([1.0], dtype="Float64")}, [], 1)
    assert pipeline._to_shared(packed, str(tmp_path), "b.arrow") is packed
    assert pipeline._from_shared(packed) is packed and not os.listdir(tmp_path)


def test_no_folder_when_turned_off_or_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "SHARED_ROOT", str(tmp_path))
    monkeypatch.setattr(pipeline, "DECISIONS_SHARED_MEMORY", False)
    assert pipeline._shared_folder() is None
    monkeypatch.setattr(pipeline, "DECISIONS_SHARED_MEMORY", True)
    folder = pipeline._shared_folder()
    assert folder is not None and os.path.dirname(folder) == str(tmp_path)
    os.rmdir(folder)
    monkeypatch.setattr(pipeline, "SHARED_ROOT", str(tmp_path / "missing"))
    assert pipeline._shared_folder() is None


def _small_blocks(monkeypatch, root) -> None:
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    monkeypatch.setattr(pipeline, "DECISION_MAX_BLOCK", 13)
    monkeypatch.setattr(pipeline, "SHARED_ROOT", str(root))


@needs_fork
def test_forked_blocks_through_shared_memory_equal_pickled_and_serial(monkeypatch, tmp_path):
    frame = _page(300)
    serial = pipeline.recommend(frame, None, None, ReplySettings(), processes=1)
    _small_blocks(monkeypatch, tmp_path)
    monkeypatch.setattr(pipeline, "DECISIONS_SHARED_MEMORY", False)
    pickled = pipeline.recommend(frame, None, None, ReplySettings(), processes=2)
    monkeypatch.setattr(pipeline, "DECISIONS_SHARED_MEMORY", True)
    seen: list[bool] = []
    real = pipeline._from_shared

    def spy(packed):
        seen.append(packed.shared is not None)
        return real(packed)

    monkeypatch.setattr(pipeline, "_from_shared", spy)
    shared = pipeline.recommend(frame, None, None, ReplySettings(), processes=2)
    assert len(seen) == -(-300 // 13) and all(seen)  # every block came through a file
    assert not os.listdir(tmp_path)  # the folder is gone
    pd.testing.assert_frame_equal(shared, serial, check_exact=True)
    pd.testing.assert_frame_equal(pickled, serial, check_exact=True)


@needs_fork
def test_no_file_left_when_a_worker_fails(monkeypatch, tmp_path):
    _small_blocks(monkeypatch, tmp_path)
    real = pipeline._priority_rows

    def failing(inputs, start, stop):  # runs in the forked workers
        if start >= 13 * 10:
            raise RuntimeError("worker failed")
        return real(inputs, start, stop)

    monkeypatch.setattr(pipeline, "_priority_rows", failing)
    with pytest.raises(RuntimeError, match="worker failed"):
        pipeline.recommend(_page(300), None, None, ReplySettings(), processes=2)
    assert not os.listdir(tmp_path)
    assert "shared" not in pipeline._FORKED and "decisions" not in pipeline._FORKED


@needs_fork
def test_no_file_left_when_the_parent_fails(monkeypatch, tmp_path):
    _small_blocks(monkeypatch, tmp_path)
    real = pipeline._from_shared
    calls = []

    def failing(packed):
        calls.append(1)
        if len(calls) == 3:  # later blocks' files are written (or being written) by the workers
            raise RuntimeError("parent failed")
        return real(packed)

    monkeypatch.setattr(pipeline, "_from_shared", failing)
    with pytest.raises(RuntimeError, match="parent failed"):
        pipeline.recommend(_page(300), None, None, ReplySettings(), processes=2)
    assert not os.listdir(tmp_path)


def _filling_writer(real, fail_every: int = 1):
    """``pa_ipc.new_file`` as on a memory file system that fills up: every ``fail_every``-th file gets a few
    bytes written, then the write fails with ENOSPC (what a container's 64 MB /dev/shm does at 1M reviews)."""
    import errno

    calls = [0]

    def new_file(sink, schema):
        calls[0] += 1
        if calls[0] % fail_every:
            return real(sink, schema)
        sink.write(b"ARROW1\0\0partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    return new_file


def test_a_full_shared_file_system_pickles_the_block_back(monkeypatch, tmp_path):
    packed = _packed()
    monkeypatch.setattr(pipeline.pa_ipc, "new_file", _filling_writer(pipeline.pa_ipc.new_file))
    sent = pipeline._to_shared(packed, str(tmp_path), "block-0.arrow")
    assert sent is packed and sent.shared is None  # every column stays in the pickle
    assert not os.listdir(tmp_path)  # the partial file is removed


@needs_fork
def test_forked_blocks_equal_serial_when_shared_memory_fills_up(monkeypatch, tmp_path):
    frame = _page(300)
    serial = pipeline.recommend(frame, None, None, ReplySettings(), processes=1)
    _small_blocks(monkeypatch, tmp_path)
    monkeypatch.setattr(pipeline, "DECISIONS_SHARED_MEMORY", True)
    monkeypatch.setattr(pipeline.pa_ipc, "new_file", _filling_writer(pipeline.pa_ipc.new_file, fail_every=2))
    got = pipeline.recommend(frame, None, None, ReplySettings(), processes=2)
    assert not os.listdir(tmp_path)
    pd.testing.assert_frame_equal(got, serial, check_exact=True)
