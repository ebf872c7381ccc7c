"""The dashboard's vectorised paths equal the straightforward per-row definitions they replace (issue 7).

Reference implementations below are the per-row code the vectorised functions replaced; Hypothesis draws
``|``-joined id cells with the awkward cases (empty, missing, repeated ids, ids that prefix one another).
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

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


@settings(max_examples=examples(200), deadline=None)
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


@settings(max_examples=examples(50), deadline=None)
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


@settings(max_examples=examples(100), deadline=None)
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


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(text_value, rating_value, cell), max_size=30))
def test_filter_options_equal_the_per_row_definition(rows):
    f = _frame(rows)
    got = views.filter_options(f)
    for name, col in (("product", "product_id"), ("rating", "rating")):
        assert got[name] == sorted(set(views._as_values(f, col)), key=lambda v: (v == "(unknown)", v))
    parts = f["topics"].astype("string").fillna("").str.split("|").explode().str.strip()
    assert got["topic"] == sorted(set(parts.dropna()) - {""})


@settings(max_examples=examples(80), deadline=None)
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


@settings(max_examples=examples(60), deadline=None)
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


@settings(max_examples=examples(50), deadline=None)
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


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(["price", "smell", "size_fit", ""]), max_size=4)
                          .map("|".join)), max_size=40))
def test_topic_counts_per_distinct_cell_equals_exploding_every_row(cells):
    from reviewtools.topics import _reviews_per_id

    series = pd.Series(cells, dtype="object")
    assert _reviews_per_id(series).to_dict() == _reviews_per_id_exploded(series).to_dict()


# ============================================================================ FrameIndex (issue 8: 1M reviews)
# Each FrameIndex path is compared with the frame-level definition the dashboard used before: filter_reviews,
# sorted_reviews, action_queue + filter_reviews, evidence_for, what_if on evidence_for, theme_sample.

import datetime as dt  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from reviewtools.pipeline import ACTIONS, action_queue  # noqa: E402
from reviewtools.ratings import what_if  # noqa: E402

DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(0, 60, 7)]
review_row = st.fixed_dictionaries({
    "review_id": st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h"]),
    "platform": st.sampled_from(["amazon", "google", None]),
    "product_id": st.sampled_from(["P1", "P2", None]),
    "rating": st.sampled_from([1, 2, 3, 4, 5, None]),
    "sentiment_label": st.sampled_from(["negative", "positive", None]),
    "topics": cell,
    "action": st.sampled_from(list(ACTIONS) + [None]),
    "status": st.sampled_from(["new", "drafted", "done", None]),
    "priority": st.sampled_from([0.0, 1.5, 3.0, 7.25, float("nan")]),
    "created_at": st.sampled_from([None] + [f"{d}T12:00:00" for d in DAYS]),
})


def _reviews(rows: list[dict], unique: bool) -> pd.DataFrame:
    f = pd.DataFrame(rows, columns=list(review_row.mapping) if hasattr(review_row, "mapping") else None)
    if f.empty:
        f = pd.DataFrame({c: [] for c in ["review_id", "platform", "product_id", "rating", "sentiment_label", "topics",
                                          "action", "status", "priority", "created_at"]})
    if unique:
        f["review_id"] = [f"r{i}" for i in range(len(f))]
    f["review_id"] = f["review_id"].astype("string")
    f["platform"] = f["platform"].astype("string")
    f["product_id"] = f["product_id"].astype("string")
    f["rating"] = pd.array(f["rating"].tolist(), dtype="Int64")
    for c in ("sentiment_label", "topics", "action", "status"):
        f[c] = f[c].astype("str")  # the snapshot's text dtype (NaN for missing)
    f["priority"] = f["priority"].astype("float64")
    f["created_at"] = pd.to_datetime(f["created_at"], utc=True)
    f["text"] = pd.array([f"text {i}" for i in range(len(f))], dtype="string")
    f.index = list(range(len(f)))[::-1]  # a non-default index: rows are taken by position, labels kept
    return f


filters = st.fixed_dictionaries({}, optional={
    "product": st.lists(st.sampled_from(["P1", "P2", "(unknown)", "P9"]), max_size=2),
    "platform": st.lists(st.sampled_from(["amazon", "google", "(unknown)"]), max_size=2),
    "rating": st.lists(st.sampled_from(["1", "2", "3", "4", "5", "(unknown)"]), max_size=3),
    "sentiment": st.lists(st.sampled_from(["negative", "positive", "(unknown)"]), max_size=2),
    "topic": st.lists(st.sampled_from(IDS + [" "]), max_size=2),
    "action": st.lists(st.sampled_from(list(ACTIONS) + ["(unknown)"]), max_size=2),
    "status": st.lists(st.sampled_from(["new", "drafted", "done", "(unknown)"]), max_size=2),
    "date_range": st.tuples(st.sampled_from(DAYS), st.sampled_from(DAYS)).map(lambda p: tuple(sorted(p))),
})


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(review_row, max_size=25), filters, st.booleans(), st.sampled_from(list(views.SORT_ORDERS)),
       st.sampled_from([None, 0, 3]))
def test_frame_index_selection_and_order_equal_filter_and_sort(rows, chosen, unique, by, limit):
    f = _reviews(rows, unique)
    ix = views.FrameIndex(f)
    pos = ix.select(**chosen)
    want = views.filter_reviews(f, **chosen)
    pd.testing.assert_frame_equal(ix.take(pos), want)
    pd.testing.assert_frame_equal(ix.take(pos, ["rating", "text", "nope"]), want[["rating", "text"]])
    pd.testing.assert_frame_equal(ix.take(ix.sorted_positions(by, pos, limit=limit)),
                                  views.sorted_reviews(want, by, limit=limit))
    again = ix.select(**chosen)  # the kept codes give the same answer
    assert (pos is None and again is None) or np.array_equal(pos, again)


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(review_row, max_size=25), filters,
       st.one_of(st.none(), st.lists(st.sampled_from(list(ACTIONS)), max_size=3)),
       st.one_of(st.none(), st.lists(st.sampled_from(["new", "drafted", "(unknown)"]), max_size=2)))
def test_frame_index_queue_equals_action_queue_narrowed(rows, chosen, kinds, statuses):
    """The queue page before: action_queue of the filtered frame, the actions present in it, narrowed with
    filter_reviews to the actions chosen (none chosen: empty) and statuses."""
    f = _reviews(rows, True)
    ix = views.FrameIndex(f)
    pos = ix.select(**chosen)
    full = action_queue(views.filter_reviews(f, **chosen))
    qpos = ix.queue_positions(pos)
    pd.testing.assert_frame_equal(ix.take(qpos, renumber=True), full)
    assert ix.present("action", qpos) == set(full["action"].astype("string").dropna())
    if kinds is None:
        return
    q = views.filter_reviews(full, action=kinds) if kinds else full.iloc[0:0]
    q = views.filter_reviews(q, status=statuses) if statuses is not None else q
    # the page never read the narrowed queue's index (items are ranked by position; downloads write no index)
    pd.testing.assert_frame_equal(ix.take(ix.queue_positions(pos, actions=kinds, statuses=statuses), renumber=True),
                                  q.reset_index(drop=True))


hit_row = st.fixed_dictionaries({
    "review_id": st.sampled_from(["a", "b", "c", "r0", "r1", "r2", "r3", "zz", None]),
    "platform": st.sampled_from(["amazon", "google", None]),
    "rule_id": st.sampled_from(["R1", "R2", ""]),
    "outcome": st.sampled_from(["hit", "not_run", None]),
    "removal_basis": st.sampled_from([True, False, None]),
    "strength": st.sampled_from(["strong", "weak", None]),
    "evidence": st.just("x"),
})


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(review_row, max_size=20), st.lists(hit_row, max_size=30), filters, st.booleans(), st.booleans())
def test_frame_index_evidence_and_what_if_equal_the_key_join(rows, hit_rows, chosen, unique, with_platform):
    f = _reviews(rows, unique)
    hits = pd.DataFrame(hit_rows, columns=list(hit_row.mapping) if hasattr(hit_row, "mapping") else None)
    if hits.empty:
        hits = pd.DataFrame({c: [] for c in ["review_id", "platform", "rule_id", "outcome", "removal_basis",
                                             "strength", "evidence"]})
    for c in ("review_id", "platform", "rule_id", "outcome", "strength", "evidence"):
        hits[c] = hits[c].astype("string")
    hits["removal_basis"] = hits["removal_basis"].astype("boolean")
    if not with_platform:
        hits = hits.drop(columns="platform")
    ix = views.FrameIndex(f)
    pos = ix.select(**chosen)
    sel = ix.take(pos)
    pd.testing.assert_frame_equal(ix.evidence_rows(hits, pos), views.evidence_for(hits, sel))
    if f["rating"].notna().any() or len(sel):
        want = what_if(sel, views.evidence_for(hits, sel), by=None)
        pd.testing.assert_frame_equal(what_if(sel, ix.what_if_hits(hits, pos), by=None), want)
        flags = ix.what_if_flags(hits, pos)
        keys = ["platform", "review_id"] if with_platform else ["review_id"]
        assert (flags is None) == bool(f[keys].astype("string").duplicated().any())  # by position: unique keys only
        if flags is not None:
            pd.testing.assert_frame_equal(what_if(sel, hit_flags=flags, by=None), want)
            pd.testing.assert_frame_equal(what_if(sel, hit_flags=flags, by="product_id"),
                                          what_if(sel, views.evidence_for(hits, sel), by="product_id"))


@settings(max_examples=examples(30), deadline=None)
@given(st.integers(0, 40), st.integers(1, 12), st.integers(0, 3), filters)
def test_frame_index_theme_sample_equals_theme_sample(n, max_reviews, seed, chosen):
    f = _reviews([{"review_id": "a", "platform": "amazon", "product_id": "P1", "rating": 1 + i % 5,
                 "sentiment_label": None, "topics": "", "action": "none", "status": None, "priority": 0.0,
                 "created_at": f"{DAYS[i % len(DAYS)]}T12:00:00"} for i in range(n)], True)
    ix = views.FrameIndex(f)
    pos = ix.select(**chosen)
    pd.testing.assert_frame_equal(ix.theme_sample(pos, max_reviews, seed=seed),
                                  views.theme_sample(ix.take(pos), max_reviews, seed=seed))


@pytest.fixture(scope="module")
def triaged() -> pd.DataFrame:
    from pathlib import Path

    from reviewtools import read_reviews
    from reviewtools.pipeline import run_triage

    sample = Path(__file__).resolve().parents[1] / "data" / "amazon_fine_food_sample.csv"
    return run_triage(read_reviews(sample).reviews)


def test_figures_read_only_the_page_columns(triaged):
    """Every figure the overview, topics and products pages compute from the rows of their
    views.PAGE_COLUMNS only equals the one computed from every column (the pages take only those columns of the
    matching rows)."""
    from reviewtools import charts, ratings

    tri = triaged.reviews.copy()
    tri["status"] = pd.array(["new", "drafted", None, "done"] * (len(tri) // 4) + [None] * (len(tri) % 4),
                             dtype="string")
    tri.attrs = {}
    hits = triaged.hits
    pages = {
        "overview": {
            "overview_metrics": lambda fr: views.overview_metrics(fr, 30),
            "rating_summary": lambda fr: ratings.rating_summary(fr, by=None),
            "histogram": lambda fr: charts.histogram_figure(ratings.rating_summary(fr, by=None)).to_json(),
            "displayed": lambda fr: ratings.rating_summary(fr, by=None, displayed={ratings.ALL_GROUP: (4.4, 5000)}),
            "drag": lambda fr: charts.drag_figure(ratings.drag(fr, by=None)).to_json(),
            "what_if": lambda fr: ratings.what_if(fr, views.evidence_for(hits, fr), by=None),
            "targets": lambda fr: ratings.targets(fr, 4.5, by=None),
            "trend": lambda fr: ratings.trend(fr, by=None, freq="M"),
            "alerts": lambda fr: ratings.alerts(fr, by=None, freq="M"),
            "trend_figures": lambda fr: (charts.trend_figure(ratings.trend(fr, by=None), ratings.alerts(fr, by=None))
                                         .to_json(), charts.sentiment_rating_figure(ratings.trend(fr, by=None))
                                         .to_json()),
        },
        "topics": {
            "topic_counts": topic_counts,
            "topic_trend": lambda fr: ratings.topic_trend(fr, by=None, freq="M"),
            "topic_figure": lambda fr: charts.topic_share_figure(ratings.topic_trend(fr, by=None)).to_json(),
        },
        "products": {
            "product_table": lambda fr: views.product_table(fr, open_statuses=("new", "drafted")),
            "review_drag": lambda fr: ratings.review_drag(fr, top=charts.TOP_N).drop(columns="title", errors="ignore"),
            "review_drag_figure": lambda fr: charts.review_drag_figure(ratings.review_drag(fr, top=charts.TOP_N))
            .to_json(),
        },
    }
    assert set(pages) == set(views.PAGE_COLUMNS)
    for page, calls in pages.items():
        narrow = tri[[c for c in tri.columns if c in views.PAGE_COLUMNS[page]]]
        assert len(narrow.columns) == len(views.PAGE_COLUMNS[page]) and "text" not in narrow.columns
        for name, fn in calls.items():
            got, want = fn(narrow), fn(tri)
            if isinstance(want, pd.DataFrame):
                pd.testing.assert_frame_equal(got, want, obj=f"{page}: {name}")
            else:
                assert repr(got) == repr(want), f"{page}: {name}"


def _ref_topic_trend_counts(dated: pd.DataFrame, key: str) -> pd.DataFrame:
    """ratings.topic_trend's counting as it was: every row split, exploded and de-duplicated."""
    t = dated[[key, "period", "review_id", "topics"]].copy()
    t["topic"] = t["topics"].astype("string").fillna("").str.split("|")
    t = t.explode("topic")
    t = t[t["topic"].astype("string").str.strip().fillna("") != ""]
    t = t.drop_duplicates([key, "period", "review_id", "topic"])
    return t.groupby([key, "period", "topic"]).size().rename("n_with_topic").reset_index()


