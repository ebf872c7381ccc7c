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
   ``c + |w| - prefix(w)``, ``w`` being the text whose prefix ends first, and the bound on the shorter suffix
   prunes again before the exact count. Every bound is an upper bound on the true overlap, so the candidates
   are a superset of the answer and every pair at or above the threshold is found with its exact Jaccard
   (what MinHash-LSH only approximated: its 20 x 3 bands missed a few pairs at Jaccard 0.71 by chance, and it
   dropped buckets over 500 texts). The cost follows the number of pairs that really share rare shingles,
   not bucket sizes; a clique of ``m`` mutually near texts still has ``m * (m - 1) / 2`` pairs, each checked.
4. Shingles are hashed from a **stable 64-bit hash of each word** (BLAKE2b), not corpus-order word ids, so a
   text's shingles do not depend on the rest of the corpus (they could be computed per partition).

Output equals the previous MinHash-LSH implementation's, row for row, on the 2k, 20k and 100k benchmark
corpora; ``benchmarks/bench_duplicates.py`` measures it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any, Final

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
    NEAR_DUPLICATE_JACCARD,
    SHINGLE_WORDS,
    Finding,
    Rule,
    _prepare,
    _row,
    _select_rules,
    _str_or_empty,
    _to_frame,
)
from .schema import PLATFORMS

log = logging.getLogger(__name__)


def _lap(what: str, t0: list[float]) -> None:
    """Debug log of the CPU seconds since the last lap (the benchmark's breakdown)."""
    now = time.process_time()
    if log.isEnabledFor(logging.DEBUG):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024 if resource else -1
        log.debug("duplicates: %-28s %6.2f CPU s (peak RSS so far %d MB)", what, now - t0[0], peak)
    t0[0] = now


_PENDING: Final = object()  # marks a flagged row whose id and text are fetched later, all at once

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


def _normalise(s: str) -> list[str]:
    """Lower-case word tokens (the non-empty pieces of ``re.split(r"[^\\w]+", s.lower())``)."""
    return _NORM_WORDS.findall(s.lower())


# ----------------------------------------------------------------------------------------- normalising


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


def _normalised_texts(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Each text's lower-case words joined by single spaces, and its word count.

    Equal to ``" ".join(re.findall(r"\\w+", s.lower()))``: ASCII texts are done on their bytes (a lookup table,
    then runs of separators squeezed to one space), the few others by Python itself.

    >>> norm, n = _normalised_texts(pa.array(["Hi, THERE!  ok_1", "Ça va?", "", " -a- "], type=pa.large_string()))
    >>> norm.to_pylist(), n.tolist()
    (['hi there ok_1', 'ça va', '', 'a'], [3, 2, 0, 1])
    """
    parts = []
    for lo, hi in _chunks(pc.binary_length(texts).to_numpy(zero_copy_only=False).astype(np.int64), _BLOCK_CHARS):
        parts.append(_normalised_block(texts.slice(lo, hi - lo)))
        _release()
    norm = pa.concat_arrays([p for p, _ in parts]) if parts else pa.array([], type=pa.large_string())
    n_words = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, dtype=np.int64)
    del parts
    _release()
    return norm, n_words


def _release() -> None:
    """Hand the memory pyarrow's pool keeps after freeing back to the OS (the pool otherwise holds on to it,
    so a step's temporaries would add up in the peak)."""
    release = getattr(pa.default_memory_pool(), "release_unused", None)
    if release is not None:
        release()


def _normalised_block(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    norm, n_words = _squeeze_ascii(texts)
    not_ascii = pc.invert(pc.string_is_ascii(texts))
    rows = np.flatnonzero(not_ascii.to_numpy(zero_copy_only=False))
    if len(rows):
        words = [_normalise(s) for s in texts.take(pa.array(rows)).to_pylist()]
        norm = pc.replace_with_mask(norm, not_ascii, pa.array([" ".join(w) for w in words], type=pa.large_string()))
        n_words[rows] = [len(w) for w in words]
    return norm, n_words


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
    kept = np.zeros(n, dtype=np.int64)
    if has.any():  # a segment runs on to the next text with words: texts between them keep no byte
        kept[has] = np.add.reduceat(keep.view(np.uint8), offsets[:-1][has], dtype=np.int64)
    new_offsets = np.concatenate(([0], np.cumsum(kept)))
    out = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(new_offsets), pa.py_buffer(data[keep])])
    return out, n_words


