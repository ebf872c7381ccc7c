"""The duplicate check with its content candidates found on a second thread (``ingest._dated_codes``: the date's
repeats looked for among all keyed rows, not only those that are no id duplicate) marks the same rows as its
earlier definition (kept here, the date's repeats among the candidates alone) and as itself on one thread
(``DUP_THREAD``): frames with repeated ids, authors, dates, titles and texts, missing values, several platforms, and
rows whose date repeats only with an id duplicate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest


def _old_duplicates(frame: pd.DataFrame, author_key: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``ingest._duplicates`` before the candidates went to a thread (a27403f..10fffde)."""
    dup, conflict = ingest._id_duplicates(frame)
    keyed = author_key.notna().to_numpy() & (ingest._bool(frame["text"] != "") | frame["title"].notna().to_numpy())
    cand = np.flatnonzero(keyed & ~dup.to_numpy())
    if len(cand):
        cand = cand[ingest._multi(ingest._instants(frame["created_at"])[cand])]
        rows = np.zeros(len(frame), dtype=bool)
        rows[cand] = True
        sub = pd.DataFrame(
            {
                "p": ingest._codes(frame["platform"][rows]), "a": ingest._codes(author_key[rows]),
                "d": ingest._codes(frame["created_at"][rows]), "t": ingest._codes(frame["title"][rows].fillna("")),
            },
            index=frame.index[rows],
        )
        sub = sub[sub.duplicated(keep=False)]
        rows[:] = False
        rows[frame.index.get_indexer(sub.index)] = True
        sub["x"] = ingest._codes(frame["text"][rows])
        dup2 = sub.duplicated(keep="first")
        dup = dup | dup2.reindex(frame.index, fill_value=False)
    return dup, conflict


_ROW = st.tuples(
    st.sampled_from(["amazon", "google"]),  # platform
    st.sampled_from(["R1", "R2", "R3", None]),  # review id
    st.sampled_from(["ann", "bob", None]),  # author
    st.sampled_from(["2024-01-01", "2024-01-02", "2024-01-03", None]),  # date
    st.sampled_from(["t", "u", None]),  # title
    st.sampled_from(["x", "y", ""]),  # text
    st.integers(1, 3),  # rating
)


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(_ROW, max_size=40), st.booleans())
def test_duplicates_equal_the_earlier_definition(rows, threads) -> None:
    cols = list(zip(*rows)) if rows else [()] * 7
    frame = pd.DataFrame(
        {
            "platform": pd.Series(cols[0], dtype="string[pyarrow]"),
            "review_id": pd.Series(cols[1], dtype="string[pyarrow]"),
            "author": pd.Series(cols[2], dtype="string[pyarrow]"),
            "created_at": pd.to_datetime(pd.Series(cols[3], dtype=object), utc=True).astype("datetime64[ns, UTC]"),
            "title": pd.Series(cols[4], dtype="string[pyarrow]"),
            "text": pd.Series(cols[5], dtype="string[pyarrow]"),
            "rating": pd.Series(cols[6], dtype="Int64"),
            "source_row": pd.Series(range(1, len(rows) + 1), dtype="Int64"),
        }
    )
    want = _old_duplicates(frame, frame["author"])
    with pytest.MonkeyPatch.context() as m:
        m.setattr(ingest, "DUP_THREAD", threads)
        got = ingest._duplicates(frame, frame["author"])
    assert got[0].tolist() == want[0].tolist()
    assert got[1].tolist() == want[1].tolist()


def test_a_date_repeated_only_by_an_id_duplicate_is_no_candidate() -> None:
    # rows 0 and 1 share an id (1 is dropped as an identical copy); row 2 shares the date with both and the author,
    # title and text with row 3, whose date is its own: nothing but row 1 is a duplicate
    frame = pd.DataFrame(
        {
            "platform": pd.Series(["amazon"] * 4, dtype="string[pyarrow]"),
            "review_id": pd.Series(["R1", "R1", "R2", "R3"], dtype="string[pyarrow]"),
            "author": pd.Series(["a", "a", "b", "b"], dtype="string[pyarrow]"),
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02"], utc=True),
            "title": pd.Series(["t", "t", "u", "u"], dtype="string[pyarrow]"),
            "text": pd.Series(["x", "x", "y", "y"], dtype="string[pyarrow]"),
        }
    )
    dup, conflict = ingest._duplicates(frame, frame["author"])
    assert dup.tolist() == [False, True, False, False] and not conflict.any()
    assert _old_duplicates(frame, frame["author"])[0].tolist() == dup.tolist()
