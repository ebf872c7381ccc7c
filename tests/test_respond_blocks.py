"""Decisions in blocks equal one serial loop, and respond's fast paths equal the plain code (issue 8).

``recommend(processes=N)`` decides blocks of rows separately (each as if it were the whole page), then one
serial pass re-phrases the drafts an earlier block already used. A row re-phrased in that pass changes the page
its own block's later rows saw; these tests build pages where that happens a lot (many near-identical reviews,
so the phrasings collide and run out) and check the result equals one loop over all rows: forked blocks through
``recommend`` and, without forking, any cut of the rows into blocks through ``_decide_block`` + ``_assemble``.

The linter's shortcuts (one combined search before a rule's patterns, the phone-number digit bound in front of
``phonenumbers``) are checked against the plain code on adversarial text.
"""

from __future__ import annotations

import datetime
import multiprocessing
import re

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_frame_equal, assert_series_equal

from reviewtools import pipeline, respond
from reviewtools.respond import ReplySettings, lint_draft, lint_rules
from reviewtools.rules import may_hold_phone_number, phone_digits_needed
from reviewtools.schema import coerce

DAY = pd.Timestamp("2024-06-01", tz="UTC")
TEXTS = ("Bad.", "It never arrived and nobody answered my emails.")


def _page(n: int, *, replied: dict[int, str] | None = None) -> pd.DataFrame:
    """``n`` near-identical reviews (few platforms, products, texts; mostly no reviewer name) so that their reply
    drafts collide: many need re-phrasing and some run out of phrasings. ``replied``: row -> an existing reply."""
    rows = []
    for i in range(n):
        rows.append({
            "review_id": f"r{i}",
            "platform": "yelp" if i % 17 == 5 else "google",
            "product_id": "P1" if i % 19 else "P2",
            "rating": 5 if i % 6 == 3 else 1,
            "text": TEXTS[1] if i % 11 == 1 else TEXTS[0],
            "author": "Ann Lee" if i % 13 == 0 else None,
            "created_at": DAY,
            "reply_text": (replied or {}).get(i),
        })
    return coerce(pd.DataFrame(rows))


def _topics(frame: pd.DataFrame) -> pd.DataFrame:
    rows = [{"review_id": rid, "platform": p, "topic": "shipping_delivery", "field": "text", "start": 3,
             "end": 15, "evidence": "never arrived", "complaint": True, "negated": False}
            for rid, p, t in zip(frame["review_id"], frame["platform"], frame["text"]) if "never arrived" in t]
    return pd.DataFrame(rows)


