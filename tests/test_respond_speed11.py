"""Issue 8, eleventh session: respond's cheaper picks, display names, and lint misses, each equal to the definition
it replaces (copied here from a676fbc): the digest's first eight bytes by ``struct`` (``_FIRST_U64``), three digits
of an ASCII handle by a regex (``_THREE_DIGITS``), a draft's decimal digits by ``in`` when it is ASCII
(``_has_decimal_digit``), ``_Ctx`` records without the dataclass's ``__init__`` (``_ctx``), the draft cuts built in
one loop (``_segment_bounds``) and the rule order worked out once per rule set (``_rule_order``)."""

from __future__ import annotations

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings

_DIGITS = "0123456789" + "٠١٢٣٤٥٦٧٨٩" + "०१२" + "０１２" + "²³¹"  # ASCII, Arabic-Indic, Devanagari, fullwidth, superscripts
_ASCII_HANDLE = st.text(alphabet="0123456789ABCDEFabcdefXYZxyz", min_size=1, max_size=30)
_TEXT = st.text(alphabet=st.sampled_from(list("ab .!?,\n\t\u00a0\u2003") + list(_DIGITS) + ["é", "“", "x"]),
                max_size=60)


@given(st.binary(min_size=8, max_size=40))
def test_first_u64_is_the_big_endian_prefix(data):
    assert respond._FIRST_U64(data)[0] == int.from_bytes(data[:8], "big")
    d = hashlib.sha256(data).digest()
    assert respond._FIRST_U64(d)[0] == int.from_bytes(d[:8], "big")


@settings(max_examples=examples(400))
@given(_ASCII_HANDLE)
def test_three_ascii_digits_is_the_digit_count(author):
    assert (respond._THREE_DIGITS(author) is not None) == (sum(map(str.isdigit, author)) > 2)


def _old_alnum_name(author, platform="amazon", settings=None):
    """display_name at a676fbc for an ``str.isalnum`` author."""
    settings = settings or ReplySettings()
    if not settings.use_display_name or not respond._platform_channels(platform).get("shows_display_name", False):
        return None
    if author is None or (not isinstance(author, str)) or not author.strip():
        return None
    generic, titles = respond._name_sets()
    if author.isalnum():
        if len(author) > respond.MAX_NAME_CHARS or sum(map(str.isdigit, author)) > 2 or not any(
                map(str.isalpha, author)):
            return None
        if author.casefold() in generic or author.casefold().rstrip(".") in titles:
            return None
        return author.capitalize() if author.isalpha() and author.islower() else author
    raise AssertionError("only alnum authors here")


@settings(max_examples=examples(400))
@given(st.one_of(_ASCII_HANDLE, st.text(alphabet="ab" + _DIGITS, min_size=1, max_size=8)))
def test_display_name_of_handles_equals_the_old_one(author):
    if not author.isalnum():
        return
    for platform in ("amazon", "google", "other"):
        assert respond.display_name(author, platform) == _old_alnum_name(author, platform)


def test_display_name_of_real_handles():
    for author, want in (("A3A02E6557BCEA", None), ("AB12", "AB12"), ("ab1c2d3", None), ("12", None),
                         ("anna", "Anna"), ("Ann٣٤٥", None), ("Ann٣٤", "Ann٣٤"), ("x²³¹", None), ("x²³", "x²³")):
        assert respond.display_name(author, "amazon") == want == _old_alnum_name(author)


@settings(max_examples=examples(500))
@given(_TEXT)
def test_has_decimal_digit_is_the_regex(text):
    assert respond._has_decimal_digit(text) == (re.search(r"\d", text) is not None)


def test_has_decimal_digit_on_other_digits():
    assert respond._has_decimal_digit("call ٣")
    assert not respond._has_decimal_digit("x² and ³")  # not decimal digits, for \d as for phonenumbers
    assert respond._has_decimal_digit("a 0") and not respond._has_decimal_digit("abc")


