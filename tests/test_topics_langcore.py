"""The topics helpers of ``reviewtools._langcore`` (``topic_field_codes``, ``topic_tags``) against the Python and
Arrow code they replace: ``_field_codes`` (Arrow's ``dictionary_encode``) with ``_has_text`` of the distinct values,
on sliced, chunked, ``string`` and ``large_string`` columns with missing values; ``_tagged_frame``'s loop on raw
matches with repeated topics, several fields and polarities; and ``find_and_tag_topics`` with and without them
(Hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal
from test_topics_prefilter import EXAMPLES, review_text

from reviewtools import topics

lang = topics._lang_core()
pytestmark = pytest.mark.skipif(lang is None, reason="reviewtools._langcore (topics helpers) not built")

value = st.one_of(st.none(), st.sampled_from(["", " ", "\n\t", "\x1c", "\u3000", "\u00a0x", "Five Stars",
                                              "Never arrived.", "caf\u00e9 \u2019 broke", "x" * 40, "x" * 41]),
                  st.sampled_from(EXAMPLES), review_text(), st.text(max_size=40))


def _arrow_reference(data: pa.ChunkedArray) -> tuple[list[int], list[str]]:
    if data.null_count:
        data = pc.fill_null(data, "")
    enc = pc.dictionary_encode(data.combine_chunks())
    return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64).tolist(), enc.dictionary.to_pylist()


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(value, max_size=10), min_size=1, max_size=4), st.booleans(),
       st.integers(0, 3), st.integers(0, 3))
def test_field_codes_equal_arrows_dictionary_encode(chunk_values, large, cut_front, cut_back):
    typ = pa.large_string() if large else pa.string()
    data = pa.chunked_array([pa.array(v, type=typ) for v in chunk_values], type=typ)
    total = len(data)
    lo = min(cut_front, total)
    data = data.slice(lo, max(0, total - lo - cut_back))  # chunks with offsets
    codes = np.full(len(data), -7, dtype=np.int64)
    chunks = [(*c.buffers()[:3], c.offset, len(c)) for c in data.chunks]
    distinct, has = lang.topic_field_codes(chunks, large, codes)
    want_codes, want_distinct = _arrow_reference(data)
    assert codes.tolist() == want_codes
    assert distinct == want_distinct
    assert np.frombuffer(has, dtype=bool).tolist() == topics._has_text(want_distinct).tolist()
    distinct2, has2, lows = lang.topic_field_codes(chunks, large, codes, True)
    assert distinct2 == want_distinct and has2 == has and codes.tolist() == want_codes
    assert lows == [None if "\u03a3" in v or any(len(c.lower()) != 1 for c in v) else v.lower()
                    for v in want_distinct]  # lowered in C but a capital sigma or a longer lower case


def test_field_codes_through_the_frame():
    frame = pd.DataFrame({"t": pd.array(["b", None, "b", "a", "", " "], dtype="string[pyarrow]")}).iloc[1:]
    codes, distinct, flags, lows = topics._field_codes(frame, "t")
    assert codes.tolist() == [0, 1, 2, 0, 3] and distinct == ["", "b", "a", " "]
    assert flags.tolist() == [False, True, True, False] and lows == ["", "b", "a", " "]
    codes, distinct, flags, lows = topics._field_codes(pd.DataFrame({"t": pd.array(["\u00c9T\u00c9", "AbC"], dtype="string[pyarrow]")}), "t")
    assert lows == ["\u00e9t\u00e9", "abc"]  # the non-ASCII one lowered in C too


def test_field_codes_rejects_short_buffers():
    arr = pa.array(["ab", "c"], type=pa.large_string())
    v, o, d = arr.buffers()
    with pytest.raises(ValueError):
        lang.topic_field_codes([(v, o, d, 1, 2)], True, np.zeros(2, dtype=np.int64))
    with pytest.raises(ValueError):
        lang.topic_field_codes([(v, o, d, 0, 2)], True, np.zeros(3, dtype=np.int64))


TOPIC = st.sampled_from(["size_fit", "shipping_delivery", "customer_service", "quality", "a", "b", "\u00e9t\u00e9"])
POLARITY = st.sampled_from(["complaint", "praise", "neutral"])
EVIDENCE = st.sampled_from(["Runs small", "never arrived", "", "caf\u00e9 \u2019", 'say "hi"'])


def _python_tags(rows, topic, evidence, polarity, n):
    found = topics._Found(rows=np.array(rows, dtype=np.int64), field=[], topic=topic, start=np.zeros(0),
                          end=np.zeros(0), evidence=evidence, phrase=[], kind=[], polarity=polarity,
                          negated=np.zeros(0, bool), negator=[], cue=[], reason=[],
                          has_text=np.ones(n, dtype=bool))
    frame = pd.DataFrame({"review_id": [str(i) for i in range(n)]})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topics, "_lang_core", lambda: None)
        want = topics._tagged_frame(frame, found)
    got = topics._tagged_frame(frame, found)
    return got, want


@settings(max_examples=examples(100), deadline=None)
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), TOPIC, EVIDENCE, POLARITY), max_size=25))))
def test_tags_equal_the_python_loop(case):
    n, matches = case
    matches.sort(key=lambda x: x[0])  # rows in order, as _find gives them (the rest in any order)
    rows = [m[0] for m in matches]
    got, want = _python_tags(rows, [m[1] for m in matches], [m[2] for m in matches], [m[3] for m in matches], n)
    assert_frame_equal(got, want)
    raw = lang.topic_tags(np.array(rows, dtype=np.int64), [m[1] for m in matches], [m[2] for m in matches],
                          [m[3] for m in matches], n)
    assert [list(col) for col in raw] == [want[c].tolist() for c in ("topics", "topics_praised", "topic_evidence")]


def test_tags_leave_unordered_rows_to_python():
    assert lang.topic_tags(np.array([1, 0], dtype=np.int64), ["a", "b"], ["x", "y"], ["complaint"] * 2, 2) is None
    got, want = _python_tags([1, 0], ["a", "b"], ["x", "y"], ["complaint"] * 2, 2)
    assert_frame_equal(got, want)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(value, value), min_size=1, max_size=10))
def test_find_and_tag_topics_equal_without_the_helpers(pairs):
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(pairs))],
                          "title": pd.array([a for a, _ in pairs], dtype="string[pyarrow]"),
                          "text": pd.array([b for _, b in pairs], dtype="string[pyarrow]")})
    got = topics.find_and_tag_topics(frame)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topics, "_lang_core", lambda: None)
        want = topics.find_and_tag_topics(frame)
    assert_frame_equal(got[0], want[0])
    assert_frame_equal(got[1], want[1])


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.text(max_size=20), st.sampled_from(["", "caf\u00e9", "\u2019", "\U0001f600", "x" * 70])),
                max_size=30))
def test_utf8_buffers_equal_pyarrows_array(values):
    got = topics._string_array(values)
    want = pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(values, type=pa.large_string())]))
    assert got._pa_array.combine_chunks().equals(want._pa_array.combine_chunks())
    assert got.dtype == want.dtype and got.tolist() == values


def test_utf8_leaves_other_values_to_pyarrow():
    assert lang.topic_utf8(["a", 1]) is None
    assert lang.topic_utf8(["a", "\ud800"]) is None
    with pytest.raises(Exception):
        topics._string_array(["a", "\ud800"])


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=8)), min_size=1, max_size=12), st.data())
def test_taken_strings_equal_the_numpy_take(values, data):
    column = pd.Series(pd.array(values, dtype="string[pyarrow]"))
    rows = np.array(data.draw(st.lists(st.integers(0, len(values) - 1), max_size=15)), dtype=np.int64)
    got = topics._taken_strings(column, rows)
    want = pd.array(column.astype("string").to_numpy()[rows], dtype="string")
    pd.testing.assert_extension_array_equal(got, want)
    assert str(got._pa_array.type) == "large_string"