# -------------------------------------------------------------------------------------------- shingles


def _word_hash(word: str) -> int:
    """A stable 64-bit hash (BLAKE2b) of a word: the same word hashes alike in any corpus or partition."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def _word_hashes(words: pa.Array, cache: dict[str, int]) -> np.ndarray:
    """:func:`_word_hash` of each word, through ``cache`` (blocks of one corpus share most of their words)."""
    got = cache.get
    return np.fromiter(((got(w) or cache.setdefault(w, _word_hash(w))) for w in words.to_pylist()),
                       dtype=np.uint64, count=len(words))


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


def _shingle_hashes(norm: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of each normalised text (flat, text by text) and each text's shingle count."""
    n = len(norm)
    chars = pc.binary_length(norm).to_numpy(zero_copy_only=False).astype(np.int64)
    cum = np.cumsum(chars)
    hs: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    cache: dict[str, int] = {}
    lo = 0
    while lo < n:
        hi = max(lo + 1, int(np.searchsorted(cum, cum[lo] - chars[lo] + _BLOCK_CHARS, side="right")))
        words = pc.split_pattern(norm.slice(lo, hi - lo), " ")
        lengths = pc.list_value_length(words).to_numpy(zero_copy_only=False).astype(np.int64)
        enc = pc.dictionary_encode(pc.list_flatten(words))
        wh = _word_hashes(enc.dictionary, cache)[enc.indices.to_numpy(zero_copy_only=False)]
        del words, enc
        _release()
        h, n_sh = _shingles_of_words(wh, lengths)
        hs.append(h)
        counts.append(n_sh)
        lo = hi
    if not hs:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    return np.concatenate(hs), np.concatenate(counts)


# ------------------------------------------------------------------------------------ the similarity join


def _min_overlap(s: np.ndarray) -> np.ndarray:
    """``ceil(t * s)``: the fewest shared shingles a text of ``s`` shingles needs with a near duplicate."""
    return np.ceil(NEAR_DUPLICATE_JACCARD * s - _EPS).astype(np.int64)