def test_ctx_equals_the_dataclass():
    for fields in (("amazon", None, None, None, (), None), ("google", "Ann Lee", "123-4", "1 Main St", ("x",), "GB")):
        new, old = respond._ctx(*fields), respond._Ctx(*fields)
        assert new == old and hash(new) == hash(old) and new.__dict__ == old.__dict__ and type(new) is respond._Ctx
        assert repr(new) == repr(old)


def _old_segment_bounds(text):
    gaps = [m.span(1) for m in respond._SEGMENT_GAP.finditer(text)]
    if not gaps:
        return None
    starts = [0] + [e for _, e in gaps]
    ends = [s for s, _ in gaps] + [len(text)]
    return list(zip(starts, ends))


@settings(max_examples=examples(500))
@given(_TEXT)
def test_segment_bounds_equal_the_old_ones(text):
    assert respond._segment_bounds(text) == _old_segment_bounds(text)


def test_rule_order_is_the_comprehension_and_follows_the_rule_set():
    rules = respond.lint_rules()
    assert respond._rule_order(rules) == {r.rule_id: i for i, r in enumerate(rules)}
    other = rules[::-1]
    assert respond._rule_order(other) == {r.rule_id: i for i, r in enumerate(other)}
    assert respond._rule_order(rules) == {r.rule_id: i for i, r in enumerate(rules)}


def test_lint_with_several_findings_of_one_rule_and_none():
    # two e-mails and a phone number (R-CONTACT three times), a link; and a clean draft (no problem: ())
    text = "Write to a@b.com or c@d.org. Call 0800 123 4567 today! See https://x.example.com for more."
    respond._lint_cached.cache_clear()
    got = respond.lint_draft(text, "google")
    assert [p.rule_id for p in got].count("R-CONTACT") >= 3
    assert got == sorted(got, key=lambda p: (p.severity == "not_run", p.start))
    assert respond._lint_cached.__wrapped__("Thank you, we are glad.", "google", None, None, None, (), None) == ()


# R-INCENTIVE and R-LINK's patterns with the required strings' search first (_incentive_of, _detect_links): the same
# findings as the a676fbc definitions, copied here, on texts made of the rules' own terms in mixed case, with the
# characters IGNORECASE folds to ASCII letters ("İ", "ı", long s, Kelvin sign) and other non-ASCII text.

def _old_detect_incentive(rule, text, ctx):
    p = rule.params
    value, review, cue = respond._incentive_rx(tuple(p["value_terms"]), tuple(p["review_terms"]),
                                               tuple(p["exchange_cues"]))
    if value.search(text) is None or review.search(text) is None:
        return []
    out = []
    for s, e in respond._sentences(text):
        sent = text[s:e]
        if value.search(sent) and review.search(sent):
            if cue.search(sent):
                out.append(respond._problem(rule, text, s, e))
            else:
                out.append(respond._problem(rule, text, s, e, p["warn_reason"], "warn"))
    return out


def _old_link_patterns(rule, text, taken):
    out = []
    for pat in rule.params.get("patterns", ()):
        for m in respond._rx(pat).finditer(text):
            if not any(a <= m.start() < b for a, b in taken):
                out.append(respond._problem(rule, text, m.start(), m.end()))
    return out


def _rule(detector):
    return next(r for r in respond.lint_rules() if r.detector == detector)


_WORDS = ["refund", "REFUNDED", "Gift card", "free shipping", "for free", "review", "Rating", "5 stars", "feedback",
          "in exchange for", "if you", "update your review", "qr code", "QR-Codes", "@shop_x", "a@b.com",
          "follow us on Instagram", "www.x.com", "cash back", "credit", "compensation", "we", "the", "and", ".", "!",
          "?", ",", "\n", "İ", "ı", "ſ", "\u212a", "é", "“", "rewardſ", "REVIEW\u212a", "gıft card", "stars"]
_MIXED = st.lists(st.sampled_from(_WORDS), max_size=14).map(" ".join)


@settings(max_examples=examples(600))
@given(_MIXED)
def test_incentive_with_the_literal_search_equals_the_old_one(text):
    rule, ctx = _rule("incentive"), respond._ctx("amazon", None, None, None, (), None)
    assert respond._detect_incentive(rule, text, ctx) == _old_detect_incentive(rule, text, ctx)


