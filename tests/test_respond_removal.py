"""The decision loop's removal draft (``respond._removal_draft``): the body, channel and recipient that
``removal_request_from_rows`` gives, for any review and hit rows (every platform, derived ids, missing or odd
ratings, authors, dates and marketplaces, hits with and without categories), with any settings."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings, TemplateError, removal_request_from_rows

_PLATFORMS = st.sampled_from(["amazon", "google", "trustpilot", "yelp", "app_store", "google_play", "other", "ebay", "",
                              None])
_MISSING = st.sampled_from([None, float("nan"), pd.NA, pd.NaT])
_REVIEW = st.fixed_dictionaries({
    "review_id": st.one_of(st.sampled_from(["R1", "h" + "0" * respond.ID_HEX_DIGITS, "h12", ""]), st.text(max_size=6)),
    "platform": _PLATFORMS,
}, optional={
    "rating": st.one_of(_MISSING, st.integers(1, 5), st.sampled_from([1.0, 4.0, 2.5])),
    "author": st.one_of(_MISSING, st.sampled_from(["", "Ann Lee", "  ", "x{y}"]), st.integers(0, 3)),
    "created_at": st.one_of(_MISSING, st.datetimes().map(lambda d: pd.Timestamp(d, tz="UTC"))),
    "marketplace": st.one_of(_MISSING, st.sampled_from(["US", "uk", "DE", "", "zz"])),
    "product_title": st.one_of(_MISSING, st.sampled_from(["Kindle  Paperwhite", " ", "A {b}"])),
    "product_id": st.one_of(_MISSING, st.sampled_from(["B01", "", " "])),
})
_HIT = st.fixed_dictionaries({
    "rule_id": st.sampled_from(["AMZ-PII-EMAIL", "TP-PROMO", "G-SPAM"]),
    "clause": st.one_of(st.sampled_from(["Private information", "Spam", ""]), _MISSING),
    "evidence": st.one_of(st.sampled_from(["me@x.com", "  buy   now \n", "{x}"]), _MISSING),
}, optional={"category": st.one_of(st.sampled_from(["spam", "private_info", "fake", ""]), st.none())})
_SETTINGS = st.builds(ReplySettings, brand=st.sampled_from(["", "Acme"]),
                      signature=st.sampled_from([None, "", "— Team X"]))


@settings(max_examples=examples(200), deadline=None)
@given(review=_REVIEW, rows=st.lists(_HIT, min_size=1, max_size=4), reply=_SETTINGS)
def test_removal_draft_is_the_requests_body_channel_and_recipient(review, rows, reply):
    try:
        req = removal_request_from_rows(review, rows, reply)
    except Exception as exc:  # e.g. pd.NA in a field tested for truth: the same error
        with pytest.raises(type(exc)):
            respond._removal_draft(review, rows, reply)
        return
    assert respond._removal_draft(review, rows, reply) == (req.body, req.channel, req.to)


def test_removal_draft_without_rows_raises_as_the_request_does():
    with pytest.raises(TemplateError):
        respond._removal_draft({"review_id": "R1", "platform": "amazon"}, [], ReplySettings())
    assert math.isnan(float("nan"))  # the strategies' NaN is a float NaN
