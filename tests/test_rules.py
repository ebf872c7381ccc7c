"""Guideline checks: behaviour of each category, the output contract, duplicates over the whole frame."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools.errors import SchemaError
from reviewtools.rules import (
    HIT_COLUMNS,
    LANGUAGE_MIN_CHARS,
    RuleError,
    check_each_review,
    check_reviews,
    find_duplicates,
    marketplace_region,
    rules_by_id,
    summarise_checks,
)
from reviewtools.schema import coerce


def _frame(*texts: str, platform: str = "amazon", marketplace: str | None = "amazon.com", **cols) -> pd.DataFrame:
    n = len(texts)
    data = {
        "review_id": [f"r{i}" for i in range(n)],
        "platform": [platform] * n,
        "marketplace": [marketplace] * n,
        "rating": [5] * n,
        "text": list(texts),
    }
    for k, v in cols.items():
        data[k] = v if isinstance(v, list) else [v] * n
    return coerce(pd.DataFrame(data))


def _hits(frame: pd.DataFrame, **kw) -> pd.DataFrame:
    out = check_reviews(frame, **kw)
    return out[out.outcome == "hit"]


def _ids(text: str, **kw) -> set[str]:
    return set(_hits(_frame(text, **kw)).rule_id)


def _assert_spans(frame: pd.DataFrame, out: pd.DataFrame) -> None:
    by_id = frame.set_index("review_id")
    for h in out[out.outcome == "hit"].itertuples():
        assert str(by_id.loc[h.review_id, h.field])[h.start:h.end] == h.evidence


# ------------------------------------------------------------------------------------------- contract


def test_columns_and_dtypes_are_the_contract():
    out = check_reviews(_frame("Call 415-867-5309 now", "Nice"))
    assert list(out.columns) == list(HIT_COLUMNS)
    assert {c: str(t) for c, t in out.dtypes.items()} == {
        c: str(pd.Series(dtype=t).dtype) for c, t in HIT_COLUMNS.items()}
    assert set(out.outcome) <= {"hit", "not_run"}


def test_empty_frame_gives_empty_contract_frame():
    out = check_reviews(_frame())
    assert out.empty and list(out.columns) == list(HIT_COLUMNS)


def test_input_is_never_mutated():
    frame = _frame("Email me at a.b@example.com", "Arrived late. Seller never replied.")
    before = frame.copy(deep=True)
    check_reviews(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_every_review_is_checked_whatever_its_rating():
    frame = _frame(*(["Text me on 415-867-5309 please"] * 5), rating=[1, 2, 3, 4, 5])
    assert set(_hits(frame).review_id) == set(frame.review_id)


def test_missing_text_column_is_a_clear_error():
    with pytest.raises(SchemaError, match="text"):
        check_reviews(pd.DataFrame({"review_id": ["a"]}))
    with pytest.raises(SchemaError, match="DataFrame"):
        check_reviews([{"review_id": "a", "text": "x"}])  # type: ignore[arg-type]
    with pytest.raises(RuleError):
        check_reviews(_frame("x"), rules=["AMZ-PRIVATE-PHONE"])  # type: ignore[list-item]


def test_hits_carry_clause_source_and_exact_span():
    frame = _frame("Great blender. Questions? mail me: joe@example.org or call (206) 555-0143.")
    out = _hits(frame)
    assert {"AMZ-PRIVATE-EMAIL", "AMZ-PRIVATE-PHONE"} <= set(out.rule_id)
    assert out.clause.str.contains("Private information").all()
    assert out.source_url.str.startswith("https://").all()
    _assert_spans(frame, out)


def test_title_is_checked_too():
    frame = _frame("Fine product.", title="Call 415-867-5309")
    out = _hits(frame)
    assert out.field.tolist() == ["title"] and out.evidence.tolist() == ["415-867-5309"]


# ---------------------------------------------------------------------------------------- private_info


@pytest.mark.parametrize("text", [
    "Paid $1,299.99 for it", "Order 112-1234567-1234567 was late", "Bought 2019-05-12, broke 06/12/2019",
    "Model XJ-20001 and part 8675309123", "ISBN 978-0-306-40615-7", "Version 10.0.19041 update",
])
def test_prices_dates_orders_models_are_not_phones(text):
    assert "AMZ-PRIVATE-PHONE" not in _ids(text)


def test_phone_region_follows_marketplace():
    uk = "Ring me on 020 7946 0958 for the spare"
    assert "AMZ-PRIVATE-PHONE" in _ids(uk, marketplace="amazon.co.uk")
    assert "AMZ-PRIVATE-PHONE" not in _ids(uk, marketplace="amazon.com")
    assert "AMZ-PRIVATE-PHONE" in _ids("Ring +44 20 7946 0958", marketplace="amazon.com")  # + is region-free
    assert marketplace_region("amazon.de") == "DE" and marketplace_region(None) == "US"


def test_unformatted_digits_need_a_phone_cue():
    assert "AMZ-PRIVATE-PHONE" not in _ids("Serial 4158675309 on the box")
    assert "AMZ-PRIVATE-PHONE" in _ids("Text me 4158675309")


def test_toll_free_numbers_are_weak_and_not_removal():
    out = _hits(_frame("Their support line 1-800-275-2273 helped"))
    row = out[out.rule_id == "AMZ-PRIVATE-PHONE"].iloc[0]
    assert row.strength == "weak" and not row.removal_basis


def test_order_number_and_address():
    ids = _ids("Order 112-1234567-1234567 to 42 Wallaby Way, Sydney")
    assert {"AMZ-PRIVATE-ORDER-NUMBER", "AMZ-PRIVATE-ADDRESS"} <= ids


# --------------------------------------------------------------------------------------- external_link


@pytest.mark.parametrize("text", [
    "I bought it on Amazon.com and it came fast", "e.g. the 3.5mm jack, i.e. wired", "version 2.0 beats 1.5",
    "Mr.Smith said so", "my dog.It loves it", "Works great.It is sturdy",
    "See https://www.amazon.com/dp/B07XJ8C8F5 for the bigger one",
    "https://www.amazon.co.uk/gp/product/B07XJ8C8F5/ref=ppx_yo_dt_b_asin_title",
])
def test_not_links(text):
    assert not {i for i in _ids(text) if i.startswith("AMZ-LINK")}


@pytest.mark.parametrize(("text", "rule_id"), [
    ("get it at example.com", "AMZ-LINK-EXTERNAL"),
    ("see shop.example.co.uk/sale", "AMZ-LINK-EXTERNAL"),
    ("https://www.example.net/x", "AMZ-LINK-EXTERNAL"),
    ("bit.ly/3xYz12", "AMZ-LINK-SHORTENER"),
    ("https://www.amazon.com/dp/B07XJ8C8F5?tag=deals-20", "AMZ-LINK-AFFILIATE"),
    ("https://example.com/p?ref=abc", "AMZ-LINK-AFFILIATE"),
    ("https://example.com/p?utm_source=x", "AMZ-LINK-AFFILIATE"),
    ("https://example.com/p?aff_id=9", "AMZ-LINK-AFFILIATE"),
])
def test_links(text, rule_id):
    assert rule_id in _ids(text)


def test_amazon_shortener_is_manual_review_only():
    out = _hits(_frame("cheaper here amzn.to/3xYzAbC"))
    row = out[out.rule_id == "AMZ-LINK-OWN-SHORTENER"].iloc[0]
    assert row.strength == "weak" and not row.removal_basis
    assert "AMZ-LINK-EXTERNAL" not in set(out.rule_id)


def test_capitalised_store_name_domain_is_weak():
    out = _hits(_frame("Walmart.com had it too"))
    row = out[out.rule_id == "AMZ-LINK-EXTERNAL"].iloc[0]
    assert row.strength == "weak" and not row.removal_basis


def test_own_site_depends_on_platform():
    assert "GGL-LINK-EXTERNAL" in _ids("see amazon.com/dp/B07XJ8C8F5", platform="google", marketplace=None)
    out = _hits(_frame("see example.com/menu", platform="google", marketplace=None))
    assert not out.removal_basis.any()  # Google's links heading is unverified in the reference


# ------------------------------------------------------------------------------------ profanity & hate


@pytest.mark.parametrize("text", [
    "Damn, it sucks. Crappy lid, what the hell, I was pissed.", "Great for class, deep bass",
    "The cockatoo loves it", "Assemble the cocktail shaker", "Scunthorpe mug", "I felt like an idiot",
    "This charger will kill your battery", "spick and span",
])
def test_mild_or_innocent_words_are_not_flagged(text):
    assert not {i for i in _ids(text) if "PROFANITY" in i or "HARASSMENT" in i or "HATE" in i}


@pytest.mark.parametrize(("text", "rule_id"), [
    ("this is bullshit", "AMZ-PROFANITY-OBSCENE"),
    ("Shit quality", "AMZ-PROFANITY-OBSCENE"),
    ("you idiot, read the order", "AMZ-HARASSMENT-INSULT"),
    ("The seller is a moron", "AMZ-HARASSMENT-INSULT"),
    ("I will find you", "AMZ-HARASSMENT-THREAT"),
])
def test_removal_worthy_profanity(text, rule_id):
    out = _hits(_frame(text))
    row = out[out.rule_id == rule_id].iloc[0]
    assert row.removal_basis and row.strength == "strong"


def test_hate_hostile_group_is_weak():
    out = _hits(_frame("Immigrants should be deported, all of them"))
    assert out[out.category == "hate_speech"].strength.tolist() == ["weak"]


def test_sexual_products_may_be_discussed():
    assert "AMZ-SEXUAL-EXPLICIT" not in _ids("The vibrator is quiet, the lube is fine, sex is better")
    assert "AMZ-SEXUAL-EXPLICIT" in _ids("the handjob scene in chapter two")


# ---------------------------------------------------------------------------------------- compensated

DISCLOSURE = "I received this product free in exchange for my honest review."


def test_compensated_never_applies_to_vine():
    assert "AMZ-COMPENSATED-DISCLOSURE" not in _ids(DISCLOSURE, vine=True)
    strong = _hits(_frame(DISCLOSURE, vine=False)).query("category == 'compensated'")
    assert strong.strength.tolist() == ["strong"] and strong.removal_basis.all()
    unknown = _hits(_frame(DISCLOSURE)).query("category == 'compensated'")
    assert unknown.strength.tolist() == ["weak"] and "vine" in unknown.note.iloc[0].lower()
    assert "AMZ-SELLER-FEEDBACK" not in _ids(DISCLOSURE)  # "in exchange for" is not an exchange of goods


def test_negated_disclosure_is_not_compensated():
    assert "AMZ-COMPENSATED-DISCLOSURE" not in _ids("I paid for it; I was not given it free to review", vine=False)


# ------------------------------------------------------------------------------------- seller_feedback


def test_seller_feedback_only_is_removable_with_share():
    out = _hits(_frame("The package arrived two weeks late. The seller never replied to my emails. Very disappointed."))
    row = out[out.rule_id == "AMZ-SELLER-FEEDBACK"].iloc[0]
    # a removal basis, but manual review: held-out test precision of the all-logistics hits was below 0.95
    assert row.removal_basis and row.strength == "weak"
    assert "2 of 2 sentences" in row.note and "share 1.00" in row.note


@pytest.mark.parametrize(("title", "text"), [
    ("Five Stars", "very nice...quick shipment"),  # 'very nice' judges the product: mixed
    ("Great", "The shipping was fast and it arrived on time."),  # an evaluative title with no logistics cue
    ("", "Mine shipped with 6 rings, a 3rd ring and two 4x4s."),  # what came in the box is the product
    ("", "A fine family film with plenty to keep grown ups from squirming."),  # not UPS
    ("", "We arrived at the hotel at 10:30 and the room was ready."),  # a person travelling, not a parcel
])
def test_seller_feedback_false_positive_families_are_not_removal(title, text):
    out = _hits(pd.DataFrame({"review_id": ["r"], "platform": ["amazon"], "marketplace": ["amazon.com"],
                              "title": [title], "text": [text]}))
    sf = out[out.rule_id == "AMZ-SELLER-FEEDBACK"]
    assert not sf.removal_basis.fillna(False).any()


def test_mixed_review_is_not_removable():
    text = ("Shipping took three weeks. The seller never answered. The blender works great and crushes ice.")
    out = _hits(_frame(text))
    row = out[out.rule_id == "AMZ-SELLER-FEEDBACK"].iloc[0]
    assert not row.removal_basis and row.strength == "weak" and "share 0.67" in row.note


def test_product_review_is_not_seller_feedback():
    assert "AMZ-SELLER-FEEDBACK" not in _ids("Arrived on time. Tastes great and my kids love it.")
    assert "AMZ-SELLER-FEEDBACK" not in _ids("Tastes great and my kids love it. Will order again.")


# ---------------------------------------------------------------------------------------- language


def test_language_allow_list_per_marketplace():
    de = "Das Produkt ist sehr gut und ich bin mit dem Kauf wirklich zufrieden."
    es = "Muy buen producto, lo recomiendo a todos mis amigos y a mi familia."
    assert "AMZ-LANGUAGE-UNSUPPORTED" in _ids(de, marketplace="amazon.com")
    assert "AMZ-LANGUAGE-UNSUPPORTED" not in _ids(es, marketplace="amazon.com")
    assert "AMZ-LANGUAGE-UNSUPPORTED" in _ids(es, marketplace="amazon.co.uk")
    assert "AMZ-LANGUAGE-UNSUPPORTED" not in _ids(de, marketplace="amazon.de")


def test_language_not_run_reasons():
    out = check_reviews(_frame("Sehr gut!"), rules=[rules_by_id()["AMZ-LANGUAGE-UNSUPPORTED"]])
    assert out.outcome.tolist() == ["not_run"]
    assert f"< {LANGUAGE_MIN_CHARS}" in out.note.iloc[0] and "too short" in out.note.iloc[0]
    out = check_reviews(_frame("Das Produkt ist sehr gut und ich bin mit dem Kauf zufrieden.", marketplace=None))
    nr = out[out.rule_id == "AMZ-LANGUAGE-UNSUPPORTED"]
    assert nr.outcome.tolist() == ["not_run"] and "no marketplace" in nr.note.iloc[0]
    assert nr.removal_basis.isna().all() and nr.start.isna().all()


def test_unverified_allow_list_is_not_a_removal_basis():
    out = _hits(_frame("Le produit est arrivé cassé et je suis très déçu du vendeur, vraiment.",
                       marketplace="amazon.de"))
    row = out[out.rule_id == "AMZ-LANGUAGE-UNSUPPORTED"].iloc[0]
    assert not row.removal_basis and "unverified" in row.note


# --------------------------------------------------------------------------------------------- spam


@pytest.mark.parametrize(("text", "rule_id", "strength"), [
    ("aaaaaaaaaaaaaaaaaa", "AMZ-SPAM-REPEATED-CHARS", "strong"),
    ("Love it!!!!!!!!!!!! Works well for my kitchen", "AMZ-SPAM-REPEATED-CHARS", "weak"),
    ("good good good good good good", "AMZ-SPAM-REPEATED-WORD", "weak"),
    ("*** !!! ??? ### $$$", "AMZ-SPAM-SYMBOLS-ONLY", "strong"),
    ("qwrtzp xcvbnm plkjhg asdfgh", "AMZ-SPAM-GIBBERISH", "weak"),
])
def test_spam(text, rule_id, strength):
    out = _hits(_frame(text))
    assert out[out.rule_id == rule_id].strength.tolist() == [strength]


# ------------------------------------------------------------------------------------ promotion, price


def test_promotion_conflict():
    assert "AMZ-PROMO-SELF-INTEREST" in _ids("I am the seller of this kettle and stand by it")
    assert "AMZ-PROMO-SELF-INTEREST" not in _ids("I work for a school and these pens last")
    assert "AMZ-PROMO-CODE" in _ids("use code SAVE20 at checkout")
    assert "AMZ-PROMO-CODE" not in _ids("use the code printed on the box")
    assert "AMZ-PROMO-CALL-TO-ACTION" in _ids("subscribe to my channel for more")


def test_competitor_list_is_a_user_setting():
    frame = _frame("Better than the Zorbix one")
    out = check_reviews(frame, competitors=["Zorbix"])
    row = out[out.rule_id == "AMZ-PROMO-COMPETITOR"].iloc[0]
    assert row.outcome == "hit" and not row.removal_basis
    out = check_reviews(frame)
    assert out[out.rule_id == "AMZ-PROMO-COMPETITOR"].outcome.tolist() == ["not_run"]


def test_pricing_store_comparison_not_value_remarks():
    assert "AMZ-PRICE-STORE-COMPARISON" in _ids("Found it $5 cheaper at Walmart")
    assert "AMZ-PRICE-STORE-COMPARISON" not in _ids("Overpriced, but worth it at $29")


def test_illegal_dangerous_is_weak():
    out = _hits(_frame("use it to get high lol"))
    assert out[out.category == "illegal_dangerous"].strength.tolist() == ["weak"]


# ---------------------------------------------------------------------------------------- duplicates

LONG = ("This kettle boils a full litre in under three minutes and the handle stays cool, "
        "though the lid hinge feels a little loose after a month of daily use.")


def _dup_frame(authors, dates, texts=None) -> pd.DataFrame:
    n = len(authors)
    return coerce(pd.DataFrame({"review_id": [f"d{i}" for i in range(n)], "platform": ["amazon"] * n,
                                "rating": [5] * n, "text": texts or [LONG] * n, "author": authors,
                                "created_at": dates}))


def test_exact_duplicate_under_another_author_flags_the_later_copy():
    f = _dup_frame(["ann", "bob"], ["2024-03-01", "2024-01-01"])
    out = _hits(f)
    assert out[out.rule_id == "AMZ-DUPLICATE-EXACT"].review_id.tolist() == ["d0"]
    _assert_spans(f, out)


def test_same_author_repeating_is_not_plagiarism():
    out = _hits(_dup_frame(["ann", "ann"], ["2024-01-01", "2024-02-01"]))
    assert out[out.category == "plagiarism_impersonation"].empty


def test_undated_duplicates_are_all_flagged_weak():
    out = _hits(_dup_frame(["ann", "bob"], [None, None]))
    dup = out[out.rule_id == "AMZ-DUPLICATE-EXACT"]
    assert sorted(dup.review_id) == ["d0", "d1"] and set(dup.strength) == {"weak"}


def test_near_duplicate_and_punctuation_only_changes():
    near = LONG.replace("a little loose", "slightly loose")
    punct = LONG.upper().replace(",", " ;")
    f = _dup_frame(["ann", "bob", "cy"], ["2024-01-01", "2024-02-01", "2024-03-01"], [LONG, near, punct])
    out = _hits(f)
    assert out[out.rule_id == "AMZ-DUPLICATE-NEAR"].review_id.tolist() == ["d1"]
    assert out[out.rule_id == "AMZ-DUPLICATE-EXACT"].review_id.tolist() == ["d2"]


def test_short_texts_are_not_run_for_duplicates():
    out = find_duplicates(_dup_frame(["ann", "bob"], ["2024-01-01", "2024-02-01"], ["Great!", "Great!"]))
    assert set(out.outcome) == {"not_run"} and out.note.str.contains("too short").all()


def test_duplicates_are_found_across_the_whole_frame_not_per_slice():
    filler = [f"Review number {i} talks about a different gadget with its own quirks and merits entirely." for i in range(6)]
    f = _dup_frame(list("abcdefgh"), [f"2024-01-0{i + 1}" for i in range(8)], [LONG, *filler, LONG])
    whole = _hits(f)
    assert whole[whole.rule_id == "AMZ-DUPLICATE-EXACT"].review_id.tolist() == ["d7"]
    # per-review checks are partition-friendly: slices give the same rows as the whole
    parts = pd.concat([check_each_review(f.iloc[:3]), check_each_review(f.iloc[3:])], ignore_index=True)
    pd.testing.assert_frame_equal(parts, check_each_review(f))
    assert check_reviews(f, cross_review=False).equals(check_each_review(f))


# ------------------------------------------------------------------------------------- other platforms


def test_trustpilot_and_unknown_platforms():
    tp = _hits(_frame("call me 415-867-5309", platform="trustpilot", marketplace=None))
    assert tp.rule_id.tolist() == ["TP-PRIVATE-PHONE"] and tp.removal_basis.all()
    other = _hits(_frame("call me 415-867-5309", platform="other", marketplace=None))
    assert other.rule_id.tolist() == ["GEN-PRIVATE-PHONE"] and not other.removal_basis.any()
    raw = pd.DataFrame({"review_id": ["z"], "platform": ["myspace"], "text": ["call me 415-867-5309"]})
    assert check_reviews(raw).query("outcome == 'hit'").platform.tolist() == ["other"]


def test_summary_counts():
    out = check_reviews(_frame("call me 415-867-5309", "Sehr gut"))
    by_cat, by_reason = summarise_checks(out)
    assert by_cat.set_index("category").loc["private_info", "hits"] == 1
    assert by_reason.reviews.sum() >= 1


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=120), min_size=1, max_size=4),
       st.text(max_size=30))
def test_any_text_gives_valid_spans(texts, title):
    frame = _frame(*texts, title=title)
    out = check_reviews(frame)
    assert set(out.outcome) <= {"hit", "not_run"}
    _assert_spans(frame, out)


def test_cli_check_prints_counts_and_writes_hits(tmp_path, capsys):
    from pathlib import Path

    from reviewtools.cli import main

    sample = Path(__file__).resolve().parents[1] / "data" / "amazon_fine_food_sample.csv"
    out = tmp_path / "hits.csv"
    assert main(["check", str(sample), "--competitor", "Acme", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "reviews checked" in printed and "category" in printed and "not run" in printed
    written = pd.read_csv(out)
    assert list(written.columns) == list(HIT_COLUMNS)
    assert set(written.outcome) <= {"hit", "not_run"}
