"""The native ``topic_tried`` calls ``_langcore``'s plain phrase matchers directly (thirteenth session, helper
``topics``): through the ``_langcore._topic_literal_api`` capsule, a matcher of its type is asked for its match's
end without a position int, a match object or an ``end()`` call. The kept and judged matches equal those of the
same matchers called as Python callables (the general path) and those of the phrase regexes, on the attempts
``topic_attempts`` makes and on made-up attempts at any offset (before the text, at its end and past it)."""
from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_literal import FILLERS, SEPS
from test_topics_prefilter import EXAMPLES, review_text

from reviewtools import topics
from reviewtools.vader import native_module

CORE = native_module()
lang = topics._lang_core()
needs_both = pytest.mark.skipif(
    CORE is None or not hasattr(CORE, "topic_tried") or lang is None or not hasattr(lang, "topic_literal"),
    reason="the native cores (reviewtools._vadercore, reviewtools._langcore.topic_literal) are not built here")

IX = topics._phrase_index(None)
JUDGE = topics._native_judge_args(IX, topics._matcher(None), topics._lexicon())
PHRASE_WORDS = sorted({w for _t, _p, ph in IX.phrases for tok in ph.tokens for a in tok
                       for w in a.replace("*", "").replace("_", " ").replace("'", "").split()})


@st.composite
def low_text(draw):  # type: ignore[no-untyped-def]
    words = draw(st.lists(st.sampled_from(PHRASE_WORDS) | st.sampled_from(FILLERS), max_size=25))
    return topics._lower("".join(w + draw(st.sampled_from(SEPS + [" "] * 10)) for w in words))


def _attempts(lows, rng):
    """topic_attempts' attempts plus made-up ones at any offset, grouped by row."""
    got = CORE.topic_attempts(lows, *topics._native_attempts_args(IX))
    rows, offs, phr = (np.frombuffer(b, dtype=np.int64).tolist() for b in got)
    for r, low in enumerate(lows):
        for _ in range(rng.randrange(6)):
            rows.append(r)
            offs.append(rng.choice([-1, 0, len(low), len(low) + 3, rng.randrange(len(low) + 1)]))
            phr.append(rng.randrange(len(IX.phrases)))
    order = sorted(range(len(rows)), key=lambda i: rows[i])
    return tuple(np.array([col[i] for i in order], dtype=np.int64).tobytes() for col in (rows, offs, phr))


def _wrapped(matchers):
    return tuple((lambda low, pos, m=m: m(low, pos)) for m in matchers)


def _tried(lows, attempts, matchers, judge):
    out, at, total = [], 0, len(attempts[0]) // 8
    while at < total:
        got, at = CORE.topic_tried(lows, *attempts, matchers, IX.phrases, at, 3, judge, None)
        out += got
    return out


@needs_both
def test_the_capsule():
    api = getattr(lang, "_topic_literal_api", None)
    assert type(api).__name__ == "PyCapsule"
    assert "reviewtools._langcore._topic_literal_api" in repr(api)


@needs_both
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(low_text() | review_text().map(topics._lower), min_size=1, max_size=8), st.randoms())
def test_direct_calls_equal_the_matchers_and_the_regexes(lows, rng):
    attempts = _attempts(lows, rng)
    plain = topics._literal_matchers(IX, lang)
    assert all(type(m) is type(plain[0]) for m in plain)
    for j in (None, JUDGE):
        direct = _tried(lows, attempts, plain, j)
        assert direct == _tried(lows, attempts, _wrapped(plain), j)
        assert direct == _tried(lows, attempts, IX.matchers, j)


@needs_both
def test_on_the_examples_with_the_judge():
    lows = [topics._lower(t) for t in EXAMPLES]
    attempts = _attempts(lows, random.Random(8))
    plain = topics._literal_matchers(IX, lang)
    for j in (None, JUDGE):
        direct = _tried(lows, attempts, plain, j)
        assert direct == _tried(lows, attempts, _wrapped(plain), j)
        assert direct == _tried(lows, attempts, IX.matchers, j)
    assert sum(map(len, (m for _row, m in _tried(lows, attempts, plain, JUDGE)))) > 20
