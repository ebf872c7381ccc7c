"""Issue 8, fourteenth session: a lint miss's whole-draft part with fewer steps.

``respond._lint_cached`` visits only the rules linted in the whole draft (and R-CONTACT's phone numbers) when no
piece of the draft has a finding (``_split_plan``), looks its pieces up in a per-(platform, split) table
(``_PieceMemo``); R-CONTACT's phone bound (``_may_hold_phone``) of a text whose decimal digits are [0-9]
(``_ascii_plain``) finds them by ``str.find`` (``_ascii_digits``), searches the runs only when the text has as many
digit-like characters as a run needs, and an ASCII text before a digit for an extension's words only when it holds
"x", "~" or "int". Each is checked here against what it replaces.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.rules import may_hold_phone_number

_MARKS = ("\u2014", "\u201c", "\u201d")  # the signature's dash, the quote marks
_PIECES = ("Hello,\n\n", "Hi Ann Lee,\n\n", "Thank you. ", "We're sorry! ", "Call us? ", "within 30 days ",
           "call 0800 123 4567", "ring 555-0199 now", "ext. 12", ";ext=7", "x 5", "int 3", "#4", "help@shop.com",
           "www.shop.com", "gift card for a review", "order 123-4567890-1234567", "12 Main Street", "\n\n",
           "\u2014 Customer care team", "\u201cbroke in 2 days\u201d", "\u0663\u0664", "xX", "~", " ", ". ")
_TEXT = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=12).map("".join)
_KEY = st.tuples(_TEXT, st.sampled_from(("amazon", "google", "yelp", "other")),
                 st.sampled_from((None, "Ann Lee")), st.sampled_from((None, "123-4567890-1234567")),
                 st.sampled_from((None, "12 Main Street")), st.sampled_from(((), ("Thank you. We're sorry!",))),
                 st.sampled_from((None, "GB", "US")))


def _all_rules_visited(rules, plain):
    """``_split_plan`` as if no rule could be left out: every rule's turn in the loop, as before."""
    split = respond._split_rules(rules, plain)
    return split, (tuple(enumerate(rules)) if any(split) else None)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=_KEY)
def test_lint_visiting_only_the_whole_draft_rules_equals_visiting_every_rule(key):
    lint = respond._lint_cached.__wrapped__
    fast = lint(*key)
    saved = respond._split_plan
    try:
        respond._split_plan = _all_rules_visited
        every = lint(*key)
    finally:
        respond._split_plan = saved
    assert fast == every


def test_the_whole_draft_rules_are_those_not_split_and_r_contact():
    rules = respond.lint_rules()
    for plain in (True, False):
        split, whole = respond._split_plan(rules, plain)
        assert split == respond._split_rules(rules, plain)
        assert whole is not None and any(split)
        assert [i for i, _ in whole] == [i for i, r in enumerate(rules) if not split[i] or r.detector == "contact"]
        assert all(rules[i] is r for i, r in whole)
        assert respond._split_plan(rules, plain)[1] is whole  # worked out once


def test_lint_of_a_draft_with_and_without_piece_findings():
    text = ("Hello,\n\nThank you for the review. Write to help@shop.com or call 0800 123 4567. "
            "We appreciate it.\n\n\u2014 Customer care team")
    for t in (text, text.replace("help@shop.com", "us").replace("0800 123 4567", "us")):
        respond._segment_found.cache_clear()
        got = respond._lint_cached.__wrapped__(t, "google", None, None, None, (), "GB")
        saved = respond._split_plan
        try:
            respond._split_plan = _all_rules_visited
            assert respond._lint_cached.__wrapped__(t, "google", None, None, None, (), "GB") == got
        finally:
            respond._split_plan = saved
    assert not respond._lint_cached.__wrapped__(t, "google", None, None, None, (), "GB")


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(_TEXT, max_size=8), platform=st.sampled_from(("amazon", "google")))
def test_piece_memo_gives_the_findings_and_keeps_its_bound(pieces, platform):
    split = respond._split_rules(respond.lint_rules(), True)
    memo = respond._PieceMemo(respond._segment_found.__wrapped__)
    saved = respond.SEGMENT_CACHE_SIZE
    try:
        respond.SEGMENT_CACHE_SIZE = 3
        for seg in pieces + pieces:
            want = respond._segment_found.__wrapped__(seg, platform, split)
            assert memo(seg, platform, split) == want
            assert memo.table(platform, split)[seg] == want
            assert memo.size <= 3 and memo.size == sum(map(len, memo.tables.values()))
    finally:
        respond.SEGMENT_CACHE_SIZE = saved
    memo.cache_clear()
    assert memo.size == 0 and memo.table(platform, split) == {}


