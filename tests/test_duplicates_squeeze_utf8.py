"""The native normaliser's non-ASCII texts without Python objects (session 11: ``squeeze_utf8`` in
``reviewtools/_dupcore.c``): the text decoded in C (well-formed UTF-8 only), each character lowered by the simple
case mapping, which is ``str.lower``'s for every character but U+0130 (two characters in full) and U+03A3 (final
sigma, by context): texts with either, bytes that are not well-formed UTF-8 and texts whose words would not fit
are left to the Python-object path as before. The same bytes, word counts and flags as Python's ``re``: on every
code point, on the UTF-8 boundary sequences, on malformed bytes (flagged and left empty, as where the strict
decoder fails) and on lower cases that grow in UTF-8. Skipped where the optional C module is not built.
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


def _python(texts: list[str]) -> tuple[list[str], list[int]]:
    words = [re.findall(r"\w+", s.lower()) for s in texts]
    return [" ".join(w) for w in words], [len(w) for w in words]


def _native(texts: list[str]) -> tuple[list[str], list[int]]:
    norm, n_words, odd = dup._squeeze_native(pa.array(texts, type=pa.large_string()))
    assert not odd.any()
    return norm.to_pylist(), n_words.tolist()


def _raw(chunks: list[bytes]) -> tuple[list[bytes], list[int], list[bool]]:
    """``_dupcore.squeeze`` on raw byte strings (which need not be UTF-8), as ``_squeeze_native`` calls it."""
    data = b"".join(chunks)
    offsets = np.concatenate(([0], np.cumsum([len(c) for c in chunks]))).astype(np.int64)
    n = len(chunks)
    out = np.empty(max(len(data), 1), dtype=np.uint8)
    new_offsets = np.empty(n + 1, dtype=np.int64)
    n_words = np.empty(n, dtype=np.int64)
    odd = np.empty(n, dtype=np.uint8)
    dup._dupcore.squeeze(data, offsets, dup._ASCII_WORD_LUT, out, new_offsets, n_words, odd)
    got = [bytes(out[new_offsets[i]:new_offsets[i + 1]]) for i in range(n)]
    return got, n_words.tolist(), [bool(x) for x in odd]


def _expected(chunks: list[bytes]) -> tuple[list[bytes], list[int], list[bool]]:
    got, nws, odd = [], [], []
    for c in chunks:
        try:
            s = c.decode("utf-8")
        except UnicodeDecodeError:
            got.append(b"")
            nws.append(0)
            odd.append(True)
            continue
        w = re.findall(r"\w+", s.lower())
        got.append(" ".join(w).encode())
        nws.append(len(w))
        odd.append(False)
    return got, nws, odd


def test_every_code_point():
    """Each code point (but surrogates) in a word, after a separator, doubled, and upper-cased, 128 to a text
    (so the texts with U+0130 or U+03A3 go the Python way and the others the C way)."""
    cps = [c for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    texts = []
    for i in range(0, len(cps), 128):
        block = cps[i:i + 128]
        texts.append("Ab " + "".join(f"x{chr(c)}{chr(c)}y, {chr(c)} " for c in block) + " End_1")
        texts.append("".join(chr(c) for c in block).upper() + " Q" + " ." * 200)
    assert _native(texts) == _python(texts)


def test_cased_letters_without_the_two_exceptions():
    """Every character whose lower case differs from it, in texts without U+0130 / U+03A3 (the C path)."""
    cased = [chr(c) for c in range(0x80, 0x110000)
             if not 0xD800 <= c <= 0xDFFF and chr(c).lower() != chr(c) and c not in (0x130, 0x3A3)]
    # (separators at the end: room for lower cases that take more bytes)
    texts = [" ".join(cased[i:i + 50]) + " " + "".join(cased[i:i + 50]) + " ." * 60 for i in range(0, len(cased), 50)]
    assert _native(texts) == _python(texts)


def test_dotted_capital_i_and_final_sigma():
    texts = ["İstanbul İİ x", "ΟΔΟΣ ΣΑΣ Σ ΣΣ aΣ Σa", "é İ", "ñ Σ.", "Ça va ΑΣ, ΑΣΑ"]
    assert _native(texts) == _python(texts)


def test_utf8_boundaries():
    texts = ["a\u0080b \u07ff \u0800c\ud7ff \ue000\uffff \U00010000 \U0010ffff z",
             "\u00c0\u00de\u00df\u0100 \u1e9e \u2126\u212a\u212b \U00010400\U0001e900"]
    assert _native(texts) == _python(texts)


@pytest.mark.parametrize("bad", [b"\x80", b"\xbf", b"\xc0\x80", b"\xc1\xbf", b"\xc2", b"\xc2A", b"\xe0\x80\x80",
                                 b"\xe0\x9f\xbf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xe1\x80", b"\xef\xbf",
                                 b"\xf0\x80\x80\x80", b"\xf0\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80",
                                 b"\xf8\x88\x80\x80\x80", b"\xff", b"\xf1\x80\x80", b"\xe2\x82\x28"])
def test_malformed_utf8_is_flagged(bad):
    chunks = [b"ok " + "é".encode(), b"Ab " + bad + b" cd", bad, "ñ ".encode() + bad, b"plain ASCII"]
    assert _raw(chunks) == _expected(chunks)


def test_well_formed_edges_raw():
    chunks = [b"\xc2\x80A", b"\xdf\xbf", b"\xe0\xa0\x80x", b"\xed\x9f\xbf", b"\xee\x80\x80", b"\xef\xbf\xbf",
              b"\xf0\x90\x80\x80", b"\xf4\x8f\xbf\xbf", "ÄÖÜ ĀĒ".encode()]
    assert _raw(chunks) == _expected(chunks)


def test_lower_case_that_grows():
    """U+023A (2 bytes) lowers to U+2C65 (3 bytes): a text with little room is flagged (left to the caller) as
    before, one with room for it is lowered."""
    assert _raw(["Ⱥ".encode()]) == ([b""], [0], [True])
    chunks = ["ȺȺ , ,".encode(), "xȺ.Ⱥ ".encode() + b"  "]
    assert _raw(chunks) == _expected(chunks)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), max_size=30))
def test_any_unicode_text_equals_python(texts):
    norm, n_words, odd = dup._squeeze_native(pa.array(texts, type=pa.large_string()))
    ref, ref_n = _python(texts)
    for i, s in enumerate(texts):
        if odd[i]:  # (no room for a grown lower case: the caller normalises it)
            assert len(ref[i].encode()) > 0
            continue
        assert norm[i].as_py() == ref[i] and n_words[i] == ref_n[i]
