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


# filter choices and value filters decide once per distinct value (views._value_strings) instead of converting
# every row to text: equal to the per-row definitions (_as_values on every row) on frames with missing values,
# float and integer ratings, and a literal "(unknown)" value
text_value = st.one_of(st.none(), st.sampled_from(["P1", "P2", "p1", "(unknown)", "", " P1"]))
rating_value = st.one_of(st.none(), st.sampled_from([1, 2, 3, 4, 5]))


def _frame(rows) -> pd.DataFrame:
    products, ratings, topics = zip(*rows) if rows else ((), (), ())
    return pd.DataFrame({"product_id": pd.Series(products, dtype="string"),
                         "rating": pd.Series(ratings, dtype="Float64" if len(rows) % 2 else "Int64"),
                         "topics": pd.Series(topics, dtype="string")})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(text_value, rating_value, cell), max_size=30))
def test_filter_options_equal_the_per_row_definition(rows):
    f = _frame(rows)
    got = views.filter_options(f)
    for name, col in (("product", "product_id"), ("rating", "rating")):
        assert got[name] == sorted(set(views._as_values(f, col)), key=lambda v: (v == "(unknown)", v))
    parts = f["topics"].astype("string").fillna("").str.split("|").explode().str.strip()
    assert got["topic"] == sorted(set(parts.dropna()) - {""})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(text_value, rating_value, cell), max_size=30),
       st.sets(st.sampled_from(["P1", "p1", "(unknown)", "", "3", "5"]), min_size=1, max_size=3))
def test_filter_reviews_values_equal_the_per_row_definition(rows, wanted):
    f = _frame(rows)
    for name, col in (("product", "product_id"), ("rating", "rating")):
        want = views._as_values(f, col).isin(wanted).to_numpy(dtype=bool)
        got = views.filter_reviews(f, **{name: sorted(wanted)})
        pd.testing.assert_frame_equal(got, f[want])


# evidence_for / what_if match keys with ratings.keys_in instead of a merge; removable_review_ids joins rule ids
# by position instead of a Python function per review: equal to the definitions they replace
from reviewtools import ratings  # noqa: E402

key_value = st.one_of(st.none(), st.sampled_from(["amazon", "google", "a", ""]))
id_value = st.one_of(st.none(), st.sampled_from(["r1", "r2", "R1", "", "r1 "]))


def _ref_keys_in(left: pd.DataFrame, right: pd.DataFrame, on: list[str]) -> list[bool]:
    wanted = right[on].astype("string").drop_duplicates()
    got = left[on].astype("string").merge(wanted, on=on, how="left", indicator=True)["_merge"].eq("both")
    return got.tolist()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(key_value, id_value), max_size=25), st.lists(st.tuples(key_value, id_value), max_size=25),
       st.booleans())
def test_keys_in_equals_a_left_merge_indicator(left, right, one_key):
    on = ["review_id"] if one_key else ["platform", "review_id"]
    lf = pd.DataFrame(left, columns=["platform", "review_id"], dtype=object)
    rf = pd.DataFrame(right, columns=["platform", "review_id"], dtype=object)
    assert ratings.keys_in(lf, rf, on).tolist() == _ref_keys_in(lf, rf, on)


def _ref_removable(hits: pd.DataFrame) -> pd.DataFrame:
    basis = hits["removal_basis"].astype("boolean").fillna(False).astype(bool)
    sel = hits[(hits["outcome"].astype("string") == "hit").fillna(False).astype(bool) & basis
               & (hits["strength"].astype("string") == "strong").fillna(False).astype(bool)]
    keys = ["platform", "review_id"]
    sel = sel.assign(rule_id=sel["rule_id"].astype("string").fillna(""))
    out = sel.groupby(keys, dropna=False)["rule_id"].agg(lambda s: "|".join(sorted(set(s) - {""}))).reset_index()
    out = out.rename(columns={"rule_id": "rule_ids"})
    for k in keys + ["rule_ids"]:
        out[k] = out[k].astype("string")
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(key_value, id_value, st.one_of(st.none(), st.sampled_from(["R-A", "R-B", "r-a", ""])),
                          st.sampled_from(["hit", "not_run"]), st.sampled_from([True, False, None]),
                          st.sampled_from(["strong", "weak"])), min_size=1, max_size=25))
def test_removable_review_ids_equals_the_per_group_join(rows):
    hits = pd.DataFrame(rows, columns=["platform", "review_id", "rule_id", "outcome", "removal_basis", "strength"])
    got, want = ratings.removable_review_ids(hits), _ref_removable(hits)
    if want.empty:
        assert got.empty
    else:
        pd.testing.assert_frame_equal(got, want)


def _reviews_per_id_exploded(cells: pd.Series) -> pd.Series:
    """The previous definition (split every row, explode, drop repeats per row): the reference."""
    parts = pd.Series(cells.astype("string").fillna("").str.split("|").to_numpy(), dtype=object).explode()
    long = pd.DataFrame({"row": parts.index, "id": parts.to_numpy()}).dropna()
    return long[long["id"] != ""].drop_duplicates()["id"].value_counts()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(["price", "smell", "size_fit", ""]), max_size=4)
                          .map("|".join)), max_size=40))
def test_topic_counts_per_distinct_cell_equals_exploding_every_row(cells):
    from reviewtools.topics import _reviews_per_id

    series = pd.Series(cells, dtype="object")
    assert _reviews_per_id(series).to_dict() == _reviews_per_id_exploded(series).to_dict()
