"""Incremental re-ingest: parse only the records of an export that are new since the last ingest of its layout.

A daily or weekly export repeats almost every review of the one before. :func:`ingest_file` (also
:meth:`reviewtools.store.ReviewStore.ingest_file`) splits a CSV/TSV export into its raw records without parsing
them, hashes each record's bytes, and compares the hashes with those the store kept from the last ingest of the
same *layout* (migration ``004_raw_state.sql``). Records seen before are counted unchanged without being parsed;
only the others go through :func:`reviewtools.ingest.read_reviews`'s own reading and normalisation (its
``_read_csv``, ``_map_file`` and ``_duplicates``, run on a small CSV of the header and those records), so what is
stored is what the full path stores.

What makes the result identical to ``store.ingest(read_reviews(path, ...))`` (tests compare the two):

* **The layout** is a hash of everything that decides how a record is read: the header bytes, encoding,
  delimiter and quoting, the forced or detected format, ``column_map``, ``platform``, ``rating_scale``, the
  reviewtools and pandas versions, and the file name when the format reads fields from it. Another layout (a
  changed column order, another ``--map``) has no state, so the whole file is read (and its state kept).
* **File-wide decisions** (the rating scale inferred from the bare numbers, day-first or month-first slash dates,
  UTF-8 or cp1252) are recomputed for the whole file from per-record flags kept in the state; when they differ
  from the last ingest's, or the re-read records alone would decide differently, the whole file is read.
* **Duplicates** (the same review id, or the same author, date, title and text) are resolved over the re-read
  records, which always include every record that took part in a duplicate last time and every unchanged
  record whose review id or duplicate key a re-read record repeats.
* **Rejected rows are always re-read** (they are few): a row rejected last time and unchanged is rejected again
  with the same reason and counted in the report and the rejects frame, exactly as on the full path.
* **Unchanged records are trusted only while the store still holds what they became**: when another ingest ran
  since the state was kept, each unchanged record's review is checked (same fingerprint, not marked possibly
  removed) and re-read otherwise.
* ``full_export=True`` marks missing reviews over the whole export: the unchanged records' review ids are in the
  state, and their products and dates are read from the store.

The whole file is read (and the reason logged) when the export is not a plain CSV/TSV (JSON, JSONL, Excel,
Parquet, gzip), is UTF-16, has a quote character inside an unquoted field, a lone carriage return as a line end,
a whitespace-only line, or an unbalanced quote; then the records cannot be split without parsing.

>>> import tempfile, pathlib
>>> from reviewtools.store import ReviewStore
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "week1.csv").write_text("Stars,Review,Date\\n5,Great,2024-01-15\\n2,Broke,2024-01-16\\n")
>>> _ = (d / "week2.csv").write_text("Stars,Review,Date\\n5,Great,2024-01-15\\n1,Broke!,2024-01-16\\n")
>>> with ReviewStore(d / "r.db") as store:
...     first = ingest_file(store, d / "week1.csv")
...     again = ingest_file(store, d / "week2.csv")
>>> (first.report.new, again.report.new, again.report.unchanged, again.reread, again.mode)
(2, 1, 1, 1, 'incremental')
"""

from __future__ import annotations

import csv
import hashlib
import json
import io
import logging
import mmap
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import xxhash

from . import __version__, schema
from .errors import IngestError
from .formats import Format, detect_format, get_format
from .ingest import (
    FileReport,
    IngestResult,
    REJECT_COLUMNS,
    _bool,
    _duplicates,
    _encoding,
    _field_values,
    _floats,
    _map_file,
    _open,
    _Raw,
    _read_csv,
    _resolve_columns,
    csv_dialect,
    read_reviews,
)

if TYPE_CHECKING:  # pragma: no cover
    from .store import IngestReport, ReviewStore

log = logging.getLogger(__name__)

#: Version of ``reviewtools/_storecore.c`` this module was written against (its ``STORECORE_VERSION``).
_CORE_VERSION: Final[int] = 1
try:  # the optional native scan (split and block cuts in one pass); the numpy path gives the same records
    from . import _storecore as _core

    if getattr(_core, "VERSION", None) != _CORE_VERSION:  # a stale build: never trust it
        _core = None
except ImportError:  # pragma: no cover - not compiled here
    _core = None
#: Set to 1 to run the numpy path instead (the same variable as ``reviewtools.vader.PURE_PYTHON_ENV``).
_PURE_PYTHON_ENV: Final[str] = "REVIEWTOOLS_PURE_PYTHON"

#: Version of the raw-state recipe (record split, hashes, flags). A new recipe never matches an old state.
RECIPE: Final[str] = "raw6"  # raw6: RH_MULTI kept; raw5: XXH3 record and block hashes (raw4: BLAKE2b, SHA-1)
#: Seed of a raw record's hash (XXH3-64, ``xxhash.xxh3_64``): any fixed value; a new one needs a new ``RECIPE``.
_RAW_SEED: Final[int] = 0x7265766965777231  # b"reviewr1"
#: One raw record in the stored state (packed little-endian arrays in ``raw_state_part``, migration 005).
STATE_DTYPE: Final[np.dtype] = np.dtype([
    ("rhash", "<i8"),    # XXH3-64 of the record's bytes (``record_hashes``)
    ("pk", "<i8"),       # reviews.id it became (kept records), else 0
    ("fp", "<i8"),       # that review's fingerprint when stored (reviewtools.store._fingerprints)
    ("dhash", "<i8"),    # hash of the duplicate key (platform, author, date, title, text); 0 when not keyed
    ("created", "<i8"),  # created_at in microseconds since the epoch (kept records)
    ("product", "<i8"),  # hash of product_id, 0 when null (kept records)
    ("flags", "<i8"),    # the bits below
    ("group", "<i8"),    # duplicate group (records sharing a review id or duplicate key), 0 when none
])


def _rows(entries: np.ndarray) -> np.ndarray:
    """A ``STATE_DTYPE`` array seen as an ``(n, 8)`` int64 matrix (the same memory): numpy gathers and scatters
    whole rows of a plain matrix several times faster than records of a structured dtype (990,000 records: 0.012 s
    against 0.055 s), with the same bytes.

    >>> e = np.zeros(3, STATE_DTYPE); e["pk"] = [7, 8, 9]
    >>> _records(_rows(e)[[2, 0]])["pk"].tolist()
    [9, 7]
    """
    if entries.dtype != STATE_DTYPE or not entries.flags.c_contiguous:  # a copy would lose what is written to it
        raise ValueError("expected a contiguous STATE_DTYPE array")
    return entries.view(np.int64).reshape(-1, _ROW_WIDTH)


def _records(rows: np.ndarray) -> np.ndarray:
    """The inverse of :func:`_rows`: an ``(n, 8)`` int64 matrix as ``STATE_DTYPE`` records."""
    return np.ascontiguousarray(rows).view(STATE_DTYPE).reshape(-1)


#: Fields of a state record; every one is a little-endian int64 (checked), so a record is a row of a matrix.
_ROW_WIDTH: Final[int] = len(STATE_DTYPE.names)
if STATE_DTYPE.itemsize != 8 * _ROW_WIDTH or any(STATE_DTYPE.fields[f][0] != np.dtype("<i8")
                                                  for f in STATE_DTYPE.names):
    raise RuntimeError("STATE_DTYPE must be all int64 fields without padding")


KEPT: Final[int] = 1 << 0
REJECTED: Final[int] = 1 << 1
DUPLICATE: Final[int] = 1 << 2
#: The record's review id or duplicate key is shared with another record of the file (its ``group``): the
#: group is re-read whenever one of its records is new, changed, gone or moved relative to the others.
IN_GROUP: Final[int] = 1 << 3
#: A duplicate whose content differed from the version kept (``FileReport.conflicting_duplicates``).
CONFLICT: Final[int] = 1 << 12
#: The record's hash occurs more than once in its file (identical copies of a record): a re-ingest matches the
#: other records of unchanged blocks to their old positions without counting every hash of the file again
#: (:func:`_match`).
RH_MULTI: Final[int] = 1 << 13
#: Inputs of ``ingest.infer_rating_scale`` (the rating is a bare number; above 5; above 10; zero).
R_NUM: Final[int] = 1 << 4
R_GT5: Final[int] = 1 << 5
R_GT10: Final[int] = 1 << 6
R_ZERO: Final[int] = 1 << 7
#: Inputs of ``ingest._slash_formats`` (a d/m/y date whose first, second number is above 12; any slash date).
D_SLASH: Final[int] = 1 << 8
D_A12: Final[int] = 1 << 9
D_B12: Final[int] = 1 << 10
#: The record's bytes are not valid UTF-8 (only tracked for cp1252 files).
NOT_UTF8: Final[int] = 1 << 11
#: The slash-date pattern ``ingest._slash_formats`` reads (kept in step with it; tests compare the decisions).
_SLASH = r"^\s*(\d{1,2})/(\d{1,2})/\d{2,4}"
#: States kept per layout (one per source file name; about 64 bytes a record each); older ones are dropped. More
#: than one serves exports of one layout ingested in turn (one file per product or marketplace).
STATES_PER_LAYOUT: Final[int] = 3
#: A state's delta (migration 005) is written as a new base once its bytes exceed this share of the base's: each
#: re-ingest then writes about its own changes (plus the earlier ones since the base), and a load applies one delta.
DELTA_REBASE_SHARE: Final[float] = 0.25
#: Encodings whose bytes can be split into records at LF bytes.
_SPLITTABLE: Final[tuple[str, ...]] = ("utf-8", "utf-8-sig", "cp1252")
#: Bytes of the file start passed to ``ingest._encoding`` for its binary check and BOM/UTF-16 detection.
_HEAD_BYTES: Final[int] = 65536 * 4


