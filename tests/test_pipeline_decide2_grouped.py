"""A decision block's grouped long rows read from the dictionary-encoded frames' codes (``_taken_values``,
``_taken_strs``) are the same dicts, lists and tuples, of the same types and in the same order, as those read
through the frame's ``take`` and decode (the path a decoded frame still takes), missing values included."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings

SEP = pipeline._KEY_SEP
_S = st.one_of(st.none(), st.sampled_from(["a", "b", "", "R-A", "x y"]))


def _typed(x):
    if isinstance(x, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in x.items()])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_typed(v) for v in x])
    return (type(x).__name__, x)


def _chunked(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    if len(frame) <= k:
        return frame
    return pd.concat([frame.iloc[i : i + k] for i in range(0, len(frame), k)], ignore_index=True)


def _frames(rows, chunk):
    hits = pd.DataFrame(
        [(p, r, rule, out, basis, strength, ev, cat) for p, r, rule, out, basis, strength, ev, cat, _, _, _ in rows],
        columns=["platform", "review_id", "rule_id", "outcome", "removal_basis", "strength", "evidence", "category"],
    ).astype({c: "string" for c in ["platform", "review_id", "rule_id", "outcome", "strength", "evidence",
                                    "category"]} | {"removal_basis": "boolean"})
    hits["clause"] = pd.array(["Clause"] * len(hits), dtype="string")
    hits["n"] = pd.array(range(len(hits)), dtype="Int64")  # a column that is never encoded
    matches = pd.DataFrame([(p, r, topic, mev, neg) for p, r, _, _, _, _, _, _, topic, mev, neg in rows],
                           columns=["platform", "review_id", "topic", "evidence", "negated"]).astype(
        {"platform": "string", "review_id": "string", "topic": "string", "evidence": "string"})
    matches["complaint"] = True
    return _chunked(hits, chunk), _chunked(matches, chunk)


_ROW = st.tuples(st.sampled_from(["amazon", "yelp"]), st.sampled_from(["r1", "r2", "r3", "r4"]), _S,
                 st.sampled_from(["hit", "not_run", "hit"]), st.sampled_from([True, True, None]), _S, _S, _S,
                 _S, _S, st.sampled_from([False, False, None]))


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_ROW, min_size=2, max_size=40), chunk=st.integers(1, 9),
       keys=st.lists(st.sampled_from(["r1", "r2", "r3", "r4", "amazon" + SEP + "r1", "yelp" + SEP + "r2",
                                      "amazon" + SEP + "r3", "yelp" + SEP + "r4"]), max_size=8))
def test_grouping_from_codes_equals_grouping_from_decoded_rows(rows, chunk, keys):
    hits, matches = _frames(rows, chunk)
    plain = pipeline._decision_state(ReplySettings(), hits, matches, True, (), frozenset())
    enc = pipeline._decision_state(ReplySettings(), pipeline._encode(hits), pipeline._encode(matches), True, (),
                                   frozenset())
    assert not plain.hits.dtypes
    for cols in (None, sorted(pipeline._HIT_FIELDS & set(hits.columns))):
        args = [np.arange(len(plain.hit_keys)), np.arange(len(plain.not_run_keys)), np.arange(len(plain.match_keys))]
        want = plain._grouped_picked(*args, hit_cols=cols)
        got = enc._grouped_picked(*args, hit_cols=cols)
        assert _typed(got) == _typed(want)
    assert _typed(enc.grouped(keys)) == _typed(plain.grouped(keys))


@settings(max_examples=examples(80), deadline=None)
@given(values=st.lists(_S, min_size=2, max_size=30), chunk=st.integers(1, 7), data=st.data())
def test_taken_values_and_strs_equal_the_decoded_take(values, chunk, data):
    frame = _chunked(pd.DataFrame({"s": pd.array(values, dtype="string"),
                                   "i": pd.array(range(len(values)), dtype="Int64")}), chunk)
    enc = pipeline._encode(frame)
    pos = np.array(sorted(data.draw(st.sets(st.integers(0, len(values) - 1)))), dtype=np.int64)
    for name in ("s", "i"):
        taken = pipeline._take_span(enc, pos, [name])[name]
        assert _typed(pipeline._taken_values(enc, name, pos)) == _typed(pipeline._column_values(taken))
        strs = pipeline._taken_strs(enc, name, pos)
        if strs is not None:
            assert name == "s" and not taken.isna().any()
            assert _typed(strs) == _typed([str(v) for v in taken.astype(object)])
            assert _typed(strs) == _typed(taken.astype(str).tolist())


_VAL = st.one_of(st.none(), st.just(float("nan")), st.just(pd.NA), st.sampled_from(["a", " a  b ", "x\ty", "", "C"]),
                 st.integers(0, 3))
_MISSING = object()


def _joins(g):
    """The rule ids, clause and evidence columns of a hit group as the joins over every hit give them."""
    na = pipeline._na
    return ("|".join(dict.fromkeys(str(h["rule_id"]) for h in g)),
            " | ".join(dict.fromkeys(str(h["clause"]) for h in g if "clause" in h and not na(h["clause"]))),
            " | ".join(dict.fromkeys(pipeline._spaced(str(h["evidence"])) for h in g if not na(h["evidence"]))))


@settings(max_examples=examples(120), deadline=None)
@given(groups=st.lists(st.lists(st.tuples(st.sampled_from(["R-A", "R-B", 7]), st.one_of(_VAL, st.just(_MISSING)),
                                          _VAL), min_size=1, max_size=3), min_size=1, max_size=8))
def test_decided_hit_columns_equal_the_joins_for_one_hit_and_more(groups):
    """``_decide_rows`` answers a group of one hit without the joins: the same rule ids, clause and evidence."""
    n = len(groups)
    recs = pd.DataFrame({"review_id": pd.array([f"r{i}" for i in range(n)], dtype="string"),
                         "platform": pd.array(["amazon"] * n, dtype="string")})
    by_hit = {}
    for i, g in enumerate(groups):
        hits = []
        for rule, clause, evidence in g:
            h = {"rule_id": rule, "evidence": evidence, "strength": "weak"}
            if clause is not _MISSING:
                h["clause"] = clause
            hits.append(h)
        by_hit["amazon" + SEP + f"r{i}"] = hits
    state = pipeline._decision_state(ReplySettings(), None, None, True, (), frozenset())
    rows = pipeline._decide_rows(recs, state, by_hit, {}, {})
    for row, hits in zip(rows, by_hit.values()):
        assert row[9:12] == _joins(hits)
        assert all(type(v) is str for v in row[9:12])
