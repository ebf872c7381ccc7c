"""Issue 8, the removal drafts' fast paths (``respond._removal_draft``): the same body, channel and recipient (or the
same error) as the definition before them, copied here, for odd reviews and hits, called again and again (the
first lines and recipients remembered), and the helpers equal to what they replace: ``_filler`` and
``_template_parts`` to ``str.format``, ``_single_spaced`` to ``" ".join(text.split())``, the dates, the derived ids."""

from __future__ import annotations

import datetime
import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings, TemplateError


def _old_fmt_date(value):
    if type(value) is pd.Timestamp:
        year = value.year
        if 1000 <= year <= 9999:
            return f"{year}-{value.month:02d}-{value.day:02d}"
    ts = pd.Timestamp(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else None
    if ts is None or pd.isna(ts):
        return "an unknown date"
    year = ts.year
    if 1000 <= year <= 9999:
        return f"{year}-{ts.month:02d}-{ts.day:02d}"
    return ts.strftime("%Y-%m-%d")


def _old_is_derived_id(review_id):
    return bool(respond.DERIVED_ID.fullmatch(review_id))


def _old_removal_draft(review, rows, settings):
    """``respond._removal_draft`` at 081fd46."""
    rid = str(review.get("review_id"))
    if not rows:
        raise TemplateError(f"review {rid}: no removal-basis guideline hit, so no removal request")
    platform = str(review.get("platform") or "other")
    t, plat, intro, item, item_no_id, reason, flag_reasons, flag_line, channel = respond._removal_consts(platform)
    product = respond._product_ref(review)
    str(review.get("product_id") or "")
    rating = review.get("rating")
    author = review.get("author")
    head = respond._removal_head(platform, intro, product)
    lines = [head, respond._fill(item_no_id if _old_is_derived_id(rid) else item, {
        "review_id": rid,
        "author": str(author) if isinstance(author, str) and author else "an unnamed reviewer",
        "date": _old_fmt_date(review.get("created_at")),
        "rating": f"{int(rating)}★" if rating is not None and not respond._na_scalar(rating) else "unknown stars",
    })]
    cats = []
    for h in rows:
        lines.append(respond._fill(reason, {"clause": str(h["clause"]), "rule_id": str(h["rule_id"]),
                                            "evidence": " ".join(str(h["evidence"]).split())}))
        cats.append(str(h.get("category", "")))
    if flag_reasons is not None:
        flag = next((flag_reasons[c] for c in cats if c in flag_reasons), flag_reasons["default"])
        lines.append(respond._fill(flag_line, {"flag_reason": flag}))
    lines.append(respond._removal_tail(t["outro"], respond._removal_signature(
        t["signature"]["branded"], t["signature"]["unbranded"], settings.signature, settings.brand)))
    return "\n".join(lines), channel, respond._removal_to(platform, review.get("marketplace"))


_SPACES = "".join(chr(o) for o in range(0x110000) if chr(o).isspace() or re.fullmatch(r"\s", chr(o)))
_TEXT = st.lists(st.one_of(st.sampled_from(["me@x.com", "buy now", " ", "  ", "{x}", "“q”", "★", "é", "\x00",
                                            "\u200b", "\x85", "\xa0", "\u3000", "\t", "\n", "a", "."]),
                           st.sampled_from(tuple(_SPACES)), st.text(max_size=4)), max_size=10).map("".join)
_MISSING = st.sampled_from([None, float("nan"), pd.NA, pd.NaT])
_PLATFORMS = st.sampled_from(["amazon", "google", "trustpilot", "yelp", "app_store", "google_play", "other", "ebay", "",
                              None])
_REVIEW = st.fixed_dictionaries({
    "review_id": st.one_of(st.sampled_from(["R1", "h" + "0" * respond.ID_HEX_DIGITS, "h" + "f" * respond.ID_HEX_DIGITS,
                                            "H" + "0" * respond.ID_HEX_DIGITS, "h" + "0" * (respond.ID_HEX_DIGITS - 1)
                                            + "g", "h12", ""]), st.text(max_size=6), st.integers(0, 3), st.none()),
    "platform": _PLATFORMS,
}, optional={
    "rating": st.one_of(_MISSING, st.integers(-3, 14), st.sampled_from([1.0, 4.0, 2.5, True, "4", 10**20])),
    "author": st.one_of(_MISSING, st.sampled_from(["", "Ann Lee", "  ", "x{y}", "A3A02E6557BCEA"]), st.integers(0, 3)),
    "created_at": st.one_of(_MISSING, st.datetimes().map(lambda d: pd.Timestamp(d, tz="UTC")),
                            st.datetimes().map(pd.Timestamp), st.sampled_from(["2024-02-13", "2024-12-31T23:59:59Z"])),
    "marketplace": st.one_of(_MISSING, st.sampled_from(["US", "uk", "DE", "", "zz", "amazon.com", "amazon.co.uk",
                                                        "AMAZON.CO.UK"]), st.integers(0, 2)),
    "product_title": st.one_of(_MISSING, st.sampled_from(["Kindle  Paperwhite", " ", "A {b}", "x - y (z)"]),
                               st.integers(0, 2)),
    "product_id": st.one_of(_MISSING, st.sampled_from(["B01", "", " ", "{0}"]), st.integers(0, 2)),
})
_HIT = st.fixed_dictionaries({
    "rule_id": st.one_of(st.sampled_from(["AMZ-PII-EMAIL", "TP-PROMO", "G-SPAM", "{x}"]), st.integers(0, 2)),
    "clause": st.one_of(st.sampled_from(["Private information", "Spam", "", "a {b} c"]), _MISSING),
    "evidence": st.one_of(_TEXT, _MISSING, st.integers(0, 3)),
}, optional={"category": st.one_of(st.sampled_from(["spam", "private_info", "fake", "", "profanity"]), st.none())})
_SETTINGS = st.builds(ReplySettings, brand=st.sampled_from(["", "Acme"]),
                      signature=st.sampled_from([None, "", "— Team X"]))


def _outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - the same kind of error is the expected outcome
        return type(exc)


@settings(max_examples=examples(100), deadline=None)
@given(reviews=st.lists(st.tuples(_REVIEW, st.lists(_HIT, min_size=0, max_size=3)), min_size=1, max_size=6),
       reply=_SETTINGS)
def test_removal_draft_equals_the_old_definition(reviews, reply):
    for review, rows in reviews + reviews:  # twice: the remembered first lines and recipients
        assert _outcome(respond._removal_draft, review, rows, reply) == _outcome(_old_removal_draft, review, rows,
                                                                                  reply)


def test_removal_draft_with_a_full_table_of_first_lines(monkeypatch):
    monkeypatch.setattr(respond, "_REMOVAL_HEADS_SIZE", 2)
    respond._REMOVAL_HEADS.clear()
    respond._REMOVAL_ROWS.clear()  # each request's parts made again from the tables (respond._removal_row_parts)
    hit = [{"rule_id": "X", "clause": "c", "evidence": "e"}]
    for k in range(7):
        review = {"review_id": f"R{k}", "platform": "amazon", "product_title": f"T{k % 3}", "product_id": "B1"}
        assert respond._removal_draft(review, hit, ReplySettings()) == _old_removal_draft(review, hit, ReplySettings())
        assert len(respond._REMOVAL_HEADS) <= 2
    respond._REMOVAL_HEADS.clear()


@given(text=_TEXT)
def test_single_spaced_is_split_and_join(text):
    assert respond._single_spaced(text) == " ".join(text.split())


def test_every_whitespace_but_the_space_is_not_printable():
    for ch in _SPACES:
        assert ch == " " or not ch.isprintable()
        assert respond._single_spaced(f"a{ch}b") == " ".join(f"a{ch}b".split())


_PIECES = st.sampled_from(["{a}", "{b}", "{c}", "{{", "}}", "{a!r}", "{b:>3}", "{0}", "{}", "{a.real}", "{a[0]}",
                           "{", "}", "'", '"', "\\", "\\n", "“", "★", "x", " ", "\n", "{class}", "{a }", "{ a}"])


@settings(max_examples=examples(250), deadline=None)
@given(template=st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=8).map("".join),
       values=st.tuples(_TEXT, _TEXT, _TEXT))
