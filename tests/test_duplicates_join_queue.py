"""The native join's merge queue (``_dupcore.join`` keeps the pairs that pass the prefix-count bound in a ring
and merges the oldest as it adds one) and its compact spans and text records: on many texts made from few bases
(hundreds of candidate pairs, far more than the ring holds, many that give up in the merge) the native pairs,
their order and Jaccard equal the numpy path's and a brute-force oracle's.
"""

from __future__ import annotations

import contextlib
import itertools
import re

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup
from reviewtools.rules import NEAR_DUPLICATE_JACCARD, SHINGLE_WORDS

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")

WORDS = re.compile(r"\w+")


@contextlib.contextmanager
def _numpy_path():
    core = dup._dupcore
    dup._dupcore = None
    try:
        yield
    finally:
        dup._dupcore = core


def _oracle(texts: list[str]) -> list[tuple[int, int, float]]:
    def shingles(s: str) -> set[tuple[str, ...]]:
        w = WORDS.findall(s)
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
def crowded(draw: st.DrawFn) -> list[str]:
    """40-120 distinct texts, each a base (of 2-4) with a few words edited: most pairs of the same base are
    candidates, some just above and some just below the threshold."""
    n_vocab = draw(st.integers(4, 30))
    bases = [[f"w{draw(st.integers(0, n_vocab))}" for _ in range(draw(st.integers(12, 40)))]
             for _ in range(draw(st.integers(2, 4)))]
    texts = set()
    for _ in range(draw(st.integers(40, 120))):
        w = list(draw(st.sampled_from(bases)))
        for _ in range(draw(st.integers(0, 4))):
            op = draw(st.integers(0, 2))
            at = draw(st.integers(0, len(w) - 1))
            if op == 0:
                w[at] = f"w{draw(st.integers(0, n_vocab))}"
            elif op == 1 and len(w) > 1:
                del w[at]
            else:
                w.insert(at, f"v{draw(st.integers(0, 5))}")
        texts.add(" ".join(w))
    return sorted(texts)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_many_queued_merges_give_the_numpy_paths_pairs_and_the_oracles(texts):
    arr = pa.array(texts, type=pa.large_string())
    got = dup._near_pairs(arr)
    with _numpy_path():
        want = dup._near_pairs(arr)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
    assert list(zip(got[0].tolist(), got[1].tolist(), got[2].tolist())) == _oracle(texts)


def test_a_crowd_of_one_base_fills_the_ring_many_times():
    base = [f"w{i}" for i in range(30)]
    texts = sorted({" ".join(base[:i] + [f"x{j}"] + base[i + 1:]) for i in range(30) for j in range(3)})
    got = dup._near_pairs(pa.array(texts, type=pa.large_string()))
    want = _oracle(texts)
    assert len(want) > 500  # far more merges than the ring's 16 places
    assert list(zip(got[0].tolist(), got[1].tolist(), got[2].tolist())) == want
