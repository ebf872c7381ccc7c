"""The refines' kept google-re2 patterns (rules._re2_kept, _re2_search_rows) find exactly the rows pyarrow's
``match_substring_regex`` finds, and the checks give the same frames with them, without them (no package, or
disabled) and whichever side the rows-per-character rule picks (issue 8, fifteenth session, helper ``re2``)."""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.rules as R
from reviewtools.rules import check_each_review, load_rules

TEXTS = [
    "Call me at (206) 555-0143 and I'll tell you more.",
    "Way cheaper at Walmart, found it for less at Target too.",
    "I received this product free in exchange for my honest review.",
    "The seller never shipped my order and customer service was rude.",
    "You idiots shipped it late; the courier lost it. Check out my channel!",
    "Great blender, crushes ice fine.",
    "Visit www.example.com now!!!!!!",
    "Café, naïve ÉCOLE: ＋1 206 555 0100 ext. 12",
]

#: Hand-written patterns for RE2's corners: anchors (a row is its own whole text), empty matches, case, the
#: NUL between title and text, non-ASCII classes, ``(?s)``.
CORNERS = ["^", "$", "^$", "", "(?:^|x)b$", r"(?:^|[^a-zA-Z0-9])cheap(?:er)?(?:[^a-zA-Z0-9]|$)", "(?s)a.b",
           "a.b", r"\x{00}", r"[^\x{00}-\x{7f}]", "A", "é", "(?i)école", r"-(?:[0-9]|[^\x{00}-\x{7f}]){3}-",
           "(a)(b)?c", r"\bice\b", r"\s{2,}"]


def _pyarrow_rows(pattern: str, texts: list[str | None]) -> np.ndarray:
    got = pc.match_substring_regex(pa.array(texts, type=pa.large_string()), pattern)
    return np.asarray(got.to_numpy(zero_copy_only=False), dtype=bool)


def _kept_rows(pattern: str, texts: list[str]) -> np.ndarray:
    arr = pa.array(texts, type=pa.large_string())
    data, offsets = R._arrow_bytes(arr)
    match = R._re2_kept(pattern)
    assert match is not None, pattern
    return R._re2_search_rows(match, data, offsets, np.arange(len(texts)))


def _frames() -> list[pd.DataFrame]:
    per = R._rules_per_platform(load_rules())
    out = []
    for platform in ("amazon", "google", "yelp"):
        f = R._example_frame(platform, per[platform])
        extra = pd.DataFrame({"review_id": [f"t{i}" for i in range(len(TEXTS))], "platform": platform,
                              "marketplace": "amazon.com", "text": TEXTS})
        out.append(pd.concat([f, extra], ignore_index=True))
    return out


@pytest.fixture(scope="module")
def real_patterns() -> list[str]:
    """The patterns the checks refine with on the rules' own examples (every refine sent to the kept path)."""
    seen: dict[str, None] = {}
    kept = R._re2_kept
    saved = R._RE2_ROWS_PER_CHAR, R._re2_kept, R._WARMED

    def record(pattern: str):
        seen[pattern] = None
        return kept(pattern)

    R._RE2_ROWS_PER_CHAR, R._re2_kept, R._WARMED = math.inf, record, set()
    try:
        for f in _frames():
            check_each_review(f)
    finally:
        R._RE2_ROWS_PER_CHAR, R._re2_kept, R._WARMED = saved
    assert len(seen) >= 10 and max(map(len, seen)) > 20000  # the long phrase lists are among them
    return list(seen)


HAS_RE2 = R._re2_binding() is not None
needs_re2 = pytest.mark.skipif(not HAS_RE2, reason="the optional google-re2 package is not installed")


@needs_re2
def test_real_patterns_on_examples(real_patterns):
    texts = [t for f in _frames() for t in f.text.fillna("")]
    texts += [t.lower() for t in texts] + [t + "\x00" + t.lower() for t in TEXTS]
    for p in real_patterns + CORNERS:
        np.testing.assert_array_equal(_kept_rows(p, texts), _pyarrow_rows(p, texts), err_msg=p)


_WORDS = ["cheaper", "less", "expensive", "walmart", "target", "you", "idiot", "shipping", "courier", "seller",
          "exchange", "for", "free", "i'll", "check", "out", "my", "www.", ".com", "son", "use", "deliveries",
          "a", "b", "x", "A", "É", "é", "ECOLE", "206", "555-0143", "+", "＋", "ext", "-12345-", "-1२34-"]
