"""The linter a sentence at a time, and its cheaper phone-number bound, equal the plain linter (issue 8).

``respond._lint_cached`` lints a draft of several sentences piece by piece where the rules allow it and remembers
each piece's findings (``_segment_found``); R-CONTACT's phone bound (``_may_hold_phone``) searches phonenumbers'
extension pattern only where it can end. Both are checked here against the definitions they replace (copied below
as they were before, commit f022067) on adversarial drafts: e-mails, links, phone numbers, names, incentives and
sentences cut across the pieces.
"""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import lint_draft, lint_rules
from reviewtools.rules import _phone_bounds, may_hold_phone_number


# ------------------------------------------------------------------------------------------- the old definitions


def _old_contact(rule, text, ctx):
    """respond._detect_contact as it was: e-mails, phone numbers (whole text), patterns."""
    p = rule.params
    out = [respond._problem(rule, text, s, e, "contains an e-mail address") for s, e in
           (m.span() for m in respond._EMAIL.finditer(text))]
    regions = [ctx.region] if ctx.region else []
    regions += [r for r in p["regions"] if r not in regions]
    seen = set()
    if not respond._DECIMAL_DIGIT.search(text):
        regions = []
    elif not may_hold_phone_number(text, regions, min_digits=respond.POSSIBLE_PHONE_MIN_DIGITS):
        regions = []
    for region in regions:
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            seen.add((m.start, m.end))
    context = respond._rx(p["phone_context"])
    for m in (phonenumbers.PhoneNumberMatcher(text, regions[0], leniency=phonenumbers.Leniency.POSSIBLE)
              if regions else ()):
        window = text[max(0, m.start - 40): m.end + 10]
        if context.search(window) and sum(c.isdigit() for c in m.raw_string) >= respond.POSSIBLE_PHONE_MIN_DIGITS:
            seen.add((m.start, m.end))
    merged = sorted(seen)
    for s, e in merged:
        if not any(a <= s and e <= b and (a, b) != (s, e) for a, b in merged):
            out.append(respond._problem(rule, text, s, e, "contains a phone number"))
    out.extend(respond._detect_patterns(rule, text, ctx))
    return out


def _old_lint(text, platform, author=None, order_id=None, address=None, previous_replies=(), region=None):
    """respond.lint_draft as it was: every rule's detector on the whole draft."""
    tokens = respond._name_tokens(author) if author else []
    name = " ".join(tokens[:2]) if len(tokens) >= 2 else None
    ctx = respond._Ctx(platform, name, order_id, address, tuple(previous_replies), region)
    problems = []
    for rule in lint_rules():
        detect = _old_contact if rule.detector == "contact" else respond._DETECTORS[rule.detector]
        found = detect(rule, text, ctx)
        kept = []
        for p in sorted(found, key=lambda q: (q.start, -(q.end - q.start))):
            if any(k.start <= p.start < k.end or (k.start == p.start == p.end) for k in kept):
                continue
            kept.append(p)
        problems.extend(kept)
    order = {r.rule_id: i for i, r in enumerate(lint_rules())}
    return sorted(problems, key=lambda p: (p.severity == "not_run", p.start, order[p.rule_id]))


# ------------------------------------------------------------------------------------------------- drafts

_CUTS = (". ", "! ", "? ", ".\n\n", "?!  ", ".\t", ".\u2003", ". \n ", ".", "!", " ", "\n", "\n\n")
_PIECES = (
    "Hi Ann,", "Hello,", "— Customer care team", "We're sorry about your order", "Thank you for your review",
    "Please update", " your review", "update your", "review", "help@shop", ".com", "help@shop.com", "www.", "www.shop",
    "example.com", "example. com", "shop.co.uk/x", "Amazon.com", "amazon", " Amazon", "It.It was",
    "Call", "call us on", " 415", " 415.", "867 5309", "415-867-5309", "+44 20 7946 0958", "020 7946 0958",
    "ext. 12", "ext", ";ext=", "x 5", "#", "30 days", "4.99", "4. 99", "$10 off", "10% off",
    "gift card", "refund", "a refund", " 5 stars", "a 5-star review", "in exchange for", "for free", "free gift",
    "J. Smith", "Ann Lee", "Ann", "Lee", "etc.", "@shop", "@shop_uk", "qr code", "follow us on instagram",
    "contact us at", "contact us", " first", "e-mail us at", "our phone number is", "legal action", "lawyer",
    "newsletter", "check out our", " other products", "12 Main Street", "123-1234567-1234567", "if you are happy",
    "leave a", " positive review", "instead of leaving a review", "“", "”", "’", "\u00a0", "İ", "ſ",
)


