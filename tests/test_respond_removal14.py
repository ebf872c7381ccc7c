"""Issue 8, fourteenth session: a removal request's evidence single spaced by ``reviewtools._storecore.spaced``
(``respond._native_spaced``, chosen when a removal plan is made) or by ``respond._single_spaced`` under
``REVIEWTOOLS_PURE_PYTHON=1``: the same bodies either way, and the same as ``" ".join(evidence.split())``.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings

_WORDS = st.lists(st.one_of(st.sampled_from(("a", "Bad", "é", "“x”", "日本", "—", "🙂", "\x00", "\x85")),
                            st.text(max_size=3)), max_size=6)
_SPACES = st.sampled_from((" ", "  ", "\t", "\n", "\r\n", "\xa0", "\u2028", "\u3000", "\x1c", "\x0b", ""))
_EVIDENCE = st.tuples(_SPACES, st.lists(st.tuples(_WORDS.map("".join), _SPACES), max_size=6), _SPACES).map(
    lambda t: t[0] + "".join(w + s for w, s in t[1]) + t[2])


def _bodies(evidences, pure, monkeypatch):
    if pure:
        monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    else:
        monkeypatch.delenv("REVIEWTOOLS_PURE_PYTHON", raising=False)
    respond._REMOVAL_PLANS.clear()  # the spacing is chosen when a plan is made
    try:
        out = []
        for k, e in enumerate(evidences):
            review = {"review_id": ("R1", "h" + "a" * respond.ID_HEX_DIGITS)[k % 2],
                      "platform": ("amazon", "google", "yelp")[k % 3], "author": "Ann", "rating": 1}
            rows = [{"rule_id": "AMZ-X", "clause": "Clause", "evidence": e, "strength": "strong"}]
            out.append(respond._removal_draft(review, rows, ReplySettings()))
        return out
    finally:
        respond._REMOVAL_PLANS.clear()


@settings(max_examples=examples(100), deadline=None)
@given(evidences=st.lists(_EVIDENCE, min_size=1, max_size=6))
def test_native_and_pure_spacing_give_the_same_requests(evidences):
    with pytest.MonkeyPatch.context() as mp:
        native = _bodies(evidences, False, mp)
        pure = _bodies(evidences, True, mp)
    assert native == pure
    for e, (body, _, _) in zip(evidences, native):
        assert " ".join(e.split()) in body


@settings(max_examples=examples(250), deadline=None)
@given(text=_EVIDENCE)
def test_the_plans_spacing_is_split_and_join(text):
    spaced = respond._native_spaced()
    for fn in (spaced, respond._single_spaced) if spaced is not None else (respond._single_spaced,):
        got = fn(text)
        assert got == " ".join(text.split())
        if got == text:
            assert got is text or fn is respond._single_spaced


def test_the_plan_takes_the_native_spacing_unless_disabled(monkeypatch):
    monkeypatch.delenv("REVIEWTOOLS_PURE_PYTHON", raising=False)
    native = respond._native_spaced()
    try:
        from reviewtools import _storecore
    except ImportError:  # pragma: no cover - not compiled here
        assert native is None
    else:
        assert native is getattr(_storecore, "spaced", None)
    assert respond._removal_plan("amazon", None, "")[-1] is (native or respond._single_spaced)
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    assert respond._native_spaced() is None
    assert respond._removal_plan("amazon", None, "")[-1] is respond._single_spaced


def test_a_non_str_evidence_is_spaced_as_its_str(monkeypatch):
    monkeypatch.delenv("REVIEWTOOLS_PURE_PYTHON", raising=False)
    respond._REMOVAL_PLANS.clear()
    rows = [{"rule_id": "AMZ-X", "clause": "Clause", "evidence": 12.5}]
    body = respond._removal_draft({"review_id": "R1", "platform": "amazon"}, rows, ReplySettings())[0]
    assert "12.5" in body
    respond._REMOVAL_PLANS.clear()
