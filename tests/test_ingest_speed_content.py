"""The id check's content comparison by exact codes (``ingest._content_codes``, ``ingest._group_differs``: which
rows sharing a (platform, review_id) differ in content) marks the same rows dropped and conflicting as its earlier
definition by ``pd.util.hash_pandas_object`` and ``groupby(...).transform("nunique")`` (kept here): frames with
repeated ids, missing platforms/ids, content differing in a string column (many Arrow chunks, as after
``_clean_pieces``), an Int64/boolean column with missing values (NA apart from 0/False) and a date with NaT."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest


def _old_id_duplicates(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``ingest._id_duplicates`` up to fee56bc."""
    key = ["platform", "review_id"]
    first, multi_np = ingest._id_repeats(frame["platform"], frame["review_id"])
    dup = pd.Series(~first, index=frame.index)
    conflict = pd.Series(False, index=frame.index)
    if not multi_np.any():
        return dup, conflict
    sub = ingest._rows(frame, multi_np)
    cols = [c for c in sub.columns if c not in ingest._NOT_CONTENT]
    content = pd.util.hash_pandas_object(sub[cols], index=False)
    differs = content.groupby([sub["platform"], sub["review_id"]]).transform("nunique").to_numpy() > 1
    if not differs.any():
        return dup, conflict
    g = sub[differs]
    newest = g.sort_values("created_at", kind="stable").duplicated(subset=key, keep="last")
    dup.loc[g.index] = newest.reindex(g.index)
    kept = g.loc[~newest.reindex(g.index)]
    kept_hash = pd.Series(content.loc[kept.index].to_numpy(),
                          index=pd.MultiIndex.from_frame(kept[key].astype(object)))
    mine = pd.MultiIndex.from_frame(g[key].astype(object))
    conflict.loc[g.index] = dup.loc[g.index].to_numpy() & (
        content.loc[g.index].to_numpy() != kept_hash.reindex(mine).to_numpy()
    )
    return dup, conflict


def _chunked(values: list, cut: int) -> pd.Series:
    """A ``string`` Series whose Arrow array is cut into chunks of ``cut`` rows (one-row chunks for 1)."""
    arr = pa.array(values, type=pa.large_string())
    chunks = [arr.slice(i, cut) for i in range(0, len(arr), cut)] or [arr]
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string())), copy=False)


_ROW = st.tuples(
    st.sampled_from(["amazon", "google", None]),  # platform
    st.sampled_from(["R1", "R2", "R3", None]),  # review id
    st.sampled_from(["x", "y", "", None]),  # text
    st.sampled_from([0, 1, None]),  # helpful votes
    st.sampled_from([False, True, None]),  # verified
    st.sampled_from(["2024-01-01", "2024-01-02", None]),  # date
)


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(_ROW, max_size=40), st.integers(1, 5))
def test_id_duplicates_equal_the_hash_definition(rows, cut) -> None:
    cols = list(zip(*rows)) if rows else [()] * 6
    frame = pd.DataFrame(
        {
            "platform": pd.Series(cols[0], dtype="string[pyarrow]"),
            "review_id": pd.Series(cols[1], dtype="string[pyarrow]"),
            "text": _chunked(list(cols[2]), cut),
            "helpful_votes": pd.Series(cols[3], dtype="Int64"),
            "verified": pd.Series(cols[4], dtype="boolean"),
            "created_at": pd.to_datetime(pd.Series(cols[5], dtype=object), utc=True).astype("datetime64[ns, UTC]"),
            "source_row": pd.Series(range(1, len(rows) + 1), dtype="Int64"),
            "_file": np.zeros(len(rows), dtype=np.int64),
        }
    )
    want = _old_id_duplicates(frame)
    got = ingest._id_duplicates(frame)
    assert got[0].tolist() == want[0].tolist()
    assert got[1].tolist() == want[1].tolist()


def test_missing_differs_from_zero_and_false() -> None:
    # same id three times: an identical copy, then NA where the first has 0 / False (a newer, different version)
    frame = pd.DataFrame(
        {
            "platform": pd.Series(["amazon"] * 3, dtype="string[pyarrow]"),
            "review_id": pd.Series(["R1"] * 3, dtype="string[pyarrow]"),
            "text": _chunked(["x", "x", "x"], 1),
            "helpful_votes": pd.Series([0, 0, None], dtype="Int64"),
            "verified": pd.Series([False, False, None], dtype="boolean"),
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02"], utc=True),
        }
    )
    dup, conflict = ingest._id_duplicates(frame)
    assert dup.tolist() == [True, True, False] and conflict.tolist() == [True, True, False]
    assert [s.tolist() for s in _old_id_duplicates(frame)] == [dup.tolist(), conflict.tolist()]


def test_content_codes_join_many_chunks() -> None:
    sub = pd.DataFrame({"t": _chunked(["a", "b", "a", None, "b", None], 1)})
    assert ingest._content_codes(sub, ["t"]).tolist() == [0, 1, 0, 2, 1, 2]