def _decided(frame: pd.DataFrame, matches: pd.DataFrame, settings: ReplySettings, bounds: list[tuple[int, int]]
             ) -> dict[str, object]:
    """``recommend``'s decided columns when its rows are decided in the blocks ``bounds`` (no fork)."""
    out = coerce(frame)
    existing = frozenset(respond._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    recs = out[[c for c in pipeline.DECISION_COLUMNS if c in out.columns]]
    state = pipeline._decision_state(settings, None, matches, False, (), existing)
    if bounds == [(0, len(recs))]:
        blocks = [pipeline._decide_block(recs, state)]
    else:
        blocks = [pipeline._decide_block(recs.iloc[a:b], state, whole=False) for a, b in bounds]
    return pipeline._assemble(blocks, recs, settings, existing)


def test_the_page_forces_rephrasing_inside_blocks_and_running_out():
    """The fixture page does what the other tests need: rows re-phrased in the serial pass with later rows of
    their own block re-phrased too, and rows that ran out of phrasings inside their block."""
    frame = _page(150)
    settings = ReplySettings()
    out = coerce(frame)
    recs = out[[c for c in pipeline.DECISION_COLUMNS if c in out.columns]]
    state = pipeline._decision_state(settings, None, _topics(frame), False, (), frozenset())
    bounds = [(0, 9), (9, 16), (16, 110), (110, 150)]
    blocks = [pipeline._decide_block(recs.iloc[a:b], state, whole=False) for a, b in bounds]
    cols = pipeline._assemble(blocks, recs, settings, frozenset())
    rephrased_per_block = []
    i = 0
    for block in blocks:
        k = 0
        for row in block:
            k += row[3] != cols["draft"][i]
            i += 1
        rephrased_per_block.append(k)
    assert sum(k >= 2 for k in rephrased_per_block[1:]) >= 2
    ran_out = [row for block in blocks for row in block if row[-1] is not None and not row[-1][1]]
    assert ran_out, "no row ran out of phrasings inside its block"
    assert any("R-DUP" in lint for lint in cols["draft_lint"])


@pytest.mark.parametrize("bounds", [
    [(0, 1), (1, 2), (2, 3), (3, 120)],
    [(0, 7), (7, 14), (14, 21), (21, 28), (28, 35), (35, 120)],
    [(0, 60), (60, 61), (61, 119), (119, 120)],
    [(0, 33), (33, 66), (66, 99), (99, 120)],
])
def test_any_cut_into_blocks_equals_one_loop(bounds):
    frame = _page(120, replied={4: "Hi. Thanks for your review. — Customer care team"})
    settings = ReplySettings(brand="Acme")
    matches = _topics(frame)
    one = _decided(frame, matches, settings, [(0, 120)])
    cut = _decided(frame, matches, settings, bounds)
    for c in one:
        assert_series_equal(pd.Series(cut[c]), pd.Series(one[c]), check_exact=True, obj=c)


def test_existing_replies_and_earlier_blocks_are_respected_like_one_loop():
    """Existing replies copied from drafts the serial loop writes: every block must avoid them as the loop does."""
    plain = _page(90)
    settings = ReplySettings()
    first = pipeline.recommend(plain, None, _topics(plain), settings)
    taken = [d for d in first["draft"] if d][:5]
    frame = _page(95, replied={90 + k: d for k, d in enumerate(taken)})
    matches = _topics(frame)
    one = _decided(frame, matches, settings, [(0, 95)])
    cut = _decided(frame, matches, settings, [(0, 5), (5, 6), (6, 50), (50, 95)])
    for c in one:
        assert_series_equal(pd.Series(cut[c]), pd.Series(one[c]), check_exact=True, obj=c)
    assert not set(one["draft"][:90]) & set(taken) - {""} or any("R-DUP" in x for x in one["draft_lint"])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="forked decision blocks need fork")
def test_forked_decision_blocks_equal_serial(monkeypatch):
    frame = _page(160)
    matches = _topics(frame)
    settings = ReplySettings()
    serial = pipeline.recommend(frame, None, matches, settings, processes=1)
    monkeypatch.setattr(pipeline, "DECISION_MIN_BLOCK", 5)
    monkeypatch.setattr(pipeline, "DECISION_MAX_BLOCK", 7)  # 23 blocks of 7, each re-phrased against the others
    forked = pipeline.recommend(frame, None, matches, settings, processes=2)
    assert_frame_equal(forked, serial, check_exact=True)
    assert serial["draft"].nunique() < (serial["draft"] != "").sum()  # drafts did collide and run out


# ---------------------------------------------------------------------------------------- linter shortcuts

_PIECES = ("call", "Call me", "+", "＋", "(", ")", "-", ".", " ", "x", "X", "ext.", "ext ", "#", "~", "int ",
           "415", "867", "5309", "020", "7946", "0958", "030", "1234567", "0044", "011", "001", "1", "0", "9",
           "４１５", "٣", "www.", "example.com", "shop.it/x", "@", "a.b@example.co.uk", "gift card", "review",
           "update your review", "free", "discount", "coupon", "visit", "our website", "sue", "lawyer", "Amazon.com",
           "Hi Ann,", "\n", "!", "?", "5 stars", "refund", "tel:", ";ext=", "Tel", "ring us", "Kindle 4 GB",
           "LAWYER", "Legal Action", "newsletter", "Subscribe", "promo code", "contact us first", "rate us 5",
           "we hope you will reconsider", "update your rating", "leave a positive review", "QR code", "@shop",
           "follow us on instagram", "our phone number is", "sue you", "fake review", "10% off", "ſue", "\u212a", "“", "”", "—", "’", "é", "É", "ß", "Straße",
           "ΣΑΣ", "ǅ", "ﬁ", "İ", "ı",
           "gift card", "free product", "$10", "in exchange for", "a 5-star review", "etc.", "refund.Review",
           "voucher", "for your feedback")


