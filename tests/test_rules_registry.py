"""Walk the guideline-rule registry: every rule is cited and its own hit/miss examples behave as stated."""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd
import pytest

from reviewtools.rules import (
    CATEGORIES,
    DETECTORS,
    SET_DETECTORS,
    Rule,
    check_reviews,
    load_lexicon,
    load_phrases,
    load_rules,
)
from reviewtools.schema import PLATFORMS

RULES = load_rules()


def _frame_for(rule: Rule, example) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """An example is a text, a dict of review fields (+ ``competitors``), or ``{"frame": [reviews]}``."""
    platform = rule.platforms[0]
    if isinstance(example, str):
        example = {"text": example}
    example = dict(example)
    if "frame" in example:
        return pd.DataFrame([dict(r, platform=platform) for r in example["frame"]]), ()
    competitors = tuple(example.pop("competitors", ()))
    example.setdefault("review_id", "ex")
    example.setdefault("platform", platform)
    if platform == "amazon":
        example.setdefault("marketplace", "amazon.com")
    return pd.DataFrame([example]), competitors


def _cases(kind: str):
    for r in RULES:
        for i, ex in enumerate(r.hit_examples if kind == "hit" else r.miss_examples):
            yield pytest.param(r, ex, id=f"{r.rule_id}-{kind}{i}")


def test_registry_is_not_empty_and_covers_every_category():
    assert len(RULES) > 50
    assert {r.category for r in RULES} == set(CATEGORIES)
    assert {r.category for r in RULES if "amazon" in r.platforms} == set(CATEGORIES)


def test_every_platform_has_rules():
    covered = {p for r in RULES for p in r.platforms}
    assert covered == set(PLATFORMS)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.rule_id)
def test_rule_record_is_complete(rule: Rule):
    assert re.fullmatch(r"(AMZ|GGL|TP|YELP|GEN)-[A-Z0-9-]+", rule.rule_id)
    assert rule.category in CATEGORIES
    assert rule.platforms and set(rule.platforms) <= set(PLATFORMS)
    assert len(rule.clause) > 10
    assert rule.source_url.startswith(("https://", "reference:"))
    assert rule.strength in ("strong", "weak")
    assert rule.detector in DETECTORS or rule.detector in SET_DETECTORS
    assert rule.hit_examples, "every rule needs at least one hit example"
    assert rule.miss_examples, "every rule needs at least one miss example"
    assert rule.last_checked.year >= 2025
    if not rule.verified:
        assert not rule.removal_basis, "a clause the reference marks unverified cannot be a removal basis"
        assert "unverified" in rule.clause.lower()


@pytest.mark.parametrize(("rule", "example"), list(_cases("hit")))
def test_hit_examples_hit(rule: Rule, example):
    frame, competitors = _frame_for(rule, example)
    out = check_reviews(frame, rules=[rule], competitors=competitors)
    hits = out[(out.rule_id == rule.rule_id) & (out.outcome == "hit")]
    assert len(hits), f"{rule.rule_id} should hit {example!r}; got {out.to_dict('records')}"
    for h in hits.itertuples():
        row = frame[frame.review_id.astype(str) == h.review_id].iloc[0]
        assert str(row[h.field])[h.start:h.end] == h.evidence


@pytest.mark.parametrize(("rule", "example"), list(_cases("miss")))
def test_miss_examples_miss(rule: Rule, example):
    frame, competitors = _frame_for(rule, example)
    out = check_reviews(frame, rules=[rule], competitors=competitors)
    hits = out[(out.rule_id == rule.rule_id) & (out.outcome == "hit")]
    assert hits.empty, f"{rule.rule_id} should not hit {example!r}; got {hits.evidence.tolist()}"


def test_rule_ids_are_stable_across_platform_packs():
    """The same check keeps the same suffix on every platform (AMZ-PRIVATE-PHONE, GGL-PRIVATE-PHONE...)."""
    by_suffix: dict[str, set[str]] = {}
    for r in RULES:
        by_suffix.setdefault(r.rule_id.split("-", 1)[1], set()).add(r.detector)
    assert all(len(d) == 1 for d in by_suffix.values()), by_suffix


def test_every_rules_resource_file_is_used():
    folder = resources.files("reviewtools.resources").joinpath("rules")
    phrases = {p.name[:-4] for p in folder.joinpath("phrases").iterdir() if p.name.endswith(".txt")}
    lexicons = {p.name[:-4] for p in folder.joinpath("lexicons").iterdir() if p.name.endswith(".txt")}
    for name in phrases:
        assert load_phrases(name), name
        for p in load_phrases(name):
            re.compile(p)
    for name in lexicons:
        assert load_lexicon(name), name


def test_mild_words_never_reach_the_obscene_tier():
    mild = set(load_lexicon("profanity_mild"))
    obscene = set(load_lexicon("profanity_obscene"))
    assert {"damn", "hell", "crap", "crappy", "sucks", "pissed"} <= mild
    assert not (mild & obscene)
    for ambiguous in ("ass", "cock", "dick", "hell", "screw", "nipple", "weed", "kill", "stupid"):
        assert ambiguous not in obscene