@settings(max_examples=examples(500))
@given(_MIXED)
def test_link_patterns_with_the_literal_search_equal_the_old_ones(text):
    rule, ctx = _rule("links"), respond._ctx("amazon", None, None, None, (), None)
    emails = [m.span() for m in respond._EMAIL.finditer(text)]
    urls = [m.span() for m in respond._URL.finditer(text)]
    got = respond._detect_links(rule, text, ctx)
    pats = _old_link_patterns(rule, text, emails + urls)
    assert got[len(got) - len(pats):] == pats  # the patterns' findings come last
    assert all(p.reason.startswith("contains a") for p in got[: len(got) - len(pats)])


def test_incentive_finds_a_reward_for_a_review():
    rule, ctx = _rule("incentive"), respond._ctx("amazon", None, None, None, (), None)
    for text in ("We will refund you if you update your review.", "A GIFT CARD for your 5 star rating!",
                 "Free shipping for a review.", "A gıft card for a review.", "A refund for a REVIEW\u212a."):
        assert respond._detect_incentive(rule, text, ctx) == _old_detect_incentive(rule, text, ctx)
    assert respond._detect_incentive(rule, "We will refund you if you update your review.", ctx)


# One-hit removal requests without a flag line: the body by one f-string of the plan (_joined_filler), equal to the
# lines' join; every platform, derived ids, odd evidence spacing, against removal_request_from_rows.

_TEMPLATE_PART = st.sampled_from(["{review_id}", "{author}", "{date}", "{rating}", "{{", "}}", "x", " ", "\n", "'",
                                  '"', "\\", "“", "{review_id}{date}"])
_REASON_PART = st.sampled_from(["{clause}", "{rule_id}", "{evidence}", "{{", "}}", "-", " ", "'''", "\\n", "’"])


@settings(max_examples=examples(300))
@given(st.lists(_TEMPLATE_PART, max_size=8).map("".join), st.lists(_REASON_PART, max_size=8).map("".join),
       st.lists(st.text(max_size=6), min_size=9, max_size=9))
def test_joined_filler_is_the_join_of_the_two_lines(item, reason, values):
    one = respond._joined_filler(item, reason)
    head, rid, who, date, stars, clause, rule_id, evidence, end = values
    want = "\n".join([head, item.format(review_id=rid, author=who, date=date, rating=stars),
                      reason.format(clause=clause, rule_id=rule_id, evidence=evidence), end])
    assert one is not None and one(*values) == want


def test_joined_filler_is_none_for_odd_templates():
    assert respond._joined_filler("{review_id!r}", "{clause}") is None
    assert respond._joined_filler("{review_id}", "{clause:>3}") is None
    assert respond._joined_filler("{nope}", "{clause}") is None


@settings(max_examples=examples(200))
@given(st.sampled_from(["amazon", "google", "yelp", "trustpilot", "app_store", "google_play", "other", "ebay"]),
       st.sampled_from(["R1", "h" + "0" * respond.ID_HEX_DIGITS, "h" + "a" * respond.ID_HEX_DIGITS, "x y"]),
       st.sampled_from(["ok text", "  two  spaces ", "tab\there", "", "“quoted”", 5]),
       st.sampled_from(["private_info", "spam", "", "unknown"]),
       st.sampled_from([ReplySettings(), ReplySettings(brand="Acme"), ReplySettings(signature="— Jo")]))
def test_one_hit_removal_bodies_equal_the_request(platform, rid, evidence, category, reply):
    review = {"review_id": rid, "platform": platform, "product_id": "B01", "rating": 2, "author": "Ann",
              "created_at": None, "marketplace": "amazon.co.uk"}
    hit = {"rule_id": "X-1", "clause": "Clause", "evidence": evidence, "category": category}
    body, channel, to = respond._removal_draft(review, [hit], reply)
    req = respond.removal_request_from_rows(review, [hit], reply)
    assert (body, channel, to) == (req.body, req.channel, req.to)
