"""Tests for reviewtools.topics: the phrase registry, negation, polarity, spans, tagging and ThemeDiscovery."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import schema
from reviewtools.errors import ReviewToolsError, SchemaError
from reviewtools.topics import (
    CONTEXT_SCOPES,
    MATCH_COLUMNS,
    NEGATION_WINDOW,
    QUANTIFIED_NEGATION_WINDOW,
    ThemeDiscovery,
    TopicsError,
    _compile_phrase,
    _context_rules,
    context_rules,
    find_topics,
    load_topic_rules,
    tag_topics,
    topic_counts,
    topic_ids,
    topic_share_by_period,
)

REPO = Path(__file__).resolve().parents[1]
REQUIRED_TOPICS = (
    "shipping_delivery", "damaged_defective", "wrong_item", "missing_parts", "size_fit", "quality_durability",
    "smell_material", "customer_service", "return_refund", "order_cancellation", "wrong_address", "price_value",
    "counterfeit", "safety",
)


def frame_of(*texts: str, titles: list[str] | None = None) -> pd.DataFrame:
    data = {"review_id": [f"r{i}" for i in range(len(texts))], "text": list(texts)}
    if titles is not None:
        data["title"] = titles
    return pd.DataFrame(data)


def verdict(text: str, topic: str) -> set[str]:
    """Polarities of ``topic``'s matches in ``text``."""
    hits = find_topics(frame_of(text))
    return set(hits.loc[hits["topic"] == topic, "polarity"])


# ------------------------------------------------------------------------------------------- registry

RULES = load_topic_rules()
EXAMPLES = [(r.id, kind, s) for r in RULES for kind, sents in r.examples.items() for s in sents]


def test_every_required_topic_is_in_the_registry():
    assert set(REQUIRED_TOPICS) <= set(topic_ids())
    assert len(set(topic_ids())) == len(topic_ids())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_topic_is_documented_and_has_examples(rule):
    assert rule.label.strip() and len(rule.description) > 20
    assert rule.complaint, "a topic needs complaint phrases"
    assert len(rule.examples.get("complaint", ())) >= 3
    assert len(rule.examples.get("miss", ())) >= 3
    for cue in rule.negative_cues | rule.positive_cues:
        assert cue == cue.lower() and " " not in cue


@pytest.mark.parametrize(("topic", "kind", "sentence"), EXAMPLES, ids=[f"{t}-{k}-{i}" for i, (t, k, _) in enumerate(EXAMPLES)])
def test_registry_examples_behave_as_stated(topic, kind, sentence):
    got = verdict(sentence, topic)
    if kind == "complaint":
        assert "complaint" in got, f"{sentence!r} should be a {topic} complaint, got {got}"
    elif kind == "praise":
        assert "praise" in got and "complaint" not in got, f"{sentence!r} should praise {topic}, got {got}"
    else:
        assert "complaint" not in got, f"{sentence!r} should not be a {topic} complaint, got {got}"


@pytest.mark.parametrize(
    "phrase",
    ["stopped ... working", "broke/broken/breaks", "did_not/didn't ... fit", "refund*", "!noise cancel* ... order"],
)
def test_phrase_language_compiles(phrase):
    ph = _compile_phrase("t", "complaint", phrase)
    assert ph.first_stems and all(s.isalnum() for s in ph.first_stems)


@pytest.mark.parametrize("phrase", ["", "... late", "late ...", "ref*und", "a !b c"])
def test_bad_phrases_are_rejected(phrase):
    with pytest.raises(TopicsError):
        _compile_phrase("t", "complaint", phrase)


# ------------------------------------------------------------------------------ phrases and inflections