def test_segment_found_cache_clear_empties_the_tables():
    split = respond._split_rules(respond.lint_rules(), True)
    respond._segment_found("Write to help@shop.com.", "google", split)
    assert respond._segment_found.table("google", split)
    respond._segment_found.cache_clear()
    assert respond._segment_found.table("google", split) == {} and respond._segment_found.size == 0


_PHONE_TEXT = st.lists(st.one_of(st.sampled_from(
    ("ext", "ext.", "Ext:", "EXTN", "extension", "extensio\u0301n", "extensión", ";ext=", ";EXT=", "x", "X", "ｘ", "ｉｎｔ",
     "int", "INT", "iNt", "доб", "anexo", "#", "＃", "~", "～", " ", "\u00a0", "\t", ",", "-", ":", ".", "．", "+", "＋",
     "(", ")", "[", "/", "1", "12", "555", "0958", "7", "١٢", "４１５", "call", "within", "in", "n", "o", "İ", "ı",
     "\u0301") + _MARKS), st.text(max_size=3)), max_size=18).map("".join)
_REGIONS = st.sampled_from((["US", "GB", "CA", "AU", "DE", "FR", "IT", "ES", "IN", "IE", "NL"], ["GB", "US"], ["JP"],
                            ["SM"], ["XX", "US"]))


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_PHONE_TEXT, regions=_REGIONS)
def test_the_phone_bound_with_its_plain_text_equals_may_hold_phone_number(text, regions):
    want = may_hold_phone_number(text, regions, min_digits=respond.POSSIBLE_PHONE_MIN_DIGITS)
    assert respond._may_hold_phone(text, regions) == want
    assert respond._may_hold_phone(text, regions, respond._ascii_plain(text)) == want


@pytest.mark.parametrize("text", [
    "\u2014 within 30 days \u201c12\u201d", "x\u20141 2 3 4 5 6", "\u201c1 2 3 4 5 6\u201d", "x X\u20141 2 3 4",
    "1-2-3-4-5-6-7", "1 2 3 4 5 6", "ext\u201c 5", "\u201cext 5\u201d", "int 12", "print 12", "xt:\t-4", "E.X 3",
    ";eXt=9", "a=9", "~ 5", "and 5 within 30", "١٢٣٤٥٦٧"])
def test_the_phone_bound_on_drafts_with_marks(text):
    for regions in (["US", "GB", "DE"], ["US"], ["JP"]):
        want = may_hold_phone_number(text, regions, min_digits=7)
        assert respond._may_hold_phone(text, regions, respond._ascii_plain(text)) == want
        assert respond._may_hold_phone(text, regions) == want


def test_the_marks_count_as_digit_like_characters():
    # a run of six digits between quote marks holds eight digit-like characters, enough for seven
    assert may_hold_phone_number("“1 2 3 4 5 6”", ["US"], min_digits=7)
    assert respond._may_hold_phone("“1 2 3 4 5 6”", ["US"], "1 2 3 4 5 6")
    assert not respond._may_hold_phone("a 1 2 3 4 5 6 b", ["US"], "a 1 2 3 4 5 6 b")


@settings(max_examples=examples(500), deadline=None)
@given(text=_PHONE_TEXT)
def test_ascii_plain_and_its_digits(text):
    plain = respond._ascii_plain(text)
    if plain is None:
        assert not text.replace(_MARKS[0], "").replace(_MARKS[1], "").replace(_MARKS[2], "").isascii()
        return
    assert plain.isascii() and [c for c in text if not c.isascii()] == [c for c in text if c in _MARKS]
    assert len(text) - len(plain) == sum(c in _MARKS for c in text)
    assert respond._ascii_digits(text) == [m.start() for m in re.finditer(r"\d", text)]
    assert respond._has_decimal_digit(text) == (re.search(r"\d", text) is not None)


