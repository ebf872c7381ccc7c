"""The char-run detector's field without its runs, cut by the spans ``_CHAR_RUN.finditer`` found (issue 8).

``_detect_char_run`` decides whether a field is "nothing but runs" from the field with its runs removed. That
string was ``_CHAR_RUN.sub("", s)``, a second scan; it is now joined from the gaps between the runs already found
(switch ``rules._CHAR_RUN_REST_FROM_RUNS``). These tests compare the detector's findings both ways on chosen and
generated fields: runs at the start and end, adjacent runs, runs of spaces (not runs: ``\\S``), non-ASCII runs,
and fields with fewer or more than SPAM_CHAR_RUN_OTHER_LETTERS other letters.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

RULE = next(r for r in R.load_rules() if r.detector == "char_run")


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[R.Finding], list[R.Finding]]:
    monkeypatch.setattr(R, "_CHAR_RUN_REST_FROM_RUNS", True)
    new = list(R._detect_char_run(R._Review("", text, "amazon", None, None), RULE.params))
    monkeypatch.setattr(R, "_CHAR_RUN_REST_FROM_RUNS", False)
    old = list(R._detect_char_run(R._Review("", text, "amazon", None, None), RULE.params))
    return new, old


@pytest.mark.parametrize("text", [
    "!!!!!!!!!!!!", "aaaaaaaaaaaa", "ab" + "!" * 12, "!" * 12 + "ab", "abc" + "!" * 12, "!" * 12 + "abc",
    "!" * 12 + "?" * 12, "x" * 25 + "y" * 10 + "z", "Works great!!!!!!!!!!!!", "Son loves it........",
    "é" * 11 + " ok", " " * 20 + "abc", "a" * 9 + "b" * 10 + "cd", "no runs here", "",
])
def test_chosen_fields(text, monkeypatch):
    new, old = _both(text, monkeypatch)
    assert new == old


def test_pure_runs_are_strong_and_padding_weak(monkeypatch):
    new, _ = _both("ab" + "!" * 12, monkeypatch)
    assert new and not new[0].weak
    new, _ = _both("abc" + "!" * 12, monkeypatch)
    assert new and new[0].weak


@settings(max_examples=examples(400), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.one_of(st.sampled_from(("a", "b", "é", " ", "!", "xy", "\n")),
                                st.tuples(st.sampled_from("a!.é x"), st.integers(8, 14)).map(lambda t: t[0] * t[1])),
                      max_size=12))
def test_generated_fields(parts, monkeypatch):
    new, old = _both("".join(parts), monkeypatch)
    assert new == old
