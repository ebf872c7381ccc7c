"""``clean_text`` changes only the values cleaning changes (``ingest._clean_pieces``: slices of the source's Arrow
chunks with the changed values between them) and ``ingest._take_joined`` takes rows of such a column in one copy:
the values are those of the previous definition (``_clean_block`` over the whole column, kept here) and of
``Series[keep]``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest

#: Pieces of a review text: markup, entities, carriage returns, outer and inner whitespace, non-ASCII.
_PARTS = ["a", "b c", "<br>", "<br />", "<p>", "</div>", "<b>", "</a>", "<x>", "&amp;", "&", "&lt;3", "&nbsp;", "&#39", "&\r",
          "&am", "p;", "<<b>br>", "&&amp;", "&;", "&\t", "&#x41;", "&\u00e9;", "&AElig", "&\x0b",
          "\r\n", "\r", "\n", " ", "\t", "\u00a0", "é", "\u2028", "<", "> ", "&#39;"]
_value = st.one_of(st.none(), st.lists(st.sampled_from(_PARTS), max_size=6).map("".join))


def _arrow(values: list, cuts: list[int], large: bool) -> pd.Series:
    """``values`` as an Arrow-backed string Series cut into chunks at ``cuts`` (a chunked CSV column)."""
    typ = pa.large_string() if large else pa.string()
    bounds = sorted({0, len(values), *[c % (len(values) + 1) for c in cuts]})
    chunks = [pa.array(values[a:b], type=typ) for a, b in zip(bounds, bounds[1:])] or [pa.array([], type=typ)]
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=typ)), name="text")


def _values(s: pd.Series) -> list:
    return s.astype(object).where(s.notna(), None).tolist()


@settings(max_examples=examples(120), deadline=None)
@given(st.lists(_value, max_size=30), st.lists(st.integers(0, 30), max_size=4), st.booleans())
def test_clean_pieces_equal_the_previous_clean_text(values, cuts, large) -> None:
    s = _arrow(values, cuts, large)
    ref = ingest._clean_block(s)  # the previous clean_text on one block
    got, patched = ingest._clean_pieces(s)
    assert _values(got) == _values(ref) and got.index.equals(s.index) and got.name == s.name
    assert got.array._pa_array.type == s.array._pa_array.type
    assert patched == (_values(ref) != _values(s))
    pd.testing.assert_series_equal(ingest.clean_text(s), ref, check_exact=True)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(_value, max_size=30), st.lists(st.integers(0, 30), max_size=4), st.data())
def test_take_joined_equals_boolean_indexing(values, cuts, data) -> None:
    s = ingest._clean_pieces(_arrow(values, cuts, True))[0]
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))), dtype=bool)
    got = ingest._take_joined(s, keep)
    ref = s[keep]
    assert _values(got) == _values(ref) and got.index.equals(ref.index) and got.dtype == ref.dtype
    whole = ingest._take_joined(s, None)
    assert _values(whole) == _values(s) and whole.array._pa_array.num_chunks <= 1


def test_take_joined_makes_blocks_of_the_csv_block_size(monkeypatch) -> None:
    monkeypatch.setattr(ingest, "ARROW_CSV_BLOCK", 50)
    s = _arrow(["abcd"] * 12, list(range(12)), True)  # twelve one-row chunks of 20 bytes (4 + two offsets)
    got = ingest._take_joined(s, None)
    assert _values(got) == ["abcd"] * 12 and 1 < got.array._pa_array.num_chunks < 12


def test_a_python_backed_column_is_cleaned_as_before() -> None:
    s = pd.Series(["a &amp; b ", None, "<br>x"], dtype=pd.StringDtype("python"))
    assert ingest._clean_pieces(s) is None
    assert ingest.clean_text(s).tolist() == ["a & b", pd.NA, "\nx".strip()]


def test_read_reviews_output_is_joined(tmp_path) -> None:
    rows = ["review_id,rating,text,date"] + [f'{i},5,"t{i} &amp; <b>x</b> ",2024-01-01' for i in range(50)]
    rows += ['1,5,"dup",2024-01-02']  # a duplicate id: rows are dropped too
    path = tmp_path / "r.csv"
    path.write_text("\n".join(rows) + "\n")
    res = ingest.read_reviews(path)
    text = res.reviews["text"]
    assert text.iloc[0] == "t0 & x" and len(text) == 50 and "dup" in text.tolist()
    assert text.array._pa_array.num_chunks == 1