def _draftish() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=14).map("".join)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_draftish())
def test_combined_search_says_no_exactly_when_no_pattern_matches(text):
    for rule in lint_rules():
        patterns = tuple(rule.params.get("patterns", ()))
        rx = respond._any_rx(patterns)
        if rx is None:
            continue
        plain = any(True for p in patterns for _ in respond._rx(p).finditer(text))
        assert (rx.search(text) is not None) == plain, (rule.rule_id, text)


REGIONS = ("US", "GB", "DE", "FR", "IT", "AU", "IN", "JP", "CA", "BR", "SM", "AG", "XX", "us", None)


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_draftish(), region=st.sampled_from(REGIONS))
def test_phone_bound_never_rules_out_a_number_phonenumbers_finds(text, region):
    if may_hold_phone_number(text, region):
        return
    assert not list(phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)), text


@pytest.mark.parametrize("text, region", [
    ("Call +44 20 7946 0958", "US"), ("(415) 867-5309", "US"), ("415.867.5309", "US"), ("030 12345678", "DE"),
    ("+81 3-1234-5678", None), ("４１５-８６７-５３０９", "US"), ("310-1234", "CA"), ("Call 415 867 5309 ext. 12", "US"),
    ("+1 268 464 1234", "GB"), ("0549 123456", "SM"), ("ring 0033 1 23 45 67 89", "GB"),
])
def test_phone_bound_keeps_real_numbers(text, region):
    found = list(phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID))
    assert may_hold_phone_number(text, region) or not found
    if found:
        assert may_hold_phone_number(text, region)


def test_phone_bound_rules_out_prices_and_counts():
    assert not may_hold_phone_number("Bought 2 packs for $19.99 and 3 more at 4.50 each", "US")
    assert phone_digits_needed("US", plus=False) == 7  # a 7-digit Canadian UAN (310-xxxx) is valid for cc 1
    assert phone_digits_needed("US", plus=True) <= phone_digits_needed("US", plus=False)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_draftish(), platform=st.sampled_from(("google", "amazon", "yelp", "other")),
       region=st.sampled_from(("GB", "US", None)))
def test_lint_with_shortcuts_equals_lint_without(text, platform, region):
    fast = lint_draft(text, platform, region=region)
    respond._lint_cached.cache_clear()
    respond._segment_found.cache_clear()  # the pieces' findings too: the slow run works everything out again
    saved = respond.may_hold_phone_number, respond._any_rx
    saved_lits, saved_dot = respond._pattern_literals, respond._DOT_WORD
    saved_incentive = respond._DETECTORS["incentive"]
    try:
        respond.may_hold_phone_number = lambda *a, **k: True
        respond._any_rx = lambda patterns: None
        respond._pattern_literals = lambda pattern: None
        respond._literal_rx.cache_clear()
        respond._DOT_WORD = re.compile("")  # matches every text
        respond._DETECTORS["incentive"] = _plain_incentive
        slow = lint_draft(text, platform, region=region)
    finally:
        respond.may_hold_phone_number, respond._any_rx = saved
        respond._pattern_literals, respond._DOT_WORD = saved_lits, saved_dot
        respond._DETECTORS["incentive"] = saved_incentive
        respond._literal_rx.cache_clear()
        respond._lint_cached.cache_clear()
        respond._segment_found.cache_clear()
    assert fast == slow


def _plain_incentive(rule, text, ctx):
    """R-INCENTIVE without the whole-text shortcut: every sentence searched."""
    p = rule.params
    value, review, cue = respond._incentive_rx(tuple(p["value_terms"]), tuple(p["review_terms"]),
                                               tuple(p["exchange_cues"]))
    out = []
    for s, e in respond._sentences(text):
        sent = text[s:e]
        if value.search(sent) and review.search(sent):
            out.append(respond._problem(rule, text, s, e) if cue.search(sent)
                       else respond._problem(rule, text, s, e, p["warn_reason"], "warn"))
    return out


