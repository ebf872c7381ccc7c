"""The native normalising loop 16 bytes at a time (session 10: ``squeeze_block``, taken when the table is
:data:`reviewtools.duplicates._ASCII_WORD_LUT`) and the non-ASCII texts' ASCII characters classed without
``Py_UNICODE_ISALNUM``: the same bytes and word counts as Python's ``re``, on texts long enough for whole blocks,
with runs of separators at every offset inside a block, blocks that end inside a word or a separator run, and a
non-ASCII character after 0-40 ASCII bytes. Another table (not the standard one) takes the byte loop and gives
its own mapping. Skipped where the optional C module is not built.
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


def test_blocks_equal_python_at_every_offset():
    texts = []
    for n in range(0, 50):  # a separator run of 1-3 bytes at every offset of texts of 0-49 word bytes
        base = ("abcdefghij" * 5)[:n]
        for at in range(n + 1):
            for sep in (" ", ", ", "!!!", "\t\n", "-"):
                texts.append(base[:at] + sep + base[at:])
                texts.append(sep + base[:at] + sep + base[at:].upper() + sep)
    texts += ["A" * 16, "a" * 15 + " ", " " * 16, "_" * 33, "0123456789" * 4, "@[`{/:" * 8, "Z" * 16 + "!" * 16,
              "x " * 20, " x" * 20, "xy  " * 12, "\x00\x1f\x7f" * 10 + "ok", "end. " * 9]
    assert _native(texts) == _python(texts)


def test_non_ascii_after_ascii_bytes():
    texts = []
    for n in range(0, 41):
        for ch in ("é", "İ", "Ⱥ", "٣", "²", "ß", "Σ", "—", "\u00a0", "日本"):
            texts.append("Ab_9, " * (n // 6) + "x" * (n % 6) + ch + " Tail_Word, more text here ok")
            texts.append(ch + "x" * n + ", ΣΑΣ " + "y" * n)
    assert _native(texts) == _python(texts)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aAzZ09_ ,.!-'\t\n@[`{~") + ["é", "Ä", "ς", "\u2028"]),
                        max_size=90), max_size=40))
def test_any_text_equals_python(texts):
    assert _native(texts) == _python(texts)


def test_another_table_takes_the_byte_loop():
    lut = dup._ASCII_WORD_LUT.copy()
    lut[ord("-")] = ord("-")  # "-" a word byte: not the standard table, so no blocks
    texts = ["well-known, long-lasting text with-dashes " * 2, "", "a-b", "--x--  y"]
    arr = pa.array(texts, type=pa.large_string())
    _, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64)[:len(texts) + 1]
    out = np.empty(int(offsets[-1]), np.uint8)
    new_off, n_words, flags = np.empty(len(texts) + 1, np.int64), np.empty(len(texts), np.int64), np.empty(len(texts),
                                                                                                          np.uint8)
    used = dup._dupcore.squeeze(data_buf, np.ascontiguousarray(offsets), lut, out, new_off, n_words, flags)
    got = [bytes(out[new_off[i]:new_off[i + 1]]).decode() for i in range(len(texts))]
    want = [re.findall(r"[\w-]+", s.lower()) for s in texts]
    assert used == new_off[-1]
    assert got == [" ".join(w) for w in want]
    assert n_words.tolist() == [len(w) for w in want]
