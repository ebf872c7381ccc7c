"""``topics.reads_as_complaint`` without the RE2 prefilter it used to run first (Arrow's
``match_substring_regex``, compiled on every call) gives the same answer as before and as ``find_topics`` on a
one-row frame: Hypothesis texts of the topics' own phrase words, negators and cue words in mixed case, with the
characters whose lower case is an ASCII letter (the Kelvin sign) or that RE2 folds to one (the long s, the dotted
capital I), for every topic."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from test_topics_prefilter import EXAMPLES, review_text

from reviewtools import topics

TOPICS = topics.topic_ids()


def _with_prefilter(text: str, topic: str) -> bool:
    m = topics._matcher((topic,))
    if not len(topics._candidates([text], m.prefilter)):
        return False
    return any(match[4] == "complaint" for match in topics._judged_matches(text, m, topics._lexicon(), fast=True))


def test_every_stem_is_lower_case_ascii_letters_and_digits():
    assert all(re.fullmatch("[a-z0-9]+", stem) for stem in topics._matcher(None).by_stem)


def _odd_case(text: str, flips: list[int]) -> str:
    out = []
    for i, c in enumerate(text):
        f = flips[i % len(flips)] if flips else 0
        if f == 1:
            c = c.upper()
        elif f == 2 and c == "k":
            c = "\u212a"
        elif f == 3 and c == "s":
            c = "\u017f"
        elif f == 4 and c == "i":
            c = "\u0130"
        out.append(c)
    return "".join(out)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.sampled_from(EXAMPLES), review_text(), st.text(max_size=40)),
       st.lists(st.integers(0, 4), max_size=6), st.sampled_from(TOPICS))
def test_same_answer_as_with_the_prefilter_and_as_find_topics(text, flips, topic):
    text = _odd_case(text, flips)
    got = topics.reads_as_complaint(text, topic)
    assert got == _with_prefilter(text, topic)
    found = topics.find_topics(pd.DataFrame({"review_id": ["x"], "text": [text]}), topics=[topic])
    assert got == bool(np.any(found["complaint"].to_numpy(dtype=bool)))


def test_kelvin_sign_still_reads_as_complaint():
    text = "arrived two wee\u212as late"
    assert topics.reads_as_complaint(text, "shipping_delivery") == _with_prefilter(text, "shipping_delivery")
