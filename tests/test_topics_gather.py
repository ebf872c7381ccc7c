"""``_langcore.topic_gather`` and :func:`reviewtools.topics._sorted_parts` (eleventh session, round 3, helper
``topics3``): the match columns gathered from the fields' joined lists straight into the sorted order equal the
numpy path (object array + take + tolist), the per-field columns concatenated and sorted (the code before it) and
the reference (``prefilter=False``)."""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_prefilter import EXAMPLES, review_text

from reviewtools import topics

lang = topics._lang_core()
needs_gather = pytest.mark.skipif(lang is None or not hasattr(lang, "topic_gather"),
                                  reason="reviewtools._langcore.topic_gather not built")

item = st.one_of(st.none(), st.text(max_size=8), st.integers(), st.booleans())


@needs_gather
@settings(max_examples=examples(200), deadline=None)
@given(st.lists(item, max_size=30), st.data())
def test_gather_equals_the_list_comprehension(values, data):
    index = data.draw(st.lists(st.integers(0, len(values) - 1), max_size=50)) if values else []
    ix = np.array(index, dtype=np.int64)
    got = lang.topic_gather(values, ix)
    want = [values[i] for i in index]
    assert type(got) is list and len(got) == len(want)
    assert all(a is b for a, b in zip(got, want))


@needs_gather
def test_gather_checks_its_arguments_and_counts_references():
    token = object()
    values = [token, "a"]
    before = sys.getrefcount(token)
    got = lang.topic_gather(values, np.array([0, 0, 1, 0], dtype=np.int64))
    assert sys.getrefcount(token) == before + 3
    del got
    assert sys.getrefcount(token) == before
    for bad in ([2], [-1], [0, 5]):
        with pytest.raises(IndexError):
            lang.topic_gather(values, np.array(bad, dtype=np.int64))
    assert sys.getrefcount(token) == before
    with pytest.raises(ValueError):
        lang.topic_gather(values, np.zeros(3, dtype=np.int32)[:1].tobytes() + b"\0")  # 5 bytes: not int64
    with pytest.raises(TypeError):
        lang.topic_gather(tuple(values), np.zeros(1, dtype=np.int64))
    assert lang.topic_gather([], np.zeros(0, dtype=np.int64)) == []


def _old_sorted_parts(parts, has_text):
    """The code before ``_sorted_parts``: each field's :func:`_field_columns`, concatenated, sorted."""
    cols = []
    for fi, rows, take, lists in parts:
        total = len(take)

        def objects(values):
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            return arr[take]
        topic, start, end, evidence, phrase, kind, polarity, negated, negator, cue, reason = lists
        cols.append([rows, np.full(total, fi, dtype=np.int64), objects(topic),
                     np.array(start, dtype=np.int64)[take] if total else np.zeros(0, dtype=np.int64),
                     np.array(end, dtype=np.int64)[take] if total else np.zeros(0, dtype=np.int64),
                     objects(evidence), objects(phrase), objects(kind), objects(polarity),
                     np.array(negated, dtype=bool)[take] if total else np.zeros(0, dtype=bool),
                     objects(negator), objects(cue), objects(reason)])
    return topics._sorted_columns([np.concatenate(c) for c in zip(*cols)], has_text) if cols else \
        topics._found_of([[] for _ in topics._RAW_COLUMNS], None, has_text)


class _NoGather:
    def __init__(self, core):
        self._core = core

    def __getattr__(self, name):
        if name == "topic_gather":
            raise AttributeError(name)
        return getattr(self._core, name)


def _assert_found_equal(a, b):
    for k in a.__dataclass_fields__:
        x, y = getattr(a, k), getattr(b, k)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert np.array_equal(np.asarray(x), np.asarray(y)), k
        else:
            assert list(x) == list(y), k


value = st.one_of(st.none(), st.sampled_from(["", " ", "Five Stars", "Never arrived.", "x" * 40]),
                  st.sampled_from(EXAMPLES), review_text())


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(value, value), min_size=1, max_size=12), st.booleans())
def test_sorted_parts_equal_the_old_columns_numpy_and_reference(pairs, arrow):
    dtype = "string[pyarrow]" if arrow else object
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(pairs))],
                          "title": pd.array([a for a, _ in pairs], dtype=dtype) if arrow else [a or "" for a, _ in pairs],
                          "text": pd.array([b for _, b in pairs], dtype=dtype) if arrow else [b or "" for _, b in pairs]})
    got = topics._find(frame, None)
    reference = topics._find(frame, None, prefilter=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topics, "_sorted_parts", _old_sorted_parts)
        old = topics._find(frame, None)
    core = topics._lang_core()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topics, "_lang_core", lambda: None if core is None else _NoGather(core))
        numpy_path = topics._find(frame, None)
    for other in (old, numpy_path, reference):
        _assert_found_equal(got, other)
    assert got.rows.dtype == old.rows.dtype and got.start.dtype == old.start.dtype
    assert got.end.dtype == old.end.dtype and got.negated.dtype == old.negated.dtype


def test_sorted_parts_on_examples_across_fields():
    titles = [EXAMPLES[i % len(EXAMPLES)] for i in range(len(EXAMPLES))]
    texts = [EXAMPLES[(i * 7 + 3) % len(EXAMPLES)] + " " + EXAMPLES[i] for i in range(len(EXAMPLES))]
    order = list(range(len(titles)))[::-1]
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in order],
                          "title": pd.array([titles[i] for i in order], dtype="string[pyarrow]"),
                          "text": pd.array([texts[i] for i in order], dtype="string[pyarrow]")})
    got = topics._find(frame, None)
    assert len(got.rows) > 0
    _assert_found_equal(got, topics._find(frame, None, prefilter=False))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topics, "_sorted_parts", _old_sorted_parts)
        _assert_found_equal(got, topics._find(frame, None))