def test_every_tld_starts_with_a_word_character():
    """_detect_links looks for bare domains only in texts with a dot before a word character."""
    for rule in lint_rules():
        for tld in rule.params.get("tlds", ()):
            assert re.match(r"\w", tld, re.IGNORECASE), tld


def test_ascii_folds_are_every_non_ascii_character_ignorecase_matches_to_an_ascii_letter():
    any_letter = re.compile("[a-z]", re.IGNORECASE)
    found = "".join(chr(o) for o in range(0x80, 0x110000) if any_letter.fullmatch(chr(o)))
    assert set(found) == set(respond._ASCII_FOLDS)
    assert all(len(chr(o).lower()) == 1 for o in range(0x110000) if chr(o) not in respond._ASCII_FOLDS)


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_draftish().filter(lambda t: not any(c in t for c in respond._ASCII_FOLDS)), upper=st.booleans())
def test_pattern_literals_are_in_every_match_of_a_text_without_folds(text, upper):
    text = text.upper() if upper else text
    if any(c in text for c in respond._ASCII_FOLDS):  # upper() made one ("ı" -> "I" is fine, but be sure)
        return
    for rule in lint_rules():
        for p in rule.params.get("patterns", ()):
            lits = respond._pattern_literals(p)
            if lits is None:
                continue
            for m in respond._rx(p).finditer(text):
                assert any(x in m.group(0).lower() for x in lits), (rule.rule_id, p, m.group(0))


# ---------------------------------------------------------------------------------------- drafting memo and patches

_MEMO = respond._DraftMemo(ReplySettings())  # shared by the examples, so later ones hit what earlier ones stored
_NAMES = (None, "Ann Lee", "ann", "Amazon Customer", "A2ADEDCACBC2DF", "Mr Smith", "bob@x.com", "Zoë", "", " ",
          float("nan"), 7)
_TITLES = (None, "Kindle Paperwhite - eBook reader - 4 GB, black", "Corner Bakery", "Acme Notes", "", "x" * 90,
           "Tea | Green, 20 bags", float("nan"))
_PROBLEMS = (None, "arrived two weeks late", "broke", "“customer service was rude and slow”", "call 415 867 5309 now",
             "never arrived at all", 3.0)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rid=st.sampled_from(["R1", "R2", "r3", "h0123456789abcdef", "", "R1"]),
       platform=st.sampled_from(["amazon", "google", "yelp", "trustpilot", "app_store", "google_play", "other", None]),
       author=st.sampled_from(_NAMES), title=st.sampled_from(_TITLES),
       kind=st.sampled_from(respond.REPLY_KINDS), topic=st.sampled_from((None,) + respond.TOPICS),
       problem=st.sampled_from(_PROBLEMS), variant=st.integers(0, 6))
def test_memoised_draft_context_writes_the_same_drafts(rid, platform, author, title, kind, topic, problem, variant):
    """The memo (a name per author, a context part per platform/name/title/kind/topic/problem, a text per pick)
    gives exactly the drafts of the plain code, for every variant and for values it does not remember."""
    review = {"review_id": rid, "platform": platform, "author": author, "product_title": title}
    plain = respond.draft_reply(review, kind=kind, topic=topic, problem=problem, variant=variant)
    ctx = respond._draft_context(review, kind, topic, problem, _MEMO.settings, _MEMO)
    assert ctx.text(variant) == plain
    assert ctx.text(variant) == plain  # a second time from the memo's table


def test_memo_is_used_only_with_its_own_settings():
    memo = respond._DraftMemo(ReplySettings())
    review = {"review_id": "R1", "platform": "google", "author": "Ann Lee"}
    formal = ReplySettings(tone="formal", brand="Acme")
    respond._draft_context(review, "positive", None, None, memo.settings, memo).text(0)
    got = respond._draft_context(review, "positive", None, None, formal, memo).text(0)
    assert got == respond.draft_reply(review, kind="positive", settings=formal)