trend_cell = st.one_of(st.none(), st.lists(st.sampled_from(IDS + ["", " ", " size"]), max_size=4).map("|".join))


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "e", "f"]), st.sampled_from(["P1", "P2", None]),
                          st.sampled_from(DAYS[:4] + [None]), trend_cell), max_size=25), st.booleans(),
       st.sampled_from([None, "product_id"]))
def test_topic_trend_equals_the_per_row_split(rows, unique, by):
    from reviewtools import ratings

    f = pd.DataFrame(rows, columns=["review_id", "product_id", "created_at", "topics"])
    if unique:
        f["review_id"] = [f"r{i}" for i in range(len(f))]
    f = f.assign(rating=[1 + i % 5 for i in range(len(f))],
                 created_at=pd.to_datetime(f["created_at"].astype("string"), utc=True),
                 topics=f["topics"].astype("str"), review_id=f["review_id"].astype("string"),
                 product_id=f["product_id"].astype("string"))
    key = ratings._key_name(by)
    dated = ratings._period_frame(ratings._prepare(f, by, need_dates=True), key, "M")
    got, want = ratings._topic_period_counts(dated, key), _ref_topic_trend_counts(dated, key)
    order = [key, "period", "topic"]
    pd.testing.assert_frame_equal(got.sort_values(order).reset_index(drop=True),
                                  want.sort_values(order).reset_index(drop=True))
    ratings.topic_trend(f, by=by)  # and the whole function runs on it


