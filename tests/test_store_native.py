"""The re-ingest's native scan (``reviewtools._storecore``) against its numpy path, and the raw-state recipe.

``split_csv`` runs the native pass where it is built; wherever that pass returns nothing the numpy path
(``_split_numpy``) runs and words the reason. These tests hold the two to the same records, block cuts and
verdicts on adversarial bytes, and an ingest with the native pass to the same stored rows and raw state, byte for
byte, as one without it.
"""

from __future__ import annotations

import csv
import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xxhash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import incremental
from reviewtools.incremental import _block_cuts_numpy, _split_numpy, block_cuts, record_hashes, split_csv
from reviewtools.store import ReviewStore

native = pytest.mark.skipif(
    incremental._core is None or os.environ.get(incremental._PURE_PYTHON_ENV, "") not in ("", "0"),
    reason="reviewtools._storecore is not built here, or REVIEWTOOLS_PURE_PYTHON turns it off")

#: Pieces of adversarial CSV: quotes opening, closing and doubled, quote runs of every parity, CR/LF/lone CR,
#: blank and whitespace-only lines, delimiters, a BOM in the middle, and longer runs of plain bytes so that quotes
#: and line feeds fall on every position of the native scan's 16-byte words (and straddle them).
PIECES = [b'"', b'""', b'"""', b'""""', b",", b";", b"\t", b"\n", b"\r\n", b"\r", b" ", b"  \n", b"\x0b", b"x",
          b"ab", b'"x"', b'",', b',"', b'"\n"', b'"\r\n"', b"\xef\xbb\xbf", b"y" * 7, b"z" * 13, b"w" * 16,
          b"v" * 31, b'"' + b"q" * 20 + b'"', b'"a""b"', b"\n\n", b"\xc3\xa9"]


def _same(data: bytes, sep: str, quoting: int, start: int) -> None:
    got = incremental._core.split(data, ord(sep) if quoting != csv.QUOTE_NONE else 0,
                                  int(quoting != csv.QUOTE_NONE), start, incremental.BLOCK_RECORDS)
    ref = _split_numpy(data, sep, quoting, start)
    if isinstance(ref, str):
        assert got is None, (data, ref)
        assert split_csv(data, sep, quoting, start) == ref  # the numpy path words the reason
        return
    assert got is not None, data
    recs = split_csv(data, sep, quoting, start)
    assert recs.cuts is not None
    assert recs.header == ref.header
    assert recs.starts.dtype == ref.starts.dtype == np.int64
    assert recs.starts.tolist() == ref.starts.tolist() and recs.ends.tolist() == ref.ends.tolist()
    assert block_cuts(recs).tolist() == _block_cuts_numpy(ref).tolist()


@native
@settings(max_examples=examples(500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=0, max_size=60), st.sampled_from([",", ";", "\t"]), st.booleans(),
       st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_NONE]))
def test_native_split_equals_numpy_on_adversarial_bytes(parts: list[bytes], sep: str, bom: bool,
                                                        quoting: int) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + b"h1,h2\n" + b"".join(parts)
    _same(data, sep, quoting, 3 if bom else 0)


#: A field of a well-formed export: plain, or quoted with doubled quotes and line breaks inside.
FIELD = st.one_of(
    st.text(st.sampled_from("ab 1é\t"), max_size=20),
    st.text(st.sampled_from('ab ,;"\n\r1é'), max_size=40).map(lambda t: '"' + t.replace('"', '""') + '"'),
)


@native
@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(FIELD, min_size=1, max_size=4), min_size=1, max_size=40), st.sampled_from([",", ";"]),
       st.sampled_from(["\n", "\r\n"]), st.lists(st.integers(0, 40), max_size=3))
def test_native_split_equals_numpy_on_well_formed_exports(rows: list[list[str]], sep: str, eol: str,
                                                          blanks: list[int]) -> None:
    lines = [sep.join(r) for r in rows]
    for at in blanks:  # blank lines, skipped by both
        lines.insert(min(at, len(lines)), "")
    data = ("h1" + sep + "h2" + eol + eol.join(lines) + eol).encode()
    _same(data, sep, csv.QUOTE_MINIMAL, 0)
    if isinstance(_split_numpy(data, sep, csv.QUOTE_MINIMAL, 0), str):
        return
    assert incremental._core.split(data, ord(sep), 1, 0, incremental.BLOCK_RECORDS) is not None


