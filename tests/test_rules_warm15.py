"""The checks warm themselves on their rules' own examples once per (platform, rule set) and process
(rules._warm_plan): only caches change, never a result (issue 8, fifteenth session)."""

from __future__ import annotations

import pandas as pd
import pytest

import reviewtools.rules as R
from reviewtools.rules import check_each_review, load_rules

TEXTS = [
    "Call me at (206) 555-0143 and I'll tell you more.",
    "Way cheaper at Walmart, found it for less at Target too.",
    "I received this product free in exchange for my honest review.",
    "The seller never shipped my order and customer service was rude.",
    "Great blender, crushes ice fine.",
    "Visit www.example.com now!!!!!!",
]


def _frame(platform: str = "amazon") -> pd.DataFrame:
    n = len(TEXTS)
    return pd.DataFrame({"review_id": [f"r{i}" for i in range(n)], "platform": [platform] * n,
                         "marketplace": ["amazon.com"] * n, "text": TEXTS})


def test_example_frame_holds_every_example():
    rules = R._rules_per_platform(load_rules())["amazon"]
    f = R._example_frame("amazon", rules)
    n = sum(len(ex.get("frame", (ex,))) if not isinstance(ex, str) else 1
            for r in rules for ex in (*r.hit_examples, *r.miss_examples))
    assert len(f) == n and set(f.platform) == {"amazon"}
    assert {"review_id", "title", "text", "marketplace", "vine"} <= set(f.columns)
    texts = {ex if isinstance(ex, str) else ex.get("text") for r in rules for ex in (*r.hit_examples, *r.miss_examples)}
    assert texts - {None} <= set(f.text)


@pytest.mark.parametrize("platform", ["amazon", "google", "yelp"])
def test_warmed_result_equals_unwarmed_and_reference(monkeypatch, platform):
    """A cold process (no warm-up: _warm_plan's set pretends every pair is warmed) and a warming one give the
    same frame, which is the per-review reference loop's."""
    f = _frame(platform)
    monkeypatch.setattr(R, "_WARMED", set())
    warmed = check_each_review(f)
    assert any(k[0] == platform for k in R._WARMED)

    class _All(set):
        def __contains__(self, key: object) -> bool:
            return True

    monkeypatch.setattr(R, "_WARMED", _All())
    cold = check_each_review(f)
    pd.testing.assert_frame_equal(warmed, cold)
    pd.testing.assert_frame_equal(warmed, check_each_review(f, prefilter=False))


def test_warm_runs_once_per_platform_and_rule_set(monkeypatch):
    monkeypatch.setattr(R, "_WARMED", set())
    calls = []
    real = R._example_frame

    def spy(platform, rules):
        calls.append((platform, len(rules)))
        return real(platform, rules)

    monkeypatch.setattr(R, "_example_frame", spy)
    f = _frame()
    check_each_review(f)
    check_each_review(f, competitors=("Walmart",))  # competitors do not make another warm-up
    assert calls == [("amazon", len(R._rules_per_platform(load_rules())["amazon"]))]
    one = [r for r in load_rules() if r.rule_id == "AMZ-PRIVATE-PHONE"]
    check_each_review(f, rules=one)
    check_each_review(f, rules=one)
    assert calls[1:] == [("amazon", 1)]


def test_warm_set_is_bounded(monkeypatch):
    monkeypatch.setattr(R, "_WARMED", {("x", (str(i),)) for i in range(R._WARMED_MAX)})
    check_each_review(_frame())
    assert len(R._WARMED) == 1


def test_literal_set_pattern_is_the_escaped_alternation():
    lits = frozenset({"a.b", "c", "(d)", "é"})
    assert R._re2_literal_set(lits) == "|".join(R._re2_escape(s) for s in sorted(lits))
    assert R._re2_literal_set(lits) is R._re2_literal_set(frozenset(set(lits)))
