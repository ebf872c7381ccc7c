"""The native core's large-table and one-store paths (session 9): tables of 4 MiB or more in transparent huge pages
(``table_alloc``: the process's THP-disable flag lifted only while they are touched, then set again), the rolling
shingle hash, and the one-store normalising loop. Each is compared with the numpy path (or Python) on input
large enough to take the big-table path: the token table, the word table, the join's index and the text groups
all pass 4 MiB here. Skipped where the optional C module is not built.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pytest

import reviewtools.duplicates as dup
from reviewtools.ingest import _huge_pages_off, _prctl
from reviewtools.rules import SHINGLE_WORDS

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")


@contextlib.contextmanager
def _numpy_path() -> Iterator[None]:
    core = dup._dupcore
    dup._dupcore = None
    try:
        yield
    finally:
        dup._dupcore = core


def _big_texts(n: int = 12_000, seed: int = 8) -> list[str]:
    """``n`` texts of 30-70 words over a vocabulary large enough for ~500k distinct shingles (a token table of
    2^20 slots: 16 MiB), some near copies of others (so the join has pairs), and words past 8 and 32 bytes."""
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(20_000)] + ["x" * 12, "y" * 40, "zz_9"]
    texts: list[str] = []
    for i in range(n):
        if i > 10 and rng.random() < 0.2:  # a near copy of an earlier text: one word replaced
            w = texts[int(rng.integers(0, i))].split(" ")
            w[int(rng.integers(0, len(w)))] = vocab[int(rng.integers(0, len(vocab)))]
        else:
            w = [vocab[j] for j in rng.integers(0, len(vocab), int(rng.integers(30, 70)))]
        texts.append(" ".join(w))
    return texts


def test_big_tables_give_the_numpy_paths_pairs_and_restore_the_thp_flag():
    texts = pa.array(_big_texts(), type=pa.large_string())
    prctl = _prctl()
    with _huge_pages_off():  # as find_duplicates runs the core
        flag_before = prctl(42, 0, 0, 0, 0) if prctl else None
        got = dup._near_pairs(texts)
        flag_after = prctl(42, 0, 0, 0, 0) if prctl else None
    assert flag_before == flag_after  # the THP-disable flag is set again after the tables are touched
    with _numpy_path():
        want = dup._near_pairs(texts)
    assert len(got[0]) > 100
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_big_token_table_equals_the_table_of_the_numpy_hashes():
    """The rolling shingle hash and the huge-page token table: the same tokens, frequencies and rows as the
    numpy path's hashes grouped by ``table``."""
    texts = pa.array(_big_texts(6_000, seed=3), type=pa.large_string())
    counts = dup._shingle_counts(texts, None)
    got = dup._native_token_rows(texts, counts)
    with _numpy_path():
        h, n_sh = dup._shingle_hashes(texts)
    want = dup._native_rows([h, n_sh], len(texts))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_native_shingles_roll_like_the_window_polynomial():
    """Texts of 0 to 40 pieces (empty pieces too): the native hashes equal the numpy path's."""
    rng = np.random.default_rng(1)
    words = ["a", "bb", "", "ccc", "é", "longer_word_than_eight", "y" * 33]
    texts = pa.array([" ".join(words[j] for j in rng.integers(0, len(words), m)) for m in range(41)] * 3,
                     type=pa.large_string())
    counts = dup._shingle_counts(texts, None)
    out = np.empty(int(counts.sum()), np.uint64)
    _, off_buf, data_buf = texts.buffers()
    dup._dupcore.shingles(data_buf, np.frombuffer(off_buf, np.int64)[: len(texts) + 1].copy(), SHINGLE_WORDS,
                          int(dup._SHINGLE_MULT), dup._word_hash_bytes, out, counts)
    with _numpy_path():
        want, n_sh = dup._shingle_hashes(texts)
    np.testing.assert_array_equal(counts, n_sh)
    np.testing.assert_array_equal(out, want)


EDGE = ["", " ", "a", " a ", "A,b", "..x..", "Hi, THERE!  ok_1", " -a- ", "ab  ", "x y z.", "__", "_a_ b",
        "!!!", "a!", "!a", "a  b   c", "Ça va?", "tab\there\nnew", "END.", "9", "MiXeD_Case-42 x"]


def test_one_store_squeeze_equals_python_on_edges_and_a_big_block():
    rng = np.random.default_rng(2)
    alphabet = list("aZ9_ ,.!-\t") + ["é"]
    rand = ["".join(alphabet[j] for j in rng.integers(0, len(alphabet), int(rng.integers(0, 30))))
            for _ in range(20_000)]
    texts = EDGE + rand
    norm, n_words, odd = dup._squeeze_native(pa.array(texts, type=pa.large_string()))
    want = [re.findall(r"\w+", s.lower()) for s in texts]
    assert not odd.any()
    assert norm.to_pylist() == [" ".join(w) for w in want]
    assert n_words.tolist() == [len(w) for w in want]
