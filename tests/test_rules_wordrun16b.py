"""The word-run prefilter's non-ASCII rows (sixteenth session, helper ``checks_b``): its Σ / wide-space pattern
searched on the rows whose title or text holds a non-ASCII byte (the fields' counts) = RE2 over every row."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R


def _pattern() -> str:
    wide = "".join("\\x{%x}" % ord(c) for c in R._python_spaces() if not c.isascii())
    return "[\u03a3" + wide + "]"


def _batch(rows: list[tuple[str, str]]) -> R._Batch:
    n = len(rows)
    return R._Batch([t for t, _ in rows], [x for _, x in rows], [None] * n, [None] * n)


_FIELD = st.lists(st.sampled_from(["a", "b ", "\u03a3", "\u03c3", "\u00a0", "\u3000", "\u2028", "\u00e9", "\U0001f600",
                                   "\u0130", " ", "\n", ".", "word"]), max_size=12).map("".join)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(_FIELD, _FIELD), min_size=1, max_size=10))
def test_refine_non_ascii_joined_equals_re2(rows: list[tuple[str, str]]) -> None:
    pat = _pattern()
    want = _batch(rows).match("joined", pat)
    got = R._refine_non_ascii_joined(_batch(rows), pat)
    assert (got == want).all()
    b = _batch(rows)  # with the fields' counts already made, as the lower-cased views leave them
    b.array("joined_low")
    assert (R._refine_non_ascii_joined(b, pat) == want).all()


def test_non_ascii_in_either_field() -> None:
    rows = [("\u00a0", "ascii"), ("ascii", "x\u3000y"), ("\u00e9", "plain"), ("", ""), ("\u03a3", "\u00e9")]
    want = [True, True, False, False, True]
    assert _batch(rows).match("joined", _pattern()).tolist() == want
    assert R._refine_non_ascii_joined(_batch(rows), _pattern()).tolist() == want


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.tuples(_FIELD, _FIELD), min_size=1, max_size=8))
def test_word_run_prefilter_holds_detector_rows(rows: list[tuple[str, str]]) -> None:
    rule = next(r for r in R.load_rules() if r.detector == "word_run")
    b = _batch(rows)
    mask = R.PREFILTERS["word_run"](b, rule, ())
    for j, (t, x) in enumerate(rows):
        if list(R.DETECTORS["word_run"](R._Review(t, x, "amazon", None, None), rule.params)):
            assert mask[j]
