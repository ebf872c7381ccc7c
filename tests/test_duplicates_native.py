"""The native near-duplicate join (``reviewtools._dupcore.join``) against the numpy path and a brute-force
oracle: the same pairs, in the same order, with the same Jaccard, on adversarial input (pairs at and just off
the 0.7 threshold, texts under three words, repeated shingles, one author, unicode words), and the same
``find_duplicates`` frame. Skipped where the optional C module is not built (the numpy path is then the only
one, and tests/test_duplicates.py covers it).
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup
from reviewtools.rules import NEAR_DUPLICATE_JACCARD, SHINGLE_WORDS

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")

WORDS = re.compile(r"\w+")
#: Few distinct words (shingles repeat within and across texts), some non-ASCII (normalised by Python).
VOCAB = ["a", "b", "c", "d", "e", "ß", "é", "😀x", "İ", "q_1"]


@contextlib.contextmanager
def _numpy_path() -> Iterator[None]:
    """The numpy path for the block (Hypothesis tests cannot take pytest's function-scoped monkeypatch)."""
    core = dup._dupcore
    dup._dupcore = None
    try:
        yield
    finally:
        dup._dupcore = core


def _pairs(texts: list[str], native: bool) -> tuple[np.ndarray, ...]:
    with contextlib.nullcontext() if native else _numpy_path():
        return dup._near_pairs(pa.array(texts, type=pa.large_string()))


def _oracle(texts: list[str]) -> list[tuple[int, int, float]]:
    """Every pair's Jaccard over 3-word shingles as word tuples (a shorter text: one shingle of all its words)."""
    def shingles(s: str) -> set[tuple[str, ...]]:
        w = WORDS.findall(s.lower())
        return {tuple(w[i:i + SHINGLE_WORDS]) for i in range(max(len(w) - SHINGLE_WORDS + 1, 1))}

    sets = [shingles(s) for s in texts]
    out = []
    for u, v in itertools.combinations(range(len(texts)), 2):
        o = len(sets[u] & sets[v])
        jac = o / (len(sets[u]) + len(sets[v]) - o)
        if jac >= NEAR_DUPLICATE_JACCARD:
            out.append((u, v, jac))
    return out


@st.composite
def near_texts(draw: st.DrawFn) -> list[str]:
    """Texts made from a few bases by small edits: many pairs around the threshold, some exact repeats."""
    vocab = VOCAB[: draw(st.integers(2, len(VOCAB)))]
    bases = draw(st.lists(st.lists(st.sampled_from(vocab), min_size=0, max_size=24), min_size=1, max_size=4))
    texts = []
    for _ in range(draw(st.integers(2, 18))):
        w = list(draw(st.sampled_from(bases)))
        for _ in range(draw(st.integers(0, 3))):  # replace, drop or append a word
            op = draw(st.integers(0, 2))
            if op == 0 and w:
                w[draw(st.integers(0, len(w) - 1))] = draw(st.sampled_from(vocab))
            elif op == 1 and w:
                del w[draw(st.integers(0, len(w) - 1))]
            else:
                w.append(draw(st.sampled_from(vocab)))
        texts.append(" ".join(w))
    return texts


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_texts())
def test_native_join_equals_the_numpy_path_and_the_oracle(texts):
    norm = [" ".join(WORDS.findall(s.lower())) for s in texts]
    got = _pairs(norm, True)
    want = _pairs(norm, False)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
    assert list(zip(got[0].tolist(), got[1].tolist(), got[2].tolist())) == _oracle(norm)


def test_pairs_exactly_at_the_threshold_and_just_below():
    w = [f"w{i}" for i in range(40)]
    texts = [" ".join(w[:10]),  # 8 shingles
             " ".join(w[:9] + ["z1", "z2"]),  # 9 shingles, 7 shared with the first: 7 / 10 = 0.7
             " ".join(w[:9] + ["z1", "z2", "z3"]),  # 10 shingles, 7 shared with the first: 7 / 11
             " ".join(w[20:40]), " ".join(w[20:39] + ["y"]), " ".join(w[21:40])]
    got = _pairs(texts, True)
    assert list(zip(got[0].tolist(), got[1].tolist())) == [(u, v) for u, v, _ in _oracle(texts)]
    assert (0, 1) in set(zip(got[0].tolist(), got[1].tolist()))
    assert (0, 2) not in set(zip(got[0].tolist(), got[1].tolist()))


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_texts(), st.data())
def test_find_duplicates_frame_is_the_same_on_both_paths(texts, data):
    n = len(texts)
    authors = data.draw(st.lists(st.sampled_from(["ann", "bob", "", None]), min_size=n, max_size=n))
    days = data.draw(st.lists(st.one_of(st.none(), st.integers(1, 28)), min_size=n, max_size=n))
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(n)], "platform": "amazon",
                          "text": [t + " one two three four five six seven eight nine" * (i % 2)
                                   for i, t in enumerate(texts)],
                          "author": authors,
                          "created_at": [None if d is None else f"2024-01-{d:02d}" for d in days]})
    native = dup.find_duplicates(frame)
    with _numpy_path():
        numpy_path = dup.find_duplicates(frame)
    pd.testing.assert_frame_equal(native, numpy_path, check_exact=True)


