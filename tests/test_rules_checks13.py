"""Issue 8, thirteenth session (helper ``checks``): two exact shortcuts in the per-review checks.

* ``_detect_seller_feedback`` searches the anchored sentences' logistics cues longer sentences first and stops as
  soon as the share can no longer reach the lowest threshold (at most found + not yet searched logistics sentences
  over at least the longer ones without a cue so far). It must give exactly the findings of the detector that runs
  every search (``_plain_seller_feedback`` below, the detector as it was before any early exit).
* The order-number prefilter reads ``-`` + seven characters that are each an ASCII digit or non-ASCII + ``-``
  (``rules._re2_order``) instead of ``-.{7}-``: every ``_ORDER`` match (Unicode ``\\d``) holds such a piece.
* The seller-feedback prefilter bounds its last rows again with ``_checkcore.sentence_counts(..., joint=1)``: the
  text's longer segments without an anchor word run (``rules._joint_sentence_counts``), checked here against its
  definition and against the detector's own count of such sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R


def _plain_seller_feedback(rv: R._Review, params: Mapping[str, Any]) -> Iterator[R.Finding]:
    """The seller-feedback detector with every search run, in the sentences' order (no early exit)."""
    anchors = R._anchors(params)
    if rv.lacks(anchors):
        return
    logistic, product = R._phrase_regex("logistics"), R._phrase_regex("product_cues")
    evaluative = R._word_regex("evaluative")
    sentences = []
    for fname in R.FIELDS:
        s, low = rv.get(fname), rv.lower(fname)
        if fname == "title" and R._STAR_TITLE.match(s):
            continue
        for a, b in R._sentences(s):
            sent, lsent = s[a:b], low[a:b]
            cue = (anchors is None or not anchors.isdisjoint(R._ANCHOR_TOKEN.findall(lsent))) and logistic.search_in(
                lsent, sent)
            sentences.append((fname, a, b, sent, lsent, cue))
    if not any(sn[5] for sn in sentences):
        return
    counted = longest = 0
    spans = []
    for fname, a, b, sent, lsent, is_logistic in sentences:
        n_words = len(R._WORDS.findall(sent))
        if is_logistic:
            counted += 1
            if not product.search_in(lsent, sent):
                spans.append((fname, a, b))
                longest = max(longest, n_words)
        elif (n_words > R.SELLER_FEEDBACK_FILLER_WORDS or product.search_in(lsent, sent)
              or evaluative.search_in(lsent, sent)):
            counted += 1
    if not spans:
        return
    share = len(spans) / counted
    note = f"{len(spans)} of {counted} sentences about seller/order/delivery/service (share {share:.2f})"
    text_spans = [sp for sp in spans if sp[0] == "text"]
    if share >= R.SELLER_FEEDBACK_REMOVABLE_SHARE:
        weak = longest > R.SELLER_FEEDBACK_STRONG_MAX_WORDS
        if weak:
            note += f"; a {longest}-word sentence may say more than its logistics cue, so a person should read it"
        if text_spans:
            yield R._finding(rv, "text", text_spans[0][1], text_spans[-1][2], note, weak=weak)
        else:
            yield R._finding(rv, spans[0][0], spans[0][1], spans[-1][2], note, weak=weak)
    elif share >= R.SELLER_FEEDBACK_MIXED_SHARE:
        f, a, b = spans[0]
        yield R._finding(rv, f, a, b, note + "; mixed with product content, so not removable", weak=True,
                         not_removal=True)


#: Anchored sentences with a logistics cue (short and longer), anchored ones without (short and longer), product,
#: evaluative and filler sentences: the early exit can fire after any number of searches.
SENTENCES = (
    "The package arrived two weeks late.", "Seller never answered my emails.", "Shipping was fast!",
    "It never arrived", "The box was crushed.", "Refund took forever.", "Customer service was rude",
    "the seller shipped it in a flimsy envelope", "Delivered.", "Box arrived.",
    "The box is pretty and the colors of the box are bright and cheerful.", "Box.", "Nice box",
    "My company loves the design of this small thing a lot.", "The email address on the label was mine",
    "The coffee is bitter and weak, I would not buy it again.", "The product itself is fine.", "Great taste.",
    "Yum", "Very disappointed.", "Love it", "ok", "Tastes great and arrived quickly.", "İ ORDERED TWO",
    "Delivered to the wrong address again and again and again by the same courier who never reads the label on "
    "the parcel or the notes we leave on the door for him every single week of the year.",
)


