"""Each distinct title and text found by Arrow (``topics._field_codes``: ``dictionary_encode`` of a
pyarrow-backed string column) instead of a dict over a ``str`` per row: the codes and distinct values equal the
first-seen numbering of :func:`topics._field_values` (missing values as ``""``), and ``find_and_tag_topics``
gives the same frames with it and without it (Hypothesis: repeated, missing, empty, whitespace-only and
non-ASCII values; string columns of both storages and object columns)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal
from test_topics_prefilter import EXAMPLES, review_text

from reviewtools import topics

value = st.one_of(st.none(), st.sampled_from(["", " ", "\n\t", "Five Stars", "Never arrived.", "caf\u00e9 \u2019 broke"]),
                  st.sampled_from(EXAMPLES), review_text(), st.text(max_size=30).filter(lambda s: "\x00" not in s))


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(value, min_size=1, max_size=12))
def test_codes_equal_the_first_seen_numbering_of_the_values(values):
    frame = pd.DataFrame({"text": pd.array(values, dtype="string[pyarrow]")})
    codes, distinct, _flags, _lows = topics._field_codes(frame, "text")
    texts = topics._field_values(frame, "text")
    first: dict[str, int] = {}
    assert codes.tolist() == [first.setdefault(t, len(first)) for t in texts]
    assert distinct == list(first)
    assert codes.dtype == "int64"


def test_other_columns_take_the_per_value_path():
    assert topics._field_codes(pd.DataFrame({"text": ["a", None]}, dtype=object), "text") is None
    assert topics._field_codes(pd.DataFrame({"text": pd.array(["a", None], dtype="string[python]")}), "text") is None


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(value, value), min_size=1, max_size=10), st.sampled_from(["pyarrow", "python", "object"]))
def test_find_and_tag_topics_equal_without_the_arrow_codes(pairs, storage):
    dtype = object if storage == "object" else f"string[{storage}]"
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(pairs))],
                          "title": pd.array([a for a, _ in pairs], dtype=dtype),
                          "text": pd.array([b for _, b in pairs], dtype=dtype)})
    got = topics.find_and_tag_topics(frame)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topics, "_field_codes", lambda frame, column: None)
        want = topics.find_and_tag_topics(frame)
    assert_frame_equal(got[0], want[0])
    assert_frame_equal(got[1], want[1])