def test_filler_is_format(template, values):
    kw = dict(zip(("a", "b", "c"), values))
    fill = respond._filler(template, ("a", "b", "c"))
    try:
        want = template.format(**kw)
    except Exception:  # noqa: BLE001 - a template format refuses is never a plain one
        assert fill is None
        return
    if fill is not None:
        assert fill(*values) == want
    parts = respond._template_parts(template)
    if parts is not None:
        lits, names = parts
        assert len(lits) == len(names) + 1
        assert lits[0] + "".join(kw[n] + lit for n, lit in zip(names, lits[1:])) == want


def test_filler_of_the_removal_templates():
    t = respond.removal_templates()
    for template, fields in ((t["item"], respond._ITEM_FIELDS), (t["item_no_id"], respond._ITEM_FIELDS),
                             (t["reason"], respond._REASON_FIELDS)):
        fill = respond._filler(template, fields)
        assert fill is not None  # the fast path is taken for the real templates
        vals = tuple(f"<{f}>" for f in fields)
        assert fill(*vals) == template.format(**dict(zip(fields, vals)))
    assert respond._filler("{a}{b}", ("a",)) is None


@settings(max_examples=examples(300), deadline=None)
@given(value=st.one_of(_MISSING, st.datetimes().map(pd.Timestamp), st.datetimes().map(
    lambda d: pd.Timestamp(d, tz="UTC").tz_convert("Asia/Tokyo")), st.datetimes(), st.dates()))
