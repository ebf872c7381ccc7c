"""Decision blocks find their reviews' long rows (removal-basis hits, not-run checks, complaint matches) through a
block index made once in the parent (``pipeline._block_index``): the same rows, in the same order, as picking
them by the block's look-up keys (``is_in`` over every long row); and a row span is taken as the whole frame
would be. When the index cannot tell the rows by one join (shared keys, the separator in an id or a platform,
long frames without a platform), there is no index and blocks pick by keys as before."""

from __future__ import annotations

import dataclasses
import multiprocessing

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal

from reviewtools import pipeline
from reviewtools.respond import ReplySettings
from reviewtools.schema import coerce

SEP = pipeline._KEY_SEP
_PLATFORMS = st.sampled_from(["amazon", "yelp", None, ""])
_RIDS = st.sampled_from(["r1", "r2", "r3", "r4", "r5", "r6", "x\x1fy", "", None])


def _block_keys(recs: pd.DataFrame) -> list[str]:
    """The look-up keys ``_decide_block`` asks a block's grouping for (platform + id, then the ids)."""
    rids = [str(v) for v in pipeline._column_values(recs["review_id"])]
    plats = pipeline._column_values(recs["platform"]) if "platform" in recs.columns else [None] * len(rids)
    return [str(p or "other") + SEP + r for p, r in zip(plats, rids)] + rids