@dataclass(frozen=True)
class FileIngest:
    """What :func:`ingest_file` did.

    ``report`` is the store's :class:`~reviewtools.store.IngestReport`. ``result`` is the file's
    :class:`~reviewtools.ingest.IngestResult`: its ``rejects`` and ``files`` report are the whole file's (as
    ``read_reviews`` gives them), but on the incremental path ``reviews`` holds only the re-read rows (pass
    ``incremental=False`` for the whole frame). ``mode`` is ``"incremental"`` or ``"full"``, ``reason`` says why
    the whole file was read, ``reread`` counts the records that were parsed.
    """

    report: IngestReport
    result: IngestResult
    mode: str
    reason: str
    reread: int


# ------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class CsvRecords:
    """A CSV/TSV file split into raw records: ``header`` is ``(start, end)``, data record ``i`` is
    ``data[starts[i]:ends[i]]`` (line feed excluded, a ``\\r`` before it kept). Blank lines are left out, as the
    parser skips them, so record ``i`` is source row ``i + 1``. ``cuts`` are :func:`block_cuts` of these records
    when the native scan computed them with the split (None otherwise)."""

    data: bytes
    header: tuple[int, int]
    starts: np.ndarray
    ends: np.ndarray
    cuts: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def subset(self, idx: np.ndarray) -> bytes:
        """The header and the records ``idx`` (ascending) as one small CSV of the same dialect."""
        mv = memoryview(self.data)
        a, b = self.header
        parts = [mv[a:b]]
        parts += [mv[s:e] for s, e in zip(self.starts[idx].tolist(), self.ends[idx].tolist())]
        return b"\n".join(parts) + b"\n"


def split_csv(data: bytes, sep: str, quoting: int, start: int = 0) -> CsvRecords | str:
    """Split CSV bytes into records at the line feeds outside quoted fields, without parsing them.

    Returns the records, or a string saying why the file cannot be split this way (then it is read whole).
    A record boundary is a line feed preceded by an even number of quote characters, which is where pandas' C
    parser ends a record as long as every quote opens a field (after a delimiter or a line start) or closes one
    (before a delimiter or a line end); a quote elsewhere, a lone ``\\r`` line end outside quotes, a
    whitespace-only line or an unbalanced quote returns the reason instead. ``start`` skips a byte-order mark.

    >>> recs = split_csv(b'a,b\\n1,"x\\ny"\\n\\n2,z\\n', ",", csv.QUOTE_MINIMAL)
    >>> [recs.data[s:e] for s, e in zip(recs.starts, recs.ends)]
    [b'1,"x\\ny"', b'2,z']
    >>> split_csv(b'a,b\\n1,5" by 3" screen\\n', ",", csv.QUOTE_MINIMAL)
    'a quote character inside an unquoted field (byte 7)'

    Where ``reviewtools._storecore`` is built, one native pass over the bytes splits the file (and computes the
    block cuts); it returns nothing where the numpy path (:func:`_split_numpy`) would give a reason, and that path
    then words it. Both give the same records (tests compare them on adversarial bytes).
    """
    quoted = quoting != csv.QUOTE_NONE
    if quoted and (len(sep) != 1 or ord(sep) > 127):
        return f"delimiter {sep!r} is not a single ASCII character"
    if _core is not None and os.environ.get(_PURE_PYTHON_ENV, "") in ("", "0"):
        got = _core.split(data, ord(sep) if quoted else 0, int(quoted), start, BLOCK_RECORDS)
        if got is not None:
            hs, he, starts, ends, cuts = got
            return CsvRecords(data, (hs, he), np.frombuffer(starts, dtype=np.int64),
                              np.frombuffer(ends, dtype=np.int64), np.frombuffer(cuts, dtype=np.int64))
    return _split_numpy(data, sep, quoting, start)


