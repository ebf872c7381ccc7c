"""The duplicate check's id repeats from string hashes (``ingest._id_repeats``, ``_string_hashes``) and the date
repeats by a sort (``ingest._multi``, ``_instants``) equal the factorization they replace
(``_repeats(_key_codes(_codes(platform), _codes(review_id)))`` and ``_repeats(_codes(created_at))[1]``): on
chunked and sliced Arrow columns, short, long and non-ASCII values, missing values, one or several platforms, and
values that share their first and last 8 bytes (hash collisions the exact step must resolve)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest

_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", "a", "R1", "R22", "abcdefgh", "abcdefghi", "abcdefgh1abcdefgh", "abcdefgh2abcdefgh",
                     "abcdefgh22abcdefgh", "é", "ü" * 9, "RBCDCBFA53E0A8", "RBCDCBFA53E0A9"]),
    st.text(max_size=20),
)


def _chunked(values: list[str | None], cuts: list[int], offset: int, large: bool) -> pd.Series:
    """``values`` as an Arrow string Series cut into chunks at ``cuts``, each chunk a slice of a bigger array."""
    typ = pa.large_string() if large else pa.string()
    bounds = sorted({0, len(values), *(c % (len(values) + 1) for c in cuts)})
    chunks = []
    for a, b in zip(bounds, bounds[1:]):
        pad = ["pad" * (offset + 1)] * offset
        chunks.append(pa.array(pad + values[a:b] + pad, type=typ).slice(offset, b - a))
    arr = pa.chunked_array(chunks, type=typ) if chunks else pa.chunked_array([], type=typ)
    return pd.Series(pd.arrays.ArrowStringArray(arr))


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_VALUES, max_size=60), st.lists(st.sampled_from(["amazon", "google", None]), max_size=60),
       st.lists(st.integers(0, 60), max_size=4), st.integers(0, 3), st.booleans(), st.booleans())
def test_id_repeats_equal_the_factorization(ids, plats, cuts, offset, large, one_platform) -> None:
    n = len(ids)
    plats = ["amazon"] * n if one_platform or not plats else (plats * (n // len(plats) + 1))[:n]
    review_id = _chunked(ids, cuts, offset, large)
    platform = pd.Series(plats, dtype="string")
    want = ingest._repeats(ingest._key_codes(ingest._codes(platform), ingest._codes(review_id)))
    got = ingest._id_repeats(platform, review_id)
    assert got[0].tolist() == want[0].tolist()
    assert got[1].tolist() == want[1].tolist()


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_VALUES, min_size=1, max_size=40), st.lists(st.integers(0, 40), max_size=3), st.integers(0, 2))
def test_string_hashes_equal_where_the_values_are(values, cuts, offset) -> None:
    s = _chunked(values, cuts, offset, False)
    h = ingest._string_hashes(s)
    assert h is not None and len(h) == len(values)
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a == b:
                assert h[i] == h[j]


def test_id_repeats_not_arrow_backed_and_all_colliding() -> None:
    ids = pd.Series(["x", "y", "x", None, None], dtype=object)
    plat = pd.Series(["a"] * 5, dtype=object)
    want = ingest._repeats(ingest._key_codes(ingest._codes(plat), ingest._codes(ids)))
    got = ingest._id_repeats(plat, ids)
    assert [g.tolist() for g in got] == [w.tolist() for w in want]
    # every value shares its length and first and last 8 bytes: the whole column is factorized
    ids = pd.Series([f"abcdefgh{i % 7}abcdefgh" for i in range(50)], dtype="string")
    plat = pd.Series(["amazon"] * 50, dtype="string")
    want = ingest._repeats(ingest._key_codes(ingest._codes(plat), ingest._codes(ids)))
    got = ingest._id_repeats(plat, ids)
    assert [g.tolist() for g in got] == [w.tolist() for w in want]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 5).map(lambda d: pd.Timestamp("2020-01-01", tz="UTC")
                                                          + pd.Timedelta(days=d))), max_size=50))
def test_date_repeats_equal_the_factorization(stamps) -> None:
    s = pd.Series(stamps, dtype="datetime64[ns, UTC]")
    want = ingest._repeats(ingest._codes(s))[1]
    assert ingest._multi(ingest._instants(s)).tolist() == want.tolist()
