"""Issue 8, twentieth session: a decision block's rows that own exactly one removal-basis hit with a rule id and
evidence come from the block index as Arrow columns (``_DecisionState.grouped_block(..., split=True)``: the
``_BlockRows``' ``one``, no hit dict per row), written by ``pipeline._one_hit_columns``; their removal requests'
bodies joined by Arrow (``respond._removal_one_drafts``), only the rows its plan has no one-hit function for drafted
one by one.

The packed block must be exactly the tuple way's (every row through ``_decide_rows``' loop with every hit a dict),
and the same with the switch off (no split), whatever the hits (one or several, strong or not, a rule id, clause or
evidence missing, encoded or not), the review ids (derived ones included), the complaints and the rows' fields;
and the frames the columns cannot take (odd dtypes) go the dict way with every hit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_pipeline_decide19_removal import _HIT, _MATCH, _REVIEW, _blocks, _case
from test_pipeline_quiet_columns import _same

from reviewtools import pipeline, respond
from reviewtools.respond import ReplySettings

DAY = pd.Timestamp("2024-03-05 10:00", tz="UTC")


def _derived(i: int) -> str:
    return "h" + f"{i:x}".rjust(respond._DERIVED_ID_LEN - 1, "0")


def _arrow(frame):
    """The frame's string columns as Arrow strings (as the checks give them: what the split reads)."""
    return frame.astype({c: "string[pyarrow]" for c in frame.columns
                         if isinstance(frame[c].dtype, pd.StringDtype) or frame[c].dtype == object})


def _cases(reviews, hit_rows, match_rows, not_run, nulls, derived, arrow=True):
    frame, hits, matches = _case([dict(r) for r in reviews], hit_rows, match_rows, not_run)
    if arrow:
        hits, matches = _arrow(hits), _arrow(matches)
    found = np.flatnonzero((hits["outcome"] == "hit").to_numpy(dtype=bool))
    for k, col in nulls:  # a hit's rule id, clause or evidence missing (not a not-run row's: no list without it)
        if len(found):
            hits.loc[found[k % len(found)], col] = None
    if derived:  # every other review's id derived (no id in its export)
        new = {f"r{i}": _derived(i) if i % 2 else f"r{i}" for i in range(len(frame))}
        frame["review_id"] = frame["review_id"].map(new).astype(frame["review_id"].dtype)
        for f in (hits, matches):
            f["review_id"] = f["review_id"].map(new).astype("string")
    return frame, hits, matches


def _check(monkeypatch, frame, hits, matches, size, reply, encoded):
    recs, state, bounds = _blocks(frame, hits, matches, size, reply, encoded)
    for a, b in bounds:
        block = recs.iloc[a:b]
        got = pipeline._decide_block(block, state, whole=False, start=a, packed=True)
        _same(got, pipeline._pack(pipeline._decide_block(block, state, whole=False, start=a)))
        with monkeypatch.context() as m:
            m.setattr(pipeline, "REMOVAL_COLUMNS", False)
            _same(got, pipeline._decide_block(block, state, whole=False, start=a, packed=True))


_NULL = st.tuples(st.integers(0, 40), st.sampled_from(["rule_id", "clause", "evidence"]))