def test_dates_equal_the_old_ones(value):
    assert _outcome(respond._fmt_date, value) == _outcome(_old_fmt_date, value)


@given(rid=st.one_of(st.text(alphabet="h0123456789abcdefgH", max_size=23), st.text(max_size=22)))
def test_derived_ids_equal_the_old_ones(rid):
    assert respond._is_derived_id(rid) == _old_is_derived_id(rid)
    assert respond._is_derived_id("h" + "a" * respond.ID_HEX_DIGITS)


def test_removal_draft_without_rows_still_raises():
    with pytest.raises(TemplateError):
        respond._removal_draft({"review_id": "R1", "platform": "amazon"}, [], ReplySettings())


# Tenth session (issue 8): the templates per (platform, signature, brand) (``_removal_plan``), the flag lines per
# flag reason, the dates per day number (``_DATES``), f-string fillers, Python's own SHA-256 for the reply picks.

@settings(max_examples=examples(120), deadline=None)
@given(reviews=st.lists(st.tuples(_REVIEW, st.lists(_HIT, min_size=0, max_size=3)), min_size=1, max_size=4),
       replies=st.lists(_SETTINGS, min_size=1, max_size=3))
def test_removal_draft_with_settings_changing_between_calls(reviews, replies):
    for reply in replies + replies[::-1]:  # each (platform, signature, brand) plan made, then reused
        for review, rows in reviews:
            assert _outcome(respond._removal_draft, review, rows, reply) == _outcome(_old_removal_draft, review, rows,
                                                                                      reply)


