"""The native normaliser's fourteenth-session paths (``reviewtools/_dupcore.c``):

- ``squeeze_char``: a non-ASCII character in a text read with the standard table is taken in place (decoded,
  lowered, its UTF-8 written if a word character, else the space that ends a word) and the 16-byte loop goes
  on after it, instead of the whole text going again through ``squeeze_utf8`` from its start. A character it
  does not take (not well-formed, U+0130, U+03A3, a lower case longer than the room behind the input) sends the
  text the old way.
- ``squeeze_block_ssse3``: each 8-byte half's kept bytes moved together by one shuffle (where the CPU has SSSE3
  and POPCNT) instead of shifting out each dropped byte.

The same bytes, word counts and flags as Python's ``re`` (through ``_normalised_block``, which does the flagged
texts in Python, and on raw bytes, which need not be UTF-8), with the non-ASCII characters at every offset of a
16-byte block, next to separator runs, in the last text of a call (no room after it), and on Hypothesis texts.
Skipped where the optional C module is not built.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")

# word characters of 2, 3 and 4 bytes, cased ones (K: KELVIN SIGN lowers to ASCII k; Ⱥ: 2 bytes, lower case 3),
# separators of 2 and 3 bytes, and the two that go the slow way (İ, Σ)
_WIDE = ["é", "É", "ß", "ñ", "Ä", "Ⱥ", "K", "中", "𝐀", "😀", "Ⅻ", "\u0301", "\u00a0", "–", "’", "İ", "Σ", "ς"]
_ASCII = ["a", "B", "z", "Q", "0", "9", "_", " ", ",", ".", "!", "-", "\t", "'"]


def _python(texts: list[str]) -> tuple[list[str], list[int]]:
    words = [re.findall(r"\w+", s.lower()) for s in texts]
    return [" ".join(w) for w in words], [len(w) for w in words]


def _block(texts: list[str]) -> tuple[list[str], list[int]]:
    norm, n_words = dup._normalised_block(pa.array(texts, type=pa.large_string()))
    return norm.to_pylist(), n_words.tolist()


def _raw(chunks: list[bytes]) -> tuple[list[bytes], list[int], list[bool]]:
    """``_dupcore.squeeze`` on raw byte strings, as ``_squeeze_native`` calls it (out as large as the input)."""
    data = b"".join(chunks)
    offsets = np.concatenate(([0], np.cumsum([len(c) for c in chunks]))).astype(np.int64)
    n = len(chunks)
    out = np.empty(max(len(data), 1), dtype=np.uint8)
    new_offsets = np.empty(n + 1, dtype=np.int64)
    n_words = np.empty(n, dtype=np.int64)
    odd = np.empty(n, dtype=np.uint8)
    used = dup._dupcore.squeeze(data, offsets, dup._ASCII_WORD_LUT, out, new_offsets, n_words, odd)
    assert used == new_offsets[n] <= len(data)
    got = [bytes(out[new_offsets[i]:new_offsets[i + 1]]) for i in range(n)]
    return got, n_words.tolist(), [bool(x) for x in odd]


def _expected_or_flagged(chunks: list[bytes]) -> None:
    """Each text as Python normalises it, or flagged and left empty (for the caller), where it does not decode or
    its lower case does not fit; flagged only then."""
    got, nws, odd = _raw(chunks)
    for c, g, nw, o in zip(chunks, got, nws, odd):
        try:
            s = c.decode("utf-8")
        except UnicodeDecodeError:
            assert (g, nw, o) == (b"", 0, True)
            continue
        w = re.findall(r"\w+", s.lower())
        if o:
            assert (g, nw) == (b"", 0)
            assert "İ" in s or "Σ" in s or len(" ".join(w).encode()) > len(c) or "Ⱥ" in s
        else:
            assert (g.decode(), nw) == (" ".join(w), len(w))


@pytest.mark.parametrize("ch", _WIDE)
def test_one_wide_character_at_every_offset(ch):
    """The character at offsets 0-40 of ASCII texts (every place in a 16-byte block, before and after whole
    blocks), inside a word, after one and before a separator run."""
    texts = []
    for at in range(41):
        head = ("Abc de, FGh_1 " * 4)[:at]
        for tail in ("xyz rest of the TEXT, here", ", , ok", "", "  q" * 9):
            texts += [head + ch + tail, head + ch + ch + tail, head + " " + ch + ". " + tail]
    assert _block(texts) == _python(texts)
    _expected_or_flagged([t.encode() for t in texts])


def test_many_wide_characters_between_blocks():
    texts = ["Ça va, très BIEN. " * 7 + "Straße–Weg ’s " * 5 + "中文 😀 ok " * 6,
             "é" * 40 + " " + "ÄÖÜ " * 20 + "end",
             "KELVIN K K k; Ⅻ XII" * 5]
    assert _block(texts) == _python(texts)


def test_slow_characters_send_the_text_the_old_way():
    """İ and Σ (str.lower by more than the simple mapping) after ASCII blocks and other wide characters."""
    texts = ["plain ASCII words for a block or two é then İstanbul", "ΟΔΟΣ é " * 5 + "ΣΑΣ aΣ", "é" * 20 + "İ"]
    assert _block(texts) == _python(texts)


def test_lower_case_longer_than_the_room():
    """Ⱥ (2 bytes) lowers to 3 bytes: taken where the text's separators left room behind the input, else the
    text goes the old way (flagged where even that has no room: the last text of a call has none after it)."""
    assert _raw(["Ⱥ".encode()]) == ([b""], [0], [True])
    assert _raw([b"abc " + "Ⱥ".encode()]) == ([b""], [0], [True])
    chunks = [b"a, , , " + "Ⱥ".encode() + b" b", b"xyz  " + "ȺȺ".encode() + b" .", b"abcdefghijklmnopq " + "Ⱥ".encode()]
    _expected_or_flagged(chunks)
    assert _raw(chunks)[0][0] == "a ⱥ b".encode()
    texts = ["a, , , , Ⱥ b", "Ⱥ" * 30, "x" * 33 + "Ⱥ", "Ⱥ, " * 20]
    assert _block(texts) == _python(texts)


@pytest.mark.parametrize("bad", [b"\x80", b"\xc2", b"\xc2A", b"\xe0\x80\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                                 b"\xff", b"\xe2\x82"])
def test_malformed_after_taken_characters(bad):
    """A byte sequence that is not UTF-8 after characters already taken in place: the text is flagged (left
    empty) as before."""
    chunks = [b"ok " * 10 + "é".encode() + b" words " * 4 + bad + b" more", "ñ".encode() * 9 + bad,
              b"fine text " + "ü".encode()]
    _expected_or_flagged(chunks)
    assert _raw(chunks)[2] == [True, True, False]


def test_separator_runs_with_every_keep_mask():
    """Runs of separators (dropped after the first) at every pattern of an 8-byte half: each of the 256 keep masks
    of a half, at both halves of a block."""
    texts = []
    for mask in range(256):
        half = "".join("a" if mask >> b & 1 else "," for b in range(8))
        texts += [half + half, "bcdefghi" + half + "jk lm", half + "bcdefghi" + half + half]
    assert _block(texts) == _python(texts)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.lists(st.sampled_from(_ASCII * 3 + _WIDE), max_size=90).map("".join), min_size=1, max_size=6))
def test_hypothesis_texts(texts):
    assert _block(texts) == _python(texts)
    _expected_or_flagged([t.encode() for t in texts])