def test_inconsistent_arrays_are_refused():
    i64 = np.int64
    rank = np.array([1, 2, 3], dtype=np.uint32)
    good = dict(off=np.array([0, 3], i64), n_prefix=np.array([1], i64), size=np.array([3], i64),
                order=np.array([0], i64), last=np.array([1], i64), rest=np.array([2], i64))
    assert dup._dupcore.join(rank, *good.values(), NEAR_DUPLICATE_JACCARD, 1e-9) == b""
    for name, bad in [("off", np.array([0, 4], i64)), ("n_prefix", np.array([4], i64)),
                      ("order", np.array([1], i64)), ("size", np.array([2], i64)), ("off", np.array([0], i64))]:
        args = {**good, name: bad}
        with pytest.raises(ValueError, match="_dupcore.join"):
            dup._dupcore.join(rank, *args.values(), NEAR_DUPLICATE_JACCARD, 1e-9)


#: Characters whose lower case takes more UTF-8 bytes ("Ⱥ" 2 -> 3, "İ" 2 -> 3 as "i̇"), final-sigma context,
#: digits and letters of other scripts, combining marks, a surrogate-free astral symbol, separators.
ODD = ["É", "é", "😀", "\u0301", "Ⱥ", "İ", "Σ", "Α", "ς", "٣", "²", "ǅ", "ß", "\u00a0", "\u2028", "　", "_", "ⅷ"]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aZ_9 -,.\n\t\x00\x7f!?") + ODD), max_size=16), max_size=10),
       st.integers(0, 3))
def test_native_squeeze_equals_python_and_the_numpy_bytes(texts, skip):
    """ASCII texts: the numpy path's bytes; others: Python's " ".join(re.findall(r"\\w+", s.lower())), or left
    empty and flagged (only where lower case outgrows the input read so far)."""
    arr = pa.array(texts, type=pa.large_string()).slice(min(skip, len(texts)))  # a slice: offsets not at 0
    norm, n_words, left = dup._squeeze_native(arr)
    want, want_words = dup._squeeze_ascii(arr)
    py = arr.to_pylist()
    ascii_rows = np.flatnonzero([s.isascii() for s in py])
    assert not left[ascii_rows].any()
    assert norm.take(pa.array(ascii_rows)).to_pylist() == want.take(pa.array(ascii_rows)).to_pylist()
    assert n_words[ascii_rows].tolist() == want_words[ascii_rows].tolist()
    for s, got, nw, flag in zip(py, norm.to_pylist(), n_words.tolist(), left.tolist()):
        words = WORDS.findall(s.lower())
        if flag:
            assert got == "" and nw == 0 and not s.isascii()
        else:
            assert got == " ".join(words) and nw == len(words)
    assert [" ".join(WORDS.findall(s.lower())) for s in py] == dup._normalised_texts(arr)[0].to_pylist()


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.text(max_size=24), max_size=8))
def test_native_normalising_equals_python_on_any_unicode(texts):
    arr = pa.array(texts, type=pa.large_string())
    norm, n_words = dup._normalised_texts(arr)
    want = [WORDS.findall(s.lower()) for s in texts]
    assert norm.to_pylist() == [" ".join(w) for w in want]
    assert n_words.tolist() == [len(w) for w in want]


def test_lower_case_that_outgrows_the_input_is_left_to_python():
    texts = ["ȺȺȺȺ", "ok Ⱥ", "İİ", "abc def, ȺȺ"]  # first: 8 bytes in, 12 out; the others fit
    norm, n_words, left = dup._squeeze_native(pa.array(texts, type=pa.large_string()))
    assert left.tolist() == [True, False, False, False]
    assert dup._normalised_texts(pa.array(texts, type=pa.large_string()))[0].to_pylist() == \
        [" ".join(WORDS.findall(s.lower())) for s in texts]


