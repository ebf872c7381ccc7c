"""The pattern rules' required strings found by one search (respond._literal_scan, _LiteralScanner, _trie_regex):
the same patterns skipped as one required-strings search per pattern (2a2dd3c's _detect_patterns, copied here),
the same findings from every detector on texts made of the rules' own required strings, overlapping, in mixed
case, with the characters IGNORECASE folds to ASCII letters."""
from __future__ import annotations

import re

import dataclasses

from hypothesis import given, settings, strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings

_RULES = respond.lint_rules()
_PATTERNS = respond._scanned_patterns(_RULES)
_LITERALS = sorted({x for p in _PATTERNS for x in (respond._pattern_literals(p) or ())})


def _old_detect_patterns(rule, text, ctx):  # 2a2dd3c
    patterns = tuple(rule.params.get("patterns", ()))
    low = text.lower() if text.isascii() or not any(c in text for c in respond._ASCII_FOLDS) else None
    if low is None:
        anything = respond._any_rx(patterns)
        if anything is not None and anything.search(text) is None:
            return []
    out = []
    for pat in patterns:
        if low is not None:
            lits = respond._literal_rx(pat)
            if lits is not None and lits.search(low) is None:
                continue
        out.extend(respond._problem(rule, text, m.start(), m.end()) for m in respond._rx(pat).finditer(text))
    return out


def _plain_patterns(rule, text):
    """Every pattern run, no shortcut."""
    return [respond._problem(rule, text, m.start(), m.end()) for pat in rule.params.get("patterns", ())
            for m in respond._rx(pat).finditer(text)]