@settings(max_examples=examples(100), deadline=None)
@given(vals=st.lists(st.one_of(st.none(), st.text(max_size=5)), max_size=30), data=st.data())
def test_patched_equals_a_patched_list(vals, data):
    mask = [data.draw(st.booleans()) for _ in vals]
    new = [data.draw(st.text(max_size=5)) for m in mask if m]
    for storage in ("pyarrow", "python"):
        arr = pd.array(vals, dtype=pd.StringDtype(storage))
        expect = list(arr)
        for j, v in zip([j for j, m in enumerate(mask) if m], new):
            expect[j] = v
        got = pipeline._patched(arr, pd.array(mask, dtype=bool).to_numpy(dtype=bool), new)
        # what _assemble did before: the patched list back into a "string" array, whatever the input's storage
        assert_series_equal(pd.Series(got), pd.Series(pd.array(expect, dtype="string")), check_exact=True)
        if storage == "pyarrow":
            assert pa.array(got).type == pa.array(arr).type  # the block's own Arrow type (large_string)


# ---------------------------------------------------------------------------------------- the per-row loop's reads

_SCALARS = st.one_of(
    st.none(), st.just(pd.NA), st.just(pd.NaT), st.just(float("nan")), st.floats(allow_nan=True),
    st.integers(-5, 5), st.booleans(), st.text(max_size=3), st.just(np.nan), st.just(np.float64("nan")),
    st.just(np.float64(1.5)), st.just(np.int64(3)), st.just(np.datetime64("NaT")), st.just(pd.Timestamp("2024-01-01")),
    st.just(np.str_("x")))


@given(v=_SCALARS)
def test_na_is_pandas_isna_for_scalars(v):
    assert pipeline._na(v) == (v is None or bool(pd.isna(v)))


def test_row_values_are_the_records_values_then_none():
    frame = coerce(_page(30, replied={2: "Thanks!"}))
    frame.loc[3, "rating"] = pd.NA
    frame["sentiment_score"] = [float("nan") if i % 4 else 0.5 for i in range(len(frame))]
    recs = frame[[c for c in pipeline.DECISION_COLUMNS if c in frame.columns]]
    names = list(recs.columns)
    for values, rec in zip(pipeline._row_values(recs), recs.to_dict("records"), strict=True):
        assert len(values) == len(names) + 1 and values[-1] is None
        for c, v in zip(names, values):
            w = rec[c]
            assert (v is w) or (v == w) or (pipeline._na(v) and pipeline._na(w) and type(v) is type(w)), (c, v, w)


def test_pack_of_no_rows():
    packed = pipeline._pack([])
    assert packed.n == 0 and not packed.redo and set(packed.columns) == set(pipeline._DECIDED_COLUMNS)


def test_records_of_hit_rows_equal_to_dict():
    """_hits_by_review turns hit rows into dicts with pipeline._records: the very values and types of
    ``to_dict("records")`` for the hit frame's dtypes (string, boolean, Int64), missing ones included."""
    import math

    hits = pd.DataFrame({
        "review_id": ["r1", "r2", None, "r4"], "platform": ["amazon", None, "yelp", "google"],
        "rule_id": ["A", "B", "C", None], "removal_basis": [True, None, False, True],
        "start": [0, None, 5, 2**40], "evidence": ["x", "", None, "“y”"], "strength": ["strong", None, "weak", ""],
    }).astype({"review_id": "string", "platform": "string", "rule_id": "string", "removal_basis": "boolean",
               "start": "Int64", "evidence": "string", "strength": "string"})
    hits["note"] = pd.Series(["n", None, "m", "k"], dtype=object)
    hits["score"] = [0.5, float("nan"), -0.0, 1e300]
    for a, b in zip(pipeline._records(hits), hits.to_dict("records"), strict=True):
        assert list(a) == list(b)
        for k in a:
            u, v = a[k], b[k]
            assert type(u) is type(v), (k, u, v)
            assert u is v or u == v or (isinstance(u, float) and math.isnan(u) and math.isnan(v)), (k, u, v)


@given(vals=st.lists(st.one_of(st.text(max_size=6), st.none(), st.sampled_from(["", "★", "“x”", "\x1f"])), max_size=20))
def test_string_array_equals_pd_array(vals):
    got, want = pipeline._string_array(tuple(vals)), pd.array(list(vals), dtype="string")
    assert_series_equal(pd.Series(got), pd.Series(want), check_exact=True)
    assert_series_equal(pd.Series(pipeline._string_array(list(vals))), pd.Series(want), check_exact=True)
    if hasattr(want, "_pa_array"):
        assert pa.array(got).type == pa.array(want).type


