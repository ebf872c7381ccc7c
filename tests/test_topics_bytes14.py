"""The native ``topic_tried`` judges a match of a one-byte (Latin-1) text on the text's bytes (fourteenth
session, helper ``topics``): the clause's tokens as spans with C tables of the lexicon's word sets, no str per
token. Its verdicts equal the str path's (the same word sets as frozenset subclasses, which it does not read as
tables; and texts with a wider character, which it leaves to the str path) and those of the Python judge, on
Latin-1 texts full of negators, quantified negators, "not a"/"no" before a not-quantifier, clause breaks, cue
words, apostrophes and marks."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_native import COMPLAINT_WORDS, MARKER_WORDS, VERDICT_WORDS, _judged_agree

from reviewtools import topics
from reviewtools.vader import native_module

CORE = native_module()
needs_tried = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_tried"),
                                 reason="the native core (reviewtools._vadercore) is not built here")

LEX = topics._lexicon()
IX = topics._phrase_index(None)
M = topics._matcher(None)
PHRASE_WORDS = sorted({w for _t, _p, ph in IX.phrases for tok in ph.tokens for a in tok
                       for w in a.replace("*", "").replace("_", " ").split()})
LATIN1_WORDS = [w for w in VERDICT_WORDS if max(map(ord, w), default=0) < 256] + [
    "caf\u00e9", "na\u00efve", "stra\u00dfe", "\u00b5g", "\u00ba", "\u00d7", "\u00e9", "don't", "o'", "a'b", "x_y",
    "a", "quite", "not", "no", "not a", "no single", "none", "never"]
SEPS = [" ", " ", " ", ", ", ". ", "! ", "? ", "; ", ": ", "\n", " - ", "'", " '", "\u00a0", "\u00e9", "\u00d7",
        "...", "", "_"]
LATIN1_TEXT = st.lists(st.tuples(st.sampled_from(LATIN1_WORDS) | st.sampled_from(PHRASE_WORDS), st.sampled_from(SEPS)),
                       max_size=40).map(lambda ws: "".join(w + s for w, s in ws))

RULE_TEXT = st.lists(st.one_of(st.sampled_from(MARKER_WORDS), st.sampled_from(COMPLAINT_WORDS),
                               st.sampled_from([",", ".", "?", "!", ";", "'s", "it", "the", "my", "i", "\u00e9"])),
                     max_size=30).map(" ".join)


class _Words(frozenset):
    """A frozenset the bytes path does not read as a table: the str path judges with it."""


def _str_path(judge: tuple) -> tuple:
    info = tuple((i[0], _Words(i[1]), _Words(i[2]), _Words(i[3]), *i[4:]) for i in judge[8])
    return (*(_Words(s) for s in judge[:4]), *judge[4:8], info, *judge[9:])


def _str_rules(judge: tuple) -> tuple:
    """``judge`` whose start masks the bytes path does not read (a key that is not a str): the context rules on
    the str path, the clause-first verdicts still on the bytes."""
    return (*judge[:11], {**judge[11], 0: 1}, *judge[12:])


def _both_paths_agree(lows: list[str]) -> int:
    judge = topics._native_judge_args(IX, M, LEX)
    attempts = CORE.topic_attempts(lows, *topics._native_attempts_args(IX))
    n = 0
    for j in (judge, judge[:9]):
        got, _ = CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 0, j)
        want, _ = CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 0, _str_path(j))
        assert got == want
        if len(j) > 9:
            assert got == CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 0, _str_rules(j))[0]
        n += sum(len(ms) for _row, ms in got)
    return n


@needs_tried
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(RULE_TEXT, min_size=1, max_size=6))
def test_bytes_context_rules_equal_the_str_path_and_the_python_veto(texts):
    lows = [topics._lower(t) for t in texts]
    _both_paths_agree(lows)
    _judged_agree(lows, IX, M)


@needs_tried
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(LATIN1_TEXT, min_size=1, max_size=6))
def test_bytes_verdicts_equal_the_str_path_and_the_python_judge(texts):
    lows = [topics._lower(t) for t in texts]
    assert all(max(map(ord, low), default=0) < 256 for low in lows)
    _both_paths_agree(lows)
    _judged_agree(lows, IX, M)


CASES = [
    "it arrived broken. none of the jars leaked, not a single one was damaged",
    "not a single jar arrived broken, no cracked lids",
    "the lid never cracked, quite few arrived damaged; a few broke",
    "hardly any broke. arrived broken, but the refund was quick",
    "caf\u00e9 na\u00efve: the box arrived damaged \u00d7 2, not great, no problem at all",
    "didn't arrive broken, it wasn't damaged and i never got a refund",
    "smells fake, too small and the wrong item; stopped working after a day",
    "great price, cheap and fast shipping, but the price isn't cheap",
    "arrived broken" + " word" * 80 + ". it leaked",
    "o'broken a'b arrived'late broken's \u00b5g \u00ba",
    "it was not cheap but arrived broken; not great yet the shipping was slow",
    "great, few shipping delays. awesome; none of the shipments was late, great",
    "nice. a few deliveries were fine, quite few sizes fit, but good, nary a good sizing",
    "great, few shipping", "good. few shipping", "great, none shipping", "great. shipping but fine",
    "never, arrived broken but ok", "never the box arrived broken", "never a box arrived broken",
    "not a single shipping delay", "no one shipping delay, no a single delivery delay", "the shipping. great",
    "not a single box shipping delay", "none of the sizes, shipping; great",
    # the context rules: a break word resets a marker, a marker read past the sentence's end (the reach), a modal
    # after a conditional in the next clause only
    "my old one worked although it arrived broken", "it fell apart in the. mail", "it broke on the. way",
    "poor quality, it broke in. transit", "if it will, it arrived broken",
    "if i return it, it would arrive broken. my old pair. arrived broken"
]


@needs_tried
def test_bytes_verdicts_on_cases_and_every_topic():
    lows = [topics._lower(t) for t in CASES]
    assert _both_paths_agree(lows) > 20  # not vacuous
    _judged_agree(lows, IX, M)
    for topic in topics.topic_ids():
        _judged_agree(lows, topics._phrase_index((topic,)), topics._matcher((topic,)))


@needs_tried
def test_word_sets_with_odd_members_are_read_as_the_set_reads_them():
    """A word set with a member that is not a str (the str path: the set decides) or a member past U+00FF (never
    equal to a one-byte token) gives the same verdicts as the str path with the same sets."""
    judge = topics._native_judge_args(IX, M, LEX)
    lows = [topics._lower(t) for t in CASES]
    attempts = CORE.topic_attempts(lows, *topics._native_attempts_args(IX))
    for extra in ({7}, {"n\u0115ver", "\u0130"}, {"no\u00e9", "x"}):
        odd = (frozenset(judge[0] | extra), judge[1], frozenset(judge[2] | extra), *judge[3:])
        got, _ = CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 0, odd)
        want, _ = CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 0, _str_path(odd))
        assert got == want


def _copy_rules(judge: tuple) -> tuple:
    """``judge`` with new (equal) start masks and markers_by_start dicts."""
    rules = tuple((*r[:6], dict(r[6]), r[7]) for r in judge[10])
    return (*judge[:10], rules, dict(judge[11]), *judge[12:])


@needs_tried
def test_state_kept_between_calls_follows_changed_dicts_and_info():
    """topic_tried keeps the validated rules, start masks and info from one call to the next: a start masks or
    markers_by_start dict changed in place, or other equal objects, give what a fresh judge gives."""
    lows = [topics._lower(t) for t in CASES]
    attempts = CORE.topic_attempts(lows, *topics._native_attempts_args(IX))

    def tried(j):
        return CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 0, j)[0]

    judge = _copy_rules(topics._native_judge_args(IX, M, LEX))
    base = tried(judge)
    assert base == tried(judge) == tried(_str_path(judge))
    for rule in judge[10]:
        rule[6].pop("in", None)  # no rule starts at "in" now: "in the mail" voids no complaint
    fresh = _copy_rules(judge)
    got = tried(judge)
    assert got == tried(fresh) == tried(_str_path(fresh)) != base
    judge[11]["zzz"] = 0  # a start mask added (no rule's bit): nothing else changes
    assert tried(judge) == got
    judge[11]["zzz"] = 1  # a word with rule 0's bit but not among its starts: the str path, same verdicts
    assert tried(judge) == got == tried(_copy_rules(judge))
    info = tuple(tuple(i) for i in judge[8])  # equal info, another object
    assert tried((*judge[:8], info, *judge[9:])) == got
    bad = ((9, *info[0][1:]), *info[1:])  # then one that is not valid
    with pytest.raises(TypeError):
        tried((*judge[:8], bad, *judge[9:]))


def _without_in(judge: tuple) -> tuple:
    """``judge`` (new dicts) where no marker starts at "in" (start masks and markers_by_start alike)."""
    j = _copy_rules(judge)
    for rule in j[10]:
        rule[6].pop("in", None)
    j[11].pop("in")
    return j


@needs_tried
def test_state_kept_between_calls_sees_words_added_in_place():
    lows = [topics._lower(t) for t in CASES]
    attempts = CORE.topic_attempts(lows, *topics._native_attempts_args(IX))

    def tried(j):
        return CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 0, j)[0]

    full = topics._native_judge_args(IX, M, LEX)
    want = tried(full)
    judge = _without_in(full)
    assert tried(judge) != want
    for rule, whole in zip(judge[10], full[10]):  # "in" back, in place
        if "in" in whole[6]:
            rule[6]["in"] = whole[6]["in"]
    judge[11]["in"] = full[11]["in"]
    assert tried(judge) == want == tried(_str_path(full))


@needs_tried
def test_a_matcher_calling_topic_tried_inside_another_call():
    """A Python matcher that calls topic_tried itself (other rules, other info) leaves the outer call's verdicts
    as they are."""
    lows = [topics._lower(t) for t in CASES]
    attempts = CORE.topic_attempts(lows, *topics._native_attempts_args(IX))
    judge = topics._native_judge_args(IX, M, LEX)
    inner = _without_in(judge)
    inner = (*inner[:8], tuple(tuple(i) for i in inner[8]), *inner[9:])
    calls = []

    def wrap(m):
        def call(low, pos):
            if len(calls) < 500:
                calls.append(CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 2, inner))
            return m(low, pos)
        return call

    want = CORE.topic_tried(lows, *attempts, IX.matchers, IX.phrases, 0, 0, judge)[0]
    got = CORE.topic_tried(lows, *attempts, tuple(map(wrap, IX.matchers)), IX.phrases, 0, 0, judge)[0]
    assert calls and got == want
