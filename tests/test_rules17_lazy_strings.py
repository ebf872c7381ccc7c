"""The checks' titles and texts read lazily from their Arrow columns (seventeenth session, helper ``checks_p``):
:class:`rules._LazyStrings` gives the strings :func:`rules._str_column` gives, row by row, by slice and in
order, and :func:`rules.check_each_review` gives the same frame with either."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

_TEXT = st.one_of(st.none(), st.text(max_size=12),
                  st.lists(st.sampled_from(["a", "Zz", " ", "\u00e9", "\u0130", "\u03a3", "\U0001f600", "\x00", "\n",
                                            "\u2028", "www.x.com", "call 555-123-4567"]), max_size=6).map("".join))


def _column(values: list[str | None], dtype: str = "string[pyarrow]") -> pd.DataFrame:
    return pd.DataFrame({"text": pd.Series(values, dtype=dtype)})


def _lazy(values: list[str | None]) -> R._LazyStrings:
    frame = _column(values)
    arr = R._arrow_str_column(frame, "text")
    assert arr is not None
    got = R._field_strings(frame, "text", arr)
    assert isinstance(got, R._LazyStrings)
    return got


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(_TEXT, max_size=12), st.data())
def test_lazy_strings_equal_str_column(values: list[str | None], data: st.DataObject) -> None:
    want = R._str_column(_column(values), "text")
    lazy = _lazy(values)
    assert len(lazy) == len(want)
    order = data.draw(st.permutations(range(len(want))))  # any order of first reads
    assert [lazy[i] for i in order] == [want[i] for i in order]
    assert [lazy[i] for i in range(len(want))] == want  # kept rows
    assert [lazy[-k] for k in range(1, len(want) + 1)] == [want[-k] for k in range(1, len(want) + 1)]
    assert list(lazy) == want
    start = data.draw(st.integers(-len(want) - 2, len(want) + 2))
    stop = data.draw(st.integers(-len(want) - 2, len(want) + 2))
    step = data.draw(st.sampled_from([None, 1, 2, -1]))
    part = lazy[start:stop:step]
    assert len(part) == len(want[start:stop:step])
    assert list(part) == want[start:stop:step]
    assert [part[i] for i in range(len(part))] == want[start:stop:step]
    for bad in (len(want), -len(want) - 1):
        with pytest.raises(IndexError):
            lazy[bad]


def test_lazy_strings_of_a_sliced_array() -> None:
    values = ["ab", None, "\u00e9t\u00e9", "", "x" * 50, "\U0001f600!"]
    frame = _column(values).iloc[2:]
    arr = R._arrow_str_column(frame, "text")  # an Arrow slice: offsets start inside the buffer
    lazy = R._LazyStrings(arr)
    assert list(lazy) == R._str_column(frame, "text") == values[2:]
    assert list(lazy[1:3]) == ["", "x" * 50] and lazy[1:][0] == "" and lazy[:] is lazy


def test_field_strings_without_arrow_is_the_list() -> None:
    for dtype in ("string[python]", "object"):
        frame = _column(["a", None, "b"], dtype)
        assert R._arrow_str_column(frame, "text") is None
        assert R._field_strings(frame, "text", None) == R._str_column(frame, "text") == ["a", "", "b"]


def _frames() -> list[pd.DataFrame]:
    out = []
    for platform in ("amazon", "google", "yelp"):
        rules = [r for r in R.load_rules() if platform in r.platforms]
        out.append(R._example_frame(platform, rules))
    mixed = pd.concat(out, ignore_index=True)
    out.append(mixed.iloc[::-1].reset_index(drop=True))  # several platforms in one block: rows by index lists
    return [f.astype({c: "string[pyarrow]" for c in ("review_id", "title", "text")}) for f in out]


@pytest.mark.parametrize("k", range(4))
def test_check_each_review_same_frame_with_lists(k: int, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _frames()[k]
    new = R.check_each_review(frame)
    monkeypatch.setattr(R, "_field_strings", lambda f, c, a: R._str_column(f, c))
    old = R.check_each_review(frame)
    pd.testing.assert_frame_equal(new, old)
    assert (new.outcome == "hit").sum() > 0


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["amazon", "google", "yelp", None]), _TEXT, _TEXT), min_size=1,
                max_size=8))
def test_check_each_review_random_rows(rows: list[tuple[str | None, str | None, str | None]]) -> None:
    frame = pd.DataFrame({"review_id": pd.array([f"r{i}" for i in range(len(rows))], dtype="string[pyarrow]"),
                          "platform": [p for p, _, _ in rows],
                          "title": pd.array([t for _, t, _ in rows], dtype="string[pyarrow]"),
                          "text": pd.array([x for _, _, x in rows], dtype="string[pyarrow]")})
    new = R.check_each_review(frame)
    keep = R._field_strings
    R._field_strings = lambda f, c, a: R._str_column(f, c)
    try:
        old = R.check_each_review(frame)
    finally:
        R._field_strings = keep
    pd.testing.assert_frame_equal(new, old)
