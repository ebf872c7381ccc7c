"""``_checkcore.literal_rows``' word literals (issue 8, eighteenth session, helper ``checks_k``): a literal with a
class made only of 1-16 ASCII letters and digits can only occur as a whole word (its class marks no letter or
digit), so where a word starts the scan looks the word up by its bytes and length in one table (its length from
the 64-position letter/digit mask, or byte by byte across a block's end and without SSE2) instead of walking
chains of hashed prefixes, then tests each equal literal's edges.

Checked against the byte-wise definition (test_rules_literal_simd's ``_fast_reference``) with the installed module
and the ``-DCHECKCORE_NO_SIMD`` build: literals of 1-17 bytes (17: not a word literal), one string in two classes
whose edges differ, digits and upper case, literals that are prefixes of longer words and of one another, beside
literals with a class that are not words, at every offset around the 16- and 64-byte edges (words across a block's
end), at the data's very end (fewer than 16 bytes left), and Hypothesis rows of those words and glue bytes.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from test_rules_literal_simd import (CORE, _fast_reference, _literal_rows, _rows_with, needs_core,  # noqa: F401
                                     scalar)

#: Class 0: the default edges (no letter or digit); class 1: a few bytes only (not the non-ASCII ones but \x80).
EDGES = [bytes(R._LITERAL_EDGES[0][1]), bytes(int(c in b" \n.-:'\x80") for c in range(256))]

WORDS = [b"a", b"f", b"ck", b"dm", b"box", b"not", b"old", b"code", b"codes", b"Amazon", b"fuckers", b"12345678",
         b"abcdefgh9", b"abcdefghijklmno", b"abcdefghijklmnop", b"abcdefghijklmnopq", b"x9y8z7w6v5u4t3s2"]
#: Every word in both classes, and literals with a class that are not words (a space, a hyphen, non-ASCII).
LITS = ([(w, 0) for w in WORDS] + [(w, 1) for w in WORDS[::2]]
        + [(b"the box", 0), (b"e-mail", 1), (b"caf\xc3\xa9", 0), (b"-", 1)])
#: The same with literals without a class (every position read, the word starts through the first stage's
#: tables; without them at most 16 first bytes select the word starts: both ways of the scan)
LITS_U = LITS + [(b"zz", -1), (b"http", -1), (b"x", -1)]
SETS = {"classes": LITS, "some_without": LITS_U}
#: Bytes around words: letters and digits that extend them, edges of one class or both, non-ASCII, NUL.
GLUE = [b"", b" ", b"\n", b"x", b"7", b"_", b"-", b"'", b"\x80", b"\xc3\xa9", b"\x00", b".", b"Q"]


@needs_core
@pytest.mark.parametrize("name", sorted(SETS))
@pytest.mark.parametrize("word", WORDS)
def test_every_offset(scalar, word, name):  # noqa: F811
    lits = SETS[name]
    rows = _rows_with(word, range(0, 141, 5))
    rows += [g1 + word + g2 for g1 in GLUE for g2 in GLUE]
    want = _fast_reference(rows, lits, EDGES)
    assert _literal_rows(CORE, rows, lits, EDGES) == want
    assert _literal_rows(scalar, rows, lits, EDGES) == want
    k = lits.index((word, 0))
    assert any(x >> k & 1 for x in want) and not all(x >> k & 1 for x in want)


@needs_core
@pytest.mark.parametrize("name", sorted(SETS))
@pytest.mark.parametrize("word", [b"f", b"box", b"codes", b"abcdefgh9", b"abcdefghijklmnop"])
def test_words_across_the_block_edges(scalar, word, name):  # noqa: F811
    """A word after 0-200 letters or spaces ending at, across and after every 64-byte block edge; words that
    run on past a literal's length (the length must be the word's) and stop at every kind of byte."""
    rows = []
    for o in range(0, 200):
        for fill in (b" ", b"a"):
            for right in (b"", b" ", b"z", b"\x80", b"'", b"0"):
                rows.append(fill * o + b" " + word + right + b" tail")
                rows.append(fill * o + b"." + word + right)
    lits = SETS[name]
    want = _fast_reference(rows, lits, EDGES)
    assert _literal_rows(CORE, rows, lits, EDGES) == want
    assert _literal_rows(scalar, rows, lits, EDGES) == want


@needs_core
@pytest.mark.parametrize("name", sorted(SETS))
def test_at_the_data_end(scalar, name):  # noqa: F811
    """The last row ends the data: a word there is read byte by byte (fewer than 16 bytes left)."""
    lits = SETS[name]
    for word in WORDS:
        for lead in (b"", b" ", b"ab ", b"x" * 60 + b" ", b"y" * 64):
            rows = [b"first row " + word, lead + word]
            want = _fast_reference(rows, lits, EDGES)
            assert _literal_rows(CORE, rows, lits, EDGES) == want, (word, lead)
            assert _literal_rows(scalar, rows, lits, EDGES) == want, (word, lead)


@needs_core
def test_shared_bits_and_early_stop(scalar):  # noqa: F811
    """Literals sharing a bit (found once, the rest skipped) and the row read until every bit is found."""
    lits = [(b"box", 0), (b"box", 1), (b"boxes", 0), (b"not", 1), (b"code", 0), (b"qq", -1)]
    bits = [1, 1, 2, 4 | 8, 8, 16]
    rows = [b"a box of boxes", b"not code", b"box\x80not", b"\x80box code", b"boxes", b"coder box'", b""]
    want = []
    for found in _fast_reference(rows, lits, EDGES):  # shared bits: the OR of each found literal's bits
        want.append(int(np.bitwise_or.reduce([b for k, b in enumerate(bits) if found >> k & 1] or [0])))
    assert _literal_rows(CORE, rows, lits, EDGES, bits) == want
    assert _literal_rows(scalar, rows, lits, EDGES, bits) == want
    assert want[0] == 1 | 2 and want[1] == 4 | 8 and want[-1] == 0


_PIECES = st.sampled_from(WORDS + [w.upper() for w in WORDS[:4]] + [w + b"s" for w in WORDS[:6]])


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.tuples(st.sampled_from(GLUE), _PIECES), max_size=30), min_size=1, max_size=6),
       st.sampled_from(sorted(SETS)))
def test_property(scalar, rows, name):  # noqa: F811
    rows = [b"".join(g + w for g, w in row) for row in rows]
    lits = SETS[name]
    want = _fast_reference(rows, lits, EDGES)
    assert _literal_rows(CORE, rows, lits, EDGES) == want
    assert _literal_rows(scalar, rows, lits, EDGES) == want
