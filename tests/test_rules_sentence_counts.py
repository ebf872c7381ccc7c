"""The seller-feedback prefilter's native sentence counts (``_checkcore.sentence_counts``, issue 8).

The prefilter drops a row when the anchored sentences' upper bound A is below 1 or below ``lowest`` times the
longer sentences' lower bound L. The native counter must therefore give, on every row whose lower-casing keeps
its length, A >= the detector's anchored sentences and L <= its sentences of more than
SELLER_FEEDBACK_FILLER_WORDS words. These tests check

* the C code against a byte-level model of what its docstring says (regex splits in Python);
* the two bounds against the detector's own definitions (``_sentences``, ``_ANCHOR_TOKEN``, ``_WORDS``) on
  adversarial text: anchors beside non-ASCII non-word characters, ``_``, digits, NUL, newlines, sentence ends;
* the prefilter's rows and ``check_each_review``'s frame against the RE2 path and the plain per-review loop.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "sentence_counts"),
                                reason="reviewtools._checkcore (sentence_counts) not built")

RULE = next(r for r in R.load_rules() if r.detector == "seller_feedback")
ANCHORS = R._anchors(RULE.params)
WORDS = R._sentence_words(ANCHORS)
PIECES = R.SELLER_FEEDBACK_FILLER_WORDS + 1

_GLUE = (" ", "  ", ".", "!", "?", "...", "\n", "\x00", "_", "é", "—", "\u00a0", "\u3000", "\u2028", "-", "'",
         ",", "7", "x", "İ", "Σ", "\x7f", "\x1f", "\t", "ß", "ǅ", "K")
_TOKENS = ("box", "Box", "BOX", "boxes", "arrived", "seller", "ship", "shipping", "delivery", "refund", "a", "b",
           "c", "d", "e", "ok", "one two three four", "caf", "x_y", "42", "a1", "ünïcode", "customer service",
           "Five Stars", "item")


def _sample(draw_list) -> str:
    return "".join(draw_list)


_TEXT = st.lists(st.sampled_from(_GLUE + _TOKENS), max_size=40).map(_sample)


def _native(view_bytes: list[bytes], words, pieces: int) -> tuple[list[int], list[int]]:
    data = np.frombuffer(b"".join(view_bytes) or b"\0", dtype=np.uint8)[: sum(map(len, view_bytes))]
    offsets = np.zeros(len(view_bytes) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(b) for b in view_bytes])
    anchored = np.full(len(view_bytes), -1, dtype=np.int64)
    longer = np.full(len(view_bytes), -1, dtype=np.int64)
    blob = "".join(words or ()).encode("ascii")
    lens = np.asarray([len(w) for w in words or ()], dtype=np.int32)
    CORE.sentence_counts(data, offsets, blob, lens, pieces, anchored, longer)
    return anchored.tolist(), longer.tolist()


def _model_anchored(row: bytes, words) -> int:
    """The docstring's definition: segments cut at . ! ? \\n NUL holding a maximal [A-Za-z0-9]+ run in words."""
    want = {w.encode() for w in words}
    return sum(1 for seg in re.split(rb"[.!?\n\x00]", row) if want.intersection(re.findall(rb"[A-Za-z0-9]+", seg)))


def _model_longer(row: bytes, pieces: int) -> int:
    """Segments cut at . ! ? \\n ending with . ! ? or the row's end, holding >= pieces pieces (cut at the ASCII
    bytes other than letters, digits and _) with an ASCII letter or digit."""
    n = 0
    for m in re.finditer(rb"[^.!?\n]*(?:[.!?]|\n|\Z)", row):
        seg = m.group()
        if seg.endswith(b"\n") or not seg and m.start() == len(row) and row:
            continue
        parts = re.split(rb"[\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]", seg)
        if sum(1 for p in parts if re.search(rb"[A-Za-z0-9]", p)) >= pieces:
            n += 1
    return n


def _detector_counts(title: str, text: str) -> tuple[int, int]:
    """The detector's anchored sentences (both fields, lower-cased tokens) and, in the text, its sentences of
    more than SELLER_FEEDBACK_FILLER_WORDS words (title star-lines not skipped: that only makes this larger)."""
    anchored = sum(1 for s in (title, text) for a, b in R._sentences(s)
                   if not ANCHORS.isdisjoint(R._ANCHOR_TOKEN.findall(s.lower()[a:b])))
    longer = sum(1 for a, b in R._sentences(text) if len(R._WORDS.findall(text[a:b])) > R.SELLER_FEEDBACK_FILLER_WORDS)
    return anchored, longer