def _long(rows: list[tuple], platform: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    hits = pd.DataFrame([r[:6] for r in rows], columns=["platform", "review_id", "rule_id", "outcome",
                                                        "removal_basis", "strength"]).astype(
        {"platform": "string", "review_id": "string", "rule_id": "string", "outcome": "string",
         "removal_basis": "boolean", "strength": "string"})
    hits["evidence"] = pd.array([f"ev{i}" for i in range(len(hits))], dtype="string")
    hits["clause"] = pd.array(["Clause"] * len(hits), dtype="string")
    hits["category"] = pd.array([["spam", "private_info", None][i % 3] for i in range(len(hits))], dtype="string")
    hits["note"] = pd.array([f"note {i}" for i in range(len(hits))], dtype="string")  # read by no decision
    matches = pd.DataFrame([(r[0], r[1], r[6], r[7]) for r in rows],
                           columns=["platform", "review_id", "complaint", "negated"]).astype(
        {"platform": "string", "review_id": "string"})
    matches["topic"] = "shipping_delivery"
    matches["evidence"] = pd.array([f"m{i}" for i in range(len(matches))], dtype="string")
    if not platform:
        hits, matches = hits.drop(columns=["platform"]), matches.drop(columns=["platform"])
    return hits, matches


def _chunked(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """``frame`` in slices of ``k`` rows concatenated again: Arrow columns of many chunks, as the pool returns."""
    if len(frame) <= k:
        return frame
    return pd.concat([frame.iloc[i : i + k] for i in range(0, len(frame), k)], ignore_index=True)


def _read(grouped: tuple[dict, dict, dict]) -> tuple[dict, dict, dict]:
    """A grouping with each hit row's dict cut to the columns deciding reads (``pipeline._HIT_FIELDS``)."""
    by_hit, not_run, complaints = grouped
    cut = {k: [{c: v for c, v in h.items() if c in pipeline._HIT_FIELDS} for h in rows] for k, rows in by_hit.items()}
    return cut, not_run, complaints


_LONG = st.tuples(_PLATFORMS, _RIDS, st.sampled_from(["R-A", "R-B", None]), st.sampled_from(["hit", "not_run", None]),
                  st.sampled_from([True, True, False, None]), st.sampled_from(["strong", "weak", None]),
                  st.booleans(), st.booleans())


_REVIEWS = st.one_of(
    st.lists(st.tuples(_PLATFORMS, _RIDS), min_size=1, max_size=14),  # shared keys, separators, missing ids
    st.lists(st.tuples(_PLATFORMS, _RIDS.filter(lambda r: r is not None and SEP not in r)), min_size=1, max_size=14,
             unique_by=lambda t: (t[0] or "other", t[1])),  # joinable: the index is made
)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews=_REVIEWS, long_rows=st.lists(_LONG, max_size=40),
       platform=st.booleans(), size=st.integers(1, 6), chunk=st.integers(1, 9), encoded=st.booleans())
def test_block_index_picks_the_rows_the_keys_pick(reviews, long_rows, platform, size, chunk, encoded):
    recs = coerce(pd.DataFrame(reviews, columns=["platform", "review_id"]).astype("string"))[["review_id", "platform"]]
    hits, matches = (_chunked(f, chunk) for f in _long(long_rows, platform))
    if encoded:
        hits, matches = pipeline._encode(hits), pipeline._encode(matches)
    state = pipeline._decision_state(ReplySettings(), hits, matches, True, (), frozenset())
    n = len(recs)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    index = pipeline._block_index(recs, state, bounds)
    firsts = [str(p or "other") + SEP + str(r) for p, r in reviews]
    rows = len(state.hit_keys) + len(state.not_run_keys) + len(state.match_keys)
    joinable = ((platform or not rows) and None not in [r for _, r in reviews] and len(set(firsts)) == n
                and not any(SEP in str(r) for _, r in reviews))
    assert (index is not None) == joinable
    if index is None:
        return
    indexed = dataclasses.replace(state, blocks=index)
    for a, b in bounds:
        want = _read(state.grouped(_block_keys(recs.iloc[a:b])))
        got = indexed.grouped_block(a)
        for w, g in zip(want, got):
            assert g == w and list(g) == list(w)


@settings(max_examples=examples(50), deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", ""])), min_size=1, max_size=30),
       chunk=st.integers(1, 7), data=st.data())
def test_take_span_equals_take(values, chunk, data):
    frame = _chunked(pd.DataFrame({"s": pd.array(values, dtype="string"),
                                   "u": pd.array([f"u{i}" for i in range(len(values))], dtype="string"),
                                   "i": pd.array(range(len(values)), dtype="Int64")}), chunk)
    enc = pipeline._encode(frame)
    pos = np.array(sorted(data.draw(st.sets(st.integers(0, len(values) - 1)))), dtype=np.int64)
    for cols in (None, ["s"], ["u", "s"]):
        assert_frame_equal(pipeline._take_span(enc, pos, cols), enc.take(pos, cols), check_exact=True)


def test_index_of_a_shuffled_long_frame():
    """Long rows in any order (not the reviews' order): each block still gets exactly its reviews' rows."""
    rng = np.random.default_rng(7)
    reviews = [("amazon" if i % 3 else "yelp", f"r{i}") for i in range(40)]
    rows = [(p, r, "R-A", "hit" if (k // 40) % 2 else "not_run", True, "weak", True, False)
            for k, (p, r) in enumerate(reviews * 3)] + [("google", "zz", "R-A", "hit", True, "weak", True, False)]
    order = rng.permutation(len(rows))
    hits, matches = _long([rows[i] for i in order], True)
    recs = coerce(pd.DataFrame(reviews, columns=["platform", "review_id"]))[["review_id", "platform"]]
    state = pipeline._decision_state(ReplySettings(), _chunked(hits, 11), matches, True, (), frozenset())
    bounds = [(i, min(40, i + 6)) for i in range(0, 40, 6)]
    index = pipeline._block_index(recs, state, bounds)
    assert index is not None
    indexed = dataclasses.replace(state, blocks=index)
    for a, b in bounds:
        got = indexed.grouped_block(a)
        assert got == _read(state.grouped(_block_keys(recs.iloc[a:b])))
        assert {k for v in got[0].values() for h in v for k in h} == {"rule_id", "clause", "evidence", "strength",
                                                                       "category"}
        assert set(got[1]) == {f"{p}{SEP}{r}" for p, r in reviews[a:b]}  # every review has not-run rows


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="forked decision blocks need fork")
def test_forked_recommend_with_the_index_equals_serial(monkeypatch):
    rng = np.random.default_rng(3)
    n = 120
    frame = coerce(pd.DataFrame({
        "review_id": [f"r{i}" for i in range(n)], "platform": ["amazon" if i % 4 else "google" for i in range(n)],
        "product_id": [f"P{i % 5}" for i in range(n)], "rating": [1 + i % 5 for i in range(n)],
        "text": ["It never arrived."] * n, "created_at": [pd.Timestamp("2024-06-01", tz="UTC")] * n}))
    rows = [(p, r, "AMZ-X", "hit" if i % 3 else "not_run", True, "strong" if i % 7 == 0 else "weak", True, False)
            for i, (p, r) in enumerate(zip(frame["platform"], frame["review_id"])) if i % 2]
    hits, matches = _long([rows[i] for i in rng.permutation(len(rows))], True)
    matches["topic"] = "shipping_delivery"
    serial = pipeline.recommend(frame, hits, matches, processes=1)
    calls = []
    real = pipeline._block_index
    monkeypatch.setattr(pipeline, "_block_index", lambda *a: calls.append(1) or real(*a))
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    monkeypatch.setattr(pipeline, "DECISION_MAX_BLOCK", 9)
    forked = pipeline.recommend(frame, pipeline._encode(_chunked(hits, 13)), pipeline._encode(matches), processes=2)
    assert calls
    assert_frame_equal(forked, serial, check_exact=True)
    assert (serial["action"] == "removal_request").any() and serial["checks_not_run"].ne("").any()


def test_no_index_without_review_ids_or_rows():
    state = pipeline._decision_state(ReplySettings(), None, None, True, (), frozenset())
    assert pipeline._block_index(pd.DataFrame({"platform": pd.array(["a"], dtype="string")}), state, [(0, 1)]) is None
    empty = coerce(pd.DataFrame({"review_id": pd.array([], dtype="string")}))
    assert pipeline._block_index(empty[["review_id"]], state, []) is None
    recs = coerce(pd.DataFrame({"review_id": ["a", "b"]}))[["review_id"]]  # no platform: every review "other"
    index = pipeline._block_index(recs, state, [(0, 1), (1, 2)])
    assert index is not None and pipeline._DecisionState.grouped_block(
        dataclasses.replace(state, blocks=index), 1) == ({}, {}, {})
    assert pa.types.is_integer(pa.array(index.kinds[0][0]).type)
