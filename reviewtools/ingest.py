"""Read review exports into the canonical review frame.

:func:`read_reviews` takes one path, a list of paths or a file-like object, recognises the layout (see
:mod:`reviewtools.formats`), maps and parses every column, and returns an :class:`IngestResult`: the
canonical frame, the rejected rows with their reasons, the format it recognised and one
:class:`FileReport` per file. For every file ``rows_read == ingested + rejected + duplicates``.

Parsing rules (documented here because they decide what a review becomes):

* **Containers and encodings.** CSV/TSV (delimiter sniffed from the header among ``, TAB ; |``), JSON
  (a list, an object holding the list, or one review object), JSONL, Excel (.xlsx), Parquet, and any of
  them gzip-compressed. Text is UTF-8 with or without BOM, UTF-16 (BOM or NUL pattern), else cp1252.
* **Text.** ``<br>``/``<p>`` become line breaks, simple inline tags (a, b, i, em, strong, span, font)
  are removed, HTML entities are decoded, ``\\r\\n`` becomes ``\\n`` and outer whitespace is stripped.
  An empty title is null; a missing text is the empty string.
* **Ratings.** Numbers, ``"4.0 out of 5 stars"``, ``"8/10"``, star glyphs ``"★★★★☆"`` and the words
  ONE…FIVE are understood. A rating ``x`` on a scale ``[lo, hi]`` is mapped linearly onto 1–5,
  ``r = 1 + 4·(x − lo)/(hi − lo)``, then rounded half up (so on 1–10: 9 → 4.56 → 5, 7 → 3.67 → 4; on
  1–5 a half star 4.5 → 5). Values outside the scale are rejected. Known formats declare their scale;
  otherwise it is inferred by :func:`infer_rating_scale` from the bare numbers only (or pass
  ``rating_scale=``). Text that states its scale is read on it: ``"4.5 out of 5"``, ``"8/10"``, glyphs, and a
  number with a star word (``"4 stars"``) is on 1–5 (``STAR_WORD_SCALE``) unless a scale was declared.
* **Dates.** ISO 8601 (any offset), epoch seconds or milliseconds (≥ 1e11 is read as milliseconds),
  ``January 15, 2024``, ``Jan 15, 2024``, ``09 4, 2015``, ``17-Apr-18``, ``15 January 2024``,
  ``15.01.2024`` and slash dates (month first unless the file has a first number above 12 and no second
  number above 12; a single value that can only be read one way, ``15/01/2024`` or ``01/15/2024``, is read
  that way whatever the rest of the file says). Times
  without an offset are taken as UTC. Dates before 1995-01-01 or from 2100 on are rejected as implausible.
* **Review ids.** The source's own id when it has one; otherwise ``h`` + the first 20 hex digits of the
  SHA-1 of platform, product, author, date, title and text, so a re-export gives the same id.
* **Rejects** (one row each, first problem wins): rating missing/not understood/out of range, date
  missing/not understood/implausible, no text and no title (except formats where rating-only reviews
  are normal: Google Play, Google Business Profile, canonical), rows the parser could not split.
* **Duplicates** collapsed: the same ``(platform, review_id)``, or the same author key, date, title and
  text under another product (review copies per variant, as in the McAuley files; first kept). When rows
  with one ``(platform, review_id)`` differ in content (rating, text, title, date, votes, reply...), the
  newest version is kept: the latest ``created_at``, then the later file, then the later row (an edited
  review re-exported in ``new.csv`` wins over ``old.csv``); the others count as duplicates and
  :attr:`FileReport.conflicting_duplicates` says how many of them differed from the version kept.
  Identical copies keep the first occurrence (nothing differs but the source row).

>>> from reviewtools import read_reviews
>>> res = read_reviews("data/amazon_fine_food_sample.csv")  # doctest: +SKIP
>>> res.format, res.rows_read == res.ingested + res.rejected + res.duplicates  # doctest: +SKIP
('amazon_fine_food', True)
"""

from __future__ import annotations

import codecs
import concurrent.futures
import contextlib
import csv
import functools
import gzip
import hashlib
import html
import io
import json
import logging
import math
import mmap
import os
import re
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final, Union

import numpy as np
import pandas as pd

from . import schema
from .errors import IngestError
from .formats import GENERIC, MAPPABLE, Format, detect_format, fold_header, get_format, norm_header, synonym_mapping

logger = logging.getLogger(__name__)

Source = Union[str, os.PathLike, IO[bytes], IO[str]]

#: Columns of the rejects frame.
REJECT_COLUMNS: Final[tuple[str, ...]] = ("source_file", "source_row", "column", "value", "reason")

#: Earliest plausible review date: Amazon opened customer reviews in 1995.
MIN_DATE: Final[pd.Timestamp] = pd.Timestamp("1995-01-01", tz="UTC")
#: Dates from here on are data errors (and would overflow nanosecond timestamps after 2262).
MAX_DATE: Final[pd.Timestamp] = pd.Timestamp("2100-01-01", tz="UTC")
#: Epoch numbers at or above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
EPOCH_MS_THRESHOLD: Final[float] = 1e11
#: Epoch numbers (in seconds) beyond this are not dates (4.1e9 s is the year 2099).
EPOCH_MAX_SECONDS: Final[float] = 4.1e9
#: Inferred scale: at least this share of parsed ratings above 5 means the file is not on 1–5.
SCALE_EVIDENCE_SHARE: Final[float] = 0.05
#: Candidate delimiters for sniffing, in order of preference on ties.
DELIMITERS: Final[tuple[str, ...]] = (",", "\t", ";", "|")
#: Share of control characters in the first 64 KiB above which the bytes are binary, not text.
BINARY_CONTROL_SHARE: Final[float] = 0.01
#: ... and at least this many of them (a stray control character does not make a small file binary).
BINARY_MIN_CONTROLS: Final[int] = 16
#: Length of the derived review id's hex digest (80 bits: no collision expected below 1e12 reviews).
ID_HEX_DIGITS: Final[int] = 20

_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x7fELF", "an executable"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
_EXPECTED: Final[str] = (
    "expected a review export (CSV, TSV, JSON, JSONL, Excel .xlsx or Parquet) with a header row"
)
_TRUE: Final[frozenset[str]] = frozenset({"true", "t", "yes", "y", "1", "1.0", "verified purchase", "verified"})
_FALSE: Final[frozenset[str]] = frozenset({"false", "f", "no", "n", "0", "0.0", "unverified", "not verified"})
_WORD_NUMBERS: Final[dict[str, int]] = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "a": 1, "an": 1}
#: Date formats tried after ISO 8601, in order (slash dates are handled apart, see _slash_formats).
DATE_FORMATS: Final[tuple[str, ...]] = (
    "%B %d, %Y", "%b %d, %Y", "%m %d, %Y", "%B %d %Y", "%b %d %Y", "%d-%b-%y", "%d-%b-%Y", "%d %B %Y",
    "%d %b %Y", "%d. %B %Y", "%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S", "%a, %d %b %Y %H:%M:%S %z", "%B %d, %Y %I:%M %p", "%b %d, %Y %I:%M %p",
)
_MONTH_FIRST: Final[tuple[str, ...]] = (
    "%m/%d/%Y", "%m/%d/%y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%y %H:%M",
)
_DAY_FIRST: Final[tuple[str, ...]] = tuple(f.replace("%m/%d", "%d/%m") for f in _MONTH_FIRST)

_BR = re.compile(r"<\s*br\s*/?\s*>|</?\s*(?:p|div)\b[^>]*>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?\s*(?:a|b|i|u|em|strong|span|font)\b[^>]*>", re.IGNORECASE)
_FRACTION = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/|out of|of|von|sur|de|su)\s*(\d+(?:[.,]\d+)?)", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:stars?|sterne|étoiles|estrellas)?\s*$", re.IGNORECASE)
_STAR_WORD = re.compile(r"\b(?:stars?|sterne|étoiles|estrellas)\s*$", re.IGNORECASE)
#: The scale a rating with an explicit star word ("4 stars") is on when no scale was stated: star ratings
#: on every platform we read are out of five (platform-policies.md §2, §6).
STAR_WORD_SCALE: Final[tuple[float, float]] = (1.0, 5.0)


# ------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class FileReport:
    """What happened to one file. ``rows_read == ingested + rejected + duplicates`` always."""

    file: str
    format: str
    detected_by: str
    rows_read: int
    ingested: int
    rejected: int
    duplicates: int
    date_min: pd.Timestamp | None
    date_max: pd.Timestamp | None
    products: int
    rating_scale: tuple[float, float] | None = None
    encoding: str | None = None
    #: Duplicates (counted in ``duplicates``) whose content differed from the later version that was kept.
    conflicting_duplicates: int = 0

    @property
    def notes(self) -> tuple[str, ...]:
        """What the counts alone hide, one sentence each (empty when nothing needs saying)."""
        if not self.conflicting_duplicates:
            return ()
        return (f"{self.conflicting_duplicates} conflicting duplicates (same review id, different content): "
                "kept the later version",)


@dataclass(frozen=True)
class IngestResult:
    """The canonical frame, the rejects, the format(s) recognised and a report per file."""

    reviews: pd.DataFrame
    rejects: pd.DataFrame
    format: str
    files: tuple[FileReport, ...] = field(default_factory=tuple)

    @property
    def rows_read(self) -> int:
        """Data rows read over all files."""
        return sum(f.rows_read for f in self.files)

    @property
    def ingested(self) -> int:
        """Rows in :attr:`reviews`."""
        return sum(f.ingested for f in self.files)

    @property
    def rejected(self) -> int:
        """Rows in :attr:`rejects`."""
        return sum(f.rejected for f in self.files)

    @property
    def duplicates(self) -> int:
        """Rows collapsed as duplicates of another row."""
        return sum(f.duplicates for f in self.files)

    @property
    def conflicting_duplicates(self) -> int:
        """Duplicates whose content differed from the later version kept."""
        return sum(f.conflicting_duplicates for f in self.files)


# ------------------------------------------------------------------------------------------- reading


@dataclass
class _Raw:
    name: str
    frame: pd.DataFrame  # every column StringDtype, source column names
    rows: np.ndarray  # 1-based source row per frame row
    container: str
    encoding: str | None
    bad: list[tuple[int, str, str]]  # (row, value, reason) for rows that could not be split at all


def _fail(name: str, what: str) -> IngestError:
    return IngestError(f"{name}: {what}")


def _open(src: Source) -> tuple[str, bytes]:
    if isinstance(src, (str, os.PathLike)):
        path = Path(src)
        return str(src), path.read_bytes()
    if hasattr(src, "read"):
        name = str(getattr(src, "name", "<stream>"))
        data = src.read()
        return name, data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise TypeError(f"source must be a path or a file-like object, not {type(src).__name__}")


def _open_mapped(src: Source) -> tuple[str, bytes | mmap.mmap]:
    """:func:`_open`, but a path comes back as a read-only memory map of the file, its pages mapped at once
    (``MAP_POPULATE`` where the OS has it), not as ``bytes``.

    Reading 500 MB into ``bytes`` takes a fresh page per 4 KiB (121k page faults, each page zeroed by the kernel
    and then filled by a copy out of the page cache: ~0.3 CPU s of system time at 1M reviews); the map shares the
    page cache's pages. Every byte operation of :func:`_load` on the CSV path takes a buffer; the other containers
    (gzip, Parquet, Excel, JSON) and the pandas fallbacks copy the map into ``bytes`` first. An empty file (which
    cannot be mapped) or a file-like object goes through :func:`_open`. As with any map, a file truncated by
    another process while it is read makes the process fail (SIGBUS) instead of reading a short file.
    """
    if isinstance(src, (str, os.PathLike)):
        try:
            with open(src, "rb") as f:
                if hasattr(mmap, "MAP_POPULATE"):  # Linux
                    return str(src), mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED | mmap.MAP_POPULATE,
                                               prot=mmap.PROT_READ)
                return str(src), mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # empty (cannot be mapped), a directory, unreadable: _open says what
            pass
    return _open(src)


def _as_bytes(data: bytes | mmap.mmap) -> bytes:
    """``data`` as ``bytes`` (a copy of a memory map; ``bytes`` as they are)."""
    return data if isinstance(data, bytes) else bytes(data)


def _rstripped_end(data: bytes | mmap.mmap, chars: bytes) -> int:
    """``len(data.rstrip(chars))`` without copying ``data`` (looked at from the end, 64 KiB at a time).

    >>> _rstripped_end(b"a,b\\n \\r\\n", b" \\t\\r\\n"), _rstripped_end(b" \\n", b" \\n")
    (3, 0)
    """
    end = len(data)
    while end > 0:
        window = data[max(0, end - 65536):end]
        kept = len(window.rstrip(chars))
        if kept:
            return end - len(window) + kept
        end -= len(window)
    return 0


