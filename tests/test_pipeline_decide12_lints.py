"""``pipeline._lint_key`` holds everything ``_draft_lint``'s result depends on (so the triage's ``lints`` memo,
:attr:`pipeline._DecisionState.lints`, gives what ``_draft_lint`` gives), and the decision loop and the parent's
pass give the same columns with the memo as without it."""

from __future__ import annotations

import dataclasses

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings

# drafts whose lint depends on the author's full name (R-PII), on being on the page (R-DUP), on the platform
# (lengths, channels) and the region (phone numbers)
_DRAFTS = st.sampled_from([
    "Hi Ann Lee, thank you for your review.",
    "Hi Bob Stone, thanks. Call 020 7946 0958 or write to help@shop.com.",
    "Thank you, we are glad it arrived safely.",
    "Hi Zoë Ünal. Visit example.com for a refund of your order 123-4567890-1234567.",
    "Hello there. " + "We are sorry. " * 40,
    "Ring us on (212) 555-0123 any time.",
])
_AUTHORS = st.sampled_from([None, "", "Ann Lee", "ann lee", "Ann  Lee", "Lee, Ann", "Bob Stone", "Bob", "A1B2C3",
                            "Zoë Ünal", "J.", 5, float("nan")])
_PLATFORMS = st.sampled_from(["google", "amazon", "yelp", "trustpilot", "other", None, ""])
_REGIONS = st.sampled_from([None, "GB", "US"])


@settings(max_examples=examples(200), deadline=None)
@given(calls=st.lists(st.tuples(_DRAFTS, _PLATFORMS, _AUTHORS, st.booleans(), _REGIONS), min_size=1, max_size=30))
def test_equal_keys_equal_lints(calls: list) -> None:
    seen: dict = {}
    for draft, platform, author, on_page, region in calls:
        s = ReplySettings(region=region) if region else ReplySettings()
        rec = {"review_id": "R1", "platform": platform, "author": author, "product_title": "Kettle"}
        got = pipeline._draft_lint(draft, rec, on_page, s)
        key = pipeline._lint_key(draft, rec, on_page, s)
        assert key is not None
        assert seen.setdefault(key, got) == got, key


def test_keys_tell_apart_what_the_lint_reads() -> None:
    s = ReplySettings()
    draft = "Hi Ann Lee, thank you for your review."
    rec = {"platform": "google", "author": "Ann Lee"}
    # the author's full name (R-PII) and the page (R-DUP) change the result, and so the key
    assert pipeline._draft_lint(draft, rec, False, s) != pipeline._draft_lint(draft, {"platform": "google"}, False, s)
    assert pipeline._lint_key(draft, rec, False, s) != pipeline._lint_key(draft, {"platform": "google"}, False, s)
    assert pipeline._draft_lint(draft, rec, True, s) != pipeline._draft_lint(draft, rec, False, s)
    assert pipeline._lint_key(draft, rec, True, s) != pipeline._lint_key(draft, rec, False, s)
    # one-word authors are not read: one key
    assert (pipeline._lint_key(draft, {"author": "A1B2"}, False, s) == pipeline._lint_key(draft, {"author": ""}, False, s)
            == pipeline._lint_key(draft, {"author": None}, False, s) == pipeline._lint_key(draft, {}, False, s))
    assert pipeline._lint_key(["not", "a", "str"], rec, False, s) is None


class _Forgetful(dict):
    """A lints memo that remembers nothing."""

    def get(self, key, default=None):
        return default

    def __setitem__(self, key, value):
        pass


def _reviews(n: int, authors: list) -> pd.DataFrame:
    return pd.DataFrame({
        "review_id": [f"R{i}" for i in range(n)],
        "platform": ["amazon" if i % 3 else "google" for i in range(n)],
        "rating": pd.array([(i % 5) + 1 for i in range(n)], dtype="Int64"),
        "text": ["ok"] * n,
        "author": [authors[i % len(authors)] for i in range(n)],
        "product_title": ["Kettle" if i % 2 else "Toaster" for i in range(n)],
        "sentiment_label": ["negative" if i % 4 == 0 else "positive" for i in range(n)],
        "sentiment_score": [-0.5 if i % 4 == 0 else 0.6 for i in range(n)],
    })


@settings(max_examples=examples(25), deadline=None)
@given(n=st.integers(1, 120), authors=st.lists(_AUTHORS, min_size=1, max_size=6),
       existing=st.booleans())
def test_decide_block_with_and_without_the_memo(n: int, authors: list, existing: bool) -> None:
    recs = _reviews(n, authors)
    page = frozenset({pipeline._normalise("Thank you for your review.")}) if existing else frozenset()
    state = pipeline._decision_state(ReplySettings(), None, None, True, (), page)
    got = pipeline._decide_block(recs, state, quick=False)
    assert state.lints  # the loop used the memo
    want = pipeline._decide_block(recs, dataclasses.replace(state, lints=_Forgetful()), quick=False)
    assert repr(got) == repr(want)  # repr: a NaN author in the redo rows is not == another NaN object
    # the parent's pass: the same columns with the memo (shared with the loop above) as without
    a = pipeline._assemble([got[: n // 2], got[n // 2:]], recs, state.settings, page, state.lints)
    b = pipeline._assemble([want[: n // 2], want[n // 2:]], recs, state.settings, page)
    assert a.keys() == b.keys()
    for c in a:
        assert list(a[c]) == list(b[c]), c