def _ref_review_drag(frame: pd.DataFrame, by: str | None = "product_id") -> pd.DataFrame:
    """ratings.review_drag as it was: the group figures joined with a merge."""
    from reviewtools import ratings as r

    key = r._key_name(by)
    work = r._prepare(frame, by)
    groups = r._groups(work, key, by)
    base = r._base_figures(work, key, groups, None)[[key, "n_reviews", "average"]]
    out = work.merge(base, on=key, how="left")
    n = out["n_reviews"].astype("float64")
    rr = out["rating"].astype("float64")
    a = out["average"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        without = np.where(n > 1, (a * n - rr) / (n - 1), np.nan)
    out["average_without"] = pd.Series(without, index=out.index).where(rr.notna())
    out["contribution"] = out["average_without"] - a
    out["rating"] = out["rating"].astype("Int64")
    keep = [key, "review_id", "rating"] + [c for c in ("platform", "created_at", "title") if c in out.columns]
    keep += ["n_reviews", "average", "average_without", "contribution"]
    out = out[keep].sort_values(["contribution", key], ascending=[False, True], na_position="last", kind="stable")
    return out.reset_index(drop=True)


@settings(max_examples=examples(25), deadline=None)
@given(st.lists(review_row, max_size=25), st.sampled_from([None, "product_id"]))
def test_review_drag_equals_the_merge(rows, by):
    from reviewtools import ratings

    from reviewtools import charts

    f = _reviews(rows, False).assign(title=lambda d: d["text"])
    want = _ref_review_drag(f, by=by)
    pd.testing.assert_frame_equal(ratings.review_drag(f, by=by), want)
    for top in (0, 1, 3, charts.TOP_N):
        pd.testing.assert_frame_equal(ratings.review_drag(f, by=by, top=top), want.head(top))
    # the products page's chart from the TOP_N rows only is the chart from every row
    assert (charts.review_drag_figure(ratings.review_drag(f, by=by, top=charts.TOP_N)).to_json()
            == charts.review_drag_figure(want).to_json())


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["P1", "P2", "P3", "Q", None]), st.sampled_from([1, 2, 3, 4, 5, None])),
                max_size=30), st.sampled_from([None, "product_id"]))
