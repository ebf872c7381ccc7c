"""The native literal scan (``reviewtools._checkcore.literal_rows``, issue 8, seventh session) gives RE2's rows.

``_Batch._native`` answers, in one pass over a view's bytes, every plan pattern that is a plain literal
alternation (the prefilters' literal sets) or an anchor-word pattern of :func:`rules._re2_anchor_pattern` (the
literals with a neighbour class on both sides). ``maybe`` and ``refine`` use those rows as RE2's, so they must be
exactly RE2's: checked here against ``pyarrow.compute.match_substring_regex`` on random rows (literals spliced
next to letters, digits, "_", non-ASCII letters and symbols, NUL, newlines, row ends), ``literal_rows`` itself
against a byte-wise definition, and whole frames with and without the module and against the per-review loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from reviewtools.rules import check_each_review, load_rules
from test_rules_prefilter import ADVERSARIAL, SNIPPETS, _frame, _varied_pairs

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None, reason="reviewtools._checkcore is not built (or pure Python asked)")

PLANS = {p: R._scan_plan(rules, ()) for p, rules in R._rules_per_platform(load_rules()).items()}
#: Every (view, pattern) the native scan reads, of the default rules' plans (both lists).
NATIVE = sorted({(v if isinstance(v, str) else v[1], pat) for plan in PLANS.values() for v, pats in plan.items()
                 for pat in pats if R._literal_form(pat) is not None})
_WORDS = sorted({lit for _, pat in NATIVE for lit in R._literal_form(pat)[0]})
_GLUE = ("", " ", "\x00", "\n", "é", "İ", "_", "7", "a", "-", "’", "😀", "ß")


def _batch(pairs, plan=None) -> R._Batch:
    return R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * len(pairs), [None] * len(pairs),
                    plan=plan)


def _re2(batch: R._Batch, view: str, pattern: str) -> np.ndarray:
    return np.asarray(pc.match_substring_regex(batch.array(view), pattern).to_numpy(zero_copy_only=False),
                      dtype=bool)


def test_forms():
    assert R._literals_of(r"free|gift\x{20}card|www\.|é") == ("free", "gift card", "www.", "é")
    for bad in ("a||b", "|a", "a|", "", "(?:a|b)", "a.b", "a*", "[ab]", "^a", "a$", r"\bfree", r"\d", "a{2}"):
        assert R._literals_of(bad) is None, bad
    words = frozenset({"box", "dm", "the company"})
    assert R._literal_form(R._re2_anchor_pattern(words, "[^a-zA-Z0-9]")) == (("box", "dm", "the company"), 0)
    tok = R._re2_anchor_pattern(words, R._RE2_ASCII_NONTOKEN, tokens_only=True)
    assert R._literal_form(tok) == (("box", "dm"), 1)
    assert R._literal_form(R._re2_anchor_pattern(frozenset({"a b"}), R._RE2_ASCII_NONTOKEN, tokens_only=True)) is None
    assert R._literal_form(r"(?:^|[a-z])(?:box)(?:[a-z]|$)") is None
    assert R._literal_form("://") == (("://",), -1)


def test_the_default_plans_hold_native_patterns():
    assert NATIVE and any(R._literal_form(p)[1] >= 0 for _, p in NATIVE)
    for plan in PLANS.values():  # at most 64 patterns a view: one bit each
        for view in {v if isinstance(v, str) else v[1] for v in plan}:
            pats = plan.get(view, ()) + plan.get(("exact", view), ())
            assert len([p for p in dict.fromkeys(pats) if R._literal_form(p)]) <= 64


_ROWS = st.lists(st.tuples(
    st.lists(st.sampled_from(_WORDS + list(ADVERSARIAL)), max_size=3),
    st.lists(st.sampled_from(_WORDS + list(ADVERSARIAL) + SNIPPETS[:30]), min_size=1, max_size=5),
    st.sampled_from(_GLUE), st.sampled_from(_GLUE),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
), min_size=1, max_size=8)


@needs_core
@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ROWS)
def test_property_native_rows_are_re2_rows(parts):
    pairs = [(g1.join(t).lower(), g2.join([*x, noise])) for t, x, g1, g2, noise in parts]
    batch = _batch(pairs, {"joined_low": tuple(p for _, p in NATIVE)})
    native = batch._native("joined_low")
    assert set(native) == {p for _, p in NATIVE}
    for pat, got in native.items():
        np.testing.assert_array_equal(got, _re2(batch, "joined_low", pat), err_msg=pat)


def _reference(rows: list[bytes], lits: list[tuple[bytes, int]], edges: list[bytes]) -> list[int]:
    """Bit k for literal set k found in a row: the bytes, and the neighbours (row ends or marked bytes)."""
    out = []
    for row in rows:
        found = 0
        for k, (lit, cls) in enumerate(lits):
            for i in range(len(row) - len(lit) + 1):
                if row[i:i + len(lit)] != lit:
                    continue
                if cls >= 0:
                    left = i == 0 or edges[cls][row[i - 1]]
                    right = i + len(lit) == len(row) or edges[cls][row[i + len(lit)]]
                    if not (left and right):
                        continue
                found |= 1 << k
                break
        out.append(found)
    return out


@needs_core
@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.binary(max_size=40), min_size=1, max_size=6),
       st.lists(st.tuples(st.binary(min_size=1, max_size=6), st.integers(-1, 1)), min_size=1, max_size=12),
       st.binary(min_size=256, max_size=256))
def test_property_literal_rows_byte_definition(rows, lits, edge):
    """Any bytes, literals of 1-6 bytes (prefixes of one another, repeated), any classes; rows made of
    literal pieces so matches are common."""
    rows = [r + lits[i % len(lits)][0] + r[:3] + lits[-1][0] for i, r in enumerate(rows)] + [b"", lits[0][0]]
    edges = [bytes(R._LITERAL_EDGES[0][1]), bytes(b & 1 if not chr(c).isalnum() or c > 127 else 0
                                                 for c, b in enumerate(edge))]
    data = np.frombuffer(b"".join(rows), dtype=np.uint8)
    offsets = np.cumsum([0] + [len(r) for r in rows]).astype(np.int64)
    out = np.zeros(len(rows), dtype=np.uint64)
    CORE.literal_rows(data, offsets, b"".join(x for x, _ in lits), np.asarray([len(x) for x, _ in lits], np.int32),
                      np.left_shift(1, np.arange(len(lits), dtype=np.uint64)).astype(np.uint64),
                      np.asarray([c for _, c in lits], np.int8),
                      b"".join(edges), out)
    assert out.tolist() == _reference(rows, lits, edges)


@needs_core
def test_bad_arguments_raise():
    data = np.frombuffer(b"abcdef", dtype=np.uint8)
    ok = (b"ab", np.array([2], np.int32), np.array([1], np.uint64), np.array([-1], np.int8), bytes(256))
    out = np.zeros(1, dtype=np.uint64)
    CORE.literal_rows(data, np.array([0, 6], np.int64), *ok, out)
    assert out.tolist() == [1]
    for offsets in ([0, 7], [3, 2], [-1, 2]):
        with pytest.raises(ValueError):
            CORE.literal_rows(data, np.array(offsets, np.int64), *ok, np.zeros(1, dtype=np.uint64))
    for lits, lens, bits, cls in ((b"ab", [3], [1], [-1]), (b"ab", [0], [1], [-1]), (b"ab", [2], [0], [-1]),
                                  (b"ab", [2], [1], [1])):
        with pytest.raises(ValueError):
            CORE.literal_rows(data, np.array([0, 6], np.int64), lits, np.array(lens, np.int32),
                              np.array(bits, np.uint64), np.array(cls, np.int8), bytes(256), out)
    with pytest.raises(ValueError):  # a class marking a letter: the scan looks at word starts only
        CORE.literal_rows(data, np.array([0, 6], np.int64), *ok[:4], bytes(97) + b"\x01" + bytes(158), out)


@needs_core
def test_refine_takes_native_rows_only_for_native_patterns():
    pairs = [("", "the box came"), ("", "boxes"), ("", "a box_"), ("", "box")]
    pat = R._re2_anchor_pattern(frozenset({"box"}), R._RE2_ASCII_NONTOKEN, tokens_only=True)
    batch = _batch(pairs, {("exact", "joined_low"): (pat,)})
    rows = np.array([True, True, True, False])
    assert batch.refine("joined_low", rows, (pat,)).tolist() == [True, False, True, False]
    assert ("native", "joined_low") in batch._memo


@pytest.mark.parametrize("competitors", [(), ("Acme", "İpek")])
def test_frames_with_and_without_the_module(monkeypatch, competitors):
    frame = _frame(_varied_pairs(), seed=13)
    fast = check_each_review(frame, competitors=competitors)
    monkeypatch.setattr(R, "_literal_core", lambda: None)
    pd.testing.assert_frame_equal(fast, check_each_review(frame, competitors=competitors))
    monkeypatch.setattr(R, "_HS_DISABLED", True)
    pd.testing.assert_frame_equal(fast, check_each_review(frame, competitors=competitors))
    pd.testing.assert_frame_equal(fast, check_each_review(frame, competitors=competitors, prefilter=False))


def test_pure_python_env_disables_the_module(monkeypatch):
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    assert R._literal_core() is None
