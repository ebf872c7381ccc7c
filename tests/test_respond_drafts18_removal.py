"""Issue 8, eighteenth session: ``respond._removal_draft`` takes a request's plan parts, first lines and recipient
from one table keyed by (platform, signature, brand, title, product id, marketplace) (``_REMOVAL_ROWS``) and reads
an int ``created_at``'s remembered date inline. The same body, channel and recipient (or the same error) as the
definition before it (``respond._removal_draft`` at 25ed65f, copied here), called again and again in any order
(from the table), with the table emptied when full; each field of the key gives its own parts (a key without the
marketplace or the brand, or a one-hit body for a platform with flag reasons, fails here)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings, TemplateError


def _old_removal_draft(review, rows, settings):
    """``respond._removal_draft`` at 25ed65f (its tables are respond's own)."""
    get = review.get
    rid = str(get("review_id"))
    if not rows:
        raise TemplateError(f"review {rid}: no removal-basis guideline hit, so no removal request")
    platform = str(get("platform") or "other")
    signature, brand = settings.signature, settings.brand
    if (signature is None or type(signature) is str) and type(brand) is str:
        plan = respond._removal_plan(platform, signature, brand)
    else:
        plan = respond._removal_plan(platform, None, None)
    intro, item_fill, item_no_id_fill, item, item_no_id, reason_fill, reason, flag_reasons, flag_line, flag_lines, \
        channel, end, one_fill, one_no_id_fill, spaced = plan
    head = respond._removal_head(platform, intro, respond._product_ref(review))
    str(get("product_id") or "")
    rating = get("rating")
    author = get("author")
    who = str(author) if isinstance(author, str) and author else "an unnamed reviewer"
    date = respond._fmt_date(get("created_at"))
    if type(rating) is int:
        stars = respond._STARS[rating] if 0 <= rating < len(respond._STARS) else f"{rating}★"
    else:
        stars = f"{int(rating)}★" if rating is not None and not respond._na_scalar(rating) else "unknown stars"
    if respond._is_derived_id(rid):
        fill, template, one = item_no_id_fill, item_no_id, one_no_id_fill
    else:
        fill, template, one = item_fill, item, one_fill
    if one is not None and flag_reasons is None and end is not None and len(rows) == 1:
        h = rows[0]
        clause, rule_id, evidence = str(h["clause"]), str(h["rule_id"]), h["evidence"]
        evidence = spaced(evidence) if type(evidence) is str else " ".join(str(evidence).split())
        body = one(head, rid, who, date, stars, clause, rule_id, evidence, end)
    else:
        body = "\n".join(respond._removal_lines(head, fill, template, rid, who, date, stars, rows, reason_fill,
                                                reason, flag_reasons, {}, flag_line, end, signature, brand))
    return body, channel, respond._removal_to(platform, get("marketplace"))


def _outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - the same kind of error is the expected outcome
        return type(exc)


_NS = st.integers(-(2**63), 2**63 - 1)
_REVIEW = st.fixed_dictionaries({
    "review_id": st.sampled_from(["R1", "R2", "h" + "0" * respond.ID_HEX_DIGITS, "h12", ""]),
    "platform": st.sampled_from(["amazon", "trustpilot", "google", "yelp", "ebay", "", None]),
}, optional={
    "rating": st.one_of(st.none(), st.integers(-2, 12), st.sampled_from([4.0, float("nan"), pd.NA, "3"])),
    "author": st.one_of(st.none(), st.sampled_from(["", "Ann Lee", "A3A02E6557BCEA"]), st.integers(0, 2)),
    "created_at": st.one_of(st.none(), _NS, st.sampled_from([-(2**63), 0, 1_700_000_000 * 10**9]),
                            st.datetimes().map(pd.Timestamp), st.sampled_from(["2024-02-13", pd.NaT])),
    "marketplace": st.one_of(st.none(), st.sampled_from(["amazon.com", "amazon.co.uk", "US", ""]), st.integers(0, 1)),
    "product_title": st.one_of(st.none(), st.sampled_from(["Kindle  Paperwhite", " ", "A {b}"]), st.integers(0, 1)),
    "product_id": st.one_of(st.none(), st.sampled_from(["B01", "B02", "", "{0}"]), st.integers(0, 1)),
})
_HIT = st.fixed_dictionaries({
    "rule_id": st.sampled_from(["AMZ-PII-EMAIL", "TP-PROMO", "{x}"]),
    "clause": st.sampled_from(["Private information", "Spam", ""]),
    "evidence": st.one_of(st.sampled_from(["me@x.com", " a  b ", "“q”", "é\t"]), st.integers(0, 2), st.none()),
}, optional={"category": st.one_of(st.sampled_from(["spam", "fake", "", "private_info"]), st.none())})
_SETTINGS = st.builds(ReplySettings, brand=st.sampled_from(["", "Acme"]), signature=st.sampled_from([None, "— T"]))


@settings(max_examples=examples(100), deadline=None)
@given(reviews=st.lists(st.tuples(_REVIEW, st.lists(_HIT, min_size=0, max_size=3)), min_size=1, max_size=6),
       replies=st.lists(_SETTINGS, min_size=1, max_size=2), order=st.randoms(use_true_random=False))
def test_removal_draft_equals_the_definition_before_the_table(reviews, replies, order):
    calls = [(review, rows, reply) for review, rows in reviews for reply in replies] * 3
    order.shuffle(calls)  # the table's entries made by one call and read by later ones, in any order
    for review, rows, reply in calls:
        assert _outcome(respond._removal_draft, review, rows, reply) == _outcome(_old_removal_draft, review, rows,
                                                                                  reply)


def test_each_key_field_gives_its_own_parts():
    respond._REMOVAL_ROWS.clear()
    hit = [{"rule_id": "X", "clause": "c", "evidence": "e"}]
    base = {"review_id": "R1", "platform": "amazon", "product_id": "B01", "created_at": 1_700_000_000 * 10**9}
    for review, reply in [(base, ReplySettings()), ({**base, "marketplace": "amazon.co.uk"}, ReplySettings()),
                          ({**base, "marketplace": "amazon.com"}, ReplySettings()),
                          ({**base, "marketplace": "amazon.co.uk"}, ReplySettings(brand="Acme")),
                          ({**base, "marketplace": "amazon.co.uk"}, ReplySettings(brand="Acme", signature="— T")),
                          ({**base, "product_id": "B02"}, ReplySettings()),
                          ({**base, "product_title": "Lamp"}, ReplySettings()),
                          ({**base, "platform": "trustpilot"}, ReplySettings()),  # flag line on one hit
                          (base, ReplySettings())]:
        for _ in range(2):
            assert respond._removal_draft(review, hit, reply) == _old_removal_draft(review, hit, reply)
    assert len(respond._REMOVAL_ROWS) == 8
    trust = respond._removal_draft({**base, "platform": "trustpilot"}, hit, ReplySettings())[0]
    assert trust.count("\n") > respond._removal_draft(base, hit, ReplySettings())[0].count("\n")


def test_removal_draft_with_a_full_table(monkeypatch):
    monkeypatch.setattr(respond, "_REMOVAL_ROWS_SIZE", 2)
    respond._REMOVAL_ROWS.clear()
    hit = [{"rule_id": "X", "clause": "c", "evidence": "e"}]
    for k in range(9):
        review = {"review_id": f"R{k}", "platform": ("amazon", "trustpilot")[k % 2], "product_id": f"B{k % 3}",
                  "marketplace": ("amazon.com", None, "amazon.co.uk")[k % 3], "created_at": k * 86_400 * 10**9}
        assert respond._removal_draft(review, hit, ReplySettings()) == _old_removal_draft(review, hit, ReplySettings())
        assert len(respond._REMOVAL_ROWS) <= 2
    respond._REMOVAL_ROWS.clear()
