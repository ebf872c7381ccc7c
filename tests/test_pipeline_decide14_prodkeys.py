"""Priority's product groups by codes (``pipeline._product_keys``): the product means, counts and unknown rows of
``_priority_inputs`` are those of the joined key ``platform (missing: "?") + "\\x1f" + product_id``, whatever the
platforms and ids (missing ones, "?", the separator itself, non-ASCII), and the codes are used where no platform
holds the separator."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples
from pandas.testing import assert_series_equal

from reviewtools import pipeline

_PLATS = st.sampled_from([None, "", "?", "amazon", "yelp", "a\x1fb", "a", "é"])
_PRODS = st.sampled_from([None, "", "x", "y", "b", "\x1f", "b\x1fx", "x\x1f", "ü"])


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame({
        "platform": pd.array([r[0] for r in rows], dtype="string"),
        "product_id": pd.array([r[1] for r in rows], dtype="string"),
        "rating": pd.array([r[2] for r in rows], dtype="Int64"),
        "helpful_votes": pd.array([0] * len(rows), dtype="Int64"),
        "created_at": pd.to_datetime(["2024-05-01"] * len(rows), utc=True),
    }, index=pd.RangeIndex(3, 3 + len(rows)))


def _joined_way(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    rating = pd.to_numeric(frame["rating"], errors="coerce")
    key = frame["platform"].astype("string").fillna("?") + "\x1f" + frame["product_id"].astype("string")
    grp = rating.groupby(key, dropna=True)
    return key, grp.transform("mean"), grp.transform("count")


@settings(max_examples=examples(60), deadline=None)
@given(rows=st.lists(st.tuples(_PLATS, _PRODS, st.one_of(st.none(), st.integers(1, 5))), min_size=1, max_size=40))
def test_product_groups_equal_the_joined_keys(rows):
    frame = _frame(rows)
    key, mean, count = _joined_way(frame)
    got = pipeline._priority_inputs(frame, None)
    assert_series_equal(got.mean, mean, check_exact=True)
    assert_series_equal(got.count, count, check_exact=True)
    assert np.array_equal(got.key.isna().to_numpy(), key.isna().to_numpy())
    assert got.key.index.equals(frame.index)
    codes = pipeline._product_keys(frame)
    if any(isinstance(p, str) and "\x1f" in p for p, _, _ in rows):
        assert codes.astype(object).where(codes.notna(), None).tolist() == key.astype(object).where(
            key.notna(), None).tolist()
    else:  # codes: equal exactly where the joined keys are
        assert codes.dtype == np.float64
        k = key.tolist()
        c = codes.tolist()
        for i in range(len(rows)):
            for j in range(len(rows)):
                if pd.isna(k[i]) or pd.isna(k[j]):
                    assert pd.isna(c[i]) == pd.isna(k[i]) and pd.isna(c[j]) == pd.isna(k[j])
                else:
                    assert (k[i] == k[j]) == (c[i] == c[j])


def test_codes_taken_for_plain_platforms():
    frame = _frame([("amazon", "x", 5), (None, "x", 1), ("?", "x", 3), ("amazon", None, 2)])
    codes = pipeline._product_keys(frame)
    assert codes.dtype == np.float64
    assert codes.iloc[1] == codes.iloc[2] and codes.iloc[0] != codes.iloc[1] and np.isnan(codes.iloc[3])
    got = pipeline._priority_inputs(frame, None)
    assert got.mean.tolist()[:3] == [5.0, 2.0, 2.0] and got.count.tolist()[:3] == [1, 2, 2]