def _drafts() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(_PIECES), st.sampled_from(_CUTS), st.text(max_size=4)),
                    max_size=18).map("".join)


# --------------------------------------------------------------------------------------------------- tests


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_drafts(), platform=st.sampled_from(("amazon", "google", "yelp", "other")),
       author=st.sampled_from((None, "Ann Lee", "J. Smith", "Ann", "  Lee \u2003 Ann ")),
       order_id=st.sampled_from((None, "123-1234567-1234567")), region=st.sampled_from((None, "GB", "US")),
       previous=st.booleans())
def test_lint_by_pieces_equals_the_old_lint(text, platform, author, order_id, region, previous):
    prev = [text] if previous else []
    respond._lint_cached.cache_clear()  # the pieces' findings stay remembered from example to example
    got = lint_draft(text, platform, author=author, order_id=order_id, previous_replies=prev, region=region)
    assert got == _old_lint(text, platform, author, order_id, None, prev, region)
    assert lint_draft(text, platform, author=author, order_id=order_id, previous_replies=prev, region=region) == got


def test_real_drafts_lint_as_before():
    texts = [
        "Hi Ann,\n\nWe're sorry your order arrived late: you mentioned “took three weeks”. Please contact us by "
        "replying to this message and we will look into it. We appreciate you taking the time to tell us.\n\n"
        "— Customer care team",
        "Hello,\n\nPlease update your review. We will send a gift card. Call us at 415-867-5309. Visit shop.com now."
        "\n\n— Customer care team",
        "Hi there. Returns are accepted within 30 days of delivery. Refunds go back in 5 days! Rate us 5 stars?",
    ]
    for text in texts:
        for platform in ("amazon", "google"):
            respond._lint_cached.cache_clear()
            assert lint_draft(text, platform) == _old_lint(text, platform)
    assert {p.rule_id for p in lint_draft(texts[1], "google")} >= {"R-CHANGE", "R-CONTACT", "R-LINK"}


def test_pieces_and_cuts_make_up_the_text():
    for text in ("", "One.", "Hi Ann,\n\nSorry. Call us!  Bye", "A. B", "trailing.  ", ". lead", "a.b. c?\td"):
        bounds = respond._segment_bounds(text)
        if bounds is None:
            assert not re.search(r"[.!?]\s+\S", text)
            continue
        assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
        for (_, e), (s, _) in zip(bounds, bounds[1:]):
            assert text[e - 1] in ".!?" and text[e:s].isspace() and not text[s].isspace()
        assert all(not re.search(r"[.!?]\s+\S", text[a:b]) for a, b in bounds)


_UNSAFE = (r"etc\.\s+now", r"[.!?]\s", r"\.\s", r"\s*foo", r"(?=\s)foo", r"foo$", r"^foo", r"(?<=\.\s)foo",
           r"(?<=\s)foo", r"a..b", r"[^a]+", r"(?:x\.)+\s?y", r"\w+[.!?]?\s+\w+", r"\W+", r"x*", r"(a)\1",
           r"\Afoo", r"foo\Z", r"(?m)foo$", r"[^.!?\n]{0,40}x", r"x(?=[.]\s+y)", r"x\.(?!\s+Amazon)")
_SAFE = (r"\bupdate\s+your\s+review\b", r"foo(?!\s+bar)", r"\b\d{3}-\d{7}\b", r"\bw[^.!?\n]{0,40}x", r"qr[- ]?code",
         r"(?<![\w.@])@\w+", r"a\.b", r"a.b", r"x\.(?!com)", r"\bwe\s+will\b")


def test_the_split_analysis_says_no_to_what_a_cut_could_change():
    assert not any(respond._splits_safely(p) for p in _UNSAFE), [p for p in _UNSAFE if respond._splits_safely(p)]
    assert all(respond._splits_safely(p) for p in _SAFE), [p for p in _SAFE if not respond._splits_safely(p)]
    # every rule the packaged data has is linted by pieces, but length and duplicates (whole drafts)
    split = dict(zip((r.rule_id for r in lint_rules()), respond._split_rules(lint_rules(), True)))
    assert {k for k, v in split.items() if not v} == {"R-LENGTH", "R-DUP"}
    assert not dict(zip((r.rule_id for r in lint_rules()), respond._split_rules(lint_rules(), False)))["R-PII"]