def test_squeeze_refuses_offsets_outside_the_data():
    out = np.empty(4, np.uint8)
    with pytest.raises(ValueError, match="_dupcore.squeeze"):
        dup._dupcore.squeeze(b"abc", np.array([0, 5], np.int64), dup._ASCII_WORD_LUT, out, np.empty(2, np.int64),
                             np.empty(1, np.int64), np.empty(1, np.uint8))


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.lists(st.sampled_from([0, 1, 2, 5, 2**63, 2**63 + 1, 2**64 - 1, 2**40 + 7, 3 << 60, 12345]),
                         min_size=1, max_size=14), min_size=1, max_size=12))
def test_native_rows_equal_a_brute_force_token_table(texts):
    """Hashes that share high bits, the extremes, repeats inside a text: tokens are equal full hashes; ranks
    order the shared ones by (document frequency capped at 65535, hash); live texts' rows are sorted ranks."""
    h = np.array([x for t in texts for x in t], dtype=np.uint64)
    n_sh = np.array([len(t) for t in texts], dtype=np.int64)
    t_rank, off, size, private, prefix, live = dup._native_rows([h, n_sh], len(texts))
    sets = [set(t) for t in texts]
    df = {x: sum(x in s for s in sets) for x in set().union(*sets)}
    shared = sorted((x for x in df if df[x] >= 2), key=lambda x: (min(df[x], 65535), x))
    rank = {x: i for i, x in enumerate(shared)}
    assert size.tolist() == [len(s) for s in sets]
    assert private.tolist() == [sum(df[x] == 1 for x in s) for s in sets]
    want_live = [p < len(s) - int(np.ceil(NEAR_DUPLICATE_JACCARD * len(s) - 1e-9)) + 1 for s, p in zip(sets, private)]
    assert live.tolist() == want_live
    rows = [sorted(rank[x] for x in s if x in rank) if ok else [] for s, ok in zip(sets, want_live)]
    assert off.tolist() == np.concatenate(([0], np.cumsum([len(r) for r in rows]))).tolist()
    assert t_rank.dtype == np.uint32 and t_rank.tolist() == [r for row in rows for r in row]


def test_table_refuses_counts_that_do_not_add_up():
    h = np.arange(5, dtype=np.uint64)
    with pytest.raises(ValueError, match="_dupcore.table"):
        dup._dupcore.table(h, np.array([2, 2], np.int64), np.empty(5, np.int32), np.empty(2, np.int64),
                           np.empty(2, np.int64))


def test_native_rows_on_a_table_that_grows_and_long_rows():
    """Over 2**15 distinct tokens (the table is rehashed as it grows) and rows past the small-sort cutoff."""
    rng = np.random.default_rng(5)
    pool = rng.integers(0, 2**64 - 1, size=60_000, dtype=np.uint64)
    texts = [rng.choice(pool[: 200 + 300 * (i % 200)], size=int(rng.integers(1, 900))) for i in range(400)]
    h = np.concatenate(texts).astype(np.uint64)
    n_sh = np.array([len(t) for t in texts], dtype=np.int64)
    t_rank, off, size, private, prefix, live = dup._native_rows([h, n_sh], len(texts))
    sets = [set(t.tolist()) for t in texts]
    df: dict[int, int] = {}
    for s in sets:
        for x in s:
            df[x] = df.get(x, 0) + 1
    assert len(df) > 2**15 and live.sum() > 50
    rank = {x: i for i, x in enumerate(sorted((x for x in df if df[x] >= 2), key=lambda x: (df[x], x)))}
    assert size.tolist() == [len(s) for s in sets]
    rows = [sorted(rank[x] for x in s if x in rank) if ok else [] for s, ok in zip(sets, live.tolist())]
    assert max(len(r) for r in rows) > 100
    assert t_rank.tolist() == [r for row in rows for r in row]
    assert off.tolist() == np.concatenate(([0], np.cumsum([len(r) for r in rows]))).tolist()


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.lists(st.sampled_from(VOCAB + ["", "zz", "é" * 9, "a_b_c_d_e_f_g_h"]), max_size=9), max_size=10),
       st.integers(0, 2))