def test_the_extension_words_of_ascii_letters_hold_x_tilde_or_int():
    # every ASCII text of up to 12 characters the head pattern matches at its end: built from its words' forms
    # (a match is one of them, with a colon or a dot maybe), each cased every way, behind other ASCII characters
    forms = ["ext", "xt", "extn", "xtn", "extensio", "xtensio", "extension", "xtension", "anexo", "x", "~", "int"]
    seen = 0
    for form in forms:
        for end in ("", ":", "."):
            for cased in {form, form.upper(), form.title(), form.swapcase()}:
                for before in ("", "a", "wi", "-. "):
                    head = (before + cased + end)[-12:]
                    if respond._EXTENSION_HEAD.search(head):
                        seen += 1
                        low = head.lower()
                        assert "x" in low or "~" in low or "int" in low, head
    assert seen > 100
    for head in ("within", "urned within", "is", "came in", "in:", "t.", "n", "exo", "nt"):
        assert not respond._EXTENSION_HEAD.search(head), head


@settings(max_examples=examples(500), deadline=None)
@given(head=st.text(alphabet=st.characters(max_codepoint=0x7f), max_size=12))
def test_an_ascii_head_without_x_tilde_or_int_is_no_extension_word(head):
    low = head.lower()
    if "x" not in low and "~" not in low and "int" not in low:
        assert respond._EXTENSION_HEAD.search(head) is None


# R-LENGTH's not_run problem made once per (rule, limit); R-DUP's shingles of the draft worked out only for a reply
# that is not the same text.


def _old_duplicate(rule, text, ctx):
    """respond._detect_duplicate as it was (15030d7): the draft's shingles first."""
    if not ctx.previous_replies:
        return []
    norm = respond._normalise(text)
    if not norm:
        return []
    k = int(rule.params.get("shingle_words", 3))
    threshold = float(rule.params.get("near_duplicate_jaccard", 0.9))
    mine = respond._shingles(norm.split(), k)
    for prev in ctx.previous_replies:
        other = respond._normalise(prev)
        if other == norm:
            return [respond._problem(rule, text, 0, len(text))]
        theirs = respond._shingles(other.split(), k)
        jac = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
        if jac >= threshold:
            return [respond._problem(rule, text, 0, len(text),
                                     f"is nearly identical (Jaccard {jac:.2f}) to a recent reply; vary the wording")]
    return []


_SENTENCE = st.lists(st.sampled_from(("Thank", "you", "for", "the", "review", "We're", "sorry", "!", ".", "Hi",
                                      "Ann", "THANK", "\n")), max_size=12).map(" ".join)


@settings(max_examples=examples(300), deadline=None)
@given(text=_SENTENCE, previous=st.lists(_SENTENCE, max_size=4), k=st.sampled_from((None, 1, 3, 5)))
def test_duplicate_equals_the_old_definition(text, previous, k):
    import dataclasses

    rule = next(r for r in respond.lint_rules() if r.detector == "duplicate")
    if k is not None:
        rule = dataclasses.replace(rule, params={**rule.params, "shingle_words": k})
    ctx = respond._ctx("google", None, None, None, tuple(previous), None)
    assert respond._detect_duplicate(rule, text, ctx) == _old_duplicate(rule, text, ctx)


def test_length_not_run_is_made_once_per_rule_and_limit():
    import dataclasses

    rule = next(r for r in respond.lint_rules() if r.detector == "length")
    lim = respond.reply_limit("amazon")
    assert lim.limit is None  # amazon documents no reply limit (lint_rules.json)
    a = respond._detect_length(rule, "Hi.", respond._ctx("amazon", None, None, None, (), None))
    b = respond._detect_length(rule, "Other.", respond._ctx("amazon", None, None, None, (), None))
    want = respond.LintProblem(rule.rule_id, 0, 0, "", f"not checked: {lim.source}", "not_run", rule.basis)
    assert a == b == [want] and a[0] is b[0]
    other = dataclasses.replace(rule, basis="another basis")
    c = respond._detect_length(other, "Hi.", respond._ctx("amazon", None, None, None, (), None))
    assert c == [dataclasses.replace(want, basis="another basis")]
    assert respond._detect_length(rule, "Hi.", respond._ctx("google", None, None, None, (), None)) == []


def test_length_not_run_table_keeps_its_bound(monkeypatch):
    import dataclasses

    monkeypatch.setattr(respond, "_LENGTH_NOT_RUN_SIZE", 2)
    rule = next(r for r in respond.lint_rules() if r.detector == "length")
    ctx = respond._ctx("amazon", None, None, None, (), None)
    for i in range(6):
        r = dataclasses.replace(rule, basis=f"b{i}")
        assert respond._detect_length(r, "x", ctx)[0].basis == f"b{i}"
        assert len(respond._LENGTH_NOT_RUN) <= 2
