"""Priority reasons by one Arrow take of per-process text tables (issue 8, twentieth session, helper `priority`):
``_priority_taken`` gives the very scores (bits) and reasons of ``_priority_joined`` (the per-block pieces and
joins it replaced, itself checked against the per-row loop in test_pipeline_priority), whatever the tables held
before, and the helpers it uses give what they stand for."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

_REF = pd.Timestamp("2024-12-31T23:59:44Z")

# a count missing beside a known product mean (not what _priority_inputs makes) casts NaN to int, in both paths
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")

# near-half means (x.xx5 at 2 digits), drags and sums; negatives (ratings above the maximum); NaN
_MEAN = st.one_of(st.none(), st.sampled_from([4.625, 2.675, 0.005, 3.0, -1.5, -0.0, 1e12, float("nan")]),
                  st.floats(-10, 10, allow_nan=False))
_RATING = st.one_of(st.none(), st.integers(1, 5), st.sampled_from([0, 6, 9, -3, 10**12]))
_VOTES = st.one_of(st.none(), st.integers(0, 60), st.sampled_from([10**9, 10**15]))
_COUNT = st.one_of(st.none(), st.integers(0, 40), st.sampled_from([300_000, 70_000]))
_SECONDS = st.one_of(st.none(), st.integers(0, 11 * 365 * 86400), st.sampled_from([-86400, 45 * 86400 // 2]),
                     st.floats(0, 4e8).map(lambda s: round(s, 3)))
_ROW = st.tuples(_RATING, _SECONDS, _VOTES, st.booleans(), _MEAN, _COUNT)


def _block(rows: list[tuple[Any, ...]], rating_dtype: str) -> tuple[pd.Series, ...]:
    rating, secs, votes, has_key, mean, count = zip(*rows) if rows else ([],) * 6
    created = [None if s is None else _REF - pd.Timedelta(seconds=s) for s in secs]
    return (pd.Series(list(rating), dtype=rating_dtype),
            pd.Series(pd.to_datetime(created, utc=True), dtype="datetime64[ns, UTC]"),
            pd.Series(list(votes), dtype="Int64"),
            pd.Series([float(i) if k else np.nan for i, k in enumerate(has_key)], dtype="float64"),
            pd.Series(list(mean), dtype="Float64"), pd.Series(list(count), dtype="Int64"))


def _same(args: tuple[pd.Series, ...], ref: Any = _REF) -> None:
    s_new, r_new = pipeline._priority_taken(*args, ref)
    s_old, r_old = pipeline._priority_joined(*args, ref)
    assert s_new.dtype == np.float64 and len(s_new) == len(args[0])
    assert (np.asarray(s_new).view("int64") == np.asarray(s_old).view("int64")).all(), (s_new, s_old)
    assert r_new.type == "large_string" and r_new.null_count == 0
    assert r_new.to_pylist() == r_old.to_pylist()


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, max_size=25), rating_dtype=st.sampled_from(["Int64", "Float64"]),
       fresh=st.booleans(), cap=st.sampled_from([1 << 18, 8]), misc_cap=st.sampled_from([1 << 12, 3]))
@example(rows=[(5, 86400, 1, True, 4.625, 8), (2, None, None, False, None, None), (9, 0, 0, True, 3.0, 1)],
         rating_dtype="Int64", fresh=True, cap=1 << 18, misc_cap=1 << 12)
def test_taken_equals_joined(rows: list[tuple[Any, ...]], rating_dtype: str, fresh: bool, cap: int, misc_cap: int,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_REASON_TABLE_CAP", cap)
    monkeypatch.setattr(pipeline, "_REASON_MISC_CAP", misc_cap)
    if fresh:
        monkeypatch.setattr(pipeline, "_REASON_TEXTS", None)
    _same(_block(rows, rating_dtype))


def test_unknown_ref_and_whole_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(20)
    n = 3000
    rows = [(int(r), float(s), int(v), bool(k), float(m), int(c))
            for r, s, v, k, m, c in zip(rng.integers(1, 6, n), rng.integers(0, 3650 * 86400, n),
                                        rng.geometric(0.3, n) - 1, rng.random(n) < 0.97,
                                        np.round(rng.uniform(1, 5, n) * 8) / 8, rng.integers(1, 500, n))]
    monkeypatch.setattr(pipeline, "_REASON_TEXTS", None)
    args = _block(rows, "Int64")
    _same(args)
    _same(args)  # the tables as the first block left them
    _same(args, pd.NaT)
    _same(tuple(a.iloc[:0] for a in args))


def test_tables_held_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.DataFrame({"platform": ["amazon"] * 6, "product_id": ["A", "A", "B", "B", "B", None],
                          "rating": pd.array([1, 5, 3, None, 4, 1], dtype="Int64"),
                          "created_at": ["2024-01-01", "2024-01-02T12:00:00", None, "2020-01-01", "2024-01-03",
                                         "2019-06-01"],
                          "helpful_votes": pd.array([0, 3, None, 7, 1, 2], dtype="Int64")})
    monkeypatch.setattr(pipeline, "_REASON_TEXTS", None)
    inputs = pipeline._priority_inputs(frame, None)
    got = pipeline._priority_rows(inputs, 0, 6)
    held = pipeline._REASON_TEXTS
    assert held is not None and held.count_at[2] >= 0 and len(held.count_at) == 3  # two rated rows per product
    assert "rated 5★ (+0.0), " in held.misc and held.sizes[1] >= 1463
    again = pipeline._priority_rows(inputs, 0, 6)
    assert pipeline._REASON_TEXTS is held  # nothing new: the same array, nothing made again
    monkeypatch.setattr(pipeline, "PRIORITY_ONE_TAKE", False)
    want = pipeline._priority_rows(inputs, 0, 6)
    for g in (got, again):
        assert g[0].equals(want[0]) and g[1].equals(want[1])


def test_reason_texts_grow_and_keep_their_places(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_REASON_TEXTS", None)
    none = [0] * len(pipeline._REASON_TABLES)
    a = pipeline._reason_texts(none, np.array([7, 7, 300], dtype=np.int64), ["p", "q"])
    b = pipeline._reason_texts([5, 0, 0, 0, 0, 0], np.array([300, 2], dtype=np.int64), ["q", "r"])
    for r in (a, b):
        t = r.texts.to_pylist()
        assert [t[r.count_base + r.count_at[c]] for c in (7, 300)] == ["7 reviews) by ", "300 reviews) by "]
        assert [t[r.misc[p]] for p in ("p", "q")] == ["p", "q"]
    assert b.texts.to_pylist()[b.base[0] + 4] == "0.4 = " and b.texts.to_pylist()[b.misc["r"]] == "r"
    assert pipeline._reason_texts(none, np.array([2], dtype=np.int64), ["r"]) is b
    monkeypatch.setattr(pipeline, "_REASON_MISC_CAP", 2)
    c = pipeline._reason_texts(none, np.zeros(0, dtype=np.int64), ["s", "t"])  # over the cap: only this block's
    assert set(c.misc) == {"s", "t"} and c.count_at[300] >= 0


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.integers(-(2**40), 2**40), max_size=30), st.integers(0, 3000))
def test_small_int_codes_are_np_unique(values: list[int], shift: int) -> None:
    x = np.array(values, dtype=np.int64) // (1 + shift)
    got = pipeline._small_int_codes(x)
    uniq, inv = np.unique(x, return_inverse=True)
    if got is None:
        assert len(x) and int(x.max()) - int(x.min()) > 4 * len(x) + 1024
    else:
        assert got[0].tolist() == inv.reshape(-1).tolist() and got[1].tolist() == uniq.tolist()


def test_memo_small_equals_memo_coded() -> None:
    for values in (pd.Series([3, None, 3, 0, 50, 49], dtype="Int64"), pd.Series([1, 2, 10**15], dtype="Int64"),
                   pd.Series([4, 4], dtype="int64"), pd.Series([None, None], dtype="Int64"),
                   pd.Series([1.5, None, 1.5], dtype="Float64"), pd.Series([], dtype="Int64")):
        for fn in (pipeline._rating_part, pipeline._votes_part):
            pts, codes, why = pipeline._memo_small(values, fn)
            want_pts, want_codes, want_why = pipeline._memo_coded(values, fn)
            assert pts.tolist() == want_pts.tolist()
            assert [why[c] for c in codes] == [want_why[c] for c in want_codes]


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(0, 10**6).map(lambda k: k / 8)),
                max_size=20), st.sampled_from([0, 1, 2, 3]))
def test_prio_fixed_texts_and_tables(values: list[float], digits: int) -> None:
    x = np.array(values, dtype=np.float64)
    k, ok, neg = pipeline._prio_fixed(x, digits)
    table = {0: 1, 1: 0, 2: 3, 3: 4}[digits]  # a table of these digits
    texts = pipeline._reason_texts([0] * len(pipeline._REASON_TABLES), np.zeros(0, dtype=np.int64), [])
    for i, v in enumerate(values):
        if not ok[i]:
            continue
        want = format(v, f".{digits}f")
        body = pipeline._coded_texts(np.array([2 * k[i]]), digits, False)[0]
        assert ("-" if neg[i] else "") + body == want
        if digits == 1:  # the score: k / 10 with its sign is what float() reads back from the text
            got = -(k[i] / 10.0) if neg[i] else k[i] / 10.0
            assert np.float64(got).view("int64") == np.float64(float(want)).view("int64")
        if not neg[i] and k[i] < 300:
            grown = pipeline._reason_texts([k[i] + 1 if t == table else 0 for t in range(6)],
                                           np.zeros(0, dtype=np.int64), [])
            prefixes, suffix = pipeline._REASON_TABLES[table][1:]
            for j, prefix in enumerate(prefixes):
                got = grown.texts[grown.base[table] + k[i] * len(prefixes) + j].as_py()
                assert got == prefix + want + suffix
    assert texts.texts.type == "large_string"
