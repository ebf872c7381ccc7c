"""The gibberish prefilter's share bound (issue 8, seventh session) never drops a row the detector finds.

``_gibberish_possible`` keeps a row unless, from the field's bytes alone, it cannot have GIBBERISH_MIN_TOKENS
ASCII tokens with implausible ones at least half of them. Hypothesis draws texts from letters next to
non-ASCII letters and non-letters (which decide whether an ASCII run is a token), digits, underscores and
separators; every row the detector finds must be kept, and whole frames must equal the per-review loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

_PIECES = st.sampled_from(
    ["asdfg", "qwrtp", "zxcvbnm", "bcdfghjklmnp", "ok", "the", "bonjour", "strength", "crwth", "xyz", "aeiou",
     "rhythm", "a" * 27, "b" * 30, "é", "ß", "ж", "дом", "\u0301", "—", "😀", "1", "_", "9x", " ", " ", " ", ".",
     ",", "\n", "-", "'", "Ærø", "ﬁ", "İ", "Σ"])
_TEXTS = st.lists(_PIECES, max_size=14).map("".join)
_RULE = next(r for r in R.load_rules() if r.detector == "gibberish")


def _found(text: str) -> bool:
    rv = R._Review("", text, "amazon", None, None, ())
    return bool(list(R.DETECTORS["gibberish"](rv, {"fields": ["text"]})))


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXTS, min_size=1, max_size=12))
def test_bound_keeps_every_finding(texts: list[str]) -> None:
    batch = R._Batch([""] * len(texts), texts, [None] * len(texts), [None] * len(texts))
    kept = R._gibberish_possible(batch, "text", np.ones(len(texts), dtype=bool))
    for j, t in enumerate(texts):
        if _found(t):
            assert kept[j], t
    some = np.arange(len(texts)) % 2 == 0  # a row subset: rows outside it are never kept
    kept_some = R._gibberish_possible(batch, "text", some)
    assert not (kept_some & ~some).any()
    assert (kept_some == (kept & some)).all()


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXTS, min_size=1, max_size=10))
def test_frames_equal_per_review_loop(texts: list[str]) -> None:
    f = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(texts))], "platform": "amazon",
                      "marketplace": "amazon.com", "title": "", "text": texts})
    for frame in (f, f.astype({"title": "string[pyarrow]", "text": "string[pyarrow]"})):
        pd.testing.assert_frame_equal(R.check_each_review(frame, rules=[_RULE]),
                                      R.check_each_review(frame, rules=[_RULE], prefilter=False))


def test_known_rows() -> None:
    texts = ["asdfghjkl qwrtpsdf zxcvbnm lkjhgfd", "Great product, works well, would buy again",
             "Strength and rhythm: crwth music", "qwrtpé zxcvbé lkjhgé mnbvcé", ""]
    batch = R._Batch([""] * len(texts), texts, [None] * len(texts), [None] * len(texts))
    kept = R._gibberish_possible(batch, "text", np.ones(len(texts), dtype=bool))
    assert kept.tolist() == [True, False, False, True, False]
    assert _found(texts[0]) and not _found(texts[3])