# ---------------------------------------------------------------------------------------- grouping not-run rows

def _not_run_frame(rows: list[tuple[str | None, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["platform", "review_id", "rule_id"]).astype(
        {"platform": "string", "review_id": "string", "rule_id": "string"})


@settings(max_examples=examples(120), deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["amazon", "yelp", None]), st.sampled_from(["r1", "r2", "r3", "x\x1fy", None]),
                               st.sampled_from(["R-A", "R-B", "R-C", "R-D", None, "nan", "<NA>"])), max_size=40),
       platform=st.booleans())
def test_not_run_lists_equal_the_row_loop(rows, platform):
    frame = _not_run_frame(rows)
    if not platform:
        frame = frame.drop(columns=["platform"])
    got = pipeline._not_run_lists(frame)
    want = pipeline._not_run_loop(pipeline._review_keys(frame), frame["rule_id"].astype(str)) if len(frame) else {}
    assert got == want and list(got) == list(want)
    # equal lists are one shared list, as the loop makes them
    assert len({id(v) for v in got.values()}) == len({tuple(v) for v in got.values()})


_LONG_ROW = st.tuples(st.sampled_from(["amazon", None]), st.sampled_from(["r1", "r3", "x\x1fy", "", None]),
                     st.sampled_from(["R-A", "R-B", "R-C", None]), st.sampled_from(["hit", "not_run", None]),
                     st.sampled_from([True, True, False, None]), st.sampled_from(["strong", "weak", None]))


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hit_rows=st.lists(_LONG_ROW, max_size=30),
       match_rows=st.lists(st.tuples(st.sampled_from(["amazon", "yelp", None]),
                                     st.sampled_from(["r1", "r2", "r3", "x\x1fy", None]),
                                     st.booleans(), st.booleans()), max_size=20),
       platform=st.booleans(),
       block=st.lists(st.sampled_from(["amazon\x1fr1", "yelp\x1fr2", "other\x1fr3", "r1", "r3", "x\x1fy",
                                       "amazon\x1fx\x1fy", "amazon\x1f", "", "zz"]), min_size=1, max_size=8))
def test_block_grouping_equals_the_whole_grouping_restricted(hit_rows, match_rows, platform, block):
    """A decision block's grouping (``_grouped_block``: rows picked by the state's keys, not filtered or keyed
    again) equals grouping the whole long frames and keeping the block's keys: missing ids, platforms and rules,
    ids holding the key separator, empty ids, long frames without ``platform``."""
    hits = pd.DataFrame(hit_rows, columns=["platform", "review_id", "rule_id", "outcome", "removal_basis",
                                           "strength"]).astype(
        {"platform": "string", "review_id": "string", "rule_id": "string", "outcome": "string",
         "removal_basis": "boolean", "strength": "string"})
    hits["evidence"] = pd.array(["ev"] * len(hits), dtype="string")
    matches = pd.DataFrame(match_rows, columns=["platform", "review_id", "complaint", "negated"]).astype(
        {"platform": "string", "review_id": "string"})
    matches["topic"], matches["evidence"] = "shipping_delivery", "never came"
    if not platform:
        hits, matches = hits.drop(columns=["platform"]), matches.drop(columns=["platform"])
    by_hit, not_run = pipeline._hits_by_review(hits)
    complaints = pipeline._complaints(matches)
    state = pipeline._decision_state(ReplySettings(), hits, matches, True, (), frozenset())
    got = state.grouped(block)
    for whole, part in zip((by_hit, not_run, complaints), got):
        want = {k: v for k, v in whole.items() if k in set(block)}
        assert part == want and list(part) == list(want)


def test_not_run_lists_with_more_rules_than_the_encoding_holds():
    rules = [f"R-{i:02d}" for i in range(60)]
    rows = [("amazon", "r1", r) for r in rules] + [("amazon", "r2", r) for r in reversed(rules)] + \
           [("yelp", "r1", rules[0]), ("amazon", "r1", rules[3])]
    frame = _not_run_frame(rows)
    got = pipeline._not_run_lists(frame)
    assert got == pipeline._not_run_loop(pipeline._review_keys(frame), frame["rule_id"].astype(str))
    assert got["amazon\x1fr1"] == rules and got["amazon\x1fr2"] == rules[::-1]