@native
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(min_size=1, max_size=200), st.booleans())  # an empty file never gets here (_prepare)
def test_native_split_equals_numpy_on_any_bytes(data: bytes, quoted: bool) -> None:
    _same(data, ",", csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE, 0)


@native
@pytest.mark.parametrize("data", [
    b"\n", b"a", b'"', b'a\n"', b'a\n""', b'a,b\n1,"x\n', b'a\n1,"2"\r', b'a\n1,"2"\r\n', b"a\r\n\r\n1\r\n",
    b'"a"\n"b"', b'a\n"last field opens"', b'a,"b\n\n"\n1,2', b"a\n \t\n", b"a\n \x0bx\n", b" a\n1\n",
])
def test_native_split_edges(data: bytes) -> None:
    for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_NONE):
        _same(data, ",", quoting, 0)


@native
def test_native_split_of_a_larger_export_and_its_cuts() -> None:
    rng = np.random.default_rng(3)
    texts = ['plain text', 'a "quoted", text', 'two\nlines', 'crlf\r\ninside', '', '""']
    rows = [f'R{i},{rng.integers(1, 6)},"{texts[i % len(texts)].replace(chr(34), chr(34) * 2)}"' for i in range(3000)]
    data = ("id,rating,text\r\n" + "\r\n".join(rows) + "\r\n").encode()
    _same(data, ",", csv.QUOTE_MINIMAL, 0)
    assert len(split_csv(data, ",", csv.QUOTE_MINIMAL)) == 3000


def test_record_hashes_are_xxh3_64_of_the_bytes_with_the_seed() -> None:
    recs = split_csv(b"a\nx\ny,\"z\"\n", ",", csv.QUOTE_MINIMAL)
    want = [xxhash.xxh3_64_intdigest(b, incremental._RAW_SEED) for b in (b"x", b'y,"z"')]
    assert record_hashes(recs).view(np.uint64).tolist() == want


def _export(path: Path, n: int, edit: int = 0) -> Path:
    rows = pd.DataFrame({
        "review_id": [f"R{i}" for i in range(n)], "rating": [str(1 + i % 5) for i in range(n)],
        "text": [f'Review {i}, "good"\nline two' + (" edited" if i < edit else "") for i in range(n)],
        "created_at": [f"2024-03-{1 + i % 28:02d}" for i in range(n)],
    })
    rows.to_csv(path, index=False)
    return path


def _tables(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("reviews", "review_versions", "raw_state", "raw_state_part")}
    finally:
        con.close()


@native
def test_ingest_without_the_native_scan_stores_the_same_rows_and_state(tmp_path: Path, monkeypatch) -> None:
    exports = [_export(tmp_path / "w1.csv", 400), _export(tmp_path / "w2.csv", 420, edit=9)]
    dbs = []
    for name, core in (("native", incremental._core), ("numpy", None)):
        monkeypatch.setattr(incremental, "_core", core)
        db = tmp_path / f"{name}.db"
        with ReviewStore(db, clock=lambda: pd.Timestamp("2024-06-01", tz="UTC")) as store:
            modes = [store.ingest_file(p).mode for p in exports]
        assert modes == ["full", "incremental"]
        dbs.append(db)
    native_tables, numpy_tables = (_tables(db) for db in dbs)
    for t in native_tables:
        assert native_tables[t] == numpy_tables[t], t


def test_a_state_of_the_previous_recipe_is_rebuilt_once(tmp_path: Path, monkeypatch) -> None:
    path = _export(tmp_path / "w.csv", 50)
    current = incremental.RECIPE
    assert current != "raw4"
    with ReviewStore(tmp_path / "r.db") as store:
        monkeypatch.setattr(incremental, "RECIPE", "raw4")  # a store written before the XXH3 recipe
        assert store.ingest_file(path).mode == "full"
        assert store.ingest_file(path).mode == "incremental"
        monkeypatch.setattr(incremental, "RECIPE", current)
        again = store.ingest_file(path)
        assert (again.mode, again.reason) == ("full", "no raw state for this layout yet")
        assert again.report.unchanged == 50
        later = store.ingest_file(path)
        assert (later.mode, later.reread, later.report.unchanged) == ("incremental", 0, 50)


# ------------------------------------------------------------------------------------------- matching