def test_base_figures_equal_the_per_group_lookup(rows, by):
    """ratings._base_figures reads each group's count and star sum with one reindex; it did one .get per group."""
    from reviewtools import ratings as r

    f = pd.DataFrame(rows, columns=["product_id", "rating"]).astype({"product_id": "string"})
    f["rating"] = pd.array(f["rating"].tolist(), dtype="Int64")
    key = r._key_name(by)
    work = r._prepare(f, by)
    groups = r._groups(work, key, by)
    got = r._base_figures(work, key, groups, None)
    agg = work[work["rating"].notna()].groupby(key)["rating"].agg(["count", "sum"])
    assert got["n_reviews"].tolist() == [int(agg["count"].get(g, 0)) for g in groups]
    assert got["star_sum"].tolist() == [float(agg["sum"].get(g, 0.0)) for g in groups]
    old = pd.DataFrame({key: pd.array(groups, dtype="string")})
    old["n_reviews"] = [int(agg["count"].get(g, 0)) for g in groups]
    old["star_sum"] = [float(agg["sum"].get(g, 0.0)) for g in groups]
    assert got["n_reviews"].dtype == old["n_reviews"].dtype and got["star_sum"].dtype == old["star_sum"].dtype


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["P1", "P2", "P3", "Q", None]), st.sampled_from([1, 2, 5, None])),
                max_size=30))
