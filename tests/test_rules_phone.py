"""The phone-number prefilter of ``check_each_review`` never changes a result (issue 8).

The prefilter keeps a row only when phonenumbers could find a number in it: an extension (a superset of
phonenumbers' own extension pattern, in RE2) or a run of candidate characters with enough digits for a valid
number of the marketplace's region (bounds from phonenumbers' metadata). These tests check the bound against
``PhoneNumberMatcher`` itself on adversarial text, the column-wide (numpy, RE2) form against the per-text Python
form, and the whole check with and without prefilters.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal

from reviewtools import rules as R
from reviewtools.rules import check_each_review, load_rules, may_hold_phone_number

MARKETS = ("amazon.com", "amazon.de", "amazon.co.uk", "amazon.co.jp", "amazon.it", "amazon.in", None, "xx", "sm")
PIECES = ("Call ", "call me on ", "+", "＋", "(", ")", "[", "-", "‐", ".", "/", " ", "  ", "\xa0", "x", "X", "ext.",
          "Ext ", "extension ", "extensión ", "extensio\u0301n ", "#", "＃", "~", "int ", "ınt ", "ſ", ";ext=",
          "415", "867", "5309", "020", "7946", "0958", "030", "12345678", "0044", "011", "001", "00", "1", "0", "9",
          "310", "268", "0549", "４１５", "٣٤٥", "८", "ｘ", "ｅｘｔ", "доб", "anexo", "$19.99", "2 x 4", "8x10",
          "#1", "No. 5", "ISBN 978-3-16-148410-0", "2019-05-04 10:30", "3/10/2011", "123-4567890-1234567", "a", "b",
          "Great", "’", "😀", "\n", ",", ":", "tel:")


def _phoneish() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=16).map("".join)


def _batch(titles: list[str], texts: list[str], markets: list[str | None]) -> R._Batch:
    return R._Batch(titles, texts, markets, [None] * len(texts))


def _phone_rule() -> R.Rule:
    return next(r for r in load_rules() if r.detector == "phone" and "amazon" in r.platforms)


def test_extension_superset_is_written_for_the_installed_phonenumbers():
    from phonenumbers import phonenumberutil as pu

    assert pu._EXTN_PATTERNS_FOR_MATCHING == R._PHONE_EXT_PATTERN
    assert R._re2_phone_extension() is not None and R._phone_bounds() is not None


def test_fold_extras_cover_every_character_ignorecase_matches_to_a_label_letter():
    letters = sorted({c for lab in R._PHONE_EXT_LABELS for c in lab})
    any_letter = re.compile("[" + re.escape("".join(letters)) + "]", re.IGNORECASE)
    candidates = [chr(o) for o in range(0x80, 0x110000) if any_letter.fullmatch(chr(o))]
    for c in letters:
        extra = {x for x in candidates if x not in (c, c.upper(), c.lower()) and re.fullmatch(re.escape(c), x, re.I)}
        assert extra <= set(R._FOLD_EXTRA.get(c.lower(), "")), (c, extra)


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_phoneish())
def test_extension_superset_matches_wherever_phonenumbers_extension_does(text):
    ext = re.compile(R._PHONE_EXT_PATTERN, re.IGNORECASE | re.UNICODE)
    if ext.search(text):
        assert pc.match_substring_regex(pa.array([text]), R._re2_phone_extension())[0].as_py(), text


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_phoneish(), market=st.sampled_from(MARKETS))
def test_bound_never_rules_out_what_the_matcher_finds(text, market):
    region = R.marketplace_region(market)
    if not may_hold_phone_number(text, region):
        assert not list(phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_phoneish(), _phoneish(), st.sampled_from(MARKETS)), min_size=1, max_size=12))
def test_column_wide_prefilter_keeps_every_row_the_python_bound_keeps(rows):
    titles, texts, markets = (list(x) for x in zip(*rows))
    batch = _batch(titles, texts, markets)
    mask = R._pre_phone(batch, _phone_rule(), ())
    shown = batch.match("joined", R._re2_phone_shown())  # the last pass: a number shown formatted or cued
    for j, (ti, te, m) in enumerate(rows):
        enough = [f for f in (ti, te) if len(f) - len(f.translate(R._DIGIT_DELETE)) >= R.PHONE_MIN_DIGITS]
        # the prefilter's bound: an extension counts only right after a digit (test_rules18_phone_attached.py)
        if shown[j] and any(may_hold_phone_number(f, R.marketplace_region(m), attached=True) for f in enough):
            assert mask[j], (ti, te, m)


@pytest.mark.skipif(R._checks_core() is None, reason="the native core is not built (or REVIEWTOOLS_PURE_PYTHON=1)")
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_phoneish(), _phoneish(), st.sampled_from(MARKETS), st.booleans(),
                               st.integers(0, 12)), min_size=1, max_size=12))
def test_native_run_reach_equals_the_numpy_blocks(rows):
    """The runs' digit reach by ``class_counts`` (largest weight sum over a stretch of run bytes, on the chosen
    rows only) equals the numpy blocks', long runs across the native pass's 32-byte blocks included."""
    titles = [r[0] for r in rows]
    texts = [r[1] * (1 + 3 * r[3]) for r in rows]
    need = np.array([r[4] for r in rows], dtype=np.int64)
    chosen = np.array([r[3] or j % 2 == 0 for j, r in enumerate(rows)])
    got = R._phone_runs_reach(_batch(titles, texts, [r[2] for r in rows]), need, chosen)
    saved = R._checks_core
    R._checks_core = lambda: None
    try:
        want = R._phone_runs_reach(_batch(titles, texts, [r[2] for r in rows]), need, chosen)
    finally:
        R._checks_core = saved
    np.testing.assert_array_equal(got, want)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_phoneish(), _phoneish(), st.sampled_from(MARKETS)), min_size=1, max_size=10))
def test_check_each_review_with_and_without_prefilters_on_phone_text(rows):
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(rows))], "platform": "amazon",
                          "title": [r[0] for r in rows], "text": [r[1] for r in rows],
                          "marketplace": [r[2] for r in rows]})
    phone = [r for r in load_rules() if r.detector == "phone"]
    assert_frame_equal(check_each_review(frame, rules=phone), check_each_review(frame, rules=phone, prefilter=False))


def test_prefilter_rules_out_prices_and_keeps_numbers():
    texts = ["Paid $19.99 for 2 packs, 3 stars, 4.5 oz, 10 pcs", "Call me on 415-867-5309 please 1 2 3",
             "Box of 8x10 frames 12 34 56", "ring 030 1234 5678"]
    mask = R._pre_phone(_batch([""] * 4, texts, ["amazon.com"] * 3 + ["amazon.de"]), _phone_rule(), ())
    assert mask.tolist() == [False, True, True, True]  # the third: "8x10" could be an extension ("x 10")


@pytest.mark.parametrize("region", ["US", "GB", "DE", "JP", "IT", "SM", "AG"])
def test_region_bounds_are_at_most_every_valid_example_number(region):
    """phonenumbers' own example numbers of every type, written in national and international format."""
    need = R.phone_digits_needed(region, plus=False)
    for ntype in range(12):
        ex = phonenumbers.example_number_for_type(region, ntype)
        if ex is None:
            continue
        national = phonenumbers.format_number(ex, phonenumbers.PhoneNumberFormat.NATIONAL)
        assert sum(c.isdigit() for c in national) >= need, (region, national)
        intl = phonenumbers.format_number(ex, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        assert sum(c.isdigit() for c in intl) >= R.phone_digits_needed(region, plus=True), (region, intl)


def test_unknown_region_uses_the_smallest_bound():
    b = R._phone_bounds()
    assert R.phone_digits_needed("ZZ", plus=False) == b.unknown == min([b.plus, *b.region.values()])
    assert R.phone_digits_needed(None, plus=True) <= b.plus
    assert np.all(np.array(list(b.region.values())) >= b.unknown)


def test_re2_unicode_digits_include_every_python_digit():
    digits = [chr(o) for o in range(0x110000) if re.fullmatch(r"\d", chr(o))]
    got = pc.match_substring_regex(pa.array(digits), r"^\p{Nd}$").to_pylist()
    assert all(got), [hex(ord(d)) for d, ok in zip(digits, got) if not ok]


ADDRESS_EMAIL_PIECES = ("221", "1600", "12b", " ", "\xa0", "\u2003", "\n", "Baker", "N", "N.", "Elm", "5th", "Street",
                        "St", "St.", "Stars", "Ave", "Way", "Close", "Drive", "Dr", "_", "é", "Straße", "I live at ",
                        "ship to ", "a.b", "@", "example", ".", "co", "uk", "com", "-", "+", "%", "x", "Ü", "1")


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(*(st.lists(st.sampled_from(ADDRESS_EMAIL_PIECES), max_size=12).map("".join),) * 2),
                     min_size=1, max_size=10))