def _token_runs(h: np.ndarray, n_sh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group equal shingle hashes: the owner text of each occurrence in grouped order, and run-start flags.

    One in-place sort of ``(high hash bits | position)`` packed into a uint64 (numpy's SIMD sort) instead of an
    argsort; the rare runs whose high bits collide but whose full hashes differ are re-sorted exactly. Within a
    run the occurrences stay in position order, so their owners are non-decreasing. Takes ``h`` over (the caller
    must drop its own reference for the memory to go).
    """
    n = len(h)
    bits = max(1, (n - 1).bit_length())
    key = h >> np.uint64(bits)
    key <<= np.uint64(bits)
    for lo, hi in _ranges(n):
        key[lo:hi] |= np.arange(lo, hi, dtype=np.uint64)
    key.sort()
    brk = np.empty(n, dtype=bool)
    brk[:1] = True
    for lo, hi in _ranges(n, start=1):
        np.not_equal(key[lo:hi] >> np.uint64(bits), key[lo - 1:hi - 1] >> np.uint64(bits), out=brk[lo:hi])
    key &= np.uint64((1 << bits) - 1)
    pos = key.view(np.int64)
    mixed: list[int] = []
    for lo, hi in _ranges(n, start=1):
        hv = h[pos[lo - 1:hi]]
        mixed += (np.flatnonzero((hv[1:] != hv[:-1]) & ~brk[lo:hi]) + lo).tolist()
    done = -1
    for i in mixed:  # several full hashes share the high bits: order that group by (hash, position)
        if i < done:
            continue
        lo, hi = i, i + 1
        while not brk[lo]:
            lo -= 1
        while hi < n and not brk[hi]:
            hi += 1
        sub = np.sort(pos[lo:hi])
        sub = sub[np.argsort(h[sub], kind="stable")]
        pos[lo:hi] = sub
        hv = h[sub]
        brk[lo + 1:hi] = hv[1:] != hv[:-1]
        done = hi
    del h
    owner = np.repeat(np.arange(len(n_sh), dtype=np.int32), n_sh)
    ow = np.empty(n, dtype=np.int32)
    for lo, hi in _ranges(n):
        ow[lo:hi] = owner[pos[lo:hi]]
    return ow, brk


def _ranges(n: int, start: int = 0, step: int = 8_000_000) -> Iterator[tuple[int, int]]:
    """``[lo, hi)`` blocks of ``range(start, n)`` (elementwise work in blocks keeps temporaries small)."""
    for lo in range(start, n, step):
        yield lo, min(n, lo + step)


def _near_pairs(norm: pa.Array | list[pa.Array]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``(u, v)``, ``u < v``, of the given texts whose shingle sets have Jaccard >= the threshold.

    ``norm`` holds distinct normalised texts (words joined by single spaces). Exact: see the module docstring.
    Returns ``(u, v, jaccard)`` arrays.

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
    sh = list(_shingle_hashes(norm))
    del norm
    _release()
    _lap("shingles", t0)
    ow, brk = _token_runs(sh.pop(0), sh[0])
    del sh
    _lap("token runs", t0)
    # one entry per (shingle, text): drop repeats of a shingle inside one text
    keep = brk.copy()
    keep[1:] |= ow[1:] != ow[:-1]
    tid = np.cumsum(brk, dtype=np.int32)
    tid -= 1
    del brk
    tid, ow = tid[keep], ow[keep]
    del keep
    df = np.bincount(tid)  # texts holding each shingle
    size = np.bincount(ow, minlength=n_texts)  # distinct shingles per text
    shared_token = df >= 2
    shared = shared_token[tid]
    private = size - np.bincount(ow[shared], minlength=n_texts)
    prefix = size - _min_overlap(size) + 1
    # private shingles sort first (document frequency 1): a text whose whole prefix is private has no partner
    live = private < prefix
    sel = shared & live[ow]
    tid, ow = tid[sel], ow[sel]
    del sel, shared
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
    key = ow.astype(np.uint64)
    key <<= np.uint64(32)
    key |= rank[tid]
    del tid, ow, rank
    key.sort()  # by text, then rank
    t_owner = (key >> np.uint64(32)).astype(np.int32)
    key &= np.uint64(0xFFFFFFFF)
    t_rank = key.astype(np.uint32)
    del key
    n_shared = np.bincount(t_owner, minlength=n_texts)
    off = np.concatenate(([0], np.cumsum(n_shared)))
    n_prefix = prefix - private  # shared shingles in each live text's prefix
    within = np.arange(len(t_owner)) - off[t_owner]
    in_prefix = within < n_prefix[t_owner]
    del within
    last = np.zeros(n_texts, dtype=np.int64)  # rank of the last shingle of each live text's prefix
    last[live] = t_rank[off[:-1][live] + n_prefix[live] - 1]
    _lap("prefixes", t0)
    entries = [t_rank[in_prefix], t_owner[in_prefix]]
    del in_prefix, t_owner
    cand_u, cand_v, times = _candidates(entries, size, n_shared, prefix, last)
    _lap("candidates", t0)
    if len(cand_u) == 0:
        return empty
    overlap = _overlaps(cand_u, cand_v, times, t_rank, off, n_prefix, last, size)
    _lap("verification", t0)
    jac = overlap / (size[cand_u] + size[cand_v] - overlap)
    ok = jac >= NEAR_DUPLICATE_JACCARD
    log.debug("near duplicates: %d candidate pairs, %d near", len(cand_u), int(ok.sum()))
    return cand_u[ok], cand_v[ok], jac[ok]


def _candidates(entries: list[np.ndarray], size: np.ndarray, n_shared: np.ndarray,
                prefix: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct pairs of texts sharing a prefix shingle that pass the size, overlap and prefix-count bounds,
    with the number of prefix shingles each pair shares.

    Pairs come from the posting list of each prefix shingle, members in size order so that each pairs only with
    the run of later members the size filter ``t * |y| <= |x|`` allows (plus the bound
    ``overlap <= shared shingles``); then, with ``c`` the number of prefix shingles the two texts share
    (the times the pair was generated), ``overlap <= c + |w| - prefix(w)`` for the text ``w`` whose prefix ends
    at the lower rank: any common shingle in ``w``'s prefix lies in the other's prefix too, so the common
    shingles outside ``c`` all lie past ``w``'s prefix. A near duplicate needs
    ``overlap >= t / (1 + t) * (|x| + |y|)``.
    """
    # posting lists with their members by size: a member pairs only with the later members that the size
    # filter allows, a contiguous run (texts renumbered in size order so one packed sort does it)
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
    del p_owner
    del size_id
    key.sort()
    ids = (key & np.uint64(0xFFFFFFFF)).astype(np.int64)
    members = by_size[ids].astype(np.int32)
    del by_size
    biggest = np.floor(size[members] / NEAR_DUPLICATE_JACCARD + _EPS).astype(np.int64)  # t * big <= small
    top_id = np.searchsorted(sizes_sorted, biggest, side="right") - 1  # the last text id of an allowed size
    del biggest, sizes_sorted
    limit = key & np.uint64(0xFFFFFFFF00000000)
    limit |= top_id.astype(np.uint64)
    del top_id
    later = np.searchsorted(key, limit, side="right") - np.arange(len(members)) - 1
    del key, limit, ids
    pairs = np.empty(int(later.sum()), dtype=np.uint64)  # every pair occurrence that passes, filled in order
    log.debug("near duplicates: %d pair occurrences before the size filter", len(pairs))
    filled = 0
    for lo, hi in _chunks(later, _PAIR_CHUNK):
        c = later[lo:hi]
        left = np.repeat(members[lo:hi], c)
        first = np.repeat(np.arange(lo, hi) + 1 - (np.cumsum(c) - c), c)
        right = members[first + np.arange(len(left))]
        su, sv = size[left], size[right]
        small, big = np.minimum(su, sv), np.maximum(su, sv)
        common = np.minimum(n_shared[left], n_shared[right])  # the overlap cannot exceed either's shared shingles
        ok = (small >= NEAR_DUPLICATE_JACCARD * big - _EPS) & (common >= _min_overlap(big))
        m = int(ok.sum())
        out = pairs[filled:filled + m]
        left, right = left[ok], right[ok]
        out[:] = np.minimum(left, right)
        out <<= np.uint64(32)
        out |= np.maximum(left, right).astype(np.uint64)
        filled += m
    del later, members
    if filled == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pairs = pairs[:filled]
    pairs.sort()
    head = np.flatnonzero(np.concatenate(([True], pairs[1:] != pairs[:-1])))
    times = np.diff(np.concatenate((head, [len(pairs)])))
    pairs = pairs[head]
    u = (pairs >> np.uint64(32)).astype(np.int64)
    v = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64)
    del pairs
    rest_u, rest_v = size[u] - prefix[u], size[v] - prefix[v]
    rest = np.where(last[u] < last[v], rest_u, np.where(last[v] < last[u], rest_v, np.minimum(rest_u, rest_v)))
    need = np.ceil(NEAR_DUPLICATE_JACCARD / (1 + NEAR_DUPLICATE_JACCARD) * (size[u] + size[v]) - _EPS)
    ok = times + rest >= need
    log.debug("near duplicates: %d pair occurrences, %d distinct, %d after the prefix-count bound",
              int(times.sum()), len(u), int(ok.sum()))
    return u[ok], v[ok], times[ok]


def _chunks(weights: np.ndarray, limit: int) -> Iterator[tuple[int, int]]:
    """Consecutive ``[lo, hi)`` ranges whose weights sum to about ``limit`` (at least one item each)."""
    cum = np.cumsum(weights)
    lo, n = 0, len(weights)
    while lo < n:
        base = cum[lo - 1] if lo else 0
        hi = max(lo + 1, int(np.searchsorted(cum, base + limit, side="right")))
        yield lo, min(hi, n)
        lo = hi


def _overlaps(u: np.ndarray, v: np.ndarray, times: np.ndarray, t_rank: np.ndarray, off: np.ndarray,
              n_prefix: np.ndarray, last: np.ndarray, size: np.ndarray) -> np.ndarray:
    """``|shingles(u) & shingles(v)|`` for each candidate pair, exactly.

    Only shared shingles can be common. The ``times`` common prefix shingles are already counted: they are
    exactly the common shingles of rank up to ``L = min(last[u], last[v])`` (one of the two prefixes ends at
    ``L``, and the other's prefix holds all its shingles of rank up to ``L``), so only the shingles ranked
    after ``L`` are compared, by one sort of ``(pair, rank)`` keys per block, and only for pairs whose shorter
    suffix can still make up the overlap a near duplicate needs (the others get 0: not near).
    """
    lim = np.minimum(last[u], last[v])
    out = times.astype(np.int64)
    begin = []
    for x in (u, v):  # the first shared shingle of x ranked after L: past the prefix when x's prefix ends at L
        lo = np.where(last[x] == lim, off[x] + n_prefix[x], off[x])
        hi = np.where(last[x] == lim, lo, off[x + 1])
        while True:  # binary search for the others, all pairs at once
            todo = lo < hi
            if not todo.any():
                break
            mid = (lo + hi) // 2
            after = t_rank[np.where(todo, mid, 0)] > lim
            hi = np.where(todo & after, mid, hi)
            lo = np.where(todo & ~after, mid + 1, lo)
        begin.append(lo)
    lu, lv = off[u + 1] - begin[0], off[v + 1] - begin[1]
    # common shingles after L lie in both suffixes: a pair that cannot reach the needed overlap is not compared
    need = np.ceil(NEAR_DUPLICATE_JACCARD / (1 + NEAR_DUPLICATE_JACCARD) * (size[u] + size[v]) - _EPS)
    hopeless = out + np.minimum(lu, lv) < need
    lu[hopeless] = 0
    lv[hopeless] = 0
    out[hopeless] = 0
    log.debug("near duplicates: %d pairs compared, %d shingles", int((~hopeless).sum()), int((lu + lv).sum()))
    for lo, hi in _chunks(lu + lv, _VERIFY_CHUNK):
        k = np.arange(hi - lo, dtype=np.uint64)
        parts = []
        for first, lens in ((begin[0][lo:hi], lu[lo:hi]), (begin[1][lo:hi], lv[lo:hi])):
            idx = np.repeat(first - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()))
            parts.append((np.repeat(k, lens) << np.uint64(32)) | t_rank[idx].astype(np.uint64))
        keys = np.concatenate(parts)
        keys.sort()
        same = keys[1:][keys[1:] == keys[:-1]]
        out[lo:hi] += np.bincount((same >> np.uint64(32)).astype(np.int64), minlength=hi - lo)
    return out