def _rules() -> list[R.Rule]:
    return [r for r in R.load_rules() if r.detector == "seller_feedback"]


def _same(title: str, text: str) -> list[R.Finding]:
    found: list[R.Finding] = []
    for rule in _rules():
        for vine in (None, True):
            new = list(R._detect_seller_feedback(R._Review(title, text, "amazon", None, vine), rule.params))
            old = list(_plain_seller_feedback(R._Review(title, text, "amazon", None, vine), rule.params))
            assert new == old, (title, text)
            found += new
    return found


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.sampled_from(("", "Five Stars", "Late delivery", "Great", "Never arrived!", "Box arrived. Nice")),
       parts=st.lists(st.sampled_from(SENTENCES), max_size=12), sep=st.sampled_from((" ", "\n", "  ", "")))
def test_seller_feedback_early_exits_give_the_plain_detectors_findings(title, parts, sep):
    _same(title, sep.join(parts))


def test_seller_feedback_share_at_the_threshold_is_kept():
    """3 logistics sentences of 5 counted: a share of exactly 0.6 (the mixed threshold) is a finding; an exit
    on ``<=`` instead of ``<`` would drop it."""
    parts = ["The package arrived two weeks late.", "Seller never answered my emails.", "Refund took forever.",
             "The coffee is bitter and weak, I would not buy it again.", "The product itself is fine."]
    text = " ".join(parts)
    found = _same("", text)
    assert found and all(f.not_removal and "share 0.60" in f.note for f in found)
    # the same with the two longer sentences first, and with a third longer one (share 0.5: none)
    assert _same("", " ".join(parts[::-1]))
    assert not _same("", text + " The lid is tight and the handle feels solid in my hand.")


def test_seller_feedback_stops_searching_early(monkeypatch):
    """Once the share cannot reach the threshold no further logistics sentence is searched. Five anchored
    sentences: the two longer ones (searched first) have no cue (at most 3 of 5 left), "Box arrived." has one (3
    of 5), "Box." none: at most 2 of 4, under 0.6, so "Delivered." is never searched."""
    calls: list[str] = []
    real = R._phrase_regex

    class Counting:
        def __init__(self, m: R._Matcher) -> None:
            self.m = m

        def search_in(self, low: str, original: str) -> bool:
            calls.append(original)
            return self.m.search_in(low, original)

    monkeypatch.setattr(R, "_phrase_regex", lambda name: Counting(real(name)) if name == "logistics" else real(name))
    text = ("Box arrived. Box. The box is pretty and the colors of the box are bright and cheerful. Delivered. "
            "The coffee is bitter and weak, I would not buy it again.")
    for rule in _rules():
        calls.clear()
        assert not list(R._detect_seller_feedback(R._Review("", text, "amazon", None, None), rule.params))
        assert calls == ["The box is pretty and the colors of the box are bright and cheerful.",
                         "The coffee is bitter and weak, I would not buy it again.", "Box arrived.", "Box."], calls
    monkeypatch.undo()
    _same("", text)


# ------------------------------------------------------------------------------------------------ order number

_DIGITS = "0123456789" + "٠١٢٣٤٥٦٧٨٩" + "０１２３" + "०१२" + "𝟎𝟏"  # ASCII, Arabic-Indic, fullwidth, Devanagari, math


def _re2_rows(texts: list[str], pattern: str) -> list[bool]:
    return pc.match_substring_regex(pa.array(texts, type=pa.large_string()), pattern).to_pylist()


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_DIGITS + "--- x.\x00é🙂"), max_size=40), min_size=1, max_size=20))
def test_order_pattern_holds_wherever_the_detector_matches(texts):
    got = _re2_rows(texts, R._re2_order())
    for s, hit in zip(texts, got):
        if R._ORDER.search(s):
            assert hit, s


