"""The phone prefilter's extension rows: only where an extension can follow a candidate's number part (issue 8,
eighteenth session, helper ``checks_p``).

``PhoneNumberMatcher``'s candidates are its pattern's matches: lead characters, punctuation and digit blocks (all
inside one run of :class:`reviewtools.rules._PhoneBounds`), the last block's digit, then the optional extension.
A field where no decimal digit is followed right away by phonenumbers' extension pattern has no candidate with
an extension, so the run bound holds for it ("thx 2 u", "RX 480", "the next 100" are no longer kept for their
"x 2", "X 480", "ext 100"). These tests check that claim on the matcher's own pattern, the RE2 superset against
the Python pattern, the tighter per-text bound against the matcher, the column-wide prefilter against the per-text
bound, and the whole check with and without prefilters.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal
from phonenumbers import phonenumbermatcher as pm

from reviewtools import rules as R
from reviewtools.rules import check_each_review, load_rules, may_hold_phone_number

MARKETS = ("amazon.com", "amazon.de", "amazon.co.uk", "amazon.co.jp", "amazon.it", "amazon.in", None, "xx", "sm")
#: Digits and extension labels next to each other in every case, form and separator the pattern allows.
PIECES = ("1", "0", "5", "9", "12", "415", "867", "5309", "650", "253", "0000", "020", "7946", "12345678", "４",
          "٣", "८", "+", "＋", "(", ")", "-", ".", "/", " ", "\xa0", "\t", ",", ":", "．", "x", "X", "ｘ", "Ｘ",
          "e", "E", "ｅ", "xt", "XT", "ext", "Ext", "EXT", "ext.", "extn", "extension", "extensión", "extensio\u0301n",
          "extensió", "ＥＸＴ", "ｅｘｔｎ", "доб", "ДОБ", "ᲁᲂб", "anexo", "ANEXO", "int", "INT", "ınt", "İnt", "ｉｎｔ",
          ";ext=", ";EXT=", "#", "＃", "~", "～", "ſ", "tel:", "call ", "thx ", "RX ", "GTX ", "next ", "UPDATE",
          "a", "b", "😀", "\n", "$19.99", "8x10", "2 x 4", "No. 5")


def _phoneish() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=2)), max_size=14).map("".join)


def _re2_matches(text: str, pattern: str) -> bool:
    return bool(pc.match_substring_regex(pa.array([text], type=pa.large_string()), pattern)[0].as_py())


def _phone_rule() -> R.Rule:
    return next(r for r in load_rules() if r.detector == "phone" and "amazon" in r.platforms)


def test_the_attached_superset_is_built_for_the_installed_phonenumbers():
    assert R._re2_phone_extension_attached() is not None
    assert R._phone_extension_attached().pattern.startswith("\\d(?:")


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_phoneish())
@example("5 ext 1")
@example("5ext1")
@example("٣ ext 1")
@example("12 x 4")
@example("4 ;EXT=1")
@example("7 - 12#")
@example("7ｅｘｔ１")
def test_a_candidate_has_an_extension_only_right_after_a_digit(text):
    """Every match of the matcher's pattern from any position whose extension is there (one of its capturing
    groups took digits) is found by the attached pattern (Python) and by its RE2 superset."""
    attached = R._phone_extension_attached().search(text) is not None
    for i in range(len(text) + 1):
        m = pm._PATTERN.match(text, i)
        if m is not None and any(g is not None for g in m.groups()):
            assert attached, (text, m.group())
    if attached:
        assert _re2_matches(text, R._re2_phone_extension_attached()), text


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_phoneish(), market=st.sampled_from(MARKETS))
@example("Call 650-253-0000 ext 12", "amazon.com")
@example("thx 2 u, 650 253", "amazon.com")
def test_the_attached_bound_never_rules_out_what_the_matcher_finds(text, market):
    region = R.marketplace_region(market)
    if not may_hold_phone_number(text, region, attached=True):
        assert not list(phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID))
    if may_hold_phone_number(text, region, attached=True):
        assert may_hold_phone_number(text, region)  # tighter, never looser


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_phoneish(), _phoneish(), st.sampled_from(MARKETS)), min_size=1, max_size=12))
def test_column_wide_prefilter_keeps_every_row_the_attached_bound_keeps(rows):
    titles, texts, markets = (list(x) for x in zip(*rows))
    batch = R._Batch(titles, texts, markets, [None] * len(texts))
    mask = R._pre_phone(batch, _phone_rule(), ())
    shown = batch.match("joined", R._re2_phone_shown())
    for j, (ti, te, m) in enumerate(rows):
        enough = [f for f in (ti, te) if len(f) - len(f.translate(R._DIGIT_DELETE)) >= R.PHONE_MIN_DIGITS]
        if shown[j] and any(may_hold_phone_number(f, R.marketplace_region(m), attached=True) for f in enough):
            assert mask[j], (ti, te, m)


def test_unattached_extension_words_no_longer_keep_a_row():
    texts = ["Cheaper than a GTX 1070, the HD 480 (2 3 4) was $199.99", "thx 2 u, 3 stars (4.5/5), 10 pcs",
             "Call 650-253-0000 ext 12", "Box of 8x10 frames (12 34 56)", "for the next 100 years (1 2 3 4)",
             "ordered 2 (3 5 7 9), # 5 and 6 8"]
    batch = R._Batch([""] * len(texts), texts, ["amazon.com"] * len(texts), [None] * len(texts))
    mask = R._pre_phone(batch, _phone_rule(), ())
    assert mask.tolist() == [False, False, True, True, False, False]
    old = np.asarray(pc.match_substring_regex(pa.array(texts), R._re2_phone_extension()))
    assert old.tolist() == [True, True, True, True, True, True]  # all kept before, for their extension words


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_phoneish(), _phoneish(), st.sampled_from(MARKETS)), min_size=1, max_size=10))
def test_check_each_review_with_and_without_prefilters(rows):
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(rows))], "platform": "amazon",
                          "title": [r[0] for r in rows], "text": [r[1] for r in rows],
                          "marketplace": [r[2] for r in rows]})
    phone = [r for r in load_rules() if r.detector == "phone"]
    assert_frame_equal(check_each_review(frame, rules=phone), check_each_review(frame, rules=phone, prefilter=False))


def test_ignorecase_folds_of_the_optional_e():
    """The optional leading "e" (ASCII or fullwidth) matches only its two cases under Python's IGNORECASE."""
    for c in ("e", "\uff45"):
        got = {chr(o) for o in range(0x110000) if re.fullmatch(re.escape(c), chr(o), re.IGNORECASE)}
        assert got == {c, c.upper()}
