"""Issue 8, the reply drafts' fast paths: a memo entry's picks from its plan (``_pick_plan``: the option lists and
the slots' bytes, hashed as ``_pick`` hashes them), its contexts made from the entry's fields
(``_draft_context``), one-word display names and lint authors (``str.isalnum``), and ``summarise_problems``'s lines
remembered per problem object; each equal to the definition it replaces, copied here (commit 081fd46)."""

from __future__ import annotations

import dataclasses
import hashlib
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import LintProblem, ReplySettings


def _old_pick(options, key, slot):
    digest = hashlib.sha256(f"{key}\x1f{slot}".encode()).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]


def _old_picks(ctx, variant):
    """What ``_DraftContext.text`` picked at 081fd46: (greeting, closing, next step, *openings)."""
    key = ctx.review_id + (f"#{variant}" if variant else "")
    tpl = respond.reply_templates()
    s, kind, topic = ctx.settings, ctx.kind, ctx.topic
    return (_old_pick(tpl["greeting"][s.tone]["named" if ctx.name else "anonymous"], key, "greeting"),
            _old_pick(tpl["closing"][kind][s.tone], key, "closing"), _old_pick(ctx.nexts, key, f"{kind}:{topic}:next"),
            *(_old_pick(opts, key, f"{kind}:{topic}:{slot}") for slot, opts in ctx.openings))


def _old_display_name(author, platform, settings=None):
    settings = settings or ReplySettings()
    if not settings.use_display_name or not respond._platform_channels(platform).get("shows_display_name", False):
        return None
    if author is None or (not isinstance(author, str)) or not author.strip():
        return None
    raw = respond._NAME_SPLIT.split(author, maxsplit=1)[0].strip()
    generic, titles = respond._name_sets()
    if not raw or raw.casefold() in generic:
        return None
    if "@" in raw or "/" in raw or ("." in raw and respond._domain_rx(respond._link_tlds()).search(raw)):
        return None
    tokens = raw.split()
    first = tokens[0].strip(",.;:!?-_'")
    if first.casefold().rstrip(".") in titles:
        return None
    if not first or not any(map(str.isalpha, first)) or len(first) > respond.MAX_NAME_CHARS:
        return None
    if sum(map(str.isdigit, first)) > 2:
        return None
    return first.capitalize() if first.isalpha() and first.islower() else first


def _old_summarise(problems):
    return "; ".join(f"{p.severity} {p.rule_id}" + (f" {p.evidence!r}" if p.evidence else "") + f": {p.reason}"
                     for p in problems)


_RIDS = st.one_of(st.sampled_from(["R1", "RBCDCBFA53E0A8", "", "h" + "0" * respond.ID_HEX_DIGITS, "é★", "a\x1fb"]),
                  st.text(max_size=8).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t)))
_NAMES = (None, "Ann Lee", "A3A02E6557BCEA", "ann", "ANN", "Mr", "mr", "Dr.", "Amazon Customer", "anonymous", "R2D2",
          "Zoë", "İlker", "ß", "ﬁx", "x" * 30, "a1b2", "a1b2c3", "Ⅻ", "²³⁴a", "١٢٣a", "Ann\u00a0Lee", 3.0)
_GENERIC_AND_TITLES = tuple(sorted(respond._name_sets()[0] | respond._name_sets()[1]))


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rid=_RIDS, platform=st.sampled_from(["amazon", "google", "yelp", "app_store", "other", None]),
       author=st.sampled_from(_NAMES), kind=st.sampled_from(respond.REPLY_KINDS),
       topic=st.sampled_from((None,) + respond.TOPICS), problem=st.sampled_from([None, "arrived two weeks late"]),
       tone=st.sampled_from(respond.TONES), variants=st.lists(st.integers(0, 7), min_size=1, max_size=4))
