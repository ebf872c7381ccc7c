"""The decision loop's single spacing in C (``reviewtools._storecore.spaced``, what ``pipeline._native_spaced`` gives):
``" ".join(text.split())`` of any str, as ``pipeline._spaced`` (Python) gives it, on texts of every whitespace
character ``str.split`` knows, controls, non-ASCII and 16-byte block edges; ``_decide_rows`` with it writes the rows it
writes with ``_spaced`` (``REVIEWTOOLS_PURE_PYTHON=1``)."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings

try:
    from reviewtools import _storecore
except ImportError:  # pragma: no cover - not compiled here
    _storecore = None

needs_core = pytest.mark.skipif(_storecore is None, reason="reviewtools._storecore is not built")

#: every character str.split() splits on, and a few that look like it but are not whitespace
_WHITESPACE = [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()]
_CHARS = st.sampled_from(_WHITESPACE + ["\x00", "\x07", "\x1b", "\x7f", "\u200b", "\ufeff", "!", "~"]) | st.characters()
_ASCII = st.sampled_from([" ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x00", "\x7f", "a", "word", "!"])


def _want(text: str) -> str:
    return " ".join(text.split())


@needs_core
@settings(max_examples=examples(400), deadline=None)
@given(text=st.text(_CHARS, max_size=70) | st.lists(_ASCII, max_size=40).map("".join) | st.text(max_size=300))
def test_native_spaced(text: str) -> None:
    spaced = _storecore.spaced
    got = spaced(text)
    assert type(got) is str and got == _want(text) == pipeline._spaced(text)


@needs_core
@pytest.mark.parametrize("pad", [0, 1, 14, 15, 16, 17, 31, 32, 33])
@pytest.mark.parametrize("odd", [" ", "  ", "\t", "\n", "\x1c", "\x85", "\xa0", "\u3000", "\x00", "é", "😀"])
def test_native_spaced_block_edges(pad: int, odd: str) -> None:
    spaced = _storecore.spaced
    words = " ".join(["ab", "cd", "e", "fgh", "ij", "klmnopq", "rs", "t", "uvw", "xyz"] * 3)
    base = "x" * pad + " " + words if pad else words  # single spaced already: the same text back
    assert spaced(base) is base
    for at in range(len(base) + 1):
        for text in (base[:at] + odd + base[at:], base[:at] + odd, odd + base[at:]):
            assert spaced(text) == _want(text), repr(text)


@needs_core
def test_native_spaced_types(monkeypatch: pytest.MonkeyPatch) -> None:
    class S(str):
        pass

    monkeypatch.delenv("REVIEWTOOLS_PURE_PYTHON", raising=False)
    spaced = pipeline._native_spaced()
    assert spaced is _storecore.spaced
    assert spaced("a b") == "a b" and spaced(S(" a\tb ")) == "a b" and spaced(S("a b")) == "a b"
    assert spaced(b"a  b") is None and spaced(5) is None
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    assert pipeline._native_spaced() is None


@settings(max_examples=examples(60), deadline=None)
@given(evidence=st.lists(st.text(_CHARS, max_size=120) | st.none(), min_size=1, max_size=12),
       problem=st.text(_CHARS, max_size=100))
def test_decide_rows_native_as_python(evidence: list, problem: str) -> None:
    n = len(evidence)
    recs = pd.DataFrame({
        "review_id": [f"R{i}" for i in range(n)],
        "platform": ["amazon" if i % 3 else "google" for i in range(n)],
        "rating": pd.array([(i % 5) + 1 for i in range(n)], dtype="Int64"),
        "author": ["Ann Lee" if i % 2 else "A1B2" for i in range(n)],
        "sentiment_label": ["negative" if i % 4 == 0 else "positive" for i in range(n)],
        "sentiment_score": [-0.5 if i % 4 == 0 else 0.6 for i in range(n)],
    })
    key = pipeline._KEY_SEP
    by_hit = {}
    for i, e in enumerate(evidence):  # one hit, two hits (multi-hit joins and phrase), none
        if i % 3 == 2:
            continue
        plat = "amazon" if i % 3 else "google"
        hits = [{"rule_id": "R-X", "clause": "c" if i % 2 else None, "evidence": e,
                 "strength": "strong" if i % 4 == 0 else "weak", "category": "x"}]
        if i % 5 == 1:
            hits.append({"rule_id": "R-Y", "clause": "d", "evidence": evidence[0], "strength": "weak",
                         "category": "y"})
        by_hit[plat + key + f"R{i}"] = hits
    complaints = {("amazon" if i % 3 else "google") + key + f"R{i}": [("delivery", problem)]
                  for i in range(n) if i % 3 == 2}
    state = pipeline._decision_state(ReplySettings(), None, None, True, (), frozenset())
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("REVIEWTOOLS_PURE_PYTHON", raising=False)
        got = pipeline._decide_rows(recs, state, by_hit, {}, complaints)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
        assert pipeline._native_spaced() is None
        want = pipeline._decide_rows(recs, state, by_hit, {}, complaints)
    assert repr(got) == repr(want)
    for i, e in enumerate(evidence):
        if i % 3 != 2 and i % 5 != 1:
            assert got[i][11] == ("" if e is None else _want(e))