# ----------------------------------------------------------------------------------------- the check


def find_duplicates(frame: pd.DataFrame, *, rules: Sequence[Rule] | None = None) -> pd.DataFrame:
    """Set-level check over the WHOLE frame: the same or nearly the same text under different authors.

    Exact duplicates compare a normalised text (lower-case, punctuation dropped); near duplicates are every
    pair of texts whose sets of :data:`SHINGLE_WORDS`-word shingles have a Jaccard of at least
    :data:`NEAR_DUPLICATE_JACCARD`, found exactly (no sampling, no skipped buckets; see the module docstring).
    The earliest review of a group is taken as the original and is not flagged; when dates are missing every
    member is flagged weak. The same author repeating a text (e.g. one review shown on several variants of a
    listing) is not plagiarism and is not flagged here. Texts under :data:`DUPLICATE_MIN_WORDS` words are
    recorded as ``not_run``.

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
    return _to_frame(_Duplicates(frame, exact_rule, near_rule).rows())


class _Duplicates:
    """The per-row state of one :func:`find_duplicates` call (plain arrays; Python only for flagged rows)."""

    def __init__(self, frame: pd.DataFrame, exact_rule: dict[str, Rule], near_rule: dict[str, Rule]) -> None:
        self.frame, self.exact_rule, self.near_rule = frame, exact_rule, near_rule
        n = self.n = len(frame)
        plat = frame["platform"] if "platform" in frame.columns else pd.Series([None] * n, dtype=object)
        known = plat.isin(PLATFORMS).to_numpy(dtype=bool, na_value=False)
        self.plats = np.where(known, plat.to_numpy(dtype=object, na_value=None), "other")
        self.text_col = frame["text"]
        self.ids_col = frame["review_id"]
        if "author" in frame.columns:
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
        order = np.lexsort((np.arange(n), ns, self.undated))
        self.when_rank = np.empty(n, dtype=np.int64)
        self.when_rank[order] = np.arange(n)

    # ---- helpers
    def _flag_row(self, i: int, rule: Rule, what: str, partners: Sequence[int], n_partners: int,
                  dated: bool) -> tuple[Any, ...]:
        """A flagged row, resolved into an output row by :meth:`_resolve` (ids and texts fetched in one go)."""
        return (_PENDING, i, rule, what, list(partners[:5]), n_partners, dated)

    def _resolve(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        pending = [r for r in rows if r[0] is _PENDING]
        need = sorted({i for r in pending for i in (r[1], *r[4])})
        ids = dict(zip(need, (_str_or_empty(v) for v in self.ids_col.take(need).tolist())))
        flagged = sorted({r[1] for r in pending})
        texts = dict(zip(flagged, (_str_or_empty(v) for v in self.text_col.take(flagged).tolist())))
        out: list[tuple[Any, ...]] = []
        for r in rows:
            if r[0] is not _PENDING:
                out.append(r)
                continue
            _, i, rule, what, partners, n_partners, dated = r
            other_ids = ", ".join(ids[j] for j in partners) + (" ..." if n_partners > 5 else "")
            note = f"{what} of review(s) {other_ids} by a different author"
            weak = not dated or self.author[i] < 0
            if not dated:
                note += "; dates missing, cannot tell which is the original"
            if self.author[i] < 0:
                note += "; author unknown"
            s = texts[i]
            a = len(s) - len(s.lstrip())
            out.append(_row(ids[i], self.plats[i], rule,
                            Finding("text", a, len(s.rstrip()), s.strip(), note, weak=weak)))
        return out

    # ---- the three passes
    def rows(self) -> list[tuple[Any, ...]]:
        plats = self.plats
        has_rule = np.isin(plats, list(set(self.exact_rule) | set(self.near_rule)))
        t0 = [time.process_time()]
        norm, n_words = _normalised_texts(_text_array(self.text_col))
        _lap("normalise", t0)
        rows: list[tuple[Any, ...]] = []
        short = np.flatnonzero(has_rule & (n_words < DUPLICATE_MIN_WORDS)).tolist()
        short_ids = dict(zip(short, (_str_or_empty(v) for v in self.ids_col.take(short).tolist())))
        for i in short:
            note = f"text too short for the duplicate check ({n_words[i]} words < {DUPLICATE_MIN_WORDS})"
            for r in (self.exact_rule.get(plats[i]), self.near_rule.get(plats[i])):
                if r is not None:
                    rows.append(_row(short_ids[i], plats[i], r, Finding(None, None, None, None, note, "not_run")))
        elig = np.flatnonzero(has_rule & (n_words >= DUPLICATE_MIN_WORDS))
        if len(elig) == 0:
            return rows
        enc = pc.dictionary_encode(norm)  # the whole column (no copy of the eligible rows)
        del norm
        _release()
        # renumber the eligible rows' texts in order of first appearance among them, like the original
        seen = enc.indices.to_numpy(zero_copy_only=False)[elig]
        first = np.full(len(enc.dictionary), len(elig), dtype=np.int64)
        np.minimum.at(first, seen, np.arange(len(elig)))
        used = np.flatnonzero(first < len(elig))
        used = used[np.argsort(first[used], kind="stable")]
        renum = np.empty(len(enc.dictionary), dtype=np.int64)
        renum[used] = np.arange(len(used))
        code = renum[seen]
        del seen, first, renum
        texts = enc.dictionary.take(pa.array(used)) if self.near_rule else None
        del enc, used
        _release()
        self.code = np.full(self.n, -1, dtype=np.int64)
        self.code[elig] = code
        by_code = elig[np.argsort(code, kind="stable")]  # members of each distinct text, in row order
        count = np.bincount(code)
        self.member_off = np.concatenate(([0], np.cumsum(count)))
        self.members = by_code
        in_exact = np.zeros(self.n, dtype=bool)
        _lap("short texts, exact groups", t0)
        rows += self._exact(np.flatnonzero(count >= 2), in_exact)
        _lap("exact duplicates", t0)
        if self.near_rule:
            holder = [texts]
            del texts
            rows += self._near(holder, in_exact)
            _lap("near duplicates", t0)
        out = self._resolve(rows)
        _lap("output rows", t0)
        return out

    def _group(self, u: int) -> np.ndarray:
        return self.members[self.member_off[u]:self.member_off[u + 1]]

    def _exact(self, multi: np.ndarray, in_exact: np.ndarray) -> list[tuple[Any, ...]]:
        """Rows whose normalised text equals another row's under a different author (per-author counts)."""
        out: list[tuple[Any, ...]] = []
        auth, undated, when = self.author, self.undated, self.when_rank
        for u in multi.tolist():
            m = self._group(u).tolist()
            ma = [int(auth[j]) for j in m]
            known = [a for a in ma if a >= 0]
            if len(known) == len(m) and len(set(known)) == 1:
                continue  # one author repeating a text
            per_author: dict[int, int] = {}
            und_author: dict[int, int] = {}
            for j, a in zip(m, ma):
                if a >= 0:
                    per_author[a] = per_author.get(a, 0) + 1
                    und_author[a] = und_author.get(a, 0) + int(undated[j])
            und_all = int(sum(bool(undated[j]) for j in m))
            by_when = sorted(m, key=lambda j: when[j])
            e1 = by_when[0]
            e2 = by_when[1]
            a1 = auth[e1]
            not_a1 = next((j for j in by_when if auth[j] < 0 or auth[j] != a1), None)
            first_not: dict[int, list[int]] = {}
            for i, a in zip(m, ma):
                in_exact[i] = True
                rule = self.exact_rule.get(self.plats[i])
                if rule is None:
                    continue
                if a >= 0:
                    n_others = len(m) - per_author[a]
                    und_group = und_all - und_author[a] + int(undated[i])
                    earliest_other = not_a1 if (a1 >= 0 and a1 == a) else e1
                    if a not in first_not:
                        first_not[a] = list(islice((j for j, b in zip(m, ma) if b != a), 5))
                    partners = first_not[a]
                else:
                    n_others = len(m) - 1
                    und_group = und_all
                    earliest_other = e2 if e1 == i else e1
                    partners = list(islice((j for j in m if j != i), 5))
                dated = und_group == 0
                if dated and earliest_other is not None and when[i] < when[earliest_other]:
                    continue  # the earliest is taken as the original
                out.append(self._flag_row(i, rule, "same text as", partners, n_others, dated))
        return out

    def _near(self, texts: list[pa.Array], in_exact: np.ndarray) -> list[tuple[Any, ...]]:
        """Rows whose text has a near duplicate (and no exact one) under a different author."""
        u, v, jac = _near_pairs(texts)
        if len(u) == 0:
            return []
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
        pair_keys = (self.code[members].astype(np.uint64) << np.uint64(32)) | (auth[members] + 1).astype(np.uint64)
        clash = (a_src >= 0) & np.isin((dst.astype(np.uint64) << np.uint64(32)) | (a_src + 1).astype(np.uint64),
                                       pair_keys)
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
            earliest[e] = min((when[j] for j in rows_v), default=np.iinfo(np.int64).max)
            ex_src += [int(src[e])] * min(5, len(rows_v))
            ex_row += rows_v[:5]
        live = n_partner > 0
        src, dst, jac, n_partner, und, earliest = (x[live] for x in (src, dst, jac, n_partner, und, earliest))
        clash = clash[live]
        # per source text: partner count, undated partners, earliest partner, best Jaccard, first partner rows
        n_src = len(off) - 1
        tot = np.bincount(src, weights=n_partner, minlength=n_src).astype(np.int64)
        und_tot = np.bincount(src, weights=und, minlength=n_src).astype(np.int64)
        early = np.full(n_src, np.iinfo(np.int64).max, dtype=np.int64)
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
            return []  # every partner was by the same author
        o = np.lexsort((e_row, e_src))
        e_src, e_row = e_src[o], e_row[o]
        gstart = np.flatnonzero(np.concatenate(([True], e_src[1:] != e_src[:-1])))
        # emit rows, ordered like the original check (by the first pair in which each row met a partner)
        flagged: list[tuple[tuple[int, int, int], tuple[Any, ...]]] = []
        bounds = np.concatenate((gstart, [len(e_src)]))
        for g in range(len(gstart)):
            s = int(e_src[bounds[g]])
            partners = e_row[bounds[g]:min(bounds[g + 1], bounds[g] + 5)].tolist()
            what = f"near duplicate (Jaccard {best[s]:.2f} >= {NEAR_DUPLICATE_JACCARD})"
            for i in self._group(s).tolist():
                rule = self.near_rule.get(self.plats[i])
                if rule is None:
                    continue
                dated = not undated[i] and und_tot[s] == 0
                if dated and when[i] < early[s]:
                    continue  # the earliest is taken as the original
                low = partners[0]
                sort_key = (low, i, 1) if low < i else (i, low, 0)
                flagged.append((sort_key, self._flag_row(i, rule, what, partners, int(tot[s]), dated)))
        flagged.sort(key=lambda x: x[0])
        return [r for _, r in flagged]


__all__ = ["find_duplicates"]
