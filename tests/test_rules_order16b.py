"""The order-number prefilter's count gate (sixteenth session, helper ``checks_b``): its RE2 pattern searched on
the rows with at least seven ASCII digits or non-ASCII characters = RE2 over every row."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R


def _batch(rows: list[tuple[str, str]]) -> R._Batch:
    n = len(rows)
    return R._Batch([t for t, _ in rows], [x for _, x in rows], [None] * n, [None] * n)


def _rule() -> R.Rule:
    return next(r for r in R.load_rules() if r.detector == "order_number")


_FIELD = st.lists(st.sampled_from(["1", "23", "4567", "-", "--", "\u0663", "\u0669\u0661", "\uff11", "\u00e9",
                                   "\U0001d7d9", "a", " ", "\n"]), max_size=16).map("".join)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(_FIELD, _FIELD), min_size=1, max_size=10))
def test_order_prefilter_equals_re2(rows: list[tuple[str, str]]) -> None:
    want = _batch(rows).match("joined", R._re2_order())
    assert (R.PREFILTERS["order_number"](_batch(rows), _rule(), ()) == want).all()
    b = _batch(rows)  # with the shared counts already made
    b.array("joined_low")
    b.byte_count("joined", R._ASCII_DIGITS)
    assert (R.PREFILTERS["order_number"](b, _rule(), ()) == want).all()


def test_order_examples() -> None:
    rows = [("", "order 123-4567890-1234567"), ("\u0661\u0662\u0663-\u0664\u0665\u0666\u0667\u0668\u0669\u0660-", ""),
            ("12-34", "567-89"), ("-123", "4567-"), ("x", "-1\u00e92\u00e93\u00e94-")]
    want = _batch(rows).match("joined", R._re2_order())
    assert want.tolist() == [True, True, False, False, True]
    assert R.PREFILTERS["order_number"](_batch(rows), _rule(), ()).tolist() == want.tolist()
