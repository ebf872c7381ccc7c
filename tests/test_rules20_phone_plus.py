"""Issue 8, twentieth session (helper ``checks``): the phone prefilter's plus-sign rows from byte counts.

``rules._phone_plus_rows(batch, at)`` must be the rows of ``at`` whose joined title and text hold "+" or the
fullwidth plus U+FF0B: what ``batch.refine("joined", rows, ("[+\\x{ff0b}]",))`` gave (rows with a "+" byte, then
RE2 only on those with a 0xEF byte and no "+"). ``_pre_phone`` with the switch ``_PHONE_PLUS_BYTES`` on must keep
the same rows as with it off, with the native core and without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

PHONE = next(r for r in R.load_rules() if r.detector == "phone")
# "+", the fullwidth plus, other characters whose UTF-8 starts with 0xEF (fullwidth x, a variation selector),
# digits and separators for the runs, markets with different digit needs
PIECES = ("+", "\uff0b", "\uff58", "\ufe0f", "❤\ufe0f", "415-867-5309", "+44 20 7946 0958", "030 1234 5678",
          "12345", "6789", " ", "-", "(", ")", "call ", "ext 12", "2 x 4", "a", "Great", "\n")
MARKETS = ("amazon.com", "amazon.de", "amazon.co.uk", "amazon.co.jp", None, "xx")


def _batch(titles: list[str], texts: list[str], markets: list[str | None]) -> R._Batch:
    frame = pd.DataFrame({"title": titles, "text": texts})
    arrow = {f: R._arrow_str_column(frame, f) for f in ("title", "text")}
    return R._Batch(R._LazyStrings(arrow["title"]), R._LazyStrings(arrow["text"]), markets, [None] * len(texts),
                    arrays=arrow)


def _want_plus(titles: list[str], texts: list[str], at: np.ndarray) -> list[int]:
    return [int(j) for j in at if any(c in titles[j] + "\0" + texts[j] for c in R._PHONE_PLUS)]


def test_plus_rows_examples():
    titles = ["", "a+b", "", "x", "", "\uff0b1"]
    texts = ["no plus", "", "\uff0b44 20 7946 0958", "❤\ufe0f \uff58", "1+1", ""]
    b = _batch(titles, texts, ["amazon.com"] * 6)
    at = np.arange(6)
    got = R._phone_plus_rows(b, at)
    assert np.flatnonzero(got).tolist() == _want_plus(titles, texts, at) == [1, 2, 4, 5]
    assert np.flatnonzero(R._phone_plus_rows(b, np.array([0, 3, 4]))).tolist() == [4]  # only the rows asked
    assert not R._phone_plus_rows(b, np.array([], dtype=np.int64)).any()


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.lists(st.sampled_from(PIECES), max_size=4).map("".join),
                               st.lists(st.sampled_from(PIECES), max_size=10).map("".join),
                               st.sampled_from(MARKETS)), min_size=1, max_size=12),
       pick=st.lists(st.booleans(), min_size=12, max_size=12))
@example(rows=[("", "\ufe0f+", "amazon.com"), ("\uff0b", "", None)], pick=[True] * 12)
def test_plus_rows_and_prefilter_equal_the_old_ones(rows, pick):
    titles, texts, markets = ([r[i] for r in rows] for i in range(3))
    at = np.array([j for j in range(len(rows)) if pick[j]], dtype=np.int64)
    assert np.flatnonzero(R._phone_plus_rows(_batch(titles, texts, markets), at)).tolist() == \
        _want_plus(titles, texts, at)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_PHONE_PLUS_BYTES", True)
        new = R._pre_phone(_batch(titles, texts, markets), PHONE, ())
        mp.setattr(R, "_PHONE_PLUS_BYTES", False)
        old = R._pre_phone(_batch(titles, texts, markets), PHONE, ())
    assert new.tolist() == old.tolist()


def test_without_the_native_core(monkeypatch):
    titles, texts = ["", "+", ""], ["call +44 20 7946 0958", "415-867-5309", "\uff0b1 415 867 5309"]
    markets = ["amazon.co.uk", "amazon.com", "amazon.com"]
    monkeypatch.setattr(R, "_checks_core", lambda: None)
    got = R._phone_plus_rows(_batch(titles, texts, markets), np.arange(3))
    assert np.flatnonzero(got).tolist() == [0, 1, 2]
    new = R._pre_phone(_batch(titles, texts, markets), PHONE, ())
    monkeypatch.setattr(R, "_PHONE_PLUS_BYTES", False)
    assert new.tolist() == R._pre_phone(_batch(titles, texts, markets), PHONE, ()).tolist()


def test_digit_need_follows_the_plus_sign():
    # 6 digits: a valid number only with a plus sign for the UK (phone_digits_needed is smaller with one)
    need_plain, need_plus = R.phone_digits_needed("GB", False), R.phone_digits_needed("GB", True)
    assert need_plus < need_plain
    digits = "1234567890"[:need_plus] + " "
    texts = [f"call {digits}now 12345", f"call +{digits}now 12345"]
    b = _batch(["", ""], texts, ["amazon.co.uk"] * 2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "_PHONE_PLUS_BYTES", False)
        old = R._pre_phone(_batch(["", ""], texts, ["amazon.co.uk"] * 2), PHONE, ())
    assert R._pre_phone(b, PHONE, ()).tolist() == old.tolist()
    assert old.tolist() == [False, True]
