"""Issue 8, twentieth session (helper ``checks``): ``_segment_matches`` finds the literals by ``str.find``.

``rules._segment_matches(rx, starts, s)`` gives ``rx.finditer(s)`` for the phrase and word matchers whose
matches stay inside a segment and hold one of ``starts``' literals. The next literal is now the nearest
``str.find`` of each literal (``rules._STARTS_LITERALS``), each looked for again only once passed, instead of
``starts.search``. Checked against the regex path (switch ``_SEGMENT_FIND`` off) and ``rx.finditer`` on texts
built from the matchers' own literals, overlapping ones and segment ends.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R


def _segmented() -> list[tuple[str, object, object]]:
    out = []
    for rule in R.load_rules():
        if rule.detector in ("phrases", "compensated"):
            m = R._phrase_regex(rule.params["phrases"])
        elif rule.detector == "words":
            m = R._word_regex(rule.params["lexicon"])
        else:
            continue
        starts = R._segment_literals(m.lower)
        if starts is not None:
            out.append((rule.rule_id, m.lower, starts))
    return out


SEGMENTED = _segmented()
LITERALS = sorted({x for _, _, starts in SEGMENTED for x in R._STARTS_LITERALS[id(starts)][1]})
PIECES = (*LITERALS[:60], "in exchange for a", "in exchange for the", "in exchange for my honest review",
          "i received this free to review", "review", "reviewreview", "test", " ", ". ", "!", "?", "\n", "a", "the",
          "my", "honest", "product", "for", "in")


def _all(rx, starts, s: str, switch: bool) -> list[tuple[int, int, str]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_SEGMENT_FIND", switch)
        return [(m.start(), m.end(), m.group()) for m in R._segment_matches(rx, starts, s)]


def test_the_matchers_have_their_literals():
    assert len(SEGMENTED) >= 3
    for _, _, starts in SEGMENTED:
        pattern, lits = R._STARTS_LITERALS[id(starts)]
        assert pattern is starts and lits and {re.escape(x) for x in lits} == set(starts.pattern.split("|"))


@pytest.mark.parametrize("text", [
    "i got it in exchange for a review. in exchange for my honest review! test test",
    "reviewreview in exchange for the review\nin return for my review",
    "", "no literal here", "review", ". . review . .",
    "in exchange for a review", "in exchange for my opinion",  # a literal and a match at the start
    "i received this free to review. got it in exchange for a review",  # a later literal's match comes first
    "test it. i received this free to test. in return for my review",
])
def test_examples_equal_the_regex_path(text):
    for _, rx, starts in SEGMENTED:
        want = [(m.start(), m.end(), m.group()) for m in rx.finditer(text)]
        assert _all(rx, starts, text, True) == _all(rx, starts, text, False) == want


def test_the_examples_reach_the_compensated_matches():
    rx = R._phrase_regex(next(r for r in R.load_rules() if r.detector == "compensated").params["phrases"]).lower
    starts = R._segment_literals(rx)
    got = _all(rx, starts, "i received this free to review. got it in exchange for a review", True)
    assert [g for _, _, g in got] == ["received this free to review", "in exchange for a review"]
    assert _all(rx, starts, "in exchange for a review", True) == [(0, 24, "in exchange for a review")]
    assert _all(rx, starts, "in exchange for my opinion", True) == [(0, 26, "in exchange for my opinion")]


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from(PIECES), max_size=30), which=st.integers(0, 1000))
@example(parts=["in exchange for a", " ", "in exchange for the", " review", ". ", "review"], which=0)
def test_matches_equal_the_regex_path(parts, which):
    s = "".join(parts)
    _, rx, starts = SEGMENTED[which % len(SEGMENTED)]
    want = [(m.start(), m.end(), m.group()) for m in rx.finditer(s)]
    assert _all(rx, starts, s, True) == want
    assert _all(rx, starts, s, False) == want


def test_an_unknown_pattern_takes_the_regex():
    rx, starts = re.compile(r"b+c"), re.compile("b")  # not made by _literal_starts_of: no literals known
    assert id(starts) not in R._STARTS_LITERALS
    assert _all(rx, starts, "abbc. bc", True) == [(1, 4, "bbc"), (6, 8, "bc")]
