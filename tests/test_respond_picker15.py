"""Issue 8, fifteenth session: a memo entry's picks by one generated function of the hashed key's head
(``respond._picker``: the option lists, slots and counts held by the function; a count that is a power of two
picked by the digest's last byte of the eight) equal ``_pick``'s, and the drafts of contexts with a picker equal the
drafts of contexts without one."""
from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings

_RIDS = st.one_of(st.text(alphabet="ABCDEF0123456789Rh", min_size=1, max_size=16), st.text(max_size=12))
_SLOTS = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)


@settings(max_examples=examples(100), deadline=None)
@given(rid=_RIDS, variant=st.integers(0, 15),
       plan=st.lists(st.tuples(st.integers(1, 9), _SLOTS, st.booleans()), min_size=1, max_size=6))
def test_a_picker_picks_as_pick_does(rid, variant, plan):
    lists = [([f"{slot}/{i}" for i in range(n)] if as_list else tuple(f"{slot}/{i}" for i in range(n)), slot)
             for n, slot, as_list in plan]
    pick = respond._picker(tuple((opts, slot.encode()) for opts, slot in lists))
    assert pick is not None
    key = rid + (f"#{variant}" if variant else "")
    head = (key + "\x1f").encode()
    assert pick(head) == tuple(respond._pick(opts, key, slot) for opts, slot in lists)


def test_counts_of_two_four_and_eight_use_the_last_byte():
    for n in (1, 2, 3, 4, 5, 8, 16, 256, 257):
        opts = [str(i) for i in range(n)]
        pick = respond._picker(((opts, b"greeting"),))
        for rid in ("R1", "R2", "h" + "0" * 15, "Zz9", "R79B97F4A7C150"):
            assert pick((rid + "\x1f").encode()) == (respond._pick(opts, rid, "greeting"),)


def test_no_picker_without_a_plan_or_for_other_sequences():
    assert respond._picker(None) is None
    assert respond._picker(((range(3), b"x"),)) is None


@settings(max_examples=examples(60), deadline=None)
@given(rid=_RIDS, platform=st.sampled_from(["amazon", "google", "app_store", "other"]),
       kind=st.sampled_from(respond.REPLY_KINDS), topic=st.sampled_from((None,) + respond.TOPICS),
       problem=st.sampled_from([None, "arrived two weeks late"]), tone=st.sampled_from(respond.TONES),
       variants=st.lists(st.one_of(st.integers(-2, 18), st.booleans()), min_size=1, max_size=4))
def test_contexts_with_a_picker_draft_as_without(rid, platform, kind, topic, problem, tone, variants):
    reply = ReplySettings(tone=tone)
    memo = respond._DraftMemo(reply)
    review = {"review_id": rid, "platform": platform, "author": "Ann Lee", "product_title": "Kettle"}
    plain = respond._draft_context(review, kind, topic, problem, reply)  # no memo: _pick per slot
    assert plain.picker is None
    for _ in range(2):  # the entry's first context, then one made from its fields
        ctx = respond._draft_context(review, kind, topic, problem, reply, memo)
        assert ctx.picker is not None and ctx == plain
        planned = dataclasses.replace(ctx, picker=None)  # the plan's unrolled picks
        for variant in variants:
            assert ctx.text(variant) == plain.text(variant) == planned.text(variant)
