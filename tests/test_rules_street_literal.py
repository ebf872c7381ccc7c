"""The street-address prefilter's suffix step by the native literal scan of the digit rows (issue 8, tenth
session, helper ``checks2``): :meth:`rules._Batch.literal_in` with the suffixes read as words, and
``_checkcore.literal_rows``' path for literal sets that all have a neighbour class (only word starts read).
Compared with the byte definition (``test_rules_literal._reference``) and with the RE2-only path (the module
switched off), on adversarial text: suffixes at every offset around the 64-byte pieces, after and before
each kind of neighbour (NUL between the fields, non-ASCII, ``_``, digits, a row's start and end)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from test_rules_literal import _reference
from test_rules_literal_simd import _fast_reference, _literal_rows, scalar  # noqa: F401 (a fixture)

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None, reason="reviewtools._checkcore is not built (or pure Python asked)")
SUFFIXES = R._STREET_SUFFIX[3:-1].split("|")
RULES = [r for r in R.load_rules() if r.detector == "street_address"]
_GLUE = ("", " ", "  ", "\x00", "\n", "\t", "é", "\u00a0", "\u3000", "_", "7", "a", "Z", "-", ".", ",", "😀")


def _scan(rows: list[bytes], lits: list[tuple[bytes, int]]) -> list[int]:
    return _literal_rows(CORE, rows, lits, _edges())


def _edges() -> list[bytes]:
    return [bytes(t) for _, t in R._LITERAL_EDGES]


@needs_core
def test_bounded_only_sets_every_offset(scalar):
    """The suffixes (1-2, 3 and 4+ byte literals, all with a class) at offsets 0-19, 56-71 and 120-140 of rows,
    after and before each glue: the word-start-only path (SSE2 and the -DCHECKCORE_NO_SIMD build) gives the
    byte definition's bits."""
    lits = [(s.encode(), k % 2) for k, s in enumerate(SUFFIXES)]
    rows = []
    for s in ("St", "Way", "Boulevard"):
        for before in _GLUE:
            for after in _GLUE:
                for off in list(range(0, 20)) + list(range(56, 72)) + [120, 127, 128, 129, 140]:
                    rows.append(("x" * off + before + s + after).encode())
                    rows.append(("St" * (off // 2) + before + s + after + "q" * 70).encode())
    want = _fast_reference(rows, lits, _edges())
    assert _scan(rows, lits) == want
    assert _literal_rows(scalar, rows, lits, _edges()) == want


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(list(_GLUE) + SUFFIXES + ["Stre", "Ave7", "W", "tSt"]), max_size=60)
                .map(lambda x: "".join(x).encode()), min_size=1, max_size=6),
       st.lists(st.tuples(st.sampled_from(SUFFIXES + ["a", "é", "Stx"]).map(str.encode), st.integers(0, 1)),
                min_size=1, max_size=12))
def test_property_bounded_only_sets(rows, lits):
    assert _scan(rows, lits) == _reference(rows, lits, _edges())


def _frame(pairs) -> pd.DataFrame:
    return pd.DataFrame({"review_id": [f"r{i}" for i in range(len(pairs))], "platform": "google",
                         "marketplace": None, "title": [t for t, _ in pairs], "text": [x for _, x in pairs]})


def _adversarial() -> list[tuple[str, str]]:
    pairs = []
    for s in ("Street", "St", "Way", "Mews", "Ave", "Row", "Dr"):
        for before in (" ", "\u00a0", "\u2003", "\n", "é", "", "-", "_", "\x00"):
            for after in ("", " ", ".", "_", "7", "x", "é", "\n"):
                for pad in (0, 13, 61, 62, 63, 64, 65):
                    addr = f"221 Baker{before}{s}{after}"
                    pairs.append(("y" * pad + addr, "5 stars"))
                    pairs.append(("12", "x" * pad + "Baker" + before + s + after))
                    pairs.append((addr, "q" * pad))
                    pairs.append(("", s + after + " 7"))
    return pairs


@needs_core
def test_address_rows_equal_the_regex_only_path(monkeypatch):
    pairs = _adversarial()
    batch = R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * len(pairs), [None] * len(pairs))
    native = R._pre_address(batch, RULES[0], ())
    monkeypatch.setattr(R, "_literal_core", lambda: None)
    plain = R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * len(pairs), [None] * len(pairs))
    regex = R._pre_address(plain, RULES[0], ())
    assert native.tolist() == regex.tolist()
    assert native.any()


def test_frames_equal_per_review_loop():
    f = _frame(_adversarial())
    pd.testing.assert_frame_equal(R.check_each_review(f, rules=RULES),
                                  R.check_each_review(f, rules=RULES, prefilter=False))