@pytest.mark.parametrize(
    ("text", "topic", "evidence"),
    [
        ("It broke after a week.", "quality_durability", "broke after"),
        ("The lid breaks easily.", "quality_durability", "breaks easily"),
        ("It stopped working.", "quality_durability", "stopped working"),
        ("It stopped completely and totally working.", "quality_durability", "stopped completely and totally working"),
        ("The handle came off and the base is broken.", "damaged_defective", "broken"),
        ("It doesn’t fit.", "size_fit", "doesn’t fit"),
        ("It doesnt fit.", "size_fit", "doesnt fit"),
        ("It does not fit.", "size_fit", "does not fit"),
        ("I asked for a refund.", "return_refund", "asked for a refund"),
        ("MALFUNCTIONED on day one", "damaged_defective", "MALFUNCTIONED"),
        ("Shipping was slow", "shipping_delivery", "Shipping"),
    ],
)
def test_phrases_inflections_and_gaps(text, topic, evidence):
    hits = find_topics(frame_of(text))
    mine = hits[(hits["topic"] == topic) & hits["complaint"]]
    assert evidence in mine["evidence"].tolist(), hits[["topic", "evidence", "polarity"]].values.tolist()


def test_gap_is_bounded_and_stays_in_the_clause():
    # more words than the gap allows
    assert "complaint" not in verdict("It stopped one two three four working.", "quality_durability")
    # a clause break inside the gap
    assert "complaint" not in verdict("I stopped. Working great now.", "quality_durability")


def test_bounded_gap_syntax():
    one = _compile_phrase("t", "complaint", "didn't ...1 work")
    assert one.regex.match("didn't even work") and not one.regex.match("didn't even have to work")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Healthier than junk food.", "quality_durability"),
        ("Great for damaged hair.", "damaged_defective"),
        ("Comfortable once they are broken in.", "damaged_defective"),
        ("The first crack of the roast is loud.", "damaged_defective"),
        ("If she hates it we can return it.", "return_refund"),
        ("Turn on the fire and relax.", "safety"),
    ],
)
def test_common_false_positives_are_excluded(text, topic):
    assert "complaint" not in verdict(text, topic)


def test_word_boundaries():
    assert verdict("The doorbell is unbroken and crackling with joy", "damaged_defective") == set()
    assert verdict("Great noise cancelling headphones, cancel order button aside", "order_cancellation") == {"complaint"}
    assert verdict("Great noise cancelling headphones", "order_cancellation") == set()


# ------------------------------------------------------------------------------------------- negation


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("No damage at all.", "damaged_defective"),
        ("The box wasn't damaged.", "damaged_defective"),
        ("The box wasn’t damaged.", "damaged_defective"),
        ("Never had a problem with shipping.", "shipping_delivery"),
        ("Arrived without a scratch.", "damaged_defective"),
        ("No smell at all.", "smell_material"),
        ("It does not smell bad.", "smell_material"),
        ("Not flimsy in the least.", "quality_durability"),
        ("Nothing was missing.", "missing_parts"),
        ("I would never return it.", "return_refund"),
        ("It is not a fake.", "counterfeit"),
        ("Not a waste of money.", "price_value"),
    ],
)
def test_negated_complaints_are_not_complaints(text, topic):
    assert "complaint" not in verdict(text, topic)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("No damage to the box, but the glass was broken.", "damaged_defective"),
        ("No problems at first. It broke after a week.", "quality_durability"),
        ("I have no words, it arrived damaged.", "damaged_defective"),
    ],
)
def test_negation_stops_at_the_clause(text, topic):
    assert "complaint" in verdict(text, topic)


def test_negation_window_is_limited():
    far = "No " + " ".join(["really"] * NEGATION_WINDOW) + " damaged."
    near = "No " + " ".join(["really"] * (NEGATION_WINDOW - 1)) + " damaged."
    assert "complaint" in verdict(far, "damaged_defective")
    assert "complaint" not in verdict(near, "damaged_defective")


def test_negated_match_records_the_negator():
    hits = find_topics(frame_of("The box wasn't damaged."))
    row = hits[hits["topic"] == "damaged_defective"].iloc[0]
    assert row["negated"] and row["negator"] == "wasn't" and row["polarity"] == "neutral"
    assert "negated by" in row["reason"]


# ------------------------------------------------------------------------------------- context rules

CONTEXT_RULES = context_rules()


