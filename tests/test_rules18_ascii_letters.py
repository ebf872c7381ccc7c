"""The language check's letter count on ASCII text by ``bytes.translate`` (``rules._letters_upto_min``, issue 8).

``_letters_upto_min(s)`` is ``min(len(_LETTER.findall(s)), LANGUAGE_MIN_CHARS)`` by definition; an ASCII string's
count now comes from deleting its letters' bytes. These tests hold it to the definition on ASCII and other text
(digits, ``_``, every ASCII punctuation and control, non-ASCII letters, digits and numerics), below, at and
above the minimum.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R


def _definition(s: str) -> int:
    return min(len(R._LETTER.findall(s)), R.LANGUAGE_MIN_CHARS)


@pytest.mark.parametrize("s", [
    "", "Too short", "a" * 39, "a" * 40, "a" * 41, "1" * 50, "_" * 50, string.printable, string.digits * 9,
    "x1_y2 z3" * 6, "\x00\x7f" * 30, "Ünïcödé letters count too, and ² or ½ as well", "日本語のテキスト",
    "abc" + "\u2028" + "def", "a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_t_u_v_w_x_y_z_A_B_C_D_E_F_G_H_I_J_K_L_M_N",
])
def test_letters_upto_min_is_its_definition(s):
    assert R._letters_upto_min(s) == _definition(s)


def test_ascii_letter_bytes_are_the_letter_class():
    assert sorted(R._ASCII_LETTER_BYTES) == sorted(string.ascii_letters.encode("ascii"))
    assert all((R._LETTER.fullmatch(chr(c)) is not None) == (bytes([c]) in R._ASCII_LETTER_BYTES)
               for c in range(128))


@settings(max_examples=examples(500), deadline=None)
@given(s=st.text(alphabet=st.characters(max_codepoint=127), max_size=120))
def test_ascii_text(s):
    assert R._letters_upto_min(s) == _definition(s)


@settings(max_examples=examples(300), deadline=None)
@given(s=st.text(max_size=80))
def test_any_text(s):
    assert R._letters_upto_min(s) == _definition(s)


def test_switch_off_gives_the_same(monkeypatch):
    texts = ["Too short", "a" * 45, string.printable, "Ünïcödé"]
    got = [R._letters_upto_min(s) for s in texts]
    monkeypatch.setattr(R, "_ASCII_LETTER_COUNT", False)
    assert [R._letters_upto_min(s) for s in texts] == got


def test_language_note_counts_letters():
    assert R.detect_language("Too short").note == "text too short for language detection (8 letters < 40)"
    assert R.detect_language("12345 abc_def!").note == "text too short for language detection (6 letters < 40)"
