"""The serial re-phrasing pass (``pipeline._assemble``) starts each search after the variant the block's worker
stopped at (issue 8): the drafts of the variants before it were on the worker's page, which the parent's page
holds, and that variant's draft is on the parent's page (why it is re-phrased). These tests check it gives the
drafts of the full search from variant 0, on pages where many blocks want the same phrasings (near-identical
reviews, blocks of a few rows: most drafts are re-phrased, many after variant 0, many run out), and that the
short cut is taken (fewer drafts composed).
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_series_equal

from reviewtools import pipeline, respond
from reviewtools.respond import ReplySettings
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-06-01", tz="UTC")


def _page(n: int, authors: int = 3, replied: dict[int, str] | None = None) -> pd.DataFrame:
    """``n`` near-identical reviews: two platforms, one product, low ratings (a reply each), ``authors`` names."""
    names = ["Ann Lee", None, "Bo", "Cy Dee", "Eve"][:authors]
    rows = [{"review_id": f"r{i}", "platform": "yelp" if i % 7 == 3 else "google", "product_id": "P1",
             "rating": 5 if i % 5 == 2 else 1, "text": "Bad.", "author": names[i % len(names)], "created_at": DAY,
             "reply_text": (replied or {}).get(i)} for i in range(n)]
    return coerce(pd.DataFrame(rows))


def _blocks(frame: pd.DataFrame, bounds: list[tuple[int, int]],
            settings: ReplySettings):  # type: ignore[no-untyped-def]
    out = coerce(frame)
    existing = frozenset(respond._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    recs = out[[c for c in pipeline.DECISION_COLUMNS if c in out.columns]]
    state = pipeline._decision_state(settings, None, None, False, (), existing)
    blocks = [pipeline._decide_block(recs.iloc[a:b], state, whole=False) for a, b in bounds]
    return recs, existing, blocks


def _full_search(blocks: list[list[tuple]]) -> list[list[tuple]]:
    """The blocks with every worker variant set to -1: ``_assemble`` then searches from variant 0 (the full
    search, as before the short cut)."""
    return [[row if row[-1] is None else (*row[:-1], (*row[-1][:-1], -1)) for row in block] for block in blocks]


def _assert_same(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for c in a:
        assert_series_equal(pd.Series(a[c]), pd.Series(b[c]), check_exact=True, obj=c)


def _counted_assemble(blocks, recs, settings, existing):  # type: ignore[no-untyped-def]
    """``_assemble``'s columns and how many drafts it composed (``_DraftContext.text`` calls)."""
    calls = []
    real = respond._DraftContext.text

    def counted(self, variant=0):  # type: ignore[no-untyped-def]
        calls.append(variant)
        return real(self, variant)

    respond._SHARED_ENTRIES.clear()
    respond._DraftContext.text = counted
    try:
        cols = pipeline._assemble(blocks, recs, settings, existing)
    finally:
        respond._DraftContext.text = real
    return cols, len(calls)


@pytest.mark.parametrize("n, size, authors", [(200, 1, 2), (200, 3, 3), (240, 7, 5), (300, 40, 1), (150, 150, 3)])
def test_start_after_the_workers_variant_equals_the_full_search_and_one_loop(n, size, authors):
    settings = ReplySettings()
    frame = _page(n, authors)
    bounds = [(a, min(n, a + size)) for a in range(0, n, size)]
    recs, existing, blocks = _blocks(frame, bounds, settings)
    short, n_short = _counted_assemble(blocks, recs, settings, existing)
    full, n_full = _counted_assemble(_full_search(blocks), recs, settings, existing)
    _assert_same(short, full)
    _, _, whole = _blocks(frame, [(0, n)], settings)  # one block: the page of one loop, nothing re-phrased
    _assert_same(short, pipeline._assemble(whole, recs, settings, existing))
    if len(blocks) > 1:
        assert sum(a != b for a, b in zip((row[3] for block in blocks for row in block), short["draft"]))
        assert n_short < n_full  # the short cut was taken
    if 1 < len(blocks) and size >= 7:  # adversarial: fresh drafts a worker found after variant 0
        assert any(row[-1] is not None and row[-1][1] and row[-1][-1] >= 1 for block in blocks for row in block)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 90), cuts=st.lists(st.integers(1, 89), max_size=12), authors=st.integers(1, 5),
       brand=st.sampled_from(["", "Acme"]), replied=st.dictionaries(st.integers(0, 89), st.sampled_from(
           ["Hi. Thanks for your review. — Customer care team", "ok"]), max_size=4))
def test_any_cut_gives_the_full_search_drafts(n, cuts, authors, brand, replied):
    settings = ReplySettings(brand=brand)
    frame = _page(n, authors, replied)
    edges = sorted({0, n, *(c for c in cuts if c < n)})
    recs, existing, blocks = _blocks(frame, list(zip(edges, edges[1:])), settings)
    _assert_same(pipeline._assemble(blocks, recs, settings, existing),
                 pipeline._assemble(_full_search(blocks), recs, settings, existing))
    _, _, whole = _blocks(frame, [(0, n)], settings)
    _assert_same(pipeline._assemble(blocks, recs, settings, existing),
                 pipeline._assemble(whole, recs, settings, existing))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3", "r4", "a", "b"]),
                               st.sampled_from(["google", "yelp"]), st.sampled_from([None, "Ann Lee"]),
                               st.sampled_from(["positive", "negative"])), min_size=1, max_size=120),
       small=st.sets(st.integers(0, 119)), keep=st.booleans())
def test_unique_variant_from_a_smaller_page(rows, small, keep):
    """A draft searched on a page from the variant another search stopped at on a smaller page (its subset)
    equals the search from 0, with and without memos; ``start`` past the last variant gives the last one."""
    settings = ReplySettings()
    little: set[str] = set()
    big: set[str] = set()
    memos = [respond._DraftMemo(settings) for _ in range(3)]
    for i, (rid, platform, author, kind) in enumerate(rows):
        rec = {"review_id": rid, "platform": platform, "author": author, "product_title": None}
        d, v = pipeline._unique_variant(rec, kind, None, None, settings, little, memos[0])
        want = pipeline._unique_text(rec, kind, None, None, settings, big, memos[1], keep=keep)
        assert pipeline._unique_text(rec, kind, None, None, settings, big, memos[2], keep=keep, start=v) == want
        assert pipeline._unique_text(rec, kind, None, None, settings, set(big), None, start=v) == want
        if respond._normalise(d) in big:
            assert pipeline._unique_text(rec, kind, None, None, settings, set(big), None, start=v + 1) == want
        if i in small:  # the smaller page gets this row's draft (a subset of the bigger one)
            little.add(respond._normalise(d))
        big.add(respond._normalise(want))
        big.add(respond._normalise(d))


def test_start_past_the_last_variant_gives_the_last_one():
    settings = ReplySettings()
    rec = {"review_id": "z", "platform": "google"}
    ctx = respond._draft_context(rec, "positive", None, None, settings)
    page = {respond._normalise(t) for t in ctx.all_drafts()[0]}
    last = ctx.text(pipeline.DRAFT_VARIANTS - 1)
    for start in (0, 3, pipeline.DRAFT_VARIANTS, 9):
        assert pipeline._unique_variant(rec, "positive", None, None, settings, set(page), None, start=start) == (
            last, pipeline.DRAFT_VARIANTS)
        memo = respond._DraftMemo(settings)
        assert pipeline._unique_text(rec, "positive", None, None, settings, page, memo, start=start) == last
