"""Issue 8, twentieth session (helper ``checks``): the phone detector's matcher remembers the tries phonenumbers
rejected.

``rules._bounded_phone_matcher``'s subclass answers a ``_parse_and_verify`` it has seen fail before (the same
candidate, default region and characters either side of it in the text) with None without parsing it again
(``rules._PHONE_REJECTED``). ``rules._phone_matches`` must still equal ``list(PhoneNumberMatcher(s, region,
leniency=VALID))`` whatever the memo holds: checked on texts that reuse candidates across contexts and regions,
with the memo kept from text to text, and through ``check_each_review``.
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

REGIONS = ("US", "GB", "DE", "CA", "JP")
# candidates valid in some regions and not others, and the characters around them the matcher's checks read
PIECES = ("415-867-5309", "030 1234 5678", "020 7946 0958", "310-1234", "03-1234-5678", "+44 20 7946 0958",
          "(212) 566-8082", "1871-1872", "2.14.2012", "6001 100", "3037975", "123-4567890-1234567",
          "a", "b", "x", "$", "%", "€", " ", ".", "-", "(", ")", "/", ":", "call ", "ext. 12", "\n", "4", "07")


def _plain(s: str, region: str) -> list[tuple[int, str, object]]:
    found = phonenumbers.PhoneNumberMatcher(s, region, leniency=phonenumbers.Leniency.VALID,
                                            max_tries=R._PHONE_MAX_TRIES)
    return [(m.start, m.raw_string, m.number) for m in found]


def _fast(s: str, region: str) -> list[tuple[int, str, object]]:
    return [(m.start, m.raw_string, m.number) for m in R._phone_matches(s, region)]


@pytest.fixture
def fresh_memo(monkeypatch):
    monkeypatch.setattr(R, "_PHONE_REJECTED", set())
    monkeypatch.setattr(R, "_PHONE_REJECT_MEMO", True)
    return R._PHONE_REJECTED


def test_memo_is_on_for_the_installed_phonenumbers():
    cls, _ = R._bounded_phone_matcher()
    assert "_parse_and_verify" in cls.__dict__
    code = phonenumbers.PhoneNumberMatcher._parse_and_verify.__code__
    assert frozenset(code.co_names) == R._PHONE_PARSE_AND_VERIFY_NAMES


def test_another_parse_and_verify_turns_the_memo_off(monkeypatch):
    monkeypatch.setattr(R, "_PHONE_PARSE_AND_VERIFY_NAMES", frozenset({"parse"}))
    cls, _ = R._bounded_phone_matcher.__wrapped__()
    assert "_parse_and_verify" not in cls.__dict__
    assert [m.raw_string for m in cls("call 415-867-5309", "US", 7)] == ["415-867-5309"]


def test_repeated_candidates_are_not_parsed_again(fresh_memo, monkeypatch):
    calls: list[str] = []
    base = phonenumbers.PhoneNumberMatcher._parse_and_verify

    def spy(self, candidate, offset):
        calls.append(candidate)
        return base(self, candidate, offset)

    monkeypatch.setattr(phonenumbers.PhoneNumberMatcher, "_parse_and_verify", spy)
    text = "made in 1871-1872 (reprint 3037975); call 415-867-5309"
    assert [raw for _, raw, _ in _fast(text, "US")] == ["415-867-5309"]
    first = list(calls)
    assert "1871-1872" in first and ("1871-1872", "US", " ", " ") in fresh_memo
    calls.clear()
    assert [raw for _, raw, _ in _fast(text, "US")] == ["415-867-5309"]
    assert calls == ["415-867-5309"]  # the accepted one is parsed every time, the rejected ones not again


@pytest.mark.parametrize("first, then, region", [
    ("abc415-867-5309", "abc 415-867-5309", "US"),  # the character before: a Latin letter rejects
    ("415-867-5309abc", "415-867-5309 abc", "US"),  # the character after
    ("$415-867-5309", "#415-867-5309", "US"),  # a currency symbol before rejects, "#" not
    ("call 030 1234 5678", "call 030 1234 5678", "DE"),  # rejected for US (run first below), valid for DE
])
def test_a_rejection_in_one_context_does_not_reject_another(fresh_memo, first, then, region):
    for s, r in ((first, "US"), (then, region)):
        assert _fast(s, r) == _plain(s, r)
    assert _plain(then, region)  # the second finds a number


def test_memo_starts_afresh_when_full(fresh_memo, monkeypatch):
    monkeypatch.setattr(R, "_PHONE_REJECTED_MAX", 3)
    text = "1871-1872, 2.14.2012, 6001 100, 3037975, 12-20-08, 30030-308"
    assert _fast(text, "US") == _plain(text, "US") == []
    assert 0 < len(fresh_memo) <= 3


_memo_kept: set = set()


@settings(max_examples=examples(70), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.tuples(st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
                                st.sampled_from(REGIONS)), min_size=1, max_size=4))
@example(texts=[("abc415-867-5309", "US"), ("abc 415-867-5309", "US")])
def test_matches_equal_the_plain_matcher_with_the_memo_kept(texts):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_PHONE_REJECTED", _memo_kept)  # kept across examples: candidates seen in other contexts
        mp.setattr(R, "_PHONE_REJECT_MEMO", True)
        for s, region in texts:
            assert _fast(s, region) == _plain(s, region)


def test_check_each_review_equals_the_plain_matcher(fresh_memo):
    texts = ["call 415-867-5309 or 1871-1872", "abc415-867-5309 and 1871-1872", "ring 030 1234 5678",
             "tel 030 1234 5678", "(212) 566-8082 / 2.14.2012", "x(212) 566-8082"]
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(texts))], "platform": "amazon",
                          "title": "", "text": texts,
                          "marketplace": ["amazon.com", "amazon.com", "amazon.com", "amazon.de", "amazon.com", None]})
    phone = [r for r in R.load_rules() if r.detector == "phone"]
    got = R.check_each_review(frame, rules=phone, prefilter=False)
    again = R.check_each_review(frame, rules=phone, prefilter=False)  # the memo full of this frame's rejections
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_phone_matches", lambda s, region: list(phonenumbers.PhoneNumberMatcher(
            s, region, leniency=phonenumbers.Leniency.VALID)))
        want = R.check_each_review(frame, rules=phone, prefilter=False)
    assert_frame_equal(got, want)
    assert_frame_equal(again, want)
    assert len(want.query("outcome == 'hit'")) >= 3
