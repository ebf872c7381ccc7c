"""The dashboard's vectorised paths equal the straightforward per-row definitions they replace (issue 7).

Reference implementations below are the per-row code the vectorised functions replaced; Hypothesis draws
``|``-joined id cells with the awkward cases (empty, missing, repeated ids, ids that prefix one another).
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtools import views
from reviewtools.topics import load_topic_rules, topic_counts, topic_ids

IDS = ["price", "price_value", "size", "size_fit", "a.b", "x+y"]
cell = st.one_of(st.none(), st.lists(st.sampled_from(IDS + [""]), max_size=4).map("|".join))


def _ref_contains(cells: pd.Series, wanted: set[str]) -> list[bool]:
    out = []
    for c in cells:
        ids = set() if c is None or pd.isna(c) else {p.strip() for p in str(c).split("|")}
        out.append(bool(ids & wanted))
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(cell, max_size=30), st.sets(st.sampled_from(IDS), min_size=1, max_size=3))
def test_multi_contains_equals_split_and_intersect(cells, wanted):
    s = pd.Series(cells, dtype="string")
    assert views.multi_contains(s, wanted).tolist() == _ref_contains(s, wanted)


def test_multi_contains_is_whole_item_and_keeps_index():
    s = pd.Series(["price_value", "price", "value|price ", pd.NA], index=[10, 3, 7, 1], dtype="string")
    got = views.multi_contains(s, ["price"])
    assert got.index.tolist() == [10, 3, 7, 1]
    assert got.tolist() == [False, True, True, False]
    assert not views.multi_contains(s, []).any()


def test_filter_reviews_topic_is_any_of_the_topics():
    f = pd.DataFrame({"review_id": list("abcde"), "topics": ["price_value", "size_fit|price", "", None, "size"]})
    assert views.filter_reviews(f, topic=["price", "size"])["review_id"].tolist() == ["b", "e"]
    assert views.filter_reviews(f, topic=["price_value"])["review_id"].tolist() == ["a"]


def _ref_topic_counts(tagged: pd.DataFrame) -> pd.DataFrame:
    """topic_counts as it was: one split and a Python lambda per row, per registry topic."""
    checked = int(tagged["topics_checked"].fillna(False).sum())
    rows = []
    for rule in load_topic_rules():
        c = int(tagged["topics"].fillna("").str.split("|").map(lambda ids, t=rule.id: t in ids).sum())
        p = int(tagged["topics_praised"].fillna("").str.split("|").map(lambda ids, t=rule.id: t in ids).sum())
        rows.append((rule.id, rule.label, c, p, c / checked if checked else float("nan")))
    out = pd.DataFrame(rows, columns=["topic", "label", "complaints", "praised", "share"])
    return out.sort_values(["complaints", "topic"], ascending=[False, True], kind="stable").reset_index(drop=True)


registry = list(topic_ids())
tcell = st.one_of(st.none(), st.lists(st.sampled_from(registry + ["", "not_a_topic"]), max_size=4).map("|".join))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(tcell, tcell, st.one_of(st.none(), st.booleans())), max_size=25))
def test_topic_counts_equals_the_per_row_count(rows):
    tagged = pd.DataFrame(rows, columns=["topics", "topics_praised", "topics_checked"])
    tagged.index = list(range(len(tagged)))[::-1]  # a non-default index: counted by row, not by label
    got, ref = topic_counts(tagged), _ref_topic_counts(tagged)
    pd.testing.assert_frame_equal(got, ref, check_dtype=False)


def test_topic_counts_counts_a_repeated_id_once_per_review():
    t = pd.DataFrame({"topics": [f"{registry[0]}|{registry[0]}", registry[0]], "topics_praised": ["", None],
                      "topics_checked": [True, True]})
    row = topic_counts(t).set_index("topic").loc[registry[0]]
    assert int(row["complaints"]) == 2 and row["share"] == 1.0


def test_shallow_copies_never_reach_the_input():
    q = pd.DataFrame({"review_id": ["a", "b"], "platform": ["google", "google"], "draft": ["Thanks.", "Hi."],
                      "draft_lint": ["", ""]})
    before = q.copy()
    out = views.apply_draft_edits(q, {"a": "Mail help@shop.com"})
    assert out.loc[0, "draft"] == "Mail help@shop.com" and bool(out.loc[0, "draft_edited"])
    sel = views.select_reviews(q, [])
    sel.loc[0, "draft"] = "changed"
    pd.testing.assert_frame_equal(q, before)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 5)), st.one_of(st.none(), st.floats(0, 10))),
                max_size=30), st.sampled_from(["rating", "priority"]), st.one_of(st.none(), st.integers(0, 10)))
def test_sorted_reviews_equals_sorting_the_whole_frame(rows, by, limit):
    f = pd.DataFrame(rows, columns=["rating", "priority"])
    f["rating"] = f["rating"].astype("Int64")
    f["review_id"] = [f"r{i}" for i in range(len(f))]
    f.index = [7] * len(f)  # duplicate labels: positions, not labels, pick the rows
    ref = f.sort_values(by, ascending=views.SORT_ORDERS[by], na_position="last", kind="stable")
    ref = ref.head(limit) if limit is not None else ref
    got = views.sorted_reviews(f, by, limit=limit)
    pd.testing.assert_frame_equal(got, ref)