def test_order_pattern_reads_unicode_digits_as_one_character_each():
    ids = ["112-1234567-1234567", "112-١٢٣٤٥٦٧-1234567", "１１２-１２３４５６７-１２３４５６７", "112-𝟎𝟏𝟎𝟏𝟎𝟏𝟎-1234567"]
    assert all(R._ORDER.search(s) for s in ids)
    assert _re2_rows(ids, R._re2_order()) == [True] * 4
    # not order ids: too few characters between the hyphens, letters, ASCII punctuation
    assert _re2_rows(["112-123456-1234567", "a-bcdefgh-i", "1-23.4567-8", "2019-01-02 - 2020-03-04"],
                     R._re2_order()) == [False] * 4


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=st.sampled_from(_DIGITS + "-- xA"), max_size=25),
                          st.text(alphabet=st.sampled_from(_DIGITS + "-- xA"), max_size=25)), min_size=1, max_size=8))
def test_order_prefilter_keeps_every_row_with_a_finding(rows):
    titles, texts = [t for t, _ in rows], [x for _, x in rows]
    batch = R._Batch(titles, texts, [None] * len(rows), [None] * len(rows))
    for rule in (r for r in R.load_rules() if r.detector == "order_number"):
        mask = R.PREFILTERS["order_number"](batch, rule, ())
        for j, (title, text) in enumerate(rows):
            if list(R._detect_order(R._Review(title, text, "amazon", None, None), rule.params)):
                assert mask[j], (title, text)


def test_check_each_review_with_order_ids_equals_the_reference():
    texts = ["Order 112-1234567-1234567 came", "order ١١٢-١٢٣٤٥٦٧-١٢٣٤٥٦٧ came", "dates 2019-01-02 and 12-345678-9",
             "code 112-1234567-12345678 no", "x-1234567-y", "nothing here"]
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(texts))], "platform": ["amazon"] * len(texts),
                          "marketplace": ["amazon.com"] * len(texts), "title": ["t 999-7654321-7654321", *[""] * 5],
                          "text": texts})
    rules = [r for r in R.load_rules() if r.detector in ("order_number", "seller_feedback")]
    got = R.check_each_review(frame, rules=rules)
    want = R._check_each_review_reference(frame, rules=rules)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
    assert set(got[got.rule_id.str.contains("ORDER")].review_id) == {"r0", "r1"}


def test_order_pattern_is_tied_to_the_detectors_regex():
    assert R._ORDER.pattern == r"(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])"
    assert re.search(r"\d", "١") and not re.search(r"[0-9]", "١")  # Unicode \d: the reason for the non-ASCII class


# --------------------------------------------------------------------- seller feedback: the joint column count

_core = R._literal_core()
_WORDS_13 = ("box", "ship", "arrived", "a1", "delivery")
_PIECES = R.SELLER_FEEDBACK_FILLER_WORDS + 1


def _joint_reference(s: str, words: tuple[str, ...], pieces: int) -> int:
    """The definition: segments cut at .!?\\n that end with .!? or the text's end, with at least ``pieces`` pieces
    (cut at ASCII characters other than letters, digits and _) holding an ASCII letter or digit, and no maximal
    run of ASCII letters and digits equal to one of ``words``."""
    count = 0
    for m in re.finditer(r"[^.!?\n]*(?:[.!?]|\n|$)", s):
        seg = m.group()
        if not seg or seg.endswith("\n"):
            continue
        body = seg[:-1] if seg[-1:] in ".!?" else seg
        if m.end() < len(s) and seg[-1:] not in ".!?":
            continue
        n = sum(1 for p in re.split(r"[\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]", body) if re.search("[A-Za-z0-9]", p))
        if n >= pieces and not set(re.findall(r"[A-Za-z0-9]+", body)) & set(words):
            count += 1
    return count


def _joint_native(texts: list[str], words: tuple[str, ...], pieces: int) -> list[int]:
    arr = pa.array(texts, type=pa.large_string())
    data, offsets = R._arrow_bytes(arr)
    got = np.zeros(len(texts), dtype=np.int64)
    _core.sentence_counts(data, offsets, "".join(words).encode(), np.asarray([len(w) for w in words], dtype=np.int32),
                          pieces, np.zeros(len(texts), dtype=np.int64), got, 1)
    return got.tolist()


_JOINT_ALPHABET = st.sampled_from(("box", "Box", "ship", "arrived", "a1", "a", "bc", "boxes", "_", "é", " ", "  ", ".",
                                   "!", "?", "...", "\n", "\x00", "-", "1", "x y", "delivery", "ß", "K"))

