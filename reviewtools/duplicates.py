"""The set-level duplicate check: the same or nearly the same text under different authors, over the WHOLE frame.

Split out of :mod:`reviewtools.rules` (whose per-review checks run on any slice) because it is the one guideline
check that looks across reviews. Its rules (``duplicate_exact`` / ``duplicate_near`` detectors), thresholds and
MinHash parameters stay in :mod:`reviewtools.rules`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .rules import (
    DUPLICATE_MIN_WORDS,
    MINHASH_BANDS,
    MINHASH_BLOCK_SHINGLES,
    MINHASH_ROWS,
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

_NORM = re.compile(r"[^\w]+")
#: The maximal runs of word characters: exactly the non-empty pieces ``_NORM.split`` leaves, in one C call.
_NORM_WORDS = re.compile(r"\w+")
_P61 = (1 << 61) - 1


def _normalise(s: str) -> list[str]:
    """Lower-case word tokens (the non-empty pieces of ``_NORM.split(s.lower())``)."""
    return _NORM_WORDS.findall(s.lower())


def _shingle_sets(word_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """All texts' word shingles as one hashed array plus per-text offsets (vectorised over the whole corpus).

    Words become integer ids with :func:`pandas.factorize` (deterministic: first-seen order), shingles are a
    polynomial hash of :data:`SHINGLE_WORDS` consecutive ids; a text shorter than that has one shingle of
    all its words.
    """
    lengths = np.fromiter((len(w) for w in word_lists), dtype=np.int64, count=len(word_lists))
    flat = [w for ws in word_lists for w in ws]
    ids = (pd.factorize(pd.Series(flat, dtype=object))[0].astype(np.uint64) + np.uint64(1)) if flat else \
        np.zeros(0, dtype=np.uint64)
    k = SHINGLE_WORDS
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(lengths) else np.zeros(0, dtype=np.int64)
    n_sh = np.maximum(lengths - k + 1, 1)
    n_total = int(n_sh.sum())
    # position of each shingle's first word, and how many words it spans (k, or the whole short text)
    owner = np.repeat(np.arange(len(lengths)), n_sh)
    first = np.repeat(starts, n_sh) + (np.arange(n_total) - np.repeat(np.cumsum(n_sh) - n_sh, n_sh))
    span = np.minimum(np.repeat(lengths, n_sh), k)
    padded = np.concatenate((ids, np.zeros(k, dtype=np.uint64)))
    h = np.zeros(n_total, dtype=np.uint64)
    for j in range(k):
        word = np.where(j < span, padded[first + j], np.uint64(0))
        h = h * np.uint64(1_000_003) + word
    offsets = np.concatenate(([0], np.cumsum(n_sh)))
    del owner
    return h, offsets


def _minhash_candidates(h: np.ndarray, offsets: np.ndarray) -> set[tuple[int, int]]:
    """LSH candidate pairs (text indices) from MinHash signatures of the shingle hashes ``h``."""
    n = len(offsets) - 1
    n_perm = MINHASH_BANDS * MINHASH_ROWS
    rng = np.random.default_rng(20240601)  # fixed seed: deterministic candidates
    a = rng.integers(1, _P61, size=n_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, _P61, size=n_perm, dtype=np.uint64)
    sigs = np.empty((n, n_perm), dtype=np.uint64)
    lo = 0
    while lo < n:  # blocks of whole texts with about MINHASH_BLOCK_SHINGLES shingles
        hi = max(lo + 1, int(np.searchsorted(offsets, offsets[lo] + MINHASH_BLOCK_SHINGLES, side="right")) - 1)
        hi = min(hi, n)
        block = h[offsets[lo]:offsets[hi]]
        # (a*x + b) with uint64 wrap-around: a universal-enough hash family for MinHash
        vals = np.multiply.outer(block, a) + b
        sigs[lo:hi] = np.minimum.reduceat(vals, offsets[lo:hi] - offsets[lo], axis=0)
        lo = hi
    mult = rng.integers(1, _P61, size=MINHASH_ROWS, dtype=np.uint64) | np.uint64(1)
    pairs: set[tuple[int, int]] = set()
    for band in range(MINHASH_BANDS):
        key = (sigs[:, band * MINHASH_ROWS:(band + 1) * MINHASH_ROWS] * mult).sum(axis=1)
        order = np.argsort(key, kind="stable")
        bounds = np.concatenate(([0], np.flatnonzero(np.diff(key[order])) + 1, [n]))
        sizes = np.diff(bounds)
        # a huge bucket is boilerplate; exact copies are found by the hash check anyway
        for gi in np.flatnonzero((sizes > 1) & (sizes <= 500)):
            g = sorted(order[bounds[gi]:bounds[gi + 1]].tolist())
            pairs.update((g[x], g[y]) for x in range(len(g)) for y in range(x + 1, len(g)))
    return pairs


def find_duplicates(frame: pd.DataFrame, *, rules: Sequence[Rule] | None = None) -> pd.DataFrame:
    """Set-level check over the WHOLE frame: the same or nearly the same text under different authors.

    Exact duplicates compare a normalised text (lower-case, punctuation dropped); near duplicates use
    :data:`SHINGLE_WORDS`-word shingles, MinHash-LSH candidates and an exact Jaccard check against
    :data:`NEAR_DUPLICATE_JACCARD`. The earliest review of a group is taken as the original and is not flagged;
    when dates are missing every member is flagged weak. The same author repeating a text (e.g. one review
    shown on several variants of a listing) is not plagiarism and is not flagged here. Texts under
    :data:`DUPLICATE_MIN_WORDS` words are recorded as ``not_run``.

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
    if not exact_rule and not near_rule:
        _prepare(frame)  # still validate the input
        return _to_frame([])
    df = _prepare(frame)
    ids = [_str_or_empty(v) for v in df["review_id"]]
    plats = [p if isinstance(p, str) and p in PLATFORMS else "other" for p in df["platform"]]
    texts = [_str_or_empty(v) for v in df["text"]]
    authors = [a if isinstance(a, str) and a.strip() else None for a in df["author"]]
    created = df["created_at"]
    rows: list[tuple[Any, ...]] = []
    eligible: list[int] = []
    words_of: dict[int, list[str]] = {}
    for i, t in enumerate(texts):
        w = _normalise(t)
        rule = exact_rule.get(plats[i]) or near_rule.get(plats[i])
        if rule is None:
            continue
        if len(w) < DUPLICATE_MIN_WORDS:
            note = f"text too short for the duplicate check ({len(w)} words < {DUPLICATE_MIN_WORDS})"
            for r in (exact_rule.get(plats[i]), near_rule.get(plats[i])):
                if r is not None:
                    rows.append(_row(ids[i], plats[i], r, Finding(None, None, None, None, note, "not_run")))
            continue
        eligible.append(i)
        words_of[i] = w

    def order_key(i: int) -> tuple[int, Any, int]:
        c = created[i]
        return (0, c, i) if c is not None and c is not pd.NaT and not pd.isna(c) else (1, 0, i)

    def flag(i: int, others: list[int], rule_map: dict[str, Rule], what: str) -> None:
        rule = rule_map.get(plats[i])
        if rule is None:
            return
        group = sorted([i, *others], key=order_key)
        dated = all(order_key(j)[0] == 0 for j in group)
        if dated and group[0] == i:
            return  # the earliest is taken as the original
        other_ids = ", ".join(ids[j] for j in others[:5]) + (" ..." if len(others) > 5 else "")
        note = f"{what} of review(s) {other_ids} by a different author"
        weak = not dated or authors[i] is None
        if not dated:
            note += "; dates missing, cannot tell which is the original"
        if authors[i] is None:
            note += "; author unknown"
        s = texts[i]
        a = len(s) - len(s.lstrip())
        rows.append(_row(ids[i], plats[i], rule, Finding("text", a, len(s.rstrip()), s.strip(), note, weak=weak)))

    def different_author(i: int, j: int) -> bool:
        return authors[i] is None or authors[j] is None or authors[i] != authors[j]

    # exact: normalised text hash
    groups: dict[int, list[int]] = {}
    for i in eligible:
        groups.setdefault(zlib.crc32(" ".join(words_of[i]).encode()), []).append(i)
    exact_pairs: set[tuple[int, int]] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        for i in members:
            others = [j for j in members if j != i and different_author(i, j)
                      and words_of[i] == words_of[j]]
            if others:
                exact_pairs.update((min(i, j), max(i, j)) for j in others)
                flag(i, others, exact_rule, "same text as")
    # near: MinHash-LSH over shingles, then the exact Jaccard
    if near_rule and len(eligible) > 1:
        h, offsets = _shingle_sets([words_of[i] for i in eligible])
        near: dict[int, list[tuple[int, float]]] = {}
        shingle_sets: dict[int, set[int]] = {}  # each candidate text's distinct shingles, built once

        def shingles(x: int) -> set[int]:
            got = shingle_sets.get(x)
            if got is None:
                got = shingle_sets[x] = set(h[offsets[x]:offsets[x + 1]].tolist())
            return got

        for x, y in sorted(_minhash_candidates(h, offsets)):
            i, j = eligible[x], eligible[y]
            if words_of[i] == words_of[j] or not different_author(i, j):
                continue
            sx, sy = shingles(x), shingles(y)
            inter = len(sx & sy)
            jac = inter / (len(sx) + len(sy) - inter)
            if jac >= NEAR_DUPLICATE_JACCARD:
                near.setdefault(i, []).append((j, jac))
                near.setdefault(j, []).append((i, jac))
        in_exact = {k for pair in exact_pairs for k in pair}
        for i, lst in near.items():
            if i in in_exact:
                continue  # already reported as an exact copy
            best = max(v for _, v in lst)
            flag(i, [j for j, _ in lst], near_rule, f"near duplicate (Jaccard {best:.2f} >= {NEAR_DUPLICATE_JACCARD})")
    return _to_frame(rows)


__all__ = ["find_duplicates"]
