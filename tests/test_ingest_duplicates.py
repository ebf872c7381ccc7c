"""The duplicate check finds the same rows as its previous definition (kept here as the reference): id duplicates
from first-appearance codes (``ingest._repeats``), author/date/title/text duplicates among the rows whose date
repeats."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.ingest as ingest
from reviewtools.ingest import _NOT_CONTENT, _bool, _codes, _pair_ids


def _old_id_duplicates(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    key = ["platform", "review_id"]
    ids = _pair_ids(_codes(frame["platform"]), _codes(frame["review_id"]))
    dup = pd.Series(pd.Index(ids).duplicated(keep="first"), index=frame.index)
    conflict = pd.Series(False, index=frame.index)
    multi = pd.Series(pd.Index(ids).duplicated(keep=False), index=frame.index)
    if not multi.any():
        return dup, conflict
    sub = frame[multi]
    cols = [c for c in sub.columns if c not in _NOT_CONTENT]
    content = pd.util.hash_pandas_object(sub[cols], index=False)
    groups = [sub["platform"], sub["review_id"]]
    differs = content.groupby(groups).transform("nunique").to_numpy() > 1
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


def _old_duplicates(frame: pd.DataFrame, author_key: pd.Series) -> tuple[pd.Series, pd.Series]:
    dup, conflict = _old_id_duplicates(frame)
    keyed = author_key.notna().to_numpy() & (_bool(frame["text"] != "") | frame["title"].notna().to_numpy())
    if keyed.any():
        sub = pd.DataFrame(
            {
                "p": _codes(frame["platform"]), "a": _codes(author_key), "d": _codes(frame["created_at"]),
                "t": _codes(frame["title"].fillna("")),
            },
            index=frame.index,
        )[keyed & ~dup.to_numpy()]
        sub = sub[sub.duplicated(keep=False)]
        sub["x"] = _codes(frame["text"].loc[sub.index])
        dup2 = sub.duplicated(keep="first")
        dup = dup | dup2.reindex(frame.index, fill_value=False)
    return dup, conflict


_DATES = [pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2024-01-02", tz="UTC"), pd.NaT]
_row = st.fixed_dictionaries({
    "platform": st.sampled_from(["amazon", "google", None]),
    "review_id": st.sampled_from(["r1", "r2", "r3", None]),
    "author": st.sampled_from(["a", "b", None]),
    "created_at": st.sampled_from(_DATES),
    "title": st.sampled_from(["t", "", None]),
    "text": st.sampled_from(["x", "y", ""]),
    "rating": st.sampled_from([1, 5]),
})


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(_row, max_size=25), st.integers(0, 3))
def test_duplicates_equal_the_previous_definition(rows, shift) -> None:
    cols = ["platform", "review_id", "author", "created_at", "title", "text", "rating"]
    frame = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame({c: [] for c in cols})
    frame = frame.astype({"platform": "string", "review_id": "string", "author": "string", "title": "string",
                          "text": "string", "rating": "Int64"})
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).astype("datetime64[us, UTC]")
    frame.index = pd.RangeIndex(len(frame)) + shift
    akey = frame["author"]
    got, ref = ingest._duplicates(frame, akey), _old_duplicates(frame, akey)
    pd.testing.assert_series_equal(got[0], ref[0], check_exact=True)
    pd.testing.assert_series_equal(got[1], ref[1], check_exact=True)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from("abcde")), max_size=40))
def test_repeats_equal_index_duplicated(values) -> None:
    codes = _codes(pd.Series(values, dtype="string"))
    first, multi = ingest._repeats(codes)
    assert (~first).tolist() == pd.Index(codes).duplicated(keep="first").tolist()
    assert multi.tolist() == pd.Index(codes).duplicated(keep=False).tolist()


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["p", "q", None]), st.sampled_from(["1", "2", "3", None])), max_size=30))
def test_key_codes_are_equal_exactly_where_the_pairs_are(pairs) -> None:
    a = _codes(pd.Series([p for p, _ in pairs], dtype="string"))
    b = _codes(pd.Series([r for _, r in pairs], dtype="string"))
    got = ingest._key_codes(a, b)
    ref = pd.factorize(pd.Series([f"{p}|{r}" for p, r in pairs], dtype=object))[0]
    assert all((got[i] == got[j]) == (ref[i] == ref[j]) for i in range(len(got)) for j in range(len(got)))
    first, multi = ingest._repeats(got)
    assert (~first).tolist() == pd.Index(ref).duplicated(keep="first").tolist()
    assert multi.tolist() == pd.Index(ref).duplicated(keep=False).tolist()


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(_row, max_size=20), st.data())
def test_rows_equals_boolean_indexing_of_the_frame(rows, data) -> None:
    cols = ["platform", "review_id", "author", "created_at", "title", "text", "rating"]
    frame = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame({c: [] for c in cols})
    frame = frame.astype({"platform": "string", "review_id": "string", "title": "string", "text": "string",
                          "rating": "Int64"})
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame.index = pd.RangeIndex(len(frame)) * 2
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame))), dtype=bool)
    pd.testing.assert_frame_equal(ingest._rows(frame, keep), frame[keep], check_exact=True)
