"""``_checkcore.ws_literal_rows``' AVX2 gate (issue 8, nineteenth session, helper ``checks_k``): where the build and
the CPU have AVX2 and the module's ``avx2()`` switch is on, the gate's hashes of each full 64-position block's
3-byte windows are computed 8 at a time (a shuffle makes the windows of 16 loaded bytes, then one vector multiply),
then read from the gate's table as before.

Both paths of the installed module (``avx2(True)``, ``avx2(False)``), the ``-DCHECKCORE_NO_SIMD`` build and the
byte-wise definition (``rules._ws_rows_reference``) are compared: the phrases' literals starting at every window of
the 8-position groups and 64-position blocks, whitespace runs across them, and rows that are the call's longest
with 64-80 normalised bytes (the AVX2 block reads 72 bytes of the copy, which holds the longest row and 8 more).
"""

from __future__ import annotations

import pytest

from reviewtools import rules as R
from test_rules_literal_simd import CORE, GAPS, MATCHERS, _ws_native, needs_core, scalar  # noqa: F401

PHRASES = ["cheaper at walmart", "go kill yourself", "not received", "i'll find you", "i will kill you",
           "never received my order"]


@pytest.fixture
def paths():
    """A function running ``fn(CORE)`` with the AVX2 path on, then off (the switch restored after)."""
    if CORE is None or not hasattr(CORE, "avx2"):
        pytest.skip("no _checkcore with avx2()")
    before = CORE.avx2()

    def both(fn):
        out = []
        try:
            for on in (True, False):
                CORE.avx2(on)
                out.append(fn(CORE))
        finally:
            CORE.avx2(before)
        return out
    return both


@needs_core
def test_switch(scalar):  # noqa: F811
    before = CORE.avx2()
    try:
        assert CORE.avx2(False) is False and CORE.avx2() is False
        on = CORE.avx2(True)
        assert isinstance(on, bool) and CORE.avx2() is on
        assert CORE.avx2(0) is False and CORE.avx2(1) is on
    finally:
        CORE.avx2(before)
    assert scalar.avx2(True) is False  # the no-SIMD build has no AVX2 path


@needs_core
@pytest.mark.parametrize("phrase", PHRASES)
def test_every_window(paths, scalar, phrase):  # noqa: F811
    """The phrase after 0-150 bytes of text (single spaces, runs of them, non-ASCII whitespace), with its gaps made
    of runs: each of its literals starts at every window of the gate's groups and blocks."""
    rows = []
    for lead in range(0, 151):
        pad = ("ab cd efgh ij kl   mn\u3000op" * 8)[:lead]
        rows.append(pad + phrase)
        rows.append(pad + "  ".join(phrase.split(" ")) + " tail")
        rows.append(pad + GAPS[lead % len(GAPS)].join(phrase.split(" ")) + "x" * (lead % 9))
    want = {m: R._ws_rows_reference(rows, m).tolist() for m in MATCHERS}
    assert paths(lambda core: _ws_native(core, rows)) == [want, want]
    assert _ws_native(scalar, rows) == want
    assert any(any(v) for v in want.values())


@needs_core
@pytest.mark.parametrize("size", range(60, 81))
def test_longest_row_at_the_copy_end(paths, scalar, size):  # noqa: F811
    """One row per call, so it is the longest: ``size`` normalised bytes with a phrase ending at its last 0-9
    bytes (the last full block's windows reach the copy's zero padding)."""
    for phrase in PHRASES:
        for back in range(len(phrase), len(phrase) + 10):
            if back > size:
                continue
            row = ("xy z" * 30)[: size - back] + phrase + ("q" * (back - len(phrase)))
            rows = [row]
            want = {m: R._ws_rows_reference(rows, m).tolist() for m in MATCHERS}
            assert paths(lambda core: _ws_native(core, rows)) == [want, want], (size, phrase, back)
            assert _ws_native(scalar, rows) == want
