"""``_when_order`` (the duplicate check's date order) equals the lexsort it replaced, ties and undated rows included."""

import numpy as np
import pytest

from reviewtools.duplicates import _when_order


def _ref(ns, undated):
    return np.lexsort((np.arange(len(ns)), ns, undated))


@pytest.mark.parametrize("seed", range(40))
def test_when_order_matches_lexsort(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 3000))
    spread = [1, 3, 50, 10**6, 2**62][seed % 5]  # from all tied to all distinct
    ns = rng.integers(-spread, spread + 1, size=n, dtype=np.int64)
    undated = rng.random(n) < [0.0, 0.1, 0.9, 1.0][seed % 4]
    ns[undated] = 0
    got = _when_order(ns, undated)
    assert got.dtype == np.int64
    assert np.array_equal(got, _ref(ns, undated))


def test_when_order_extremes_and_empty():
    info = np.iinfo(np.int64)
    ns = np.array([info.max, info.min, 0, info.max, info.min, 0, 7], dtype=np.int64)
    for und in (np.zeros(7, bool), np.array([0, 0, 1, 0, 0, 1, 0], bool), np.ones(7, bool)):
        assert np.array_equal(_when_order(ns * ~und, und), _ref(ns * ~und, und))
    assert _when_order(np.zeros(0, np.int64), np.zeros(0, bool)).tolist() == []


def test_when_order_large_tied_runs():
    # a long run of one timestamp whose unstable sort scrambles positions: they must come back in row order
    rng = np.random.default_rng(1)
    ns = np.repeat(rng.integers(0, 10**12, size=200, dtype=np.int64), 500)
    rng.shuffle(ns)
    undated = np.zeros(len(ns), bool)
    assert np.array_equal(_when_order(ns, undated), _ref(ns, undated))
