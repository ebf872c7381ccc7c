"""The email prefilter's "@" gate (sixteenth session, helper ``checks_b``): RE2 only on the rows whose lower-cased
view holds "@", found by the native literal pass over that view."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

PATTERN = r"[A-Za-z0-9._%+\-]@[A-Za-z0-9][A-Za-z0-9.\-]*\.[A-Za-z][A-Za-z]"


def test_only_at_sign_lowercases_to_one() -> None:
    # the gate reads the lower-cased view: a field holds "@" exactly when its str.lower() does
    bad = [c for c in range(sys.maxunicode + 1)
           if not 0xD800 <= c < 0xE000 and ("@" in chr(c).lower()) != (c == 0x40)]
    assert bad == []


def _rule() -> R.Rule:
    return next(r for r in R.load_rules() if r.detector == "email")


def _prefilter(titles: list[str], texts: list[str], plan: bool) -> np.ndarray:
    n = len(texts)
    rule = _rule()
    batch = R._Batch(titles, texts, [None] * n, [None] * n,
                     plan=R._scan_plan([rule], ()) if plan else None)
    return R.PREFILTERS["email"](batch, rule, ())


def _reference(titles: list[str], texts: list[str]) -> np.ndarray:
    n = len(texts)
    return R._Batch(titles, texts, [None] * n, [None] * n).match("joined", PATTERN)


def test_gate_joins_the_native_pass() -> None:
    if R._literal_core() is None:
        pytest.skip("no native literal core")
    plan = R._scan_plan([_rule()], ())
    assert "@" in plan.get("joined_low", ())
    assert R._literal_form("@") is not None


_FIELD = st.lists(st.sampled_from(list("aZ09._%+-@ .,xX\u00e9\u0130\u212a\uff20\ufe6b\u00a0\n") + ["com", "Co"]),
                  max_size=20).map("".join)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(_FIELD, _FIELD), min_size=1, max_size=12))
def test_email_prefilter_equals_re2(rows: list[tuple[str, str]]) -> None:
    titles = [t for t, _ in rows]
    texts = [x for _, x in rows]
    want = _reference(titles, texts)
    assert (_prefilter(titles, texts, plan=True) == want).all()
    assert (_prefilter(titles, texts, plan=False) == want).all()


def test_email_prefilter_examples() -> None:
    titles = ["", "Mail ME", "", "x", "\u0130@"]
    texts = ["write to a.b@Example.COM now", "no at sign.com", "\uff20fullwidth.com a@b", "x@y.zz\n@", "a@b.cd"]
    want = _reference(titles, texts)
    assert want.tolist() == [True, False, False, True, True]
    assert (_prefilter(titles, texts, plan=True) == want).all()
