"""``_checkcore.repeated_tokens`` (issue 8, eleventh session): the word-run prefilter's three-equal-tokens pass with
SSE2 separator masks. It must give the rows of the byte-wise definition, of ``rules._repeated_tokens`` (numpy) and
of ``_vadercore.repeated_tokens``, for the installed build and a ``-DCHECKCORE_NO_SIMD`` build, on adversarial rows
(non-ASCII bytes, every separator, punctuation runs, long repeats, rows of 63-65 and 127-129 bytes, empty rows)
and with separator tables of many ranges (the table path)."""

from __future__ import annotations

import importlib.util
import subprocess
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

LC = R._literal_core()
needs_core = pytest.mark.skipif(LC is None or not hasattr(LC, "repeated_tokens"),
                                reason="reviewtools._checkcore (with repeated_tokens) is not built")
SEP = R._WORD_RUN_SEPARATORS
SRC = Path(R.__file__).with_name("_checkcore.c")


def _reference(row: bytes, sep: np.ndarray) -> bool:
    toks, cur = [], bytearray()
    for b in row:
        if sep[b]:
            if cur:
                toks.append(bytes(cur))
            cur = bytearray()
        else:
            cur.append(b)
    if cur:
        toks.append(bytes(cur))
    return any(toks[i] == toks[i + 1] == toks[i + 2] for i in range(len(toks) - 2))


def _pack(rows: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    data = np.frombuffer(b"".join(rows), dtype=np.uint8)
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(r) for r in rows])
    return data, offsets


def _run(core, rows: list[bytes], sep: np.ndarray) -> list[int]:
    data, offsets = _pack(rows)
    out = np.full(len(rows), 7, dtype=np.uint8)  # every row is written
    core.repeated_tokens(data, offsets, sep, out)
    return out.tolist()


@pytest.fixture(scope="module")
def nosimd(tmp_path_factory):
    if LC is None or not SRC.exists():
        pytest.skip("no _checkcore source/build")
    so = tmp_path_factory.mktemp("rt") / ("_checkcore" + sysconfig.get_config_var("EXT_SUFFIX"))
    try:
        subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-DCHECKCORE_NO_SIMD", "-DNDEBUG",
                        "-I" + sysconfig.get_paths()["include"], str(SRC), "-o", str(so)], check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("no C compiler")
    spec = importlib.util.spec_from_file_location("_checkcore", so)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cores(nosimd):
    cores = [LC, nosimd]
    vc = R._checks_core()
    return cores, vc


PIECES = [b"a", b"ab", b"abc", b"x" * 63, b"y" * 64, b"z" * 65, b"\xc3\xa9", b"\xe2\x80\x83", b"\xff", b"_",
          b" ", b",", b".", b"!", b"\t", b"\n", b"\x00", b"\x1c", b"?", b";", b"-", b" ,.! ", b"....", b"!!!!"]


@needs_core
@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join), min_size=1, max_size=12),
       st.integers(0, 70))
def test_repeated_tokens_matches_definition(nosimd, rows, pad):
    rows = [b"q" * pad + rows[0]] + rows[1:]  # shift the rows against the 64-byte blocks
    want = [int(_reference(r, SEP)) for r in rows]
    cores, vc = _cores(nosimd)
    for core in cores:
        assert _run(core, rows, SEP) == want
    if vc is not None:
        assert _run(vc, rows, SEP) == want
    data, offsets = _pack(rows)
    assert R._repeated_tokens(data, offsets, SEP, len(rows)).astype(int).tolist() == want


@needs_core
@pytest.mark.parametrize("word", [b"a", b"go", b"w" * 40, b"v" * 64, b"\xc3\xa9t\xc3\xa9"])
@pytest.mark.parametrize("lead", [0, 1, 61, 62, 63, 64, 65, 127, 128])
@pytest.mark.parametrize("gap", [b" ", b" ,. ", b"!", b"\x00", b"\t\n"])
def test_repeated_tokens_at_every_block_edge(nosimd, word, lead, gap):
    rows = [b"", b"k" * lead + gap + gap.join([word] * 3), b"k" * lead + gap + gap.join([word] * 2),
            b"k" * lead + gap + gap.join([word] * 3) + gap, gap.join([word] * 3) + b"x",
            b"k" * lead + gap + word + gap + word + gap + word + b"\xc3", b"", b"..." * lead]
    want = [int(_reference(r, SEP)) for r in rows]
    for core in _cores(nosimd)[0]:
        assert _run(core, rows, SEP) == want


@needs_core
@pytest.mark.parametrize("kind", ["many_ranges", "none", "all_but_a", "high"])
def test_repeated_tokens_other_tables(nosimd, kind):
    sep = np.zeros(256, dtype=np.uint8)
    if kind == "many_ranges":
        sep[::3] = 1  # > 8 ranges: the table path
    elif kind == "all_but_a":
        sep[:] = 1
        sep[ord("a")] = 0
    elif kind == "high":
        sep[0x80:] = 1
        sep[ord(" ")] = 1
    rng = np.random.default_rng(8)
    rows = [bytes(rng.choice(np.frombuffer(b"aab \x00\x03\x80\xff", dtype=np.uint8), size=int(k)).tolist())
            for k in rng.integers(0, 200, 300)]
    rows += [b"a a a", b"aaa\x80aaa\x80aaa", b"b\xffb\xffb", b""]
    want = [int(_reference(r, sep)) for r in rows]
    for core in _cores(nosimd)[0]:
        assert _run(core, rows, sep) == want


@needs_core
def test_repeated_tokens_rejects_bad_offsets():
    with pytest.raises(ValueError):
        LC.repeated_tokens(np.zeros(4, np.uint8), np.array([0, 5], np.int64), SEP, np.zeros(1, np.uint8))
    with pytest.raises(ValueError):
        LC.repeated_tokens(np.zeros(4, np.uint8), np.array([3, 1], np.int64), SEP, np.zeros(1, np.uint8))