LINES = [b"a,1", b"b,2", b'c,"x\ny"', b"d,4", b"e,55", b"f,666", b"g,7777", b"h,8", b"i,9", b"j,10"]


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 30), min_size=1, max_size=120),
       st.lists(st.tuples(st.sampled_from(["edit", "insert", "delete", "move", "copy"]), st.integers(0, 200),
                          st.integers(0, 200), st.integers(1, 20)), max_size=6),
       st.sampled_from([1, 2, 3, 16]))
def test_block_assisted_match_equals_counting_every_hash(old_lines: list[int], ops: list[tuple], block: int) -> None:
    """``_match`` (only hashes the block matches do not decide are counted) gives ``_match_all``'s three arrays on
    files with identical copies, edits, insertions, deletions, moved and copied runs of records."""
    from reviewtools.incremental import RH_MULTI, STATE_DTYPE, _hashes, _match, _match_all

    def line(k: int) -> bytes:  # k < 10: one of a few lines (identical copies); else a unique one
        return LINES[k] if k < len(LINES) else b"u%d,%d" % (k, k * 7)

    old = [line(k) for k in old_lines]
    new = list(old)
    for kind, a, b, n in ops:
        a, b = a % (len(new) + 1), b % (len(new) + 1)
        if kind == "edit" and new:
            new[a % len(new)] = b"!" + new[a % len(new)]
        elif kind == "insert":
            new[a:a] = [line(b % 40)] * n
        elif kind == "delete":
            del new[a:a + n]
        elif kind == "move":
            run = new[a:a + n]
            del new[a:a + n]
            new[b % (len(new) + 1):b % (len(new) + 1)] = run
        else:
            new[b:b] = new[a:a + n]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(incremental, "BLOCK_RECORDS", block)
        old_recs = split_csv(b"k,v\n" + b"\n".join(old) + b"\n", ",", csv.QUOTE_MINIMAL)
        new_recs = split_csv(b"k,v\n" + b"\n".join(new) + b"\n", ",", csv.QUOTE_MINIMAL)
        old_rh, old_blocks, _ = _hashes(old_recs, None, None)
        state = np.zeros(len(old_rh), dtype=STATE_DTYPE)
        state["rhash"] = old_rh
        state["flags"] = np.where(pd.Series(old_rh).duplicated(keep=False).to_numpy(), RH_MULTI, 0)
        pairs: list[np.ndarray] = []
        rh, _, _ = _hashes(new_recs, state, old_blocks, pairs)
    assert (rh == record_hashes(new_recs)).all()
    got, want = _match(state, rh, pairs), _match_all(old_rh, rh)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.tolist() == w.tolist()


def test_a_header_only_export_is_ingested_like_the_full_path(tmp_path: Path) -> None:
    """A header without records has no blocks (``block_hashes`` of no cuts raised IndexError before)."""
    from reviewtools.ingest import read_reviews

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"Stars,Review,Date\n")
    with ReviewStore(tmp_path / "inc.db") as inc, ReviewStore(tmp_path / "ref.db") as ref:
        for _ in range(2):
            got = inc.ingest_file(empty)
            res = read_reviews(empty)
            want = ref.ingest(res, source=str(empty))
            assert got.report.as_dict() == want.as_dict() and got.result.files == res.files
        assert got.mode == "incremental"


@pytest.mark.parametrize(("n_values", "n_among", "seed"), [(70_000, 10, 0), (100_000, 5_000, 1), (70_000, 300_000, 2)])
def test_isin_with_its_bitmap_prefilter_equals_numpy(n_values: int, n_among: int, seed: int) -> None:
    from reviewtools.incremental import _isin

    rng = np.random.default_rng(seed)
    values = np.r_[rng.integers(-2**63, 2**63 - 1, n_values - 1000, dtype=np.int64), np.arange(1000) * 4096]
    among = np.r_[rng.integers(-2**63, 2**63 - 1, n_among, dtype=np.int64), values[::97], np.arange(0, 8192, 3)]
    assert _isin(values, among).tolist() == np.isin(values, among).tolist()


@native
def test_pure_python_switch_runs_the_numpy_split(monkeypatch) -> None:
    data = b"a,b\n1,2\n"
    assert split_csv(data, ",", csv.QUOTE_MINIMAL).cuts is not None
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    recs = split_csv(data, ",", csv.QUOTE_MINIMAL)
    assert recs.cuts is None and recs.starts.tolist() == [4]