def test_native_shingles_equal_the_numpy_path(words, skip):
    """Empty texts, texts under three pieces (padded), empty pieces, unicode words: the same hashes."""
    arr = pa.array([" ".join(w) for w in words], type=pa.large_string()).slice(min(skip, len(words)))
    got, got_counts = dup._shingle_hashes(arr)
    with _numpy_path():
        want, want_counts = dup._shingle_hashes(arr)
    assert got.dtype == want.dtype == np.uint64
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got_counts, want_counts)


def test_native_shingles_refuse_counts_that_disagree():
    arr = pa.array(["a b c d"], type=pa.large_string())
    _, off_buf, data_buf = arr.buffers()
    with pytest.raises(RuntimeError, match="shingle counts"):
        dup._dupcore.shingles(data_buf, np.frombuffer(off_buf, np.int64), 3, int(dup._SHINGLE_MULT),
                              dup._word_hash_bytes, np.empty(3, np.uint64), np.array([3], np.int64))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.lists(st.sampled_from(["", "a", "a b", "a b ", "b a", "é", "😀 x", "a" * 9, "a" * 8]),
                         max_size=6), min_size=1, max_size=5), st.data())
def test_native_groups_number_texts_by_first_appearance(chunks, data):
    norm = pa.chunked_array([pa.array(c, type=pa.large_string()) for c in chunks], type=pa.large_string())
    flat = [s for c in chunks for s in c]
    rows = sorted(data.draw(st.sets(st.integers(0, max(len(flat) - 1, 0)), max_size=len(flat)))) if flat else []
    code, texts, k, rep = dup._native_groups(norm, np.array(rows, dtype=np.int64), True)
    first: dict[str, int] = {}
    want = [first.setdefault(flat[r], len(first)) for r in rows]
    assert code.tolist() == want and k == len(first)
    assert texts.to_pylist() == list(first)
    assert [flat[r] for r in rep.tolist()] == list(first) and rep.tolist() == sorted(rep.tolist())
    assert rep.tolist() == [rows[want.index(c)] for c in range(k)]
    assert dup._native_groups(norm, np.array(rows, dtype=np.int64), False)[1] is None


def test_group_refuses_rows_out_of_order():
    arr = pa.array(["a", "b"], type=pa.large_string())
    _, off_buf, data_buf = arr.buffers()
    chunk = (data_buf, np.frombuffer(off_buf, np.int64))
    for rows in ([1, 0], [0, 2], [-1]):
        with pytest.raises(ValueError, match="_dupcore.group"):
            dup._dupcore.group([chunk], np.array(rows, np.int64), np.empty(len(rows), np.int64),
                               np.empty(len(rows), np.int64), True)


@settings(max_examples=examples(120), deadline=None)
@given(st.lists(st.lists(st.lists(st.sampled_from(VOCAB + ["", "zz", "é" * 9, "a_b_c_d_e_f_g_h", "x" * 30]),
                                  max_size=9), max_size=6), min_size=1, max_size=4), st.data())
def test_native_tokens_equal_the_table_of_the_shingle_hashes(chunks, data):
    """Texts read as rows of a chunked column (empty pieces, unicode, long words, repeats): the same tokens,
    document frequencies, sizes and rows as shingling them and grouping the hashes (``table``)."""
    column = pa.chunked_array([pa.array([" ".join(w) for w in c], type=pa.large_string()) for c in chunks],
                              type=pa.large_string())
    flat = column.to_pylist()
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, max(len(flat) - 1, 0)), max_size=len(flat))))
                    if flat else [], dtype=np.int64)
    texts = pa.array([flat[r] for r in rows.tolist()], type=pa.large_string())
    counts = dup._shingle_counts(texts, None)
    got = dup._native_token_rows(dup._TextRows(column, rows), counts)
    with _numpy_path():
        h, n_sh = dup._shingle_hashes(texts)
    h2 = h.copy()  # (_native_rows writes over its hashes)
    want = dup._native_rows([h, n_sh], len(rows))
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
    slot_of = np.empty(int(counts.sum()), np.int32)
    size, private = np.empty(len(rows), np.int64), np.empty(len(rows), np.int64)
    hashes, df = dup._dupcore.tokens(dup._chunk_buffers(column), rows, SHINGLE_WORDS, int(dup._SHINGLE_MULT),
                                     dup._word_hash_bytes, counts, slot_of, size, private)
    slot2 = np.empty(len(h2), np.int32)
    size2, private2 = np.empty(len(rows), np.int64), np.empty(len(rows), np.int64)
    hashes2, df2 = dup._dupcore.table(h2, n_sh, slot2, size2, private2)
    assert (hashes, df) == (hashes2, df2)
    np.testing.assert_array_equal(slot_of, slot2)
    np.testing.assert_array_equal(size, size2)
    np.testing.assert_array_equal(private, private2)


