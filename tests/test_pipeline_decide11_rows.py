"""A decision block's not-run checks per row from the block index (``pipeline._BlockRows``, issue 8).

With a block index, ``_DecisionState.grouped_block(start, n)`` gives the block's not-run checks per row (from the
rows of the long frame each review owns, ``_BlockIndex.owners``) instead of a dict by review key, and which rows
have a hit or a complaint; ``_quiet_packed`` and ``_decide_rows`` read those instead of looking keys up. The
lists must be the dict's (same rules, same order, equal lists shared), ``special`` the dicts' keys, and the
decided block exactly the tuple way's (``_pack(_decide_block(...))``, which groups by keys), whatever the rules
(several per review, repeated, missing), the long frames' encoding and chunking, and the cut.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_pipeline_quiet import DAY, _frames, _state
from test_pipeline_quiet_columns import _same

from reviewtools import pipeline
from reviewtools.respond import ReplySettings

SEP = pipeline._KEY_SEP

_ROW = st.fixed_dictionaries({
    "platform": st.sampled_from(["amazon", "google", "yelp", None, ""]),
    "rating": st.sampled_from([None, 1, 2, 3, 4, 5, 5]),
    "sentiment_label": st.sampled_from(["positive", "negative", "neutral", "unknown", None]),
    "sentiment_score": st.sampled_from([None, -0.0, 0.3, -0.6, float("nan")]),
    "text_language": st.just(None), "reply_text": st.sampled_from([None, "Thanks, we replied."]),
    "replied_at": st.sampled_from([None, DAY]), "author": st.sampled_from([None, "Ann Lee"]),
    "product_title": st.just(None),
})
#: a quiet row when thank-you replies are off: its reason tail is its not-run checks
_QUIET = {"platform": "amazon", "rating": 5, "sentiment_label": "positive", "sentiment_score": 0.5, "text_language": None,
          "reply_text": None, "replied_at": None, "author": None, "product_title": None}
_RULES = ["AMZ-PROMO-COMPETITOR", "R-A", "R-B", "AMZ-DUPLICATE-EXACT"]


def _case(reviews, long_rows, match_rows):
    """A frame of reviews with distinct ids (so the index is made) and its long frames; ``long_rows`` are
    (review number, rule number or None, outcome, removal basis) and may name the wrong platform."""
    for i, r in enumerate(reviews):
        r["review_id"] = f"r{i}"
    hit_rows = []
    for k, rule, outcome, basis, wrong in long_rows:
        r = reviews[k % len(reviews)]
        plat = ("yelp" if r["platform"] != "yelp" else "google") if wrong else r["platform"]
        hit_rows.append((plat, r["review_id"], None if rule is None else _RULES[rule], outcome, basis, "strong"))
    frame, hits, matches = _frames(reviews, hit_rows, [(reviews[k % len(reviews)]["platform"],
                                                       reviews[k % len(reviews)]["review_id"], c, ng)
                                                      for k, c, ng in match_rows])
    frame["review_id"] = pd.array([r["review_id"] for r in reviews], dtype="string")
    return frame, hits, matches


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews=st.lists(_ROW, min_size=1, max_size=30),
       long_rows=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3),
                                    st.sampled_from(["hit", "not_run", "not_run"]), st.booleans(), st.booleans()),
                          max_size=60),
       match_rows=st.lists(st.tuples(st.integers(0, 40), st.booleans(), st.booleans()), max_size=8),
       size=st.integers(1, 12), encoded=st.booleans(), thank=st.booleans(), missing=st.integers(0, 4))
@example(reviews=[{**_QUIET}] * 3, long_rows=[(0, 1, "not_run", False, False)], match_rows=[], size=3, encoded=False,
         thank=False, missing=0)
def test_rows_equal_the_dict_by_key(reviews, long_rows, match_rows, size, encoded, thank, missing):
    reviews = [dict(r) for r in reviews]
    if missing == 4 and long_rows:  # a missing rule (one review's rows then group by key)
        long_rows = [(long_rows[0][0], None, *long_rows[0][2:]), *long_rows[1:]]
    frame, hits, matches = _case(reviews, long_rows, match_rows)
    if encoded:
        hits, matches = pipeline._encode(hits), pipeline._encode(matches)
    recs, state = _state(frame, hits, matches, ReplySettings(thank_positive=thank), True, ())
    n = len(recs)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    index = pipeline._block_index(recs, state, bounds)
    assert index is not None and len(index.owners) == 3
    state = dataclasses.replace(state, blocks=index)
    missing_rule = any(r[1] is None and r[2] == "not_run" for r in long_rows)
    for a, b in bounds:
        block = recs.iloc[a:b]
        by_key = state.grouped_block(a)
        got = state.grouped_block(a, b - a)
        assert got[0] == by_key[0] and got[2] == by_key[2]
        rows = got[1]
        if missing_rule and rows is not None and not isinstance(rows, pipeline._BlockRows):
            assert rows == by_key[1]  # a missing rule: the dict as before
        else:
            assert isinstance(rows, pipeline._BlockRows)
            as_dict = rows.as_dict(block)
            assert as_dict == by_key[1]
            # equal lists are one list, as the dict shares them
            assert len({id(v) for v in as_dict.values()}) == len({tuple(v) for v in by_key[1].values()})
            keys = [f"{p or 'other'}{SEP}{r}" for p, r in zip(pipeline._column_values(block["platform"]),
                                                             block["review_id"])]
            assert rows.special.tolist() == [k in by_key[0] or k in by_key[2] for k in keys]
            assert rows.per_row() == [by_key[1].get(k, []) for k in keys]
        if not missing_rule:  # a missing rule's str(NaN) list fails the tuple way's join as well (both ways)
            _same(pipeline._decide_block(block, state, whole=False, start=a, packed=True),
                  pipeline._pack(pipeline._decide_block(block, state, whole=False, start=a)))


def test_rule_lists_equal_not_run_by_key():
    rng = np.random.default_rng(11)
    for _ in range(200):
        m = int(rng.integers(1, 60))
        keys = rng.integers(0, 12, m)
        rules = rng.integers(0, 5, m)
        names = [f"R{i}" for i in range(5)]
        ukeys, which, lists = pipeline._rule_lists(keys.astype(np.int64), rules.astype(np.int64), names)
        want = pipeline._not_run_by_key(np.array([f"k{k}" for k in keys], dtype=object),
                                        pd.Series([names[r] for r in rules], dtype=object))
        got = {f"k{k}": lists[w] for k, w in zip(ukeys.tolist(), which.tolist())}
        assert got == want
        assert len({id(v) for v in got.values()}) == len({tuple(v) for v in want.values()})


def test_a_missing_rule_keeps_the_dict():
    reviews = [{"platform": "amazon", "rating": 5, "sentiment_label": "positive", "sentiment_score": 0.5,
                "text_language": None, "reply_text": None, "replied_at": None, "author": None, "product_title": None}
               for _ in range(6)]
    frame, hits, matches = _case(reviews, [(1, None, "not_run", False, False), (2, 0, "not_run", False, False)], [])
    recs, state = _state(frame, hits, matches, ReplySettings(), True, ())
    index = pipeline._block_index(recs, state, [(0, 3), (3, 6)])
    state = dataclasses.replace(state, blocks=index)
    got = state.grouped_block(0, 3)
    assert not isinstance(got[1], pipeline._BlockRows) and got == state.grouped_block(0)
    got = state.grouped_block(3, 3)  # the other block: no missing rule
    assert isinstance(got[1], pipeline._BlockRows) and got[1].as_dict(recs.iloc[3:]) == state.grouped_block(3)[1]


def test_many_rules_on_a_review_fall_back():
    """A review with more distinct rules than the int64 encoding holds: the dict's loop, not the rows."""
    names = [f"R{i}" for i in range(200)]
    keys = np.zeros(200, dtype=np.int64)
    assert pipeline._rule_lists(keys, np.arange(200, dtype=np.int64), names) is None
