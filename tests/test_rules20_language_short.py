"""Issue 8, twentieth session (helper ``checks``): the language prefilter hands over the "too short" findings.

An ASCII text with fewer than ``LANGUAGE_MIN_CHARS`` ASCII letters on a marketplace with an allow-list gets
exactly one finding from the language detector, ``_too_short(letters)``. The prefilter (``rules._pre_language``
through ``rules._short_texts_known``) now leaves those rows out of its mask and returns them grouped by letter
count in ``_Selection.known``; ``_check_batch`` adds them column-wise. The hit frame must equal the detector's on
every row (``prefilter=False``) and the frame with the switch ``_LANGUAGE_SHORT_KNOWN`` off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal

from reviewtools import rules as R

LANGUAGE = [r for r in R.load_rules() if r.detector == "language" and "amazon" in r.platforms]
MARKETS = ("amazon.com", "amazon.de", "amazon.co.uk", None, "xx", "")
PIECES = ("a", "B", "zz", "word ", "  ", "\n", "\t", "7", "42", ".", "!", "é", "ß", "日本", "Ä", "ı", "\u00a0",
          "The price was fine and it works as described. ", "Das Produkt ist nach zwei Wochen kaputt. ", "ok")


def _frame(texts: list[str | None], markets: list[str | None]) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({"review_id": [f"r{i}" for i in range(n)], "platform": "amazon", "title": "t",
                         "text": texts, "marketplace": markets})


def _both(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_LANGUAGE_SHORT_KNOWN", True)
        new = R.check_each_review(frame, rules=LANGUAGE)
        mp.setattr(R, "_LANGUAGE_SHORT_KNOWN", False)
        old = R.check_each_review(frame, rules=LANGUAGE)
    return new, old, R.check_each_review(frame, rules=LANGUAGE, prefilter=False)


def test_examples_equal_the_detector():
    texts = ["Too short", "   padded short text  ", "", None, "café crème brûlée", "x" * 39, "y" * 40,
             "The price was fine and it works as described. " * 2, "1234 5678 !!!", "Ünïcödé but short",
             "Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr enttäuschend.", "short again"]
    markets = ["amazon.com", "amazon.de", "amazon.com", "amazon.co.uk", "amazon.com", "amazon.com", "amazon.com",
               "amazon.com", None, "amazon.com", "amazon.com", "xx"]
    new, old, ref = _both(_frame(texts, markets))
    assert_frame_equal(new, ref)
    assert_frame_equal(old, ref)
    notes = dict(zip(new.review_id, new.note))
    assert notes["r0"] == "text too short for language detection (8 letters < 40)"
    assert notes["r2"] == notes["r3"] == "text too short for language detection (0 letters < 40)"
    assert notes["r5"] == "text too short for language detection (39 letters < 40)"
    assert notes["r8"].startswith("no marketplace") and notes["r11"].startswith("marketplace 'xx'")


def test_prefilter_groups_the_short_ascii_rows():
    texts = ["Too short", "also short", "Too short?", "é short", "The price was fine and it works as described. " * 2,
             "", None, "ok"]
    markets = ["amazon.com"] * 6 + ["amazon.de", None]
    frame = _frame(texts, markets)
    arr = R._arrow_str_column(frame, "text")
    batch = R._Batch([""] * len(texts), R._LazyStrings(arr), markets, [None] * len(texts), arrays={"text": arr})
    sel = R.PREFILTERS["language"](batch, LANGUAGE[0], ())
    assert isinstance(sel, R._Selection)
    got = {int(j): f for rows, fs in sel.known for j in rows.tolist() for f in fs}
    assert sorted(got) == [0, 1, 2, 5, 6]  # not the non-ASCII one, the long one, nor the row without a list
    assert got[0] == got[2] == R._too_short(8) and got[1] == R._too_short(9) and got[5] == R._too_short(0)
    assert all(np.all(np.diff(rows) > 0) for rows, _ in sel.known)
    assert not sel.mask[[0, 1, 2, 5, 6]].any() and sel.mask[[3, 7]].all()


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.one_of(st.none(), st.lists(st.sampled_from(PIECES), max_size=8).map("".join)),
                               st.sampled_from(MARKETS)), min_size=1, max_size=40))
@example(rows=[("é" + "a" * 39, "amazon.com"), ("a" * 39, "amazon.com"), ("ok", None)])
def test_hits_equal_the_detector_on_every_row(rows):
    frame = _frame([t for t, _ in rows], [m for _, m in rows])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_LANGUAGE_SHORT_KNOWN", True)
        assert_frame_equal(R.check_each_review(frame, rules=LANGUAGE),
                           R.check_each_review(frame, rules=LANGUAGE, prefilter=False))


def test_several_platforms_in_one_block():
    frame = _frame(["Too short", "short", "tiny", "The price was fine and it works as described. " * 2],
                   ["amazon.com"] * 4)
    frame["platform"] = ["amazon", "google", "amazon", "amazon"]
    rules = [r for r in R.load_rules() if r.detector == "language"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_LANGUAGE_SHORT_KNOWN", True)
        new = R.check_each_review(frame, rules=rules)
    assert_frame_equal(new, R.check_each_review(frame, rules=rules, prefilter=False))