def test_tokens_refuse_bad_rows_and_counts():
    arr = pa.array(["a b c d", "e f"], type=pa.large_string())
    chunks = dup._chunk_buffers(arr)
    args = (SHINGLE_WORDS, int(dup._SHINGLE_MULT), dup._word_hash_bytes)
    for rows, counts in (([1, 0], [1, 2]), ([0, 2], [2, 1]), ([0, 1], [0, 1])):
        with pytest.raises(ValueError, match="_dupcore.tokens"):
            dup._dupcore.tokens(chunks, np.array(rows, np.int64), *args, np.array(counts, np.int64),
                                np.empty(3, np.int32), np.empty(2, np.int64), np.empty(2, np.int64))
    with pytest.raises(RuntimeError, match="shingle counts"):
        dup._dupcore.tokens(chunks, np.array([0, 1], np.int64), *args, np.array([3, 1], np.int64),
                            np.empty(4, np.int32), np.empty(2, np.int64), np.empty(2, np.int64))


def test_text_ranks_in_place_and_a_partly_overlapping_output_refused():
    big = np.array([0, 1, 1, 0, 0], np.int32)  # two texts of two occurrences; tokens 0 and 1 have ranks 1, 0
    args = (np.array([2, 2], np.int64), np.array([1, 0], np.int32), np.array([0, 2, 4], np.int64))
    with pytest.raises(ValueError, match="_dupcore.text_ranks"):
        dup._dupcore.text_ranks(big[:4], *args, big[1:5].view(np.uint32))
    slot_of = big[:4]
    dup._dupcore.text_ranks(slot_of, *args, slot_of.view(np.uint32))  # in place
    assert slot_of.tolist() == [0, 1, 0, 1]


def test_each_distinct_word_is_hashed_once():
    """Words of 1-9, 24, 25 and 40 bytes (short ones compared as one 8-byte value, long ones by their bytes),
    repeated across texts: the word hash is asked once per distinct word, and the hashes equal the numpy path's."""
    words = ["a" * n for n in (1, 7, 8, 9, 24, 25, 40)] + ["ab" * 4, "ba" * 4, "é" * 4, "x" * 8 + "y"]
    texts = [" ".join(words[(i + j) % len(words)] for j in range(7)) for i in range(30)]
    arr = pa.array(texts, type=pa.large_string())
    _, off_buf, data_buf = arr.buffers()
    asked: list[bytes] = []

    def word_hash(b: bytes) -> int:
        asked.append(b)
        return dup._word_hash_bytes(b)

    counts = dup._shingle_counts(arr, None)
    out = np.empty(int(counts.sum()), np.uint64)
    dup._dupcore.shingles(data_buf, np.frombuffer(off_buf, np.int64), SHINGLE_WORDS, int(dup._SHINGLE_MULT),
                          word_hash, out, counts)
    assert sorted(asked) == sorted(w.encode() for w in words)
    with _numpy_path():
        want, _ = dup._shingle_hashes(arr)
    np.testing.assert_array_equal(out, want)


def test_text_ranks_refuse_a_token_twice_in_a_text_and_long_sparse_rows():
    rank_of = np.array([5, 70_000, 3, 2**20 + 1], np.int32)  # ranks in several words of every bitmap level
    slot_of = np.array([1, 3, 0, 2, 3, 0], np.int32)
    out = np.empty(6, np.uint32)
    dup._dupcore.text_ranks(slot_of, np.array([4, 2], np.int64), rank_of, np.array([0, 4, 6], np.int64), out)
    assert out.tolist() == [3, 5, 70_000, 2**20 + 1, 5, 2**20 + 1]
    with pytest.raises(ValueError, match="_dupcore.text_ranks"):  # token 3 twice in the first text
        dup._dupcore.text_ranks(np.array([1, 3, 3, 2], np.int32), np.array([4], np.int64), rank_of,
                                np.array([0, 4], np.int64), np.empty(4, np.uint32))