needs_core = pytest.mark.skipif(_core is None or not R._joint_sentence_counts(_core),
                                reason="native core with the joint count")


@needs_core
@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.lists(_JOINT_ALPHABET, max_size=30).map("".join), min_size=1, max_size=10),
       st.sampled_from((1, 2, _PIECES)))
def test_joint_count_is_its_definition(texts, pieces):
    assert _joint_native(texts, _WORDS_13, pieces) == [_joint_reference(s, _WORDS_13, pieces) for s in texts]


@needs_core
def test_joint_count_examples():
    w = ("box",)
    assert _joint_native(["a b c d. e f g h", "a b c box. e f g h!", "a b c d\ne f g h", "a_b c d.", "a b c boxy."],
                         w, 4) == [2, 1, 1, 0, 1]
    # a word run cut by a byte that is not an ASCII letter or digit, a run ending at the row's end, a long word
    assert _joint_native(["é box b c d", "a b c box", "a b c deliveryman"], ("box", "deliveryman"), 4) == [0, 0, 0]
    with pytest.raises(ValueError):
        _core.sentence_counts(b"", np.zeros(1, dtype=np.int64), b"", np.zeros(0, dtype=np.int32), 4,
                              np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 1)


@needs_core
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(SENTENCES + ("x y z w v", "İ", "Σ", "—", "\u2028", "é", "_")),
                          st.sampled_from((" ", "\n", "", ".", "é", "\x00", "  "))), max_size=10))
def test_joint_count_bounds_the_detectors_unanchored_longer_sentences(parts):
    """On text_low, the count is at most the detector's sentences of more than FILLER words without an anchor."""
    text = "".join(p + sep for p, sep in parts)
    if len(text.lower()) != len(text):
        return  # the prefilter bounds no such row
    for rule in _rules():
        anchors = R._anchors(rule.params)
        words = R._sentence_words(anchors)
        got = _joint_native([text.lower()], words, _PIECES)[0]
        want = sum(1 for a, b in R._sentences(text)
                   if anchors.isdisjoint(R._ANCHOR_TOKEN.findall(text.lower()[a:b]))
                   and len(R._WORDS.findall(text[a:b])) > R.SELLER_FEEDBACK_FILLER_WORDS)
        assert got <= want, text


def test_joint_bound_drops_a_row_the_old_bound_kept():
    """An anchored title and one anchored and two unanchored longer sentences in the text: A = 2 and L = 3 (the
    old bound A / L = 0.67 keeps the row), C = 2 (A / (A + C) = 0.5 < 0.6: dropped), and the detector indeed
    reads 2 / (2 + 2)."""
    rule = _rules()[0]
    title, text = "Box arrived", "The box was crushed. The coffee is bitter and weak today. The lid feels solid in my hand."
    assert not list(R._detect_seller_feedback(R._Review(title, text, "amazon", None, None), rule.params))
    if _core is None or not R._joint_sentence_counts(_core):
        return
    batch = R._Batch([title], [text], [None], [None])
    rows = np.ones(1, dtype=bool)
    words = R._sentence_words(R._anchors(rule.params))
    a_ub = batch.sentence_counts("joined_low", rows, words)[0]
    assert (a_ub, batch.sentence_counts("text", rows, None)[0]) == (2, 3)
    assert batch.sentence_counts("text_low", rows, words, joint=True)[0] == 2
    assert not R.PREFILTERS["seller_feedback"](batch, rule, ()).mask[0]


# ------------------------------------------------------------------------------- links: a scheme host needs a dot

_LINK_PARTS = ("http://", "HTTPS://", "ftp://", "www.", "WWW.", "url_removed", "example", ".", ".com", ".co.uk", "/",
               "?tag=x", "=", "bit.ly", "amazon", " ", "\u2028", "\xa0", "\x0b", "\x1c", "(", "]", "\"", "@", ":",
               "İ", "K", "a", "x/y", "\x00")


def _link_rules() -> list[R.Rule]:
    return [r for r in R.load_rules() if r.detector == "link"]


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.sampled_from(_LINK_PARTS), max_size=6).map("".join),
                          st.lists(st.sampled_from(_LINK_PARTS), max_size=12).map("".join)), min_size=1, max_size=8))
