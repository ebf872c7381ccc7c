"""The pool's long frames joined still encoded (pipeline._joined) == decoded, concatenated (then the cross-review
hits appended) and encoded again, as _run_stages and run_triage did before."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "amazon_fine_food_sample.csv"
_WORDS = ["a", "b", "", "héllo", "x y", None]


def _old(parts: list[pd.DataFrame], dup: pd.DataFrame | None) -> pd.DataFrame:
    """The old way: each part encoded by the worker, decoded, concatenated, the dup appended, encoded, decoded."""
    frames = [pipeline._encode(p).decode() for p in parts]
    out = pipeline._concat(frames)
    if dup is not None:
        out = pd.concat([out, pipeline._encode(dup).decode()], ignore_index=True)
    return pipeline._encode(out).decode()


def _new(parts: list[pd.DataFrame], dup: pd.DataFrame | None) -> pipeline._Encoded:
    return pipeline._joined([pipeline._encode(p) for p in parts], None if dup is None else pipeline._encode(dup))


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert list(a.dtypes) == list(b.dtypes)
    assert a.index.equals(b.index) and type(a.index) is type(b.index)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@st.composite
def _frame(draw: st.DrawFn, cols: tuple[str, ...]) -> pd.DataFrame:
    n = draw(st.integers(0, 12))
    data: dict[str, object] = {}
    for c in cols:
        if c == "n":
            data[c] = draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
        elif c == "flag":
            data[c] = pd.array(draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)),
                               dtype="boolean")
        elif c == "obj":  # strings as object: never encoded
            data[c] = pd.Series(draw(st.lists(st.sampled_from(["p", "q"]), min_size=n, max_size=n)), dtype=object)
        else:  # "rule" repeats (encoded), "evidence" mostly distinct (often not)
            pool = _WORDS if c == "rule" else _WORDS + [f"e{i}" for i in range(20)]
            data[c] = pd.array(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)), dtype="string")
    start = draw(st.integers(0, 3))  # the parts keep the partition's index
    return pd.DataFrame(data, index=pd.RangeIndex(start, start + n))


_COLS = ("rule", "n", "evidence", "flag", "obj")


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_frame(_COLS), min_size=1, max_size=6), st.one_of(st.none(), _frame(_COLS)), st.booleans())
def test_joined_is_the_decoded_concat(parts: list[pd.DataFrame], dup: pd.DataFrame | None, dup_cols: bool) -> None:
    if dup is not None and (dup.empty or dup_cols):
        dup = None if dup.empty else dup[["rule", "n"]]  # other columns than the hits: the decoded way
    _same(_new(parts, dup).decode(), _old(parts, dup))


def test_joined_maps_each_part_s_codes() -> None:
    a = pd.DataFrame({"rule": pd.array(["r1", "r1", None, "r2"], dtype="string"), "n": [1, 2, 3, 4]})
    b = pd.DataFrame({"rule": pd.array(["r3", "r2", "r2", "r3"], dtype="string"), "n": [5, 6, 7, 8]},
                     index=pd.RangeIndex(4, 8))
    got = pipeline._joined([pipeline._encode(a), pipeline._encode(b)])
    assert str(got.frame["rule"].dtype) == "category"  # still encoded
    assert got.frame["rule"].cat.categories.tolist() == ["r1", "r2", "r3"]
    assert got.decode()["rule"].tolist() == ["r1", "r1", pd.NA, "r2", "r3", "r2", "r2", "r3"]
    assert got.decode()["n"].tolist() == list(range(1, 9))


def test_joined_part_of_missing_values_only() -> None:
    a = pd.DataFrame({"rule": pd.array([None, None], dtype="string"), "n": [1, 2]})
    b = pd.DataFrame({"rule": pd.array(["r", "r", None], dtype="string"), "n": [3, 4, 5]})
    for parts in ([a, b], [b, a], [a, a]):
        _same(_new(parts, None).decode(), _old(parts, None))
        _same(_new(parts, b).decode(), _old(parts, b))


def test_joined_empty_hits_with_dup_as_before() -> None:
    empty = pd.DataFrame({"rule": pd.array([], dtype="string"), "n": pd.array([], dtype="int64")})
    dup = pd.DataFrame({"rule": pd.array(["d", "d"], dtype="string"), "n": [1, 2]})
    _same(_new([empty, empty], dup).decode(), _old([empty, empty], dup))
    _same(_new([empty], None).decode(), _old([empty], None))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_run_triage_parallel_equals_serial() -> None:
    """run_triage in 2 processes (the parts joined encoded, the cross-review hits appended) == in one."""
    from reviewtools.ingest import read_reviews

    frame = read_reviews(SAMPLE).reviews.head(120).reset_index(drop=True)
    one = pipeline.run_triage(frame, processes=1)
    two = pipeline.run_triage(frame, processes=2)
    assert len(two.hits) and len(two.topic_matches)
    for a, b in ((one.reviews, two.reviews), (one.hits, two.hits), (one.topic_matches, two.topic_matches)):
        _same(a, b)
