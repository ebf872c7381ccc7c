"""``pipeline._unique_text`` + ``pipeline._draft_lint`` (the decision loop's draft and lint, the lint's summary
skipped when there is no problem) give what ``_unique_draft`` and the summary of its problems gave; ``_spaced``
is ``" ".join(text.split())``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings, _DraftMemo, _normalise, blocking, summarise_problems

_AUTHORS = st.sampled_from([None, "Ann", "Ann Lee", "Bob Stone Jr", "J.", "", "Mary-Jane O'Neil", 5])
_PLATFORMS = st.sampled_from(["google", "amazon", "yelp", "trustpilot", None, ""])


@settings(max_examples=examples(150), deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 40), _PLATFORMS, _AUTHORS,
                               st.sampled_from(["positive", "negative", "mixed"])), min_size=1, max_size=25),
       region=st.sampled_from([None, "GB", "US"]))
def test_text_and_lint_as_unique_draft(rows: list, region: str | None) -> None:
    s = ReplySettings(region=region) if region else ReplySettings()
    page_a: set[str] = set()
    page_b: set[str] = set()
    memo_a, memo_b = _DraftMemo(s), _DraftMemo(s)
    for rid, platform, author, kind in rows:
        rec = {"review_id": f"R{rid}", "platform": platform, "author": author, "product_title": "Kettle"}
        draft, problems = pipeline._unique_draft(rec, kind, None, None, s, page_a, memo_a)
        want = (summarise_problems(p for p in problems if p.severity != "not_run"), bool(blocking(problems)))
        text = pipeline._unique_text(rec, kind, None, None, s, page_b, memo_b)
        assert text == draft
        assert pipeline._draft_lint(text, rec, _normalise(text) in page_b, s) == want
        page_a.add(_normalise(draft))
        page_b.add(_normalise(text))


@settings(max_examples=examples(500), deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab .,\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2000\u2028\u3000é€"))))
def test_spaced(text: str) -> None:
    assert pipeline._spaced(text) == " ".join(text.split())