def test_link_prefilter_keeps_every_row_with_a_finding(rows):
    titles, texts = [t for t, _ in rows], [x for _, x in rows]
    batch = R._Batch(titles, texts, [None] * len(rows), [None] * len(rows))
    for rule in _link_rules():
        mask = R.PREFILTERS["link"](batch, rule, ())
        for j, (title, text) in enumerate(rows):
            if list(R._detect_link(R._Review(title, text, "amazon", None, None), rule.params)):
                assert mask[j], (rule.params.get("kind"), title, text)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(_LINK_PARTS), max_size=14).map("".join))
@example("http://url_removed.com")
@example("HTTPS://A:B@X_Y.İO/")
@example("ftp://1.2")
@example("http://\xa0x.y")
def test_scheme_dot_pattern_holds_wherever_a_scheme_link_has_a_dotted_host(s):
    links = [ln for ln in R._find_links(R._Review("", s, "amazon", None, None), "text") if ln.has_scheme]
    if any(s[ln.start:ln.end].lower().startswith(("http://", "https://", "ftp://")) for ln in links):
        assert _re2_rows([s.lower()], R._RE2_SCHEME_DOT) == [True], s


def test_link_rows_without_a_dotted_scheme_host_are_dropped():
    texts = ["see http://url_removed for it", "see http://example.com/x", "HTTP://URL_REMOVED.", "http://a b.com",
             "www.example", "go to example.com now", "http://url_removed and bit.ly/abc"]
    batch = R._Batch([""] * len(texts), texts, [None] * len(texts), [None] * len(texts))
    rule = next(r for r in _link_rules() if r.params.get("kind") == "external")
    assert R.PREFILTERS["link"](batch, rule, ()).tolist() == [False, True, True, True, True, True, True]
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(texts))], "platform": ["amazon"] * len(texts),
                          "marketplace": ["amazon.com"] * len(texts), "text": texts})
    pd.testing.assert_frame_equal(R.check_each_review(frame, rules=_link_rules()).reset_index(drop=True),
                                  R._check_each_review_reference(frame, rules=_link_rules()).reset_index(drop=True))


# --------------------------------------------------------------- word runs: rows with a non-ASCII space, natively

_RUN_PARTS = ("love", "Love", "LOVE", "x", "σ", "ς", "Σ", "é", "İ", "ab", " ", ",", ".", "!", "\xa0", "\u2028",
              "\u3000", "\x85", "\u2009", "\n", "_", "1")


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.sampled_from(_RUN_PARTS), max_size=8).map("".join),
                          st.lists(st.sampled_from(_RUN_PARTS), max_size=24).map("".join)), min_size=1, max_size=8))
@example([("", "love\u2028love\u2028love\u2028love\u2028love"), ("x\xa0x\xa0x\xa0x\xa0x", ""),
          ("", "ab ab\u3000ab,ab.\x85ab and more words here to read on")])
def test_word_run_prefilter_keeps_every_row_with_a_finding(rows):
    titles, texts = [t for t, _ in rows], [x for _, x in rows]
    batch = R._Batch(titles, texts, [None] * len(rows), [None] * len(rows))
    for rule in (r for r in R.load_rules() if r.detector == "word_run"):
        mask = R.PREFILTERS["word_run"](batch, rule, ())
        for j, (title, text) in enumerate(rows):
            if list(R._detect_word_run(R._Review(title, text, "amazon", None, None), rule.params)):
                assert mask[j], (title, text)


def test_word_run_rows_with_wide_spaces_are_read_natively():
    nb = "\xa0"
    texts = [f"great{nb}soap, love it", f"love{nb}love love{nb}love, love", f"bad\u2028bad\u2028bad\u2028bad\u2028bad",
             f"Σ{nb}word", f"ok{nb}ok ok", "İ love it"]
    batch = R._Batch([""] * len(texts), texts, [None] * len(texts), [None] * len(texts))
    rule = next(r for r in R.load_rules() if r.detector == "word_run")
    mask = R.PREFILTERS["word_run"](batch, rule, ()).tolist()
    native = _core is not None and hasattr(_core, "word_runs")
    assert mask == ([False, True, True, True, False, True] if native else [True, True, True, True, True, True])
    assert [bool(list(R._detect_word_run(R._Review("", t, "amazon", None, None), rule.params))) for t in texts][1:3] \
        == [True, True]
