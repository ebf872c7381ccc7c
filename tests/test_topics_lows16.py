"""``_langcore.topic_field_codes`` lowers the values that are not ASCII too (``lc_lower_wide``): each value's
``lows`` entry is ``str.lower()`` of it (the same canonical str: equal, so of the same kind), or None only where
a capital sigma (lowered by its context) or a character whose lower case is longer (U+0130) leaves it to
:func:`topics._lower`; the lows ``_field_matches`` works on equal :func:`topics._lower` of each value, and
``find_and_tag_topics`` gives the same frames as on object columns (Hypothesis texts of Latin-1, Greek, Latin
Extended, curly quotes, letter-like symbols, astral letters)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal

from reviewtools import topics

lang = topics._lang_core()
pytestmark = pytest.mark.skipif(lang is None, reason="no native _langcore")

LETTERS = ("AbcZ xyz .,'!\u00c0\u00c9\u00d6\u00d7\u00de\u00df\u00e9\u00ff\u00b5\u00aa\u0100\u0101\u0130\u0131\u0178"
           "\u03a3\u03c3\u03c2\u0391\u03b1\u1e9e\u1f88\u2019\u201c\u2126\u212a\u212b\u2160\u24b6\u2c62"
           "\U00010400\U0001d400\U0001e900")
text = st.text(alphabet=st.sampled_from(LETTERS), max_size=24)


def lows_of(values):
    frame = pd.DataFrame({"t": pd.array(values, dtype="string[pyarrow]")})
    _codes, distinct, _has, lows = topics._field_codes(frame, "t")
    return distinct, lows


def check(distinct, lows):
    for v, low in zip(distinct, lows):
        if low is None:
            assert "\u03a3" in v or any(len(c.lower()) != 1 for c in v), repr(v)
        else:
            assert type(low) is str and low == v.lower(), (v, low)
            assert low.isascii() == v.lower().isascii()
            assert max(map(ord, low), default=0) == max(map(ord, v.lower()), default=0)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), text), min_size=1, max_size=12))
def test_lows_are_str_lower_or_left_to_the_caller(values):
    distinct, lows = lows_of(values)
    check(distinct, lows)
    assert [topics._lower(v) if low is None else low for v, low in zip(distinct, lows)] == [
        topics._lower(v) for v in distinct]


def test_hand_cases():
    values = ["caf\u00c9 \u2019BROKE\u2019", "\u00c0\u00de\u00b5", "\u0178es", "\u212a\u212b\u2126", "\u0130stanbul",
              "\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3", "\u03a3", "\U00010400\u00c9", "plain ASCII", "",
              "\u2160\u24b6"]
    distinct, lows = lows_of(values)
    check(distinct, lows)
    assert lows[:4] == ["caf\u00e9 \u2019broke\u2019", "\u00e0\u00fe\u00b5", "\u00ffes", "k\u00e5\u03c9"]
    assert lows[4] is None and lows[5] is None and lows[6] is None  # U+0130; capital sigmas: str.lower's context
    assert lows[7] == "\U00010428\u00e9" and lows[8] == "plain ascii" and lows[9] == ""
    assert lows[10] == "\u2170\u24d0"
    assert type(lows[2]) is str and lows[2] == "\u00ffes" and lows[2].encode("latin-1")  # one-byte kind


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(text, st.sampled_from(["The package ARRIVED DAMAGED \u2019", "Refund NEVER "
                                                             "came, \u00c9T\u00c9 broken"]))), min_size=1, max_size=8))
def test_frames_equal_object_columns(rows):
    values = [r[0] for r in rows]
    base = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(values))], "title": values, "text": values[::-1]})
    arrow = base.astype({"title": "string[pyarrow]", "text": "string[pyarrow]"})
    got = topics.find_topics(arrow)
    want = topics.find_topics(base.astype(object))
    assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)


ASCII = "".join(map(chr, range(128)))


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=ASCII, max_size=70), min_size=1, max_size=40))
def test_ascii_lows_16_bytes_at_a_time(values):
    distinct, lows = lows_of(values)
    assert lows == [v.lower() for v in distinct]
    assert all(type(low) is str and low.isascii() for low in lows)


def test_every_ascii_byte_at_every_place_of_a_16_byte_block():
    values = [ASCII[k:] + ASCII[:k] for k in range(0, 128, 3)] + [ASCII[:n] for n in range(0, 40)]
    distinct, lows = lows_of(values)
    assert lows == [v.lower() for v in distinct]


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["a", "B", "", "Late \u2019", "late", "x" * 40, "\u00c9"]), min_size=0, max_size=90),
       st.integers(0, 40), st.integers(1, 4), st.booleans())
def test_codes_across_batches_and_chunks(values, cut, nchunks, large):
    """Rows are hashed 16 at a time before their lookups: codes stay the first-seen numbering across batches,
    chunks and chunk offsets."""
    import pyarrow as pa

    typ = pa.large_string() if large else pa.string()
    size = -(-len(values) // nchunks) if values else 1
    data = pa.chunked_array([pa.array(values[i : i + size], type=typ) for i in range(0, len(values), size)] or
                            [pa.array([], type=typ)], type=typ)
    data = data.slice(min(cut, len(data)))
    kept = data.to_pylist()
    codes = np.full(len(kept), -7, dtype=np.int64)
    chunks = [(*c.buffers()[:3], c.offset, len(c)) for c in data.chunks]
    distinct, _has, lows = lang.topic_field_codes(chunks, large, codes, True)
    first: dict[str, int] = {}
    assert codes.tolist() == [first.setdefault(v, len(first)) for v in kept]
    assert distinct == list(first) and lows == [v.lower() for v in first]


@pytest.mark.parametrize("cut", [0, 1, 15, 16, 17])
def test_codes_of_long_chunks(cut):
    import pyarrow as pa

    values = [f"Row {i % 37} \u00c9" if i % 5 == 0 else f"Row {i % 23}" for i in range(150)]
    data = pa.chunked_array([pa.array(values[:70]), pa.array(values[70:])]).slice(cut)
    kept = data.to_pylist()
    codes = np.full(len(kept), -7, dtype=np.int64)
    chunks = [(*c.buffers()[:3], c.offset, len(c)) for c in data.chunks]
    distinct, _has, lows = lang.topic_field_codes(chunks, False, codes, True)
    first: dict[str, int] = {}
    assert codes.tolist() == [first.setdefault(v, len(first)) for v in kept]
    assert distinct == list(first) and lows == [v.lower() for v in first]