def test_planned_picks_and_contexts_equal_the_old_ones(rid, platform, author, kind, topic, problem, tone, variants):
    reply = ReplySettings(tone=tone)
    memo = respond._DraftMemo(reply)
    review = {"review_id": rid, "platform": platform, "author": author, "product_title": "Kettle"}
    plain = respond._draft_context(review, kind, topic, problem, reply)  # no memo: no plan, picked with _pick
    assert plain.plan is None
    for _ in range(2):  # the entry's first context, then one made from its fields
        ctx = respond._draft_context(review, kind, topic, problem, reply, memo)
        if isinstance(author, str) or author is None:
            assert ctx.plan is not None
        assert type(ctx) is respond._DraftContext and ctx == plain  # every compared field equal
        for variant in variants:
            assert ctx.text(variant) == plain.text(variant)
            if ctx.texts is not None:
                assert _old_picks(ctx, variant) in ctx.texts  # the table holds the old code's picks
    # the contexts of one entry share its table and space, not their review ids
    other = respond._draft_context(dict(review, review_id=rid + "x"), kind, topic, problem, reply, memo)
    assert other.review_id == rid + "x" and other.texts is ctx.texts and other.space is ctx.space


def test_a_plan_is_none_when_an_option_list_is_empty():
    memo = respond._DraftMemo(ReplySettings())
    ctx = respond._draft_context({"review_id": "R1", "platform": "google"}, "positive", None, None, memo.settings, memo)
    assert respond._pick_plan(dataclasses.replace(ctx, nexts=())) is None
    plan = respond._pick_plan(ctx)
    assert [slot for _, slot in plan][:3] == [b"greeting", b"closing", b"positive:None:next"]


@settings(max_examples=examples(600), deadline=None)
@given(author=st.one_of(st.sampled_from(_NAMES), st.sampled_from(_GENERIC_AND_TITLES),
                        st.text(alphabet=st.characters(categories=["L", "N", "M", "Zs"]), max_size=30),
                        st.text(max_size=12)),
       platform=st.sampled_from(["amazon", "google", "other"]), use=st.booleans())
def test_display_names_equal_the_old_ones(author, platform, use):
    reply = ReplySettings(use_display_name=use)
    assert respond.display_name(author, platform, reply) == _old_display_name(author, platform, reply)
    if isinstance(author, str) and author:
        for word in (author.capitalize(), author.upper(), author.casefold()):
            assert respond.display_name(word, platform, reply) == _old_display_name(word, platform, reply)


@settings(max_examples=examples(300), deadline=None)
@given(author=st.one_of(st.none(), st.sampled_from(_NAMES[:-1]), st.text(max_size=12)),
       text=st.sampled_from(["Hi Ann Lee, thanks.", "Dear A3A02E6557BCEA. Thanks!", "Ann\u00a0Lee", ""]))
def test_lint_authors_equal_the_old_tokens(author, text):
    tokens = [t for t in re.split(r"\s+", re.sub(r"[\"'“”]", " ", author).strip()) if t] if author else []
    name = " ".join(tokens[:2]) if len(tokens) >= 2 else None
    assert respond.lint_draft(text, "google", author=author) == list(
        respond._lint_cached(text, "google", name, None, None, (), None))


_PROBLEM = st.builds(LintProblem, rule_id=st.sampled_from(["R-DUP", "R-LINK", "R-LENGTH"]), start=st.integers(0, 9),
                     end=st.integers(0, 9), evidence=st.sampled_from(["", "x.com", "a 'q' \"r\"\n★", "Hi\n\nThanks"]),
                     reason=st.sampled_from(["is canned", "contains a link", ""]),
                     severity=st.sampled_from(respond.SEVERITIES), basis=st.just("b"))


@settings(max_examples=examples(200), deadline=None)
@given(problems=st.lists(_PROBLEM, max_size=5), repeat=st.integers(1, 3))
def test_summaries_equal_the_old_ones(problems, repeat):
    for _ in range(repeat):  # the same objects again: their lines remembered
        assert respond.summarise_problems(p for p in problems if p.severity != "not_run") == _old_summarise(
            p for p in problems if p.severity != "not_run")
        assert respond.summarise_problems(problems) == _old_summarise(problems)
        # equal problems that are other objects, and other objects of any kind, are summarised as they are
        copies = [dataclasses.replace(p) for p in problems]
        assert respond.summarise_problems(copies) == _old_summarise(copies)
        ducks = [type("P", (), dataclasses.asdict(p))() for p in problems]
        assert respond.summarise_problems(ducks) == _old_summarise(ducks)