def test_rating_summary_unrated_equals_the_per_group_lookup(rows):
    from reviewtools import ratings as r

    f = pd.DataFrame(rows, columns=["product_id", "rating"]).astype({"product_id": "string"})
    f["rating"] = pd.array(f["rating"].tolist(), dtype="Int64")
    work = r._prepare(f, "product_id")
    groups = r._groups(work, "product_id", "product_id")
    unrated = work[work["rating"].isna()].groupby("product_id").size()
    got = r.rating_summary(f, by="product_id")
    old = pd.DataFrame({"product_id": got["product_id"]})
    old["n_unrated"] = [int(unrated.get(g, 0)) for g in groups]
    assert got["n_unrated"].tolist() == old["n_unrated"].tolist() and got["n_unrated"].dtype == old["n_unrated"].dtype


@pytest.mark.parametrize("by,freq", [(None, "M"), (None, "W"), ("product_id", "M")])
def test_trend_and_alerts_equal_trend_and_alerts(triaged, by, freq):
    """The overview's trend and alerts from one preparation equal the two functions called apart."""
    from reviewtools import ratings

    f = triaged.reviews.copy()
    f.attrs = {}
    f.loc[f.index[::3], "rating"] = 1  # a few 1-star spikes and low months, so alerts fire
    t, a = ratings.trend_and_alerts(f, by=by, freq=freq)
    assert len(a)
    pd.testing.assert_frame_equal(t, ratings.trend(f, by=by, freq=freq))
    pd.testing.assert_frame_equal(a, ratings.alerts(f, by=by, freq=freq))


def _ref_lookup_positions(values, keys):
    """FrameIndex's look-up before: a count_distinct check, then index_in."""
    import pyarrow.compute as pc

    if pc.count_distinct(values, mode="all").as_py() != len(values):
        return None
    return pc.index_in(keys, value_set=values, skip_nulls=False).fill_null(-1).to_numpy(
        zero_copy_only=False).astype(np.int64)


id_or_none = st.one_of(st.none(), st.sampled_from(["a", "b", "ab", "", "r1", "R1"]))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(id_or_none, max_size=12), st.lists(id_or_none, max_size=20), st.booleans())
def test_lookup_positions_equals_count_distinct_and_index_in(values, keys, large):
    import pyarrow as pa

    v = pa.array(values, type=pa.large_string() if large else pa.string())
    k = pa.array(keys, type=pa.large_string())
    got, want = views._lookup_positions(v, k), _ref_lookup_positions(v, k.cast(v.type))
    assert (got is None) == (want is None)
    if want is not None:
        assert got.dtype == np.int64 and got.tolist() == want.tolist()