_CHUNK: Final[int] = 1 << 24  # 16 MiB: UTF-8 validation without holding the whole file as one str
#: What the binary check counts: control characters other than tab, line feed, form feed and carriage return, and
#: U+FFFD (bytes the detected encoding could not decode). One regex scan instead of a Python test per character.
_CONTROLS: Final = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _encoding(name: str, data: bytes) -> tuple[str, str]:
    """Detect the text encoding and return it with a decoded sample; raise IngestError on binary data.

    UTF-8 is validated chunk by chunk so a large CSV is never held as one Python string.
    """
    if data[:3] == b"\xef\xbb\xbf":
        enc = "utf-8-sig"
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        enc = "utf-16"
    else:
        head = data[:4096]
        if len(head) >= 4 and head[1::2].count(0) > 0.3 * len(head[1::2]) and head[0::2].count(0) == 0:
            enc = "utf-16-le"
        elif len(head) >= 4 and head[0::2].count(0) > 0.3 * len(head[0::2]) and head[1::2].count(0) == 0:
            enc = "utf-16-be"
        else:
            enc = "utf-8" if _is_utf8_in_halves(data) else "cp1252"
    sample = _text(data[:65536 * 4], enc)[:65536]
    controls = len(_CONTROLS.findall(sample))
    if controls > max(BINARY_MIN_CONTROLS, BINARY_CONTROL_SHARE * len(sample)):
        raise _fail(name, f"looks like binary data, not text ({controls} control bytes in the first "
                    f"{len(sample)} characters); {_EXPECTED}")
    return enc, sample


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` (bytes or any buffer) is valid UTF-8, as Python's strict ``utf-8`` codec decides.

    pyarrow's validator (a SIMD check, no decoded copy) where it is installed: 500 MB in about 0.02 CPU s against
    0.6 s for decoding in :data:`_CHUNK` pieces, which is the fallback. Both reject overlong forms, surrogates and
    code points above U+10FFFF (tests compare them on random bytes).

    >>> is_utf8("h\\u00e9llo".encode()), is_utf8(b"h\\xe9llo"), is_utf8(b"\\xed\\xa0\\x80")
    (True, False, False)
    """
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        return _is_utf8_python(data)
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    one = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        one.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _is_utf8_in_halves(data: bytes | mmap.mmap) -> bool:
    """:func:`is_utf8` of a big file (at least :data:`ARROW_CSV_SPLIT_MIN` bytes) as two halves validated at once, the
    second on a thread (pyarrow's validation runs without the GIL), cut before an ASCII byte near the middle: no
    UTF-8 sequence holds an ASCII byte, so the whole is valid exactly when both halves are. One piece otherwise (a
    small file, or no ASCII byte among the 64 after the middle).

    >>> _is_utf8_in_halves(b"a" * 10), _is_utf8_in_halves(b"\\xe9")
    (True, False)
    """
    size = len(data)
    if ARROW_CSV_SPLIT_MIN <= 0 or size < ARROW_CSV_SPLIT_MIN:
        return is_utf8(data)
    mid = size // 2
    ascii_at = [i for i, b in enumerate(data[mid:mid + 64]) if b < 0x80]
    if not ascii_at:
        return is_utf8(data)
    cut = mid + ascii_at[0]
    view = memoryview(data)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        second = pool.submit(is_utf8, view[cut:])
        first = is_utf8(view[:cut])
        return first and second.result()


def _is_utf8_python(data: bytes) -> bool:
    """:func:`is_utf8` with Python's codec, decoded :data:`_CHUNK` bytes at a time (never one huge str)."""
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        for i in range(0, len(data), _CHUNK):
            dec.decode(data[i:i + _CHUNK], final=i + _CHUNK >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def _text(data: bytes, enc: str) -> str:
    """Decode with the detected encoding (replacing what cannot be decoded; a BOM is dropped)."""
    if enc == "utf-8-sig" or (enc == "utf-8" and data[:3] == b"\xef\xbb\xbf"):
        return _as_bytes(data[3:]).decode("utf-8", errors="replace")
    return _as_bytes(data).decode(enc, errors="replace")


def _records_from_json(doc: Any, name: str) -> list[Any]:
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, dict):
        raise _fail(name, f"JSON holds a {type(doc).__name__}, not review records; {_EXPECTED}")
    from .formats import list_formats

    for fmt in list_formats():
        for path in fmt.records:
            node: Any = doc
            for part in path.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, list):
                return node
            if isinstance(node, dict):
                return [node]
    rating_keys = set(get_format(GENERIC).synonyms["rating"]) | {"starrating"}
    if any(k in rating_keys for key in doc for k in fold_header(key)):
        return [doc]
    lists = [v for v in doc.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    if lists:
        return max(lists, key=len)
    return [doc]


def _frame_from_records(records: Sequence[Any], rows: Sequence[int], bad: list[tuple[int, str, str]]) -> tuple[pd.DataFrame, np.ndarray]:
    good, good_rows = [], []
    for rec, row in zip(records, rows):
        if isinstance(rec, dict):
            good.append(rec)
            good_rows.append(row)
        else:
            bad.append((row, str(rec)[:500], "JSON record is not an object"))
    frame = pd.json_normalize(good, sep=".") if good else pd.DataFrame()
    return _as_strings(frame), np.asarray(good_rows, dtype=np.int64)


def _as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
            s = s.map(lambda v: v.isoformat() if pd.notna(v) else None)
        elif s.dtype == object:
            s = s.map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else
                      (json.dumps(v) if isinstance(v, (list, dict)) else v))
        out[str(col)] = s.astype("string")
    return pd.DataFrame(out, index=range(len(frame)))


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    best, best_n = ",", 0
    for delim in DELIMITERS:
        try:
            n = len(next(csv.reader([first], delimiter=delim)))
        except (csv.Error, StopIteration):
            continue
        if n > best_n:
            best, best_n = delim, n
    return best


#: Bytes pyarrow's CSV reader parses per block (a row, line breaks in quoted fields included, must fit in one;
#: a file with a longer row goes to the pandas path). 4 MiB blocks parse ~20% faster than 16 MiB ones (they stay in
#: cache): 500 MB of reviews, one thread, 0.57-0.59 against 0.75-1.08 CPU s (``.work/ing5/micro4.py``, load 2.2).
ARROW_CSV_BLOCK: Final[int] = 1 << 22  # 4 MiB
#: Whether pyarrow's CSV reader parses blocks on several threads. No: with quoted line breaks allowed
#: (``newlines_in_values``) the blocks are cut serially anyway, and on 500 MB of reviews the threaded read took
#: 1.1-2.4 CPU s and 1.05-1.8 s wall against 0.57-0.65 CPU s and about the same or less wall on one thread
#: (2 cores, load 2.2-2.4): the threads mostly wait and contend; the second core is better left to other work.
ARROW_CSV_THREADS: Final[bool] = False
_LINE_END: Final = re.compile(rb"\r\n|\r|\n")
#: A CSV of at least this many bytes is parsed in two parts on two threads (:func:`_csv_halfway`): pyarrow's own
#: threaded reader does not pay (see :data:`ARROW_CSV_THREADS`), but two readers of one half each keep the second core
#: busy while ``read_reviews`` runs alone before the triage's pool. 0 or less: never.
ARROW_CSV_SPLIT_MIN: Final[int] = 1 << 25  # 32 MiB


def _csv_halfway(data: bytes | mmap.mmap, start: int, sep: str, quoting: int) -> int:
    """Where a CSV's bytes (from ``start``, the header's first byte) can be cut in two and each part parsed alone to
    the same rows: one past the line feed that ends the first record ending at or after the middle, found by
    ``_storecore.record_after`` (the re-ingest's record scan: a record ends at a line feed after an even number of
    quote characters; any quote that does not open or close a field, and a lone carriage return, on the way make it
    give up). -1 (parse in one piece): a short file (:data:`ARROW_CSV_SPLIT_MIN`), no native core or
    ``REVIEWTOOLS_PURE_PYTHON=1``, a delimiter that is not one ASCII byte, a scan that gave up, or nothing after the
    cut but blank space.
    """
    size = len(data)
    if ARROW_CSV_SPLIT_MIN <= 0 or size - start < ARROW_CSV_SPLIT_MIN or len(sep) != 1 or ord(sep) > 127:
        return -1
    core = _store_core()
    if core is None:
        return -1
    cut = core.record_after(data, ord(sep), int(quoting != csv.QUOTE_NONE), start, start + (size - start) // 2)
    if cut <= start or not data[cut:cut + 65536].strip():  # (a short tail of blank lines: one piece)
        return -1
    return cut


@functools.lru_cache(maxsize=1)
def _store_core_module() -> Any:
    try:
        from . import _storecore
    except ImportError:  # pragma: no cover - not compiled here
        return None
    return _storecore if hasattr(_storecore, "record_after") else None


def _store_core() -> Any:
    """``reviewtools._storecore`` when it is built with ``record_after`` and not disabled by
    ``REVIEWTOOLS_PURE_PYTHON``, else None."""
    if os.environ.get("REVIEWTOOLS_PURE_PYTHON", "") not in ("", "0"):
        return None
    return _store_core_module()


def _read_csv_arrow(data: bytes, enc: str, sep: str, quoting: int, *,
                    valid_utf8: bool = False) -> pd.DataFrame | None:
    """Read UTF-8 CSV bytes with pyarrow's reader into Arrow-backed string columns, or None to use pandas.

    The frame is the pandas C parser's (``dtype=str``, only empty fields missing, blank lines skipped) with
    each column already ``string[pyarrow]``: about 10x faster and without a Python object per cell, which
    is what made ingest of a million reviews peak at over 3 GB. Whenever the two readers could disagree it
    returns None and the pandas path decides: not UTF-8, a header that is blank, has fewer than two names, a
    repeated or empty name (pandas renames those), a header pyarrow reads differently from ``csv``, an odd
    number of quote characters or a last field with a line break that no quote closes (an unterminated quote
    that pyarrow would run to the end of the file; the row-by-row path rejects that row and reads on), or any
    row pyarrow cannot split (a short or long row, a whitespace-only line: pandas fills,
    skips or reports those).

    ``valid_utf8``: the caller has checked that all of ``data`` is UTF-8 (:func:`_encoding` said ``"utf-8"`` after
    :func:`_is_utf8_in_halves`), so pyarrow does not check each value again (``check_utf8=False``: ~0.07-0.1 CPU s
    per half of a million reviews). Each value is a run of the file's bytes cut at ASCII bytes (delimiters, quotes,
    line ends; a doubled quote made one), and no ASCII byte is part of a multi-byte UTF-8 sequence: every value of a
    valid file is valid.
    """
    if enc not in ("utf-8", "utf-8-sig"):
        return None
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        return None
    start = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    first = _LINE_END.split(data[start : start + 65536], maxsplit=1)[0]
    if not first.strip():
        return None
    # The quote count (an odd one: pandas decides) on the second thread while the header is read and the cut is
    # found here (both scans of the whole file run without the GIL); the rows after the cut are then parsed there.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        quotes = pool.submit(_count_byte, data, b'"') if quoting != csv.QUOTE_NONE else None
        table = _read_csv_arrow_parts(data, start, first, sep, quoting, quotes, pool,
                                      valid_utf8=valid_utf8 and enc == "utf-8")
    if table is None:
        return None
    names = table.column_names  # (the header's, as csv reads it: _read_csv_arrow_parts checked)
    if table.num_rows and quoting != csv.QUOTE_NONE:
        # A quote that opens the last field of the last row and never closes (a literal 5" earlier can make the
        # count even) runs to the end of the file: pyarrow takes it, the pandas path rejects that row.
        # The file can also end in a quote that opens that field (its value is then the line break after it,
        # ``...,"\n``): the value is the file's tail right after a quote. A value holding a quote is not compared
        # (doubled in the file): pandas decides.
        last = table.column(len(names) - 1)[table.num_rows - 1].as_py()
        if last and ("\n" in last or "\r" in last):
            end, tail = _rstripped_end(data, b" \t\r\n"), b'"' + last.encode("utf-8")
            runs_on = ('"' in last or end == 0 or data[end - 1:end] != b'"'  # (data is bytes or a memory map)
                       or (len(data) >= len(tail) and data[len(data) - len(tail):] == tail))
        else:
            runs_on = False
        if runs_on:
            logger.info("the last row's last field runs to the end of the file; reading with pandas")
            return None
    return pd.DataFrame(
        {n: pd.arrays.ArrowStringArray(table.column(i)) for i, n in enumerate(names)},
        index=pd.RangeIndex(table.num_rows),
    )


def _read_csv_arrow_parts(data: bytes | mmap.mmap, start: int, first: bytes, sep: str, quoting: int,
                          quotes: concurrent.futures.Future | None, pool: concurrent.futures.Executor, *,
                          valid_utf8: bool = False) -> Any:
    """:func:`_read_csv_arrow`'s parse: the pyarrow table of the CSV (in two parts on ``pool`` and here when
    :func:`_csv_halfway` finds a cut), or None for the pandas path (the header's names, an odd quote count --
    ``quotes``, a future of it, None for unquoted CSV -- or pyarrow declining). ``valid_utf8``: see
    :func:`_read_csv_arrow`."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        names = next(csv.reader([first.decode("utf-8")], delimiter=sep, quoting=quoting))
    except (csv.Error, StopIteration, UnicodeDecodeError):
        return None
    if len(names) < 2 or len(set(names)) != len(names) or any(not n for n in names):
        return None
    parse_options = pacsv.ParseOptions(
        delimiter=sep, quote_char=False if quoting == csv.QUOTE_NONE else '"', double_quote=True,
        newlines_in_values=quoting != csv.QUOTE_NONE, ignore_empty_lines=True,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={n: pa.large_string() for n in names}, null_values=[""], strings_can_be_null=True,
        quoted_strings_can_be_null=True, check_utf8=not valid_utf8,
    )

    def read(a: int, b: int, header: bool) -> Any:
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(memoryview(data)[a:b])),
            read_options=pacsv.ReadOptions(block_size=ARROW_CSV_BLOCK, use_threads=ARROW_CSV_THREADS,
                                           column_names=None if header else names),
            parse_options=parse_options, convert_options=convert_options,
        )

    try:
        cut = _csv_halfway(data, start, sep, quoting)
        if quotes is not None and quotes.result() % 2:
            return None
        if cut < 0:
            table = read(start, len(data), True)
        else:  # the rows after the cut on the second thread (the parse releases the GIL), the header and rows before here
            later = pool.submit(read, cut, len(data), False)
            try:
                head_part = read(start, cut, True)
            finally:
                tail_part = later.result()  # (raises the second half's error, after it stopped)
            table = pa.concat_tables([head_part, tail_part]) if head_part.column_names == names else head_part
            del head_part, tail_part
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        logger.info("pyarrow CSV reader declined (%s); reading with pandas", str(exc).splitlines()[0][:200])
        return None
    if table.column_names != names:
        return None
    return table


def _count_byte(data: bytes, byte: bytes) -> int:
    """``data.count(byte)`` for one byte, by numpy a window at a time: 500 MB in ~0.035 CPU s against 0.147
    (Python's ``bytes.count``), with a temporary mask of one :data:`_SCAN_WINDOW` at most.

    >>> _count_byte(b'a,"b",c""', b'"')
    4
    """
    if len(byte) != 1:
        raise ValueError("_count_byte counts one byte")
    core = _store_core()
    if core is not None and hasattr(core, "count_byte"):  # one SSE2 pass without the GIL (~4x numpy's)
        return int(core.count_byte(data, byte[0]))
    view = np.frombuffer(data, dtype=np.uint8)
    b = byte[0]
    return sum(int(np.count_nonzero(view[i:i + _SCAN_WINDOW] == b)) for i in range(0, len(view), _SCAN_WINDOW))


def _first_row_too_long(data: bytes, enc: str, sep: str, quoting: int) -> bool:
    """Whether the first data row has more fields than the header (read with ``csv`` as the row-by-row path does).

    pandas' C parser reads such a file with its first column as the index, every column of every row shifted one
    to the left (a rating read from the title, ...), or with ``index_col=False`` drops that row's extra fields
    without a word; :func:`_read_csv` sends the file to the row-by-row path instead, which rejects that row as it
    rejects any other too-long row.

    >>> _first_row_too_long(b"a,b\\n1,2,3\\n4,5\\n", "utf-8", ",", csv.QUOTE_MINIMAL)
    True
    """
    text = (io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="replace", newline="")
            if enc in ("utf-8", "utf-8-sig") else io.StringIO(_text(data, enc)))
    try:
        rows = (rec for rec in csv.reader(text, delimiter=sep, quoting=quoting) if rec and rec != [""])
        header, first = next(rows, None), next(rows, None)
    except csv.Error:
        return True  # the row-by-row path reports where the CSV stops parsing
    return header is not None and first is not None and len(first) > len(header)


def _runaway_quote(lines: list[str], first: int, end: int, rec: list[str], header: list[str], sep: str,
                   quoting: int) -> str | None:
    """Why a record read over physical lines ``first``..``end`` is a quote that runs on, or None if it is a row.

    A quote opened in a field and never closed makes ``csv`` read every later line of the file into that one
    field: the rows after it would vanish inside one reject. Two cases are certain: the record runs to the end of
    the file inside an open quote (``csv`` in strict mode says "unexpected end of data"), or a record spread over
    several lines has another field count than the header (a quote opened on one row and closed by a stray quote
    on a later one; this path reads every file with an odd number of quote characters). Then the record's first line is rejected with this reason and the lines after it are read as rows
    again. A quoted field with line breaks that closes and has the header's field count is a row, as before.

    >>> _runaway_quote(['1,"a\\n', '2,b\\n'], 0, 2, ['1', 'a\\n2,b\\n'], ['id', 'text'], ",", csv.QUOTE_MINIMAL)[:30]
    'a quote opened in this row is '
    >>> _runaway_quote(['1,"a\\n', 'b"\\n'], 0, 2, ['1', 'a\\nb'], ['id', 'text'], ",", csv.QUOTE_MINIMAL) is None
    True
    """
    if end >= len(lines) and quoting != csv.QUOTE_NONE:
        try:
            for _ in csv.reader(iter(lines[first:end]), delimiter=sep, quoting=quoting, strict=True):
                pass
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                return ("a quote opened in this row is never closed (it would run to the end of the file); "
                        "the lines after it were read as rows")
    if len(rec) != len(header):
        return (f"row has {len(rec)} fields, the header has {len(header)}: a quote opened in this row runs over "
                f"{end - first} lines; the lines after it were read as rows")
    return None


def _read_csv(data: bytes, enc: str, sep: str, quoting: int, *,
              valid_utf8: bool = False) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, str, str]]]:
    """The frame of strings of CSV bytes, the source row numbers and the rows rejected (row number, text, reason).
    ``valid_utf8``: the caller has checked the whole of ``data`` is UTF-8 (see :func:`_read_csv_arrow`)."""
    fast = _read_csv_arrow(data, enc, sep, quoting, valid_utf8=valid_utf8)
    if fast is not None:
        return fast, np.arange(1, len(fast) + 1, dtype=np.int64), []
    data = _as_bytes(data)  # the pandas and row-by-row paths read bytes
    # UTF-8 goes to the C parser as bytes (much faster than a StringIO, and no whole-file str in memory)
    utf8 = enc in ("utf-8", "utf-8-sig")
    try:
        if _first_row_too_long(data, enc, sep, quoting):
            raise pd.errors.ParserError("the first row has more fields than the header")
        odd = quoting != csv.QUOTE_NONE and (_count_byte(data, b'"') if utf8 else _text(data, enc).count('"')) % 2
        if odd:  # a quote is never closed somewhere: the C parser would read on past it without a word
            raise pd.errors.ParserError("an odd number of quote characters")
        frame = pd.read_csv(
            io.BytesIO(data) if utf8 else io.StringIO(_text(data, enc)), sep=sep, dtype=str,
            encoding="utf-8-sig" if utf8 else None, encoding_errors="replace", keep_default_na=False,
            na_values=[""], quoting=quoting, engine="c", skip_blank_lines=True, index_col=False,
        )
        return _as_strings(frame), np.arange(1, len(frame) + 1, dtype=np.int64), []
    except pd.errors.ParserError as exc:
        logger.info("C parser failed (%s); re-reading row by row", exc)
    lines = io.StringIO(_text(data, enc)).readlines()
    header: list[str] | None = None
    good: list[list[str | None]] = []
    rows: list[int] = []
    bad: list[tuple[int, str, str]] = []
    n = 0
    start = 0  # the physical line the reader starts at; moves past a row whose quote runs on (see below)
    while True:
        reader = csv.reader(iter(lines[start:]) if start else iter(lines), delimiter=sep, quoting=quoting)
        restart: int | None = None
        seen = 0  # lines the reader has consumed before the current record
        try:
            for rec in reader:
                first, seen = start + seen, reader.line_num
                if not rec or rec == [""]:
                    continue
                if header is None:
                    header = rec
                    continue
                n += 1
                if reader.line_num > first - start + 1:  # the record ran over more than one physical line
                    why = _runaway_quote(lines, first, start + reader.line_num, rec, header, sep, quoting)
                    if why:
                        bad.append((n, lines[first].rstrip("\r\n")[:500], why))
                        restart = first + 1
                        break
                if len(rec) > len(header):
                    bad.append((n, sep.join(rec)[:500], f"row has {len(rec)} fields, the header has {len(header)}"))
                    continue
                good.append([v if v != "" else None for v in rec] + [None] * (len(header) - len(rec)))
                rows.append(n)
        except csv.Error as exc:
            bad.append((n + 1, "", f"CSV could not be parsed from here on: {exc}"))
        if restart is None:
            break
        logger.info("row %d: a quote is never closed; reading on from line %d as rows", n, restart + 1)
        start = restart
    frame = pd.DataFrame(good, columns=header or []).astype("string")
    return frame, np.asarray(rows, dtype=np.int64), bad


def _load(name: str, data: bytes, fmt: Format | None) -> _Raw:
    """Read bytes into a frame of strings, detecting compression, container and encoding."""
    blank = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    head = data[:65536]  # ``bytes`` even when ``data`` is a memory map (see _open_mapped)
    if not head.strip(blank) and not _as_bytes(data).strip(blank):  # (copied whole only if its head is blank)
        raise _fail(name, f"file is empty; {_EXPECTED}")
    if head.startswith(b"\x1f\x8b"):
        try:
            return _load(name, gzip.decompress(data), fmt)
        except (OSError, EOFError) as exc:
            raise _fail(name, f"gzip data cannot be decompressed ({exc}); {_EXPECTED}") from None
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise _fail(name, f"this is {what}, not a review export; {_EXPECTED}")
    lower = name.lower()
    if head.startswith(b"PAR1"):
        try:
            frame = pd.read_parquet(io.BytesIO(_as_bytes(data)))
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise _fail(name, f"Parquet file cannot be read ({exc}); {_EXPECTED}") from None
        return _Raw(name, _as_strings(frame), np.arange(1, len(frame) + 1), "parquet", None, [])
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        try:
            frame = pd.read_excel(io.BytesIO(_as_bytes(data)), dtype=str, sheet_name=0)
        except Exception as exc:  # openpyxl/zipfile raise several types
            raise _fail(name, f"not a readable Excel workbook ({type(exc).__name__}: {exc}); {_EXPECTED}") from None
        frame = frame.dropna(how="all")
        rows = frame.index.to_numpy(dtype=np.int64) + 1
        return _Raw(name, _as_strings(frame.reset_index(drop=True)), rows, "excel", None, [])
    enc, sample = _encoding(name, data)
    first = sample.lstrip("\ufeff \t\r\n")
    if first[:1] in "[{" or lower.endswith((".json", ".jsonl", ".ndjson")):
        return _load_json(name, _text(data, enc).lstrip("\ufeff \t\r\n"), enc, lower)
    sep, quoting = csv_dialect(first, fmt)
    # (_encoding says "utf-8" only after checking every byte of data)
    frame, rows, bad = _read_csv(data, enc, sep, quoting, valid_utf8=enc == "utf-8")
    return _Raw(name, frame, rows, "csv", enc, bad)


def csv_dialect(first: str, fmt: Format | None) -> tuple[str, int]:
    """The delimiter and ``csv`` quoting constant a CSV/TSV export is read with, from its decoded start.

    ``first`` is the decoded text from the header row on; ``fmt`` is a forced format (``None``: the format
    detected from the header may choose its own dialect, e.g. the Amazon TSV has no quoting). Used by
    :func:`read_reviews` and by the store's incremental re-ingest (``reviewtools.incremental``), so both split
    a file the same way.

    >>> csv_dialect("Stars;Review;Date\\n5;Great;2024-01-15", None) == (";", csv.QUOTE_MINIMAL)
    True
    """
    read = dict(fmt.read) if fmt else {}
    sep = read.get("sep") or _sniff_delimiter(first)
    quoting = csv.QUOTE_NONE if read.get("quoting") == "none" else csv.QUOTE_MINIMAL
    if fmt is None:  # let the detected format choose its own dialect (e.g. the Amazon TSV has no quoting)
        header = next(csv.reader([first.split("\n", 1)[0]], delimiter=sep), [])
        det = detect_format(header, "csv")
        if det.format.read:
            sep = det.format.read.get("sep", sep)
            quoting = csv.QUOTE_NONE if det.format.read.get("quoting") == "none" else quoting
    return sep, quoting


def _load_json(name: str, text: str, enc: str, lower: str) -> _Raw:
    bad: list[tuple[int, str, str]] = []
    doc: Any = None
    is_lines = lower.endswith((".jsonl", ".ndjson"))
    if not is_lines:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            if "Extra data" not in exc.msg:
                if text.count("\n") < 1:
                    raise _fail(name, f"not valid JSON ({exc}); {_EXPECTED}") from None
            is_lines = True
    if not is_lines:
        records = _records_from_json(doc, name)
        frame, rows = _frame_from_records(records, range(1, len(records) + 1), bad)
        return _Raw(name, frame, rows, "json", enc, bad)
    records, rows = [], []
    n = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        n += 1
        try:
            records.append(json.loads(line))
            rows.append(n)
        except json.JSONDecodeError as exc:
            bad.append((n, line[:500], f"line is not valid JSON: {exc.msg}"))
    if n and len(bad) == n:
        raise _fail(name, f"no line is valid JSON (first: {bad[0][2]}); {_EXPECTED}")
    frame, good_rows = _frame_from_records(records, rows, bad)
    return _Raw(name, frame, good_rows, "jsonl", enc, bad)


# ------------------------------------------------------------------------------------------- parsing


def clean_text(values: pd.Series) -> pd.Series:
    """Clean review text: line-break tags to ``\\n``, inline tags dropped, entities decoded, trimmed.

    >>> clean_text(pd.Series(["Great!<br />Works &amp; fits. ", None])).tolist()
    ['Great!\\nWorks & fits.', <NA>]
    """
    s = values.astype("string")
    pieces = _clean_pieces(s)
    if pieces is not None:
        out, patched = pieces
        return _take_joined(out, None) if patched else out
    if len(s) <= CLEAN_BLOCK:
        return _clean_block(s)
    # row by row the same result; a block at a time, so the intermediate copies are of one block, not the column
    return pd.concat([_clean_block(s.iloc[i : i + CLEAN_BLOCK]) for i in range(0, len(s), CLEAN_BLOCK)])


#: The columns :func:`clean_text` cleans in :func:`_map_file` (their rows are taken by :func:`_take_joined`).
CLEANED: Final[tuple[str, ...]] = ("title", "text", "reply_text", "product_title")


def _clean_marks(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The rows of an Arrow-backed ``string`` Series that :func:`_clean_pieces` looks at: those holding ``<``, ``&``
    or a carriage return (``s.str.contains(r"[<&\r]", regex=True, na=False)``, by bytes), and those
    :func:`_strip` may change (:func:`_strip_need`). Numpy scans of the bytes: run on a second thread by
    :func:`_map_file` while it parses the ratings."""
    chunks = _arrow_chunks(s)
    if not chunks:  # (not Arrow-backed: _clean_pieces does not use them)
        return np.zeros(len(s), dtype=bool), np.zeros(len(s), dtype=bool)
    return _contains_bytes(s, b"<&\r"), np.concatenate([_strip_need(c) for c in chunks])


#: Whether :func:`_map_file` (for :func:`read_reviews`) scans the texts' bytes for :func:`_clean_pieces` and parses
#: the dates on a second thread while it parses the ratings and cleans the texts.
MAP_THREAD: Final[bool] = True


def _clean_pieces(s: pd.Series, marks: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[pd.Series, bool] | None:
    """:func:`clean_text` of an Arrow-backed ``string`` Series without copying it: the values that cleaning
    changes are computed apart and the result's Arrow chunks are slices of ``s``'s own chunks with one-row arrays
    of the changed values between them (and ``True``); ``s`` itself (and ``False``) when nothing changes; ``None``
    for any other Series.

    Cleaning a million review texts changed ~12,000 of them (an entity, a tag), yet replacing them copied the whole
    column (370 MB of fresh pages: ~0.3-0.8 CPU s, mostly the kernel zeroing them); the slices cost nothing, and
    :func:`_take_joined` copies the rows once when the duplicates are dropped (it had to copy them there anyway).
    Row by row the same values as :func:`_clean_block` (tests compare them): markup rows are cleaned, every row
    is stripped, and a row is replaced only where the result differs. ``marks``: :func:`_clean_marks` of ``s``,
    when the caller has it already.
    """
    chunks = _arrow_chunks(s)
    if chunks is None:
        return None
    import pyarrow as pa

    typ = s.array._pa_array.type
    mask, need = _clean_marks(s) if marks is None else marks
    todo = mask | need
    if not todo.any():
        return s, False
    import pyarrow.compute as pc

    orig = s.array._pa_array.filter(pa.array(todo))  # the rows looked at, in order (Arrow, no pandas indexing)
    marked = mask[todo]
    if marked.any():
        # Each step of _clean_block only on the values holding the character it acts on (a value without "<" has no
        # tag, one without "&" no entity; no step brings in a "<" or "&"), as Python strings: the same calls
        # _clean_block's pandas methods make (``str.replace`` for the line ends, Arrow's literal replacement; the
        # compiled regexes, which pandas runs with Python's ``re``; ``html.unescape``, which changes nothing in a
        # value without an "&"), without a pandas Series per step and its masked assignments.
        # Only the values the cleaning changed, and those _strip may change (``need``), go back to Arrow and through
        # _strip: any other value is its own cleaning and has no edge _strip trims, so it stays as it is (of the
        # ~35,700 values a million texts mark, ~2/3 are unchanged: an "&" or "<" that is no entity or tag).
        # html.unescape changes nothing in a value without an entity's start (``_ENTITY_START``: "&" and a character
        # that can follow it in one, a superset of unescape's own pattern), which Arrow finds in all values at once;
        # a value with a "<" is unescaped whenever it holds an "&" (dropping a tag can join the two).
        values = orig.to_pylist()
        entity = pc.match_substring_regex(orig, _ENTITY_START).to_numpy(zero_copy_only=False)
        redo = need[todo]  # (a copy)
        for i in np.flatnonzero(marked).tolist():
            v = w = values[i]
            if "\r" in v:
                v = v.replace("\r\n", "\n").replace("\r", "\n")
            if "<" in v:
                v = _INLINE_TAG.sub("", _BR.sub("\n", v))
                if "&" in v:
                    v = html.unescape(v)
            elif "&" in v and entity[i]:
                v = html.unescape(v)
            if v != w:
                values[i] = v
                redo[i] = True
        at = np.flatnonzero(redo)
        sub = pa.chunked_array([pa.array([values[i] for i in at.tolist()], type=typ)], type=typ)
        orig = orig.filter(pa.array(redo))
    else:
        at = None
        sub = orig
    sub = _strip(pd.Series(pd.arrays.ArrowStringArray(sub), copy=False)).array._pa_array
    changed = pc.fill_null(pc.not_equal(sub, orig), False).to_numpy(zero_copy_only=False)  # (missing stays missing)
    if not changed.any():
        return s, False
    pos = np.flatnonzero(todo)[changed] if at is None else np.flatnonzero(todo)[at[changed]]
    vals = sub.filter(pa.array(changed)).combine_chunks()
    out, at, k = [], 0, 0
    for chunk in chunks:
        n = len(chunk)
        j = int(np.searchsorted(pos, at + n))
        prev = 0
        for q in range(k, j):
            p = int(pos[q]) - at
            if p > prev:
                out.append(chunk.slice(prev, p - prev))
            out.append(vals.slice(q, 1))
            prev = p + 1
        if prev < n:
            out.append(chunk.slice(prev) if prev else chunk)
        k, at = j, at + n
    arr = pd.arrays.ArrowStringArray(pa.chunked_array(out, type=typ))
    res = pd.Series(arr, index=s.index, name=s.name, copy=False)
    _note_patches(res.array._pa_array, chunks, pos, vals)
    return res, True


#: The Arrow arrays :func:`_clean_pieces` built from slices: ``id(array)`` -> (a weak reference to it, the source's
#: chunks, the changed rows' positions, their values as one array). The entry goes when the array does. With it,
#: :func:`_patched_arrays` takes rows from the source's few chunks and the changed values in one native pass,
#: instead of walking the ~24,000 slices of a million cleaned texts (:func:`_take_joined_later`, :func:`_masked`).
_PATCHES: dict[int, tuple[Any, list[Any], np.ndarray, Any]] = {}


def _note_patches(arr: Any, chunks: list[Any], pos: np.ndarray, vals: Any) -> None:
    key = id(arr)

    def gone(ref: Any, key: int = key) -> None:
        entry = _PATCHES.get(key)
        if entry is not None and entry[0] is ref:
            _PATCHES.pop(key, None)

    _PATCHES[key] = (weakref.ref(arr, gone), list(chunks), pos, vals)


def _patched_arrays(s: pd.Series, keep: np.ndarray | None, pool: concurrent.futures.Executor | None = None, *,
                    plain: bool = False) -> list[Any] | None:
    """The rows ``keep`` (every row when None) of a Series :func:`_clean_pieces` built from slices (``plain``: or of
    any Arrow-backed large_string Series, as it is), as Arrow arrays of about :data:`ARROW_CSV_BLOCK` bytes or more
    (futures of them when ``pool`` is given), one copy made by ``_storecore.patched_take`` (GIL-free) from the
    source's chunks and the changed values; None when the Series is none of those (or its layout is not the one
    handled: large_string, no missing changed value) or the module is not built."""
    arr = getattr(s.array, "_pa_array", None)
    if arr is None:
        return None
    entry = _PATCHES.get(id(arr))
    if entry is not None and entry[0]() is arr:
        _, chunks, pos, vals = entry
    elif plain and _arrow_chunks(s) is not None:
        chunks, pos, vals = arr.chunks, np.zeros(0, dtype=np.int64), None
    else:
        return None
    core = _store_core()
    if core is None or not hasattr(core, "patched_take"):
        return None
    import pyarrow as pa

    typ = arr.type
    if (not pa.types.is_large_string(typ) or (vals is not None and (vals.type != typ or vals.null_count))
            or any(c.type != typ for c in chunks)):
        return None
    if keep is not None and len(keep) != len(s):
        return None
    lens = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks))
    ends = np.cumsum(lens)
    starts = ends - lens
    q0 = np.searchsorted(pos, starts).tolist()
    q1 = np.searchsorted(pos, ends).tolist()
    pos64 = pos.astype(np.int64, copy=False)
    if vals is not None:
        vbufs = vals.buffers()
        voffs, vdata, vfirst = vbufs[1], vbufs[2] if vbufs[2] is not None else b"", vals.offset
    else:
        voffs, vdata, vfirst = b"", b"", 0
    if keep is not None:
        keep8 = np.ascontiguousarray(keep, dtype=bool).view(np.uint8)
        kept_at = np.flatnonzero(keep8)
        held = (np.searchsorted(kept_at, ends) - np.searchsorted(kept_at, starts)).tolist()  # kept rows per chunk
    groups: list[list[tuple[tuple[Any, ...], tuple[int, int, int]]]] = [[]]
    size = 0
    for c, chunk in enumerate(chunks):
        n, at = int(lens[c]), int(starts[c])
        if not n:
            continue
        if keep is not None:
            if not held[c]:
                continue
            k = keep8[at:at + n].tobytes() if held[c] < n else b""
        else:
            k = b""
        bufs = chunk.buffers()
        if bufs[1] is None:
            return None
        rows = (pos64[q0[c]:q1[c]] - at).tobytes()
        args = (bufs[1], bufs[2] if bufs[2] is not None else b"", bufs[0] if bufs[0] is not None else b"",
                chunk.offset, n, k, rows, voffs, vdata, vfirst + q0[c])
        sizes = core.patched_take(*args, None, None, None)  # (checks the layout: None, and nothing is taken)
        if sizes is None:
            return None
        if size >= ARROW_CSV_BLOCK:
            groups.append([])
            size = 0
        groups[-1].append((args, sizes))
        size += sizes[1] + 8 * sizes[0]  # (data and offsets: the bytes Arrow's nbytes counts)
    return [pool.submit(_patched_array, core, typ, g) if pool is not None else _patched_array(core, typ, g)
            for g in groups if g]


def _patched_array(core: Any, typ: Any, group: list[tuple[tuple[Any, ...], tuple[int, int, int]]]) -> Any:
    """One array of :func:`_patched_arrays`: the rows of a run of source chunks (each chunk's arguments to
    ``patched_take`` and its sizes from the first call), in buffers from Arrow's allocator (which reuses the memory
    of freed arrays) filled by ``patched_take``."""
    import pyarrow as pa

    m = sum(g[1][0] for g in group)
    total = sum(g[1][1] for g in group)
    nulls = sum(g[1][2] for g in group)
    offs, data = pa.allocate_buffer((m + 1) * 8), pa.allocate_buffer(total)
    _populate(data)
    _populate(offs)
    valid = bytearray((m + 7) // 8) if nulls else None  # (zeroed: the bits of valid values are set)
    with memoryview(offs) as mo, memoryview(data) as md:
        row = at = 0
        for args, (rm, rbytes, _) in group:
            if core.patched_take(*args, mo[row * 8:(row + rm + 1) * 8], md[at:at + rbytes], valid, at, row) != rm:
                raise ValueError("patched_take refused the buffers it sized")  # (not reached)
            row, at = row + rm, at + rbytes
    return pa.Array.from_buffers(typ, m, [None if valid is None else pa.py_buffer(valid), offs, data],
                                 null_count=nulls)


#: Whether :func:`_patched_array` asks the kernel for a fresh buffer's pages in one call (``madvise`` with
#: ``MADV_POPULATE_WRITE``, Linux 5.14+; refused, and nothing done, elsewhere) before ``patched_take`` fills it,
#: instead of one page fault per 4 KiB page as the copy first writes each (transparent huge pages are off while
#: ``read_reviews`` runs: :data:`HUGE_PAGES_OFF`). The final copy of a million kept texts (~350 MB, ~88k pages)
#: faults ~0.2 CPU s of system time; 350 MB of fresh Arrow buffer written whole: 0.20-0.25 -> 0.14-0.185 CPU s.
POPULATE_WRITE: Final[bool] = True
_MADV_POPULATE_WRITE: Final[int] = 23  # linux/mman.h
#: Buffers smaller than this are left to the faults (a call per buffer is not worth it).
_POPULATE_MIN: Final[int] = 1 << 20


def _populate(buf: Any) -> None:
    """Prefault the pages of a fresh, writable Arrow buffer (see :data:`POPULATE_WRITE`); its bytes are unchanged.

    >>> import pyarrow as pa
    >>> b = pa.allocate_buffer(3 << 20); _populate(b); b.size
    3145728
    """
    madvise = _madvise() if POPULATE_WRITE else None
    size = buf.size
    if madvise is None or size < _POPULATE_MIN:
        return
    page = mmap.PAGESIZE
    start = (buf.address + page - 1) // page * page
    end = (buf.address + size) // page * page
    if end > start:
        madvise(start, end - start, _MADV_POPULATE_WRITE)  # (-1 on a kernel without it: the faults as before)


@functools.lru_cache(maxsize=1)
def _madvise() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        fn = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):  # pragma: no cover - no libc symbol
        return None
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    return fn


def _has_patches(s: pd.Series) -> bool:
    """Whether ``s`` is a Series :func:`_clean_pieces` built from slices that :func:`_patched_arrays` can take."""
    arr = getattr(s.array, "_pa_array", None)
    entry = _PATCHES.get(id(arr)) if arr is not None else None
    return entry is not None and entry[0]() is arr and _store_core() is not None


def _masked(s: pd.Series, keep: np.ndarray) -> pd.Series:
    """``s[keep]`` for a numpy bool mask; by :func:`_patched_arrays` (joined, one pass) where it applies."""
    arrays = _patched_arrays(s, keep)
    if arrays is None:
        return s[keep]
    import pyarrow as pa

    typ = s.array._pa_array.type
    joined = pa.chunked_array([pa.concat_arrays(arrays)] if len(arrays) > 1 else arrays, type=typ)
    return pd.Series(pd.arrays.ArrowStringArray(joined), index=s.index[keep], name=s.name, copy=False)


#: What an HTML entity can start with (``html.unescape`` changes nothing in a text without a match).
_ENTITY_START: Final[str] = r"&[^\t\n\f <&;]"


def _take_joined(s: pd.Series, keep: np.ndarray | None) -> pd.Series:
    """``s[keep]`` (every row when ``keep`` is None) of an Arrow-backed ``string`` Series, its chunks joined into
    arrays of about :data:`ARROW_CSV_BLOCK` bytes or more: one copy of the rows kept, whatever the chunks were (the
    many slices of :func:`_clean_pieces`; a chunk is only sliced around its dropped rows, never filtered). Other
    Series: ``s[keep]``.

    The chunks are walked with plain integers worked out beforehand by numpy (their lengths, the dropped rows of
    each): the ~24,000 slices of a million cleaned texts cost ~0.5 CPU s per take when each was tested on its own.

    >>> _take_joined(pd.Series(["a", "b", None, "d"], dtype="string"), np.array([True, False, True, True])).tolist()
    ['a', <NA>, 'd']
    """
    return _take_joined_later(s, keep, None)()


def _take_joined_later(s: pd.Series, keep: np.ndarray | None, pool: concurrent.futures.Executor | None,
                       index: pd.Index | None = None) -> Callable[[], pd.Series]:
    """:func:`_take_joined`, its joins (``pa.concat_arrays``, which copies without the GIL) handed to ``pool`` when one
    is given: the slices are cut here, and the returned function waits for the joins and gives the Series.
    ``index``: ``s.index[keep]`` when the caller has it (a million-row mask of the index costs ~0.01 s a column)."""
    chunks = _arrow_chunks(s)
    if chunks is None:
        taken = s if keep is None else s[keep]
        return lambda: taken
    import pyarrow as pa

    patched = _patched_arrays(s, keep, pool, plain=True)
    if patched is not None:  # the source's chunks and the changed values, one native copy per source chunk
        ptyp, pname = s.array._pa_array.type, s.name
        pindex = index if index is not None else (s.index if keep is None else s.index[keep])

        def joined() -> pd.Series:
            arrays = [a.result() if isinstance(a, concurrent.futures.Future) else a for a in patched]
            patched.clear()
            return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(arrays, type=ptyp)), index=pindex,
                             name=pname, copy=False)

        return joined

    def join(group: list[Any]) -> Any:  # (the group passed, not looked up when the thread runs)
        return _joined_arrays(group) if pool is None else pool.submit(_joined_arrays, group)

    lens = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks))
    starts = np.cumsum(lens) - lens
    gone = np.zeros(0, dtype=np.int64) if keep is None else np.flatnonzero(~keep)
    per_chunk = np.bincount(np.searchsorted(starts + lens, gone, side="right"), minlength=len(chunks))
    # The groups: runs of chunks of about ARROW_CSV_BLOCK bytes, reckoned from their rows and the bytes per row of a
    # sample of chunks (asking each of the ~24k chunks of a million cleaned texts for its nbytes took ~0.13 CPU s); a
    # chunk goes to the group in which it starts. Only the chunks with dropped rows (or none) are looked at one by one.
    sample = chunks[::max(1, len(chunks) // 64)]  # (nbytes of a few dozen chunks: the bytes per row)
    per_row = sum(c.nbytes for c in sample) / max(sum(map(len, sample)), 1)
    before = starts * per_row
    cuts = (np.flatnonzero(np.diff(before // ARROW_CSV_BLOCK)) + 1).tolist()
    touched = np.flatnonzero((per_chunk > 0) | (lens == 0)).tolist()  # (an empty chunk is left out)
    first_gone = (np.cumsum(per_chunk) - per_chunk).tolist()
    gone_at = gone.tolist()
    out: list[Any] = []
    t = 0
    for a, b in zip([0, *cuts], [*cuts, len(chunks)]):
        group: list[Any] = []
        at = a
        while t < len(touched) and touched[t] < b:
            c = touched[t]
            group.extend(chunks[at:c])
            chunk, n, start, k, q = chunks[c], int(lens[c]), int(starts[c]), int(per_chunk[c]), first_gone[c]
            if k < n:  # the runs between its dropped rows (none when every row is dropped)
                prev = 0
                for p in gone_at[q:q + k]:
                    p -= start
                    if p > prev:
                        group.append(chunk.slice(prev, p - prev))
                    prev = p + 1
                if prev < n:
                    group.append(chunk.slice(prev))
            at, t = c + 1, t + 1
        group.extend(chunks[at:b])
        if group:
            out.append(join(group))
    typ = s.array._pa_array.type
    if index is None:
        index = s.index if keep is None else s.index[keep]
    name = s.name

    def series() -> pd.Series:
        arrays = [a.result() if isinstance(a, concurrent.futures.Future) else a for a in out]
        out.clear()
        return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(arrays, type=typ)), index=index, name=name,
                         copy=False)

    return series


def _joined_arrays(group: list[Any]) -> Any:
    """One Arrow array of the arrays in ``group`` (the array itself when it is alone)."""
    import pyarrow as pa

    return group[0] if len(group) == 1 else pa.concat_arrays(group)


#: Rows :func:`clean_text` cleans at a time (each step copies the strings it changes: a million review texts
#: are about 370 MB per copy, a block of this many about 37 MB).
CLEAN_BLOCK: Final[int] = 100_000


def _clean_block(s: pd.Series) -> pd.Series:
    mask = _contains_bytes(s, b"<&\r")  # s.str.contains(r"[<&\r]", regex=True, na=False), by bytes
    if mask.any():
        sub = s[mask].str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
        sub = sub.str.replace(_BR, "\n", regex=True).str.replace(_INLINE_TAG, "", regex=True)
        s = s.copy()
        s[mask] = sub.map(html.unescape).astype("string")
    return _strip(s)


#: Bytes of a string column scanned at a time by :func:`_contains_bytes` (bounds its temporary masks).
_SCAN_WINDOW: Final[int] = 1 << 20  # 1 MiB: the masks stay in cache (16 MiB windows: ~1.9x the time)


def _arrow_chunks(s: pd.Series) -> list[Any] | None:
    """The Arrow chunks behind a ``string[pyarrow]`` Series (string or large_string), or None for any other."""
    if not isinstance(s.array, pd.arrays.ArrowStringArray) or s.dtype != pd.StringDtype("pyarrow"):
        return None
    import pyarrow as pa

    data = s.array._pa_array  # the same (immutable) Arrow data the Series holds, no copy
    if not (pa.types.is_string(data.type) or pa.types.is_large_string(data.type)):  # (every chunk has its type)
        return None
    return data.chunks


def _chunk_layout(chunk: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offsets as int64, UTF-8 data bytes, valid mask) of one Arrow string chunk, as numpy views where possible."""
    import pyarrow as pa

    n = len(chunk)
    bufs = chunk.buffers()
    odt = np.dtype(np.int64 if pa.types.is_large_string(chunk.type) else np.int32)
    offs = np.frombuffer(bufs[1], dtype=odt, count=n + 1, offset=chunk.offset * odt.itemsize).astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None and bufs[2].size else np.empty(0, np.uint8)
    valid = (np.ones(n, dtype=bool) if chunk.null_count == 0
             else chunk.is_valid().to_numpy(zero_copy_only=False))
    return offs, data, valid


def _contains_bytes(s: pd.Series, chars: bytes) -> np.ndarray:
    """Rows of ``s`` holding any of the ASCII ``chars`` (missing: False), as a numpy bool array.

    The same as ``s.str.contains("[" + chars + "]", regex=True, na=False)``: an ASCII byte never occurs inside a
    multi-byte UTF-8 sequence, so the Arrow data bytes are searched directly and each hit is placed in its row
    by the offsets (about 5x faster than the regex kernel on a million review texts).

    >>> _contains_bytes(pd.Series(["a<b", "ab", None, "&"], dtype="string"), b"<&").tolist()
    [True, False, False, True]
    """
    chunks = _arrow_chunks(s)
    if chunks is None or any(c >= 0x80 for c in chars):
        pattern = "[" + re.escape(chars.decode("ascii")) + "]"
        return _bool(s.str.contains(pattern, regex=True, na=False))
    import pyarrow as pa

    core = _store_core()
    native = core is not None and hasattr(core, "rows_with_bytes") and 1 <= len(chars) <= 4
    out = []
    for chunk in chunks:
        if native:  # _storecore.rows_with_bytes: one SSE2 pass, a row left at its first hit (~10x numpy's scan)
            bufs = chunk.buffers()
            got = core.rows_with_bytes(bufs[1], bufs[2] if bufs[2] is not None else b"",
                                       8 if pa.types.is_large_string(chunk.type) else 4, chunk.offset, len(chunk),
                                       chars) if bufs[1] is not None else None
            if got is not None:
                hit = np.frombuffer(got, dtype=np.uint8).view(bool)
                out.append(hit if chunk.null_count == 0 else hit & chunk.is_valid().to_numpy(zero_copy_only=False))
                continue
        offs, data, valid = _chunk_layout(chunk)
        hit = np.zeros(len(chunk), dtype=bool)
        lo, hi = int(offs[0]), int(offs[-1])
        any_of = np.empty(min(_SCAN_WINDOW, max(hi - lo, 0)), dtype=bool)  # masks reused window after window
        one = np.empty_like(any_of)
        for start in range(lo, hi, _SCAN_WINDOW):
            win = data[start:min(hi, start + _SCAN_WINDOW)]
            found, tmp = any_of[:len(win)], one[:len(win)]
            np.equal(win, chars[0], out=found)
            for c in chars[1:]:
                found |= np.equal(win, c, out=tmp)
            pos = np.flatnonzero(found)
            if len(pos):
                hit[np.searchsorted(offs, pos + start, side="right") - 1] = True
        out.append(hit & valid)
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def _strip(s: pd.Series) -> pd.Series:
    """``s.str.strip()``, with Arrow's Unicode trim run only on the values that can change.

    A value can only lose whitespace if its first or last byte is ASCII whitespace/control (<= 0x20) or part of
    a non-ASCII character (>= 0x7F); every other value is kept as it is, and the Arrow chunks without such a value
    are not copied at all (stripping a million review texts: ~0.85 CPU s for the kernel on every value).

    >>> _strip(pd.Series([" a ", "b", None, "c\u00a0"], dtype="string")).tolist()
    ['a', 'b', <NA>, 'c']
    """
    chunks = _arrow_chunks(s)
    if chunks is None:
        return s.str.strip()
    import pyarrow as pa
    import pyarrow.compute as pc

    new = []
    for chunk in chunks:
        need = _strip_need(chunk)
        if need.any():
            mask = pa.array(need)
            chunk = pc.replace_with_mask(chunk, mask, pc.utf8_trim_whitespace(chunk.filter(mask)))
        new.append(chunk)
    arr = pd.arrays.ArrowStringArray(pa.chunked_array(new, type=s.array._pa_array.type))
    return pd.Series(arr, index=s.index, name=s.name, copy=False)


def _strip_need(chunk: Any) -> np.ndarray:
    """The values of one Arrow string chunk that :func:`_strip` must strip: first or last byte <= 0x20 or >= 0x7F.
    ``_storecore.strip_need`` (GIL-free, one pass over the offsets) where it is built: numpy's fancy indexing of the
    first and last bytes took 0.085 CPU s over four million-row columns that ``read_reviews`` strips, C 0.036."""
    core = _store_core()
    if core is not None and hasattr(core, "strip_need"):
        import pyarrow as pa

        bufs = chunk.buffers()
        got = core.strip_need(bufs[1], bufs[2] if bufs[2] is not None else b"",
                              8 if pa.types.is_large_string(chunk.type) else 4, chunk.offset,
                              len(chunk)) if bufs[1] is not None else None
        if got is not None:
            need = np.frombuffer(got, dtype=np.uint8).view(bool)
            return need if chunk.null_count == 0 else need & chunk.is_valid().to_numpy(zero_copy_only=False)
    offs, data, valid = _chunk_layout(chunk)
    full = offs[1:] > offs[:-1]
    need = np.zeros(len(chunk), dtype=bool)
    if full.any():
        first, last = data[offs[:-1][full]], data[offs[1:][full] - 1]
        need[full] = (first <= 0x20) | (first >= 0x7F) | (last <= 0x20) | (last >= 0x7F)
    return need & valid


def infer_rating_scale(values: pd.Series) -> tuple[float, float]:
    """Guess the rating scale of plain numbers: 1–5 unless enough values say otherwise.

    When at least ``SCALE_EVIDENCE_SHARE`` of the numbers are above 5, the scale is 1–10 (0–10 when a
    0 occurs) if the maximum is at most 10, else 0–100. A few stray 7s in a 1–5 file stay rejects.

    >>> infer_rating_scale(pd.Series([8.0, 10.0, 3.0, 9.0]))
    (1.0, 10.0)
    """
    nums = pd.to_numeric(values, errors="coerce").dropna()
    if nums.empty or (nums > 5).mean() < SCALE_EVIDENCE_SHARE:
        return (1.0, 5.0)
    if nums.max() <= 10:
        return (0.0, 10.0) if (nums == 0).any() else (1.0, 10.0)
    return (0.0, 100.0)


def to_five_stars(x: pd.Series, lo: float | pd.Series, hi: float | pd.Series) -> pd.Series:
    """Map ratings on ``[lo, hi]`` linearly onto 1–5 and round half up; out-of-scale values become NaN.

    >>> to_five_stars(pd.Series([1.0, 7.0, 9.0, 10.0, 11.0]), 1, 10).tolist()
    [1.0, 4.0, 5.0, 5.0, nan]
    """
    x = x.astype("float64")
    inside = (x >= lo - 1e-9) & (x <= hi + 1e-9)
    r = np.floor(1 + 4 * (x - lo) / (hi - lo) + 0.5 + 1e-9)
    return r.where(inside)


def _bool(mask: pd.Series) -> np.ndarray:
    """A plain numpy bool array from any pandas mask (NA counts as False)."""
    return mask.fillna(False).to_numpy(dtype=bool)


def _floats(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _floats_per_distinct(s: pd.Series) -> np.ndarray:
    """``_floats(s.str.replace(",", ".", regex=False))`` (decimal commas read as points), computed once per
    distinct value (missing included) and spread back by the factorize codes. ``pd.to_numeric`` reads each value
    on its own and picks its dtype from the set of values, which is the same set: the same numbers. A rating
    column holds a handful of distinct values; a million of them were parsed one by one (~0.2 CPU s).

    >>> _floats_per_distinct(pd.Series(["4", "4,5", None, "x", "4"], dtype="string")).tolist()
    [4.0, 4.5, nan, nan, 4.0]
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    if 2 * len(uniques) > len(s):  # mostly distinct: nothing to share
        return _floats(s.str.replace(",", ".", regex=False))
    distinct = pd.Series(uniques, dtype=s.dtype)
    return _floats(distinct.str.replace(",", ".", regex=False))[codes]


def _parse_rating(
    raw: pd.Series, fmt: Format, scale: tuple[float, float] | None
) -> tuple[pd.Series, pd.Series, tuple[float, float]]:
    s = _strip(raw.astype("string"))
    nums = pd.Series(_floats_per_distinct(s), index=s.index)
    stated = scale or fmt.rating_scale
    used_scale = stated or infer_rating_scale(nums)  # inference sees bare numbers only
    stars = to_five_stars(nums, *used_scale).to_numpy(dtype="float64", copy=True)
    missing = _bool(s.isna() | (s == ""))
    todo = np.isnan(nums.to_numpy()) & ~missing
    if todo.any():
        t = s[todo]
        words = {**{k.upper(): v for k, v in _WORD_NUMBERS.items() if len(k) > 2}, **fmt.rating_values}
        word = _floats(t.str.upper().map(words))
        frac = t.str.extract(_FRACTION)
        fx = pd.Series(_floats(frac[0].str.replace(",", ".", regex=False)), index=t.index)
        fn = pd.Series(_floats(frac[1].str.replace(",", ".", regex=False)), index=t.index)
        frac_stars = to_five_stars(fx, 1.0, fn.where(fn > 1)).to_numpy(dtype="float64")
        lead = pd.Series(_floats(t.str.extract(_LEADING_NUMBER)[0].str.replace(",", ".", regex=False)), index=t.index)
        # "4 stars" is on its stated star scale (1–5 unless a scale was declared), never the inferred one
        star_word = _bool(t.str.contains(_STAR_WORD))
        lead_scale = np.where(star_word, (stated or STAR_WORD_SCALE)[1], used_scale[1])
        lead_lo = np.where(star_word, (stated or STAR_WORD_SCALE)[0], used_scale[0])
        lead_stars = to_five_stars(lead, pd.Series(lead_lo, index=t.index), pd.Series(lead_scale, index=t.index))
        lead_stars = lead_stars.to_numpy(dtype="float64")
        glyph = t.str.count("★").to_numpy(dtype="float64", na_value=0.0)
        glyph_ok = _bool(t.str.fullmatch(r"\s*[★☆]+\s*")) & (glyph >= 1)
        got = np.where(np.isnan(word), np.where(np.isnan(frac_stars), lead_stars, frac_stars), word)
        got = np.where(glyph_ok, np.minimum(glyph, 5.0), got)
        stars[todo] = got
    reason = _constant_strings(None, s.index)
    bad = np.isnan(stars) & ~missing
    reason[missing] = "rating missing"
    reason[bad & ~np.isnan(nums.to_numpy())] = f"rating outside the {used_scale[0]:g}–{used_scale[1]:g} scale"
    reason[bad & np.isnan(nums.to_numpy())] = "rating not understood"
    return pd.Series(stars, index=s.index).astype("Int64"), reason, used_scale


def _slash_formats(values: pd.Series) -> tuple[str, ...]:
    parts = values.str.extract(r"^\s*(\d{1,2})/(\d{1,2})/\d{2,4}")
    a = pd.to_numeric(parts[0], errors="coerce")
    b = pd.to_numeric(parts[1], errors="coerce")
    if (a > 12).any() and not (b > 12).any():
        return _DAY_FIRST + _MONTH_FIRST
    # ambiguous values follow the file's order; an unambiguous one (a first number above 12) is day-first
    return _MONTH_FIRST + _DAY_FIRST


def parse_dates(values: pd.Series, formats: Sequence[str] = ()) -> pd.Series:
    """Parse a column of dates in mixed notations to UTC; what cannot be read becomes ``NaT``.

    See the module docstring for the notations understood. Each distinct value is parsed once.

    >>> parse_dates(pd.Series(["09 4, 2015", "1441324800", "17-Apr-18"])).dt.strftime("%Y-%m-%d").tolist()
    ['2015-09-04', '2015-09-04', '2018-04-17']
    """
    s = _strip(values.astype("string"))
    fast, micros = _iso_fixed(s)
    if not fast.any():
        return _parse_distinct(s, formats)
    stamps = micros.view("datetime64[us]")
    if not fast.all():  # the other rows the general way (their distinct values, as before)
        stamps[~fast] = _parse_distinct(s[~fast], formats).dt.tz_convert(None).to_numpy(dtype="datetime64[us]")
    return pd.Series(stamps, index=s.index, name=s.name).dt.tz_localize("UTC")


#: The ISO 8601 shapes :func:`_iso_fixed` reads itself: (length, separator between date and time or None, zone).
#: ``2024-02-13``, ``2024-02-13T07:02:36``, ``2024-02-13 07:02:36``, ``2024-02-13T07:02:36Z``.
_ISO_SHAPES: Final[tuple[tuple[int, bytes | None, bytes], ...]] = (
    (10, None, b""), (19, b"T", b""), (19, b" ", b""), (20, b"T", b"Z"),
)
#: Years :func:`_iso_fixed` reads (the others go to pandas; anything before 1995 or from 2100 on is rejected anyway).
_ISO_YEARS: Final[tuple[int, int]] = (1900, 2099)
_DIGITS_10: Final = np.array([0, 1, 2, 3, 5, 6, 8, 9])
_DIGITS_19: Final = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
_DAYS_BEFORE_MONTH: Final = np.array([0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334], dtype=np.int64)


def _iso_fixed(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which values of ``s`` are plain ISO 8601 of a fixed shape (see :data:`_ISO_SHAPES`) with a valid date and
    time, and their UTC instants as int64 microseconds (0 elsewhere); read from the Arrow bytes, no string objects.

    For the rows it takes, the instant is the one ``pd.to_datetime(value, format="ISO8601", utc=True)`` gives
    (tests compare them); every other value (another shape, a day or hour out of range, a year outside
    :data:`_ISO_YEARS`, a ``string`` column not backed by Arrow) is left to :func:`_parse_distinct`. A million
    export dates, nearly all distinct, took ~0.6 CPU s through the factorization and pandas' parser.

    >>> ok, us = _iso_fixed(pd.Series(["2024-02-13T07:02:36Z", "2024-02-30", None, "2024-02-29"], dtype="string"))
    >>> ok.tolist(), us[[0, 3]].astype("datetime64[us]").astype(str).tolist()
    ([True, False, False, True], ['2024-02-13T07:02:36.000000', '2024-02-29T00:00:00.000000'])
    """
    n = len(s)
    ok, micros = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)
    chunks = _arrow_chunks(s)
    if chunks is None or not n:
        return ok, micros
    at = 0
    for chunk in chunks:
        offs, data, valid = _chunk_layout(chunk)
        lens = np.diff(offs)
        for length, sep, zone in _ISO_SHAPES:
            rows = np.flatnonzero((lens == length) & valid)
            if not len(rows):
                continue
            b = data[offs[rows][:, None] + np.arange(length)]  # (rows, length) bytes
            digits = b[:, _DIGITS_10 if length == 10 else _DIGITS_19].astype(np.int64) - 48
            good = ((digits >= 0) & (digits <= 9)).all(axis=1) & (b[:, 4] == 45) & (b[:, 7] == 45)  # '-'
            if length > 10:
                good &= (b[:, 10] == sep[0]) & (b[:, 13] == 58) & (b[:, 16] == 58)  # ':'
            if zone:
                good &= b[:, 19] == zone[0]
            year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
            month = digits[:, 4] * 10 + digits[:, 5]
            day = digits[:, 6] * 10 + digits[:, 7]
            leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
            mdays = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)] + (
                leap & (month == 2))
            good &= (year >= _ISO_YEARS[0]) & (year <= _ISO_YEARS[1]) & (month >= 1) & (month <= 12)
            good &= (day >= 1) & (day <= mdays)
            secs = np.zeros(len(rows), dtype=np.int64)
            if length > 10:
                hour, minute, second = (digits[:, k] * 10 + digits[:, k + 1] for k in (8, 10, 12))
                good &= (hour <= 23) & (minute <= 59) & (second <= 59)
                secs = (hour * 60 + minute) * 60 + second
            # days since 1970-01-01 (proleptic Gregorian), years 1900-2099 only
            y1 = year - 1
            days = (365 * (year - 1970) + (y1 // 4 - 1969 // 4) - (y1 // 100 - 1969 // 100) + (y1 // 400 - 1969 // 400)
                    + _DAYS_BEFORE_MONTH[np.clip(month, 0, 12)] + (leap & (month > 2)) + day - 1)
            mine = rows[good] + at
            ok[mine] = True
            micros[mine] = ((days * 86400 + secs) * 1_000_000)[good]
        at += len(chunk)
    return ok, micros


def _parse_distinct(s: pd.Series, formats: Sequence[str]) -> pd.Series:
    """:func:`parse_dates` of stripped values, each distinct value parsed once in every notation."""
    # codes of each row among the distinct non-missing values (first-seen order, as ``unique()``; -1: missing)
    codes, distinct = pd.factorize(s, use_na_sentinel=True)
    uniq = pd.Series(distinct, dtype="string")
    uniq = uniq[uniq != ""]
    out = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[us, UTC]")
    if len(uniq):
        numeric = pd.Series(_bool(uniq.str.fullmatch(r"-?\d+(?:\.\d+)?")), index=uniq.index)
        if numeric.any():
            num = uniq[numeric]
            n = _floats(num)
            ms = np.abs(n) >= EPOCH_MS_THRESHOLD
            secs = np.where(ms, n / 1000.0, n)
            valid = np.abs(secs) < EPOCH_MAX_SECONDS  # NaN compares False
            whole = _bool(num.str.fullmatch(r"-?\d+")) & valid
            ints = np.where(whole, n, 0).astype("int64")  # exact: |n| < 2**53 for any valid epoch in ms
            micros = np.where(ms, ints * 1000, ints * 1_000_000)
            micros = np.where(whole, micros, np.round(np.where(valid, secs, 0) * 1e6).astype("int64"))
            stamps = micros.astype("datetime64[us]")
            stamps[~valid] = np.datetime64("NaT")
            out[numeric] = pd.Series(stamps, index=num.index).dt.tz_localize("UTC").astype("datetime64[us, UTC]")
        rest = ~numeric
        if rest.any():
            out[rest] = pd.to_datetime(uniq[rest], format="ISO8601", utc=True, errors="coerce").astype(
                "datetime64[us, UTC]"
            )
        todo = out.isna()
        slash = _slash_formats(uniq[todo]) if todo.any() else ()
        for fmt in (*formats, *DATE_FORMATS, *slash):
            todo = out.isna() & ~numeric
            if not todo.any():
                break
            parsed = pd.to_datetime(uniq[todo], format=fmt, utc=True, errors="coerce")
            out[todo] = parsed.astype("datetime64[us, UTC]")
    return _spread(s, uniq, out, codes, len(distinct))


_YEAR_ONE: Final = np.datetime64("0001-01-01", "us")


def _spread(s: pd.Series, uniq: pd.Series, parsed: pd.Series, codes: np.ndarray | None = None,
            n_distinct: int = 0) -> pd.Series:
    """Each value of ``s`` gets the date parsed for it (``parsed`` is aligned with the distinct ``uniq``); values
    not among them (missing, empty) get ``NaT``. Positions and int64 microseconds, no Timestamp objects: the
    same result as ``s.map(pd.Series(parsed.to_numpy(), index=uniq.to_numpy()))``, about 50x faster.

    ``codes`` (optional): ``pd.factorize(s)``'s codes, ``uniq`` then being its ``n_distinct`` uniques less the
    empty one, each labelled by its position among them; no string lookup at all then (1M dates: ~0.9 CPU s less).
    """
    micros = parsed.dt.tz_convert(None).to_numpy(dtype="datetime64[us]")
    if (micros < _YEAR_ONE).any():  # a year before 1 ("-2024-05-01"): the map's own (odd) result, unchanged
        lookup = pd.Series(parsed.to_numpy(), index=uniq.to_numpy())
        return pd.to_datetime(s.map(lookup), utc=True).astype("datetime64[us, UTC]")
    if codes is None:
        codes = pd.Index(uniq.to_numpy(dtype=object)).get_indexer(s.to_numpy(dtype=object, na_value=None))
        picked = np.append(micros, np.datetime64("NaT", "us"))[codes]  # code -1 -> the NaT appended last
    else:
        table = np.full(n_distinct + 1, np.datetime64("NaT", "us"))  # the last entry: code -1 (missing) -> NaT
        table[uniq.index.to_numpy()] = micros  # the empty value (not in uniq) stays NaT
        picked = table[codes]
    return pd.Series(picked, index=s.index, name=s.name).dt.tz_localize("UTC")


def _parse_bool(raw: pd.Series, empty_is_false: bool) -> pd.Series:
    s = raw.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[s.isin(_TRUE)] = True
    out[s.isin(_FALSE)] = False
    if empty_is_false:
        out[s.isna() | (s == "")] = False
    return out


def _per_distinct(values: pd.Series, parse: Callable[[pd.Series], pd.Series],
                  factorized: concurrent.futures.Future | None = None) -> pd.Series:
    """``parse(values)``, computed once per distinct value (null included) and spread back to every row.

    For parsers that work value by value and choose their result's dtype from the set of values seen (as
    :func:`_parse_count` and :func:`_platform_values` do), the result is the one ``parse(values)`` gives: the same
    value in every row, the same dtype, index and name. A million-row export holds a few hundred distinct vote
    counts and a handful of platform names, and these parsers fall back to a Python regex call per row.

    >>> _per_distinct(pd.Series(["1,200", "3", "1,200", None], dtype="string"), _parse_count).tolist()
    [1200, 3, 1200, <NA>]

    ``factorized``: a future of ``pd.factorize(values, use_na_sentinel=False)`` (:func:`_map_file` has it worked out on
    its second thread).
    """
    codes, uniques = factorized.result() if factorized is not None else pd.factorize(values, use_na_sentinel=False)
    if 2 * len(uniques) > len(values):  # mostly distinct: nothing to share
        return parse(values)
    parsed = parse(pd.Series(uniques, dtype=values.dtype, name=values.name))
    return pd.Series(parsed.array.take(codes), index=values.index, dtype=parsed.dtype, name=parsed.name)


def _parse_count(raw: pd.Series) -> pd.Series:
    s = raw.astype("string").str.strip().str.lower()
    n = pd.to_numeric(s.str.replace(r"[,\s]", "", regex=True), errors="coerce")
    todo = n.isna() & s.notna()
    if todo.any():
        first = s[todo].str.extract(r"(\d[\d,]*)")[0].str.replace(",", "", regex=False)
        word = s[todo].str.extract(r"^(one|a|an)\b")[0].map(_WORD_NUMBERS)
        n = n.astype("float64")
        # as float64 with NaN: a nullable Float64 holding <NA> (a count like "many") cannot be set into n
        n[todo] = pd.to_numeric(first, errors="coerce").fillna(word).to_numpy(dtype="float64", na_value=np.nan)
    # a count beyond Int64 (99999999999999999999) is null
    fits = n <= np.iinfo(np.int64).max if pd.api.types.is_integer_dtype(n.dtype) else n < 2.0**63
    n = n.where((n >= 0) & (n == np.floor(n)) & fits)
    return n.astype("Int64")


def _derive_ids(frame: pd.DataFrame, author_key: pd.Series) -> pd.Series:
    parts = [
        frame["platform"].fillna(""),
        frame["product_id"].fillna(""),
        author_key.fillna(""),
        frame["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%S").fillna(""),
        frame["title"].fillna(""),
        frame["text"].fillna(""),
    ]
    joined = parts[0].astype(str)
    for p in parts[1:]:
        joined = joined + "\x1f" + p.astype(str)
    return pd.Series(
        ["h" + hashlib.sha1(v.encode("utf-8")).hexdigest()[:ID_HEX_DIGITS] for v in joined],
        index=frame.index,
        dtype="string",
    )


def _platform_values(raw: pd.Series) -> pd.Series:
    s = raw.astype("string").str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    s = s.replace({"google_business": "google", "google_maps": "google", "appstore": "app_store",
                   "apple": "app_store", "googleplay": "google_play", "play_store": "google_play"})
    return s.where(s.isin(schema.PLATFORMS), "other")


# ------------------------------------------------------------------------------------------- mapping


def _resolve_columns(raw: _Raw, fmt: Format, column_map: Mapping[str, str] | None) -> dict[str, tuple[list[str], Any]]:
    """For each field: the source columns (in order) and its FieldSpec (or None for synonym/map hits)."""
    by_norm: dict[str, str] = {}
    for col in raw.frame.columns:
        by_norm.setdefault(norm_header(col), col)
    out: dict[str, tuple[list[str], Any]] = {}
    if fmt.name == GENERIC:
        for fld, col in synonym_mapping(list(raw.frame.columns), fmt).items():
            out[fld] = ([col], None)
    else:
        for fld, spec in fmt.fields.items():
            cols = [by_norm[norm_header(c)] for c in spec.columns if norm_header(c) in by_norm]
            if cols or spec.filename:
                out[fld] = (cols, spec)
    for src, dst in (column_map or {}).items():
        if dst not in MAPPABLE:
            raise _fail(raw.name, f"column_map value {dst!r} is not a canonical column; expected one of "
                        f"{', '.join(MAPPABLE)}")
        col = by_norm.get(norm_header(src))
        if col is None:
            raise _fail(raw.name, f"column_map names column {src!r}, which is not in the file; columns seen: "
                        f"{', '.join(map(str, raw.frame.columns))}")
        for fld in [f for f, (cols, _) in out.items() if col in cols and f != dst]:
            cols = [c for c in out[fld][0] if c != col]
            if cols:
                out[fld] = (cols, out[fld][1])
            else:
                del out[fld]
        out[dst] = ([col], None)
    return out


def _constant_strings(value: str | None, index: pd.Index) -> pd.Series:
    """``pd.Series(value, index=index, dtype="string")`` (``pd.NA`` for None) made from Arrow buffers: the
    million-row columns of one value (the file's name, a missing field) took 0.01-0.05 CPU s each through pandas (a
    Python object per row), 0.001-0.02 so.

    >>> _constant_strings("a.csv", pd.RangeIndex(2)).tolist(), _constant_strings(None, pd.RangeIndex(1)).tolist()
    (['a.csv', 'a.csv'], [<NA>])
    """
    typ = _string_storage_type()
    n = len(index)
    data = None
    if typ is not None and value is not None:
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError:  # (a lone surrogate: pandas' own path decides)
            typ = None
    if typ is None or not n:
        return pd.Series(pd.NA if value is None else value, index=index, dtype="string")
    import pyarrow as pa

    if data is None:
        arr = pa.nulls(n, typ)
    else:
        offsets = np.arange(n + 1, dtype=np.int64) * len(data)
        arr = pa.Array.from_buffers(typ, n, [None, pa.py_buffer(offsets), pa.py_buffer(data * n)])
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([arr], type=typ)), index=index, copy=False)


@functools.lru_cache(maxsize=1)
def _string_storage_type() -> Any:
    """The Arrow type pandas gives a ``string`` Series of one value when it is pyarrow's large_string (the type
    :func:`_constant_strings` builds), else None."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        return None
    probe = pd.Series("x", index=pd.RangeIndex(2), dtype="string")
    arr = getattr(probe.array, "_pa_array", None)
    if not isinstance(probe.array, pd.arrays.ArrowStringArray) or arr is None or arr.type != pa.large_string():
        return None
    return arr.type


def _field_values(raw: _Raw, cols: list[str], spec: Any) -> pd.Series:
    frame = raw.frame
    if spec is not None and spec.filename and not cols:
        m = re.search(spec.filename, Path(raw.name).name)
        return _constant_strings(m.group(1) if m else None, frame.index)
    s = frame[cols[0]].astype("string")
    for col in cols[1:]:
        empty = s.isna() | (s.str.strip() == "")
        s = s.where(~empty, frame[col].astype("string"))
    if spec is not None and spec.pattern:
        s = s.str.extract(spec.pattern, expand=True)[0].astype("string")
    if spec is not None and spec.values:
        s = s.str.strip().str.upper().map(spec.values).astype("string").fillna(s)
    return s


def _no_rating_error(raw: _Raw, fmt: Format) -> IngestError:
    if fmt.name == GENERIC:
        expected = "a rating column named like " + ", ".join(fmt.synonyms["rating"][:8])
    else:
        expected = f"{fmt.name}'s rating column {', '.join(fmt.fields['rating'].columns)}"
    seen = ", ".join(map(str, raw.frame.columns)) or "(none)"
    return _fail(
        raw.name,
        f"no rating column found; expected {expected}; columns seen: {seen}. Name it with "
        f"column_map={{'<your column>': 'rating'}} (command line: --map '<your column>=rating')",
    )


def _map_file(
    raw: _Raw,
    fmt: Format,
    column_map: Mapping[str, str] | None,
    platform: str | None,
    rating_scale: tuple[float, float] | None,
    *,
    release_source: bool = False,
    join_cleaned: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, tuple[float, float] | None]:
    """Map one file to (accepted canonical rows, rejects, author key for accepted rows, scale used).

    ``release_source``: the caller has no further use for ``raw.frame``, so its columns are let go (replaced
    by an empty frame with the same column names) as soon as the rows are mapped, before they are taken.
    ``join_cleaned=False``: the :data:`CLEANED` columns may come back as slices of the source's Arrow chunks
    (:func:`_clean_pieces`); the caller takes their rows with :func:`_take_joined` (``_take_rows(...,
    joined=CLEANED)``), which copies them once.
    """
    if raw.frame.shape == (0, 0) and not raw.bad:
        raise _fail(raw.name, f"no review records found; {_EXPECTED}")
    cols = _resolve_columns(raw, fmt, column_map)
    if "rating" not in cols:
        raise _no_rating_error(raw, fmt)
    n = len(raw.frame)
    idx = raw.frame.index

    def get(fld: str) -> pd.Series:
        if fld not in cols:
            return _constant_strings(None, idx)
        return _field_values(raw, *cols[fld])

    def src(fld: str) -> str:
        return cols[fld][0][0] if fld in cols and cols[fld][0] else fld

    out: dict[str, pd.Series] = {}
    rating_raw = get("rating")
    date_raw = get("created_at")
    factorized: dict[str, concurrent.futures.Future] = {}  # _per_distinct's factorizations, from the second thread
    if join_cleaned:
        out["rating"], rating_reason, scale = _parse_rating(rating_raw, fmt, rating_scale)
        created = parse_dates(date_raw, fmt.date_formats)
        for fld in CLEANED:
            out[fld] = clean_text(get(fld))
            _release_arrow_memory()  # the block copies clean_text made and freed
    else:
        # the texts' byte scans, then the dates (numpy work, mostly without the GIL) on a second thread while the
        # ratings and the cleaning are done here
        texts = get("text").astype("string")
        with (concurrent.futures.ThreadPoolExecutor(1) if MAP_THREAD else contextlib.nullcontext()) as pool:
            marks = pool.submit(_clean_marks, texts) if pool is not None else None
            dates = pool.submit(parse_dates, date_raw, fmt.date_formats) if pool is not None else None
            if pool is not None:  # (Arrow's dictionary encoding, mostly without the GIL)
                wanted = ["verified", "vine", "helpful_votes"] + (["platform"] if platform is None and fmt.platform
                                                                   is None else [])
                factorized = {fld: pool.submit(pd.factorize, get(fld), use_na_sentinel=False) for fld in wanted
                              if fld in cols}
            out["rating"], rating_reason, scale = _parse_rating(rating_raw, fmt, rating_scale)
            for fld in CLEANED:
                s = texts if fld == "text" else get(fld).astype("string")
                pieces = _clean_pieces(s, marks.result() if fld == "text" and marks is not None else None)
                out[fld] = clean_text(s) if pieces is None else pieces[0]
                _release_arrow_memory()  # the block copies clean_text made and freed
            del texts, s
            created = dates.result() if dates is not None else parse_dates(date_raw, fmt.date_formats)
    implausible = created.notna() & ((created < MIN_DATE) | (created >= MAX_DATE))
    created = created.where(~implausible)
    out["created_at"] = created
    out["title"] = out["title"].mask(_bool(out["title"] == ""))
    text_missing = out["text"].isna().to_numpy() | _bool(out["text"] == "")
    out["text"] = out["text"].fillna("")
    for fld in ("marketplace", "product_id", "author", "review_id"):
        v = _strip(get(fld))
        out[fld] = v.mask(_bool(v == ""))
    replied = parse_dates(get("replied_at"), fmt.date_formats) if "replied_at" in cols else None
    out["replied_at"] = (replied.where((replied >= MIN_DATE) & (replied < MAX_DATE))
                         if replied is not None else pd.Series(pd.NaT, index=idx, dtype="datetime64[us, UTC]"))
    for fld in ("verified", "vine"):
        out[fld] = (_per_distinct(get(fld), lambda v, f=fld: _parse_bool(v, f in fmt.empty_is_false),
                                  factorized.get(fld)) if fld in cols
                    else pd.Series(pd.NA, index=idx, dtype="boolean"))
    out["helpful_votes"] = (_per_distinct(get("helpful_votes"), _parse_count, factorized.get("helpful_votes"))
                            if "helpful_votes" in cols else pd.Series(pd.NA, index=idx, dtype="Int64"))
    if platform is not None:
        out["platform"] = _constant_strings(platform, idx)
    elif fmt.platform is not None:
        out["platform"] = _constant_strings(fmt.platform, idx)
    elif "platform" in cols:
        out["platform"] = _per_distinct(get("platform"), _platform_values, factorized.get("platform")).astype("string")
    else:
        out["platform"] = _constant_strings("other", idx)
    out["source_file"] = _constant_strings(raw.name, idx)
    out["source_row"] = pd.Series(raw.rows, index=idx, dtype="Int64")
    if fmt.keep_provenance:
        by_norm = {norm_header(c): c for c in raw.frame.columns}
        if "source_file" in by_norm:
            out["source_file"] = raw.frame[by_norm["source_file"]].astype("string").fillna(out["source_file"])
        if "source_row" in by_norm:
            kept = pd.to_numeric(raw.frame[by_norm["source_row"]], errors="coerce").astype("Int64")
            out["source_row"] = kept.fillna(out["source_row"])
    author_key = _strip(get("author_id")) if "author_id" in cols else out["author"]
    author_key = author_key.mask(_bool(author_key == ""))

    # rejects: one row per source row, the first problem wins
    reason = rating_reason.copy()
    # (``Series(src("rating")).where(reason.notna())`` and ``rating_raw.where(...)``, built from missing values: no
    # million-row column of the rating's name, no where over a column that mostly holds no reason)
    column = _constant_strings(None, idx)
    value = (_constant_strings(None, idx) if rating_raw.dtype == pd.StringDtype()
             else pd.Series(pd.NA, index=idx, dtype=rating_raw.dtype))
    has_reason = reason.notna().to_numpy()
    if has_reason.any():
        column[has_reason] = src("rating")
        value[has_reason] = rating_raw[has_reason]

    def add(mask: pd.Series, col: str, val: pd.Series, why: str | pd.Series) -> None:
        new = _bool(mask) & reason.isna().to_numpy()
        if not new.any():
            return
        reason[new] = why if isinstance(why, str) else why[new]
        column[new] = col
        value[new] = val[new]

    if "created_at" not in cols:
        add(pd.Series(True, index=idx), "created_at", date_raw,
            f"no date column in the file (columns seen: {', '.join(map(str, raw.frame.columns))}); "
            "pass column_map={'<your column>': 'created_at'}")
    date_empty = date_raw.isna() | (_strip(date_raw) == "")
    add(date_empty, src("created_at"), date_raw, "date missing")
    add(implausible, src("created_at"), date_raw, "date implausible (before 1995 or after 2099)")
    add(created.isna(), src("created_at"), date_raw, "date not understood")
    if fmt.text_required:
        add(pd.Series(text_missing & out["title"].isna().to_numpy(), index=idx), src("text"), get("text"),
            "no text and no title")
    bad = reason.notna().to_numpy()
    if release_source:  # a million source texts are ~370 MB that nothing below reads
        raw.frame = pd.DataFrame(columns=raw.frame.columns)
        _release_arrow_memory()

    frame = pd.DataFrame({c: out[c] for c in schema.COLUMNS if c in out}, index=idx, copy=False)
    for c in ("created_at", "replied_at"):
        frame[c] = frame[c].astype("datetime64[ns, UTC]")
    rejects = pd.DataFrame(
        {
            "source_file": pd.Series(raw.name, index=idx[bad], dtype="string"),
            "source_row": pd.Series(raw.rows[bad], index=idx[bad], dtype="Int64"),
            "column": column[bad].astype("string"),
            "value": value[bad].astype("string"),
            "reason": reason[bad].astype("string"),
        }
    )
    if raw.bad:
        extra = pd.DataFrame(
            {
                "source_file": pd.Series([raw.name] * len(raw.bad), dtype="string"),
                "source_row": pd.Series([b[0] for b in raw.bad], dtype="Int64"),
                "column": pd.Series(["(row)"] * len(raw.bad), dtype="string"),
                "value": pd.Series([b[1] for b in raw.bad], dtype="string"),
                "reason": pd.Series([b[2] for b in raw.bad], dtype="string"),
            }
        )
        rejects = pd.concat([rejects, extra], ignore_index=True).sort_values("source_row", kind="stable")
    del out
    ok = _take_rows(frame, ~bad)  # frame is ours: its columns move into ok one by one
    missing_id = ok["review_id"].isna()
    if missing_id.any():
        missing = missing_id.to_numpy(dtype=bool)
        ok.loc[missing_id, "review_id"] = _derive_ids(_rows(ok, missing), author_key[~bad][missing_id])
    assert n == len(ok) + int(bad.sum())
    return ok, rejects.reset_index(drop=True), author_key[~bad], scale


#: Columns that are not a review's content: two rows differing only here are identical copies.
_NOT_CONTENT: Final[frozenset[str]] = frozenset({"platform", "review_id", "source_file", "source_row", "_file"})


def _id_duplicates(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Rows to drop for repeating a (platform, review_id), and which of them differ from the row kept.

    Identical copies keep the first occurrence; when the copies differ, the newest version is kept (latest
    ``created_at``, then file and row order, which is the frame's order).
    """
    key = ["platform", "review_id"]
    # frame.duplicated(subset=key, keep=...) twice: one factorization of the key on the rows whose key hash repeats
    first, multi_np = _id_repeats(frame["platform"], frame["review_id"])
    dup = pd.Series(~first, index=frame.index)
    conflict = pd.Series(False, index=frame.index)
    multi = pd.Series(multi_np, index=frame.index)
    if not multi_np.any():
        return dup, conflict
    cols = [c for c in frame.columns if c not in _NOT_CONTENT]
    sub = _rows(frame[[*key, *cols]], multi_np)  # (the key and content columns only)
    content = pd.Series(_content_codes(sub, cols), index=sub.index)
    differs = _group_differs(sub["platform"], sub["review_id"], content.to_numpy())
    if not differs.any():
        return dup, conflict
    g = sub[differs]
    newest = g.sort_values("created_at", kind="stable").duplicated(subset=key, keep="last")
    dup.loc[g.index] = newest.reindex(g.index)
    kept = g.loc[~newest.reindex(g.index)]
    kept_hash = pd.Series(content.loc[kept.index].to_numpy(),
                          index=pd.MultiIndex.from_frame(kept[key].astype(object)))
    mine = pd.MultiIndex.from_frame(g[key].astype(object))
    conflict.loc[g.index] = dup.loc[g.index].to_numpy() & (
        content.loc[g.index].to_numpy() != kept_hash.reindex(mine).to_numpy()
    )
    return dup, conflict


def _content_codes(sub: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """One integer per row of ``sub``, equal exactly where the rows' ``cols`` are all equal (missing values equal
    each other and nothing else): each column's :func:`_codes` paired into a running code.

    What ``pd.util.hash_pandas_object(sub[cols], index=False)`` was used for (which rows' contents are equal) without
    its 64-bit hashes (a collision made two different rows equal); on the ~10,000 rows of a million whose id repeats
    ~0.02 CPU s against ~0.045 for the hashes (each column hashed apart, each string column through a categorical).

    >>> _content_codes(pd.DataFrame({"a": pd.Series(["x", "x", None, None], dtype="string"),
    ...                              "b": pd.array([1, 1, 1, pd.NA], dtype="Int64")}), ["a", "b"]).tolist()
    [0, 0, 1, 2]
    """
    code = np.zeros(len(sub), dtype=np.int64)
    for c in cols:
        values = sub[c]
        if isinstance(values.array, pd.arrays.ArrowStringArray) and values.array._pa_array.num_chunks > 1:
            # the rows picked from :func:`_clean_pieces`' many slices keep thousands of chunks, which pyarrow's
            # factorization walks one by one: joined first (the texts of 10,000 rows: 0.027 -> 0.010 CPU s)
            import pyarrow as pa

            joined = pa.chunked_array([values.array._pa_array.combine_chunks()])
            values = pd.Series(pd.arrays.ArrowStringArray(joined), copy=False)
        code = pd.factorize(_pair_ids(code, _codes(values)))[0]
    return code


def _group_differs(platform: pd.Series, review_id: pd.Series, content: np.ndarray) -> np.ndarray:
    """Which rows share their (platform, review_id) with a row of other ``content`` (codes, :func:`_content_codes`):
    ``content.groupby([platform, review_id]).transform("nunique") > 1``, rows with a missing key in no group.

    >>> _group_differs(pd.Series(["a", "a", "a", "b", "b", None, None], dtype="string"),
    ...                pd.Series(["1", "1", "2", "1", "1", "3", "3"], dtype="string"),
    ...                np.array([0, 1, 2, 0, 0, 3, 4])).tolist()
    [True, True, False, False, False, False, False]
    """
    if not len(content):
        return np.zeros(0, dtype=bool)
    k = _key_codes(_codes(platform), _codes(review_id))
    k = np.where(platform.isna().to_numpy() | review_id.isna().to_numpy(), -1, k)
    pairs = np.unique(_pair_ids(k, content))  # each (group, content) once
    groups = pairs // (int(content.max()) + 2) - 1  # (the group of each, -1 for a missing key)
    counts = np.bincount(groups[groups >= 0], minlength=int(k.max(initial=0)) + 1)
    return (k >= 0) & (counts[np.maximum(k, 0)] > 1)


#: Whether :func:`_duplicates` looks for the content check's candidates (:func:`_dated_codes`) on a second thread
#: while it checks the review ids (:func:`_id_duplicates`) here.
DUP_THREAD: Final[bool] = True


def _duplicates(frame: pd.DataFrame, author_key: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Rows that repeat another row's (platform, review_id) or an earlier row's author/date/title/text,
    and which of them are conflicting (same id, content differing from the version kept)."""
    cols = (frame["platform"], frame["created_at"], frame["title"], frame["text"])  # (fetched here, not on the thread)
    with (concurrent.futures.ThreadPoolExecutor(1) if DUP_THREAD else contextlib.nullcontext()) as pool:
        dated = pool.submit(_dated_codes, author_key, *cols) if pool is not None else None
        dup, conflict = _id_duplicates(frame)
        sub, at = dated.result() if dated is not None else _dated_codes(author_key, *cols)
    if len(at):
        # The rows that are no id duplicate (the candidates); a row of ``at`` whose date repeats only with an id
        # duplicate has a date code of its own among them, so it is no repeat of the other four below, as when the
        # dates' repeats were looked for among the candidates alone.
        own = ~dup.to_numpy()[at]
        sub, at = sub[own], at[own]
        again = sub.duplicated(keep=False).to_numpy()
        sub, at = sub[again], at[again]
        rows = np.zeros(len(frame), dtype=bool)
        rows[at] = True
        sub["x"] = _codes(_masked(frame["text"], rows))
        dup2 = sub.duplicated(keep="first")
        dup = dup | dup2.reindex(frame.index, fill_value=False)
    return dup, conflict


def _dated_codes(author_key: pd.Series, platform: pd.Series, created_at: pd.Series, title: pd.Series,
                 text: pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows that may repeat an earlier row's platform, author, date, title and text -- those with an author and
    a text or title (keyed) whose date repeats among the keyed rows -- as codes of the first four (columns p, a, d,
    t, index the rows' labels) and their positions.

    Only rows whose date repeats can repeat all five; the date's codes are cheap (int64 instants), so the authors
    and titles are factorized on those rows alone (a million authors: ~0.15 CPU s). DataFrame.duplicated factorizes
    each column and compares the codes; doing that on integer codes spares a filtered copy of every text (the text
    only where platform, author, date and title repeat, see :func:`_duplicates`). Codes of a subset are equal exactly
    where its values are: the same rows as on the whole columns, and on any subset of these rows. (Rows chosen by
    boolean masks: pyarrow's take on a chunked string column concatenates every chunk first.) Numpy, pandas' integer
    hash tables and pyarrow's factorization: mostly without the GIL, so :func:`_duplicates` runs this on a second
    thread while it checks the ids.
    """
    keyed = author_key.notna().to_numpy() & (_bool(text != "") | title.notna().to_numpy())
    at = np.flatnonzero(keyed)
    at = at[_multi(_instants(created_at)[at])]
    rows = np.zeros(len(keyed), dtype=bool)
    rows[at] = True
    sub = pd.DataFrame(
        {
            "p": _codes(platform[rows]), "a": _codes(author_key[rows]),
            "d": _codes(created_at[rows]), "t": _codes(title[rows].fillna("")),
        },
        index=platform.index[rows],
    )
    return sub, at


def _pair_ids(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One int64 per row, equal exactly where both code arrays (from :func:`_codes`, -1 for missing) are equal.

    >>> _pair_ids(np.array([0, 0, 1, -1]), np.array([2, 2, 2, -1])).tolist()
    [7, 7, 11, 0]
    """
    return (a.astype(np.int64) + 1) * (int(b.max(initial=-1)) + 2) + (b.astype(np.int64) + 1)


def _key_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Codes of the pairs of two code arrays (from :func:`_codes`), equal exactly where both are and numbered in
    order of first appearance as :func:`_codes` numbers values (:func:`_repeats` reads them so): ``b`` itself when
    ``a`` is one code throughout (one platform; ``b`` keeps its -1 for missing), else the pairs' factorization.

    >>> _key_codes(np.array([1, 0, 1, 1]), np.array([0, 1, 0, 2])).tolist()
    [0, 1, 0, 2]
    """
    if not len(a) or (a == a[0]).all():
        return b
    return pd.factorize(_pair_ids(a, b))[0]


def _repeats(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For codes numbered in order of first appearance (:func:`_codes`, -1 for missing): which rows are the first
    with their code, and which share their code with another row: ``~Index(codes).duplicated(keep="first")`` and
    ``Index(codes).duplicated(keep=False)``, by a running maximum and a count instead of two hash tables.

    >>> [m.tolist() for m in _repeats(np.array([0, 1, 0, -1, 2, -1]))]
    [[True, True, False, True, True, False], [True, False, True, True, False, True]]
    """
    n = len(codes)
    if not n:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    c = np.where(codes < 0, codes.max(initial=-1) + 1, codes).astype(np.int64)  # missing: a code of its own
    counts = np.bincount(c)
    multi = counts[c] > 1
    if (codes < 0).any():  # the missing code is not in first-appearance order: find its first row apart
        first = np.zeros(n, dtype=bool)
        first[np.unique(c, return_index=True)[1]] = True
        return first, multi
    high = np.maximum.accumulate(c)
    first = np.empty(n, dtype=bool)
    first[0] = True
    first[1:] = c[1:] > high[:-1]
    return first, multi


def _multi(values: np.ndarray) -> np.ndarray:
    """Which rows of a 1-D integer array share their value with another row: ``_repeats(_codes(...))[1]`` of those
    values (one sort and one hash lookup: ~0.04 CPU s for a million against ~0.1-0.3 for a factorization).

    >>> _multi(np.array([5, 3, 5, -1, 7, -1])).tolist()
    [True, False, True, True, False, True]
    """
    if len(values) < 2:
        return np.zeros(len(values), dtype=bool)
    core = _store_core()
    if core is not None and hasattr(core, "repeated") and values.dtype.kind in "iu" and values.dtype.itemsize == 8:
        # _storecore.repeated: one hash table of the values (GIL-free; a million: ~0.01 CPU s against ~0.04)
        out = np.empty(len(values), dtype=bool)
        core.repeated(np.ascontiguousarray(values), out)
        return out
    s = np.sort(values)
    again = s[1:][s[1:] == s[:-1]]  # a value once per repeat beyond its first (sorted)
    if not len(again):
        return np.zeros(len(values), dtype=bool)
    # looked up in a hash table of the repeated values (a binary search of a million rows: ~4x the time)
    return pd.Index(np.unique(again)).get_indexer(values) >= 0


def _instants(values: pd.Series) -> np.ndarray:
    """A datetime column's int64 instants (``NaT``: one value of its own), equal exactly where the values are."""
    arr = values.array
    return arr.asi8 if hasattr(arr, "asi8") else _codes(values).astype(np.int64)


#: Multipliers of :func:`_string_hashes` (odd 64-bit constants of splitmix64 and xxHash).
_HASH_K: Final[tuple[int, ...]] = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xC2B2AE3D27D4EB4F)


def _string_hashes(s: pd.Series) -> np.ndarray | None:
    """One uint64 per row of an Arrow-backed ``string`` Series, equal wherever the values are equal (a missing value
    has a hash of its own), from each value's length, first 8 and last 8 bytes (read as unaligned words straight from
    the Arrow data, no string objects); None for any other Series. Different values may share a hash: callers
    compare the values of rows whose hash repeats.

    >>> h = _string_hashes(pd.Series(["R1", "R22", "R1", None, "", None], dtype="string"))
    >>> [bool(h[0] == h[2]), bool(h[0] == h[1]), bool(h[3] == h[5]), bool(h[3] == h[4])]
    [True, False, True, False]
    """
    chunks = _arrow_chunks(s)
    if chunks is None:
        return None
    k1, k2, k3, k4 = (np.uint64(k) for k in _HASH_K)
    core = _store_core()
    if core is not None and hasattr(core, "string_hashes"):
        # _storecore.string_hashes: every byte of each value hashed in one GIL-free pass (numpy's ~15 passes over
        # the words: ~0.04 CPU s for a million ids)
        import pyarrow as pa

        h = np.empty(len(s), dtype=np.uint64)
        at = 0
        for chunk in chunks:
            n = len(chunk)
            bufs = chunk.buffers()
            if n and (bufs[1] is None or core.string_hashes(
                    bufs[1], bufs[2] if bufs[2] is not None else b"",
                    8 if pa.types.is_large_string(chunk.type) else 4, chunk.offset, n, h, at) is None):
                break
            if n and chunk.null_count:
                h[at:at + n][~chunk.is_valid().to_numpy(zero_copy_only=False)] = k4
            at += n
        else:
            return h
    out = []
    with np.errstate(over="ignore"):
        for chunk in chunks:
            offs, data, valid = _chunk_layout(chunk)
            n = len(chunk)
            if len(data) < 8:
                data = np.concatenate([data, np.zeros(8, dtype=np.uint8)])
            # word[p] = the 8 bytes at data[p:p + 8] (little-endian), p in [0, len(data) - 8]
            word = np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
            a, lens = offs[:-1], offs[1:] - offs[:-1]
            pos = np.minimum(a, len(data) - 8)
            head = word[pos] >> (np.uint64(8) * (a - pos).astype(np.uint64))
            short = lens < 8
            head[short] &= (np.uint64(1) << (np.uint64(8) * lens[short].astype(np.uint64))) - np.uint64(1)
            tail = np.where(short, np.uint64(0), word[np.maximum(a + lens - 8, 0)])
            h = (head * k1) ^ (tail * k2) ^ ((lens.astype(np.uint64) + np.uint64(1)) * k3)
            h ^= h >> np.uint64(31)
            h *= k4
            h ^= h >> np.uint64(29)
            h[~valid] = k4  # missing: one hash of its own (a value hashing to it is compared, as any repeat is)
            out.append(h)
    return np.concatenate(out) if out else np.zeros(len(s), dtype=np.uint64)


def _id_repeats(platform: pd.Series, review_id: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``_repeats(_key_codes(_codes(platform), _codes(review_id)))``: which rows are the first with their (platform,
    review id) and which share it with another row, factorizing the values only on the rows whose key hash repeats
    (:func:`_string_hashes`; equal keys have equal hashes, so a row whose hash is alone has a key of its own, and the
    rows sharing a key all lie in the subset, in their order). A million distinct review ids took ~0.3 CPU s to
    factorize; the hashes and their repeats ~0.06. Falls back to the whole factorization when the column is not
    Arrow-backed or most hashes repeat.
    """
    n = len(review_id)
    h = _string_hashes(review_id) if n > 1 else None
    if h is None:
        return _repeats(_key_codes(_codes(platform), _codes(review_id)))
    core = _store_core()
    ph = _string_hashes(platform) if core is not None and hasattr(core, "string_hashes") else None
    if ph is not None:  # the platforms' own hashes (native: ~3 ms against ~16 for their codes), equal where they are
        p = None
        if not (ph == ph[0]).all():
            with np.errstate(over="ignore"):
                h = h ^ ((ph ^ (ph >> np.uint64(29))) * np.uint64(_HASH_K[1]))
    else:
        p = _codes(platform)
        if len(p) and not (p == p[0]).all():
            with np.errstate(over="ignore"):
                h = h ^ ((p.astype(np.int64) + 2).astype(np.uint64) * np.uint64(_HASH_K[1]))
    sub = _multi(h)
    if 2 * int(sub.sum()) > n:
        return _repeats(_key_codes(_codes(platform) if p is None else p, _codes(review_id)))
    first, multi = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    if sub.any():
        ps = _codes(_masked(platform, sub)) if p is None else p[sub]
        first[sub], multi[sub] = _repeats(_key_codes(ps, _codes(review_id[sub])))
    return first, multi


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a column, equal exactly where the values are equal (all missing values share -1)."""
    return pd.factorize(values, use_na_sentinel=True)[0]


# ------------------------------------------------------------------------------------------- public API


def _release_arrow_memory() -> None:
    """Hand the memory pyarrow's allocator keeps from freed arrays back to the OS (mimalloc holds on to it:
    on a million reviews ~800 MB of already freed text copies stayed in the process's RSS)."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        return
    release = getattr(pa.default_memory_pool(), "release_unused", None)
    if release is not None:
        release()


def _rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``frame[keep]`` for a numpy bool mask, column by column: a Series picks Arrow rows with pyarrow's ``filter``,
    chunk by chunk, where the frame's boolean indexing goes through ``take``, which first concatenates every chunk of
    a chunked string column (the id check's ``frame[multi]`` at 1M: ~0.6 s and a copy of every text).

    >>> got = _rows(pd.DataFrame({"a": pd.Series(["x", "y", None], dtype="string"), "b": [1, 2, 3]}),
    ...             np.array([True, False, True]))
    >>> got["a"].tolist(), got["b"].tolist(), got.index.tolist()
    (['x', <NA>], [1, 3], [0, 2])
    """
    if keep.all():
        return frame
    # the index's rows and the mask as a pyarrow array worked out once, not per column by ``Series[keep]`` (the id
    # check's ~10,000 rows of a million in 18 columns: ~0.09 -> ~0.065 CPU s)
    index = frame.index[keep]
    mask: Any = None
    out: dict[Any, pd.Series] = {}
    for c in frame.columns:
        s = frame[c]
        if _has_patches(s):
            out[c] = _masked(s, keep)
        elif _arrow_chunks(s) is not None:
            import pyarrow as pa

            mask = pa.array(keep) if mask is None else mask
            out[c] = pd.Series(pd.arrays.ArrowStringArray(s.array._pa_array.filter(mask)), index=index, name=s.name,
                               copy=False)
        else:
            # (dtype given: pandas would infer ``str`` for an object column's values)
            out[c] = pd.Series(s.array[keep], index=index, name=s.name, dtype=s.dtype, copy=False)
    return pd.DataFrame(out, index=index)


def _take_rows(frame: pd.DataFrame, keep: np.ndarray, joined: Sequence[str] = ()) -> pd.DataFrame:
    """``frame[keep]``, built one column at a time while the columns are popped from ``frame`` (a frame of this
    module's own making), so the whole frame is never held twice; ``frame`` itself when every row is kept.
    The ``joined`` columns are taken by :func:`_take_joined` (their chunks joined, even when every row is kept)."""
    joined = [c for c in joined if c in frame.columns]
    if keep.all():
        for col in joined:
            frame[col] = _take_joined(frame[col], None)
            _release_arrow_memory()
        return frame
    order = list(frame.columns)
    # (a column :func:`_clean_pieces` built from slices is joined too: its rows in one native copy, not a filter of its
    # thousands of slices that leaves as many chunks to every later reader, as when ``_map_file`` drops rejects)
    joined += [c for c in order if c not in joined and _has_patches(frame[c])]
    out: dict[str, Any] = {}
    index = frame.index[keep]
    # the joined columns' copies (the texts: most of the bytes) and the other Arrow string columns' filters (pyarrow's
    # ``filter``, which runs without the GIL) on a second thread while the other columns are taken here; each column
    # is ``Series[keep]``: its array's rows with the index worked out once (not once per column)
    with (concurrent.futures.ThreadPoolExecutor(1) if joined and TAKE_THREAD else contextlib.nullcontext()) as pool:
        later = {col: _take_joined_later(frame.pop(col), keep, pool, index) for col in joined}
        mask: Any = None
        for col in [c for c in order if c not in later]:
            s = frame.pop(col)
            if pool is not None and _arrow_chunks(s) is not None:
                import pyarrow as pa

                mask = pa.array(keep) if mask is None else mask
                later[col] = _filtered_later(s, mask, index, pool)
            else:
                out[col] = pd.Series(s.array[keep], index=index, name=s.name, dtype=s.dtype, copy=False)
            del s
            _release_arrow_memory()
        for col, series in later.items():
            out[col] = series()
            _release_arrow_memory()
    return pd.DataFrame({c: out[c] for c in order}, index=index)


def _filtered_later(s: pd.Series, mask: Any, index: pd.Index,
                    pool: concurrent.futures.Executor) -> Callable[[], pd.Series]:
    """``s[keep]`` of an Arrow-backed ``string`` Series (``mask``: ``keep`` as a pyarrow boolean array), filtered on
    ``pool``; the returned function waits for it and gives the Series."""
    name = s.name
    done = pool.submit(s.array._pa_array.filter, mask)
    return lambda: pd.Series(pd.arrays.ArrowStringArray(done.result()), index=index, name=name, copy=False)


#: Whether :func:`_take_rows` joins the :data:`CLEANED` columns' rows on a second thread (``pa.concat_arrays`` copies
#: without the GIL) while it takes the other columns: the copy of a million texts (~370 MB, mostly fresh pages) is
#: then off the thread that ``read_reviews`` runs on.
TAKE_THREAD: Final[bool] = True


#: Whether :func:`read_reviews` turns transparent huge pages off for the process while it runs (Linux
#: ``prctl(PR_SET_THP_DISABLE)``, restored afterwards). pyarrow's allocator (mimalloc) asks for huge pages on its
#: 1 GiB arenas (``madvise(MADV_HUGEPAGE)``), so every fresh 2 MiB of an Arrow array is zeroed by the kernel at its
#: first touch, after a compaction when no free huge page is at hand: on this 2-core VM reading 1M reviews took
#: 2.2-2.8 CPU s of system time with them and 0.84-0.90 without (3 runs each, interleaved, load 1.9-3.4;
#: wall 4.6-5.2 -> 2.9-3.1 s), more page faults (530k against 72k) but each a cheap 4 KiB one, and a lower peak RSS
#: (1,288 against 1,468 MiB).
HUGE_PAGES_OFF: Final[bool] = True
_PR_SET_THP_DISABLE: Final[int] = 41  # linux/prctl.h
_PR_GET_THP_DISABLE: Final[int] = 42


@contextlib.contextmanager
def _huge_pages_off() -> Iterator[None]:
    """Transparent huge pages off for this process inside the block (see :data:`HUGE_PAGES_OFF`); the previous
    setting comes back afterwards. Nothing happens where ``prctl`` is not available or refuses."""
    prctl = _prctl() if HUGE_PAGES_OFF else None
    if prctl is None or prctl(_PR_GET_THP_DISABLE, 0, 0, 0, 0) != 0 or prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0:
        yield  # not Linux, already off (the caller's choice, kept), or refused
        return
    try:
        yield
    finally:
        prctl(_PR_SET_THP_DISABLE, 0, 0, 0, 0)


@functools.lru_cache(maxsize=1)
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        fn = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - no libc symbol
        return None
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return fn


def _sources(source: Source | Sequence[Source]) -> list[Source]:
    if isinstance(source, (str, os.PathLike)) or hasattr(source, "read"):
        return [source]  # type: ignore[list-item]
    if isinstance(source, Iterable):
        items = list(source)
        if not items:
            raise IngestError("no input files given; expected at least one review export")
        return items
    raise TypeError(f"source must be a path, a list of paths or a file-like object, not {type(source).__name__}")


def read_reviews(
    source: Source | Sequence[Source],
    format: str | None = None,
    column_map: Mapping[str, str] | None = None,
    platform: str | None = None,
    rating_scale: tuple[float, float] | None = None,
) -> IngestResult:
    """Read one or more review exports into the canonical frame.

    ``source`` is a path, a list of paths or a file-like object (its ``name`` is used for reports and
    for formats that read the file name). ``format`` forces a format by name (see
    :func:`reviewtools.formats.list_formats`); ``column_map`` maps source column names to canonical
    columns (``{"Stars": "rating", "Comment": "text"}``) on top of the detected or forced format;
    ``platform`` sets the platform of every row; ``rating_scale`` (``(lo, hi)``) overrides the scale.

    Raises :class:`~reviewtools.errors.IngestError` when a file cannot be read at all (empty, binary,
    no rating column); row-level problems go to ``rejects``. The input is never modified.

    >>> import io
    >>> csv_text = "Stars,Review,Date\\n5,Great,2024-01-15\\n4,Fine,not a date\\n"
    >>> res = read_reviews(io.StringIO(csv_text))
    >>> res.format, res.ingested, res.rejected, res.rejects.loc[0, "reason"]
    ('generic', 1, 1, 'date not understood')
    """
    with _huge_pages_off():
        return _read_reviews(source, format, column_map, platform, rating_scale)


def _read_reviews(
    source: Source | Sequence[Source],
    format: str | None,
    column_map: Mapping[str, str] | None,
    platform: str | None,
    rating_scale: tuple[float, float] | None,
) -> IngestResult:
    """:func:`read_reviews` itself."""
    if platform is not None and platform not in schema.PLATFORMS:
        raise IngestError(f"platform {platform!r} is not one of {', '.join(schema.PLATFORMS)}")
    if rating_scale is not None and not (len(rating_scale) == 2 and rating_scale[0] < rating_scale[1]):
        raise IngestError(f"rating_scale must be (low, high) with low < high, not {rating_scale!r}")
    forced = get_format(format) if format else None
    frames, rejects, keys, partial = [], [], [], []
    for i, src in enumerate(_sources(source)):
        name, data = _open_mapped(src)
        raw = _load(name, data, forced)
        del data  # the parsed frame is all we need; free the bytes before mapping
        if forced is not None:
            fmt, why = forced, "format given by the caller"
        else:
            det = detect_format(raw.frame.columns, raw.container)
            fmt, why = det.format, det.reason
        read = len(raw.frame) + len(raw.bad)
        ok, rej, akey, scale = _map_file(raw, fmt, column_map, platform, rating_scale, release_source=True,
                                         join_cleaned=False)
        frames.append(ok.assign(_file=i))
        keys.append(akey)
        rejects.append(rej)
        partial.append((name, fmt.name, why, read, len(rej), scale, raw.encoding))
        logger.info("%s: %s (%s), %d rows", name, fmt.name, why, read)
        del raw, ok, akey  # the source columns are done with: free them before the next file and the de-duplication
        _release_arrow_memory()
    allrows = frames[0].reset_index(drop=True) if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    akeys = keys[0].reset_index(drop=True) if len(keys) == 1 else pd.concat(keys, ignore_index=True)
    del frames, keys
    dup, conflict = _duplicates(allrows, akeys)
    del akeys
    files = allrows["_file"].to_numpy()
    kept = _take_rows(allrows, ~dup.to_numpy(), joined=CLEANED)  # the cleaned texts' one copy
    del allrows  # _take_rows emptied it column by column
    _release_arrow_memory()
    reports = []
    in_files = kept["_file"].to_numpy()
    for i, (name, fname, why, read, nrej, scale, enc) in enumerate(partial):
        # only the columns the report reads, not ``kept[kept["_file"] == i]`` (a copy of every text)
        sel = in_files == i
        nmine = int(sel.sum())
        created, products = ((kept["created_at"], kept["product_id"]) if nmine == len(kept)
                             else (kept["created_at"][sel], kept["product_id"][sel]))
        ndup = int((dup.to_numpy() & (files == i)).sum())
        nconf = int((conflict.to_numpy() & (files == i)).sum())
        if nconf:
            logger.warning("%s: %d conflicting duplicates (same review id, different content): kept the later "
                           "version", name, nconf)
        reports.append(
            FileReport(
                file=name, format=fname, detected_by=why, rows_read=read, ingested=nmine, rejected=nrej,
                duplicates=ndup,
                date_min=created.min() if nmine else None,
                date_max=created.max() if nmine else None,
                products=int(products.nunique()), rating_scale=scale, encoding=enc,
                conflicting_duplicates=nconf,
            )
        )
        assert read == nmine + nrej + ndup, (name, read, nmine, nrej, ndup)
    reviews = schema.coerce(kept.drop(columns="_file").reset_index(drop=True))
    schema.validate(reviews)
    rej = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(columns=list(REJECT_COLUMNS))
    rej = rej.astype({"source_file": "string", "source_row": "Int64", "column": "string", "value": "string",
                      "reason": "string"})[list(REJECT_COLUMNS)]
    names = list(dict.fromkeys(r.format for r in reports))
    return IngestResult(reviews=reviews, rejects=rej, format="+".join(names), files=tuple(reports))


def write_frame(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a frame to ``.csv`` or ``.parquet`` (chosen by the suffix); returns the path.

    The canonical CSV is what the ``canonical`` format reads back to the same frame.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(p, index=False)
    elif suffix in (".csv", ".txt"):
        frame.to_csv(p, index=False)
    else:
        raise IngestError(f"{p}: cannot write {suffix or 'a file without suffix'}; expected .csv or .parquet")
    return p


__all__ = [
    "REJECT_COLUMNS",
    "MIN_DATE",
    "MAX_DATE",
    "FileReport",
    "IngestResult",
    "read_reviews",
    "write_frame",
    "clean_text",
    "parse_dates",
    "infer_rating_scale",
    "to_five_stars",
]
