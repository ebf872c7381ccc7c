"""Issue 8, fourteenth session (helper ``checks``): a phrase pattern runs only on the text's segments that can hold
a match, and a sentence search only where one of the pattern's required literals is.

A phrase pattern none of whose matches can hold sentence punctuation (``rules._SEGMENT_ENDS``) and which reads no
text past its match but the next character (``rules._stays_in_segment``) has every match inside one segment
between them, and every match holds one of its alternatives' most selective literals
(``rules._segment_literals``). ``rules._segment_matches`` runs the pattern only on the segments holding such a
literal: it must give exactly ``pattern.finditer(text)``. ``_Matcher.search_in`` (the seller-feedback detector's
per-sentence searches) answers False without the pattern's search when none of those literals
(``rules._literal_starts``) is in the text. Checked here on the pattern analysis itself, on text made of the
phrase lists' own matches, punctuation and noise, and through ``check_each_review``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal

from reviewtools import rules as R

LISTS = sorted(p.stem for p in (Path(R.__file__).parent / "resources" / "rules" / "phrases").glob("*.txt"))
NOISE = (" ", "  ", "\n", ".", "!", "?", "...", "?!", ". ", "! ", "? ", ",", "'", "-", "I", "i", "a", "the ",
         "review", "reviews", "free", "for", "my ", "honest ", "exchange", "in ", "received ", "this product ",
         "x", "é", "\u00a0", "_", "$5", "20%", "reviewed.", ".review", "free.", "!free", "?review")


@pytest.mark.parametrize("pattern, stays", [
    (r"\bfree\s+(?:\w+\s+){0,3}?review\b", True),
    (r"(?<![\w.])paid[^.!?\n]{0,40}?\bto review", True),
    (r"\$\d+ off|\bcode\s+[a-z0-9]+", True),
    (r"a.b", False),  # any character: a "." too
    (r"a[^x]b", False),
    (r"a\Sb", False),
    (r"a\Wb", False),
    (r"a[.]b", False),
    (r"a\.b", False),
    (r"wow!", False),
    (r"a[!-/]", False),  # a range holding "!" and "."
    (r"a(?=b)", False),  # a look-ahead reads past the match
    (r"a(?!b)", False),
    (r"a$", False),
    (r"a\Z", False),
    (r"(a)\1", False),
    (r"(?i:a)b", False),  # inline flags: not analysed
    (r"^a\b", True),
    (r"(?<=x)a\B", True),
])
def test_stays_in_segment(pattern, stays):
    sp = R._parser()
    assert R._stays_in_segment(sp.parse(pattern, 0), R._SEGMENT_ENDS, sp) is stays


def test_segment_literals_only_for_patterns_that_stay_and_need_a_literal():
    assert R._segment_literals(re.compile(r"in exchange for (?:my|a) review\b")) is not None
    assert R._segment_literals(re.compile(r"(?:review)?")) is None  # no literal needed (and may match "")
    assert R._segment_literals(re.compile(r"great(?= product)")) is None
    assert R._segment_literals(re.compile(r"great product", re.IGNORECASE)) is None
    assert R._segment_literals(re.compile(r"sold.out")) is None


def test_compensated_and_the_lists_that_stay_have_a_plan():
    planned = {name for name in LISTS if R._segment_literals(R._phrase_regex(name).lower) is not None}
    assert {"compensated", "threat", "dangerous", "hate_hostile"} <= planned


def _spans(found) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in found]


@st.composite
def _text(draw, pattern: str) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(NOISE), st.from_regex(pattern, fullmatch=True),
                                    st.text(max_size=4)), max_size=12))
    return "".join(parts)


@pytest.mark.parametrize("name", LISTS)
def test_segment_matches_equal_finditer(name):
    rx = R._phrase_regex(name).lower
    starts = R._segment_literals(rx)
    if starts is None:
        pytest.skip(f"{name}: no segment plan")

    @settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.filter_too_much])
    @given(text=_text(rx.pattern))
    def check(text):
        assert _spans(R._segment_matches(rx, starts, text)) == _spans(rx.finditer(text))

    check()


@pytest.mark.parametrize("text", [
    "", ".", "free. in exchange for my honest review", "in exchange for my honest review.in exchange for a review",
    "i received it free. i was given this free to review! in return for my review?",
    "got this free to review", "paid.to write a review", "?in exchange for my review!", "review" * 3 + ".",
    "the seller offered me a refund to change my review", "the seller offered me a refund. to change my review",
])
def test_compensated_examples(text):
    rx = R._phrase_regex("compensated").lower
    starts = R._segment_literals(rx)
    assert _spans(R._segment_matches(rx, starts, text)) == _spans(rx.finditer(text))


def _frame(rows: list[tuple[str, str, bool | None]]) -> pd.DataFrame:
    return pd.DataFrame({"review_id": [f"r{i}" for i in range(len(rows))], "platform": "amazon",
                         "title": [r[0] for r in rows], "text": [r[1] for r in rows],
                         "marketplace": "amazon.com", "vine": [r[2] for r in rows]})


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rows=st.lists(st.tuples(_text(R._phrase_regex("compensated").anycase.pattern),
                               _text(R._phrase_regex("compensated").anycase.pattern),
                               st.sampled_from([None, False])), min_size=1, max_size=6))
@example(rows=[("Free!", "I received this product FREE in exchange for my honest review. Great.", None)])
def test_check_each_review_equals_the_whole_text_scan(rows):
    rules = [r for r in R.load_rules() if r.detector in ("compensated", "phrases")]
    frame = _frame(rows)
    got = R.check_each_review(frame, rules=rules)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_segment_literals", lambda rx: None)
        want = R.check_each_review(frame, rules=rules)
    assert_frame_equal(got, want)


MATCHERS = {**{name: R._phrase_regex(name) for name in LISTS}, "lexicon:evaluative": R._word_regex("evaluative")}


@pytest.mark.parametrize("name", sorted(MATCHERS))
def test_search_in_equals_the_pattern_search(name):
    m = MATCHERS[name]
    if m.lower is None or R._literal_starts(m.lower) is None:
        pytest.skip(f"{name}: no literals")

    @settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.filter_too_much])
    @given(text=_text(m.lower.pattern))
    def check(text):
        assert m.search_in(text, text) is (m.lower.search(text) is not None)

    check()


def test_search_in_skips_the_search_without_a_literal(monkeypatch):
    m = R._phrase_regex("logistics")
    assert R._literal_starts(m.lower) is not None
    calls = []

    class Spy:
        def __init__(self, rx):
            self.rx, self.pattern, self.flags = rx, rx.pattern, rx.flags

        def search(self, s):
            calls.append(s)
            return self.rx.search(s)

    spy = m._replace(lower=Spy(m.lower))
    monkeypatch.setattr(R, "_literal_starts", lambda rx: R._literal_starts_of(m.lower))
    assert not spy.search_in("the colour is lovely", "the colour is lovely") and calls == []
    assert spy.search_in("fast shipping", "fast shipping") and calls == ["fast shipping"]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rows=st.lists(st.tuples(_text(R._phrase_regex("logistics").anycase.pattern),
                               _text(R._phrase_regex("logistics").anycase.pattern),
                               st.sampled_from([None, False])), min_size=1, max_size=6))
@example(rows=[("Fast shipping", "Arrived fast. Great seller! The product is fine.", None)])
def test_seller_feedback_equals_the_plain_searches(rows):
    rules = [r for r in R.load_rules() if r.detector == "seller_feedback"]
    frame = _frame(rows)
    got = R.check_each_review(frame, rules=rules)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_literal_starts", lambda rx: None)
        want = R.check_each_review(frame, rules=rules)
    assert_frame_equal(got, want)
