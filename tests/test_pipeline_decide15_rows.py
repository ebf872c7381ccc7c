"""The decision loop's per-block memos (issue 8, fifteenth session): ``_decide_rows`` reads each draft's normal form
from a ``_Norms`` of the block (``_normalise`` once per distinct draft, also inside ``_unique_variant``) and the
primary topic of a single complaint from a dict by its topic, instead of working both out per row. The rows must be
exactly what the per-row expressions give: a review's complaints doubled (each entry twice) take the general path
(``primary_topic`` of them and the first evidence of that topic, the same answer) and must decide alike; the normal
forms must be ``_normalise``'s, and ``_unique_variant`` must give the same draft and variant with the memo or without.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_pipeline_quiet import DAY, _frames, _state

from reviewtools import pipeline, respond
from reviewtools.respond import ReplySettings

_TOPICS = ["shipping_delivery", "quality_defect", "price_value", "customer_service", "not_a_topic", ""]

_REVIEW = st.fixed_dictionaries({
    "review_id": st.sampled_from(["r1", "r2", "r3", "r4", "r5"]),
    "platform": st.sampled_from(["amazon", "google", "yelp", None]),
    "rating": st.sampled_from([None, 1, 2, 3, 4, 5]),
    "sentiment_label": st.sampled_from(["positive", "negative", "neutral", "unknown", None]),
    "sentiment_score": st.sampled_from([None, -0.0, 0.4, -0.7]),
    "text_language": st.sampled_from([None, "de"]),
    "reply_text": st.sampled_from([None, "Thanks, we replied."]),
    "replied_at": st.sampled_from([None, DAY]),
    "author": st.sampled_from([None, "Ann Lee", "bob"]),
    "product_title": st.sampled_from([None, "Blue Mug"]),
})


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews=st.lists(_REVIEW, min_size=1, max_size=20),
       comps=st.lists(st.tuples(st.integers(0, 19), st.lists(st.tuples(st.sampled_from(_TOPICS),
                                                                         st.sampled_from(["late", "broke", "late"])),
                                                               min_size=1, max_size=3)), max_size=12),
       thank=st.booleans(), amazon_public=st.booleans())
def test_single_complaints_and_norms_decide_as_the_general_path(reviews, comps, thank, amazon_public):
    frame, hits, matches = _frames(reviews, [], [])
    reply_settings = ReplySettings(thank_positive=thank, amazon_public_reply=amazon_public)
    recs, state = _state(frame, hits, matches, reply_settings, True, ())
    by_hit, not_run, _ = state.grouped(None)
    keys = [str(p or "other") + pipeline._KEY_SEP + str(r)
            for p, r in zip(pipeline._column_values(recs["platform"]), pipeline._column_values(recs["review_id"]))]
    complaints: dict[str, list[tuple[str, str]]] = {}
    for k, entries in comps:
        complaints[keys[k % len(keys)]] = list(entries)
    doubled = {k: [e for e in v for _ in range(2)] for k, v in complaints.items()}
    got = pipeline._decide_rows(recs, state, by_hit, not_run, complaints)
    want = pipeline._decide_rows(recs, state, by_hit, not_run, doubled)
    assert got == want
    # the topic column is primary_topic's, the problem quoted in the reason the first of that topic
    for key, row in zip(keys, got):
        comp = complaints.get(key, [])
        assert row[8] == (respond.primary_topic(t for t, _ in comp) or "")


@settings(max_examples=examples(50), deadline=None)
@given(st.text(max_size=40))
def test_norms_are_normalise(text):
    norms = pipeline._Norms()
    assert norms[text] == respond._normalise(text)
    assert norms[text] == respond._normalise(text) and len(norms) == 1


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids=st.lists(st.sampled_from(["R1", "R2", "R3", "R1"]), min_size=1, max_size=12),
       kinds=st.sampled_from(["positive", "negative", "mixed"]), start=st.integers(0, 3))
def test_unique_variant_with_norms(ids, kinds, start):
    reply_settings = ReplySettings()
    pages: list[set[str]] = [set(), set()]
    memos = [respond._DraftMemo(reply_settings), respond._DraftMemo(reply_settings)]
    norms = pipeline._Norms()
    for rid in ids:
        rec = {"review_id": rid, "platform": "google", "author": "Ann Lee", "product_title": None}
        a = pipeline._unique_variant(rec, kinds, None, None, reply_settings, pages[0], memos[0], start=start)
        b = pipeline._unique_variant(rec, kinds, None, None, reply_settings, pages[1], memos[1], start=start,
                                     norms=norms)
        assert a == b
        pages[0].add(respond._normalise(a[0]))
        pages[1].add(norms[b[0]])
    assert pages[0] == pages[1]
    assert all(norms[t] == respond._normalise(t) for t in norms)
