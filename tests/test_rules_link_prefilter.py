"""The link prefilter's bare-domain pattern (issue 8, seventh session) keeps every row with a link the detector
reports: upper-case TLDs only before a path or port, ambiguous TLDs ("dog.it") only before one or after two
labels. Hypothesis builds texts from domain-like pieces; every row where a link detector finds something must be
kept, and frames must equal the per-review loop.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

_PIECES = st.sampled_from(
    ["dog", "x", "a", "3", "nokia", "Great", "www", "amazon", "bit", "ly", "sub", ".", ".", ".", ".", "/", "/p?tag=1",
     ":8080", ":", "-", "@", "_", " ", " ", "\n", "it", "IT", "It", "me", "ME", "com", "COM", "Com", "co", "uk", "de",
     "in", "is", "to", "io", "is/", "é", "٣٤", "http://", "https://", "e.g", "3.5mm", "org", "ORG", "amzn", "to",
     "a.co/d/1", "bit.ly/3x", "BIT.LY", "tinyurl", "?tag=x-20", "&utm_source=r", "=", "?ref=nav", "KELVINK"])
_TEXTS = st.lists(_PIECES, max_size=12).map("".join)
LINK_RULES = [r for r in R.load_rules() if r.detector == "link"]


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXTS, min_size=1, max_size=10))
def test_prefilter_keeps_every_row_with_a_link(texts):
    batch = R._Batch([""] * len(texts), texts, [None] * len(texts), [None] * len(texts))
    kept = R.PREFILTERS["link"](batch, LINK_RULES[0], ())
    for j, t in enumerate(texts):
        rv = R._Review("", t, "amazon", None, None, ())
        if R._find_links(rv, "text"):
            assert kept[j], t
    for rule in LINK_RULES:  # each kind's own narrowing (shortener names, "=" of a referral parameter)
        kept = R.PREFILTERS["link"](batch, rule, ())
        for j, t in enumerate(texts):
            if list(R.DETECTORS["link"](R._Review("", t, "amazon", None, None, ()), rule.params)):
                assert kept[j], (rule.rule_id, t)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TEXTS, _TEXTS), min_size=1, max_size=8),
       st.sampled_from(["amazon", "google", "yelp", "trustpilot", "app_store"]))
def test_frames_equal_per_review_loop(pairs, platform):
    f = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(pairs))], "platform": platform,
                      "marketplace": None, "title": [t for t, _ in pairs], "text": [x for _, x in pairs]})
    rules = [r for r in LINK_RULES if platform in r.platforms] or LINK_RULES
    pd.testing.assert_frame_equal(R.check_each_review(f, rules=rules),
                                  R.check_each_review(f, rules=rules, prefilter=False))


def test_known_rows():
    texts = ["dog.it", "dog.it/x", "a.b.it", "Great.It then", "see X.IT/abc", "X.COM", "x.com", "x.COM:80",
             "nothing here"]
    batch = R._Batch([""] * len(texts), texts, [None] * len(texts), [None] * len(texts))
    kept = batch.match("joined", R._re2_bare_domain())
    assert kept.tolist() == [False, True, True, False, True, False, True, True, False]
