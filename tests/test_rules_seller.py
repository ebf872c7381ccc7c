"""Seller feedback's early exits (issue 8) give exactly the findings of the detector without them.

``_detect_seller_feedback`` now stops before its logistics, product and evaluative searches when even the best
case cannot reach the lowest share threshold. ``_plain_seller_feedback`` below is the detector as it was before
(every search run); both must yield the same findings on real snippets and generated mixes of logistics, product,
evaluative and filler sentences.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

FIXTURES = Path(__file__).parent / "fixtures"


def _plain_seller_feedback(rv: R._Review, params: Mapping[str, Any]) -> Iterator[R.Finding]:
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


SENTENCES = (
    "The package arrived two weeks late.", "Seller never answered my emails.", "Shipping was fast!",
    "It never arrived", "The box was crushed.", "Great taste.", "Yum", "Very disappointed.", "Five Stars",
    "The coffee is bitter and weak, I would not buy it again.", "Love it", "Refund took forever.",
    "Customer service was rude", "The order was wrong", "Nice", "ok", "The product itself is fine.",
    "Delivered to the wrong address again and again and again by the same courier who never reads the label on "
    "the parcel or the notes we leave on the door for him every single week of the year.",
    "Tastes great and arrived quickly.", "İ ORDERED TWO", "the seller shipped it in a flimsy envelope",
)


def _rules() -> list[R.Rule]:
    return [r for r in R.load_rules() if r.detector == "seller_feedback"]


def _same(title: str, text: str) -> None:
    for rule in _rules():
        new = list(R._detect_seller_feedback(R._Review(title, text, "amazon", None, None), rule.params))
        old = list(_plain_seller_feedback(R._Review(title, text, "amazon", None, None), rule.params))
        assert new == old, (title, text)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.sampled_from(("", "Five Stars", "Late delivery", "Great", "Never arrived!")),
       parts=st.lists(st.sampled_from(SENTENCES), max_size=9), sep=st.sampled_from((" ", "\n", "  ", "")))
def test_early_exits_give_the_plain_detectors_findings(title, parts, sep):
    _same(title, sep.join(parts))


def test_real_snippets_give_the_plain_detectors_findings():
    path = FIXTURES / "vader" / "amazonReviewSnippets_GroundTruth.txt"
    lines = [ln.split("\t")[-1] for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()][:400]
    for a, b in zip(lines, lines[1:]):
        _same("", a + " " + b)
    for s in SENTENCES:
        _same("", s)


def test_the_generated_mixes_include_removable_and_mixed_findings():
    rule = _rules()[0]
    found = [list(R._detect_seller_feedback(R._Review("", t, "amazon", None, None), rule.params)) for t in (
        "The package arrived two weeks late. Seller never answered my emails.",
        "The box was crushed. Refund took forever. Love it")]
    assert found[0] and not found[0][0].not_removal
    assert found[1] and found[1][0].not_removal


_TRICKY = ("ship", "box", "arrived.Box", "é", "_", "a_b c_d", "u.s.", "İ", "\u2028", "—", "!?", "\n", "...",
           "x y z w v", "Σ", "\x00")


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(
    st.sampled_from(("", "Five Stars", "Late delivery", "Great", "Never arrived!", "box")),
    st.lists(st.sampled_from(SENTENCES + _TRICKY), max_size=9),
    st.sampled_from((" ", "\n", "  ", "", ".", "_", "é"))), min_size=1, max_size=8))
def test_column_bound_keeps_every_row_with_a_finding(rows):
    """The prefilter's share bound (anchor starts counted in the lower-cased fields, longer sentences in the
    text) never drops a row the detector reports: generated mixes glued with separators that join or split
    sentences and tokens."""
    titles = [t for t, _, _ in rows]
    texts = [sep.join(parts) for _, parts, sep in rows]
    batch = R._Batch(titles, texts, [None] * len(rows), [None] * len(rows))
    for rule in _rules():
        sel = R.PREFILTERS["seller_feedback"](batch, rule, ())
        mask = sel.mask if sel is not None else [True] * len(rows)
        for j, (title, text) in enumerate(zip(titles, texts)):
            found = list(R._detect_seller_feedback(R._Review(title, text, "amazon", None, None), rule.params))
            assert not found or mask[j], (title, text)


def test_column_bound_counts():
    """The two counts behind the bound: anchor starts (token anchors only) and longer sentences (each once)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def count(pattern: str, s: str) -> int:
        return pc.count_substring_regex(pa.array([s]), pattern).to_pylist()[0]

    starts = R._re2_anchor_starts(frozenset({"box", "ship", "u.s."}))
    assert count(starts, "box.box ship") == 3 and count(starts, "a box") == 1 and count(starts, "u.s.") == 0
    longer = R._re2_longer_sentence()
    assert count(longer, "one two three four five six seven eight. a b c. d e f g! x") == 2
    assert count(longer, "caféx b c d") == 1 and count(longer, "a_b c d e") == 1 and count(longer, "a b c") == 0
    # a run cut by a newline without a sentence end is no sentence for _SENTENCE (found by the property test)
    assert count(longer, "x y z w v\nThe box was crushed.") == 1 and count(longer, "a b c d e\n") == 0
    assert [s for s in R._sentences("x y z w v\nThe box was crushed.")] == [(10, 30)]


def test_anchored_sentence_counts():
    """Anchor starts read to their sentence's end: a sentence with several anchors counts once, each anchored
    sentence at least once, and a title's last sentence does not run into the text's first (NUL)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def count(s: str) -> int:
        pattern = R._re2_anchored_sentences(frozenset({"box", "ship"}))
        return pc.count_substring_regex(pa.array([s]), pattern).to_pylist()[0]

    assert count("box box ship. ship.box") == 3 and count("a box\x00box") == 2 and count("no.box!ship?x") == 2
    assert count("box\nship") == 2 and count("boxes") == 1 and count("nothing") == 0


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(
    st.sampled_from(("", "Five Stars", "Late delivery. Box", "box", "ship ship")),
    st.lists(st.sampled_from(SENTENCES + _TRICKY), max_size=9),
    st.sampled_from((" ", "\n", "", ".", "é", "\x00"))), min_size=1, max_size=6))
def test_anchored_sentence_count_is_an_upper_bound(rows):
    """Per row, the RE2 count is at least the detector's anchored sentences (title and text, lower-cased)."""
    import pyarrow.compute as pc

    for rule in _rules():
        anchors = R._anchors(rule.params)
        if anchors is None:
            continue
        pairs = [(t, sep.join(parts)) for t, parts, sep in rows]
        batch = R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * len(rows), [None] * len(rows))
        got = pc.count_substring_regex(batch.array("joined_low"), R._re2_anchored_sentences(anchors)).to_pylist()
        for (title, text), n, changed in zip(pairs, got, batch.case_changed()):
            if changed:
                continue  # the prefilter bounds no such row
            want = sum(1 for fname, s in (("title", title), ("text", text))
                       for a, b in R._sentences(s)
                       if not anchors.isdisjoint(R._ANCHOR_TOKEN.findall(s.lower()[a:b])))
            assert n >= want, (title, text)
