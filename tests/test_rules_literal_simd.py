"""The native scans' SSE2 steps (issue 8, tenth session) give the same rows as their byte-at-a-time path.

``_checkcore.literal_rows`` builds, 64 positions at a time, masks of candidate positions (hashed first bytes) and of
word starts, 16 bytes at a time with SSE2 on x86_64; ``ws_literal_rows`` copies 16 bytes at a time when they are
printable ASCII without a run of spaces. ``-DCHECKCORE_NO_SIMD`` builds the same source without SSE2: that build,
the installed module and the byte-wise definitions (``test_rules_literal._reference``,
``rules._ws_rows_reference``) are compared here with a literal or a whitespace run at every offset of rows of
0-140 bytes (the 15/16/17-byte and 63/64/65-byte edges, rows shorter than 16 bytes, the three-byte tail),
next to non-ASCII bytes, NUL and other whitespace.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sysconfig
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from reviewtools import rules as R
from reviewtools.rules import load_rules
from test_rules_literal import _reference

CORE = R._literal_core()
SOURCE = Path(R.__file__).with_name("_checkcore.c")
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "ws_literal_rows"),
                                reason="reviewtools._checkcore is not built (or pure Python asked)")


@pytest.fixture(scope="module")
def scalar(tmp_path_factory):
    """``_checkcore`` built from the source with ``-DCHECKCORE_NO_SIMD`` (skipped without a C compiler)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    include = sysconfig.get_paths()["include"]
    if cc is None or not SOURCE.exists() or not Path(include, "Python.h").exists():
        pytest.skip("no C compiler, _checkcore.c or Python.h")
    out = tmp_path_factory.mktemp("scalar") / ("_checkcore" + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-DCHECKCORE_NO_SIMD", f"-I{include}", str(SOURCE), "-o",
                    str(out)], check=True, capture_output=True)
    spec = importlib.util.spec_from_file_location("_checkcore", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _literal_rows(core, rows: list[bytes], lits: list[tuple[bytes, int]], edges: list[bytes],
                  bits: list[int] | None = None) -> list[int]:
    """literal_rows of ``core``: bit k for literal k, or ``bits[k]``."""
    bits = [1 << k for k in range(len(lits))] if bits is None else bits
    data = np.frombuffer(b"".join(rows) or b"\x00", dtype=np.uint8)
    offsets = np.cumsum([0] + [len(r) for r in rows]).astype(np.int64)
    out = np.zeros(len(rows), dtype=np.uint64)
    core.literal_rows(data, offsets, b"".join(x for x, _ in lits), np.asarray([len(x) for x, _ in lits], np.int32),
                      np.asarray(bits, dtype=np.uint64), np.asarray([c for _, c in lits], np.int8), b"".join(edges),
                      out)
    return out.tolist()


#: Literals of every kind the scan sorts: 1-2 bytes with and without a class, 3 bytes, 4+ bytes, a common
#: prefix, non-ASCII bytes, a literal that starts with a space.
LITERALS = [(b"=", -1), (b"zq", -1), (b"f", 0), (b"ck", 0), (b"b", 1), (b"fuk", -1), (b"box", 0), (b"://", -1),
            (b"store", -1), (b"store", 0), (b"book", 1), (b"not received", -1), (b"caf\xc3\xa9", -1),
            (b" the end", -1), (b"amazon", 0), (b"x\x00y", -1)]
#: Bytes around them: letters that extend or cut a word, digits, "_", non-ASCII (both halves of a character),
#: NUL, spaces and newlines.
#: The bytes at the ends of the ranges the SSE2 word-start test compares with.
EDGE_BYTES = b"/09:@AZ[`az{\x7f\x80\xc3\xff"
FILL = b"ab ze7_\xc3\xa9.\x00\n-kstorbo"


def _rows_with(lit: bytes, lengths=range(0, 141)) -> list[bytes]:
    """Rows of every length in ``lengths`` made of FILL, with ``lit`` at offsets 0, 1, ... (step 1 up to 20, then
    around the 16- and 64-byte edges and the row's end)."""
    rng = np.random.default_rng(len(lit))
    rows = []
    for n in lengths:
        fill = bytes(rng.choice(np.frombuffer(FILL, dtype=np.uint8), size=n))
        rows.append(fill)
        offsets = set(range(min(n, 20))) | {o for e in (15, 16, 17, 31, 32, 33, 63, 64, 65, 66, 67, 68, 127, 128)
                                            for o in (e - 1, e, e + 1) if o <= n}
        offsets |= {max(0, n - len(lit) - d) for d in range(4)}
        rows.extend(fill[:o] + lit + fill[o:] for o in sorted(offsets))
    return rows


@needs_core
@pytest.mark.parametrize("lit", sorted({x for x, _ in LITERALS}))
def test_literal_rows_at_every_offset(scalar, lit):
    edges = [bytes(R._LITERAL_EDGES[0][1]), bytes(int(c in b" \n.-") for c in range(256))]
    rows = _rows_with(lit, range(0, 141, 3))
    want = _reference(rows, LITERALS, edges)
    assert _literal_rows(CORE, rows, LITERALS, edges) == want
    assert _literal_rows(scalar, rows, LITERALS, edges) == want


@needs_core
@pytest.mark.parametrize("lit", sorted({x for x, _ in LITERALS}))
def test_literal_rows_word_edges(scalar, lit):
    """Each literal after and before each byte at the ends of the ASCII letter and digit ranges (and a space,
    non-ASCII bytes), at every offset of rows up to 200 bytes of letters or of spaces: every word-start bit of
    the 64-position masks."""
    edges = [bytes(R._LITERAL_EDGES[0][1]), bytes(int(c in b" \n.-:[{\x7f\x80\xff") for c in range(256))]
    rows = [fill * o + left + lit + right + fill * (200 - o)
            for o in range(0, 200) for fill in (b"a", b" ")
            for left, right in [(b"", b"")] + [(bytes([c]), b" ") for c in EDGE_BYTES] + [(b" ", b"q"), (b"-", b"0")]]
    want = _fast_reference(rows, LITERALS, edges)
    assert _literal_rows(CORE, rows, LITERALS, edges) == want
    assert _literal_rows(scalar, rows, LITERALS, edges) == want


@needs_core
def test_literal_rows_default_plans(scalar):
    """The literal sets of the default rules on rows with their literals at the 16/64-byte edges."""
    plans = {p: R._scan_plan(rules, ()) for p, rules in R._rules_per_platform(load_rules()).items()}
    pats = sorted({pat for plan in plans.values() for pats in plan.values() for pat in pats
                   if R._literal_form(pat) is not None})[:64]
    lits, bits = [], []
    for i, pat in enumerate(pats):
        words, cls = R._literal_form(pat)
        lits += [(w.encode(), cls) for w in words]
        bits += [1 << i] * len(words)
    edges = [bytes(e) for _, e in R._LITERAL_EDGES]
    words = sorted({x for x, _ in lits})[::25]
    rows = [r for w in words for r in _rows_with(w, (0, 15, 16, 17, 63, 64, 65))]
    got, got_scalar = _literal_rows(CORE, rows, lits, edges, bits), _literal_rows(scalar, rows, lits, edges, bits)
    assert got == got_scalar
    want = [int(np.bitwise_or.reduce([bits[k] for k in range(len(lits)) if found >> k & 1] or [0]))
            for found in _fast_reference(rows, lits, edges)]
    assert got == want
    assert len(lits) > 500 and any(got)


def _fast_reference(rows: list[bytes], lits: list[tuple[bytes, int]], edges: list[bytes]) -> list[int]:
    """test_rules_literal._reference by bytes.find (the same definition, fast enough for ~1,500 literals)."""
    out = []
    for row in rows:
        found = 0
        for k, (lit, cls) in enumerate(lits):
            i = row.find(lit)
            while i >= 0:
                if cls < 0 or ((i == 0 or edges[cls][row[i - 1]])
                               and (i + len(lit) == len(row) or edges[cls][row[i + len(lit)]])):
                    found |= 1 << k
                    break
                i = row.find(lit, i + 1)
        out.append(found)
    return out


MATCHERS = tuple(dict.fromkeys(m for rules in R._rules_per_platform(load_rules()).values()
                               for m, _ in R._scan_plan(rules, ()).ws))


def _ws_native(core, lowered: list[str]) -> dict:
    blob, lens, words, bits, nwords, req, alt_bits, order = R._ws_plan(MATCHERS)
    data, offsets = R._arrow_bytes(pa.array(lowered, type=pa.large_string()))
    out = np.zeros(len(lowered), dtype=np.uint64)
    core.ws_literal_rows(data, offsets, np.arange(len(lowered), dtype=np.int64), blob, lens, words, bits, nwords,
                         req, alt_bits, out)
    return {m: ((out & np.uint64(1 << k)) != 0).tolist() for k, m in enumerate(order)}


#: Whitespace runs and near misses: ASCII and non-ASCII whitespace (U+00A0, U+2009, U+3000), NUL, a non-ASCII
#: letter, a control byte that is not whitespace.
GAPS = (" ", "  ", "   ", "\t", " \n ", "\xa0", " \u2009", "\u3000 ", "\x00", "é", "\x08", "  " * 9)


@needs_core
def test_ws_literal_rows_runs_at_every_offset(scalar):
    """A phrase of the default rules with its gaps made of every run in GAPS, after 0-40 bytes of ASCII text
    with single spaces, so the runs fall at every place of the 16-byte copies; and the bare runs in rows of
    0-40 bytes."""
    phrases = ["i am the seller", "cheaper at walmart", "kill yourself", "i'll find you", "not received"]
    rows = []
    for k, phrase in enumerate(phrases):
        for gap in GAPS:
            text = gap.join(phrase.split(" "))
            words = phrase.split(" ")
            for lead in range(0, 41):
                pad = ("ab cd efgh ij kl" * 3)[:lead]
                rows.append(pad + text)
                rows.append(pad + gap + text + gap * (lead % 3))
                for w in range(1, len(words)):  # one gap of the run, the others single spaces
                    rows.append(pad + " ".join(words[:w]) + gap + " ".join(words[w:]))
    rows += [("x" * n) + g for n in range(0, 41) for g in GAPS] + ["", " ", "\x00"]
    want = {m: R._ws_rows_reference(rows, m).tolist() for m in MATCHERS}
    assert _ws_native(CORE, rows) == want
    assert _ws_native(scalar, rows) == want
    assert any(any(v) for v in want.values())
