"""Issue 8, fourteenth session (helper ``checks``): the phone detector does not parse candidates too short to
hold a valid number.

``rules._phone_matches(s, region)`` must equal ``list(PhoneNumberMatcher(s, region, leniency=VALID))``: the
subclass (``rules._bounded_phone_matcher``) returns no match for a candidate of the matcher's pattern with fewer
digit-like characters (ASCII letters and digits, any non-ASCII character) than ``phone_digits_needed``, where the
matcher would parse it and its inner matches and find nothing valid. The skipped tries are bounded, so when
``max_tries`` could have run out the plain matcher runs again. Checked here against the plain matcher on
adversarial text, with tiny ``max_tries`` too, and through ``check_each_review``.
"""

from __future__ import annotations

import phonenumbers
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal

from reviewtools import rules as R

REGIONS = ("US", "GB", "DE", "JP", "IT", "IN", "BR", "SM", "AG", "CA", "FR", "AU")
MARKETS = ("amazon.com", "amazon.de", "amazon.co.uk", "amazon.co.jp", "amazon.it", "amazon.in", None, "xx", "sm")
PIECES = ("Call ", "call me on ", "+", "＋", "(", ")", "[", "]", "-", "‐", ".", "/", "//", " ", "  ", "\xa0", "x", "X",
          "ext.", "Ext ", "extension ", "anexo ", "#", "＃", "~", "int ", ";ext=", " - ", "— ", "...", "\t",
          "415", "867", "5309", "020", "7946", "0958", "030", "12345678", "0044", "011", "001", "00", "1", "0", "9",
          "310", "1234", "268", "0549", "４１５", "٣٤٥", "८", "ｘ", "ｅｘｔ", "доб", "$19.99", "2 x 4", "8x10", "%",
          "#1", "No. 5", "ISBN 978-3-16-148410-0", "2019-05-04 10:30", "10:30", ":45", "3/10/2011", "211-227 (2003)",
          "123-4567890-1234567", "1-800-FLOWERS", "a", "b", "Great", "€", "😀", "\n", ",", ":", "tel:")


def _phoneish() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=20).map("".join)


def _plain(s: str, region: str, max_tries: int = R._PHONE_MAX_TRIES) -> list[tuple[int, str, object]]:
    found = phonenumbers.PhoneNumberMatcher(s, region, leniency=phonenumbers.Leniency.VALID, max_tries=max_tries)
    return [(m.start, m.raw_string, m.number) for m in found]


def _fast(s: str, region: str) -> list[tuple[int, str, object]]:
    return [(m.start, m.raw_string, m.number) for m in R._phone_matches(s, region)]


def test_bounded_matcher_is_built_for_the_installed_phonenumbers():
    assert R._bounded_phone_matcher() is not None


@pytest.mark.parametrize("text, region, want", [
    ("Paid $19.99 on 3/10, call 415-867-5309", "US", ["415-867-5309"]),
    ("call 310-1234", "US", ["310-1234"]),  # Canada's UAN: a valid number with exactly the 7 digits US needs
    ("ring 030 1234 5678", "DE", ["030 1234 5678"]),
    ("+44 20 7946 0958 or 020 7946 0958", "GB", ["+44 20 7946 0958", "020 7946 0958"]),
    ("order 123-4567890-1234567, 2 x 4, 8x10", "US", []),
])
def test_examples_equal_the_plain_matcher(text, region, want):
    assert [raw for _, raw, _ in _fast(text, region)] == want == [raw for _, raw, _ in _plain(text, region)]


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_phoneish(), region=st.sampled_from(REGIONS))
@example(text="call 310-1234", region="US")
@example(text="1-800-FLOWERS ext 12 x 3456789", region="US")
def test_matches_equal_the_plain_matcher(text, region):
    assert _fast(text, region) == _plain(text, region)


def test_short_candidates_are_not_parsed(monkeypatch):
    cls, _ = R._bounded_phone_matcher()
    parsed: list[str] = []
    base = phonenumbers.PhoneNumberMatcher._extract_match

    def spy(self, candidate, offset):
        parsed.append(candidate)
        return base(self, candidate, offset)

    monkeypatch.setattr(phonenumbers.PhoneNumberMatcher, "_extract_match", spy)
    text = "2 packs for $19.99, 3 stars, 4.5 oz; call 415-867-5309 (10 pcs)"
    matcher = cls(text, "US", R.phone_digits_needed("US", plus=False))
    assert [m.raw_string for m in matcher] == ["415-867-5309"]
    assert parsed == ["415-867-5309 (10"]  # the only candidate with 7 digit-like characters
    assert matcher.skipped == sum(len(c) + 1 for c in ("2", "19.99", "3", "4.5", "(10"))


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_phoneish(), region=st.sampled_from(REGIONS), max_tries=st.integers(1, 40))
@example(text="1 2 3 4 5 6, " * 4 + "call 415-867-5309", region="US", max_tries=10)
def test_matches_equal_the_plain_matcher_when_tries_run_out(text, region, max_tries):
    """With a tiny ``max_tries`` the bound on the skipped candidates' tries sends such texts to the plain
    matcher: the matches are still those of the plain matcher with that ``max_tries``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_PHONE_MAX_TRIES", max_tries)
        assert _fast(text, region) == _plain(text, region, max_tries)


def test_tries_bound_sends_a_text_to_the_plain_matcher(monkeypatch):
    # Each "1 2 3 4 5 6" costs the plain matcher 7 tries (the whole, then its spaces' inner matches), the
    # bounded one 1: with 10 tries only the plain matcher runs out before the number.
    text = "1 2 3 4 5 6, " * 4 + "call 415-867-5309"
    assert _plain(text, "US", 10) == []
    assert [raw for _, raw, _ in _plain(text, "US")] == ["415-867-5309"]
    cls, _ = R._bounded_phone_matcher()
    monkeypatch.setattr(R, "_PHONE_MAX_TRIES", 10)
    assert [m.raw_string for m in cls(text, "US", 7)] == ["415-867-5309"]
    assert _fast(text, "US") == []


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_phoneish(), _phoneish(), st.sampled_from(MARKETS)), min_size=1, max_size=10))
def test_check_each_review_equals_the_plain_matcher(rows):
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(rows))], "platform": "amazon",
                          "title": [r[0] for r in rows], "text": [r[1] for r in rows],
                          "marketplace": [r[2] for r in rows]})
    phone = [r for r in R.load_rules() if r.detector == "phone"]
    got = R.check_each_review(frame, rules=phone, prefilter=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_phone_matches", lambda s, region: list(phonenumbers.PhoneNumberMatcher(
            s, region, leniency=phonenumbers.Leniency.VALID)))
        want = R.check_each_review(frame, rules=phone, prefilter=False)
    assert_frame_equal(got, want)
