"""The street-address prefilter's second pass (issue 8, seventh session): :func:`rules._re2_address`, an RE2
superset of ``_ADDRESS``, on the rows with a street suffix. Hypothesis builds addresses and near-misses from
pieces (Unicode digits and spaces, ordinals, directions, lower-case words, suffixes glued to letters); every
row where ``_ADDRESS`` matches (the detector's only source of findings) must be kept."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

_PIECES = st.sampled_from(
    ["221", "1600", "12345", "123456", "7", "٣٤", "B", "b", " ", "  ", "\u00a0", "\u2003", "\n", "\t", ".", ",",
     "N", "NE", "North", "Baker", "Elm", "baker", "O'Neil", "2nd", "3rd", "21st", "St", "Street", "Ave", "Rd",
     "Way", "Row", "Mews", "Stx", "St_", "Ste", "é", "$", "#", "-", "/", "Main", "Kinzie", "W"])
_TEXTS = st.lists(_PIECES, max_size=14).map("".join)
RULES = [r for r in R.load_rules() if r.detector == "street_address"]


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXTS, min_size=1, max_size=10))
def test_superset_of_the_address_pattern(texts):
    got = pc.match_substring_regex(pa.array(texts, type=pa.large_string()), R._re2_address()).to_pylist()
    for t, g in zip(texts, got):
        if R._ADDRESS.search(t):
            assert g, t


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TEXTS, _TEXTS), min_size=1, max_size=8))
def test_frames_equal_per_review_loop(pairs):
    f = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(pairs))], "platform": "google",
                      "marketplace": None, "title": [t for t, _ in pairs], "text": [x for _, x in pairs]})
    pd.testing.assert_frame_equal(R.check_each_review(f, rules=RULES),
                                  R.check_each_review(f, rules=RULES, prefilter=False))


def test_known_rows():
    texts = ["I live at 221 Baker Street now", "located at 20 W Kinzie St.", "1600 N Elm St", "5 stars",
             "Best St in town", "12 baker street", "3 Main Stx"]
    got = pc.match_substring_regex(pa.array(texts), R._re2_address()).to_pylist()
    assert got == [True, True, True, False, False, False, False]
