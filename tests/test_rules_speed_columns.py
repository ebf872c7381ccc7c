"""check_each_review's per-row platform, marketplace and Vine lists from whole columns (rules._platform_market_vine)
must equal the value-by-value reference for every column type; the prefilters' per-row lookups likewise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reviewtools import rules as R

PER = {"amazon": [], "other": []}


def frames():
    plat = ["amazon", None, "ebay", "amazon", "other", "AMAZON"]
    market = ["amazon.com", None, "amazon.de", "amazon.com", "", "amazon.co.uk"]
    vine = [True, None, False, False, True, None]
    base = {"review_id": list("abcdef"), "text": ["x"] * 6}
    yield pd.DataFrame({**base, "platform": pd.array(plat, dtype="string[pyarrow]"),
                        "marketplace": pd.array(market, dtype="string[pyarrow]"),
                        "vine": pd.array(vine, dtype="boolean")})
    yield pd.DataFrame({**base, "platform": pd.array(plat, dtype="string[python]"),
                        "marketplace": pd.array(market, dtype="string[python]"),
                        "vine": pd.array(vine, dtype="boolean")})
    yield pd.DataFrame({**base, "platform": pd.Series(plat, dtype=object),
                        "marketplace": pd.Series([m if m else np.nan for m in market], dtype=object),
                        "vine": pd.Series([True, None, np.bool_(False), 0, "yes", pd.NA], dtype=object)})
    yield pd.DataFrame(base)  # no optional column
    yield pd.DataFrame({**base, "platform": pd.array([None] * 6, dtype="string[pyarrow]"),
                        "marketplace": pd.array([None] * 6, dtype="string[pyarrow]"),
                        "vine": pd.array([None] * 6, dtype="boolean")})
    yield pd.DataFrame({"review_id": pd.array([], dtype="string[pyarrow]"),
                        "text": pd.array([], dtype="string[pyarrow]"),
                        "platform": pd.array([], dtype="string[pyarrow]"),
                        "marketplace": pd.array([], dtype="string[pyarrow]"),
                        "vine": pd.array([], dtype="boolean")})


@pytest.mark.parametrize("frame", list(frames()))
def test_platform_market_vine_equals_reference(frame):
    fast = R._platform_market_vine(frame, PER)
    ref = R._platform_market_vine_reference(frame, PER)
    assert fast == ref
    for a, b in zip(fast, ref):  # same types too (a Vine flag is a Python bool or None: tested with "is True")
        assert [type(x) for x in a] == [type(x) for x in b]


def test_check_each_review_same_with_object_columns():
    f = pd.DataFrame({"review_id": ["a", "b", "c"], "platform": ["amazon", "amazon", None],
                      "marketplace": ["amazon.com", "amazon.de", None], "vine": [True, False, None],
                      "title": ["t", "u", "v"],
                      "text": ["I received this product free in exchange for my honest review. Visit www.example.com",
                               "Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr enttäuschend.",
                               "Call me at 415-867-5309 please"]})
    typed = f.astype({"review_id": "string[pyarrow]", "platform": "string[pyarrow]",
                      "marketplace": "string[pyarrow]", "vine": "boolean", "title": "string[pyarrow]",
                      "text": "string[pyarrow]"})
    pd.testing.assert_frame_equal(R.check_each_review(f), R.check_each_review(typed))
    pd.testing.assert_frame_equal(R.check_each_review(typed), R.check_each_review(typed, prefilter=False))
