"""``_checkcore.literal_rows`` compares a 3- or 4+-byte literal's first bytes as one integer (its ``pre`` key)
before the rest, and reads the literals with a class only at the word starts of each 64 positions: literals over a small alphabet (shared prefixes, one string under several classes, several
literals under one bit, lengths either side of 3 and 4, matches at a row's last bytes) against the byte-wise
definition of ``test_rules_literal``."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from test_rules_literal import CORE, _reference, needs_core

_ALPHA = st.sampled_from(list(b"ab .\x00\xc3\xa9"))
_LIT = st.lists(_ALPHA, min_size=1, max_size=9).map(bytes)


@needs_core
@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.lists(_ALPHA, max_size=60).map(bytes), min_size=1, max_size=8),
       st.lists(st.tuples(_LIT, st.integers(-1, 1)), min_size=1, max_size=16),
       st.integers(1, 3))
def test_property_prefix_keys_byte_definition(rows, lits, groups):
    # the same string under every class too, and rows ending in a literal (the last three bytes' loop)
    lits = lits + [(lits[0][0], c) for c in (-1, 0, 1)]
    rows = rows + [r + lits[i % len(lits)][0] for i, r in enumerate(rows)] + [b"", lits[-1][0]]
    rows.append(b"".join(rows) * 2)  # a row of several 64-position pieces (the word starts' masks)
    edges = [bytes(R._LITERAL_EDGES[0][1]), bytes(R._LITERAL_EDGES[1][1])]
    data = np.frombuffer(b"".join(rows), dtype=np.uint8)
    offsets = np.cumsum([0] + [len(r) for r in rows]).astype(np.int64)
    # literal k stands for pattern k % groups: a pattern's bit is found when one of its literals is
    bits = np.asarray([1 << (k % groups) for k in range(len(lits))], dtype=np.uint64)
    out = np.zeros(len(rows), dtype=np.uint64)
    CORE.literal_rows(data, offsets, b"".join(x for x, _ in lits), np.asarray([len(x) for x, _ in lits], np.int32),
                      bits, np.asarray([c for _, c in lits], np.int8), b"".join(edges), out)
    want = []
    for found in _reference(rows, lits, edges):
        got = 0
        for k in range(len(lits)):
            if found >> k & 1:
                got |= 1 << (k % groups)
        want.append(got)
    assert out.tolist() == want