def test_words_are_the_token_anchors():
    assert WORDS is not None and set(WORDS) == {w for w in ANCHORS if R._ANCHOR_TOKEN.fullmatch(w)}
    assert R._sentence_words(frozenset({"box", "u.s."})) == ("box",)
    assert R._sentence_words(frozenset({"box", "café"})) is None


@needs_core
def test_counts_on_chosen_rows():
    rows = [b"", b"box", b"box box. box", b"a box\x00box", b"no.box!ship?x", b"boxes", b"box_", b"_box",
            b"\xe2\x80\x94box\xc2\xa0", b"7box", b"arrived\narrived", b"x" * 70 + b" box", b"bo", b"bo x"]
    anchored, _ = _native(rows, ("box", "ship", "arrived"), 0)
    assert anchored == [0, 1, 2, 2, 2, 0, 1, 1, 1, 0, 2, 1, 0, 0]
    texts = [b"one two three four five six seven eight. a b c. d e f g! x", b"caf\xc3\xa9x b c d", b"a_b c d e",
             b"a b c", b"x y z w v\nThe box was crushed.", b"a b c d e\n", b"a b c d", b"a-b-c-d?", b"a\xc3\xa9b c d",
             b"1 2 3 4", b"a\x00b\x00c\x00d", b"a b c d...", b"_ _ _ _ a b c", b""]
    _, longer = _native(texts, (), PIECES)
    assert longer == [2, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 0]
    assert longer == [_model_longer(t, PIECES) for t in texts]
    untouched = _native([b"box"], (), 0)
    assert untouched == ([-1], [-1])  # neither written


@needs_core
@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_TEXT, min_size=1, max_size=6))
def test_native_counts_follow_their_definition(rows):
    data = [r.lower().encode("utf-8") for r in rows]
    anchored, _ = _native(data, WORDS, 0)
    assert anchored == [_model_anchored(b, WORDS) for b in data]
    raw = [r.encode("utf-8") for r in rows]
    _, longer = _native(raw, (), PIECES)
    assert longer == [_model_longer(b, PIECES) for b in raw]


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=6))
def test_native_counts_bound_the_detectors(pairs):
    batch = R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * len(pairs), [None] * len(pairs))
    rows = ~batch.case_changed()
    a_ub = batch.sentence_counts("joined_low", rows, WORDS)
    l_lb = batch.sentence_counts("text", rows, None)
    for j, (title, text) in enumerate(pairs):
        if not rows[j]:
            continue
        anchored, longer = _detector_counts(title, text)
        assert a_ub[j] >= anchored, (title, text)
        assert l_lb[j] <= longer, (title, text)


def _pairs() -> list[tuple[str, str]]:
    out = []
    logistic = ("The package arrived two weeks late", "Seller never answered my emails", "Shipping was fast",
                "box crushed", "Refund took forever")
    filler = ("Love it", "Great", "ok", "It works well for my kids every day", "a b c d e")
    for g in _GLUE:
        for i, lg in enumerate(logistic):
            f = filler[i % len(filler)]
            out.append(("", lg + g + f + "."))
            out.append((lg + g, f + g + "x y z w" + g))
            out.append(("Five Stars", g.join((lg, lg, f, f))))
            out.append((g + "box" + g, f + g + f + "!" + lg))
    return out


@needs_core
def test_prefilter_rows_within_the_regex_paths(monkeypatch):
    """Every row the RE2 bound keeps and the detector reports, the native bound keeps too."""
    pairs = _pairs()
    n = len(pairs)
    batch = R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * n, ["amazon"] * n)
    native = R.PREFILTERS["seller_feedback"](batch, RULE, ()).mask
    monkeypatch.setattr(R, "_sentence_words", lambda anchors: None)
    plain = R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * n, ["amazon"] * n)
    regex = R.PREFILTERS["seller_feedback"](plain, RULE, ()).mask
    for j, (title, text) in enumerate(pairs):
        found = list(R._detect_seller_feedback(R._Review(title, text, "amazon", None, None), RULE.params))
        assert not found or (native[j] and regex[j]), (title, text)
    assert native.any() and native.sum() <= n


def test_frames_equal_per_review_loop():
    pairs = _pairs()
    f = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(pairs))], "platform": "amazon",
                      "marketplace": "US", "title": [t for t, _ in pairs], "text": [x for _, x in pairs]})
    rules = [RULE]
    got = R.check_each_review(f, rules=rules)
    pd.testing.assert_frame_equal(got, R.check_each_review(f, rules=rules, prefilter=False))
    assert len(got)