_PIECES = _LITERALS + [x[: len(x) // 2] for x in _LITERALS] + [x[len(x) // 2:] for x in _LITERALS] + [
    "", " ", ".", ". ", "\n", "İ", "ı", "ſ", "\u212a", "é", "“", "5", "you", "us", "review", "REVIEW", "Call ",
    "CONTACT US FIRST", "Add Us On X", "we will", "stars", "please"]
_CASED = st.tuples(st.sampled_from(_PIECES), st.sampled_from((str, str.upper, str.title, str.swapcase))).map(
    lambda t: t[1](t[0]))
_TEXT = st.lists(_CASED, max_size=12).map("".join) | st.lists(_CASED, max_size=12).map(" ".join)


_SC = respond._LiteralScanner(_RULES, respond._pattern_literals)


def _longest_at(words, text):
    out = []
    for i in range(len(text)):
        got = [w for w in words if text.startswith(w, i)]
        if got:
            out.append(max(got, key=len))
    return out


@settings(deadline=None, max_examples=examples(400))
@given(st.lists(st.text("abc. ", min_size=1, max_size=4), min_size=1, max_size=8), st.text("abc. x", max_size=30))
def test_trie_regex_finds_the_longest_word_at_each_position(words, text):
    rx = re.compile("(?=(" + respond._trie_regex(words) + "))")
    assert rx.findall(text) == _longest_at(set(words), text)


def test_trie_regex_of_the_rules_literals():
    rx = re.compile("(?=(" + respond._trie_regex(_LITERALS) + "))")
    text = "call us directly, or call us. add us on xx; dm us on instagram" + "".join(_LITERALS)
    assert rx.findall(text) == _longest_at(_LITERALS, text)


@settings(deadline=None, max_examples=examples(250))
@given(_TEXT)
def test_scanner_candidates_are_the_patterns_with_a_required_string(text):
    low = text.lower()
    sc = _SC
    assert sc.known == {p for p in _PATTERNS if respond._literal_rx(p) is not None}
    assert sc.candidates(low) == {p for p in sc.known if respond._literal_rx(p).search(low)}


def test_scanner_sees_literals_inside_longer_ones():
    sc = respond._LiteralScanner(_RULES, respond._pattern_literals)
    for x in _LITERALS:  # each required string inside a longer text
        low = "zz" + x + "zz"
        assert sc.candidates(low) == {p for p in sc.known if respond._literal_rx(p).search(low)}


@settings(deadline=None, max_examples=examples(50))
@given(_TEXT)
def test_detectors_equal_the_old_ones(text):
    ctx = respond._ctx("amazon", None, None, None, (), None)
    for rule in _RULES:
        if rule.detector == "patterns":
            assert respond._detect_patterns(rule, text, ctx) == _old_detect_patterns(rule, text, ctx) == \
                _plain_patterns(rule, text)
        elif rule.detector == "contact":
            assert respond._detect_patterns(rule, text, ctx) == _plain_patterns(rule, text)
        elif rule.detector in ("links", "incentive"):
            got = respond._DETECTORS[rule.detector](rule, text, ctx)
            respond._SCAN_LAST = (None, None, None, None)
            saved = respond._pattern_literals
            try:  # no required strings known: every pattern searched
                respond._pattern_literals = lambda pattern: None
                respond._literal_rx.cache_clear()
                respond._INCENTIVE_RX.clear()
                plain = respond._DETECTORS[rule.detector](rule, text, ctx)
            finally:
                respond._pattern_literals = saved
                respond._literal_rx.cache_clear()
                respond._INCENTIVE_RX.clear()
            assert got == plain


def test_scan_follows_the_last_text_and_the_literals_function():
    a, b = "Please contact us first.", "Thank you."
    got_a = respond._literal_scan(a)
    assert respond._literal_scan(a) is got_a and got_a[2] == a.lower() and got_a[1]
    got_b = respond._literal_scan(b)
    assert got_b[2] == b.lower() and respond._literal_scan(a)[1] == got_a[1]
    assert respond._literal_scan("A gıft for a review") is None  # "ı" folds to "I": no lower-cased search
    saved = respond._pattern_literals
    try:
        respond._pattern_literals = lambda pattern: None
        assert respond._literal_scan(a)[0] == frozenset()
    finally:
        respond._pattern_literals = saved
    assert respond._literal_scan(a)[0]


@settings(deadline=None, max_examples=examples(200))
@given(_TEXT, st.sampled_from(("amazon", "google", "yelp")))
def test_lint_draft_equals_lint_without_the_scan(text, platform):
    respond._lint_cached.cache_clear()
    respond._segment_found.cache_clear()
    fast = respond.lint_draft(text, platform)
    respond._lint_cached.cache_clear()
    respond._segment_found.cache_clear()
    saved = respond._literal_scan
    try:
        respond._literal_scan = lambda t: None  # the path for texts with folding characters: no literal search
        slow = respond.lint_draft(text, platform)
    finally:
        respond._literal_scan = saved
        respond._lint_cached.cache_clear()
        respond._segment_found.cache_clear()
    assert fast == slow


# Twelfth session: the normalised drafts of memo entries shared across memos and across entries of the same fields
# (respond._norms_box, _PhrasingSpace.shared).

_NAMES12 = [None, "Ann Lee", "A3A02E6557BCEA", "bob", "Amazon Customer"]


@settings(max_examples=examples(150), deadline=None)
@given(platform=st.sampled_from(["amazon", "google", "yelp", "app_store", "other"]),
       author=st.sampled_from(_NAMES12), kind=st.sampled_from(respond.REPLY_KINDS),
       topic=st.sampled_from((None,) + respond.TOPICS),
       problems=st.lists(st.sampled_from([None, "arrived two weeks late", "x", "Had to return"]), min_size=1,
                         max_size=3),
       titles=st.lists(st.sampled_from([None, "Kettle", "", "Steel Kettle 2L"]), min_size=1, max_size=3),
       tone=st.sampled_from(respond.TONES), keep=st.booleans())
def test_spaces_share_normalised_drafts_of_equal_fields(platform, author, kind, topic, problems, titles, tone, keep):
    reply = ReplySettings(tone=tone)
    calls = []
    real = respond._DraftContext.all_norms

    def counted(self):
        calls.append(self)
        return real(self)

    respond._DraftContext.all_norms = counted
    try:
        for problem in problems:
            for title in titles:
                review = {"review_id": "R1", "platform": platform, "author": author, "product_title": title}
                plain = respond._draft_context(review, kind, topic, problem, reply)
                want = real(plain)
                for _ in range(2):  # two blocks' memos
                    memo = respond._DraftMemo(reply)
                    ctx = respond._draft_context(review, kind, topic, problem, reply, memo)
                    page = {next(iter(want[0]))} if want[0] else set()
                    spent = ctx.space.update(ctx, page, keep)
                    assert (spent, ctx.space.missing, ctx.space.over) == (
                        False, set(want[0]) - page, want[1])
                    if ctx.space.shared[0] is not None:
                        assert ctx.space.shared[0] == want
    finally:
        respond._DraftContext.all_norms = real
    fields = {(c.platform, c.kind, c.topic, c.name, tuple(c.values.items())) for c in calls}
    assert len(calls) == len(fields)  # worked out once per distinct set of fields (per settings object)


def test_norms_boxes_follow_settings_and_channels():
    a, b = ReplySettings(channels={}), ReplySettings(channels={})
    review = {"review_id": "R1", "platform": "google", "author": None, "product_title": None}
    ca = respond._draft_context(review, "negative", "customer_service", None, a, respond._DraftMemo(a))
    cb = respond._draft_context(review, "negative", "customer_service", None, b, respond._DraftMemo(b))
    assert ca.space.shared is not cb.space.shared  # another settings object: a box of its own
    ca.space.update(ca, set())
    assert ca.space.shared[0] == ca.all_norms()
    a.channels["google"] = "at the front desk"
    again = respond._draft_context(review, "negative", "customer_service", None, a, respond._DraftMemo(a))
    assert again.space.shared is not ca.space.shared and again.space.shared[0] is None
    again.space.update(again, set())
    assert again.space.norms == again.all_norms()[0] != ca.space.norms
    assert respond._norms_box(a, "google", "negative", None, dataclasses.replace(
        again, values={"x": ["unhashable"]})) == [None]


# Twelfth session: R-LINK's and R-CONTACT's e-mail and link searches skipped in a text without "@" / "://" and "www."
# (respond._email_spans, _url_spans).

_LINKISH = st.lists(st.sampled_from(["a@b.com", "x@y", "@", "mail", "https://x.io", "http:/", "://", "WWW.shop.com",
                                     "wWw.", "ww w.", "www", ".", " ", "İ", "ı", "ſ", "\u212a", "é", "Call us",
                                     "help", "shop.co.uk", "ＷＷＷ.", "\n"]), max_size=10)


@settings(deadline=None, max_examples=examples(500))
@given(_LINKISH.map("".join) | _LINKISH.map(" ".join) | st.text(max_size=40))
def test_email_and_url_spans_equal_the_searches(text):
    assert respond._email_spans(text) == [m.span() for m in respond._EMAIL.finditer(text)]
    assert respond._url_spans(text) == [m.span() for m in respond._URL.finditer(text)]


def test_what_the_email_and_url_patterns_need():
    # the patterns these shortcuts were checked against: another pattern needs its own check
    assert respond._EMAIL.pattern == r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    assert respond._EMAIL.flags & re.IGNORECASE == 0
    assert respond._URL.pattern == r"\b(?:https?://|www\.)[^\s<>\"']+" and respond._URL.flags & re.IGNORECASE
    # every character IGNORECASE matches to "w" or "W" is one of them; "ſ", Kelvin etc. are the texts' concern
    assert [chr(o) for o in range(0x110000) if re.fullmatch("w", chr(o), re.IGNORECASE)] == ["W", "w"]
    assert respond._url_spans("Visit WWW.Shop.com") == [(6, 18)] and respond._email_spans("a@b.co") == [(0, 6)]


# Twelfth session: R-PII's order and address patterns skipped in a text without a decimal digit when every match of
# theirs holds one (respond._needs_digit).

_PIECES_RX = st.sampled_from([r"\d", r"\d{2}", r"\d*", r"\d?", r"\d+?", "x", r"(?:\d|x)", r"\b", r"\s+", "-",
                              r"[0-9]", r"\D", r"(?=\d)", r"\d{0,2}"])


@settings(deadline=None, max_examples=examples(250))
@given(st.lists(_PIECES_RX, min_size=1, max_size=5).map("".join),
       st.text(st.sampled_from("x1٣- \n۵a"), max_size=12), st.sampled_from((0, re.IGNORECASE)))
def test_needs_digit_means_every_match_holds_a_digit(pattern, text, flags):
    if respond._needs_digit(pattern, flags):
        assert all(re.search(r"\d", m.group()) for m in re.finditer(pattern, text, flags))
    if not any(respond._has_decimal_digit(x) for x in [text]) and respond._needs_digit(pattern, flags):
        assert re.search(pattern, text, flags) is None


def _old_detect_pii(rule, text, ctx):  # 2a2dd3c
    p = rule.params
    out = []
    if ctx.author:
        tokens = respond._name_tokens(ctx.author)
        if len(tokens) >= 2:
            rx = re.compile(r"\b" + r"\s+".join(re.escape(t) for t in tokens[:2]) + r"\b", respond._FLAGS)
            out.extend(respond._problem(rule, text, m.start(), m.end(), "repeats the reviewer's full name")
                       for m in rx.finditer(text))
    for value, what in ((ctx.order_id, "order number"), (ctx.address, "address")):
        if value and value.strip():
            rx = re.compile(re.escape(value.strip()), respond._FLAGS)
            out.extend(respond._problem(rule, text, m.start(), m.end(), f"repeats the reviewer's {what}")
                       for m in rx.finditer(text))
    for pat in p.get("order_patterns", ()):
        for m in respond._rx(pat).finditer(text):
            if not any(q.start == m.start() for q in out):
                out.append(respond._problem(rule, text, m.start(), m.end(), "contains an order number"))
    for m in re.finditer(p["address_pattern"], text):
        out.append(respond._problem(rule, text, m.start(), m.end(), "contains a street address"))
    return out


_PII_WORDS = st.lists(st.sampled_from(["123-4567890-1234567", "12 Baker Street", "٣٤ Elm Road", "Ann Lee", "9",
                                       "Order", "no digits here", " ", ".", "\n", "12345 Long Lane", "١٢٣-٤٥٦٧٨٩٠-١٢٣٤٥٦٧",
                                       "A-1", "Call"]), max_size=8).map(" ".join)


@settings(deadline=None, max_examples=examples(300))
@given(_PII_WORDS, st.sampled_from([None, "Ann Lee", "bob"]), st.sampled_from([None, "123-4567890-1234567"]),
       st.sampled_from([None, "12 Baker Street"]))
def test_pii_equals_the_old_detector(text, author, order_id, address):
    rule = next(r for r in _RULES if r.detector == "pii")
    ctx = respond._ctx("amazon", author, order_id, address, (), None)
    assert respond._detect_pii(rule, text, ctx) == _old_detect_pii(rule, text, ctx)
    assert [respond._needs_digit(p, respond._FLAGS) for p in rule.params["order_patterns"]] == [True] * len(
        rule.params["order_patterns"]) and respond._needs_digit(rule.params["address_pattern"], 0)


def test_scanner_of_rules_without_incentive_terms():
    rules = tuple(dataclasses.replace(r, params={}) if r.detector == "incentive" else r for r in _RULES)
    sc = respond._LiteralScanner(rules, respond._pattern_literals)  # the incentive rule's terms missing: not scanned
    assert sc.known == {p for r in rules for p in r.params.get("patterns", ()) if respond._literal_rx(p) is not None}