def test_context_rules_are_documented_and_valid():
    ids = [r.id for r in CONTEXT_RULES]
    assert len(set(ids)) == len(ids)
    assert {"other_item", "hypothetical", "conditional", "body_condition", "user_caused"} <= set(ids)
    for rule in CONTEXT_RULES:
        assert rule.reason.strip() and rule.scope in CONTEXT_SCOPES and rule.markers
        assert rule.topics <= set(topic_ids()) and rule.except_topics <= set(topic_ids())


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"id": "x", "reason": "r", "markers": ["if"], "scope": "paragraph"}, "scope"),
        ({"id": "x", "reason": "r", "markers": ["if"], "topics": ["nope"]}, "unknown topics"),
        ({"id": "x", "reason": "r", "markers": [""]}, "empty marker"),
        ({"id": "x", "markers": ["if"]}, "lacks"),
    ],
)
def test_bad_context_rules_are_rejected(entry, problem):
    with pytest.raises(TopicsError, match=problem):
        _context_rules({"context_rules": [entry]}, set(topic_ids()))


@pytest.mark.parametrize(
    ("void", "twin", "topic", "rule_id"),
    [
        # another item: the complaint is not about this product; the twin is about this one
        ("Bought it to replace a broken kindle.", "Bought it new and it arrived broken.", "damaged_defective", "other_item"),
        ("Unlike my last pair that fell apart, these hold up.", "These fell apart in a week.", "quality_durability", "other_item"),
        ("I replaced my old one, which cracked.", "I replaced my old one and this one arrived cracked.", "damaged_defective", "other_item"),
        # user-caused damage is not a defect
        ("My toddler dropped it and the screen cracked.", "The screen cracked on day two.", "damaged_defective", "user_caused"),
        # hypotheticals and conditionals did not happen
        ("I worry it will arrive broken.", "Sure enough, it did arrive broken.", "damaged_defective", "hypothetical"),
        ("If it breaks, I will return it.", "It broke, so I returned it.", "return_refund", "conditional"),
        # what a product prevents or repairs; body conditions
        ("It protects against damage.", "It was damaged.", "damaged_defective", "prevention"),
        ("My heels were dry and cracked.", "The heel of the shoe cracked.", "damaged_defective", "body_condition"),
        # warning labels and the buyer's own ordering mistake
        ("The label says choking hazard.", "This is a choking hazard.", "safety", "warning_label"),
        ("I ordered the wrong size.", "They sent the wrong size.", "size_fit", "buyer_error"),
    ],
)
def test_context_rules_void_the_family_and_keep_the_twin(void, twin, topic, rule_id):
    hits = find_topics(frame_of(void))
    mine = hits[hits["topic"] == topic]
    assert len(mine) and not mine["complaint"].any(), mine[["evidence", "polarity", "reason"]].values.tolist()
    reason = next(r for r in CONTEXT_RULES if r.id == rule_id).reason
    assert any(reason in why for why in mine["reason"]), mine["reason"].tolist()
    assert "complaint" in verdict(twin, topic)


def test_voided_match_keeps_its_exact_span_and_names_the_marker():
    text = "Was a gift to replace a broken kindle."
    row = find_topics(frame_of(text)).iloc[0]
    assert text[row["start"] : row["end"]] == row["evidence"] == "broken"
    assert row["polarity"] == "neutral" and not row["negated"] and "('to replace')" in row["reason"]


def test_seller_fix_is_a_defect_complaint_and_service_praise():
    hits = find_topics(frame_of("The seller replaced the broken one immediately."))
    got = dict(zip(hits["topic"] + ":" + hits["kind"], hits["polarity"]))
    assert got["damaged_defective:complaint"] == "complaint" and got["customer_service:praise"] == "praise"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Not a single jar was broken.", False),
        ("Not one bottle had leaked.", False),
        ("None of the bottles had leaked.", False),
        ("Very few broken pieces.", False),
        ("Zero broken cookies.", False),
        ("A few were broken.", True),
        ("Quite a few were broken.", True),
        ("Not all of them were broken.", True),
        ("Only one jar was broken.", True),
    ],
)
def test_quantified_negation(text, expected):
    assert ("complaint" in verdict(text, "damaged_defective")) is expected