def test_address_and_email_prefilters_never_change_the_result(rows):
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(rows))], "platform": "amazon",
                          "title": [r[0] for r in rows], "text": [r[1] for r in rows], "marketplace": "amazon.com"})
    chosen = [r for r in load_rules() if r.detector in ("street_address", "email")]
    assert_frame_equal(check_each_review(frame, rules=chosen), check_each_review(frame, rules=chosen, prefilter=False))


_PHONE_PIECES = st.sampled_from(
    ["415", "867", "5309", "4158675309", "+1", "+44", "(415)", " ", "-", ".", "\u00a0", "call", "Call me", "TEXT",
     "ph", "phone:", "ring", "reach me at", "number is", "x", "ext", "٣", "é", "order", "112-4456789-1234567",
     "020 7946 0958", "0800 123 4567", "1-800-555-0199", "model", "B07", "serial"])


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PHONE_PIECES, max_size=10).map("".join), min_size=1, max_size=6),
       st.sampled_from(["amazon.com", "amazon.co.uk", "amazon.de", None]))
def test_shown_numbers_pass_keeps_every_row_with_a_finding(texts, market):
    """The phone prefilter's last pass (a formatted number or a cue, read on ASCII) drops no row the detector
    reports, and frames equal the per-review loop."""
    import pandas as pd

    rules = [r for r in R.load_rules() if r.detector == "phone"]
    f = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(texts))], "platform": "amazon",
                      "marketplace": market, "title": "", "text": texts})
    pd.testing.assert_frame_equal(R.check_each_review(f, rules=rules),
                                  R.check_each_review(f, rules=rules, prefilter=False))
