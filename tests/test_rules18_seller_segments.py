"""The seller-feedback prefilter's per-segment share bound (``rules._logistics_segment_counts``, issue 8).

The prefilter drops a row when X < 1 or X / (X + Y) < the lower share threshold, where, per row whose
lower-casing keeps its length, X >= the detector's logistics sentences and Y <= its sentences of more than
SELLER_FEEDBACK_FILLER_WORDS words that are not logistics sentences. These tests check both bounds against the
detector's own definitions (``_sentences``, ``_ANCHOR_TOKEN``, the logistics matcher, ``_WORDS``) on generated
text glued with sentence ends, newlines, NUL, ``_``, non-ASCII word and non-word characters; that the bound drops
rows; and that ``check_each_review`` gives the per-review loop's frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "ws_literal_rows"),
                                reason="reviewtools._checkcore (ws_literal_rows) not built")

RULE = next(r for r in R.load_rules() if r.detector == "seller_feedback")
ANCHORS = R._anchors(RULE.params)
LOWEST = min(R.SELLER_FEEDBACK_MIXED_SHARE, R.SELLER_FEEDBACK_REMOVABLE_SHARE)

_GLUE = (" ", "  ", ".", "!", "?", "...", "\n", "\x00", "_", "é", "—", "\u00a0", "\u2028", "-", ",", "7", "x",
         "İ", "K", "\t")
_PIECES = ("The package arrived two weeks late", "Seller never answered my emails", "Shipping was fast",
           "box crushed", "Refund took forever", "never arrived", "the order was wrong", "Love it", "Great", "ok",
           "It works well for my kids every day", "a b c d e", "— — — — —", "_a _b _c _d", "é é é é",
           "x_y z_w v_u t_s", "The coffee is bitter and weak", "delivery", "customer service")
_TEXT = st.lists(st.sampled_from(_GLUE + _PIECES), max_size=16).map("".join)


def _detector_bounds(title: str, text: str) -> tuple[int, int]:
    """The detector's logistics sentences and its longer non-logistics text sentences (the lower bound's
    target: title sentences left out), by its own definitions."""
    logistic = R._phrase_regex("logistics")
    logistics = longer = 0
    for fname, s in (("title", title), ("text", text)):
        low = s.lower()
        if fname == "title" and R._STAR_TITLE.match(s):
            continue
        for a, b in R._sentences(s):
            sent, lsent = s[a:b], low[a:b]
            cue = (ANCHORS is None or not ANCHORS.isdisjoint(R._ANCHOR_TOKEN.findall(lsent))) \
                and logistic.search_in(lsent, sent)
            logistics += cue
            longer += fname == "text" and not cue and len(R._WORDS.findall(sent)) > R.SELLER_FEEDBACK_FILLER_WORDS
    return logistics, longer


def _counts(pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    batch = R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * len(pairs), [None] * len(pairs))
    rows = ~batch.case_changed()
    got = R._logistics_segment_counts(batch, rows)
    assert got is not None
    return got[0], got[1], rows


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=6))
def test_segment_counts_bound_the_detectors(pairs):
    x, y, rows = _counts(pairs)
    for j, (title, text) in enumerate(pairs):
        if not rows[j]:
            assert x[j] == y[j] == -1
            continue
        if x[j] < 0:  # a NUL inside a field: no bound
            assert "\x00" in title + text
            continue
        logistics, longer = _detector_bounds(title, text)
        assert x[j] >= logistics, (title, text)
        assert y[j] <= longer, (title, text)


@needs_core
def test_segment_counts_on_chosen_rows():
    pairs = [
        ("", "The box was crushed. The coffee is bitter and weak. It tastes like old socks!"),
        ("Late delivery", "The coffee is bitter and weak"),
        ("", "x y z w v\nThe box was crushed."),  # the first run is no sentence (cut by a newline)
        # no piece starting with an ASCII letter or digit: "é" is a word to the detector, not such a piece
        ("", "The box was crushed. — — — — —. é é é é."),
        ("", "The box\x00was crushed. a b c d e."),  # a NUL inside the text
        ("İ", "The box was crushed. a b c d e."),  # lower-casing changes the title's length: not read
    ]
    x, y, rows = _counts(pairs)
    assert x.tolist() == [1, 1, 1, 1, -1, -1]
    assert y.tolist() == [2, 1, 0, 0, -1, -1]
    assert rows.tolist() == [True] * 5 + [False]


@needs_core
def test_the_bound_drops_rows_without_a_finding():
    pairs = [("", "The box was crushed. The coffee is bitter and weak. It tastes like old socks!"),
             ("", "The box was crushed. Refund took forever."), ("", "Love it. Great coffee for the price.")]
    batch = R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * 3, [None] * 3)
    short = R._logistics_share_short(batch, ~batch.case_changed(), LOWEST)
    assert short.tolist() == [True, False, True]
    found = [list(R._detect_seller_feedback(R._Review(t, x, "amazon", None, None), RULE.params)) for t, x in pairs]
    assert [bool(f) for f in found] == [False, True, False]


@needs_core
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=8))
def test_prefilter_keeps_every_row_with_a_finding(pairs):
    batch = R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * len(pairs), [None] * len(pairs))
    sel = R.PREFILTERS["seller_feedback"](batch, RULE, ())
    for j, (title, text) in enumerate(pairs):
        found = list(R._detect_seller_feedback(R._Review(title, text, "amazon", None, None), RULE.params))
        assert not found or sel.mask[j], (title, text)


def test_frames_equal_per_review_loop():
    pieces = _PIECES + ("The package arrived two weeks late. Seller never answered my emails.",)
    texts = [g.join((a, b, c)) for g in (". ", "\n", "! ", " ") for a in pieces[:6] for b in pieces[6:12]
             for c in pieces[12:14]]
    f = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(texts))], "platform": "amazon",
                      "marketplace": "US", "title": "", "text": texts})
    got = R.check_each_review(f, rules=[RULE])
    pd.testing.assert_frame_equal(got, R.check_each_review(f, rules=[RULE], prefilter=False))
    assert (got.outcome == "hit").any()


def test_without_the_module_no_counts(monkeypatch):
    monkeypatch.setattr(R, "_literal_core", lambda: None)
    batch = R._Batch([""], ["The box was crushed. a b c d e. f g h i j."], [None], [None])
    assert R._logistics_segment_counts(batch, np.ones(1, dtype=bool)) is None
    assert not R._logistics_share_short(batch, np.ones(1, dtype=bool), LOWEST).any()
