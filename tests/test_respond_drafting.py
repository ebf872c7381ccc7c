"""Drafting's cheaper helpers equal the definitions they replace (issue 8): name tokens, display names, dates and
ratings of removal requests. The old definitions (commit f022067) are copied here."""

from __future__ import annotations

import datetime
import math
import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings


def _old_name_tokens(author):
    return [t for t in re.split(r"\s+", re.sub(r"[\"'“”]", " ", author).strip()) if t]


def _old_display_name(author, platform, settings=None):
    settings = settings or ReplySettings()
    if not settings.use_display_name or not respond._platform_channels(platform).get("shows_display_name", False):
        return None
    if author is None or (not isinstance(author, str)) or not author.strip():
        return None
    raw = respond._NAME_SPLIT.split(author, maxsplit=1)[0].strip()
    data = respond.channel_data()
    if not raw or raw.casefold() in data["generic_names"]:
        return None
    if "@" in raw or "/" in raw or respond._domain_rx(respond._link_tlds()).search(raw):
        return None
    tokens = raw.split()
    first = tokens[0].strip(",.;:!?-_'")
    if first.casefold().rstrip(".") in data["titles"]:
        return None
    if not first or not any(map(str.isalpha, first)) or len(first) > respond.MAX_NAME_CHARS:
        return None
    if sum(map(str.isdigit, first)) > 2:
        return None
    return first.capitalize() if first.isalpha() and first.islower() else first


def _old_fmt_date(value):
    ts = pd.Timestamp(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else None
    if ts is None or pd.isna(ts):
        return "an unknown date"
    year = ts.year
    if 1000 <= year <= 9999:
        return f"{year}-{ts.month:02d}-{ts.day:02d}"
    return ts.strftime("%Y-%m-%d")


_SPACES = "".join(chr(o) for o in range(0x110000) if chr(o).isspace() or re.fullmatch(r"\s", chr(o)))
_NAME_BITS = ("Ann", "Lee", "ann", "J.", "Mr", "mr.", "Dr", "Amazon Customer", "A Google user", "shop.com", "x.co",
              "a@b", "a/b", "R2D2", "12345", "Zoë", "İlker", "“", "”", '"', "'", "(", "[", "-", "_", ".", ",",
              "www.", "acme.io", "Kindle Customer", "Natalia Corres", "ﬁ", "ß")


@settings(max_examples=examples(400), deadline=None)
@given(author=st.one_of(st.none(), st.integers(), st.floats(allow_nan=True),
                        st.lists(st.one_of(st.sampled_from(_NAME_BITS), st.sampled_from(tuple(_SPACES)),
                                           st.text(max_size=3)), max_size=8).map("".join)),
       platform=st.sampled_from(("amazon", "google", "yelp", "other", "app_store", "ebay")),
       use=st.booleans())
def test_display_name_and_name_tokens_equal_the_old_ones(author, platform, use):
    setting = ReplySettings(use_display_name=use)
    assert respond.display_name(author, platform, setting) == _old_display_name(author, platform, setting)
    if isinstance(author, str):
        assert respond._name_tokens(author) == _old_name_tokens(author)


def test_name_tokens_split_at_every_whitespace_the_regex_knows():
    for ch in _SPACES:
        assert respond._name_tokens(f"Ann{ch}Lee{ch}") == _old_name_tokens(f"Ann{ch}Lee{ch}") == ["Ann", "Lee"]


def test_every_bare_domain_has_a_dot():
    rx = respond._domain_rx(respond._link_tlds())
    for tld in respond._link_tlds():
        assert rx.search(f"shop.{tld}") and not rx.search(f"shop{tld}")
    # every match repeats, at least once, a label followed by a literal dot: (?:label\.)+
    assert rx.pattern.startswith(r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(")


@given(text=st.text(alphabet=st.characters(blacklist_characters=".")))
def test_no_bare_domain_without_a_dot(text):
    assert respond._domain_rx(respond._link_tlds()).search(text) is None


_DATES = st.one_of(
    st.none(), st.just(float("nan")), st.just(pd.NaT), st.just(pd.NA), st.just(np.datetime64("NaT")),
    st.datetimes(min_value=datetime.datetime(1678, 1, 1), max_value=datetime.datetime(2261, 12, 31)).flatmap(
        lambda d: st.sampled_from([pd.Timestamp(d), pd.Timestamp(d, tz="UTC"), pd.Timestamp(d, tz="UTC").tz_convert("Asia/Tokyo"),
                                   d, np.datetime64(d), d.isoformat(), d.date()])),
)


@settings(max_examples=examples(300), deadline=None)
@given(value=_DATES)
def test_removal_dates_equal_the_old_ones(value):
    assert respond._fmt_date(value) == _old_fmt_date(value)


@given(value=st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(),
                       st.sampled_from([pd.NA, pd.NaT, np.int64(3), np.float64("nan"), np.float32(2.5), "4"])))
def test_na_scalar_is_pd_isna(value):
    assert respond._na_scalar(value) == bool(pd.isna(value))


# ------------------------------------------------------------------------------ every draft of a memo entry


_TITLES = st.sampled_from([None, "Kindle Paperwhite - eBook reader", "A {b} lamp", "Ünïcödé Kettle ΣΑΣ", "x" * 90,
                           "Café—Crème, 2 pack"])
_AUTHORS = st.sampled_from([None, "Ann Lee", "zoë", "Amazon Customer", "J. Smith", "Mr Smith", "Σίσυφος"])
_PROBLEMS = st.sampled_from([None, "arrived two weeks late", "the box was crushed and torn", "broke", "“smelled bad”",
                             "call 555 123 4567 now please"])


@settings(max_examples=examples(150), deadline=None)
@given(platform=st.sampled_from(("amazon", "google", "yelp", "trustpilot", "app_store", "google_play", "other")),
       kind=st.sampled_from(respond.REPLY_KINDS), topic=st.sampled_from((None, *respond.TOPICS)),
       author=_AUTHORS, title=_TITLES, problem=_PROBLEMS,
       reply=st.builds(ReplySettings, brand=st.sampled_from(["", "Acme", "Ünï {x}"]), tone=st.sampled_from(respond.TONES),
                       signature=st.sampled_from([None, "", "— Team X. Thanks!"]), amazon_public_reply=st.booleans()),
       limit=st.sampled_from((None, 0, 120, 260, 330, 400)))
def test_all_norms_are_the_normalised_drafts(platform, kind, topic, author, title, problem, reply, limit):
    real = respond.reply_limit
    if limit is not None:  # a tight limit: drafts in their shorter forms, some over it even then
        tight = respond.ReplyLimit(platform, limit, real(platform).unit, real(platform).source)
        respond.reply_limit = lambda p: tight
    try:
        review = {"review_id": "R1", "platform": platform, "author": author, "product_title": title}
        ctx = respond._draft_context(review, kind, topic, problem, reply)
        drafts, over = ctx.all_drafts(remember=False)
        assert ctx.all_norms() == (frozenset(respond._normalise.__wrapped__(t) for t in drafts), over)
    finally:
        respond.reply_limit = real
