"""Issue 8, thirteenth session: ``_has_decimal_digit`` of a draft whose only non-ASCII characters are the signature's
dash and the quote marks (most drafts) by substring tests on it without them, and ``_lint_cached`` returning one
problem without the sort; each against the definition (the ``\\d`` search, the sorted tuple)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond

_PARTS = st.sampled_from(["—", "“", "”", " ", "a", "Z", ".", "7", "0", "9", "١", "٣", "۵", "߀", "०", "𝟘", "²", "Ⅻ", "½",
                          "é", "’", "…", "\n", "\u00a0", "x1", "— Customer care team"])


@settings(max_examples=examples(600), deadline=None)
@given(parts=st.lists(_PARTS, max_size=12), text=st.text(max_size=20))
def test_has_decimal_digit_is_the_search(parts, text):
    for t in ("".join(parts), text + "".join(parts), "".join(parts) + text):
        assert respond._has_decimal_digit(t) == (re.search(r"\d", t) is not None), t


def test_the_marks_are_no_digits():
    for ch in (respond._SIGNATURE_DASH, *respond._QUOTE_MARKS):
        assert re.search(r"\d", ch) is None and not ch.isascii()


def test_one_problem_and_many_come_back_in_order():
    one = respond._lint_cached.__wrapped__("Hello,\n\nThank you.\n\n— Customer care team", "amazon", None, None, None,
                                           (), None)
    assert [p.rule_id for p in one] == ["R-LENGTH"] and type(one) is tuple
    many = respond._lint_cached.__wrapped__("Call 555-0100 or mail help@shop.com, see shop.com. Leave 5 stars!",
                                            "google", None, None, None, (), None)
    order = respond._rule_order(respond.lint_rules())
    assert len(many) > 1 and list(many) == sorted(many, key=lambda p: (p.severity == "not_run", p.start,
                                                                       order[p.rule_id]))
    assert respond._lint_cached.__wrapped__("Thank you.", "google", None, None, None, (), None) == ()
