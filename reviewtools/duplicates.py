"""The set-level duplicate check: the same or nearly the same text under different authors, over the WHOLE frame.

Split out of :mod:`reviewtools.rules` (whose per-review checks run on any slice) because it is the one guideline
check that looks across reviews. Its rules (``duplicate_exact`` / ``duplicate_near`` detectors) and thresholds
stay in :mod:`reviewtools.rules`.

How it scales, and why it is exact (no bucket is ever dropped, nothing is sampled):

1. **Normalise** every text once (lower case, runs of non-word characters to one space): ASCII texts on their
   raw bytes with numpy (for ASCII, ``str.lower`` and ``\\w`` are exactly a byte table and
   ``[A-Za-z0-9_]``), the few others with Python's own ``str.lower`` and ``\\w``.
2. **Exact duplicates** are groups of equal normalised texts (a dictionary encoding). Each group is then ONE
   text for the near-duplicate search, so a boilerplate text repeated 100,000 times costs one text, and the
   per-group work uses per-author counts, never member x member loops.
3. **Near duplicates**: an exact set-similarity join over the distinct texts' sets of
   :data:`~reviewtools.rules.SHINGLE_WORDS`-word shingles (AllPairs prefix filtering, Bayardo, Ma and Srikant,
   WWW 2007, with PPJoin's prefix-overlap bound, Xiao et al., WWW 2008). Order all shingles by document
   frequency (rarest first, ties by hash). If ``J(x, y) >= t`` then ``|x & y| >= ceil(t * |x|)``, so the first
   ``|x| - ceil(t * |x|) + 1`` shingles of ``x`` and of ``y`` in that order share one. Shingles no other text
   has come first, so a text whose prefix is all private drops out. Pairs sharing a prefix shingle are
   generated per posting list in size order (only the run of partners that the size filter
   ``t * |y| <= |x|`` allows); the number ``c`` of prefix shingles a pair shares then bounds its overlap by
   ``c + |w| - prefix(w)``, ``w`` being the text whose prefix ends first. Pairs are generated and counted as
   positions in size order (one sort of packed 64-bit keys), and each remaining pair's overlap is counted
   exactly by intersecting the two texts' sorted rows of shared shingles (scipy's sparse elementwise product,
   a merge in C). Every bound is an upper bound on the true overlap, so the candidates
   are a superset of the answer and every pair at or above the threshold is found with its exact Jaccard
   (what MinHash-LSH only approximated: its 20 x 3 bands missed a few pairs at Jaccard 0.71 by chance, and it
   dropped buckets over 500 texts). The cost follows the number of pairs that really share rare shingles,
   not bucket sizes; a clique of ``m`` mutually near texts still has ``m * (m - 1) / 2`` pairs, each checked.
4. Shingles are hashed from a **stable 64-bit hash of each word** (BLAKE2b), not corpus-order word ids, so a
   text's shingles do not depend on the rest of the corpus (they could be computed per partition). Words are
   pieces of the normalised texts' own buffer (offsets only, no copy), dictionary-encoded per block so each
   distinct word is hashed once.
5. The **output** is built column by column: exact groups from group-wide reductions (per-author counts, the
   earliest rows, the first five partners from each group's first six rows, a scan only for an author holding
   several of them), notes joined by pyarrow, evidence stripped as the texts are copied (by Python only for texts
   that start or end off printable ASCII where the native core is absent), the blocks' columns kept as chunks.
   Python work follows the rules, not the rows.
6. ``threads`` (default 1): the block loops (normalising, shingling, the token-run passes, pair generation,
   the prefix-count bound, the verification) can run on several threads of the one process; their numpy, Arrow
   and scipy work releases the GIL and each block writes only its own slice of a preallocated output, so nothing
   is copied and the output does not depend on the number. The sorts and the whole-array passes between them
   stay serial.

7. The optional **native core** ``reviewtools/_dupcore.c`` (built by ``setup.py`` where a C compiler is
   present) runs the same steps in fewer passes: normalising in one pass over the bytes (``squeeze``; a
   non-ASCII text by ``str.lower`` and the definition of ``\\w`` that ``re`` uses), the exact groups by a hash
   table of the eligible texts over the column's chunks (``group``), and the shingle hashes of the distinct
   texts, read where they lie in the column, put straight into a hash table on the full 64-bit hashes
   (``tokens``: a table of the distinct words, each one's BLAKE2b-64 computed in C, the value :mod:`hashlib`
   gives; only each occurrence's token is stored, not the hashes), each text's ranks written over those tokens in order
   (``text_ranks``, read back from a bitmap), and the join without storing pair occurrences (``join``: texts
   probed in size order against an inverted index of the shorter AllPairs *index* prefixes, candidates counted
   in one array, the prefix-count bound, a merge). Every native step has the numpy path beside it, which runs
   where the module is absent or ``REVIEWTOOLS_PURE_PYTHON=1`` (read at each step), and the tests check both
   against each other and against brute-force oracles. The native steps are serial (``threads`` then only affects the few numpy block loops left). The check runs
   with transparent huge pages off (:data:`reviewtools.ingest.HUGE_PAGES_OFF`): fresh 2 MiB pages zeroed whole
   cost more system time than the 4 KiB ones. The core's own tables read at random (the token and word tables,
   the join's index, the text groups; 4 MiB or more) are the exception: it asks for huge pages for them and lifts
   the process's flag only while it touches them (each random read otherwise missed the TLB as well as the cache).

Output equals the previous MinHash-LSH implementation's, row for row, on the 2k, 20k and 100k benchmark
corpora, and the native path's equals the numpy path's; ``benchmarks/bench_duplicates.py`` measures it.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Any, Final, TypeVar

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None  # type: ignore[assignment]

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .rules import (
    DUPLICATE_MIN_WORDS,
    HIT_COLUMNS,
    NEAR_DUPLICATE_JACCARD,
    SHINGLE_WORDS,
    Rule,
    _prepare,
    _select_rules,
    _str_or_empty,
    _to_frame,
)
from .schema import PLATFORMS

try:  # the optional native join (setup.py builds it where a C compiler is present); else the numpy path
    from . import _dupcore
except ImportError:  # pragma: no cover - depends on the build
    _dupcore = None
#: Set to 1 to run the numpy path even where the native core is built (the same variable as
#: ``reviewtools.vader.PURE_PYTHON_ENV``; read at each step, as the other modules read it).
_PURE_PYTHON_ENV: Final[str] = "REVIEWTOOLS_PURE_PYTHON"


def _native() -> Any:
    """``reviewtools._dupcore`` when it is built and not disabled by ``REVIEWTOOLS_PURE_PYTHON``, else None: every
    step that has a native path asks this before taking it (the numpy path gives the same output)."""
    if _dupcore is None or os.environ.get(_PURE_PYTHON_ENV, "") not in ("", "0"):
        return None
    return _dupcore

log = logging.getLogger(__name__)


def _lap(what: str, t0: list[float]) -> None:
    """Debug log of the CPU seconds since the last lap (the benchmark's breakdown)."""
    now = time.process_time()
    if log.isEnabledFor(logging.DEBUG):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024 if resource else -1
        log.debug("duplicates: %-28s %6.2f CPU s (peak RSS so far %d MB)", what, now - t0[0], peak)
    t0[0] = now


#: The maximal runs of word characters: exactly the non-empty pieces ``re.split(r"[^\w]+", s)`` leaves.
_NORM_WORDS = re.compile(r"\w+")
#: Odd 64-bit multiplier (2**64 / golden ratio) combining word hashes into a shingle hash (mod 2**64).
_SHINGLE_MULT: Final[np.uint64] = np.uint64(0x9E3779B97F4A7C15)
#: Characters of normalised text split into words at a time (bounds the pyarrow word lists: ~10 bytes/char).
_BLOCK_CHARS: Final[int] = 8_000_000
#: Candidate pairs generated per step, and shingles compared per verification step (bounds memory).
_PAIR_CHUNK: Final[int] = 1_000_000
_VERIFY_CHUNK: Final[int] = 8_000_000
#: Guards the float ``t * s`` against rounding up (0.7 * 10 == 7.000000000000001): a smaller ceil only
#: lengthens the prefix (more candidates, never fewer).
_EPS: Final[float] = 1e-9
_LS: Final = pa.large_string()


_T = TypeVar("_T")
_R = TypeVar("_R")


def _share(size: int, threads: int) -> int:
    """A block size for each of ``threads`` threads: the blocks in flight together hold about what one block of
    ``size`` held (so threads do not add to the memory peak)."""
    return max(1, size // max(threads, 1))


def _each(fn: Callable[[_T], _R], items: Sequence[_T], threads: int) -> list[_R]:
    """``[fn(x) for x in items]``, on ``threads`` threads when more than one (the blocks' numpy and Arrow work
    releases the GIL; each block writes only its own part of any shared output)."""
    if threads <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(min(threads, len(items))) as pool:
        return list(pool.map(fn, items))


def _normalise(s: str) -> list[str]:
    """Lower-case word tokens (the non-empty pieces of ``re.split(r"[^\\w]+", s.lower())``)."""
    return _NORM_WORDS.findall(s.lower())


# ----------------------------------------------------------------------------------------- normalising


def _text_chunks(col: pd.Series) -> list[pa.Array]:
    """The column's Arrow chunks as ``large_string`` arrays, missing values as ``""``, without joining them (a
    column read by :func:`~reviewtools.ingest.read_reviews` comes in ~4 MiB chunks: joining copied every text).

    >>> [c.to_pylist() for c in _text_chunks(pd.Series(["a", None], dtype="string"))]
    [['a', '']]
    """
    if not isinstance(col.dtype, pd.StringDtype):
        return [_text_array(col)]
    arr = pa.array(col.array)
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    out = []
    for c in chunks:
        c = c.cast(_LS) if c.type != _LS else c
        out.append(pc.fill_null(c, "") if c.null_count else c)
    return out or [pa.array([], _LS)]


def _take_rows(chunks: list[pa.Array], rows: np.ndarray) -> pa.Array:
    """The values at ``rows`` (positions over all the chunks, any order) as one array: a take from each chunk,
    then one into the given order (Arrow's take from a chunked string column joins all its chunks first: at 1M
    a copy of every text).

    >>> _take_rows([pa.array(["a", "b"]), pa.array(["c"])], np.array([2, 0, 2, 1])).to_pylist()
    ['c', 'a', 'c', 'b']
    """
    rows = np.asarray(rows, dtype=np.int64)
    if len(chunks) == 1:
        return chunks[0].take(pa.array(rows))
    starts = np.cumsum([0] + [len(c) for c in chunks])
    which = np.searchsorted(starts, rows, side="right") - 1
    order = np.argsort(which, kind="stable")
    by_chunk = rows[order]
    bounds = np.searchsorted(which[order], np.arange(len(chunks) + 1))
    parts = [chunks[c].take(pa.array(by_chunk[bounds[c]:bounds[c + 1]] - starts[c]))
             for c in range(len(chunks)) if bounds[c + 1] > bounds[c]]
    got = pa.concat_arrays(parts) if parts else chunks[0].slice(0, 0)
    back = np.empty(len(rows), dtype=np.int64)
    back[order] = np.arange(len(rows))
    return got.take(pa.array(back))


def _flagged_texts(chunks: list[pa.Array], rows: np.ndarray) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The texts at ``rows`` (as :func:`_take_rows`), each one's length in characters (``utf8_length``) and
    whether it is non-empty and starts and ends with a printable non-space ASCII byte (``str.strip`` leaves it
    alone). The native core (``_dupcore.take``) copies the texts once, in the rows' order, and gets the lengths
    and the ends' test in the same pass.

    >>> t, n, p = _flagged_texts([pa.array(["ab", " é "], _LS), pa.array(["ñx", ""], _LS)], np.array([1, 2, 0, 3]))
    >>> t.to_pylist(), n.tolist(), p.tolist()
    ([' é ', 'ñx', 'ab', ''], [3, 2, 2, 0], [False, False, True, False])
    """
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    m = len(rows)
    if _native() is not None and hasattr(_dupcore, "take"):
        data, offsets, n_chars, plain = _dupcore.take(_chunk_buffers(pa.chunked_array(chunks, type=_LS)), rows)
        texts = pa.Array.from_buffers(_LS, m, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
        return texts, np.frombuffer(n_chars, dtype=np.int64).copy(), np.frombuffer(plain, dtype=np.bool_).copy()
    texts = _take_rows(chunks, rows)
    _, off_buf, data_buf = texts.buffers()
    off = np.frombuffer(off_buf, dtype=np.int64)[texts.offset:texts.offset + m + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, dtype=np.uint8)
    plain = off[1:] > off[:-1]
    if plain.any():
        lo, hi = data[off[:-1][plain]], data[off[1:][plain] - 1]
        plain[plain] = (lo > 32) & (lo < 127) & (hi > 32) & (hi < 127)
    return texts, pc.utf8_length(texts).to_numpy(zero_copy_only=False).astype(np.int64), plain


def _evidence(chunks: list[pa.Array], rows: np.ndarray) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The texts at ``rows`` (as :func:`_take_rows`) without surrounding whitespace (``str.strip()``), and where
    that part lies in each text, in characters: ``len(s) - len(s.lstrip())`` and ``len(s.rstrip())``. The native
    core (``_dupcore.take_stripped``) copies each text once, already stripped (only one that does not start and
    end with a printable non-space ASCII byte is decoded at its ends); else :func:`_flagged_texts`, and Python
    strips the texts it did not pass as plain (at 1M 13 of 349k: their replacement copied every text again).

    >>> t, a, b = _evidence([pa.array(["ab", " é\\u3000"], _LS), pa.array(["\\tñx ", " "], _LS)], np.array([1, 2, 0, 3]))
    >>> t.to_pylist(), a.tolist(), b.tolist()
    (['é', 'ñx', 'ab', ''], [1, 1, 0, 1], [2, 3, 2, 0])
    """
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    m = len(rows)
    if _native() is not None and hasattr(_dupcore, "take_stripped"):
        data, offsets, start, end = _dupcore.take_stripped(_chunk_buffers(pa.chunked_array(chunks, type=_LS)), rows)
        texts = pa.Array.from_buffers(_LS, m, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
        return texts, np.frombuffer(start, dtype=np.int64), np.frombuffer(end, dtype=np.int64)
    texts, end, plain = _flagged_texts(chunks, rows)
    start = np.zeros(m, dtype=np.int64)
    odd = np.flatnonzero(~plain)
    if len(odd):
        raw = texts.take(pa.array(odd)).to_pylist()
        start[odd] = [len(s) - len(s.lstrip()) for s in raw]
        end[odd] = [len(s.rstrip()) for s in raw]
        stripped = np.empty(m, dtype=object)
        stripped[odd] = [s.strip() for s in raw]
        texts = pc.replace_with_mask(texts, pa.array(~plain), pa.array(stripped[odd], _LS))
    return texts, start, end


def _partner_ids(ids: pa.Array, partners: np.ndarray) -> pa.Array:
    """Each row's partners' ids (``partners``: rows of ``ids``, -1 for none; a flagged row has at least one)
    joined by ``", "``: ``binary_join_element_wise`` of the masked takes, by the native core where built
    (``_dupcore.join_ids``: one pass, no intermediate arrays; it gives ``""`` for a row without partners, where
    pyarrow's join drops the row).

    >>> _partner_ids(pa.array(["a", "bb", "c"], _LS), np.array([[2, 0], [-1, 1], [1, -1]])).to_pylist()
    ['c, a', 'bb', 'bb']
    """
    if _native() is not None and hasattr(_dupcore, "join_ids") and partners.ndim == 2 and partners.shape[1] > 0:
        (data_buf, off), = _chunk_buffers(ids)
        data, offsets = _dupcore.join_ids(data_buf, off, np.ascontiguousarray(partners, dtype=np.int64),
                                          partners.shape[1], b", ")
        return pa.Array.from_buffers(_LS, len(partners), [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    cols = [ids.take(pa.array(partners[:, j], mask=partners[:, j] < 0)) for j in range(partners.shape[1])]
    return pc.binary_join_element_wise(*cols, _ls(", "), null_handling="skip")


def _text_array(col: pd.Series) -> pa.Array:
    """The column as a pyarrow ``large_string`` array, missing values as ``""`` (like ``_str_or_empty``)."""
    if isinstance(col.dtype, pd.StringDtype):
        arr = pa.array(col.array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = arr.cast(pa.large_string())
    else:
        arr = pa.array([_str_or_empty(v) for v in col], type=pa.large_string())
    return pc.fill_null(arr, "") if arr.null_count else arr


#: ASCII byte -> its lower-case form if it is a word character (Python's ``\\w`` on ASCII: letters, digits,
#: underscore), else a space. Bytes >= 128 are left alone (their rows are normalised by Python instead).
_ASCII_WORD_LUT: Final[np.ndarray] = np.array(
    [c + 32 if 65 <= c <= 90 else c if (97 <= c <= 122 or 48 <= c <= 57 or c == 95 or c >= 128) else 32
     for c in range(256)], dtype=np.uint8)


def _normalised_texts(texts: pa.Array | list[pa.Array], threads: int = 1) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Each text's lower-case words joined by single spaces, and its word count.

    Equal to ``" ".join(re.findall(r"\\w+", s.lower()))``: ASCII texts are done on their bytes (a lookup table,
    then runs of separators squeezed to one space), the others by Python's ``str.lower`` and ``\\w`` (in the
    native core where built). ``texts``: an array, or the chunks of a column (each split into blocks; never
    joined).

    >>> norm, n = _normalised_texts(pa.array(["Hi, THERE!  ok_1", "Ça va?", "", " -a- "], type=pa.large_string()))
    >>> norm.to_pylist(), n.tolist()
    (['hi there ok_1', 'ça va', '', 'a'], [3, 2, 0, 1])
    """
    def block(r: tuple[pa.Array, int, int]) -> tuple[pa.Array, np.ndarray]:
        got = _normalised_block(r[0].slice(r[1], r[2] - r[1]))
        _release()
        return got

    ranges = [(c, lo, hi) for c in (texts if isinstance(texts, list) else [texts])
              for lo, hi in _chunks(pc.binary_length(c).to_numpy(zero_copy_only=False).astype(np.int64),
                                    _share(_BLOCK_CHARS, threads))]
    parts = _each(block, ranges, threads)
    # the blocks stay chunks (no second copy of every normalised text; dictionary encoding unifies them)
    norm = pa.chunked_array([p for p, _ in parts], type=pa.large_string())
    n_words = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, dtype=np.int64)
    del parts
    _release()
    return norm, n_words


def _chunk_buffers(norm: pa.ChunkedArray | pa.Array) -> list[tuple[Any, np.ndarray]]:
    """Each chunk of a string column as ``(data buffer, int64 offsets)``, as the native core reads them."""
    out = []
    for c in (norm.chunks if isinstance(norm, pa.ChunkedArray) else [norm]):
        c = c.cast(_LS) if c.type != _LS else c
        _, off_buf, data_buf = c.buffers()
        out.append((data_buf if data_buf is not None else b"",
                    np.ascontiguousarray(np.frombuffer(off_buf, dtype=np.int64)[c.offset:c.offset + len(c) + 1])))
    return out


def _native_groups(norm: pa.ChunkedArray, rows: np.ndarray,
                   want_texts: bool) -> tuple[np.ndarray, pa.Array | None, int, np.ndarray]:
    """The rows' normalised texts numbered in order of first appearance among them (equal bytes, equal code),
    the distinct texts in that order (if wanted), their number, and each one's first row, by the native core
    (``reviewtools._dupcore.group``: a hash table over the column's chunks, bytes compared on a hash match).
    The numpy path gets the same from Arrow's dictionary encoding of the whole column and a renumbering.

    >>> norm = pa.chunked_array([["a b", "c"], ["a b", "d", "c"]], type=pa.large_string())
    >>> code, texts, k, rep = _native_groups(norm, np.array([0, 1, 2, 4]), True)  # doctest: +SKIP
    >>> code.tolist(), texts.to_pylist(), k, rep.tolist()  # doctest: +SKIP
    ([0, 1, 0, 1], ['a b', 'c'], 2, [0, 1])
    """
    code = np.empty(len(rows), dtype=np.int64)
    rep = np.empty(len(rows), dtype=np.int64)
    k, data, offsets = _dupcore.group(_chunk_buffers(norm), np.ascontiguousarray(rows, dtype=np.int64), code, rep,
                                      want_texts)
    texts = None
    if want_texts:
        texts = pa.Array.from_buffers(_LS, k, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    return code, texts, int(k), rep[:k]


def _release() -> None:
    """Hand the memory pyarrow's pool keeps after freeing back to the OS (the pool otherwise holds on to it,
    so a step's temporaries would add up in the peak)."""
    release = getattr(pa.default_memory_pool(), "release_unused", None)
    if release is not None:
        release()


def _normalised_block(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    if _native() is not None:  # non-ASCII texts too, but for any it could not do (flagged)
        norm, n_words, flags = _squeeze_native(texts)
        rows = np.flatnonzero(flags)
        not_ascii = pa.array(flags) if len(rows) else None
    else:
        norm, n_words = _squeeze_ascii(texts)
        not_ascii = pc.invert(pc.string_is_ascii(texts))
        rows = np.flatnonzero(not_ascii.to_numpy(zero_copy_only=False))
    if len(rows):
        words = [_normalise(s) for s in texts.take(pa.array(rows)).to_pylist()]
        norm = pc.replace_with_mask(norm, not_ascii, pa.array([" ".join(w) for w in words], type=pa.large_string()))
        n_words[rows] = [len(w) for w in words]
    return norm, n_words


def _squeeze_native(texts: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The normalised texts and word counts by the native core (``reviewtools._dupcore.squeeze``: one pass over
    the bytes through :data:`_ASCII_WORD_LUT`; a non-ASCII text decoded, lowered by ``str.lower`` and split at
    non-``\\w`` characters by the same definitions as ``re``), and which texts it left empty for Python (one whose
    lower case would outgrow the input bytes read so far, or that does not decode).

    >>> norm, n, odd = _squeeze_native(pa.array(["Hi, THERE!  ok_1", "Ça va?", "", " -a- "], type=pa.large_string()))
    >>> norm.to_pylist(), n.tolist(), odd.tolist()  # doctest: +SKIP
    (['hi there ok_1', 'ça va', '', 'a'], [3, 2, 0, 1], [False, False, False, False])
    """
    if texts.type != _LS:
        texts = texts.cast(_LS)
    n = len(texts)
    _, off_buf, data_buf = texts.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64)[texts.offset:texts.offset + n + 1]
    data = data_buf if data_buf is not None else pa.py_buffer(b"")
    out = _empty_prefaulted(max(int(offsets[-1] - offsets[0]), 1), np.uint8)
    new_offsets = np.empty(n + 1, dtype=np.int64)
    n_words = np.empty(n, dtype=np.int64)
    not_ascii = np.empty(n, dtype=np.bool_)
    used = _dupcore.squeeze(data, np.ascontiguousarray(offsets), _ASCII_WORD_LUT, out, new_offsets, n_words,
                            not_ascii.view(np.uint8))
    norm = pa.Array.from_buffers(_LS, n, [None, pa.py_buffer(new_offsets), pa.py_buffer(out[:used])])
    return norm, n_words, not_ascii


#: Whether the native core's large output arrays (the normalised texts, each occurrence's token) get their pages
#: from one ``madvise(MADV_POPULATE_WRITE)`` call (as ``ingest`` does for its final copy; Linux 5.14+, refused
#: elsewhere: page faults as before) instead of one page fault per 4 KiB as the core first writes each (the check
#: runs with transparent huge pages off). At 1M ~250 MB of ``slot_of`` and ~230 MB of normalised text.
PREFAULT: Final[bool] = True
_PREFAULT_MIN: Final[int] = 1 << 20


def _empty_prefaulted(n: int, dtype: Any) -> np.ndarray:
    """``np.empty(n, dtype)`` with its pages already in (see :data:`PREFAULT`); its values are unspecified, as
    ``np.empty``'s.

    >>> _empty_prefaulted(3 << 20, np.uint8).nbytes
    3145728
    """
    a = np.empty(n, dtype=dtype)
    if PREFAULT and a.nbytes >= _PREFAULT_MIN:
        from .ingest import _MADV_POPULATE_WRITE, _madvise  # (lazily: ingest is heavier to import than this module)

        madvise = _madvise()
        if madvise is not None:
            page = mmap.PAGESIZE
            start = (a.ctypes.data + page - 1) // page * page
            end = (a.ctypes.data + a.nbytes) // page * page
            if end > start:
                madvise(start, end - start, _MADV_POPULATE_WRITE)  # (-1 on an older kernel: the faults as before)
    return a


def _squeeze_ascii(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """ASCII normalisation on the raw bytes of a ``large_string`` array, and word counts (non-ASCII rows give
    junk, replaced by the caller)."""
    n = len(texts)
    _, off_buf, data_buf = texts.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64)[texts.offset:texts.offset + n + 1]
    lo, hi = int(offsets[0]), int(offsets[-1])
    data = _ASCII_WORD_LUT[np.frombuffer(data_buf, dtype=np.uint8)[lo:hi]] if hi > lo else \
        np.zeros(0, dtype=np.uint8)
    offsets = offsets - lo
    word = data != 32
    starts = offsets[:-1][(offsets[:-1] < offsets[1:]) & (offsets[:-1] > 0)]  # non-empty texts after the first
    # the first byte of each word (a text's first byte never continues the previous text's last)
    word_start = word.copy()
    word_start[1:] &= ~word[:-1]
    word_start[starts] = word[starts]
    wpos = np.flatnonzero(word_start)
    del word_start
    at_start, at_end = np.searchsorted(wpos, offsets[:-1]), np.searchsorted(wpos, offsets[1:])
    n_words = (at_end - at_start).astype(np.int64)
    # keep every word byte and a separator byte where a word follows in the same text, except before the
    # text's first word: one space between words, none around
    keep = word.copy()
    if len(data) > 1:
        keep[:-1] |= word[1:]
    keep[starts - 1] = word[starts - 1]
    has = n_words > 0
    first_word = wpos[at_start[has]]
    lead = first_word > offsets[:-1][has]
    keep[first_word[lead] - 1] = False
    # each text keeps its word bytes and one space between words: its word bytes from the word lengths (word
    # ends: the byte after a word's last; a text's last byte ends its word whatever the next text starts with)
    word_end = word.copy()
    word_end[:-1] &= ~word[1:]
    last = offsets[1:][offsets[1:] > offsets[:-1]] - 1
    word_end[last] = word[last]
    wend = np.flatnonzero(word_end)
    del word_end
    wend += 1
    wend -= wpos
    word_bytes = np.concatenate(([0], np.cumsum(wend)))
    del wend
    kept = word_bytes[at_end] - word_bytes[at_start] + np.maximum(n_words - 1, 0)
    new_offsets = np.concatenate(([0], np.cumsum(kept)))
    out = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(new_offsets), pa.py_buffer(data[keep])])
    return out, n_words


# -------------------------------------------------------------------------------------------- shingles


def _word_hash(word: str) -> int:
    """A stable 64-bit hash (BLAKE2b) of a word: the same word hashes alike in any corpus or partition."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def _word_hash_bytes(word: bytes) -> int:
    """:func:`_word_hash` of a word's UTF-8 bytes (what the native shingling asks for each distinct word).

    >>> _word_hash_bytes("café".encode()) == _word_hash("café")
    True
    """
    return int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "little")


def _native_word_hash() -> Callable[[bytes], int] | None:
    """What the native shingling gets as its ``word_hash``: None where the core computes :func:`_word_hash_bytes`
    itself (BLAKE2b-64 in C, the same value; a core built before that refuses None), else the function."""
    return None if getattr(_dupcore, "NATIVE_WORD_HASH", 0) else _word_hash_bytes


def _word_hashes(words: pa.Array, cache: dict[str, int]) -> np.ndarray:
    """:func:`_word_hash` of each word (without the one space that may end it, see :func:`_split_words`),
    through ``cache`` (blocks of one corpus share most of their words)."""
    got = cache.get
    return np.fromiter(((got(w) or cache.setdefault(w, _word_hash(w[:-1] if w.endswith(" ") else w)))
                        for w in words.to_pylist()), dtype=np.uint64, count=len(words))


def _split_words(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The pieces of ``pc.split_pattern(texts, " ")``, flat, each with the one space that ends it (a piece that
    ends its text has none), and the number of pieces per text.

    No copy of the text bytes: the pieces are a string array over the texts' own buffer whose offsets are the
    piece starts (each text's start and the byte after each space), so a piece runs to the next one's start.

    >>> w, n = _split_words(pa.array(["ab cd", "", "e  f "], type=pa.large_string()))
    >>> w.to_pylist(), n.tolist()
    (['ab ', 'cd', '', 'e ', ' ', 'f ', ''], [2, 1, 4])
    """
    if texts.type != _LS:
        texts = texts.cast(_LS)
    n = len(texts)
    _, off_buf, data_buf = texts.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64)[texts.offset:texts.offset + n + 1]
    lo, hi = int(offsets[0]), int(offsets[-1])
    data = np.frombuffer(data_buf, dtype=np.uint8)[lo:hi] if hi > lo else np.zeros(0, dtype=np.uint8)
    space = np.flatnonzero(data == 32) + lo
    after_space = space + 1
    # the piece starts in order: each text's start merged into the bytes after a space (equal starts, from an
    # empty piece, may come in either order: the first of them is the empty one)
    starts = np.insert(after_space, np.searchsorted(after_space, offsets[:-1]), offsets[:-1])
    n_words = np.diff(np.searchsorted(space, offsets)) + 1
    words = pa.Array.from_buffers(_LS, len(starts), [None, pa.py_buffer(np.append(starts, hi)), data_buf])
    return words, n_words


def _shingles_of_words(wh: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of :data:`SHINGLE_WORDS` consecutive words (a shorter text: one of all its words).

    Returns the flat hash array and the shingle count of each text.
    """
    k = SHINGLE_WORDS
    n_sh = np.maximum(lengths - k + 1, 1)
    if len(lengths) and lengths.min() >= k:  # the usual case: one multiply-add pass over the flat word array
        n = len(wh)
        h = wh[:n - k + 1].copy()
        for j in range(1, k):
            h *= _SHINGLE_MULT
            h += wh[j:n - k + 1 + j]
        ends = np.cumsum(lengths)
        valid = np.ones(n - k + 1, dtype=bool)
        for j in range(1, k):  # shingles that would run into the next text
            valid[ends[:-1] - j] = False
        return h[valid], n_sh
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    total = int(n_sh.sum())
    first = np.repeat(starts - (np.cumsum(n_sh) - n_sh), n_sh) + np.arange(total, dtype=np.int64)
    span = np.minimum(np.repeat(lengths, n_sh), k)
    padded = np.concatenate((wh, np.zeros(k, dtype=np.uint64)))
    h = np.zeros(total, dtype=np.uint64)
    for j in range(k):
        h *= _SHINGLE_MULT
        h += np.where(j < span, padded[first + j], np.uint64(0))
    return h, n_sh


def _shingle_hashes(norm: pa.Array, n_words: np.ndarray | None = None,
                    threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of each normalised text (flat, text by text) and each text's shingle count.

    ``n_words``, each text's word count if the caller knows it (normalising counted them), saves counting
    its spaces again.
    """
    n = len(norm)
    chars = pc.binary_length(norm).to_numpy(zero_copy_only=False).astype(np.int64)
    cum = np.cumsum(chars)
    counts = _shingle_counts(norm, n_words)  # so the output is allocated once (blocks are not concatenated)
    out = np.empty(int(counts.sum()), dtype=np.uint64)
    out_at = np.concatenate(([0], np.cumsum(counts)))  # where each text's shingles go
    if _native() is not None:  # one native pass: pieces, a table of the distinct words, shingles (same hashes)
        if isinstance(norm, pa.ChunkedArray):
            norm = norm.combine_chunks()
        norm = norm.cast(_LS) if norm.type != _LS else norm
        _, off_buf, data_buf = norm.buffers()
        offsets = np.frombuffer(off_buf, dtype=np.int64)[norm.offset:norm.offset + n + 1]
        _dupcore.shingles(data_buf if data_buf is not None else b"", np.ascontiguousarray(offsets), SHINGLE_WORDS,
                          int(_SHINGLE_MULT), _native_word_hash(), out, counts)
        return out, counts
    cache: dict[str, int] = {}
    blocks = []
    lo = 0
    while lo < n:
        hi = max(lo + 1, int(np.searchsorted(cum, cum[lo] - chars[lo] + _share(_BLOCK_CHARS, threads),
                                             side="right")))
        blocks.append((lo, hi))
        lo = hi

    def block(r: tuple[int, int]) -> None:
        lo, hi = r
        words, lengths = _split_words(norm.slice(lo, hi - lo))
        enc = pc.dictionary_encode(words)
        wh = _word_hashes(enc.dictionary, cache)[enc.indices.to_numpy(zero_copy_only=False)]
        del words, enc
        _release()
        h, n_sh = _shingles_of_words(wh, lengths)
        if not np.array_equal(n_sh, counts[lo:hi]):  # an invariant (both count the same pieces)
            raise RuntimeError("duplicates: shingle counts disagree with the texts' spaces")
        out[out_at[lo]:out_at[hi]] = h

    _each(block, blocks, threads)
    return out, counts


# ------------------------------------------------------------------------------------ the similarity join


def _min_overlap(s: np.ndarray) -> np.ndarray:
    """``ceil(t * s)``: the fewest shared shingles a text of ``s`` shingles needs with a near duplicate."""
    return np.ceil(NEAR_DUPLICATE_JACCARD * s - _EPS).astype(np.int64)


def _token_runs(h: np.ndarray, n_sh: np.ndarray, threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Group equal shingle hashes: the owner text of each occurrence in grouped order, and run-start flags.

    One in-place sort of ``(high hash bits | position)`` packed into a uint64 (numpy's SIMD sort) instead of an
    argsort; the rare runs whose high bits collide but whose full hashes differ are re-sorted exactly by the low
    bits the key dropped. Those low bits and the owner text of each position are packed side by side into one
    uint64 per position, so the sorted positions fetch both with ONE random gather, written over the keys in
    place (the positions are not needed after it: within a run they are in order). Within a run the
    occurrences stay in position order, so their owners are non-decreasing: the order is exactly
    ``np.lexsort((position, hash))``. Takes ``h`` over and overwrites it with the keys (the caller must drop its
    own reference for the memory to go).

    >>> ow, brk = _token_runs(np.array([9, 3, 9, 3, 7], dtype=np.uint64), np.array([2, 3]))
    >>> ow.tolist(), brk.tolist()
    ([0, 1, 1, 0, 1], [True, False, True, True, False])
    """
    n = len(h)
    bits = max(1, (n - 1).bit_length())
    if bits > 32 or len(n_sh) >= 2**31:  # beyond uint32 low bits or int32 owners
        return _token_runs_wide(h, n_sh)
    mask = np.uint64((1 << bits) - 1)
    ends = np.cumsum(n_sh)
    starts = ends - n_sh
    aux = np.empty(n, dtype=np.uint64)  # (dropped low bits << 32) | owner text, by position

    def pack(r: tuple[int, int]) -> None:
        lo, hi = r
        t0 = int(np.searchsorted(starts, lo, side="right")) - 1
        t1 = int(np.searchsorted(starts, hi, side="left"))
        own = np.repeat(np.arange(t0, t1, dtype=np.uint64),
                        np.minimum(ends[t0:t1], hi) - np.maximum(starts[t0:t1], lo))
        block = h[lo:hi]
        np.bitwise_and(block, mask, out=aux[lo:hi])
        aux[lo:hi] <<= np.uint64(32)
        aux[lo:hi] |= own
        block &= ~mask  # the key in place of the hash: high bits | position
        block |= np.arange(lo, hi, dtype=np.uint64)

    step = _share(_RANGE_STEP, threads)
    _each(pack, list(_ranges(n, step=step)), threads)
    key = h
    del h
    key.sort()
    brk = np.empty(n, dtype=bool)
    brk[:1] = True

    def breaks(r: tuple[int, int]) -> None:
        lo, hi = r
        np.not_equal(key[lo:hi] >> np.uint64(bits), key[lo - 1:hi - 1] >> np.uint64(bits), out=brk[lo:hi])

    _each(breaks, list(_ranges(n, start=1, step=step)), threads)
    key &= mask
    pos = key.view(np.int64)

    def fetch(r: tuple[int, int]) -> None:  # each sorted position's (low bits << 32) | owner, in place
        lo, hi = r
        key[lo:hi] = aux[pos[lo:hi]]

    _each(fetch, list(_ranges(n, step=step)), threads)
    del aux, pos  # before the owners are allocated: the step's memory peak stays that of key + aux
    got = key

    def mixed_in(r: tuple[int, int]) -> list[int]:
        lo, hi = r
        lv = got[lo - 1:hi] >> np.uint64(32)
        return (np.flatnonzero((lv[1:] != lv[:-1]) & ~brk[lo:hi]) + lo).tolist()

    mixed = [i for part in _each(mixed_in, list(_ranges(n, start=1, step=step)), threads) for i in part]
    ow = np.empty(n, dtype=np.int32)
    ow_u = ow.view(np.uint32)

    def owners(r: tuple[int, int]) -> None:
        ow_u[r[0]:r[1]] = got[r[0]:r[1]]  # the low 32 bits

    _each(owners, list(_ranges(n, step=step)), threads)
    done = -1
    for i in mixed:  # several full hashes share the high bits: order that group by (hash, position)
        if i < done:
            continue
        lo, hi = i, i + 1
        while not brk[lo]:
            lo -= 1
        while hi < n and not brk[hi]:
            hi += 1
        # the group is in position order already, so a stable sort by the low bits gives (hash, position)
        lv = got[lo:hi] >> np.uint64(32)
        o = np.argsort(lv, kind="stable")
        ow[lo:hi] = ow[lo:hi][o]
        lv = lv[o]
        brk[lo + 1:hi] = lv[1:] != lv[:-1]
        done = hi
    return ow, brk


def _token_runs_wide(h: np.ndarray, n_sh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_token_runs` for more than 2**32 shingles or 2**31 texts (low bits kept whole, owners by a
    second gather)."""
    n = len(h)
    bits = max(1, (n - 1).bit_length())
    low = np.empty(n, dtype=np.uint64)
    for lo, hi in _ranges(n):  # the key in place of the hash, the dropped low bits aside
        low[lo:hi] = h[lo:hi] & np.uint64((1 << bits) - 1)
        h[lo:hi] >>= np.uint64(bits)
        h[lo:hi] <<= np.uint64(bits)
        h[lo:hi] |= np.arange(lo, hi, dtype=np.uint64)
    key = h
    del h
    key.sort()
    brk = np.empty(n, dtype=bool)
    brk[:1] = True
    for lo, hi in _ranges(n, start=1):
        np.not_equal(key[lo:hi] >> np.uint64(bits), key[lo - 1:hi - 1] >> np.uint64(bits), out=brk[lo:hi])
    key &= np.uint64((1 << bits) - 1)
    pos = key.view(np.int64)
    mixed: list[int] = []
    for lo, hi in _ranges(n, start=1):
        lv = low[pos[lo - 1:hi]]
        mixed += (np.flatnonzero((lv[1:] != lv[:-1]) & ~brk[lo:hi]) + lo).tolist()
    done = -1
    for i in mixed:
        if i < done:
            continue
        lo, hi = i, i + 1
        while not brk[lo]:
            lo -= 1
        while hi < n and not brk[hi]:
            hi += 1
        sub = np.sort(pos[lo:hi])
        sub = sub[np.argsort(low[sub], kind="stable")]
        pos[lo:hi] = sub
        lv = low[sub]
        brk[lo + 1:hi] = lv[1:] != lv[:-1]
        done = hi
    del low
    owner = np.repeat(np.arange(len(n_sh), dtype=np.int64), n_sh)
    ow = owner[pos]
    return ow, brk


#: Elements per block of the elementwise passes over the shingle arrays (bounds their temporaries).
_RANGE_STEP: Final[int] = 8_000_000


def _ranges(n: int, start: int = 0, step: int | None = None) -> Iterator[tuple[int, int]]:
    """``[lo, hi)`` blocks of ``range(start, n)`` (elementwise work in blocks keeps temporaries small)."""
    step = step or _RANGE_STEP
    for lo in range(start, n, step):
        yield lo, min(n, lo + step)


def _near_pairs(norm: pa.Array | _TextRows | list[Any], n_words: np.ndarray | None = None,
                threads: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``(u, v)``, ``u < v``, of the given texts whose shingle sets have Jaccard >= the threshold.

    ``norm`` holds distinct normalised texts (words joined by single spaces): an array, rows of a column
    (:class:`_TextRows`), or a one-item list holding either (handed over: dropped once shingled). Exact: see
    the module docstring.
    ``n_words`` (optional) is each text's word count; ``threads`` run the block loops. Returns ``(u, v,
    jaccard)`` arrays.

    >>> a = "the kettle boils a full litre in under three minutes and the handle stays cool"
    >>> u, v, j = _near_pairs(pa.array([a, a + " today", "something else entirely said here by me"]))
    >>> u.tolist(), v.tolist(), [round(float(x), 3) for x in j]  # 13 shared of 14 shingles
    ([0], [1], [0.929])
    """
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
    if isinstance(norm, list):  # handed over: the texts are dropped once shingled
        norm = norm.pop()
    n_texts = len(norm)
    if n_texts < 2:
        return empty
    t0 = [time.process_time()]
    counts = _shingle_counts(norm, n_words)
    if _native() is not None and int(counts.sum()) < 2**31 - 1:
        # the native shingles and token table in one pass (same tokens, ranks, rows; no array of the hashes)
        t_rank, off, size, private, prefix, live = _native_token_rows(norm, counts)
        del norm
        _release()
        _lap("shingles, token table and rows (native)", t0)
        if len(t_rank) == 0:
            return empty
    else:
        if isinstance(norm, _TextRows):
            norm = norm.texts()
        sh = list(_shingle_hashes(norm, n_words, threads))
        del norm
        _release()
        _lap("shingles", t0)
        ow, brk = _token_runs(sh.pop(0), sh[0], threads)
        del sh
        _lap("token runs", t0)
        # one entry per (shingle, text): drop repeats of a shingle inside one text
        keep = brk.copy()
        keep[1:] |= ow[1:] != ow[:-1]
        ow = ow[keep]  # one array at a time: each old one goes before the next copy is made
        brk = brk[keep]  # the runs of the kept entries (a run's first entry is always kept)
        del keep
        tid = np.cumsum(brk, dtype=np.int32)
        del brk
        tid -= 1
        df = np.bincount(tid)  # texts holding each shingle
        size = np.bincount(ow, minlength=n_texts)  # distinct shingles per text
        shared_token = df >= 2
        shared = shared_token[tid]
        n_shared_entries = int(np.count_nonzero(shared))
        if 2 * n_shared_entries >= len(shared):  # count the smaller side
            private = np.bincount(ow[~shared], minlength=n_texts)
        else:
            private = size - np.bincount(ow[shared], minlength=n_texts)
        prefix = size - _min_overlap(size) + 1
        # private shingles sort first (document frequency 1): a text whose whole prefix is private has no partner
        live = private < prefix
        sel = shared & live[ow]
        del shared
        tid = tid[sel]
        ow = ow[sel]
        del sel
        _lap("document frequencies", t0)
        log.debug("near duplicates: %d texts, %d in play, %d shared shingle entries", n_texts, int(live.sum()), len(tid))
        if len(tid) == 0:
            return empty
        # the global order of the shared shingles: document frequency, then hash (token ids are in hash order)
        used = np.flatnonzero(shared_token)
        order = np.argsort(np.minimum(df[used], np.iinfo(np.uint16).max).astype(np.uint16), kind="stable")
        rank = np.empty(len(df), dtype=np.uint32)
        rank[used[order]] = np.arange(len(used), dtype=np.uint32)
        del df, used, order, shared_token
        n_shared = np.bincount(ow, minlength=n_texts)
        key = np.empty(len(tid), dtype=np.uint64)
        for lo, hi in _ranges(len(tid)):  # (text << 32) | rank, in blocks: no full-length temporaries
            key[lo:hi] = ow[lo:hi]
            key[lo:hi] <<= np.uint64(32)
            key[lo:hi] |= rank[tid[lo:hi]]
        del tid, ow, rank
        key.sort()  # by text, then rank
        key &= np.uint64(0xFFFFFFFF)
        t_rank = key.astype(np.uint32)
        del key
        off = np.concatenate(([0], np.cumsum(n_shared)))
    n_prefix = np.clip(prefix - private, 0, None)  # shared shingles in each live text's prefix (others: none)
    last = np.zeros(n_texts, dtype=np.int64)  # rank of the last shingle of each live text's prefix
    last[live] = t_rank[off[:-1][live] + n_prefix[live] - 1]
    _lap("prefixes", t0)
    if _native() is not None and len(t_rank) < 2**32 - 1:  # the native join (same pairs, same overlaps)
        cand_u, cand_v, overlap = _native_join(t_rank, off, n_prefix, size, prefix, last)
        _lap("candidates and verification (native)", t0)
        if len(cand_u) == 0:
            return empty
    else:
        p_start = np.cumsum(n_prefix) - n_prefix
        in_prefix = np.repeat(off[:-1] - p_start, n_prefix) + np.arange(int(n_prefix.sum()))
        entries = [t_rank[in_prefix], np.repeat(np.arange(n_texts, dtype=np.int32), n_prefix)]
        del in_prefix, p_start
        cand_u, cand_v, _ = _candidates(entries, size, prefix, last, threads)
        _lap("candidates", t0)
        if len(cand_u) == 0:
            return empty
        overlap = _overlaps(cand_u, cand_v, t_rank, off, threads)
        _lap("verification", t0)
    jac = overlap / (size[cand_u] + size[cand_v] - overlap)
    ok = jac >= NEAR_DUPLICATE_JACCARD
    log.debug("near duplicates: %d candidate pairs, %d near", len(cand_u), int(ok.sum()))
    return cand_u[ok], cand_v[ok], jac[ok]


def _candidates(entries: list[np.ndarray], size: np.ndarray, prefix: np.ndarray, last: np.ndarray,
                threads: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct pairs of texts sharing a prefix shingle that pass the size and prefix-count bounds, with the
    number of prefix shingles each pair shares.

    Pairs come from the posting list of each prefix shingle, members in size order so that each pairs only with
    the run of later members the size filter ``t * |y| <= |x|`` allows; then, with ``c`` the number of prefix
    shingles the two texts share (the times the pair was generated), ``overlap <= c + |w| - prefix(w)`` for the
    text ``w`` whose prefix ends at the lower rank: any common shingle in ``w``'s prefix lies in the other's
    prefix too, so the common shingles outside ``c`` all lie past ``w``'s prefix. A near duplicate needs
    ``overlap >= t / (1 + t) * (|x| + |y|)``. Pairs are generated and counted as texts' positions in size order
    (a pair's key is ``(smaller position << 32) | larger``: one sort counts them) and mapped back to text ids
    only once distinct.
    """
    by_size = np.argsort(size, kind="stable")
    size_id = np.empty(len(size), dtype=np.uint64)
    size_id[by_size] = np.arange(len(size), dtype=np.uint64)
    sizes_sorted = size[by_size]
    p_rank, p_owner = entries  # the prefix entries (rank, text); the list is emptied so they can be freed
    entries.clear()
    key = p_rank.astype(np.uint64)
    del p_rank
    key <<= np.uint64(32)
    key |= size_id[p_owner]
    del p_owner, size_id
    key.sort()
    sid = key & np.uint64(0xFFFFFFFF)
    # the last position (in size order) of a size the size filter allows beside each size: t * big <= small
    top_of_size = np.searchsorted(
        sizes_sorted, np.floor(np.arange(int(sizes_sorted[-1]) + 1) / NEAR_DUPLICATE_JACCARD + _EPS), side="right") - 1
    limit = key & np.uint64(0xFFFFFFFF00000000)
    limit |= top_of_size[sizes_sorted[sid]].astype(np.uint64)
    later = np.searchsorted(key, limit, side="right")  # the end of each member's run of allowed partners
    later -= np.arange(1, len(key) + 1)
    del key, limit
    pairs = np.empty(int(later.sum()), dtype=np.uint64)  # every pair occurrence, filled in order
    log.debug("near duplicates: %d pair occurrences", len(pairs))
    filled = len(pairs)
    at = np.concatenate(([0], np.cumsum(later)))  # where each member's pairs go

    def fill(r: tuple[int, int]) -> None:
        lo, hi = r
        c = later[lo:hi]
        m = int(at[hi] - at[lo])
        out = pairs[at[lo]:at[hi]]
        out[:] = np.repeat(sid[lo:hi] << np.uint64(32), c)
        out |= sid[np.repeat(np.arange(lo, hi) + 1 - (np.cumsum(c) - c), c) + np.arange(m)]

    _each(fill, list(_chunks(later, _share(_PAIR_CHUNK, threads))), threads)
    del later, sid, at
    if filled == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pairs.sort()
    brk = np.empty(len(pairs), dtype=bool)
    brk[0] = True
    np.not_equal(pairs[1:], pairs[:-1], out=brk[1:])
    head = np.flatnonzero(brk)
    del brk
    times = np.diff(np.append(head, len(pairs)))
    pairs = pairs[head]
    del head
    # the prefix-count bound, in blocks of pairs (its temporaries stay small)
    p_last = last[by_size]
    p_rest = (size - prefix)[by_size]
    ok = np.empty(len(pairs), dtype=bool)

    def bound(r: tuple[int, int]) -> None:
        lo, hi = r
        x = (pairs[lo:hi] >> np.uint64(32)).astype(np.int64)
        y = (pairs[lo:hi] & np.uint64(0xFFFFFFFF)).astype(np.int64)
        l_x, l_y, r_x, r_y = p_last[x], p_last[y], p_rest[x], p_rest[y]
        rest = np.where(l_x < l_y, r_x, np.where(l_y < l_x, r_y, np.minimum(r_x, r_y)))
        total = sizes_sorted[x] + sizes_sorted[y]
        need = np.ceil(NEAR_DUPLICATE_JACCARD / (1 + NEAR_DUPLICATE_JACCARD) * total - _EPS)
        ok[lo:hi] = times[lo:hi] + rest >= need

    _each(bound, list(_ranges(len(pairs), step=_share(1_000_000, threads))), threads)
    log.debug("near duplicates: %d pair occurrences, %d distinct, %d after the prefix-count bound",
              filled, len(pairs), int(ok.sum()))
    pairs, times = pairs[ok], times[ok]
    x = (pairs >> np.uint64(32)).astype(np.int64)
    y = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64)
    del pairs, ok
    a, b = by_size[x], by_size[y]
    u, v = np.minimum(a, b), np.maximum(a, b)
    o = np.argsort((u.astype(np.uint64) << np.uint64(32)) | v.astype(np.uint64))
    return u[o], v[o], times[o]


class _TextRows:
    """Texts given as rows of a string column (the distinct normalised texts where they lie in the column: the
    native core reads them there, nothing is copied)."""

    def __init__(self, column: pa.ChunkedArray | pa.Array, rows: np.ndarray) -> None:
        self.column, self.rows = column, np.ascontiguousarray(rows, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.rows)

    def texts(self) -> pa.Array:
        """The texts as one ``large_string`` array (a copy: for the numpy path)."""
        got = self.column.take(pa.array(self.rows))
        got = got.combine_chunks() if isinstance(got, pa.ChunkedArray) else got
        return got.cast(_LS) if got.type != _LS else got


def _shingle_counts(norm: pa.Array | _TextRows, n_words: np.ndarray | None) -> np.ndarray:
    """Each text's shingle count, ``max(pieces - SHINGLE_WORDS + 1, 1)``: its pieces are its spaces + 1 (its
    words, one for an empty text), from ``n_words`` where the caller knows them."""
    if n_words is None:
        texts = norm.texts() if isinstance(norm, _TextRows) else norm
        pieces = pc.count_substring(texts, " ").to_numpy(zero_copy_only=False).astype(np.int64) + 1
    else:
        pieces = np.maximum(np.asarray(n_words, dtype=np.int64), 1)
    return np.maximum(pieces - SHINGLE_WORDS + 1, 1)


def _native_token_rows(norm: pa.Array | _TextRows, counts: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`_native_rows` of the texts' shingle hashes without the hashes: ``reviewtools._dupcore.tokens``
    shingles each text (as :func:`_shingle_hashes`) and puts each hash straight into the token table (as
    ``table``), so only each occurrence's int32 token is stored (at 1M: 245 MB instead of 490 MB of hashes, and
    one pass over them fewer). Same ``(t_rank, off, size, private, prefix, live)``."""
    if isinstance(norm, _TextRows):
        chunks, rows = _chunk_buffers(norm.column), norm.rows
    else:
        chunks, rows = _chunk_buffers(norm), np.arange(len(norm), dtype=np.int64)
    counts = np.ascontiguousarray(counts, dtype=np.int64)
    n_texts = len(rows)
    slot_of = _empty_prefaulted(int(counts.sum()), np.int32)
    size = np.empty(n_texts, dtype=np.int64)
    private = np.empty(n_texts, dtype=np.int64)
    hashes, df = _dupcore.tokens(chunks, rows, SHINGLE_WORDS, int(_SHINGLE_MULT), _native_word_hash(), counts,
                                 slot_of, size, private)
    del chunks
    return _ranked_rows(slot_of, counts, size, private, hashes, df)


def _native_rows(sh: list[np.ndarray], n_texts: int) -> tuple[np.ndarray, ...]:
    """Each live text's shared shingles as ascending global ranks, by the native core: the numpy path's
    :func:`_token_runs`, document-frequency and prefix steps (same tokens: equal 64-bit hashes; same order:
    document frequency capped at 65535, then hash; same rows), without sorting the 60M shingle keys at 1M.

    ``reviewtools._dupcore.table`` groups the hashes in an open-addressing hash table (each occurrence's token,
    repeats inside a text dropped, document frequencies, distinct and private shingles per text);
    ``text_ranks`` writes each live text's ranks, sorted, into its span. Takes the hashes over from ``sh``
    (``[hashes, counts]``, emptied). Returns ``(t_rank, off, size, private, prefix, live)``.
    """
    h, n_sh = sh
    sh.clear()
    n_sh = np.ascontiguousarray(n_sh, dtype=np.int64)
    h = np.ascontiguousarray(h, dtype=np.uint64)
    # each occurrence's token is written over the first half of the hashes' own memory (no new 4 x 60M bytes
    # at 1M): occurrence e's int32 lands on bytes 4e..4e+3, before the hash of any later occurrence (8e' >= 8e)
    slot_of = h.view(np.int32)[:len(h)]
    size = np.empty(n_texts, dtype=np.int64)
    private = np.empty(n_texts, dtype=np.int64)
    hashes, df = _dupcore.table(h, n_sh, slot_of, size, private)
    del h
    return _ranked_rows(slot_of, n_sh, size, private, hashes, df)


def _ranked_rows(slot_of: np.ndarray, n_sh: np.ndarray, size: np.ndarray, private: np.ndarray, hashes: bytes,
                 df: bytes) -> tuple[np.ndarray, ...]:
    """From the token table (each occurrence's token, the tokens' hashes and document frequencies): each live
    text's shared tokens as ascending ranks, written by ``_dupcore.text_ranks`` in place over ``slot_of``
    (a text's span never starts after its occurrences: no new array). ``(t_rank, off, size, private, prefix,
    live)``."""
    n_texts = len(size)
    tok_hash, tok_df = np.frombuffer(hashes, dtype=np.uint64), np.frombuffer(df, dtype=np.int32)
    prefix = size - _min_overlap(size) + 1
    # private shingles sort first (document frequency 1): a text whose whole prefix is private has no partner
    live = private < prefix
    rank_of = _token_ranks(tok_hash, tok_df)
    del tok_hash, tok_df, hashes, df
    off = np.concatenate(([0], np.cumsum(np.where(live, size - private, 0)))).astype(np.int64)
    t_rank = slot_of.view(np.uint32)[:int(off[-1])]
    _dupcore.text_ranks(slot_of, n_sh, rank_of, off, t_rank)
    log.debug("near duplicates: %d texts, %d in play, %d shared shingle entries", n_texts, int(live.sum()),
              len(t_rank))
    return t_rank, off, size, private, prefix, live


def _token_ranks(tok_hash: np.ndarray, tok_df: np.ndarray) -> np.ndarray:
    """Each token's rank among the shared ones (document frequency 2 or more), -1 for the others: the order of
    ``np.lexsort((hash, capped df))`` (frequency capped at 65535, then the full 64-bit hash; the hashes are
    distinct). One argsort of ``capped df << 48 | hash >> 16`` (instead of an argsort of the hashes and a stable
    one of the frequencies, each with a gather); the rare tokens whose keys tie (same capped frequency, same top
    48 bits of hash) are put in the order of their full hashes afterwards.

    >>> _token_ranks(np.array([5, 3, 9, 1 << 20, 2], dtype=np.uint64), np.array([2, 2, 1, 2, 70000])).tolist()
    [1, 0, -1, 2, 3]
    """
    used = np.flatnonzero(tok_df >= 2)
    h = tok_hash[used]
    key = (np.minimum(tok_df[used], np.iinfo(np.uint16).max).astype(np.uint64) << np.uint64(48)) | (h >> np.uint64(16))
    order = np.argsort(key)
    sk = key[order]
    ties = np.flatnonzero(sk[1:] == sk[:-1])
    del key, sk
    if len(ties):  # runs of equal keys: [start, end) in sorted positions, each put in order of its full hashes
        starts = ties[np.concatenate(([True], np.diff(ties) > 1))]
        ends = ties[np.concatenate((np.diff(ties) > 1, [True]))] + 2
        for a, b in zip(starts.tolist(), ends.tolist()):
            run = order[a:b]
            order[a:b] = run[np.argsort(h[run])]
    rank_of = np.full(len(tok_df), -1, dtype=np.int32)
    rank_of[used[order]] = np.arange(len(used), dtype=np.int32)
    return rank_of


def _native_join(t_rank: np.ndarray, off: np.ndarray, n_prefix: np.ndarray, size: np.ndarray, prefix: np.ndarray,
                 last: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs ``(u, v)``, ``u < v``, in ``(u, v)`` order, whose Jaccard reaches the threshold, and their
    overlaps, by the native core (``reviewtools._dupcore.join``).

    The same exact join as :func:`_candidates` + :func:`_overlaps` (same probe prefixes, size filter and
    prefix-count bound), without materialising the pair occurrences: the texts are probed in size order against
    an inverted index of the texts before them, each candidate's shared prefix shingles counted in an array,
    and the survivors of the bound merged (stopping once the threshold is out of reach). The index holds only
    each text's shorter *index* prefix, ``|y| - ceil(2t / (1 + t) * |y|) + 1`` shingles (AllPairs: a partner
    probed later is at least as large, so a near pair shares at least ``ceil(2t / (1 + t) * |y|)`` shingles),
    which cuts the pair occurrences counted at 1M from 68M to 38M. The numpy path's final Jaccard test is
    applied in C too (the same float division), so only near pairs come back; the caller's test keeps the rest
    identical. Before its merge a candidate must also pass a bucket bound: each text's shared ranks counted by
    ``rank % 16`` (4 bits a bucket, 15 meaning 15 or more), and the sum over buckets of the smaller count (no
    bound where both are saturated) is at least the pair's overlap; at 1M it drops 1.57M of the 2.63M pairs
    that passed the prefix-count bound, none of them near. Same pairs, same order, same overlaps as the numpy
    path (tests compare the two, and a brute-force join on rows exactly at the threshold).
    """
    i64 = np.int64
    got = np.frombuffer(_dupcore.join(
        np.ascontiguousarray(t_rank, dtype=np.uint32), np.ascontiguousarray(off, dtype=i64),
        np.ascontiguousarray(n_prefix, dtype=i64), np.ascontiguousarray(size, dtype=i64),
        _stable_order(size), np.ascontiguousarray(last, dtype=i64),
        np.ascontiguousarray(size - prefix, dtype=i64), float(NEAR_DUPLICATE_JACCARD), float(_EPS)),
        dtype=i64).reshape(-1, 3)
    u, v = got[:, 0], got[:, 1]
    o = np.argsort((u.astype(np.uint64) << np.uint64(32)) | v.astype(np.uint64))
    return u[o], v[o], got[o, 2]


def _chunks(weights: np.ndarray, limit: int) -> Iterator[tuple[int, int]]:
    """Consecutive ``[lo, hi)`` ranges whose weights sum to about ``limit`` (at least one item each)."""
    cum = np.cumsum(weights)
    lo, n = 0, len(weights)
    while lo < n:
        base = cum[lo - 1] if lo else 0
        hi = max(lo + 1, int(np.searchsorted(cum, base + limit, side="right")))
        yield lo, min(hi, n)
        lo = hi


def _overlaps(u: np.ndarray, v: np.ndarray, ranks: np.ndarray, off: np.ndarray, threads: int = 1) -> np.ndarray:
    """``|shingles(u) & shingles(v)|`` for each candidate pair, exactly.

    Only shared shingles can be common. Each text's shared shingles (``ranks[off[x]:off[x + 1]]``, sorted) are
    a row of a sparse 0/1 matrix; the two rows of each pair are intersected by scipy's merge of sorted rows
    (the elementwise product), in blocks of about :data:`_VERIFY_CHUNK` shingles.

    >>> _overlaps(np.array([0, 0]), np.array([1, 2]), np.array([1, 4, 7, 4, 7, 9, 2], dtype=np.uint32),
    ...           np.array([0, 3, 6, 7])).tolist()
    [2, 0]
    """
    import scipy.sparse  # here, not at module import: ~0.5 s that only the verification needs

    n_texts = len(off) - 1
    n_tok = int(ranks.max()) + 1 if len(ranks) else 0
    mat = scipy.sparse.csr_array((np.ones(len(ranks), dtype=np.int8), ranks.view(np.int32), off),
                                 shape=(n_texts, n_tok))
    mat.has_sorted_indices = True
    out = np.zeros(len(u), dtype=np.int64)
    length = np.diff(off)

    def block(r: tuple[int, int]) -> None:
        lo, hi = r
        both = mat[u[lo:hi]].multiply(mat[v[lo:hi]])
        out[lo:hi] = np.diff(scipy.sparse.csr_array(both).indptr)

    _each(block, list(_chunks(length[u] + length[v], _share(_VERIFY_CHUNK, threads))), threads)
    log.debug("near duplicates: %d pairs compared, %d shingles", len(u), int((length[u] + length[v]).sum()))
    return out


# ----------------------------------------------------------------------------------------- the check


def find_duplicates(frame: pd.DataFrame, *, rules: Sequence[Rule] | None = None, threads: int = 1) -> pd.DataFrame:
    """Set-level check over the WHOLE frame: the same or nearly the same text under different authors.

    Exact duplicates compare a normalised text (lower-case, punctuation dropped); near duplicates are every
    pair of texts whose sets of :data:`SHINGLE_WORDS`-word shingles have a Jaccard of at least
    :data:`NEAR_DUPLICATE_JACCARD`, found exactly (no sampling, no skipped buckets; see the module docstring).
    The earliest review of a group is taken as the original and is not flagged; when dates are missing every
    member is flagged weak. The same author repeating a text (e.g. one review shown on several variants of a
    listing) is not plagiarism and is not flagged here. Texts under :data:`DUPLICATE_MIN_WORDS` words are
    recorded as ``not_run``.

    ``threads`` > 1 runs the heavy block loops (normalising, shingling, the join's passes, the verification)
    on that many threads of this process: their numpy, Arrow and scipy work releases the GIL, no memory is
    copied, and the output is the same whatever the number. Leave it at 1 when the other cores are busy (e.g.
    beside the per-review stages). Where the native core (``reviewtools._dupcore``) is built, the heavy steps
    run in it, serially, whatever ``threads`` says.

    >>> import pandas as pd
    >>> t = "This blender is loud but it crushes ice in seconds and cleans up fast."
    >>> f = pd.DataFrame({"review_id": ["a", "b"], "platform": ["amazon"] * 2, "author": ["x", "y"],
    ...                   "created_at": ["2024-01-01", "2024-02-01"], "text": [t, t]})
    >>> find_duplicates(f).query("outcome == 'hit'")[["review_id", "rule_id"]].values.tolist()
    [['b', 'AMZ-DUPLICATE-EXACT']]
    """
    chosen = _select_rules(rules)
    exact_rule: dict[str, Rule] = {}
    near_rule: dict[str, Rule] = {}
    for r in chosen:
        target = exact_rule if r.detector == "duplicate_exact" else near_rule if r.detector == "duplicate_near" else None
        if target is not None:
            for p in r.platforms:
                target.setdefault(p, r)
    _prepare(frame.iloc[:0] if isinstance(frame, pd.DataFrame) else frame)  # validate the input
    if not exact_rule and not near_rule:
        return _to_frame([])
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        raise ValueError(f"find_duplicates: threads must be a whole number >= 1, got {threads!r}")
    from .ingest import _huge_pages_off  # (lazily: ingest is heavier to import than this module)

    with _huge_pages_off():  # see HUGE_PAGES_OFF: fresh 2 MiB pages zeroed whole cost more than 4 KiB ones here
        return _Duplicates(frame, exact_rule, near_rule, threads).result()


def _find_duplicates_encoded(frame: pd.DataFrame, share: float | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`find_duplicates` of ``frame`` (its rules, one thread) with its rule columns and platform already
    ``category`` (the pipeline's cross-review process encodes the hits at once: this skips one string per row
    and column and their factorising), and those columns' string dtype: ``frame[c].astype(dtypes[c])`` is
    ``find_duplicates(frame)[c]``; the other columns are as there.

    With ``share`` (``pipeline.ENCODE_MAX_DISTINCT_SHARE``), every other string column of the hits is tested as
    ``pipeline._encode`` tests it too (see :func:`_string_category`): made ``category`` (categories in order of
    first appearance) where it has at least 2 rows and at most ``int(share * rows)`` distinct values, else left
    as strings; the caller need not encode the frame again.

    >>> import pandas as pd
    >>> t = "This blender is loud but it crushes ice in seconds and cleans up fast."
    >>> f = pd.DataFrame({"review_id": list("abc"), "platform": ["amazon"] * 3, "author": list("xyz"),
    ...                   "created_at": ["2024-01-01", "2024-02-01", "2024-03-01"], "text": [t, t, t]})
    >>> out, dtypes = _find_duplicates_encoded(f)
    >>> sorted(dtypes), out.astype(dtypes).equals(find_duplicates(f))
    (['category', 'clause', 'platform', 'rule_id', 'source_url'], True)
    """
    chosen = _select_rules(None)
    exact_rule: dict[str, Rule] = {}
    near_rule: dict[str, Rule] = {}
    for r in chosen:
        target = exact_rule if r.detector == "duplicate_exact" else near_rule if r.detector == "duplicate_near" else None
        if target is not None:
            for p in r.platforms:
                target.setdefault(p, r)
    if not exact_rule and not near_rule:
        return find_duplicates(frame), {}  # (no rows: nothing to encode)
    _prepare(frame.iloc[:0] if isinstance(frame, pd.DataFrame) else frame)  # validate the input
    from .ingest import _huge_pages_off

    encoded: dict[str, pd.Series] = {}
    with _huge_pages_off():
        out = _Duplicates(frame, exact_rule, near_rule, 1).result(encoded, share)
    string = pd.api.types.pandas_dtype("string")
    return out, {c: string for c in encoded}


#: The rule's columns of a hit row (one value per rule).
_RULE_COLUMNS: Final[tuple[str, ...]] = ("rule_id", "category", "clause", "source_url")


def _coded(values: list[Any], codes: np.ndarray) -> pd.Series | None:
    """The string column ``values[codes]`` as ``category`` (categories Arrow strings, as the pipeline's
    ``_category`` makes them; a missing value stays missing), or None when :func:`reviewtools.pipeline._encode`
    would leave it as strings (fewer than 2 rows, more distinct values than half the rows).

    >>> _coded(["a", None, "a", "b"], np.array([0, 1, 2, 3, 0])).astype("string").tolist()
    ['a', <NA>, 'a', 'b', 'a']
    """
    m = len(codes)
    if m < 2:
        return None
    where, uniques = pd.factorize(pd.array(values, dtype=pd.api.types.pandas_dtype("string")), use_na_sentinel=True)
    row_codes = where[codes]
    if (np.count_nonzero(np.bincount(row_codes + 1, minlength=len(uniques) + 1)[1:]) > int(0.5 * m)
            or not isinstance(uniques, pd.arrays.ArrowStringArray)):
        return None
    return pd.Series(pd.Categorical.from_codes(row_codes, dtype=pd.CategoricalDtype(uniques)), copy=False)


def _string_category(col: pa.ChunkedArray, share: float) -> pd.Series | None:
    """``pipeline._category`` of the string column ``col`` as ``pipeline._encode`` asks for it (at most
    ``int(share * len(col))`` distinct values, at least 2 rows), or None: the column as ``category``, categories
    (Arrow strings) in order of first appearance, a missing value missing. The native core numbers the values
    (``reviewtools._dupcore.group``: a hash table over the chunks' bytes, equal bytes compared on a hash match,
    codes in order of first appearance, as :func:`_native_groups` numbers the normalised texts) instead of
    pandas' ``factorize`` (Arrow's dictionary encoding): at 1M reviews the hits' evidence (whole texts), review
    ids and notes took ~0.5 CPU s to factorise in the cross-review process. Where the core is absent,
    ``pd.factorize`` as the pipeline does.

    >>> c = _string_category(pa.chunked_array([["b", None, "a"], ["b"]], type=pa.large_string()), 0.5)
    >>> c.cat.categories.tolist(), c.cat.codes.tolist()
    (['b', 'a'], [0, -1, 1, 0])
    """
    m = len(col)
    most = int(share * m)
    if m < 2:
        return None
    string = pd.api.types.pandas_dtype("string")
    if _native() is None or not all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type)
                                    for c in col.chunks):
        codes, uniques = pd.factorize(pd.Series(string.__from_arrow__(col)), use_na_sentinel=True)
        if len(uniques) > most:
            return None
        return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(uniques)), copy=False)
    valid = (np.arange(m, dtype=np.int64) if col.null_count == 0
             else np.flatnonzero(pc.is_valid(col).to_numpy(zero_copy_only=False)))
    code = np.empty(len(valid), dtype=np.int64)
    rep = np.empty(len(valid), dtype=np.int64)
    chunks = _chunk_buffers(col)
    k, _, _ = _dupcore.group(chunks, valid, code, rep, False)
    if k > most:
        return None
    # the distinct values back to back, in code order (the core again, over their first rows: one copy)
    _, data, offsets = _dupcore.group(chunks, rep[:k].copy(), np.empty(k, dtype=np.int64),
                                      np.empty(k, dtype=np.int64), True)
    uniques = pd.Index(string.__from_arrow__(
        pa.Array.from_buffers(_LS, k, [None, pa.py_buffer(offsets), pa.py_buffer(data)])))
    codes = np.full(m, -1, dtype=np.int64)
    codes[valid] = code
    # the categories are distinct by construction: pandas' check of that (a hash of every one as a Python
    # string, ~0.2 CPU s for the 166k texts of the evidence column at 1M) is skipped where pandas allows it
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    dtype = fast(uniques, False) if fast is not None else pd.CategoricalDtype(uniques)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), copy=False)


#: Partner reviews named in a note (more are summarised as " ...").
_NOTE_PARTNERS: Final[int] = 5
_INF: Final[int] = np.iinfo(np.int64).max


def _ls(v: str) -> pa.Scalar:
    return pa.scalar(v, _LS)


def _repeat(v: str, m: int) -> pa.Array:
    """``m`` copies of ``v`` as a large_string array, made by Arrow (``pa.array`` of an object array of ``m``
    references to one str read every one of them: ~0.04 CPU s per 350k rows).

    >>> _repeat("hit", 3).to_pylist(), _repeat("hit", 0).type
    (['hit', 'hit', 'hit'], DataType(large_string))
    """
    return pa.repeat(_ls(v), m)


def _head(starts: np.ndarray, sizes: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` values of each run ``values[starts[g]:starts[g] + sizes[g]]`` as a ``(runs, k)`` matrix,
    ``-1`` where a run is shorter."""
    out = np.full((len(starts), k), -1, dtype=np.int64)
    for j in range(k):
        sel = sizes > j
        out[sel, j] = values[starts[sel] + j]
    return out


def _stable_order(v: np.ndarray) -> np.ndarray:
    """``np.argsort(v, kind="stable")`` as int64 (the one stable order) for integers, faster where they are small:
    values under 2^16 by numpy's radix sort of a 16-bit copy, under 2^32 by one sort of ``(v << 32) | position``
    (at 1M: 0.03-0.04 -> 0.006-0.01 CPU s), else (or negative values) the stable argsort itself.

    >>> _stable_order(np.array([3, 1, 3, 0, 1])).tolist()
    [3, 1, 4, 0, 2]
    """
    if len(v) and int(v.min()) >= 0 and len(v) < 2**32:
        top = int(v.max())
        if top < 2**16:
            return np.argsort(v.astype(np.uint16), kind="stable").astype(np.int64)
        if top < 2**32:
            key = v.astype(np.uint64) << np.uint64(32)
            key |= np.arange(len(v), dtype=np.uint64)
            key.sort()
            return (key & np.uint64(0xFFFFFFFF)).astype(np.int64)
    return np.argsort(v, kind="stable").astype(np.int64)


def _sorted_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(a[i], b[i])`` sorted by ``a``, then ``b``: the values of ``np.lexsort((b, a))``'s order, by one
    sort of ``(a << 32) | b`` where both fit in 32 bits (a quarter of lexsort's time at 1M), else by lexsort.

    >>> [x.tolist() for x in _sorted_pairs(np.array([2, 0, 2, 1]), np.array([5, 9, 1, 7]))]
    [[0, 1, 2, 2], [9, 7, 1, 5]]
    """
    if len(a) and min(int(a.min()), int(b.min())) >= 0 and max(int(a.max()), int(b.max())) < 2**32:
        key = a.astype(np.uint64) << np.uint64(32)
        key |= b.astype(np.uint64)
        key.sort()
        return (key >> np.uint64(32)).astype(np.int64), (key & np.uint64(0xFFFFFFFF)).astype(np.int64)
    o = np.lexsort((b, a))
    return a[o], b[o]


def _has_keys(table: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of ``keys`` is in ``table`` (sorted ascending, not empty): a binary search of the keys in their
    sorted order (numpy's search starts each key where the last one ended; at 1M, 384k keys in 972k: ~0.06 -> ~0.03
    CPU s against searching them in the given order), the answers put back in the keys' order.

    >>> _has_keys(np.array([2, 5, 9], dtype=np.uint64), np.array([9, 1, 5, 10, 2], dtype=np.uint64)).tolist()
    [True, False, True, False, True]
    """
    order = np.argsort(keys)
    k = keys[order]
    at = np.minimum(np.searchsorted(table, k), len(table) - 1)
    out = np.empty(len(keys), dtype=bool)
    out[order] = table[at] == k
    return out


def _compact(cand: np.ndarray, drop: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the first ``k`` entries of ``cand`` not dropped (``-1`` padded), and how many there were.

    Column by column (``cand`` is narrow: the first six rows of a group), each kept entry written to its row's
    next free place, instead of a stable argsort of every row's flags and a gather (at 1M, 240k rows x 6: about
    half the CPU time).

    >>> out, n = _compact(np.array([[4, 5, 6], [7, 8, 9]]), np.array([[True, False, False], [True, True, False]]), 1)
    >>> out.tolist(), n.tolist()
    ([[5], [9]], [2, 1])
    """
    m, width = cand.shape
    out = np.full((m, k), -1, dtype=np.int64)
    flat = out.reshape(-1)
    place = np.arange(m, dtype=np.int64) * k  # each row's next free place in flat
    n = np.zeros(m, dtype=np.int64)
    for j in range(width):
        kept = ~drop[:, j]
        sel = np.flatnonzero(kept & (n < k))
        flat[place[sel]] = cand[sel, j]
        place[sel] += 1
        n += kept
    return out, n


def _not_blank(strings: pa.Array) -> np.ndarray:
    """``bool(s.strip())`` for each string of a string array without nulls (Python's whitespace): a string that
    starts with a printable non-space ASCII byte is not blank, the few others are asked of Python.

    >>> _not_blank(pa.array(["ann", "", "  ", " b", "\\u2003", "\\x1f\\t"], type=pa.large_string())).tolist()
    [True, False, False, True, False, False]
    """
    if strings.type != _LS:
        strings = strings.cast(_LS)
    m = len(strings)
    _, off_buf, data_buf = strings.buffers()
    off = np.frombuffer(off_buf, dtype=np.int64)[strings.offset:strings.offset + m + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, dtype=np.uint8)
    out = np.zeros(m, dtype=bool)
    nonempty = np.flatnonzero(off[1:] > off[:-1])
    first = data[off[:-1][nonempty]]
    sure = (first > 32) & (first < 127)
    out[nonempty[sure]] = True
    odd = nonempty[~sure]
    if len(odd):
        out[odd] = [bool(s.strip()) for s in strings.take(pa.array(odd)).to_pylist()]
    return out


def _platform_codes(plat: pd.Series, names: list[str]) -> np.ndarray:
    """Each value's position in ``names`` (whose last entry is ``"other"``): a value not among them, or missing,
    is ``"other"`` (as ``np.where(plat.isin(PLATFORMS), plat, "other")``). A string column is looked up by Arrow
    (no Python object per row).

    >>> _platform_codes(pd.Series(["yelp", None, "x", "amazon"], dtype="string"), ["amazon", "yelp", "other"]).tolist()
    [1, 2, 2, 0]
    """
    other = names.index("other")
    if isinstance(plat.dtype, pd.StringDtype):
        arr = pa.array(plat.array)
        found = pc.index_in(arr, value_set=pa.array(names, type=arr.type))
        return found.fill_null(other).to_numpy(zero_copy_only=False).astype(np.int64) if len(plat) else \
            np.zeros(0, dtype=np.int64)
    pos = {p: i for i, p in enumerate(names)}
    return np.fromiter((pos.get(v, other) if isinstance(v, str) else other
                        for v in plat.to_numpy(dtype=object, na_value=None)), dtype=np.int64, count=len(plat))


def _when_order(ns: np.ndarray, undated: np.ndarray) -> np.ndarray:
    """``np.lexsort((np.arange(n), ns, undated))`` as int64: the dated rows by ``ns``, ties by position, then the
    undated rows by position. One unstable sort of the dated values (numpy's SIMD sort: at 1M ~0.035 CPU s against
    lexsort's ~0.14), then each run of equal values put back in position order (a lexsort of the tied rows only).

    >>> _when_order(np.array([5, 0, 3, 5, 3, -1]), np.array([False, True, False, False, False, False])).tolist()
    [5, 2, 4, 0, 3, 1]
    """
    dated = np.flatnonzero(~undated) if undated.any() else None
    v = ns if dated is None else ns[dated]
    o = np.argsort(v).astype(np.int64)  # equal values in any order: put back below
    s = v[o]
    tie = s[1:] == s[:-1]
    if tie.any():
        run = np.zeros(len(s), dtype=bool)
        run[1:] = tie
        run[:-1] |= tie
        pos = np.flatnonzero(run)  # the runs of equal values (contiguous in s): sorted by (value, position)
        sub = o[pos]
        o[pos] = sub[np.lexsort((sub, s[pos]))]
    if dated is None:
        return o
    return np.concatenate((dated[o], np.flatnonzero(undated))).astype(np.int64)


class _Duplicates:
    """The per-row state of one :func:`find_duplicates` call (plain arrays; Python only per rule, not per row).

    The output is built column by column from blocks of rows (short texts, exact copies, near duplicates), in
    the order the row-by-row check emitted them.
    """

    def __init__(self, frame: pd.DataFrame, exact_rule: dict[str, Rule], near_rule: dict[str, Rule],
                 threads: int = 1) -> None:
        self.frame, self.exact_rule, self.near_rule, self.threads = frame, exact_rule, near_rule, threads
        n = self.n = len(frame)
        plat = frame["platform"] if "platform" in frame.columns else pd.Series([None] * n, dtype=object)
        # each row's platform as a position in plat_names (a platform not in PLATFORMS, or missing: "other")
        self.plat_names = list(PLATFORMS) + ([] if "other" in PLATFORMS else ["other"])
        self.plat_code = _platform_codes(plat, self.plat_names)
        # the rules as a table, and each row's rule (index) of either kind, -1 for none
        self.rules: list[Rule] = []
        self.rule_of: list[np.ndarray] = []
        for table in (exact_rule, near_rule):
            by_name = np.full(len(self.plat_names), -1, dtype=np.int64)
            for p, r in table.items():
                if r not in self.rules:
                    self.rules.append(r)
                if p in self.plat_names:
                    by_name[self.plat_names.index(p)] = self.rules.index(r)
            self.rule_of.append(by_name[self.plat_code])
        self.text_col = frame["text"]
        self.ids_col = frame["review_id"]
        self._ids: pa.Array | None = None
        if "author" in frame.columns and isinstance(frame["author"].dtype, pd.StringDtype):
            # each distinct author once: Arrow numbers them in order of first appearance, like pd.factorize,
            # and the blank ones (and missing, read as "") are taken out of the numbering
            if _native() is not None:  # the native core's hash table over the column's chunks (no join of them)
                chunks = _text_chunks(frame["author"])
                idx, _, k, first = _native_groups(pa.chunked_array(chunks, type=_LS), np.arange(n, dtype=np.int64),
                                                  False)
                # not blank: something left by str.strip() (the first rows' texts copied once, stripped in C)
                good = _evidence(chunks, first)[2] > 0 if k else np.zeros(0, dtype=bool)
                del chunks, first
            else:
                enc = pc.dictionary_encode(_text_array(frame["author"]))
                good = _not_blank(enc.dictionary)
                idx = enc.indices.to_numpy(zero_copy_only=False)
                del enc
            self.author = np.where(good[idx], (np.cumsum(good) - 1)[idx], -1).astype(np.int64)
            del idx
        elif "author" in frame.columns:
            raw = frame["author"].to_numpy(dtype=object, na_value=None)
            good = np.fromiter((isinstance(a, str) and bool(a.strip()) for a in raw), dtype=bool, count=n)
            codes = pd.factorize(np.where(good, raw, None))[0]
            self.author = np.where(good, codes, -1).astype(np.int64)
        else:
            self.author = np.full(n, -1, dtype=np.int64)
        if "created_at" in frame.columns:
            when = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
            self.undated = when.isna().to_numpy()
            ns = np.where(self.undated, 0, np.asarray(when.array.asi8))
        else:
            self.undated = np.ones(n, dtype=bool)
            ns = np.zeros(n, dtype=np.int64)
        # the order key of the original check: dated reviews by date, then undated ones, ties by row position
        self.by_when = _when_order(ns, self.undated)
        self.when_rank = np.empty(n, dtype=np.int64)
        self.when_rank[self.by_when] = np.arange(n)

    # ---- output
    def ids(self) -> pa.Array:
        if self._ids is None:
            self._ids = _text_array(self.ids_col)
        return self._ids

    def _not_run_block(self, rows: np.ndarray, rule: np.ndarray, n_words: np.ndarray) -> dict[str, pa.Array]:
        counts, inv = np.unique(n_words, return_inverse=True)
        notes = pa.array([f"text too short for the duplicate check ({c} words < {DUPLICATE_MIN_WORDS})"
                          for c in counts.tolist()], _LS).take(pa.array(inv.astype(np.int64)))
        m = len(rows)
        null_s = pa.nulls(m, _LS)
        return {"rows": rows, "rule": rule, "removal_basis": pa.nulls(m, pa.bool_()), "strength": null_s,
                "field": null_s, "start": pa.nulls(m, pa.int64()), "end": pa.nulls(m, pa.int64()),
                "evidence": null_s, "outcome": _repeat("not_run", m), "note": notes}

    def _hit_block(self, rows: np.ndarray, rule: np.ndarray, what: pa.Array, partners: np.ndarray,
                   n_partners: np.ndarray, dated: np.ndarray) -> dict[str, pa.Array]:
        """Flagged rows: the note names up to five partner reviews; evidence is the whole (stripped) text."""
        m = len(rows)
        ids = self.ids()
        named = _partner_ids(ids, partners)
        unknown = self.author[rows] < 0
        weak = ~dated | unknown
        # the note's tail by its three flags (more partners than named, dates missing, author unknown): one take
        # from the 8 tails instead of three if_else columns joined
        tails = pa.array([(" ..." if k & 1 else "") + " by a different author"
                          + ("; dates missing, cannot tell which is the original" if k & 2 else "")
                          + ("; author unknown" if k & 4 else "") for k in range(8)], _LS)
        flags = ((np.asarray(n_partners) > _NOTE_PARTNERS).astype(np.int64) + 2 * (~np.asarray(dated, dtype=bool))
                 + 4 * unknown)
        note = pc.binary_join_element_wise(what, _ls(" of review(s) "), named, tails.take(pa.array(flags)), _ls(""))
        # evidence: the text without surrounding whitespace (Python's str.strip), of the flagged rows only
        evidence, start, end = _evidence(_text_chunks(self.text_col), rows)
        strength = pa.array([r.strength for r in self.rules] + ["weak"], _LS)
        return {"rows": rows, "rule": rule,
                "removal_basis": pa.array([bool(r.removal_basis and True) for r in self.rules]).take(
                    pa.array(rule)),
                "strength": strength.take(pa.array(np.where(weak, len(self.rules), rule).astype(np.int64))),
                "field": _repeat("text", m), "start": pa.array(start),
                "end": pa.array(end), "evidence": evidence,
                "outcome": _repeat("hit", m), "note": note}

    def _frame(self, blocks: list[dict[str, Any]], encoded: dict[str, pd.Series] | None = None,
               share: float | None = None) -> pd.DataFrame:
        """The hit frame (:data:`~reviewtools.rules.HIT_COLUMNS`) of the blocks' rows, in block order. With a dict
        ``encoded``, the rule columns and the platform (few distinct values) go in it and in the frame as
        ``category`` columns (see :func:`_coded`) instead of one string per row; with ``share`` too, each other
        string column that :func:`_string_category` makes ``category``."""
        blocks = [b for b in blocks if len(b["rows"])]
        if not blocks:
            return _to_frame([])
        rows = np.concatenate([b["rows"] for b in blocks]).astype(np.int64)
        rule = pa.array(np.concatenate([b["rule"] for b in blocks]).astype(np.int64))

        def cat(name: str) -> pa.ChunkedArray:  # the blocks' arrays as the chunks (not copied into one array)
            return pa.chunked_array([b[name] for b in blocks])

        def rule_col(attr: str) -> pa.Array:
            return pa.array([getattr(r, attr) for r in self.rules], _LS).take(rule)

        if encoded is not None:  # the repeated columns as categories made from their codes (no strings per row)
            rule_np = rule.to_numpy()
            pre = {c: _coded([getattr(r, c) for r in self.rules], rule_np) for c in _RULE_COLUMNS}
            pre["platform"] = _coded(list(self.plat_names), np.asarray(self.plat_code[rows], dtype=np.int64))
            for c, v in pre.items():
                if v is not None:
                    encoded[c] = v
        done = {} if encoded is None else encoded
        cols = {
            "review_id": self.ids().take(pa.array(rows)),
            "platform": None if "platform" in done else pa.array(self.plat_names, _LS).take(pa.array(self.plat_code[rows])),
            "rule_id": None if "rule_id" in done else rule_col("rule_id"),
            "category": None if "category" in done else rule_col("category"), "removal_basis": cat("removal_basis"),
            "strength": cat("strength"), "field": cat("field"), "start": cat("start"), "end": cat("end"),
            "evidence": cat("evidence"), "clause": None if "clause" in done else rule_col("clause"),
            "source_url": None if "source_url" in done else rule_col("source_url"),
            "outcome": cat("outcome"), "note": cat("note"),
        }
        if encoded is not None and share is not None:
            for c, t in HIT_COLUMNS.items():
                if c not in done and pd.api.types.pandas_dtype(t) == pd.api.types.pandas_dtype("string"):
                    col = cols[c] if isinstance(cols[c], pa.ChunkedArray) else pa.chunked_array([cols[c]])
                    v = _string_category(col, share)
                    if v is not None:
                        encoded[c] = v
        return pd.DataFrame({c: done[c] if c in done else pd.api.types.pandas_dtype(t).__from_arrow__(cols[c])
                             for c, t in HIT_COLUMNS.items()})

    # ---- the three passes
    def result(self, encoded: dict[str, pd.Series] | None = None, share: float | None = None) -> pd.DataFrame:
        exact_of, near_of = self.rule_of
        has_rule = (exact_of >= 0) | (near_of >= 0)
        t0 = [time.process_time()]
        norm, n_words = _normalised_texts(_text_chunks(self.text_col), self.threads)
        _lap("normalise", t0)
        blocks: list[dict[str, Any]] = []
        short = np.flatnonzero(has_rule & (n_words < DUPLICATE_MIN_WORDS))
        if len(short):  # per row: the exact rule's row, then the near rule's
            rows = np.concatenate((short, short))
            rule = np.concatenate((exact_of[short], near_of[short]))
            o = np.lexsort((np.repeat([0, 1], len(short)), rows))
            rows, rule = rows[o], rule[o]
            ok = rule >= 0
            blocks.append(self._not_run_block(rows[ok], rule[ok], n_words[rows[ok]]))
        elig = np.flatnonzero(has_rule & (n_words >= DUPLICATE_MIN_WORDS))
        if len(elig) == 0:
            return self._frame(blocks, encoded, share)
        if _native() is not None:  # one native pass: a hash table of the eligible rows' texts (same codes)
            code, _, n_codes, rep = _native_groups(norm, elig, False)
            # the distinct texts are read where they are, in the column (no copy of them): its first rows
            texts: Any = _TextRows(norm, rep) if self.near_rule else None
            del norm, rep
            text_words = np.empty(n_codes, dtype=np.int64)  # each distinct text's word count
            text_words[code] = n_words[elig]
        else:
            enc = pc.dictionary_encode(norm)  # the whole column (no copy of the eligible rows); one dictionary
            if any(len(c.dictionary) != len(enc.chunk(0).dictionary) for c in enc.chunks):  # (Arrow unifies them)
                enc = pa.chunked_array([pc.dictionary_encode(norm.combine_chunks())])
            del norm
            _release()
            dictionary = enc.chunk(0).dictionary
            indices = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in enc.chunks])
            del enc
            # renumber the eligible rows' texts in order of first appearance among them, like the original
            seen = indices[elig]
            del indices
            first = np.full(len(dictionary), len(elig), dtype=np.int64)
            np.minimum.at(first, seen, np.arange(len(elig)))
            used = np.flatnonzero(first < len(elig))
            used = used[np.argsort(first[used], kind="stable")]
            renum = np.empty(len(dictionary), dtype=np.int64)
            renum[used] = np.arange(len(used))
            code = renum[seen]
            del seen, first, renum
            text_words = np.empty(len(used), dtype=np.int64)  # each distinct text's word count
            text_words[code] = n_words[elig]
            texts = dictionary.take(pa.array(used)) if self.near_rule else None
            del dictionary, used
            _release()
        self.code = np.full(self.n, -1, dtype=np.int64)
        self.code[elig] = code
        by_code = elig[_stable_order(code)]  # members of each distinct text, in row order
        count = np.bincount(code)
        self.member_off = np.concatenate(([0], np.cumsum(count)))
        self.members = by_code
        in_exact = np.zeros(self.n, dtype=bool)
        _lap("short texts, exact groups", t0)
        blocks.append(self._exact(np.flatnonzero(count >= 2), in_exact))
        _lap("exact duplicates", t0)
        if self.near_rule:
            holder = [texts]
            del texts
            blocks.append(self._near(holder, text_words, in_exact))
            _lap("near duplicates", t0)
        _release()  # the normalised column's chunks (Arrow's pool would keep them)
        out = self._frame(blocks, encoded, share)
        _lap("output rows", t0)
        return out

    def _group(self, u: int) -> np.ndarray:
        return self.members[self.member_off[u]:self.member_off[u + 1]]

    def _exact(self, multi: np.ndarray, in_exact: np.ndarray) -> dict[str, Any]:
        """Rows whose normalised text equals another row's under a different author.

        Per group of equal texts (members in row order) and per member: the other authors' rows (per-author
        counts), their undated rows, the earliest of them (the group's earliest row, or its earliest row by
        another author than the earliest's), and the first five of them by row: all from group-wide reductions,
        never member x member.
        """
        off, auth, undated, when = self.member_off, self.author, self.undated, self.when_rank
        all_sizes = off[multi + 1] - off[multi]
        total = int(all_sizes.sum())
        starts = np.concatenate(([0], np.cumsum(all_sizes)[:-1])).astype(np.int64)
        m = self.members[np.repeat(off[multi] - starts, all_sizes) + np.arange(total)]
        empty: dict[str, Any] = {"rows": np.zeros(0, np.int64)}
        if total == 0:
            return empty
        a = auth[m]
        # a group whose rows all have one known author is that author repeating a text: not flagged
        known_all = np.add.reduceat((a < 0).astype(np.int64), starts) == 0
        one = np.minimum.reduceat(a, starts) == np.maximum.reduceat(a, starts)
        live = ~(known_all & one)
        m = m[np.repeat(live, all_sizes)]
        sizes = all_sizes[live]
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        in_exact[m] = True
        if len(m) == 0:
            return empty
        g = np.repeat(np.arange(len(sizes)), sizes)
        a, und, w = auth[m], undated[m].astype(np.int64), when[m]
        size = sizes[g]
        # per (group, author): rows and undated rows (unknown authors counted apart, unused)
        key = g * (int(auth.max()) + 2) + (a + 1)
        _, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
        per_author = cnt[inv]
        und_author = np.bincount(inv, weights=und).astype(np.int64)[inv]
        und_all = np.add.reduceat(und, starts)[g]
        w1 = np.minimum.reduceat(w, starts)  # the group's earliest row (its when rank)
        w2 = np.minimum.reduceat(np.where(w == w1[g], _INF, w), starts)  # and the second earliest
        a1 = auth[self.by_when[w1]]
        other = (a < 0) | (a != a1[g])
        w_not_a1 = np.minimum.reduceat(np.where(other, w, _INF), starts)  # earliest not by the earliest's author
        known = a >= 0
        n_others = np.where(known, size - per_author, size - 1)
        und_group = np.where(known, und_all - und_author + und, und_all)
        earliest_other = np.where(known, np.where((a1[g] >= 0) & (a1[g] == a), w_not_a1[g], w1[g]),
                                  np.where(w == w1[g], w2[g], w1[g]))
        dated = und_group == 0
        rule = self.rule_of[0][m]
        flag = (rule >= 0) & ~(dated & (earliest_other != _INF) & (w < earliest_other))
        # partners: the first five rows of the group by another author (unknown author: any other row)
        head = _head(starts, sizes, m, _NOTE_PARTNERS + 1)
        sel = np.flatnonzero(flag)
        cand = head[g[sel]]
        ca = np.where(cand >= 0, auth[np.maximum(cand, 0)], -1)
        ms, am = m[sel], a[sel]
        drop = (cand < 0) | np.where((am >= 0)[:, None], (ca == am[:, None]) & (cand >= 0), cand == ms[:, None])
        partners, got = _compact(cand, drop, _NOTE_PARTNERS)
        short_of = np.flatnonzero(np.minimum(got, _NOTE_PARTNERS) < np.minimum(n_others[sel], _NOTE_PARTNERS))
        cache: dict[tuple[int, int], list[int]] = {}
        for e in short_of.tolist():  # an author holding several of the first rows: scan the group
            gi, ai = int(g[sel[e]]), int(am[e])
            if (gi, ai) not in cache:
                grp = m[starts[gi]:starts[gi] + sizes[gi]]
                cache[gi, ai] = list(islice((int(j) for j in grp[auth[grp] != ai]), _NOTE_PARTNERS))
            p = cache[gi, ai]
            partners[e, :] = -1
            partners[e, :len(p)] = p
        what = _repeat("same text as", len(sel))
        return self._hit_block(ms, rule[sel], what, partners, n_others[sel], dated[sel])

    def _near(self, texts: list[pa.Array], text_words: np.ndarray, in_exact: np.ndarray) -> dict[str, Any]:
        """Rows whose text has a near duplicate (and no exact one) under a different author."""
        empty = {"rows": np.zeros(0, np.int64)}
        u, v, jac = _near_pairs(texts, text_words, self.threads)
        if len(u) == 0:
            return empty
        src = np.concatenate((u, v))
        dst = np.concatenate((v, u))
        jac = np.concatenate((jac, jac))
        # only texts whose rows are not exact copies under another author report near duplicates; all rows of
        # such a text share one author (or it has one row), so their partners are the same rows
        first_row = self.members[self.member_off[src]]
        a_src = self.author[first_row]
        keep = ~in_exact[first_row]
        src, dst, jac, a_src = src[keep], dst[keep], jac[keep], a_src[keep]
        off, members, auth, undated, when = self.member_off, self.members, self.author, self.undated, self.when_rank
        size = off[dst + 1] - off[dst]
        # does the partner text have a row by the same (known) author? those rows are not partners
        # (a sorted table of (text, author) keys and a binary search: np.isin hashed the table, ~10x the time)
        pair_keys = (self.code[members].astype(np.uint64) << np.uint64(32)) | (auth[members] + 1).astype(np.uint64)
        pair_keys.sort()
        clash = a_src >= 0
        ask = (dst[clash].astype(np.uint64) << np.uint64(32)) | (a_src[clash] + 1).astype(np.uint64)
        clash[clash] = _has_keys(pair_keys, ask)
        del pair_keys, ask
        undated_by_text = np.add.reduceat(undated[members].astype(np.int64), off[:-1]) if len(members) else None
        first_when = np.minimum.reduceat(when[members], off[:-1])
        n_partner = size.copy()
        und = undated_by_text[dst]
        earliest = first_when[dst]
        ex_src: list[int] = []
        ex_row: list[int] = []
        for e in np.flatnonzero(clash).tolist():
            rows_v = [j for j in self._group(int(dst[e])).tolist() if auth[j] != a_src[e]]
            n_partner[e] = len(rows_v)
            und[e] = sum(bool(undated[j]) for j in rows_v)
            earliest[e] = min((when[j] for j in rows_v), default=_INF)
            ex_src += [int(src[e])] * min(5, len(rows_v))
            ex_row += rows_v[:5]
        live = n_partner > 0
        src, dst, jac, n_partner, und, earliest = (x[live] for x in (src, dst, jac, n_partner, und, earliest))
        clash = clash[live]
        # per source text: partner count, undated partners, earliest partner, best Jaccard, first partner rows
        n_src = len(off) - 1
        tot = np.bincount(src, weights=n_partner, minlength=n_src).astype(np.int64)
        und_tot = np.bincount(src, weights=und, minlength=n_src).astype(np.int64)
        early = np.full(n_src, _INF, dtype=np.int64)
        np.minimum.at(early, src, earliest)
        best = np.zeros(n_src)
        np.maximum.at(best, src, jac)
        plain = ~clash
        take = np.minimum(size[live][plain], 5)
        e_src = np.repeat(src[plain], take)
        starts = off[dst[plain]]
        e_row = members[np.repeat(starts - (np.cumsum(take) - take), take) + np.arange(int(take.sum()))]
        e_src = np.concatenate((e_src, np.array(ex_src, dtype=np.int64)))
        e_row = np.concatenate((e_row, np.array(ex_row, dtype=np.int64)))
        if len(e_src) == 0:
            return empty  # every partner was by the same author
        e_src, e_row = _sorted_pairs(e_src, e_row)
        gstart = np.flatnonzero(np.concatenate(([True], e_src[1:] != e_src[:-1])))
        glen = np.diff(np.concatenate((gstart, [len(e_src)])))
        s_of = e_src[gstart]  # the source texts, each with its first five partner rows
        head = _head(gstart, glen, e_row, _NOTE_PARTNERS)
        # the rows of each source text, flagged unless dated and earlier than every partner
        n_rows = off[s_of + 1] - off[s_of]
        gi = np.repeat(np.arange(len(s_of)), n_rows)
        i = members[np.repeat(off[s_of] - (np.cumsum(n_rows) - n_rows), n_rows) + np.arange(int(n_rows.sum()))]
        s = s_of[gi]
        rule = self.rule_of[1][i]
        dated = ~undated[i] & (und_tot[s] == 0)
        ok = (rule >= 0) & ~(dated & (when[i] < early[s]))
        gi, i, s, rule, dated = gi[ok], i[ok], s[ok], rule[ok], dated[ok]
        # ordered like the original check: by the first pair in which each row met a partner
        low = head[gi, 0]
        before = low < i
        o = np.lexsort((before, np.where(before, i, low), np.where(before, low, i)))
        gi, i, s, rule, dated = gi[o], i[o], s[o], rule[o], dated[o]
        values, inv = np.unique(best[s], return_inverse=True)
        what = pa.array([f"near duplicate (Jaccard {x:.2f} >= {NEAR_DUPLICATE_JACCARD})" for x in values.tolist()],
                        _LS).take(pa.array(inv.astype(np.int64)))
        return self._hit_block(i, rule, what, head[gi], tot[s], dated)


__all__ = ["find_duplicates"]