# ------------------------------------------------------------------------ drafts of a memo entry that ran out of phrasings

_RIDS = st.text(alphabet="rR0123456789abcdef#~", min_size=0, max_size=12)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rid=_RIDS, platform=st.sampled_from(["amazon", "google", "yelp", "app_store", None]),
       author=st.sampled_from((None, "Ann Lee", "")), kind=st.sampled_from(respond.REPLY_KINDS),
       topic=st.sampled_from((None, "shipping_delivery", "wrong_item", "safety")),
       problem=st.sampled_from((None, "arrived two weeks late")), variant=st.integers(0, 40))
def test_every_phrasing_set_text_picks_is_among_the_choices(rid, platform, author, kind, topic, problem, variant):
    """``choices`` lists every phrasing set a stable hash can pick, so ``all_drafts`` holds every draft ``text``
    gives, whatever the review id and variant."""
    memo = respond._DraftMemo(ReplySettings())
    review = {"review_id": rid, "platform": platform, "author": author}
    ctx = respond._draft_context(review, kind, topic, problem, memo.settings, memo)
    drafts, over = ctx.all_drafts()
    assert not over
    assert ctx.text(variant) in drafts
    assert respond.draft_reply(review, kind=kind, topic=topic, problem=problem, variant=variant) in drafts
    assert len(ctx.choices()) == len(drafts)


def _draft_stream(settings: ReplySettings, rows: list[tuple[str, str, str | None, str]], page: set[str],
                  memo: respond._DraftMemo | None, keep: bool = True) -> list[tuple[str, tuple]]:
    """``_unique_draft`` over ``rows`` (review id, platform, author, kind) on one growing page, as a block does
    (``keep=False``: as the parent's re-phrasing pass does)."""
    out = []
    for rid, platform, author, kind in rows:
        rec = {"review_id": rid, "platform": platform, "author": author, "product_title": "Acme Notes"}
        topic = "shipping_delivery" if kind != "positive" else None
        draft, problems = pipeline._unique_draft(rec, kind, topic, None, settings, page, memo, keep=keep)
        page.add(respond._normalise(draft))
        out.append((draft, tuple(problems)))
    return out


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.text(alphabet="ab0123456789", min_size=1, max_size=6),
                               st.sampled_from(["google", "yelp", "amazon"]), st.sampled_from([None, "Ann Lee"]),
                               st.sampled_from(["positive", "mixed", "negative"])), min_size=1, max_size=250),
       seeded=st.booleans())
def test_drafts_of_a_spent_memo_entry_equal_the_variants_loop(rows, seeded):
    """With a memo, a review whose entry's drafts are all on the page goes straight to the last variant: the same
    draft and lint as the plain loop over six variants (no memo), on pages where entries run out (few entries,
    many reviews; ``seeded``: the page starts with every draft of some entries)."""
    settings = ReplySettings()
    start: set[str] = set()
    if seeded:
        seed_memo = respond._DraftMemo(settings)
        for platform in ("google", "amazon"):
            ctx = respond._draft_context({"review_id": "x", "platform": platform}, "positive", None, None, settings,
                                         seed_memo)
            start |= {respond._normalise(t) for t in ctx.all_drafts()[0]}
    plain = _draft_stream(settings, rows, set(start), None)
    memo = respond._DraftMemo(settings)
    assert _draft_stream(settings, rows, set(start), memo) == plain
    light = respond._DraftMemo(settings)  # the parent's pass: learning, holding only the missing drafts
    assert _draft_stream(settings, rows, set(start), light, keep=False) == plain
    assert all(part[-1].norms is None for part in light.parts.values())


