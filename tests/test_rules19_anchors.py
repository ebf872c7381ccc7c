"""``_checkcore.literal_rows``' anchors (issue 8, nineteenth session, helper ``checks_k``): a literal without a class
of 5+ bytes is hashed by its rarest 4-byte window (its anchor: counted over the first 64 KiB of the data), not by its
first four bytes, and where the anchor's hash is found the literal is compared from the anchor's offset back. A
common prefix ("for " of "for less") would make most positions of review text candidates.

Checked against the byte-wise definition (test_rules_literal_simd's ``_fast_reference``) with the installed module
and the ``-DCHECKCORE_NO_SIMD`` build: data whose head makes each window of a literal the rarest in turn (so the
anchor is at every offset), literals whose anchor would start before the row (the previous row's bytes must not
count) or whose rest runs past the row's end, two literals sharing an anchor at different offsets, a literal
inside another, at every offset of rows around the 64-byte blocks.
"""

from __future__ import annotations

import pytest

from test_rules_literal_simd import CORE, _fast_reference, _literal_rows, needs_core, scalar  # noqa: F401

EDGES = [bytes(256)]
#: Without a class: long ones with common prefixes and shared windows (" les" in two, "less" inside one), a 4-byte
#: one (its only window), beside a short one and one with a class.
LITS = [(b"for less", -1), (b"a lot less", -1), (b"less", -1), (b"not received", -1), (b"still waiting", -1),
        (b"abcdefgh", -1), (b"xyz", -1), (b"box", 0)]
LONG = [w for w, c in LITS if c < 0 and len(w) > 4]


def _head(word: bytes, rare: int) -> bytes:
    """65,536+ bytes of filler holding every 4-byte window of ``word`` often, except the one at ``rare``: that one
    becomes its anchor."""
    common = b" ".join(word[o: o + 4] for o in range(len(word) - 3) if o != rare)
    return (b"." + common) * (70_000 // (len(common) + 1) + 1)


@needs_core
@pytest.mark.parametrize("word", LONG)
def test_anchor_at_every_offset(scalar, word):  # noqa: F811
    """The word whole, cut short at either end (one byte less), and with a byte changed at each place, at offsets
    0-70 of rows; for each choice of its rarest window."""
    for rare in range(len(word) - 3):
        rows = [_head(word, rare)]
        variants = [word, word[1:], word[:-1]] + [word[:i] + b"#" + word[i + 1:] for i in range(len(word))]
        for o in range(0, 71, 3):
            for v in variants:
                rows.append(b"q" * o + v)
                rows.append(b"q" * o + v + b" tail" * (o % 3))
        want = _fast_reference(rows, LITS, EDGES)
        assert _literal_rows(CORE, rows, LITS, EDGES) == want, (word, rare)
        assert _literal_rows(scalar, rows, LITS, EDGES) == want, (word, rare)
        k = LITS.index((word, -1))
        assert sum(x >> k & 1 for x in want[1:]) == 2 * 24


@needs_core
@pytest.mark.parametrize("word", LONG)
def test_not_across_rows(scalar, word):  # noqa: F811
    """A row starting with the word's tail and the row before ending with its head (or the row after starting with
    its tail): the anchor may be in the row, the literal is not."""
    for rare in range(len(word) - 3):
        rows = [_head(word, rare)]
        for cut in range(1, len(word)):
            rows += [b"x" + word[:cut], word[cut:] + b"y", word[:cut], word[cut:]]
        want = _fast_reference(rows, LITS, EDGES)
        k = LITS.index((word, -1))
        assert not any(x >> k & 1 for x in want)
        assert _literal_rows(CORE, rows, LITS, EDGES) == want, (word, rare)
        assert _literal_rows(scalar, rows, LITS, EDGES) == want, (word, rare)


@needs_core
def test_text_like_head(scalar):  # noqa: F811
    """A head of review-like text (common prefixes), then rows with every literal, near misses and nothing."""
    head = b"we paid for the order, not much less than a lot of others; still the box came " * 900
    rows = [head]
    for w, _ in LITS:
        rows += [w, b"and " + w + b" so", w[:-1], w[1:], b"for le" + w + b"ss"]
    rows += [b"", b"for lessons", b"not receivednot received", b"a lot lesss"]
    want = _fast_reference(rows, LITS, EDGES)
    assert _literal_rows(CORE, rows, LITS, EDGES) == want
    assert _literal_rows(scalar, rows, LITS, EDGES) == want