def test_quantified_negation_window_is_limited():
    far = "None " + " ".join(["really"] * QUANTIFIED_NEGATION_WINDOW) + " damaged."
    near = "None " + " ".join(["really"] * (QUANTIFIED_NEGATION_WINDOW - 1)) + " damaged."
    assert "complaint" in verdict(far, "damaged_defective")
    assert "complaint" not in verdict(near, "damaged_defective")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("If you have wide feet, these run small.", True),  # a conditional without a modal states a fact
        ("If they run small, I will exchange them.", False),
        ("Should it run small, exchange it.", False),
    ],
)
def test_conditional_main_clause_needs_a_modal(text, expected):
    assert ("complaint" in verdict(text, "size_fit")) is expected


# ------------------------------------------------------------------------------------ praise/complaint


@pytest.mark.parametrize(
    ("text", "topic", "expected"),
    [
        ("Fast shipping!", "shipping_delivery", "praise"),
        ("Slow shipping.", "shipping_delivery", "complaint"),
        ("Shipping was not fast.", "shipping_delivery", "complaint"),
        ("Shipping info is on the box.", "shipping_delivery", "neutral"),
        ("Fits perfectly.", "size_fit", "praise"),
        ("It doesn't fit well.", "size_fit", "complaint"),
        ("Customer service was great.", "customer_service", "praise"),
        ("Customer service was rude.", "customer_service", "complaint"),
        ("Great value.", "price_value", "praise"),
        ("The price is too high.", "price_value", "complaint"),
        ("Not worth the price.", "price_value", "complaint"),
        ("Smells amazing.", "smell_material", "praise"),
        ("It is not genuine.", "counterfeit", "complaint"),
    ],
)
def test_polarity(text, topic, expected):
    got = verdict(text, topic)
    assert expected in got, got
    if expected != "complaint":
        assert "complaint" not in got


def test_mention_records_its_cue():
    hits = find_topics(frame_of("Slow shipping."))
    row = hits[hits["topic"] == "shipping_delivery"].iloc[0]
    assert row["kind"] == "mention" and row["cue"] == "slow" and "negative cue 'slow'" in row["reason"]


# ---------------------------------------------------------------------------------------- frame contract


def test_find_topics_columns_and_dtypes():
    hits = find_topics(frame_of("Arrived broken.", "Love it"))
    assert tuple(hits.columns) == MATCH_COLUMNS
    assert str(hits["start"].dtype) == "int64" and hits["complaint"].dtype == bool
    empty = find_topics(frame_of("Love it"))
    assert tuple(empty.columns) == MATCH_COLUMNS and len(empty) == 0


SPAN_TEXTS = [
    "İstanbul seller: the mug arrived cracked and the lid was missing.",
    "Straße — it doesn’t fit; TOO SMALL!!! Customer service never responded.",
    "😀 emoji first, then: smells like chemicals\nand the strap fell apart",
    "ﬁne print: not as described, wrong colour, refund denied",
]


def test_spans_index_the_field_exactly():
    frame = frame_of(*SPAN_TEXTS, titles=["Broken on arrival", None, "", "Fake!"])
    frame.index = [10, 20, 30, 40]  # spans do not depend on the index
    hits = find_topics(frame)
    assert len(hits) >= 10
    by_id = frame.set_index("review_id")
    for h in hits.itertuples():
        assert by_id.loc[h.review_id, h.field][h.start : h.end] == h.evidence
    assert set(hits["field"]) == {"title", "text"}


FILLER = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=examples(60), deadline=None)
@given(parts=st.lists(st.tuples(FILLER, st.sampled_from([s for _, _, s in EXAMPLES])), min_size=1, max_size=4))
def test_spans_are_exact_on_arbitrary_text(parts):
    text = " ".join(f"{a} {b}" for a, b in parts)
    hits = find_topics(frame_of(text))
    for h in hits.itertuples():
        assert text[h.start : h.end] == h.evidence
        assert h.polarity in ("complaint", "praise", "neutral")