@settings(max_examples=examples(30), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(reviews=st.lists(_REVIEW, min_size=1, max_size=24), hit_rows=st.lists(_HIT, max_size=30),
       match_rows=st.lists(_MATCH, max_size=10), not_run=st.booleans(), size=st.integers(1, 30),
       encoded=st.booleans(), thank=st.booleans(), nulls=st.lists(_NULL, max_size=3), derived=st.booleans(),
       arrow=st.booleans())
@example(reviews=[{"platform": "amazon", "rating": 1, "sentiment_label": "negative", "sentiment_score": -0.6,
                   "product_title": "Kettle", "product_id": "B00X", "marketplace": "amazon.de", "author": "",
                   "created_at": DAY, "reply_text": None}] * 4,
         hit_rows=[(0, "AMZ-PII-EMAIL", "strong", None, "me@x.com", True, True),
                   (1, "R-A", "strong", "§1", "a  b", True, True), (2, "R-B", "weak", "§1", "x" * 90, True, True),
                   (3, "R-B", "strong", "", "y", True, True), (3, "R-A", "strong", "", "z", True, True)],
         match_rows=[(1, "price_value"), (1, "shipping_delivery")], not_run=False, size=4, encoded=True, thank=True,
         nulls=[(2, "rule_id")], derived=True, arrow=True)
def test_one_hit_rows_equal_the_loop(monkeypatch, reviews, hit_rows, match_rows, not_run, size, encoded, thank,
                                     nulls, derived, arrow):
    frame, hits, matches = _cases(reviews, hit_rows, match_rows, not_run, nulls, derived, arrow)
    _check(monkeypatch, frame, hits, matches, size, ReplySettings(thank_positive=thank), encoded)


def _hand():
    reviews = [{"platform": p, "rating": r, "sentiment_label": "negative", "sentiment_score": -0.5,
                "product_title": "Kettle", "product_id": "B00X", "marketplace": None, "author": "Ann",
                "created_at": DAY, "reply_text": None}
               for p, r in [("amazon", 1), ("trustpilot", 2), ("amazon", None), ("google", 5), ("amazon", 3)]]
    hit_rows = [(0, "AMZ-PII-EMAIL", "strong", "Private information", " me@x.com ", True, True),
                (1, "R-A", "strong", "§1", "call  me", True, True), (2, "R-B", "strong", None, "é" * 85, True, True),
                (3, "R-A", "weak", "§2", "hmm", True, True), (4, "R-A", "strong", "§1", "a", True, True),
                (4, "R-B", "strong", "§1", "b", True, True)]
    frame, hits, matches = _case(reviews, hit_rows, [(3, "price_value")], False)
    return frame, _arrow(hits), _arrow(matches)


def test_the_split_rows_are_columns_and_the_rest_dicts(monkeypatch):
    frame, hits, matches = _hand()
    frame["review_id"] = frame["review_id"].replace({"r2": _derived(2)}).astype(frame["review_id"].dtype)
    hits["review_id"] = hits["review_id"].replace({"r2": _derived(2)}).astype("string")
    recs, state, _ = _blocks(frame, hits, matches, 5, ReplySettings(), True)
    by_hit, rows, _ = pipeline._block_groups(recs, state, False, 0, by_row=True)
    assert rows.one is not None and rows.one.rows.tolist() == [0, 1, 2, 3]  # row 4 has two hits: a dict
    assert list(by_hit) == [pipeline._KEY_SEP.join(["amazon", "r4"])] and len(by_hit[next(iter(by_hit))]) == 2
    assert rows.one.strong.tolist() == [True, True, True, False] and rows.one.complained.tolist() == [0, 0, 0, 1]
    packed = pipeline._decide_block(recs, state, whole=False, start=0, packed=True)
    col = {c: packed.columns[c].tolist() for c in ("action", "draft_where", "evidence", "clause", "reply_topic")}
    assert col["action"][:4] == ["removal_request"] * 3 + ["manual_review"]
    assert col["evidence"][:3] == ["me@x.com", "call me", "é" * 85] and col["clause"][2] == ""
    assert col["reply_topic"][3] and not any(col["reply_topic"][:3])
    assert "(our export has no review id for it)" in packed.columns["draft"][2]
    assert "“" + "é" * 79 + "…”." in packed.columns["action_reason"][2]
    _same(packed, pipeline._pack(pipeline._decide_block(recs, state, whole=False, start=0)))
    _check(monkeypatch, frame, hits, matches, 2, ReplySettings(brand="Acme", signature="Sam"), False)


def test_frames_the_columns_cannot_take_go_the_dict_way(monkeypatch):
    frame, hits, matches = _hand()
    odd = hits.astype({"evidence": object})  # not Arrow strings: no split, every hit a dict
    recs, state, _ = _blocks(frame, odd, matches, 5, ReplySettings(), False)
    assert pipeline._block_groups(recs, state, False, 0, by_row=True)[1].one is None
    _check(monkeypatch, frame, odd, matches, 5, ReplySettings(), False)
    # split, then a frame _quiet_packed leaves to the tuple way (ratings not Int64) and a block of slow rows only
    recs, state, _ = _blocks(frame, hits, matches, 5, ReplySettings(), True)
    want = pipeline._pack(pipeline._decide_block(recs, state, whole=False, start=0))
    floats = recs.astype({"rating": "float64"})
    _same(pipeline._decide_block(floats, state, whole=False, start=0, packed=True), want)
    monkeypatch.setattr(respond, "_removal_one_drafts", lambda *a: None)  # every draft one by one
    _same(pipeline._decide_block(recs, state, whole=False, start=0, packed=True), want)


_ROW = st.fixed_dictionaries({
    "rid": st.sampled_from(["R1", _derived(10), _derived(11).upper(), "h12", _derived(7) + "0"]),
    "plat": st.sampled_from(["amazon", "google", "trustpilot", "yelp", "other"]),
    "title": st.sampled_from([None, "Kettle", ""]), "pid": st.sampled_from([None, "B00X", ""]),
    "market": st.sampled_from([None, "amazon.de", "AMAZON.CO.UK"]), "rating": st.sampled_from([None, 0, 1, 5, 12, -3]),
    "author": st.sampled_from([None, "Ann", ""]),
    "created": st.sampled_from([None, DAY.value, DAY.value + 20 * 3600 * 10**9, respond._NAT_INT, -(10**17)]),
    "clause": st.sampled_from([None, "§1", ""]), "rule": st.sampled_from(["AMZ-PII-EMAIL", "R-A"]),
    "evidence": st.sampled_from(["me@x.com", "é" * 3, "a b"])})


@settings(max_examples=examples(100), deadline=None)
@given(rows=st.lists(_ROW, max_size=12), absent=st.sets(st.sampled_from(["title", "pid", "market", "author",
                                                                          "created"])),
       signature=st.sampled_from([None, "Sam", 4]), brand=st.sampled_from(["", "Acme", None]))
def test_removal_one_drafts_equal_removal_draft_of(rows, absent, signature, brand):
    reply = ReplySettings(signature=signature, brand=brand)
    large = pa.large_string()

    def col(name):
        return None if name in absent else pa.array([r[name] for r in rows], type=large)

    created = None if "created" in absent else np.array([r["created"] or respond._NAT_INT for r in rows],
                                                         dtype=np.int64)
    rating = np.array([r["rating"] or 0 for r in rows], dtype=np.int64)
    rated = np.array([r["rating"] is not None for r in rows], dtype=bool)
    got = respond._removal_one_drafts(
        col("rid"), col("plat"), col("title"), col("pid"), col("market"), rating, rated, created, col("author"),
        pa.array([str(r["clause"]) for r in rows], type=large), col("rule"), col("evidence"), reply)
    if not (signature is None or type(signature) is str) or type(brand) is not str:
        assert got is None
        return
    body, where = got
    assert body.type == where.type == large and len(body) == len(where) == len(rows)
    for r, b, w in zip(rows, body.to_pylist(), where.to_pylist()):
        when = None if "created" in absent else (r["created"] or respond._NAT_INT)
        args = [r["rid"], r["plat"], *(None if k in absent else r[k] for k in ("title", "pid", "market")),
                r["rating"], None if "author" in absent else r["author"], when]
        draft, channel, to = respond._removal_draft_of(*args, [{"rule_id": r["rule"], "clause": r["clause"],
                                                                 "evidence": r["evidence"]}], reply)
        if r["plat"] == "trustpilot":  # a flag line: left to the caller
            assert b is None and w is None
        else:
            assert (b, w) == (draft, channel + (f" ({to})" if to else ""))


def test_joined_pieces_join_to_joined_filler():
    t = respond.removal_templates()
    for item, reason in [(t["item"], t["reason"]), (t["item_no_id"], t["reason"]),
                         ("{review_id}{author} {{x}}", "{evidence}"), ("* {rating}", "- {clause}: {rule_id}}}")]:
        fill = respond._joined_filler(item, reason)
        values = dict(zip(respond._JOINED_FIELDS, ["H", "R1", "Ann", "2024-01-02", "5★", "§1", "R-A", "ev", "E"]))
        text = "".join(values[p] if is_field else p for is_field, p in respond._joined_pieces(item, reason))
        assert text == fill(*values.values())