def _all_split_regexes():
    out = [(p, respond._FLAGS) for p in _SAFE + _UNSAFE]
    for rule in lint_rules():
        out += [(p, respond._FLAGS) for p in (*rule.params.get("patterns", ()), *rule.params.get("order_patterns", ()))]
        if "address_pattern" in rule.params:
            out.append((rule.params["address_pattern"], 0))
        if "tlds" in rule.params:
            dom = respond._domain_rx(rule.params["tlds"])
            out.append((dom.pattern, dom.flags))
    out += [(respond._EMAIL.pattern, respond._EMAIL.flags), (respond._URL.pattern, respond._URL.flags)]
    return [(p, f) for p, f in out if respond._splits_safely(p, f)]


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_drafts())
def test_a_regex_the_analysis_accepts_finds_in_the_pieces_what_it_finds_in_the_draft(text):
    bounds = respond._segment_bounds(text) or [(0, len(text))]
    for pattern, flags in _all_split_regexes():
        rx = re.compile(pattern, flags)
        whole = [(m.start(), m.end()) for m in rx.finditer(text)]
        pieces = [(a + m.start(), a + m.end()) for a, b in bounds for m in rx.finditer(text[a:b])]
        assert whole == pieces, (pattern, text)


_PHONE_PIECES = ("ext", "ext.", "extn", "extension", "extensio", "extensio\u0301n", "extensión", "EXT", "Ext:", ";ext=",
                 ";EXT=", "x", "X", "ｘ", "ｅｘｔ", "ｉｎｔ", "int", "INT", "доб", "ДОБ", "anexo", "#", "＃", "~", "～",
                 " ", "\u00a0", "\t", ",", "-", ":", ".", "．", "+", "(", ")", "1", "12", "555", "0958", "١٢", "４１５",
                 "call", "tel", "a", "n", "o", "İ", "ı", "\u0301")


@settings(max_examples=examples(600), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(st.one_of(st.sampled_from(_PHONE_PIECES), st.text(max_size=3)), max_size=16).map("".join),
       regions=st.sampled_from((["US", "GB", "CA", "AU", "DE", "FR", "IT", "ES", "IN", "IE", "NL"], ["GB", "US"],
                                ["JP"], ["XX", "US"], ["SM"])))
def test_the_cheaper_phone_bound_equals_may_hold_phone_number(text, regions):
    assert respond._may_hold_phone(text, regions) == may_hold_phone_number(
        text, regions, min_digits=respond.POSSIBLE_PHONE_MIN_DIGITS)


@pytest.mark.parametrize("text", ["call ext. 12", "extensio 5", "extensio\u0301n\t-9", ";Ext=7", "x 5", "int,3",
                                  "доб 4", "ｉｎｔ 3", "anexo,,5", "- 12#", "ring 555 1234", "Within 30 days.",
                                  "4.99 or 5.49", "next 3", "text 2"])
def test_the_cheaper_phone_bound_on_extensions(text):
    regions = ["US", "GB", "DE"]
    assert respond._may_hold_phone(text, regions) == may_hold_phone_number(text, regions, min_digits=7)


def test_the_extension_pattern_is_the_one_the_shortcut_knows():
    b = _phone_bounds()
    assert b.ext.pattern == respond._KNOWN_EXTENSION and b.ext.flags == re.IGNORECASE | re.UNICODE
    assert respond._long_phone_run(5) is not None and respond._long_phone_run(1) is None


def test_the_cuts_whitespace_is_what_the_analysis_calls_whitespace():
    ws = re.compile(r"\s")
    assert {chr(o) for o in range(0x110000) if ws.fullmatch(chr(o))} == set(respond._GAP_SPACES)
    # whitespace and sentence ends have no other case: IGNORECASE cannot make a letter match them
    for flags in (0, re.IGNORECASE):
        for ch in respond._GAP_SPACES + respond._GAP_ENDS:
            for pat in ("[a-zA-Z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u1e00-\u1fff\u2100-\u214f\uff21-\uff5a]",
                        "[\u0130\u0131\u017f\u212a]"):
                assert not re.fullmatch(pat, ch, flags)