def test_inputs_are_not_mutated():
    frame = schema.coerce(frame_of("It arrived broken", "Fast shipping", titles=["Bad", None]))
    before = frame.copy(deep=True)
    find_topics(frame)
    out = tag_topics(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out is not frame and "topics" not in frame.columns


def test_tag_topics_on_a_canonical_frame():
    frame = schema.coerce(
        pd.DataFrame(
            {
                "review_id": ["a", "b", "c", "d"],
                "platform": ["amazon"] * 4,
                "title": ["Too small", None, "", None],
                "text": ["Runs small and the seller was rude. Fast shipping though.", "Love it", "", "Fast shipping!"],
            }
        )
    )
    out = tag_topics(frame)
    assert list(out.columns[: len(schema.COLUMNS)]) == list(schema.COLUMNS)
    assert out["topics"].tolist() == ["customer_service|size_fit", "", "", ""]
    assert out["topics_praised"].tolist() == ["shipping_delivery", "", "", "shipping_delivery"]
    assert out["topics_checked"].tolist() == [True, True, False, True]
    assert 'size_fit: "Too small"' in out.loc[0, "topic_evidence"]
    hits = find_topics(frame)
    assert set(hits["platform"]) == {"amazon"}


def test_praise_and_complaint_on_the_same_topic_counts_as_complaint():
    out = tag_topics(frame_of("Fast shipping, but the package was lost."))
    assert out.loc[0, "topics"] == "shipping_delivery" and out.loc[0, "topics_praised"] == ""


def test_topics_filter_and_unknown_topic():
    hits = find_topics(frame_of("Arrived broken and too small."), topics=["size_fit"])
    assert set(hits["topic"]) == {"size_fit"}
    with pytest.raises(TopicsError, match="unknown topic"):
        find_topics(frame_of("x"), topics=["nope"])


def test_bad_input_errors_name_the_problem():
    with pytest.raises(SchemaError, match="'text'"):
        find_topics(pd.DataFrame({"review_id": ["a"]}))
    with pytest.raises(SchemaError, match=r"column 'text', row 1 \(review_id 'r1'\)"):
        find_topics(pd.DataFrame({"review_id": ["r0", "r1"], "text": ["ok", 5]}))
    assert issubclass(TopicsError, ReviewToolsError) and issubclass(TopicsError, ValueError)


def test_topic_counts():
    tagged = tag_topics(frame_of("Too small.", "Too tight and it broke.", "Fits perfectly.", ""))
    counts = topic_counts(tagged).set_index("topic")
    assert counts.loc["size_fit", "complaints"] == 2 and counts.loc["size_fit", "praised"] == 1
    assert counts.loc["size_fit", "share"] == pytest.approx(2 / 3)
    assert set(counts.index) == set(topic_ids())


def test_topic_share_by_period(caplog):
    frame = frame_of("Too small.", "Love it.", "Arrived broken.", "Too big.", "Too small")
    frame["created_at"] = pd.to_datetime(["2024-01-02", "2024-01-30", "2024-02-10", "2024-02-11", None], utc=True)
    with caplog.at_level(logging.WARNING):
        shares = topic_share_by_period(frame)
    assert "1 of 5 reviews have no created_at" in caplog.text
    size = shares[shares["topic"] == "size_fit"].set_index("period")
    assert size.loc["2024-01", "share"] == 0.5 and size.loc["2024-02", "share"] == 0.5
    assert size.loc["2024-01", "reviews"] == 2
    assert len(shares) == 2 * len(topic_ids())
    quarterly = topic_share_by_period(frame, freq="Q")
    assert quarterly["period"].unique().tolist() == ["2024Q1"]


# ------------------------------------------------------------------------------------------ discovery

THEME_TEXTS = (
    ["battery died after a day", "battery life is short", "the battery drains fast", "battery would not charge"] * 3
    + ["screen cracked on arrival", "cracked screen glass", "the screen is cracked", "screen glass broke"] * 3
    + ["love the soft fabric", "fabric feels soft and nice", "soft fabric great fit", "nice soft fabric"] * 3
)


def test_theme_discovery_contract():
    model = ThemeDiscovery(n_themes=3, random_state=0)
    assert model.get_params()["n_themes"] == 3
    assert not [k for k in vars(model) if k.endswith("_")], "init must only store parameters"
    assert model.fit(THEME_TEXTS) is model
    themes = model.themes_
    assert themes["size"].sum() == len(THEME_TEXTS)
    assert set(themes.columns) >= {"theme", "label", "top_terms", "size", "share", "example_review_ids", "example_texts"}
    tops = " ".join(themes["top_terms"])
    assert "battery" in tops and "screen" in tops and "fabric" in tops
    assert len(model.assignments_) == len(THEME_TEXTS)


def test_theme_discovery_is_deterministic_and_clonable():
    from sklearn.base import clone

    a = ThemeDiscovery(n_themes=3, random_state=0).fit(THEME_TEXTS).themes_
    b = clone(ThemeDiscovery(n_themes=3, random_state=0)).fit(THEME_TEXTS).themes_
    pd.testing.assert_frame_equal(a, b)


def test_theme_discovery_on_a_frame_and_transform():
    frame = frame_of(*THEME_TEXTS, titles=[""] * len(THEME_TEXTS))
    frame.loc[0, "text"] = ""
    frame.loc[0, "title"] = ""  # no usable terms: theme -1, still counted
    frame.index = range(100, 100 + len(frame))
    before = frame.copy()
    model = ThemeDiscovery(n_themes=3).fit(frame)
    assert model.themes_["size"].sum() == len(frame)
    assert -1 in model.themes_["theme"].tolist()
    out = model.transform(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.index) == list(frame.index) and out["review_id"].tolist() == frame["review_id"].tolist()
    assert {"theme_0", "theme_1", "theme_2", "theme", "theme_weight"} <= set(out.columns)
    assert out.loc[100, "theme"] == -1
    assert set(model.themes_.loc[model.themes_["theme"] >= 0, "example_review_ids"].explode()) <= set(frame["review_id"])


def test_theme_discovery_errors():
    with pytest.raises(TopicsError, match="at least n_themes=8"):
        ThemeDiscovery().fit(["only", "three", "reviews"])
    with pytest.raises(TopicsError, match="not fitted"):
        ThemeDiscovery().transform(["x"])
    with pytest.raises(TopicsError, match="no usable terms"):
        ThemeDiscovery(n_themes=2, min_df=1).fit(["the and", "of the"])
    with pytest.raises(TopicsError, match="n_themes"):
        ThemeDiscovery(n_themes=0).fit(THEME_TEXTS)
    with pytest.raises(TypeError):
        ThemeDiscovery(n_themes=1).fit("a single string")


# ---------------------------------------------------------------------------------------------- CLI


def test_cli_topics(tmp_path, capsys):
    from reviewtools.cli import main

    sample = REPO / "data" / "amazon_fine_food_sample.csv"
    out = tmp_path / "topics.csv"
    assert main(["topics", str(sample), "--discover", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for topic in REQUIRED_TOPICS:
        assert topic in printed
    assert "theme 0" in printed
    written = pd.read_csv(out)
    assert list(written.columns) == list(MATCH_COLUMNS) and len(written) > 0


def test_required_preceding_word_and_multiword_exclusion():
    """'^a/b' = directly preceded by one of these words (not part of the span); '!a_b' = not preceded by 'a b'."""
    req = _compile_phrase("t", "complaint", "^is/was dangerous")
    assert req.regex.search("this is dangerous").group() == "dangerous"
    assert req.regex.search("a dangerous villain") is None
    excl = _compile_phrase("t", "complaint", "!cuts_and scratches")
    assert excl.regex.search("a mouthful of cuts and scratches") is None
    assert excl.regex.search("dents and scratches").group() == "scratches"