def test_spent_entries_are_taken_and_equal_the_loop():
    """The fast path is taken on a page where an entry runs out (so the equality above is not vacuous)."""
    settings = ReplySettings()
    rows = [(f"r{i}", "google", None, "positive") for i in range(400)]
    memo = respond._DraftMemo(settings)
    calls = []
    real = respond._DraftContext.text

    def counted(self, variant=0):
        calls.append(variant)
        return real(self, variant)

    respond._DraftContext.text = counted
    try:
        fast = _draft_stream(settings, rows, set(), memo)
        n_fast = len(calls)
        calls.clear()
        assert _draft_stream(settings, rows, set(), None) == fast
    finally:
        respond._DraftContext.text = real
    assert n_fast < len(calls) / 2  # most reviews took one variant instead of six
    space = next(iter(memo.parts.values()))[-1]
    assert space.norms and not space.missing
    # keep=False (the parent's pass): the same drafts and the same short cut, without the entry's drafts held
    light = respond._DraftMemo(settings)
    respond._DraftContext.text = counted
    try:
        calls.clear()
        assert _draft_stream(settings, rows, set(), light, keep=False) == fast
    finally:
        respond._DraftContext.text = real
    assert len(calls) == n_fast
    (ctx_part,) = light.parts.values()
    assert ctx_part[-1].norms is None and not ctx_part[-1].missing


def test_a_light_space_on_another_page_works_its_drafts_out_again():
    """``keep=False`` holds no drafts of the entry: a page it has not seen gets them worked out anew."""
    memo = respond._DraftMemo(ReplySettings())
    ctx = respond._draft_context({"review_id": "R1", "platform": "google"}, "positive", None, None, memo.settings,
                                 memo)
    drafts = {respond._normalise(t) for t in ctx.all_drafts(remember=False)[0]}
    assert not ctx.texts  # nothing remembered
    page = set(list(drafts)[:3])
    assert not ctx.space.update(ctx, page, keep=False)
    assert ctx.space.norms is None and ctx.space.missing == drafts - page
    other = set(drafts)
    assert ctx.space.update(ctx, other, keep=False) and ctx.space.spent(other)


def test_a_page_that_did_not_grow_from_the_one_seen_is_not_spent():
    memo = respond._DraftMemo(ReplySettings())
    ctx = respond._draft_context({"review_id": "R1", "platform": "google"}, "positive", None, None, memo.settings,
                                 memo)
    page = {respond._normalise(t) for t in ctx.all_drafts()[0]}
    assert ctx.space.update(ctx, page)
    assert not ctx.space.spent(set(page))  # another set object: not known
    page.discard(next(iter(page)))
    assert not ctx.space.spent(page)  # shrunk: not known either
    assert not ctx.space.update(ctx, page)


def test_over_the_limit_entries_log_every_variant_as_the_loop_does(caplog):
    """A draft over the platform's limit logs a warning per variant tried: an entry with one is never
    short-cut, so the warnings are those of the plain loop."""
    settings = ReplySettings(signature="x" * 5000)
    rows = [(f"r{i}", "google", None, "positive") for i in range(60)]
    with caplog.at_level("WARNING", logger="reviewtools.respond"):
        plain = _draft_stream(settings, rows, set(), None)
        n_plain = len(caplog.records)
        caplog.clear()
        memo = respond._DraftMemo(settings)
        assert _draft_stream(settings, rows, set(), memo) == plain
        assert len(caplog.records) == n_plain > 60
    assert next(iter(memo.parts.values()))[-1].over


@settings(max_examples=examples(300), deadline=None)
@given(when=st.datetimes(min_value=datetime.datetime(1678, 1, 2), max_value=datetime.datetime(2262, 4, 10)),
       tz=st.sampled_from([None, "UTC", "Asia/Tokyo", "America/St_Johns", "Pacific/Kiritimati"]))
def test_removal_date_is_strftimes(when, tz):
    """The removal request's date without strftime for four-digit years is strftime's, in the value's own zone."""
    ts = pd.Timestamp(when)
    if tz is not None:
        ts = ts.tz_localize("UTC").tz_convert(tz)
    assert respond._fmt_date(ts) == ts.strftime("%Y-%m-%d")
    assert respond._fmt_date(ts.to_pydatetime()) == ts.strftime("%Y-%m-%d")
    if tz is None:
        assert respond._fmt_date(str(ts)) == ts.strftime("%Y-%m-%d")


def test_removal_date_of_missing_values():
    assert {respond._fmt_date(v) for v in (None, float("nan"), pd.NaT)} == {"an unknown date"}
