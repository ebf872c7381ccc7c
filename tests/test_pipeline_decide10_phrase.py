"""A hit group of one hit is decided without ``_is_strong`` and ``_hit_phrase`` (its strength and its phrase
written inline, the evidence spaced once for both the column and the phrase): the same action, reason and hit
columns as the general path gives. The oracle is the same hit twice: the general path's joins and the phrase keep
each rule once, so that group reads as the one hit (only a removal request's body lists it twice)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings

SEP = pipeline._KEY_SEP
_MISSING = object()
_TEXT = st.text(alphabet=st.sampled_from("ab .\n\t\xa0\u200b“"), max_size=100)
_VAL = st.one_of(st.none(), st.just(float("nan")), st.just(pd.NA), st.integers(0, 3), _TEXT,
                 st.sampled_from(["a", " a  b ", "x\ty", "", "C", "x" * 79 + " y", "x" * 80, "x" * 81, "x" * 78 + "  y"]))
_HIT = st.fixed_dictionaries(
    {"rule_id": st.sampled_from(["R-A", "R-B", 7, "x y"]), "evidence": _VAL},
    optional={"clause": _VAL, "strength": st.one_of(st.sampled_from(["strong", "weak", "", "Strong"]), st.none(),
                                                    st.just(float("nan"))),
              "category": st.sampled_from(["spam", "other"])},
)
_COLUMNS = (0, 1, 2, 9, 10, 11)  # action, reason head and tail, rule ids, clause, evidence


def _decided(g):
    recs = pd.DataFrame({"review_id": pd.array(["r1"], dtype="string"),
                         "platform": pd.array(["google"], dtype="string"),
                         "rating": pd.array([1], dtype="Int64")})
    state = pipeline._decision_state(ReplySettings(), None, None, False, (), frozenset())
    try:
        (row,) = pipeline._decide_rows(recs, state, {"google" + SEP + "r1": g}, {}, {})
    except Exception as exc:  # noqa: BLE001 - the same error either way
        return type(exc).__name__
    return tuple(row[i] for i in _COLUMNS)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hit=_HIT)
def test_one_hit_reads_as_the_general_path(hit):
    one = _decided([hit])
    assert one == _decided([hit, dict(hit)])
    if not isinstance(one, str):
        assert all(type(v) is str for v in one)


@pytest.mark.parametrize("evidence", ["x" * 79 + " y", "a  b\nc", "short", None, 12])
@pytest.mark.parametrize("strength", ["strong", "weak"])
def test_one_hit_reason_is_the_hit_phrase(evidence, strength):
    hit = {"rule_id": "R-A", "clause": "5.1", "evidence": evidence, "strength": strength, "category": "spam"}
    action, reason = _decided([hit])[:2]
    phrase = pipeline._hit_phrase([hit])
    if strength == "strong":
        assert (action, reason) == ("removal_request", f"Strong removal-basis guideline hit: {phrase}.")
    else:
        assert action == "manual_review" and reason.endswith(f"checking it: {phrase}.")
