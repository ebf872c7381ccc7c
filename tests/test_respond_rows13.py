"""Issue 8, thirteenth session: a reply row's respond work with fewer steps (``_DraftContext.text``'s four picks
unrolled and its key's tail per variant from a table (any int, bool, negative or past the table, as before),
``_draft_context``'s kind/topic checks by set for str values, the memo's display names by one lookup and handles
(ASCII alphanumeric authors with three digits) not looked up at all, ``display_name`` asking for the name sets only
when an alphanumeric author passed its own tests); each against the definition it replaces (the picks of
``_pick``, the context without a memo, the tuple checks, ``display_name``)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings, TemplateError


def _pick(options, key, slot):
    digest = hashlib.sha256(f"{key}\x1f{slot}".encode()).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]


def _picks(ctx, variant):
    """(greeting, closing, next step, *openings) as ``_pick`` chooses them for ``ctx`` and ``variant``."""
    key = ctx.review_id + (f"#{variant}" if variant else "")
    tpl = respond.reply_templates()
    s, kind, topic = ctx.settings, ctx.kind, ctx.topic
    return (_pick(tpl["greeting"][s.tone]["named" if ctx.name else "anonymous"], key, "greeting"),
            _pick(tpl["closing"][kind][s.tone], key, "closing"), _pick(ctx.nexts, key, f"{kind}:{topic}:next"),
            *(_pick(opts, key, f"{kind}:{topic}:{slot}") for slot, opts in ctx.openings))


_RIDS = st.one_of(st.sampled_from(["R1", "RBCDCBFA53E0A8", "", "é★", "a\x1fb", "x" * 60]),
                  st.text(max_size=12).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t)))


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rid=_RIDS, kind=st.sampled_from(respond.REPLY_KINDS), topic=st.sampled_from((None,) + respond.TOPICS),
       problem=st.sampled_from([None, "arrived two weeks late"]), tone=st.sampled_from(respond.TONES),
       platform=st.sampled_from(["amazon", "google", "app_store", "other"]),
       variants=st.lists(st.one_of(st.integers(-3, 20), st.booleans()), min_size=1, max_size=4))
def test_planned_picks_of_four_and_five_slots_are_picks(rid, kind, topic, problem, tone, platform, variants):
    reply = ReplySettings(tone=tone)
    memo = respond._DraftMemo(reply)
    review = {"review_id": rid, "platform": platform, "author": "Ann Lee", "product_title": "Kettle"}
    plain = respond._draft_context(review, kind, topic, problem, reply)
    ctx = respond._draft_context(review, kind, topic, problem, reply, memo)
    assert ctx.plan is not None and len(ctx.plan) in (4, 5)
    for variant in variants:
        assert ctx.text(variant) == plain.text(variant)
        assert _picks(ctx, variant) in ctx.texts  # the table holds _pick's picks, in the slots' order


def test_both_plan_lengths_occur():
    memo = respond._DraftMemo(ReplySettings())
    four = respond._draft_context({"review_id": "R1", "platform": "amazon"}, "negative", "shipping_delivery", None,
                                  memo.settings, memo)
    five = respond._draft_context({"review_id": "R1", "platform": "amazon"}, "negative", "shipping_delivery",
                                  "arrived two weeks late", memo.settings, memo)
    assert len(four.plan) == 4 and len(five.plan) == 5


class _Str(str):
    pass


class _Equal:
    """Equal to one string, not a str (the tuple checks accept it; a set check alone would not)."""

    def __init__(self, s):
        self.s = s

    def __eq__(self, other):
        return other == self.s

    def __hash__(self):
        return 1

    def __repr__(self):
        return f"_Equal({self.s!r})"


@pytest.mark.parametrize("memo", [False, True])
def test_kind_and_topic_checks_are_the_tuples(memo):
    reply = ReplySettings()
    m = respond._DraftMemo(reply) if memo else None
    review = {"review_id": "R1", "platform": "amazon"}
    for kind, topic in ((_Str("negative"), _Str("safety")), ("negative", None), ("positive", "safety")):
        ctx = respond._draft_context(review, kind, topic, None, reply, m)
        plain = respond._draft_context(review, str(kind), None if topic is None else str(topic), None, reply)
        assert ctx.text(0) == plain.text(0)
    for kind, topic in ((_Equal("mixed"), None), ("negative", _Equal("safety"))):
        with pytest.raises(KeyError):  # past the checks (as with the tuples), not in the templates' dicts
            respond._draft_context(review, kind, topic, None, reply, m)
    for kind, topic in (("nope", None), ("negative", "nope"), (["negative"], None), ("negative", ["safety"]),
                        (_Equal("nope"), None), ("negative", _Str("nope"))):
        with pytest.raises(TemplateError):
            respond._draft_context(review, kind, topic, None, reply, m)


def test_a_memo_looks_each_author_up_once(monkeypatch):
    calls = []
    real = respond.display_name

    def counted(author, platform, settings=None):
        calls.append(author)
        return real(author, platform, settings)

    monkeypatch.setattr(respond, "display_name", counted)
    memo = respond._DraftMemo(ReplySettings())
    for rid in ("R1", "R2", "R3"):
        for author in ("A3A02E6557BCEA", "ann", None, "Ann Lee"):  # None names remembered as well as names
            ctx = respond._draft_context({"review_id": rid, "platform": "amazon", "author": author}, "negative",
                                         None, None, memo.settings, memo)
            assert ctx.name == real(author, "amazon", memo.settings)
        if rid == "R1":
            assert calls[:1] == ["A3A02E6557BCEA"] and set(calls) == {"A3A02E6557BCEA", "ann", None, "Ann Lee"}
            calls.clear()
    assert calls == []  # the later rows' names all from the memo


@settings(max_examples=examples(500), deadline=None)
@given(author=st.one_of(st.text(alphabet="ABCDEF0123456789", min_size=1, max_size=30),
                        st.sampled_from(sorted(respond._name_sets()[0] | respond._name_sets()[1])),
                        st.text(max_size=14)),
       platform=st.sampled_from(["amazon", "google", "other"]))
def test_display_names_of_handles(author, platform):
    reply = ReplySettings()
    got = respond.display_name(author, platform, reply)
    generic, titles = respond._name_sets()
    if isinstance(author, str) and author.isalnum() and author.isascii() and sum(map(str.isdigit, author)) > 2:
        assert got is None
    if got is not None:
        assert got.casefold() not in generic and got.casefold().rstrip(".") not in titles


@settings(max_examples=examples(400), deadline=None)
@given(author=st.text(alphabet="ABCDEFabcdefzZ0123456789", min_size=1, max_size=40),
       platform=st.sampled_from(["amazon", "google", "yelp", "app_store", "other", "nowhere"]),
       use=st.booleans(), rid=st.sampled_from(["R1", "R2"]))
def test_handles_skip_the_names_memo_with_the_same_name(author, platform, use, rid):
    reply = ReplySettings(use_display_name=use)
    memo = respond._DraftMemo(reply)
    review = {"review_id": rid, "platform": platform, "author": author}
    ctx = respond._draft_context(review, "negative", None, None, reply, memo)
    plain = respond._draft_context(review, "negative", None, None, reply)
    assert ctx.name == plain.name == respond.display_name(author, platform, reply)
    assert ctx.text(0) == plain.text(0)
    if sum(map(str.isdigit, author)) > 2:  # a handle: None, not remembered per author
        assert ctx.name is None and (author, platform) not in memo.names
    else:
        assert (author, platform) in memo.names


@pytest.mark.parametrize("memo", [False, True])
def test_an_over_limit_draft_warns_per_call_with_its_key(monkeypatch, caplog, memo):
    monkeypatch.setattr(respond, "reply_limit", lambda p: respond.ReplyLimit(p, 10, "chars", "test"))
    reply = ReplySettings()
    m = respond._DraftMemo(reply) if memo else None
    ctx = respond._draft_context({"review_id": "R7", "platform": "google"}, "positive", None, None, reply, m)
    with caplog.at_level("WARNING", logger=respond.log.name):
        for variant in (0, 0, 3, True, -1, 20):
            ctx.text(variant)
    keys = [r.args[0] for r in caplog.records if "shortest form" in r.getMessage()]
    assert keys == ["R7", "R7", "R7#3", "R7#True", "R7#-1", "R7#20"]
