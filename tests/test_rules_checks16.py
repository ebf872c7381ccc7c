"""The checks' driver pauses Python's cyclic collector while it runs, and ``_Batch.case_changed`` compares the
lower-cased lengths of the rows with a non-ASCII character only (issue 8, sixteenth session, helper ``checks_a``):
neither changes a result."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.rules as R
from reviewtools.rules import check_each_review, load_rules

TEXTS = [
    "Call me at (206) 555-0143 and I'll tell you more.",
    "Way cheaper at Walmart, found it for less at Target too.",
    "I received this product free in exchange for my honest review.",
    "The seller never shipped my order and customer service was rude.",
    "İSTANBUL'DA ÇOK GÜZEL, cheaper at Walmart",  # lower-casing lengthens "İ": the case-insensitive path
    "Visit www.example.com now!!!!!!  \u212a",  # the Kelvin sign lower-cases to "k": same length
]


def _frame(platform: str = "amazon") -> pd.DataFrame:
    n = len(TEXTS)
    return pd.DataFrame({"review_id": [f"r{i}" for i in range(n)], "platform": [platform] * n,
                         "marketplace": ["amazon.com"] * n, "title": ["Straße İ", "", "ǅ", "ok", "", "ß"],
                         "text": TEXTS})


def test_collector_paused_inside_and_restored(monkeypatch):
    seen = []
    detect = R.DETECTORS["phrases"]

    def spy(rv, params):
        seen.append(gc.isenabled())
        return detect(rv, params)

    monkeypatch.setitem(R.DETECTORS, "phrases", spy)
    assert gc.isenabled()
    got = check_each_review(_frame())
    assert seen and not any(seen)  # paused while the detectors ran
    assert gc.isenabled()  # on again after
    seen.clear()
    monkeypatch.setattr(R, "_PAUSE_COLLECTOR", False)
    pd.testing.assert_frame_equal(check_each_review(_frame()), got)
    assert seen and all(seen)
    pd.testing.assert_frame_equal(got, check_each_review(_frame(), prefilter=False))


def test_collector_left_as_found(monkeypatch):
    gc.disable()
    try:
        check_each_review(_frame())
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()

    def boom(rv, params):
        raise RuntimeError("boom")

    monkeypatch.setitem(R.DETECTORS, "phrases", boom)
    with pytest.raises(RuntimeError):
        check_each_review(_frame())
    assert gc.isenabled()  # on again after an error


@pytest.mark.parametrize("platform", ["amazon", "google", "yelp"])
def test_frames_equal_paused_or_not(monkeypatch, platform):
    rules = R._rules_per_platform(load_rules())[platform]
    f = R._example_frame(platform, rules)
    paused = check_each_review(f)
    monkeypatch.setattr(R, "_PAUSE_COLLECTOR", False)
    pd.testing.assert_frame_equal(paused, check_each_review(f))


def _batch(titles: list[str], texts: list[str], arrow: bool) -> R._Batch:
    arrays = {"title": pa.array(titles, type=pa.large_string()), "text": pa.array(texts, type=pa.large_string())}
    return R._Batch(titles, texts, [None] * len(texts), [None] * len(texts), arrays=arrays if arrow else None)


SPECIAL = ["", "a", "İ", "İİx", "\u212a", "ß", "ẞ", "ǅ", "ﬁ", "Σ", "ΣΑΣ", "é", "ŉ", "ΐ", "\u0345", "Ⅻ", "ⓐ", "x\x00y"]


@pytest.mark.parametrize("arrow", [False, True])
def test_case_changed_equals_counting_the_views(arrow):
    titles = SPECIAL + ["plain"] * len(SPECIAL)
    texts = list(reversed(SPECIAL)) + [s + " and more" for s in SPECIAL]
    b = _batch(titles, texts, arrow)
    got = b.case_changed()
    assert got.tolist() == b._case_changed_reference().tolist()
    want = [len(t.lower()) != len(t) or len(x.lower()) != len(x) for t, x in zip(titles, texts)]
    assert got.tolist() == want and any(want) and not all(want)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.lists(st.sampled_from(SPECIAL + ["A", "b", " "]), max_size=8).map("".join)),
                min_size=1, max_size=12))
def test_case_changed_property(rows):
    titles = [t for t, _ in rows]
    texts = [x for _, x in rows]
    for arrow in (False, True):
        b = _batch(titles, texts, arrow)
        assert np.array_equal(b.case_changed(), b._case_changed_reference())


@pytest.mark.parametrize("storage", ["object", "pyarrow"])
def test_ids_looked_up_at_once_equal_per_row(monkeypatch, storage):
    """The detectors' rows carry row positions and _Hits.frame looks their ids up at once (_ReviewIds.at): the
    frame equals the one built with each id looked up per row (a _Hits without ids) and the reference loop's."""
    f = pd.concat([_frame(), _frame("google")], ignore_index=True)
    f["review_id"] = [f"id-{i}-é" if i % 3 else "" for i in range(len(f))]
    f["review_id"] = f["review_id"].astype("string[pyarrow]" if storage == "pyarrow" else object)
    got = check_each_review(f)
    assert (got.outcome == "hit").sum() >= 4
    monkeypatch.setattr(R, "_Hits", _PerRow)
    pd.testing.assert_frame_equal(check_each_review(f), got)
    pd.testing.assert_frame_equal(got, check_each_review(f, prefilter=False))


class _PerRow(R._Hits):
    """_Hits without ids: _check_batch then puts each row's id in it itself."""

    def __init__(self, ids=None) -> None:
        super().__init__(None)


def test_review_ids_at_any_order():
    for storage in ("object", "string[pyarrow]"):
        ids = R._ReviewIds(pd.DataFrame({"review_id": pd.Series(["a", "bé", "", "d"], dtype=storage)}))
        assert ids.at([3, 0, 0, 2, 1], pa.large_string()).to_pylist() == ["d", "a", "a", "", "bé"]
        assert ids.at([], pa.large_string()).to_pylist() == []