def test_summaries_with_a_full_table(monkeypatch):
    monkeypatch.setattr(respond, "_PROBLEM_LINES_SIZE", 3)
    respond._PROBLEM_LINES.clear()
    problems = [LintProblem("R-DUP", 0, i, f"e{i}", f"r{i}", "warn", "b") for i in range(10)]
    for _ in range(3):
        for k in range(len(problems)):
            assert respond.summarise_problems(problems[: k + 1]) == _old_summarise(problems[: k + 1])
            assert len(respond._PROBLEM_LINES) <= 3
    # a problem object gone and another made where it was: never the gone one's line
    for i in range(200):
        p = LintProblem("R-LINK", 0, 1, f"x{i}", f"reason {i}", "block", "b")
        assert respond.summarise_problems([p]) == _old_summarise([p])
        del p
    respond._PROBLEM_LINES.clear()


# Tenth session (issue 8): memo entries shared by the memos of one settings object in a process
# (``respond._SHARED_ENTRIES``: a decision worker makes a memo per block), each memo with its own phrasing space.

@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rid=_RIDS, platform=st.sampled_from(["amazon", "google", "yelp", "app_store", "other", None]),
       author=st.sampled_from(_NAMES), kind=st.sampled_from(respond.REPLY_KINDS),
       topic=st.sampled_from((None,) + respond.TOPICS), problem=st.sampled_from([None, "arrived two weeks late"]),
       tone=st.sampled_from(respond.TONES), variants=st.lists(st.integers(0, 7), min_size=1, max_size=4))
def test_memos_of_one_settings_share_entries_but_not_spaces(rid, platform, author, kind, topic, problem, tone,
                                                            variants):
    reply = ReplySettings(tone=tone)
    review = {"review_id": rid, "platform": platform, "author": author, "product_title": "Kettle"}
    plain = respond._draft_context(review, kind, topic, problem, reply)
    ctxs = []
    for _ in range(3):  # three blocks' memos
        memo = respond._DraftMemo(reply)
        ctx = respond._draft_context(review, kind, topic, problem, reply, memo)
        assert ctx == plain and all(ctx.text(v) == plain.text(v) for v in variants)
        page = set()
        assert ctx.space is None or ctx.space.update(ctx, page) is False  # a new page: every draft is missing
        ctxs.append(ctx)
    if isinstance(author, str) or author is None:
        assert ctxs[0].texts is ctxs[1].texts is ctxs[2].texts  # one table of composed texts
        assert len({id(c.space) for c in ctxs}) == 3  # a space per memo
    # another settings object, even an equal one, has entries of its own
    other = respond._draft_context(review, kind, topic, problem, ReplySettings(tone=tone),
                                   respond._DraftMemo(ReplySettings(tone=tone)))
    assert other == dataclasses.replace(plain, settings=other.settings)
    assert other.texts is not ctxs[0].texts or other.texts is None


def test_shared_entries_follow_changed_channels_and_a_full_table(monkeypatch):
    reply = ReplySettings(channels={})
    review = {"review_id": "R1", "platform": "google", "author": "Ann Lee", "product_title": "Kettle"}
    first = respond._draft_context(review, "negative", "customer_service", None, reply, respond._DraftMemo(reply))
    reply.channels["google"] = "at the front desk"  # a mutable mapping changed in place: not the same entry
    again = respond._draft_context(review, "negative", "customer_service", None, reply, respond._DraftMemo(reply))
    assert again.values["channel"] == "at the front desk" != first.values["channel"]
    assert again.text(0) == respond._draft_context(review, "negative", "customer_service", None, reply).text(0)
    monkeypatch.setattr(respond, "_SHARED_ENTRIES_SIZE", 1)
    respond._SHARED_ENTRIES.clear()
    for k in range(6):
        memo = respond._DraftMemo(reply)
        r = dict(review, product_title=f"T{k % 3}")
        assert respond._draft_context(r, "negative", None, None, reply, memo).text(k) == respond._draft_context(
            r, "negative", None, None, reply).text(k)
        assert len(respond._SHARED_ENTRIES) <= 1
    respond._SHARED_ENTRIES.clear()