def _split_numpy(data: bytes, sep: str, quoting: int, start: int = 0) -> CsvRecords | str:
    """:func:`split_csv` with numpy passes (the reference and the fallback of the native scan).

    >>> _split_numpy(b'a\\n"x\\n"\\n', ",", csv.QUOTE_MINIMAL).starts.tolist()
    [2]
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    size = len(arr)
    if quoting == csv.QUOTE_NONE:
        q = np.zeros(0, dtype=np.int64)
        boundaries = nl = _positions(arr, (10,))
    else:
        if len(sep) != 1 or ord(sep) > 127:
            return f"delimiter {sep!r} is not a single ASCII character"
        special = _positions(arr, (10, 34))
        is_nl = arr[special] == 10
        nl_at = np.flatnonzero(is_nl)  # a line feed's index in ``special``
        nl, q = special[nl_at], special[~is_nl]
        if len(q) % 2:
            return "an unbalanced quote character"
        if len(q):
            brk = np.empty(len(q), dtype=bool)
            brk[0] = True
            np.not_equal(np.diff(q), 1, out=brk[1:])
            run_first = np.flatnonzero(brk)
            run_end = np.empty_like(run_first)
            run_end[:-1] = run_first[1:]
            run_end[-1] = len(q)
            first_pos, last_pos = q[run_first], q[run_end - 1]
            d = ord(sep)
            prev = arr[np.maximum(first_pos - 1, 0)]
            opens = ((run_first & 1) == 0) & (first_pos != start) & (prev != d) & (prev != 10) & (prev != 13)
            nxt = arr[np.minimum(last_pos + 1, size - 1)]
            closes = ((run_end & 1) == 0) & (last_pos != size - 1) & (nxt != d) & (nxt != 10) & (nxt != 13)
            bad = np.flatnonzero(opens | closes)
            if len(bad):
                at = int(first_pos[bad[0]]) if opens[bad[0]] else int(last_pos[bad[0]])
                return f"a quote character inside an unquoted field (byte {at})"
        # the quotes before the k-th line feed are its index in ``special`` minus k: even (the same low bit) ends
        # a record
        nl_at ^= np.arange(len(nl_at))
        boundaries = nl[(nl_at & 1) == 0]
    if data.find(b"\r") >= 0:
        cr = _positions(arr, (13,))
        lone = cr[(cr == size - 1) | (arr[np.minimum(cr + 1, size - 1)] != 10)]
        if len(lone) and (np.searchsorted(q, lone) % 2 == 0).any():
            return "a carriage return without a line feed ends a line"
    starts = np.r_[start, boundaries + 1].astype(np.int64)
    ends = np.r_[boundaries, size].astype(np.int64)
    length = ends - starts
    last = arr[np.maximum(ends - 1, 0)]
    blank = (length == 0) | ((length == 1) & (last == 13))
    first = arr[np.minimum(starts, size - 1)]
    for i in np.flatnonzero(~blank & ((first == 32) | (first == 9))).tolist():
        if not data[starts[i]:ends[i]].strip():
            return f"a whitespace-only line (byte {int(starts[i])})"
    keep = np.flatnonzero(~blank)
    if not len(keep):
        return "no header row"
    h = keep[0]
    return CsvRecords(data, (int(starts[h]), int(ends[h])), starts[keep[1:]], ends[keep[1:]])


#: Bytes compared per numpy pass when locating line feeds and quotes (a few MiB stay in the CPU caches).
_SCAN_BYTES: Final[int] = 1 << 22


def _positions(arr: np.ndarray, values: tuple[int, ...]) -> np.ndarray:
    """Ascending positions of the bytes ``values`` in ``arr``, scanned in cache-sized slices."""
    out = []
    for a in range(0, len(arr), _SCAN_BYTES):
        part = arr[a:a + _SCAN_BYTES]
        mask = part == values[0]
        for v in values[1:]:
            mask |= part == v
        out.append(np.flatnonzero(mask) + a)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def record_hashes(records: CsvRecords) -> np.ndarray:
    """XXH3-64 (seeded with ``_RAW_SEED``) of each record's bytes, as int64 (the unsigned value's bits).

    XXH3 (the ``xxhash`` package) hashes a typical 500-byte record in about a third of BLAKE2b-64's time with
    ``hashlib`` (142,000 records: 0.06 against 0.14 CPU s); only accidental equality matters (see :func:`_hashes`).

    >>> recs = split_csv(b"a\\n1\\n2\\n1\\n", ",", csv.QUOTE_MINIMAL)
    >>> h = record_hashes(recs); bool(h[0] == h[2]), bool(h[0] == h[1])
    (True, False)
    """
    mv = memoryview(records.data)
    digest, seed = xxhash.xxh3_64_intdigest, _RAW_SEED
    out = [digest(mv[a:b], seed) for a, b in zip(records.starts.tolist(), records.ends.tolist())]
    return np.array(out, dtype=np.uint64).view(np.int64)


#: Seed of every block's hash (:func:`block_hashes`: XXH3-128 of the block's bytes; a new seed needs a new
#: ``RECIPE``). Only accidental equality matters here (the same export's bytes), and XXH3 runs at memory speed:
#: the 1M export's 500 MB of blocks in 0.035 CPU s against 0.28 for SHA-1 (``raw4``) on our machine.
_BLOCK_SEED: Final[int] = 0x7265766965776232  # b"reviewb2"
#: Average records per block: a block ends after a record whose length and last bytes hash to 0 modulo this
#: (content-defined, so an edited, inserted or dropped record moves only the cuts beside it). A re-ingest hashes
#: each block in one call and each record only in blocks it has not seen: with 1% of the records changed, about
#: 1 - 0.99**16 = 15% of them; the state keeps 32 bytes a block.
BLOCK_RECORDS: Final[int] = 16
#: One block in the kept state (``raw_state.blocks``, migration 007): a 128-bit hash of its bytes, its record
#: count, and the wrapping sum of its records' hashes (checked against the state's records before it is trusted).
BLOCK_DTYPE: Final[np.dtype] = np.dtype([("h1", "<i8"), ("h2", "<i8"), ("count", "<i8"), ("rsum", "<i8")])


def block_cuts(records: CsvRecords) -> np.ndarray:
    """Positions one past each block's last record (ascending, the last is ``len(records)``): ``records.cuts``
    when the native scan computed them with the split, else :func:`_block_cuts_numpy`'s (the same values).

    >>> recs = split_csv(b"a\\n" + b"".join(b"%d\\n" % i for i in range(100)), ",", csv.QUOTE_MINIMAL)
    >>> cuts = block_cuts(recs); int(cuts[-1]), bool((np.diff(cuts) > 0).all())
    (100, True)
    """
    if records.cuts is not None:
        return records.cuts
    return _block_cuts_numpy(records)


def _block_cuts_numpy(records: CsvRecords) -> np.ndarray:
    """:func:`block_cuts` with numpy: a block ends after a record whose key (its length and last four bytes, or
    its first ones when shorter, mixed with wrapping uint64 multiplications) is 0 modulo ``BLOCK_RECORDS``."""
    n = len(records)
    if not n:
        return np.zeros(0, dtype=np.int64)
    arr = np.frombuffer(records.data, dtype=np.uint8)
    starts, ends = records.starts, records.ends
    key = (ends - starts).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for k in range(1, 5):  # the record's last four bytes (its first ones when shorter)
        at = np.maximum(ends - k, starts)
        b = np.where(ends > starts, arr[np.minimum(at, len(arr) - 1)], 0).astype(np.uint64)
        key = (key ^ (b << np.uint64(8 * k))) * np.uint64(0xBF58476D1CE4E5B9)
    key ^= key >> np.uint64(31)
    cut = np.flatnonzero(key % np.uint64(BLOCK_RECORDS) == 0) + 1
    return np.unique(np.r_[cut, n]).astype(np.int64)


def block_hashes(records: CsvRecords, cuts: np.ndarray) -> np.ndarray:
    """``BLOCK_DTYPE`` per block: XXH3-128 (seeded with ``_BLOCK_SEED``, its digest as two int64 lanes) of the
    bytes from its first record's start to its last record's end (the line breaks between them included), and its
    record count (``rsum`` is left 0: :func:`_hashes` fills it in once the records' hashes are known).

    >>> recs = split_csv(b"a\\nx\\ny\\nx\\ny\\n", ",", csv.QUOTE_MINIMAL)
    >>> b = block_hashes(recs, np.array([2, 4])); b["count"].tolist(), bool(b["h1"][0] == b["h1"][1])
    ([2, 2], True)
    """
    out = np.zeros(len(cuts), dtype=BLOCK_DTYPE)
    if not len(cuts):  # a header without records
        return out
    mv = memoryview(records.data)
    first = np.r_[0, cuts[:-1]].astype(np.int64)
    digest, seed = xxhash.xxh3_128_digest, _BLOCK_SEED
    digests = [digest(mv[a:b], seed) for a, b in zip(records.starts[first].tolist(), records.ends[cuts - 1].tolist())]
    lanes = np.frombuffer(b"".join(digests), dtype="<i8").reshape(-1, 2)
    out["h1"], out["h2"], out["count"] = lanes[:, 0], lanes[:, 1], cuts - first
    return out


def _hashes(records: CsvRecords, old: np.ndarray | None, old_blocks: np.ndarray | None,
            pairs: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Each record's hash (:func:`record_hashes`' values) and the file's blocks; the records of a block whose
    128-bit hash and record count equal a block of the last state take that block's records' hashes (the same
    bytes: the same records), the others are hashed one by one. Returns (hashes, blocks, records hashed).

    A changed block is taken for an unchanged one only if two different byte strings share their 128-bit XXH3
    digests. XXH3 is not a cryptographic hash (a collision can be constructed on purpose, which an export of one's
    own reviews has no reason to do); by accident, for a hash that passes SMHasher's distribution tests as XXH3-128
    does, at most about (new blocks x old blocks) / 2**128 per ingest, about 1e-29 for a million records. A changed
    record is taken for a seen one (then counted unchanged) with probability about (changed x old records) / 2**64
    through its 64-bit hash: about 5e-10 for 10,000 changed among a million.

    ``pairs``, when given, receives the positions of the records taken from matched blocks and their positions in
    the last state (:func:`_match` uses them).
    """
    cuts = block_cuts(records)
    blocks = block_hashes(records, cuts)
    new_first = np.r_[0, cuts[:-1]].astype(np.int64)

    def done(rh: np.ndarray, hashed: int) -> tuple[np.ndarray, np.ndarray, int]:
        if len(blocks):
            blocks["rsum"] = np.add.reduceat(rh.view(np.uint64), new_first).view(np.int64)
        return rh, blocks, hashed

    if old is None or old_blocks is None or not len(old_blocks) or not len(blocks):
        return done(record_hashes(records), len(records))
    codes, uniq = pd.factorize(np.concatenate([old_blocks["h1"], blocks["h1"]]))
    c_old, c_new = codes[:len(old_blocks)], codes[len(old_blocks):]
    first_old = np.full(len(uniq), -1, dtype=np.int64)
    first_old[c_old[::-1]] = np.arange(len(old_blocks) - 1, -1, -1, dtype=np.int64)
    match = first_old[c_new]
    safe = np.maximum(match, 0)
    same = (match >= 0) & (old_blocks["h2"][safe] == blocks["h2"]) & (old_blocks["count"][safe] == blocks["count"])
    old_first = np.cumsum(old_blocks["count"]) - old_blocks["count"]
    if ((old_blocks["count"] <= 0).any() or int(old_first[-1] + old_blocks["count"][-1]) != len(old)
            or (np.add.reduceat(old["rhash"].view(np.uint64), old_first).view(np.int64) != old_blocks["rsum"]).any()):
        log.warning("the kept blocks do not describe the kept records; every record is hashed")
        return done(record_hashes(records), len(records))
    count = blocks["count"][same]
    k = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    seen_new = np.repeat(new_first[same], count) + k
    seen_old = np.repeat(old_first[match[same]], count) + k
    rh = np.zeros(len(records), dtype=np.int64)
    rh[seen_new] = old["rhash"][seen_old]
    if pairs is not None:
        pairs += [seen_new, seen_old]
    todo = np.ones(len(records), dtype=bool)
    todo[seen_new] = False
    idx = np.flatnonzero(todo)
    if len(idx):
        rh[idx] = record_hashes(CsvRecords(records.data, records.header, records.starts[idx], records.ends[idx]))
    return done(rh, len(idx))


def _match_all(old_rh: np.ndarray, rh: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per record of the file (hashes ``rh``): the position of a record of the last state with the same hash
    (``old_rh``; -1 for none), whether its hash occurs as often in both, and whether it occurs more than once in
    the file. A hash seen k > 1 times on both sides pairs the i-th copy now with the i-th copy then, any other
    record takes the first old record with its hash.

    >>> m, same, multi = _match_all(np.array([5, 7, 7, 9]), np.array([7, 5, 7, 8, 9, 9]))
    >>> m.tolist(), same.tolist(), multi.tolist()
    ([1, 0, 2, -1, 3, 3], [True, True, True, False, False, False], [True, False, True, False, True, True])
    """
    codes, uniq = pd.factorize(np.concatenate([old_rh, rh]))
    c_old, c_new = codes[:len(old_rh)], codes[len(old_rh):]
    n_old = np.bincount(c_old, minlength=len(uniq))
    n_new = np.bincount(c_new, minlength=len(uniq))
    first_old = np.full(len(uniq), -1, dtype=np.int64)
    first_old[c_old[::-1]] = np.arange(len(old_rh) - 1, -1, -1, dtype=np.int64)
    match = first_old[c_new]
    now_n = n_new[c_new]
    same_count = now_n == n_old[c_new]
    # identical copies (a hash seen k times on both sides): the i-th copy now is the i-th copy then
    multi = np.flatnonzero((match >= 0) & same_count & (now_n > 1))
    if len(multi):
        o_idx = np.flatnonzero(_isin(c_old, c_new[multi]))
        now = pd.DataFrame({"c": c_new[multi], "j": multi})
        then = pd.DataFrame({"c": c_old[o_idx], "i": o_idx})
        now["r"] = now.groupby("c").cumcount()
        then["r"] = then.groupby("c").cumcount()
        pairs = now.merge(then, on=["c", "r"], how="left")
        match[pairs["j"].to_numpy()] = pairs["i"].to_numpy()
    return match, same_count, now_n > 1


def _match(old: np.ndarray, rh: np.ndarray,
           pairs: list[np.ndarray] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_match_all` of ``old["rhash"]`` and ``rh``, counting only the hashes that can differ from the
    records' block matches (``pairs``: the records of unchanged blocks and their old positions, from
    :func:`_hashes`).

    The block matches that share an old record (identical blocks) are dropped, so the rest pair records one to
    one and preserve hashes. A hash met only in such matched records then occurs equally often on both sides; if
    the last state marks it ``RH_MULTI`` (identical copies) its copies are paired by rank, else it occurs once and
    its record is its block partner. So only the records outside matched blocks, the matched ones whose hash also
    occurs outside them or is marked ``RH_MULTI``, and their partners are counted (in file order, which keeps
    first occurrences and ranks): the same three arrays.
    """
    old_rh = old["rhash"]
    if not pairs:
        return _match_all(old_rh, rh)
    seen_new, seen_old = pairs
    hits = np.bincount(seen_old, minlength=len(old))
    mo = hits == 1
    if len(seen_old) != int(np.count_nonzero(mo)):  # identical blocks matched the same old block: their
        one = mo[seen_old]                          # records are counted (a one-to-one pairing is left)
        seen_new, seen_old = seen_new[one], seen_old[one]
    g_new = np.ones(len(rh), dtype=bool)
    g_new[seen_new] = False
    g_old = ~mo
    outside = np.concatenate([rh[g_new], old_rh[g_old]])
    tied = _isin(rh[seen_new], outside) | ((old["flags"][seen_old] & RH_MULTI) != 0)
    g_new[seen_new[tied]] = True
    g_old[seen_old[tied]] = True
    gn, go = np.flatnonzero(g_new), np.flatnonzero(g_old)
    sub_match, sub_same, sub_multi = _match_all(old_rh[go], rh[gn])
    match = np.full(len(rh), -1, dtype=np.int64)
    match[seen_new] = seen_old
    match[gn] = np.where(sub_match >= 0, go[np.maximum(sub_match, 0)] if len(go) else -1, -1)
    same_count = np.ones(len(rh), dtype=bool)
    same_count[gn] = sub_same
    multi = np.zeros(len(rh), dtype=bool)
    multi[gn] = sub_multi
    return match, same_count, multi


# ------------------------------------------------------------------------------------------- decisions


def _rating_decision(flags: np.ndarray) -> tuple[float, float]:
    """``ingest.infer_rating_scale`` from the per-record flags (same counts, same thresholds)."""
    from .ingest import SCALE_EVIDENCE_SHARE

    nums = int(np.count_nonzero(flags & R_NUM))
    if not nums or int(np.count_nonzero(flags & R_GT5)) / nums < SCALE_EVIDENCE_SHARE:
        return (1.0, 5.0)
    if not (flags & R_GT10).any():
        return (0.0, 10.0) if (flags & R_ZERO).any() else (1.0, 10.0)
    return (0.0, 100.0)


def _slash_decision(flags: np.ndarray) -> bool:
    """Day-first slash dates (``ingest._slash_formats``): a first number above 12 and no second one."""
    return bool((flags & D_A12).any()) and not bool((flags & D_B12).any())


def _field_flags(raw: _Raw, fmt: Format, column_map: Mapping[str, str] | None) -> np.ndarray:
    """Per row of ``raw``: the inputs of the file-wide rating-scale and slash-date decisions."""
    cols = _resolve_columns(raw, fmt, column_map)
    flags = np.zeros(len(raw.frame), dtype=np.int64)
    if "rating" in cols:
        s = _field_values(raw, *cols["rating"]).astype("string").str.strip()
        nums = _floats(s.str.replace(",", ".", regex=False))
        num = ~np.isnan(nums)
        flags |= np.where(num, R_NUM, 0)
        flags |= np.where(num & (nums > 5), R_GT5, 0)
        flags |= np.where(num & (nums > 10), R_GT10, 0)
        flags |= np.where(num & (nums == 0), R_ZERO, 0)
    if "created_at" in cols:
        d = _field_values(raw, *cols["created_at"]).astype("string")
        slash = _bool(d.str.contains("/", regex=False))  # the pattern only on values that can match it
        if slash.any():
            parts = d[slash].str.strip().str.extract(_SLASH)
            a = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            b = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            flags[slash] |= (np.where(~np.isnan(a), D_SLASH, 0) | np.where(a > 12, D_A12, 0)
                             | np.where(b > 12, D_B12, 0))
    return flags


# ------------------------------------------------------------------------------------------- reading


@dataclass
class _Read:
    """The normalised re-read records: canonical rows, rejects, and per-record state entries."""

    reviews: pd.DataFrame        # kept rows, canonical, in file order
    kept_pos: np.ndarray         # index into the re-read records of each kept row
    rejects: pd.DataFrame
    entries: np.ndarray          # STATE_DTYPE per re-read record (pk and fp filled in after the upsert)
    ok_keys: pd.DataFrame        # platform, review_id of every accepted (non-rejected) record
    ok_dhash: np.ndarray         # their duplicate-key hashes (0 = not keyed)
    rows_read: int
    duplicates: int
    conflicting: int
    scale: tuple[float, float] | None


def _dup_hash(frame: pd.DataFrame, author_key: pd.Series) -> np.ndarray:
    """Hash of the author/date/title/text duplicate key ``ingest._duplicates`` compares; 0 where not keyed."""
    keyed = author_key.notna().to_numpy() & (_bool(frame["text"] != "") | frame["title"].notna().to_numpy())
    key = pd.DataFrame({"p": frame["platform"].to_numpy(), "a": author_key.to_numpy(),
                        "d": frame["created_at"].to_numpy(), "t": frame["title"].fillna("").to_numpy(),
                        "x": frame["text"].to_numpy()})
    h = pd.util.hash_pandas_object(key, index=False).to_numpy().view(np.int64)
    return np.where(keyed, h, 0)


def _product_hash(values: pd.Series) -> np.ndarray:
    h = pd.util.hash_array(values.astype("string").fillna("").to_numpy(dtype=object)).view(np.int64)
    return np.where(values.isna().to_numpy(), 0, h)


def _micros(ts: pd.Series) -> np.ndarray:
    return ts.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]").view(np.int64)


def _read_records(recs: CsvRecords, idx: np.ndarray | None, name: str, enc: str, sep: str, quoting: int,
                  fmt: Format, column_map: Mapping[str, str] | None, platform: str | None,
                  rating_scale: tuple[float, float] | None) -> _Read:
    """Parse and normalise the records ``idx`` (all when ``None``) exactly as ``read_reviews`` does a file."""
    full_rows = np.arange(1, len(recs) + 1, dtype=np.int64)
    sub_rows = full_rows if idx is None else full_rows[idx]
    data = bytes(recs.data) if idx is None else recs.subset(idx)
    frame, rows, bad = _read_csv(data, enc, sep, quoting)
    if any(reason.startswith("CSV could not be parsed") for _, _, reason in bad):
        raise _Fallback("the CSV parser stopped on a record")
    if len(rows) + len(bad) != len(sub_rows):
        raise _Fallback(f"{len(sub_rows)} records split, the parser read {len(rows) + len(bad)}")
    pos = rows - 1  # position among the re-read records
    raw = _Raw(name, frame, sub_rows[pos], "csv", enc, [(int(sub_rows[r - 1]), v, why) for r, v, why in bad])
    ok, rej, akey, scale = _map_file(raw, fmt, column_map, platform, rating_scale)
    flags = np.zeros(len(sub_rows), dtype=np.int64)
    flags[pos] = _field_flags(raw, fmt, column_map)
    ok_pos = pos[ok.index.to_numpy()]
    allrows = ok.assign(_file=0).reset_index(drop=True)
    akeys = akey.reset_index(drop=True)
    dup, conflict = _duplicates(allrows, akeys)
    dup_np = dup.to_numpy(dtype=bool)
    dh = _dup_hash(allrows, akeys)
    keys = allrows[["platform", "review_id"]]
    kept = allrows[~dup_np]
    reviews = schema.coerce(kept.drop(columns="_file").reset_index(drop=True))
    schema.validate(reviews)
    rejects = rej.astype({"source_file": "string", "source_row": "Int64", "column": "string", "value": "string",
                          "reason": "string"})[list(REJECT_COLUMNS)]
    # per-record state entries
    entries = np.zeros(len(sub_rows), dtype=STATE_DTYPE)
    status = np.full(len(sub_rows), REJECTED, dtype=np.int64)
    status[ok_pos] = np.where(dup_np, DUPLICATE, KEPT) | np.where(conflict.to_numpy(dtype=bool), CONFLICT, 0)
    group = _groups(pd.util.hash_pandas_object(keys, index=False).to_numpy().view(np.int64), dh)
    status[ok_pos[group != 0]] |= IN_GROUP
    entries["flags"] = flags | status
    entries["dhash"][ok_pos] = dh
    entries["group"][ok_pos] = group
    kept_pos = ok_pos[~dup_np]
    entries["created"][kept_pos] = _micros(reviews["created_at"])
    entries["product"][kept_pos] = _product_hash(reviews["product_id"])
    return _Read(reviews, kept_pos, rejects, entries, keys, dh, len(sub_rows), int(dup_np.sum()),
                 int(conflict.to_numpy(dtype=bool).sum()), scale)


def _groups(key_hash: np.ndarray, dh: np.ndarray) -> np.ndarray:
    """Connected groups of rows sharing a review id (``key_hash``) or a non-zero duplicate-key hash: per row a
    group id (the key hash of the group's first row, never 0), 0 for a row alone.

    >>> _groups(np.array([5, 6, 5, 7, 8]), np.array([0, 9, 0, 9, 0])).tolist()
    [5, 6, 5, 6, 0]
    """
    n = len(key_hash)
    shared = pd.Series(key_hash).duplicated(keep=False).to_numpy() | (
        (dh != 0) & pd.Series(dh).duplicated(keep=False).to_numpy())
    out = np.zeros(n, dtype=np.int64)
    rows = np.flatnonzero(shared)  # only rows that share something can be in a group
    if not len(rows):
        return out
    key_code = pd.factorize(key_hash[rows])[0]
    sub_dh = dh[rows]
    dh_code = np.where(sub_dh != 0, pd.factorize(sub_dh)[0], -1 - np.arange(len(rows)))
    label = np.arange(len(rows), dtype=np.int64)
    while True:  # propagate the smallest row number over both relations until nothing moves
        before = label
        label = pd.Series(label).groupby(key_code).transform("min").to_numpy()
        label = pd.Series(label).groupby(dh_code).transform("min").to_numpy()
        if (label == before).all():
            break
    first = key_hash[rows][label]
    out[rows] = np.where(first == 0, 1, first)
    return out


class _Fallback(Exception):
    """The export cannot be re-read incrementally; the message says why (the whole file is read instead)."""


# ------------------------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Layout:
    key: str
    descriptor: dict[str, Any]
    enc: str
    sep: str
    quoting: int
    fmt: Format
    why: str
    stated_scale: bool


def _layout(name: str, data: bytes, recs: CsvRecords, enc: str, sep: str, quoting: int, forced: Format | None,
            column_map: Mapping[str, str] | None, platform: str | None,
            rating_scale: tuple[float, float] | None) -> _Layout:
    a, b = recs.header
    header = data[a:b]
    columns = _read_csv(header + b"\n", enc, sep, quoting)[0].columns
    if forced is not None:
        fmt, why = forced, "format given by the caller"
    else:
        det = detect_format(columns, "csv")
        fmt, why = det.format, det.reason
    uses_name = any(spec.filename for spec in fmt.fields.values())
    descriptor = {
        "recipe": RECIPE, "reviewtools": __version__, "pandas": pd.__version__,
        "header": hashlib.blake2b(header, digest_size=16).hexdigest(), "encoding": enc, "sep": sep,
        "quoting": quoting, "format": fmt.name, "forced": forced is not None,
        "column_map": sorted((column_map or {}).items()), "platform": platform,
        "rating_scale": list(rating_scale) if rating_scale else None,
        "file": Path(name).name if uses_name else None,
    }
    key = hashlib.blake2b(json.dumps(descriptor, sort_keys=True).encode(), digest_size=16).hexdigest()
    stated = rating_scale is not None or fmt.rating_scale is not None
    return _Layout(key, descriptor, enc, sep, quoting, fmt, why, stated)


def _prepare(name: str, data: bytes, forced: Format | None, column_map: Mapping[str, str] | None,
             platform: str | None, rating_scale: tuple[float, float] | None) -> tuple[CsvRecords, _Layout]:
    """Split the file into records and compute its layout, or raise :class:`_Fallback`."""
    start = data[:8]
    if start.startswith(b"\x1f\x8b"):
        raise _Fallback("gzip-compressed")
    if start.startswith((b"PAR1", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _Fallback("not a CSV/TSV file (Parquet or Excel)")
    blank = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    if not data[:65536].strip(blank) and not data.strip(blank):
        raise _Fallback("empty file")
    cut = len(data) if len(data) <= _HEAD_BYTES else data.rfind(b"\n", 0, _HEAD_BYTES) + 1
    enc, sample = _encoding(name, data[:cut] if cut > 0 else data)
    if enc not in _SPLITTABLE:
        raise _Fallback(f"{enc} text")
    first = sample.lstrip("\ufeff \t\r\n")
    lower = name.lower()
    if first[:1] in "[{" or lower.endswith((".json", ".jsonl", ".ndjson")):
        raise _Fallback("JSON or JSON lines (only CSV/TSV exports are re-read incrementally)")
    sep, quoting = csv_dialect(first, forced)
    bom = 3 if start.startswith(b"\xef\xbb\xbf") else 0
    recs = split_csv(data, sep, quoting, start=bom)
    if isinstance(recs, str):
        raise _Fallback(recs)
    return recs, _layout(name, data, recs, enc, sep, quoting, forced, column_map, platform, rating_scale)


def _utf8_invalid(recs: CsvRecords, idx: np.ndarray) -> np.ndarray:
    """For the records ``idx``: True where the bytes are not valid UTF-8."""
    mv = memoryview(recs.data)
    out = np.zeros(len(idx), dtype=bool)
    for j, (a, b) in enumerate(zip(recs.starts[idx].tolist(), recs.ends[idx].tolist())):
        try:
            str(mv[a:b], "utf-8")
        except UnicodeDecodeError:
            out[j] = True
    return out


def _whole_utf8(data: bytes) -> bool:
    """Whether all of ``data`` is valid UTF-8 (``ingest.is_utf8``, as ``ingest._encoding`` decides)."""
    from .ingest import is_utf8

    return is_utf8(data)


# ------------------------------------------------------------------------------------------- state


@dataclass(frozen=True)
class _State:
    """A kept raw state: its records (``STATE_DTYPE``), file-wide decisions, ingest id and source name, the source
    whose base its records start from, and per record its position in that base (``origin``, -1 for a record held
    in the delta)."""

    records: np.ndarray
    context: dict[str, Any]
    ingest_id: int
    source: str
    origin: np.ndarray
    base_rows: int
    base_source: str
    blocks: np.ndarray | None = None


def _load_state(store: ReviewStore, layout: str, source: str) -> _State | None:
    """The kept state of ``(layout, source)``, else the newest of ``layout`` (its base with its delta applied)."""
    con = store._con
    pick = con.execute(  # choose by the index first: the parts of the other states are never read
        "SELECT source, context, ingest_id, rows, ifnull(base, source), blocks FROM raw_state WHERE layout = ? "
        "ORDER BY source = ? DESC, ingest_id DESC LIMIT 1",
        (layout, source),
    ).fetchone()
    if pick is None:
        return None
    base_source = str(pick[4])
    parts: dict[int, tuple[bytes, Any]] = {}
    for k, rowid, r, e in con.execute(  # the base's entries (64 bytes a record) are read below, in pieces
            "SELECT part, rowid, runs, CASE WHEN part = 0 THEN length(entries) ELSE entries END FROM raw_state_part "
            "WHERE layout = ? AND ((source = ? AND part = 0) OR (source = ? AND part = 1))",
            (layout, base_source, pick[0])):
        parts[int(k)] = (r, (int(rowid), int(e)) if int(k) == 0 else e)
    if 0 not in parts:
        log.info("raw state of %s has no base; the whole file is read", pick[0])
        return None
    base = _read_blob(store, "raw_state_part", "entries", *parts[0][1]).view(STATE_DTYPE)
    rows = int(pick[3])
    if 1 not in parts:
        records, origin = base, np.arange(len(base), dtype=np.int64)
    else:
        got = _apply_delta(base, parts[1][0], parts[1][1], rows)
        if got is None:
            log.warning("raw state of %s: its delta does not fit its base; the whole file is read", pick[0])
            return None
        records, origin = got
    if len(records) != rows:
        log.warning("raw state of %s holds %d records, its header says %d; the whole file is read",
                    pick[0], len(records), rows)
        return None
    blocks = None
    if pick[5] and len(pick[5]) % BLOCK_DTYPE.itemsize == 0:
        blocks = np.frombuffer(pick[5], dtype=BLOCK_DTYPE)
    return _State(records, json.loads(pick[1]), int(pick[2]), str(pick[0]), origin, len(base), base_source, blocks)


#: Bytes read per call when a kept base is loaded (:func:`_read_blob`): each piece is copied into the array at once.
_BLOB_PIECE: Final[int] = 1 << 20


def _read_blob(store: ReviewStore, table: str, column: str, rowid: int, length: int) -> np.ndarray:
    """The blob ``table.column`` of row ``rowid`` (``length`` bytes) as a new uint8 array, read in pieces through
    SQLite's incremental blob I/O: a 64 MB base costs one array, not SQLite's copy of the whole blob plus Python's
    (about 32,000 fewer page faults at 1M records, ~0.07 CPU s, mostly system time).

    >>> import tempfile, pathlib
    >>> from reviewtools.store import ReviewStore
    >>> with ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db") as s:
    ...     _ = s._con.execute("INSERT INTO ingests (source, started_at, full_export) VALUES ('x', 't', 0)")
    ...     _read_blob(s, "ingests", "source", 1, 1).tobytes()
    b'x'
    """
    out = np.empty(length, dtype=np.uint8)
    with store._con.blobopen(table, column, rowid, readonly=True) as blob:
        if len(blob) != length:
            raise ValueError(f"{table}.{column} of row {rowid} holds {len(blob)} bytes, expected {length}")
        for at in range(0, length, _BLOB_PIECE):
            piece = blob.read(_BLOB_PIECE)
            out[at:at + len(piece)] = np.frombuffer(piece, dtype=np.uint8)
    return out


def _runs(src: np.ndarray) -> np.ndarray:
    """Runs of consecutive copied positions (``src >= 0``) whose base positions are consecutive too, as rows of
    ``(position, base position, length)``.

    >>> _runs(np.array([4, 5, 6, -1, 7, 2, 3])).tolist()
    [[0, 4, 3], [4, 7, 1], [5, 2, 2]]
    """
    cp = np.flatnonzero(src >= 0)
    if not len(cp):
        return np.zeros((0, 3), dtype=np.int64)
    b = src[cp]
    first = np.flatnonzero(np.r_[True, (np.diff(cp) != 1) | (np.diff(b) != 1)])
    length = np.diff(np.r_[first, len(cp)])
    return np.stack([cp[first], b[first], length], axis=1).astype(np.int64)


def _apply_delta(base: np.ndarray, runs_blob: bytes, entries_blob: bytes,
                 rows: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The state ``base`` + delta describe (and each record's base position, -1 for the delta's); None when the
    parts do not fit together.

    >>> base = np.zeros(4, STATE_DTYPE); base["rhash"] = [10, 11, 12, 13]
    >>> extra = np.zeros(1, STATE_DTYPE); extra["rhash"] = 99
    >>> runs = np.array([[0, 2, 2], [3, 0, 1]], dtype="<i8")
    >>> rec, origin = _apply_delta(base, runs.tobytes(), extra.tobytes(), 4)
    >>> rec["rhash"].tolist(), origin.tolist()
    ([12, 13, 99, 10], [2, 3, -1, 0])
    """
    if len(runs_blob) % 24 or len(entries_blob) % STATE_DTYPE.itemsize:
        return None
    runs = np.frombuffer(runs_blob, dtype="<i8").reshape(-1, 3).astype(np.int64)
    rest = np.frombuffer(entries_blob, dtype=STATE_DTYPE)
    pos0, base0, length = runs[:, 0], runs[:, 1], runs[:, 2]
    total = int(length.sum())
    if ((length <= 0).any() or (pos0 < 0).any() or (base0 < 0).any() or (pos0 + length > rows).any()
            or (base0 + length > len(base)).any() or total + len(rest) != rows):
        return None
    k = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(length) - length, length)
    pos = np.repeat(pos0, length) + k
    from_base = np.repeat(base0, length) + k
    origin = np.full(rows, -1, dtype=np.int64)
    origin[pos] = from_base
    held = origin < 0
    if int(np.count_nonzero(held)) != len(rest):  # overlapping runs
        return None
    records = np.empty(rows, dtype=STATE_DTYPE)
    _rows(records)[pos] = _rows(base)[from_base]
    records[held] = rest
    return records, origin


def _save_state(store: ReviewStore, lay: _Layout, source: str, context: dict[str, Any], ingest_id: int,
                entries: np.ndarray, prev: _State | None = None, prev_pos: np.ndarray | None = None,
                at: np.ndarray | None = None, blocks: np.ndarray | None = None) -> str:
    """Keep ``entries`` as the state of ``(layout, source)``: as a delta against the base ``prev`` was read from
    (its own or another file's of the layout) when the records at positions ``at`` are copies of ``prev``'s
    records ``prev_pos`` (checked), else as a new base. Returns ``"delta"`` or ``"base"``."""
    con = store._con
    entries = entries.astype(STATE_DTYPE, copy=False)
    kind = "base"
    base_source = f"{source}@{ingest_id}"  # a new base never replaces one that other states may start from
    if prev is not None and at is not None and prev_pos is not None and len(at):
        # ``entries[at]`` are ``prev.records[prev_pos]`` copied unchanged (ingest_file sets pk and fp only on
        # re-read records; the tests load a delta state and a base-only state of the same exports byte for byte)
        src = np.full(len(entries), -1, dtype=np.int64)
        src[at] = prev.origin[prev_pos]
        runs = _runs(src)
        rest = entries[src < 0]
        if runs.nbytes + rest.nbytes <= DELTA_REBASE_SHARE * prev.base_rows * STATE_DTYPE.itemsize:
            con.execute("INSERT OR REPLACE INTO raw_state_part (layout, source, part, runs, entries) "
                        "VALUES (?, ?, 1, ?, ?)", (lay.key, source, runs.astype("<i8").tobytes(), rest.tobytes()))
            kind, base_source = "delta", prev.base_source
    if kind == "base":
        con.execute("DELETE FROM raw_state_part WHERE layout = ? AND source = ? AND part = 1", (lay.key, source))
        con.execute("INSERT OR REPLACE INTO raw_state_part (layout, source, part, runs, entries) "
                    "VALUES (?, ?, 0, ?, ?)", (lay.key, base_source, b"", entries.tobytes()))
    con.execute(
        "INSERT OR REPLACE INTO raw_state (layout, source, descriptor, context, ingest_id, rows, records, base, "
        "blocks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (lay.key, source, json.dumps(lay.descriptor, sort_keys=True), json.dumps(context, sort_keys=True), ingest_id,
         len(entries), b"", base_source, None if blocks is None else blocks.astype(BLOCK_DTYPE, copy=False).tobytes()),
    )
    con.execute(
        "DELETE FROM raw_state WHERE layout = ? AND source NOT IN (SELECT source FROM raw_state WHERE layout = ? "
        "ORDER BY ingest_id DESC LIMIT ?)", (lay.key, lay.key, STATES_PER_LAYOUT),
    )
    # a delta lives while its state does, a base while any state of the layout starts from it
    con.execute("DELETE FROM raw_state_part WHERE layout = ? AND part = 1 AND source NOT IN "
                "(SELECT source FROM raw_state WHERE layout = ?)", (lay.key, lay.key))
    con.execute("DELETE FROM raw_state_part WHERE layout = ? AND part = 0 AND source NOT IN "
                "(SELECT ifnull(base, source) FROM raw_state WHERE layout = ?)", (lay.key, lay.key))
    return kind


# ------------------------------------------------------------------------------------------- entry point


def ingest_file(
    store: ReviewStore,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    column_map: Mapping[str, str] | None = None,
    platform: str | None = None,
    rating_scale: tuple[float, float] | None = None,
    full_export: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    incremental: bool = True,
) -> FileIngest:
    """Read the export at ``path`` and upsert it into ``store``, parsing only its new or changed records.

    The arguments are :func:`reviewtools.ingest.read_reviews`'s and :meth:`ReviewStore.ingest`'s; the counts,
    stored rows and rejects are theirs (see the module notes). ``incremental=False`` reads the whole file (and
    returns the whole frame) but still keeps the raw state for the next ingest.

    >>> import tempfile, pathlib
    >>> from reviewtools.store import ReviewStore
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "e.csv").write_text("Stars,Review,Date\\n5,Fine,2024-02-01\\n")
    >>> with ReviewStore(d / "r.db") as s:
    ...     ingest_file(s, d / "e.csv").mode, ingest_file(s, d / "e.csv").report.unchanged
    ('full', 1)
    """
    from .store import PresentRows

    if platform is not None and platform not in schema.PLATFORMS:
        raise IngestError(f"platform {platform!r} is not one of {', '.join(schema.PLATFORMS)}")
    if rating_scale is not None and not (len(rating_scale) == 2 and rating_scale[0] < rating_scale[1]):
        raise IngestError(f"rating_scale must be (low, high) with low < high, not {rating_scale!r}")
    forced = get_format(format) if format else None
    name, data = _map(path)
    source = str(path) if isinstance(path, (str, os.PathLike)) else name
    if not isinstance(path, (str, os.PathLike)):  # a stream is read once: the full path re-reads these bytes
        path = io.BytesIO(bytes(data))
        path.name = name
    try:
        recs, lay = _prepare(name, data, forced, column_map, platform, rating_scale)
    except _Fallback as why:
        log.info("%s: read whole (%s)", name, why)
        res = read_reviews(path, format=format, column_map=column_map, platform=platform, rating_scale=rating_scale)
        report = store.ingest(res, source=source, full_export=full_export, progress=progress)
        return FileIngest(report, res, "full", str(why), res.rows_read)

    n = len(recs)
    holder: dict[str, Any] = {}

    def work() -> IngestReport:
        state = _load_state(store, lay.key, Path(name).name) if incremental else None
        pairs: list[np.ndarray] = []
        rh, blocks, hashed = _hashes(recs, None if state is None else state.records,
                                     None if state is None else state.blocks, pairs)
        holder["hashed"] = hashed
        plan = None
        reason = "no raw state for this layout yet" if incremental else "incremental=False"
        if state is not None:
            try:
                plan = _plan(store, recs, rh, lay, state, name, column_map, platform, rating_scale, pairs)
            except _Fallback as why:
                reason = str(why)
                log.info("%s: read whole (%s)", name, why)
        if plan is None:
            plan = _plan_full(recs, rh, lay, name, column_map, platform, rating_scale)
        read, idx, present_idx = plan["read"], plan["idx"], plan["present"]
        if len(present_idx):
            # the unchanged records' entries are their old ones (the same hash), gathered straight into the new
            # state (one pass, no zeroed array and no intermediate copy); the re-read records' rows replace theirs
            src = np.zeros(n, dtype=np.int64)
            src[present_idx] = plan["old_pos"]
            entries = _records(_rows(state.records)[src])
        else:
            entries = np.zeros(n, dtype=STATE_DTYPE)
        entries[idx] = read.entries
        entries["rhash"][idx] = rh[idx]
        old_flags = entries["flags"][present_idx]  # as the last ingest kept them
        # (an unchanged record's NOT_UTF8 and RH_MULTI stay as they were: its hash occurs as often as before)
        entries["flags"] = ((entries["flags"] & ~RH_MULTI) | np.where(plan["invalid"], NOT_UTF8, 0)
                            | np.where(plan["multi"], RH_MULTI, 0))
        present = None
        if plan["incremental"]:
            pks = entries["pk"][present_idx[old_flags & KEPT != 0]]
            present = PresentRows(pks, lambda: _scope(store, pks), plan["index"])

        def after(ingest_id: int, row_pks: np.ndarray, fp: np.ndarray) -> None:
            at = idx[read.kept_pos]
            entries["pk"][at] = row_pks
            entries["fp"][at] = fp
            holder["state"] = _save_state(store, lay, Path(name).name, plan["context"], ingest_id, entries,
                                          prev=state, prev_pos=plan["old_pos"], at=present_idx, blocks=blocks)

        report = store._upsert(read.reviews, source=source, full_export=full_export, n_rejected=len(read.rejects),
                               progress=progress, present=present, after=after, in_transaction=True)
        kept = entries["flags"] & KEPT != 0
        created = entries["created"][kept]
        products = entries["product"][kept]
        file_report = FileReport(
            file=name, format=lay.fmt.name, detected_by=lay.why, rows_read=n, ingested=int(kept.sum()),
            rejected=len(read.rejects), duplicates=read.duplicates + int(np.count_nonzero(old_flags & DUPLICATE)),
            date_min=pd.Timestamp(int(created.min()), unit="us", tz="UTC") if len(created) else None,
            date_max=pd.Timestamp(int(created.max()), unit="us", tz="UTC") if len(created) else None,
            products=int(len(pd.unique(products[products != 0]))),
            rating_scale=read.scale if not plan["incremental"] else  # the whole file's, not the re-read rows'
            (rating_scale or lay.fmt.rating_scale) if lay.stated_scale else tuple(plan["context"]["scale"]),
            encoding=plan["context"]["encoding"],
            conflicting_duplicates=read.conflicting + int(np.count_nonzero(old_flags & CONFLICT)),
        )
        holder.update(mode="incremental" if plan["incremental"] else "full", reason=reason if not plan["incremental"]
                      else "", reread=len(idx),
                      result=IngestResult(read.reviews, read.rejects, lay.fmt.name, (file_report,)))
        return report

    try:
        report = store._write(work)  # rolled back if the records could not be read as split
    except _Fallback as why:
        log.info("%s: read whole (%s)", name, why)
        res = read_reviews(path, format=format, column_map=column_map, platform=platform, rating_scale=rating_scale)
        report = store.ingest(res, source=source, full_export=full_export, progress=progress)
        return FileIngest(report, res, "full", str(why), res.rows_read)
    log.info("store %s: ingested %s (%s, %d of %d records read, %d hashed one by one, raw state kept as %s): %s",
             store.path, source, holder["mode"], holder["reread"], n, holder.get("hashed", n), holder.get("state", "?"),
             report.as_dict())
    return FileIngest(report, holder["result"], holder["mode"], holder["reason"], holder["reread"])


def _map(path: Any) -> tuple[str, Any]:
    """The file's name and its bytes: a read-only memory map for a path (no copy of a large export), its pages
    mapped at once where the OS can (``MAP_POPULATE``: one call instead of a page fault per 4 KiB as the file is
    scanned; about 0.1-0.2 CPU s less for 500 MB), else what ``ingest._open`` reads."""
    if isinstance(path, (str, os.PathLike)):
        try:
            with open(path, "rb") as f:
                if hasattr(mmap, "MAP_POPULATE"):  # Linux
                    return str(path), mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED | mmap.MAP_POPULATE,
                                                prot=mmap.PROT_READ)
                return str(path), mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # an empty file cannot be mapped; _open raises the usual errors
            pass
    return _open(path)


def _scope(store: ReviewStore, pks: np.ndarray) -> pd.DataFrame:
    """``platform, product_id, created_at`` of the stored reviews ``pks`` (for a full export's scope)."""
    from .store import _read_frame

    frame = _read_frame(store._con.execute("SELECT id AS _pk, platform, product_id, created_at FROM reviews"))
    want = np.isin(frame["_pk"].to_numpy(dtype=np.int64), pks)
    return frame.loc[want, ["platform", "product_id", "created_at"]].reset_index(drop=True)


def _context(lay: _Layout, flags: np.ndarray, enc: str) -> dict[str, Any]:
    """The file-wide decisions, from the per-record flags of the whole file."""
    return {
        "encoding": enc,
        "scale": None if lay.stated_scale else list(_rating_decision(flags)),
        "day_first": _slash_decision(flags),
    }


def _file_encoding(lay: _Layout, invalid: np.ndarray) -> str:
    return "cp1252" if lay.enc == "utf-8" and invalid.any() else lay.enc


def _plan_full(recs: CsvRecords, rh: np.ndarray, lay: _Layout, name: str, column_map: Mapping[str, str] | None,
               platform: str | None, rating_scale: tuple[float, float] | None) -> dict[str, Any]:
    """Read every record (the first ingest of a layout, or a fallback), as ``read_reviews`` reads the file."""
    n = len(recs)
    all_idx = np.arange(n, dtype=np.int64)
    if lay.enc == "utf-8" and not _whole_utf8(recs.data):
        invalid = _utf8_invalid(recs, all_idx)
        invalid_any = True
    else:
        invalid = np.zeros(n, dtype=bool)
        invalid_any = False
    enc = "cp1252" if invalid_any else lay.enc
    read = _read_records(recs, None, name, enc, lay.sep, lay.quoting, lay.fmt, column_map, platform, rating_scale)
    context = _context(lay, read.entries["flags"], enc)
    return {"read": read, "idx": all_idx, "present": np.zeros(0, dtype=np.int64),
            "old_pos": np.zeros(0, dtype=np.int64), "invalid": invalid,
            "context": context, "incremental": False,
            "multi": pd.Series(rh).duplicated(keep=False).to_numpy()}


def _plan(store: ReviewStore, recs: CsvRecords, rh: np.ndarray, lay: _Layout,
          state: _State, name: str, column_map: Mapping[str, str] | None,
          platform: str | None, rating_scale: tuple[float, float] | None,
          pairs: list[np.ndarray] | None = None) -> dict[str, Any]:
    """Which records to re-read, read them, and check that the unchanged ones stand; raise _Fallback if not."""
    old, old_context, old_ingest = state.records, state.context, state.ingest_id
    n = len(recs)
    # 1. match raw hashes (counted where the block matches do not decide, _match): a record seen once before, kept and in no
    #    duplicate group, is a candidate; a hash that occurs more than once on either side is always re-read
    match, same_count, multi = _match(old, rh, pairs)
    found = match >= 0
    mflags = np.where(found, old["flags"][np.maximum(match, 0)] if len(old) else 0, 0)
    cand = found & (mflags & (KEPT | DUPLICATE) != 0) & same_count
    cand = _untouched_groups(old, match, cand)
    # 2. the stored reviews must still be what these records became (another ingest may have run since)
    last = int(store._con.execute("SELECT ifnull(max(id), 0) FROM ingests").fetchone()[0])
    if last != old_ingest and cand.any():
        ids, fps, removed = _stored_fp(store)
        kept_c = np.flatnonzero(cand & (mflags & KEPT != 0))
        pk = old["pk"][match[kept_c]]
        pos = np.searchsorted(ids, pk)
        pos_c = np.minimum(pos, max(len(ids) - 1, 0))
        ok = (len(ids) > 0) & (ids[pos_c] == pk) & (fps[pos_c] == old["fp"][match[kept_c]]) & ~removed[pos_c]
        cand[kept_c[~ok]] = False
        cand = _untouched_groups(old, match, cand)  # a group with a record to re-read is re-read whole
    # 3. per-record UTF-8 validity: known for matched records, checked for the others
    invalid = np.zeros(n, dtype=bool)
    if lay.enc == "utf-8":
        invalid[found] = (mflags[found] & NOT_UTF8) != 0
        unknown = np.flatnonzero(~found)
        invalid[unknown] = _utf8_invalid(recs, unknown)
    enc = _file_encoding(lay, invalid)
    if enc != old_context.get("encoding"):
        raise _Fallback(f"the file's encoding is now {enc}, was {old_context.get('encoding')}")
    # 4. read the rest; extend to unchanged records that share a review id or duplicate key with them
    for _ in range(8):
        idx = np.flatnonzero(~cand)
        read = _read_records(recs, idx, name, enc, lay.sep, lay.quoting, lay.fmt, column_map, platform, rating_scale)
        unchanged = np.flatnonzero(cand)
        old_pos = match[unchanged]  # the fields below are gathered one by one (8 of the 64 bytes a record)
        hit = np.zeros(len(unchanged), dtype=bool)
        index = None  # the stored reviews of the re-read keys (a superset of the upsert's: it reuses them)
        if len(read.ok_keys) and len(unchanged):
            index = store._keyed_index(read.ok_keys)
            known_ids = index[1]
            hit |= _isin(old["pk"][old_pos], known_ids)
            dh = read.ok_dhash[read.ok_dhash != 0]
            if len(dh):
                old_dh = old["dhash"][old_pos]
                hit |= (old_dh != 0) & _isin(old_dh, dh)
        if not hit.any():
            break
        old_group = old["group"][old_pos]
        groups = old_group[hit]
        hit |= _isin(old_group, groups[groups != 0])  # a group is re-read whole
        cand[unchanged[hit]] = False
    else:
        raise _Fallback("duplicate groups kept growing")
    # 5. the file-wide decisions must be the last ingest's, and the re-read records' own
    flags = np.zeros(n, dtype=np.int64)
    flags[unchanged] = old["flags"][old_pos]
    flags[idx] = read.entries["flags"]
    context = _context(lay, flags, enc)
    if context != old_context:
        raise _Fallback(f"a file-wide decision changed ({old_context} -> {context})")
    sub = read.entries["flags"]
    if not lay.stated_scale and (sub & R_NUM).any() and list(_rating_decision(sub)) != context["scale"]:
        raise _Fallback("the re-read records alone would infer another rating scale")
    if (sub & D_SLASH).any() and _slash_decision(sub) != context["day_first"]:
        raise _Fallback("the re-read records alone would read slash dates the other way round")
    return {"read": read, "idx": idx, "present": unchanged, "old_pos": old_pos, "index": index,
            "invalid": invalid, "context": context, "incremental": True, "multi": multi}


#: :func:`_isin` looks ``values`` up in a hash table directly below this many (above, a bitmap of their low bits
#: lets only the few that may be present through: 990,000 ids against 10,000, 0.05 -> ~0.01 CPU s).
_ISIN_PREFILTER: Final[int] = 1 << 16
#: Bitmap bits per value of ``among`` (a value absent from ``among`` passes with probability about 1/8 at most),
#: and the bitmap's bounds (bits, one byte each).
_ISIN_BITS: Final[tuple[int, int, int]] = (8, 1 << 16, 1 << 23)


def _isin(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """``np.isin`` of int64 arrays through a hash table of the (small) ``among``: no sort of the large ``values``.
    Many ``values`` are first screened by a bitmap of ``among``'s low bits (exact: the bitmap only lets through
    the values that may be present, the hash table decides them). The arrays here hold hashes or row ids, whose
    low bits spread well.

    >>> _isin(np.arange(100_000) * 7, np.array([0, 14, 699_993, 3])).nonzero()[0].tolist()
    [0, 2, 99999]
    """
    if not len(among) or not len(values):
        return np.zeros(len(values), dtype=bool)
    if len(values) < _ISIN_PREFILTER or values.dtype != np.int64 or among.dtype != np.int64:
        return pd.Index(pd.unique(among)).get_indexer(values) >= 0
    per, low, high = _ISIN_BITS
    size = min(max(low, 1 << int(len(among) * per - 1).bit_length()), high)
    bitmap = np.zeros(size, dtype=bool)
    bitmap[among & (size - 1)] = True
    maybe = np.flatnonzero(bitmap[values & (size - 1)])
    out = np.zeros(len(values), dtype=bool)
    out[maybe] = pd.Index(pd.unique(among)).get_indexer(values[maybe]) >= 0
    return out


def _untouched_groups(old: np.ndarray, match: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Drop from ``cand`` every record of a duplicate group that is not whole, unchanged and in the same order:
    which copy is kept depends on all of them and on their order."""
    in_group = np.flatnonzero(cand & (old["group"][np.maximum(match, 0)] != 0))
    old_grouped = np.flatnonzero(old["group"] != 0)
    if not len(old_grouped):
        return cand
    present = np.zeros(len(old), dtype=bool)
    present[match[cand]] = True
    missing = old_grouped[~present[old_grouped]]
    bad = set(old["group"][missing].tolist())
    if len(in_group):  # members in file order must be in their old order
        g = old["group"][match[in_group]]
        order = np.lexsort((in_group, g))
        g_sorted, old_pos = g[order], match[in_group][order]
        same = g_sorted[1:] == g_sorted[:-1]
        bad |= set(g_sorted[1:][same & (old_pos[1:] < old_pos[:-1])].tolist())
    if bad:
        groups = old["group"][np.maximum(match, 0)]
        cand = cand & ~(np.isin(groups, np.array(sorted(bad), dtype=np.int64)) & (match >= 0))
    return cand


def _stored_fp(store: ReviewStore) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every stored review's (id, fingerprint, marked possibly removed), ids ascending."""
    rows = store._con.execute(
        "SELECT id, ifnull(fp, 0), possibly_removed_at IS NOT NULL FROM reviews ORDER BY id").fetchall()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool)
    arr = np.array(rows, dtype=np.int64)
    return arr[:, 0], arr[:, 1], arr[:, 2].astype(bool)


__all__ = ["FileIngest", "CsvRecords", "STATE_DTYPE", "BLOCK_DTYPE", "ingest_file", "split_csv", "record_hashes",
           "block_cuts", "block_hashes"]