def test_removal_draft_with_a_full_table_of_plans(monkeypatch):
    monkeypatch.setattr(respond, "_REMOVAL_PLANS_SIZE", 1)
    respond._REMOVAL_PLANS.clear()
    respond._REMOVAL_ROWS.clear()
    hits = [{"rule_id": "X", "clause": "c", "evidence": "e", "category": c} for c in ("fake", "spam", "", None)]
    for k in range(12):
        reply = ReplySettings(brand=("", "Acme")[k % 2], signature=(None, "— T")[k // 2 % 2])
        review = {"review_id": f"R{k}", "platform": ("amazon", "google", "trustpilot")[k % 3]}
        for rows in (hits[:1], hits[1:2], hits[2:], hits):
            assert respond._removal_draft(review, rows, reply) == _old_removal_draft(review, rows, reply)
        assert len(respond._REMOVAL_PLANS) <= 1
    respond._REMOVAL_PLANS.clear()


def test_the_plan_holds_the_closing_lines_of_its_settings():
    respond._REMOVAL_PLANS.clear()
    respond._REMOVAL_ROWS.clear()
    rows = [{"rule_id": "X", "clause": "c", "evidence": "e"}]
    a = respond._removal_draft({"review_id": "R1", "platform": "amazon"}, rows, ReplySettings(brand="Acme"))
    b = respond._removal_draft({"review_id": "R1", "platform": "amazon"}, rows, ReplySettings(brand="Other"))
    assert "Acme" in a[0] and "Other" in b[0] and "Acme" not in b[0]
    assert len(respond._REMOVAL_PLANS) == 2


_ZONES = ("UTC", "Asia/Tokyo", "America/New_York", "Pacific/Kiritimati", "Etc/GMT+12", "Europe/London")
_STAMPS = st.one_of(
    st.datetimes().map(pd.Timestamp),
    st.tuples(st.datetimes(), st.sampled_from(_ZONES)).map(lambda a: pd.Timestamp(a[0], tz="UTC").tz_convert(a[1])),
    st.tuples(st.datetimes(), st.sampled_from(["s", "ms", "us"])).map(lambda a: pd.Timestamp(a[0]).as_unit(a[1])),
    st.tuples(st.datetimes(datetime.datetime(1700, 1, 1), datetime.datetime(2250, 1, 1)),
              st.sampled_from(_ZONES)).map(lambda a: pd.Timestamp(a[0]).as_unit("ns").tz_localize(a[1],
                                           ambiguous=True, nonexistent="shift_forward")),
)


@settings(max_examples=examples(250), deadline=None)
@given(values=st.lists(_STAMPS, min_size=1, max_size=8))
def test_dates_remembered_per_day_equal_the_old_ones(values):
    for value in values + values:  # the second time from the table
        assert respond._fmt_date(value) == _old_fmt_date(value)
    for day, text in list(respond._DATES.items())[:50]:  # what the table holds is the day's date
        assert text == respond.datetime.date.fromordinal(day).isoformat()


def test_dates_with_a_full_table(monkeypatch):
    monkeypatch.setattr(respond, "_DATES_SIZE", 2)
    respond._DATES.clear()
    days = [pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(hours=7 * k) for k in range(40)]
    for value in days + days:
        assert respond._fmt_date(value) == _old_fmt_date(value)
    assert len(respond._DATES) <= 2
    respond._DATES.clear()


def test_dates_outside_four_digit_years_are_not_remembered():
    import numpy as np

    respond._DATES.clear()
    for value in (pd.Timestamp(np.datetime64("12000-01-02", "s")), pd.Timestamp(np.datetime64("0999-03-04", "s")),
                  pd.Timestamp(np.datetime64("-0005-03-04", "s"))):
        assert _outcome(respond._fmt_date, value) == _outcome(_old_fmt_date, value)
    assert respond._DATES == {}


class _LoudStr(str):
    def __format__(self, spec):
        return "LOUD"


def test_filler_formats_values_as_format_does():
    fill = respond._filler("a {x} {{b}} {y}!", ("x", "y"))
    assert fill(_LoudStr("v"), "w") == "a {x} {{b}} {y}!".format(x=_LoudStr("v"), y="w") == "a LOUD {b} w!"


@given(data=st.binary(max_size=200))
def test_the_picks_hash_is_sha256(data):
    assert respond._sha256(data).digest() == __import__("hashlib").sha256(data).digest()