_SEPS = [" ", "  ", "\n", "\t", "\x00", ".", ", ", "!", "\u00a0", "\u2003", "é", ""]
_texts = st.lists(st.builds(lambda ws, seps: "".join(w + s for w, s in zip(ws, seps)),
                            st.lists(st.sampled_from(_WORDS) | st.text(max_size=3), max_size=12),
                            st.lists(st.sampled_from(_SEPS), min_size=12, max_size=12)),
                  min_size=1, max_size=8)


@needs_re2
@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_texts)
def test_real_patterns_on_generated_texts(real_patterns, texts):
    texts += [t.lower() for t in texts]
    for p in real_patterns + CORNERS:
        np.testing.assert_array_equal(_kept_rows(p, texts), _pyarrow_rows(p, texts), err_msg=p)


def _checks(monkeypatch, f: pd.DataFrame, *, per_char: float, disabled: bool = False) -> pd.DataFrame:
    monkeypatch.setattr(R, "_RE2_ROWS_PER_CHAR", per_char)
    monkeypatch.setattr(R, "_RE2_DISABLED", disabled)
    monkeypatch.setattr(R, "_WARMED", set())
    return check_each_review(f)


def test_frames_equal_whichever_side(monkeypatch):
    for f in _frames():
        base = _checks(monkeypatch, f, per_char=0.5, disabled=True)
        assert len(base)
        pd.testing.assert_frame_equal(_checks(monkeypatch, f, per_char=math.inf), base)
        pd.testing.assert_frame_equal(_checks(monkeypatch, f, per_char=0.0), base)
        pd.testing.assert_frame_equal(_checks(monkeypatch, f, per_char=0.5), base)


def test_kept_path_is_taken(monkeypatch):
    """Long patterns over few rows go to the kept pattern (none go there when disabled)."""
    calls = []
    kept = R._re2_kept

    def record(pattern: str):
        calls.append(pattern)
        return kept(pattern)

    monkeypatch.setattr(R, "_re2_kept", record)
    f = _frames()[0]
    _checks(monkeypatch, f, per_char=0.5)
    assert calls and all(len(p) >= 1 for p in calls)
    calls.clear()
    _checks(monkeypatch, f, per_char=math.inf, disabled=True)
    assert not calls


def test_without_the_package(monkeypatch):
    """``import re2`` failing: no binding, pyarrow's kernels, the same frames."""
    f = _frames()[0]
    base = _checks(monkeypatch, f, per_char=math.inf)
    monkeypatch.setitem(sys.modules, "re2", None)  # makes the import raise ImportError
    R._re2_binding.cache_clear()
    R._re2_kept.cache_clear()
    try:
        assert R._re2_binding() is None and R._re2_kept("a") is None
        pd.testing.assert_frame_equal(_checks(monkeypatch, f, per_char=math.inf), base)
    finally:
        R._re2_binding.cache_clear()
        R._re2_kept.cache_clear()


@needs_re2
def test_another_binding_api(monkeypatch):
    """A binding without the expected class: no kept patterns."""
    import re2

    monkeypatch.delattr(re2._re2, "RE2")
    R._re2_binding.cache_clear()
    R._re2_kept.cache_clear()
    try:
        assert R._re2_binding() is None
    finally:
        monkeypatch.undo()
        R._re2_binding.cache_clear()
        R._re2_kept.cache_clear()
    assert R._re2_binding() is not None


def test_missing_rows_stay_on_pyarrow(monkeypatch):
    """A view with a missing row (pyarrow: no match there, even for ``^``) is refined by pyarrow's kernel."""
    monkeypatch.setattr(R, "_RE2_ROWS_PER_CHAR", math.inf)
    texts = ["abc", None, "", "xbc"]
    batch = R._Batch(["", "", "", ""], ["abc", "", "", "xbc"], [None] * 4, [None] * 4,
                     arrays={"text": pa.array(texts, type=pa.large_string())})
    rows = np.ones(4, dtype=bool)
    for p in ("^", "^$", "b", "(?:^|x)b"):
        np.testing.assert_array_equal(batch.refine("text", rows, (p,)), _pyarrow_rows(p, texts), err_msg=p)
    full = R._Batch(["", "", "", ""], ["abc", "", "", "xbc"], [None] * 4, [None] * 4)
    np.testing.assert_array_equal(full.refine("text", rows, ("^$",)), [False, True, True, False])


def test_bad_pattern_left_to_pyarrow():
    assert R._re2_kept("(") is None
    assert R._re2_kept("\ud800") is None  # not UTF-8: pyarrow decides
