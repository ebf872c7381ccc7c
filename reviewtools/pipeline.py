"""Triage: the stages in one call, and a recommended action with a draft for every review.

:func:`triage` runs sentiment (:func:`reviewtools.sentiment.score_sentiment`), complaint topics
(:func:`reviewtools.topics.tag_topics` / :func:`~reviewtools.topics.find_topics`) and the guideline checks
(:func:`reviewtools.rules.check_reviews`), then decides per review:

=====  ==========================================================================  ===================
step   condition (first that applies)                                               action
=====  ==========================================================================  ===================
1      a guideline hit that is a removal basis and ``strength == "strong"``         ``removal_request``
2      a guideline hit that is a removal basis with any other strength              ``manual_review``
3      rating 1–2★                                                                  ``public_reply``
4      rating 3★ and negative sentiment                                             ``public_reply``
5      rating 4–5★, negative sentiment and a complaint topic (e.g. late delivery)   ``public_reply``
6      anything else (3★ not negative; 4–5★)                                        ``thank`` or ``none``
=====  ==========================================================================  ===================

"Negative sentiment" is ``sentiment_label == "negative"`` (VADER's documented −0.05 threshold on the sentence
mean, see :mod:`reviewtools.sentiment`). A review whose text is not English has ``sentiment_label == "unknown"``
(not scored): it is neither negative nor positive, so the rating decides, and the reason names the language. When the sentiment stage is unavailable the rating alone decides and the
reason says so. Step 6 gives ``none`` when ``ReplySettings.thank_positive`` is off, and on Amazon when public
replies are off (the default: Amazon's Communication Guidelines forbid thank-you-only messages). A review that
already has a reply gets ``none`` instead of a second reply/thank-you. A removal request is never produced
without a removal-basis hit; the checks run on every review whatever its rating (reporting only negative reviews
is itself misuse, platform-policies.md §0.2). Checks that could not run are listed in ``checks_not_run`` and in
the reason: unknown is not clean.

``priority`` (0–100) explains itself in ``priority_reason``: up to :data:`RATING_POINTS` for a low rating, up to
:data:`RECENCY_POINTS` for recency (half-life :data:`RECENCY_HALF_LIFE_DAYS` days before the newest review, so
reruns are stable), up to :data:`HELPFUL_POINTS` for helpful votes and up to :data:`DRAG_POINTS` for how much the
review pulls its product's simple average down.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import gc
import itertools
import logging
import math
import multiprocessing
import operator
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as pa_ipc

from .errors import ReviewToolsError
from .respond import (
    ReplySettings,
    _draft_context,
    _DraftMemo,
    _normalise,
    _removal_draft_of,
    _removal_one_drafts,
    blocking,
    lint_draft,
    primary_topic,
    reply_mode,
    reply_where,
    summarise_problems,
)
from .schema import MAX_RATING, coerce

log = logging.getLogger(__name__)

#: The actions triage recommends.
ACTIONS: Final[tuple[str, ...]] = ("removal_request", "manual_review", "public_reply", "thank", "none")

#: Columns triage adds (besides those of the sentiment and topic stages).
TRIAGE_COLUMNS: Final[tuple[str, ...]] = (
    "action",
    "action_reason",
    "priority",
    "priority_reason",
    "draft",
    "draft_kind",
    "draft_where",
    "draft_lint",
    "reply_topic",
    "rule_ids",
    "clause",
    "evidence",
    "checks_not_run",
)

#: Priority points for the rating: (5 − rating) / 4 of this (a 1★ gets all of it).
RATING_POINTS: Final[float] = 40.0
#: Priority points for recency: this × 0.5 ** (days before the newest review / half-life).
RECENCY_POINTS: Final[float] = 20.0
#: Half-life of the recency points, in days. A month: Brand Dashboard keeps reviews 30–90 days (policies §1.2).
RECENCY_HALF_LIFE_DAYS: Final[float] = 30.0
#: Priority points for helpful votes: log(1 + votes) / log(1 + HELPFUL_FULL_AT), capped at 1.
HELPFUL_POINTS: Final[float] = 15.0
#: Helpful votes that earn all the helpful points (shoppers see the most helpful reviews first).
HELPFUL_FULL_AT: Final[int] = 50
#: Priority points for drag: this × drag / DRAG_FULL_AT, capped; drag = how far the review pulls its product's
#: simple mean down, (mean − rating) / (n − 1) (platform-policies.md §2.2).
DRAG_POINTS: Final[float] = 25.0
#: Drag, in stars, that earns all the drag points.
DRAG_FULL_AT: Final[float] = 0.25

#: Frames smaller than this are triaged in one process by default: a worker pool costs about a second to start
#: (interpreter, imports, lexicon), more than the per-review stages of this many reviews take on one core.
PARALLEL_MIN_REVIEWS: Final[int] = 20_000
#: Partitions per worker process: few and large, so pickling stays cheap, yet enough to even out the load.
CHUNKS_PER_PROCESS: Final[int] = 4
#: At most this many reviews per partition task: a worker's memory grows with its partition (sentence frames,
#: topic and hit rows, the pickled result), so partitions are capped rather than a fixed share of the frame
#: (a million reviews in 8 partitions made workers of several GB). 50,000 rather than 25,000: every partition
#: pays fixed costs (the checks' regex kernels ~40-60 ms a call, the stages' per-call set-up, a result to pickle)
#: and each worker lifetime a warm-up; at 1M, 20 partitions instead of 40 gave the same output (check_identical at
#: 1M) and the same peak PSS, and 4 of 5 interleaved runs took less CPU (per-pair median 0.94).
MAX_PARTITION_ROWS: Final[int] = 50_000
#: Partition tasks a worker runs before it is replaced by a fresh one (its caches and heap let go; a fresh worker
#: costs about a second to warm up, against a few CPU seconds of work per partition).
WORKER_MAX_TASKS: Final[int] = 10
#: How worker processes start: ``fork`` where the OS has it, so scripts and notebooks without an
#: ``if __name__ == "__main__"`` guard work (``spawn``/``forkserver`` re-run the caller's main module) and
#: workers start without re-importing pandas; elsewhere the platform default.
POOL_START_METHOD: Final[str | None] = "fork" if "fork" in multiprocessing.get_all_start_methods() else None

#: With more than one process, :func:`run_triage` runs the cross-review duplicate check in a process of its own
#: beside the per-review workers (forked, so only where ``fork`` exists) rather than before them: the check is
#: serial, and run first it left every core but one idle. Its working memory then sits beside the workers' (about
#: 0.7 GB at 1,000,000 reviews), still under the decisions' peak.
DUPLICATES_BESIDE_STAGES: Final[bool] = True

#: Rows turned into dicts at a time by :func:`recommend` (all at once, 1M rows x 60 columns take gigabytes).
RECORD_BLOCK: Final[int] = 20_000

#: The columns :func:`recommend` reads per row (its own and those :func:`reviewtools.respond.draft_reply` and
#: :func:`reviewtools.respond.removal_request` read); only these become dicts.
DECISION_COLUMNS: Final[tuple[str, ...]] = (
    "review_id", "platform", "marketplace", "product_id", "product_title", "rating", "author", "created_at",
    "reply_text", "replied_at", "sentiment_label", "sentiment_score", "text_language",
)
#: :func:`recommend` uses worker processes only with at least this many rows per worker (a fork and the
#: results' pickling cost more than deciding fewer rows serially).
DECISION_MIN_BLOCK: Final[int] = 5_000
#: ... and at most this many rows per block: a worker holds its block's decided rows as Python objects and
#: pickles them back (a million rows in 8 blocks made workers of ~640 MB private memory each; 200k prefix of
#: the 1M corpus, decisions' peak PSS with the workers: 25,000-row blocks 1,177 MiB, 8,000-row blocks 972).
DECISION_MAX_BLOCK: Final[int] = 8_000

#: Joins platform and review id into one lookup key (a control character no id or platform name contains).
_KEY_SEP: Final[str] = "\x1f"

#: Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")

#: Columns of the action queue that :func:`export_queue` writes, in order (those present are written).
QUEUE_COLUMNS: Final[tuple[str, ...]] = (
    "priority",
    "action",
    "review_id",
    "platform",
    "marketplace",
    "product_id",
    "product_title",
    "rating",
    "created_at",
    "author",
    "title",
    "text",
    "action_reason",
    "priority_reason",
    "draft_where",
    "draft",
    "draft_lint",
    "rule_ids",
    "clause",
    "evidence",
    "checks_not_run",
    "source_file",
    "source_row",
)


class TriageError(ReviewToolsError, ValueError):
    """The frame cannot be triaged (missing review ids), or an export path has an unknown extension."""


@dataclass(frozen=True)
class TriageResult:
    """What the app needs: the triaged reviews plus the long evidence frames behind them."""

    reviews: pd.DataFrame
    hits: pd.DataFrame
    topic_matches: pd.DataFrame
    stages_not_run: tuple[str, ...]


# ============================================================================================ stages


def triage_partition(
    frame: pd.DataFrame, timings: dict[str, float] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """The per-review stages on any slice of the canonical frame: no row looks at another.

    Returns ``(scored, topic_matches, hits, stages_not_run)``: a copy of ``frame`` with the sentiment and topic
    columns, the long topic-match frame, and the per-review guideline hits
    (:func:`reviewtools.rules.check_each_review`; the cross-review duplicate check is not in it, see
    :func:`run_triage`). A stage whose module is not installed is recorded, never faked. Partitions can run
    in any order, in other processes or on another engine, and concatenate to the whole-frame result.
    ``timings``, when given, gets each stage's seconds added (``sentiment``, ``topics``, ``checks``).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"review_id": ["a"], "platform": ["google"], "text": ["It never arrived."]})
    >>> scored, matches, hits, missing = triage_partition(f)
    >>> scored.loc[0, "topics"], missing
    ('shipping_delivery', [])
    """
    missing: list[str] = []
    clock = _Clock(timings)
    out = frame
    try:
        from .sentiment import score_sentiment
    except ImportError:
        missing.append("sentiment")
    else:
        out = score_sentiment(out)
    clock.lap("sentiment")
    try:
        from .topics import find_and_tag_topics
    except ImportError:
        missing.append("topics")
        matches = pd.DataFrame(columns=["review_id", "topic", "field", "start", "end", "evidence", "complaint"])
    else:
        out, matches = find_and_tag_topics(out)
    clock.lap("topics")
    try:
        from .rules import check_each_review
    except ImportError:
        missing.append("rules")
        hits = pd.DataFrame(columns=["review_id", "rule_id", "removal_basis", "strength", "outcome"])
    else:
        hits = check_each_review(frame)
    clock.lap("checks")
    return out, matches, hits, missing


class _Clock:
    """Adds the seconds since the previous lap to ``timings[name]`` (no-op when ``timings`` is None)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.t = time.perf_counter()

    def lap(self, name: str) -> None:
        if self.timings is not None:
            now = time.perf_counter()
            self.timings[name] = self.timings.get(name, 0.0) + now - self.t
            self.t = now


def _trim_memory() -> None:
    """Give memory that freed objects left behind back to the OS between steps: pyarrow's allocator keeps freed
    buffers, and glibc's heap keeps the freed pickled results of the workers (tens of MB each, allocated on the
    heap once glibc's mmap threshold has grown). Not doing so leaves it in the parent's RSS and in every worker
    forked later. No-op where neither applies."""
    try:
        import pyarrow as pa

        release = getattr(pa.default_memory_pool(), "release_unused", None)
        if release is not None:
            release()
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        pass
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or None (another C library or OS)."""
    if not hasattr(_malloc_trim, "fn"):
        fn = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                fn = getattr(ctypes.CDLL("libc.so.6"), "malloc_trim", None)
            except OSError:
                fn = None
        _malloc_trim.fn = fn  # type: ignore[attr-defined]
    return _malloc_trim.fn  # type: ignore[attr-defined]


def _rules_available() -> bool:
    """Whether the guideline checks can run (the rules module imports): the same test as
    :func:`triage_partition`'s, made before the partitions run."""
    try:
        from .rules import check_each_review  # noqa: F401
    except ImportError:
        return False
    return True


def _cross_review_hits(frame: pd.DataFrame, missing: list[str]) -> pd.DataFrame | None:
    """The checks that look across reviews (duplicates), over the whole frame; None when rules are missing."""
    if "rules" in missing:
        return None
    from .duplicates import find_duplicates

    return find_duplicates(frame)


def default_processes(n_reviews: int) -> int:
    """Worker processes :func:`run_triage` uses by default: 1 below :data:`PARALLEL_MIN_REVIEWS`, else all CPUs.

    >>> default_processes(10)
    1
    """
    return 1 if n_reviews < PARALLEL_MIN_REVIEWS else max(1, os.cpu_count() or 1)


#: Warm-up reviews: one short English text, and one long enough (and not plainly English) that the language
#: check loads py3langid's model too, so that every lazily built model and pattern exists after warming.
_WARM_TEXTS: Final[tuple[str, ...]] = (
    "Warm up.",
    "Das Produkt ist leider nach zwei Tagen kaputt gegangen und der Versand war sehr langsam.",
)


def _warm_worker() -> None:
    """Build the per-process caches (VADER lexicon, rule and topic patterns, the language model) once per
    process, never per task. With ``fork`` the parent warms itself before the pool starts, so the workers
    (and their replacements, see :data:`WORKER_MAX_TASKS`) share those pages instead of each building its own."""
    n = len(_WARM_TEXTS)
    triage_partition(coerce(pd.DataFrame({"review_id": [f"warm{i}" for i in range(n)], "platform": ["amazon"] * n,
                                          "text": list(_WARM_TEXTS)})))


#: A string column is held dictionary-encoded (pandas ``category``) between the steps of :func:`run_triage` when
#: it has at most this share of distinct values: hit rows repeat their rule's clause, URL and category, topic
#: matches their phrase and reason (at 1,000,000 reviews about 1.4M hit and 0.8M match rows).
ENCODE_MAX_DISTINCT_SHARE: Final[float] = 0.5


@dataclass
class _Encoded:
    """A frame whose repeated string columns are ``category`` while it waits inside :func:`run_triage` (as the
    pool sends it back and while other steps run), and the dtypes that :meth:`decode` restores: the values,
    dtypes and row order of the frame given to :func:`_encode` (output is unchanged; only what is held in
    between is smaller: at 1M reviews ~0.5 GB less beside the per-review workers)."""

    frame: pd.DataFrame
    dtypes: dict[str, Any]

    def decode_in_place(self) -> None:
        """Hold the decoded frame from now on (:func:`recommend` does so once its workers are gone)."""
        self.frame, self.dtypes = self.decode(), {}

    def decode(self) -> pd.DataFrame:
        """The frame as it was given to :func:`_encode` (a new frame; this one is not changed)."""
        if not self.dtypes:
            return self.frame
        out = self.frame.copy(deep=False)
        for col, dtype in self.dtypes.items():
            if col in out.columns:
                out[col] = _decoded_column(out[col], dtype)
        return out

    def column(self, name: str) -> pd.Series:
        """Column ``name`` decoded."""
        col = self.frame[name]
        return _decoded_column(col, self.dtypes[name]) if name in self.dtypes else col

    def take(self, pos: np.ndarray, columns: list[str] | None = None) -> pd.DataFrame:
        """Rows at positions ``pos`` (of ``columns``, default all), decoded: the same rows as taking them from
        the frame given to :func:`_encode`."""
        frame = self.frame if columns is None else self.frame[columns]
        return _Encoded(frame.take(pos), self.dtypes).decode()


def _encode(frame: pd.DataFrame) -> _Encoded:
    """:class:`_Encoded` of ``frame``: each string column with at most :data:`ENCODE_MAX_DISTINCT_SHARE` distinct
    values as ``category`` (the same values; missing stays missing), other columns as they are.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"rule": pd.array(["a", "a", None, "a"], dtype="string"), "n": [1, 2, 3, 4]})
    >>> e = _encode(f)
    >>> str(e.frame["rule"].dtype), e.decode().equals(f)
    ('category', True)
    """
    out = frame
    dtypes: dict[str, Any] = {}
    for col in frame.columns:
        s = frame[col]
        if not isinstance(s.dtype, pd.StringDtype) or len(s) < 2:
            continue
        cat = _category(s, int(ENCODE_MAX_DISTINCT_SHARE * len(s)))
        if cat is None:
            continue
        if out is frame:
            out = frame.copy(deep=False)
        out[col] = cat
        dtypes[col] = s.dtype
    return _Encoded(out, dtypes)


def _arrow_strings(dtype: Any) -> bool:
    """Whether ``dtype`` is pandas' ``string`` dtype held by pyarrow with ``pd.NA`` for missing values (an
    :class:`pandas.arrays.ArrowStringArray`): the dtype :func:`_category` and :func:`_decoded_column` take the
    Arrow path for."""
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow" and dtype.na_value is pd.NA


def _category(s: pd.Series, most: int) -> pd.Series | None:
    """``s.astype("category")`` for :func:`_encode`, or None when it has more than ``most`` categories
    (distinct values). The same values (missing ones missing), but for Arrow strings categories in order of
    first appearance instead of sorted, counted before any categorical is built: at 1M reviews the hits' and
    matches' columns took 2 s through ``astype``, much of it sorting near-distinct columns then not kept.
    Only the values matter: :meth:`_Encoded.decode` gives back the very strings."""
    if not _arrow_strings(s.dtype):
        cat = s.astype("category")
        return None if len(cat.cat.categories) > most else cat
    codes, uniques = pd.factorize(s, use_na_sentinel=True)  # pyarrow's dictionary encoding, chunks and all
    if len(uniques) > most:
        return None
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(uniques)), index=s.index,
                     name=s.name, copy=False)


def _decoded_column(col: pd.Series, dtype: Any) -> pd.Series:
    """``col.astype(dtype)`` of a ``category`` column :func:`_category` made: for Arrow strings one Arrow ``take``
    of the categories by the codes (missing codes missing), not pandas' round trip through a NumPy array of
    Python strings (at 1M reviews 4 s to decode the hits and matches, 0.2 s this way)."""
    if not (isinstance(col.dtype, pd.CategoricalDtype) and _arrow_strings(dtype)
            and isinstance(col.cat.categories.array, pd.arrays.ArrowStringArray)):
        return col.astype(dtype)
    cats = pa.array(col.cat.categories.array)  # its own buffers (one chunk), large_string as pandas holds them
    codes = col.cat.codes.to_numpy()
    taken = pd.arrays.ArrowStringArray(pc.take(cats, pa.array(codes, mask=codes < 0)))
    if taken.dtype != dtype:  # pragma: no cover - another pandas' string layout: its own conversion
        return col.astype(dtype)
    return pd.Series(taken, index=col.index, name=col.name, copy=False)


#: The frame the per-review workers read their partitions from, set only while their pool runs (see
#: :func:`_run_stages`): with ``fork`` a task is the bounds of its rows, not the rows pickled through a pipe.
_STAGE_FRAME: pd.DataFrame | None = None

#: Whether a per-review task (:func:`_partition_task`) dictionary-encodes the columns the stages add (sentiment's
#: label, language and most negative sentence, the topic columns) before they travel back. Off: they travel as the
#: stages made them (Arrow strings pickle as their buffers) and the parent only concatenates them, where encoding
#: cost the worker and decoding cost the parent more than the smaller pickle saved (a 50,000-row partition of the
#: 100k corpus: worker ~40 -> ~7 CPU ms, parent ~15 -> ~4, pickle 6.4 -> 10.9 MB; at 1M the parent then holds
#: ~0.1 GB more while the pool runs, which the decode after the pool made anyway; see
#: ``benchmarks/bench_pipe17_added.py``). The long frames (matches, hits) are encoded either way (:func:`_encode`).
ENCODE_ADDED_COLUMNS: Final[bool] = False

#: Whether a per-review task (:func:`_partition_task`) runs with Python's cyclic collector paused for all of it
#: (:func:`_no_collection`), not only inside the checks (``rules._PAUSE_COLLECTOR``): sentiment, topics and the
#: encoding of the results allocate enough container objects to set off collections that find nothing (reference
#: counting frees it all). ``benchmarks/bench_pipe17_gc.py``, 100k corpus in 50k tasks, seconds inside collections
#: (``gc.callbacks``): a warm worker's task ~21 -> ~1 ms, a fresh worker's first task ~42 -> ~3 ms; 0 objects found
#: unreachable either way: ~0.45 CPU s less over the workers at 1M (20 tasks, 2 of them a worker's first).
TASK_WITHOUT_COLLECTION: Final[bool] = True


def _partition_task(
    part: pd.DataFrame | tuple[int, int],
) -> tuple[_Encoded, _Encoded, _Encoded, list[str], dict[str, float]]:
    """One pool task: the per-review stages on ``part`` (rows, or the ``(start, stop)`` bounds of rows of the
    inherited :data:`_STAGE_FRAME`); only the columns they add travel back (not the text), with their
    repeated strings dictionary-encoded (:func:`_encode`; the parent decodes them), but the added columns only
    when :data:`ENCODE_ADDED_COLUMNS` (else as the stages made them, the :class:`_Encoded` of no encoded column)."""
    if isinstance(part, tuple):
        frame = _STAGE_FRAME
        if frame is None:  # pragma: no cover - only forked while the frame is set
            raise TriageError("internal: a per-review worker started without the frame")
        part = frame.iloc[part[0] : part[1]]
    timings: dict[str, float] = {}
    with _no_collection() if TASK_WITHOUT_COLLECTION else contextlib.nullcontext():
        scored, matches, hits, missing = triage_partition(part, timings)
        added = scored.drop(columns=list(part.columns))
        return (_encode(added) if ENCODE_ADDED_COLUMNS else _Encoded(added, {}), _encode(matches), _encode(hits),
                missing, timings)


def _decoded(parts: list[list[Any]], i: int) -> list[pd.DataFrame]:
    """Item ``i`` (an :class:`_Encoded`) of each pool result, decoded; each result's encoded frame is dropped
    from it once decoded (the results are lists, so only one frame is held twice at a time)."""
    out = []
    for part in parts:
        out.append(part[i].decode())
        part[i] = None
    return out


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate long frames in order, skipping empty ones (their dtypes would blur the result's)."""
    full = [f for f in frames if len(f)]
    if not full:
        return frames[0]
    return full[0].reset_index(drop=True) if len(full) == 1 else pd.concat(full, ignore_index=True)


def _joined(parts: list[_Encoded], dup: _Encoded | None = None) -> _Encoded:
    """The long frame the pool's ``parts`` (then the cross-review hits ``dup``, when given) make, still encoded:
    :meth:`_Encoded.decode` gives exactly the frame ``_concat`` of the decoded parts (then ``pd.concat`` with the
    decoded ``dup``, as :func:`_run_stages` appends them) gives. Not decoded, concatenated and encoded again
    (:func:`run_triage` held it encoded anyway: at 1M reviews that round trip cost the parent 1-2.9 CPU s with
    both cores idle; this join 0.2). A column encoded in every non-empty part (same dtype, Arrow strings) is
    joined as one ``category`` column: the parts' categories concatenated and factorised once (at 1M reviews
    ~81k strings over the 40 parts' hits, not their ~0.6 GB of strings), each part's codes mapped through; any
    other column is decoded per part and concatenated as before. Parts whose columns differ, or no non-empty
    hit part beside ``dup``, take the decoded way (then :func:`_encode`)."""
    full = [p for p in parts if len(p.frame)]
    cols = list(full[0].frame.columns) if full else []
    if dup is not None:
        if not full:  # pd.concat with the empty hits: its dtypes decide, as before
            return _encode(pd.concat([_concat([p.decode() for p in parts]), dup.decode()], ignore_index=True))
        full = full + [dup]
    if not full:
        return parts[0]
    if any(list(p.frame.columns) != cols for p in full):
        base = _concat([p.decode() for p in (parts if dup is None else full[:-1])])
        return _encode(base if dup is None else pd.concat([base, dup.decode()], ignore_index=True))
    if len(full) == 1:
        return _Encoded(full[0].frame.reset_index(drop=True), dict(full[0].dtypes))
    joined: dict[str, pd.Series] = {}
    dtypes: dict[str, Any] = {}
    for col in cols:
        dtype = full[0].dtypes.get(col)
        if dtype is None or not _arrow_strings(dtype) or any(
                p.dtypes.get(col) != dtype
                or not isinstance(p.frame[col].cat.categories.array, pd.arrays.ArrowStringArray) for p in full):
            continue
        cats = [pa.array(p.frame[col].cat.categories.array) for p in full]
        where, uniques = pd.factorize(pd.arrays.ArrowStringArray(pa.concat_arrays(cats)))
        codes = []
        at = 0
        for p, c in zip(full, cats):
            own = p.frame[col].cat.codes.to_numpy()
            mapped = where[at : at + len(c)]  # a part of missing values only has no categories
            codes.append(np.where(own < 0, -1, mapped[np.maximum(own, 0)]) if len(c) else np.full(len(own), -1))
            at += len(c)
        joined[col] = pd.Series(pd.Categorical.from_codes(np.concatenate(codes), dtype=pd.CategoricalDtype(uniques)),
                                name=col, copy=False)
        dtypes[col] = dtype
    rest = [c for c in cols if c not in joined]
    n = sum(len(p.frame) for p in full)
    frame = (pd.concat([pd.DataFrame({c: p.column(c) for c in rest}, index=p.frame.index) for p in full],
                       ignore_index=True) if rest else pd.DataFrame(index=pd.RangeIndex(n)))
    return _Encoded(pd.DataFrame({c: joined[c] if c in joined else frame[c] for c in cols}, index=frame.index,
                                 copy=False), dtypes)


def _run_stages(
    frame: pd.DataFrame, processes: int | None = None, timings: dict[str, float] | None = None, *,
    encoded: bool = False,
) -> tuple[pd.DataFrame, Any, Any, list[str]]:
    """The cross-review checks over the whole frame and the per-review stages (in ``processes`` worker
    processes); the cross-review rows go after the per-review hits, as in :func:`reviewtools.rules.check_reviews`.

    With one process the cross-review check runs first, so that its working memory is never beside the
    per-review stages' results. With more, it runs in a process of its own beside the workers
    (:data:`DUPLICATES_BESIDE_STAGES`): the check is serial, and run first it left all cores but one idle for
    its whole length (at 1,000,000 reviews about 20 s of 140). The result does not depend on the order.

    With ``encoded``, the long frames (matches, then hits) come back as :class:`_Encoded` (as :func:`run_triage`
    holds them): from the pool, the parts joined without decoding them (:func:`_joined`).
    """
    clock = _Clock(timings)
    n = len(frame)
    procs = default_processes(n) if processes is None else int(processes)
    if procs < 1:
        raise TriageError(f"processes must be at least 1, got {processes}")
    _trim_memory()  # what reading the export freed (pyarrow's pool keeps it) is not beside the duplicate check
    cross_missing = [] if _rules_available() else ["rules"]
    parallel = not (procs == 1 or n < 2 * procs)
    beside = parallel and DUPLICATES_BESIDE_STAGES and POOL_START_METHOD == "fork" and not cross_missing
    dup: _Encoded | None = None
    if not beside:
        found = _cross_review_hits(frame, cross_missing)
        dup = None if found is None else _encode(found)  # held while the stages run: its repeated strings encoded
        del found
        _trim_memory()  # its temporaries, before the workers fork from this process
        clock.lap("duplicates")
    if not parallel:
        out, matches, hits, missing = triage_partition(frame, timings)
    else:
        n_chunks = max(procs * CHUNKS_PER_PROCESS, -(-n // MAX_PARTITION_ROWS))
        size = -(-n // n_chunks)
        inherit = POOL_START_METHOD == "fork"
        # forked workers slice the frame they inherited (at 1M reviews ~0.6 GB less pickled, piped and unpickled)
        chunks: list[Any] = [(i, min(i + size, n)) if inherit else frame.iloc[i : i + size] for i in range(0, n, size)]
        ctx = multiprocessing.get_context(POOL_START_METHOD)
        cross = None
        # as around the decision workers (see recommend): the parent's objects out of the collector's reach while
        # the forked processes run, so that a collection in one does not copy every inherited page it touches
        gc.freeze()
        quiet_pages = _stage_huge_pages_off()
        quiet_pages.__enter__()  # inherited by every process forked below (restored in this one after)
        try:
            if beside:
                # forked first, from a parent holding only the frame: the check reads the inherited frame (nothing
                # pickled to it) and only its encoded hits travel back
                global _CROSS_FRAME
                _CROSS_FRAME = frame
                cross = ctx.Pool(1)
                pending_cross = cross.apply_async(_cross_review_task)
                _CROSS_FRAME = None
            if POOL_START_METHOD == "fork":
                _warm_worker()  # inherited by every worker (copy-on-write), built once
                gc.freeze()  # what it built too
            init = None if POOL_START_METHOD == "fork" else _warm_worker
            global _STAGE_FRAME
            _STAGE_FRAME = frame if inherit else None  # also for the workers forked to replace retired ones
            try:
                with ctx.Pool(procs, initializer=init, maxtasksperchild=WORKER_MAX_TASKS) as pool:
                    parts = [list(p) for p in pool.map(_partition_task, chunks, chunksize=1)]
            finally:
                _STAGE_FRAME = None
            if cross is not None:
                dup, seconds = pending_cross.get()
                if timings is not None:
                    timings["duplicates_beside"] = timings.get("duplicates_beside", 0.0) + seconds
        finally:
            if cross is not None:
                cross.close()
                cross.join()
            quiet_pages.__exit__(None, None, None)
            gc.unfreeze()
        del chunks
        # the parts decoded and joined with huge pages off, as recommend decodes them (DECODE_HUGE_PAGES_OFF):
        # at 1M reviews their fresh pages cost the parent ~0.6 s of system CPU in ~40k huge-page faults
        with _decode_huge_pages_off():
            missing = parts[0][3]
            if timings is not None:
                for part in parts:  # seconds summed over the workers (busy time, not wall)
                    for k, v in part[4].items():
                        timings[k] = timings.get(k, 0.0) + v
            # decoded one kind at a time, each part's encoded frame let go as it is decoded
            added = pd.concat(_decoded(parts, 0))
            out = pd.concat([frame, added], axis=1)
            del added
            if encoded:  # joined as they came, never decoded here (see _joined)
                matches = _joined([part[1] for part in parts])
                with_dup = dup is not None and not dup.frame.empty and "rules" not in missing
                hits = _joined([part[2] for part in parts], dup if with_dup else None)  # dup after, as below
                dup = None
            else:
                matches = _concat(_decoded(parts, 1))
                hits = _concat(_decoded(parts, 2))
            del parts
            _trim_memory()
    if dup is not None and not dup.frame.empty and "rules" not in missing:
        hits = pd.concat([hits, dup.decode()], ignore_index=True)  # as rules.check_reviews does
    del dup
    if encoded and not isinstance(hits, _Encoded):
        matches, hits = _encode(matches), _encode(hits)
    _trim_memory()  # before the decision workers fork from this process
    for name in missing:
        log.warning("triage: the %s stage is not available; its columns are missing and decisions say so", name)
    clock.lap("per_review_wall")
    return out, matches, hits, missing


#: Whether :func:`_run_stages` turns transparent huge pages off while its worker processes run (they inherit the
#: setting; see :data:`reviewtools.ingest.HUGE_PAGES_OFF`).
STAGES_HUGE_PAGES_OFF: Final[bool] = True


def _stage_huge_pages_off() -> Any:
    """:func:`reviewtools.ingest._huge_pages_off` when :data:`STAGES_HUGE_PAGES_OFF`, else a no-op context."""
    if not STAGES_HUGE_PAGES_OFF:
        return contextlib.nullcontext()
    from .ingest import _huge_pages_off

    return _huge_pages_off()


#: Whether :func:`recommend` turns transparent huge pages off while it decodes ``run_triage``'s held hits and
#: matches (:meth:`_Encoded.decode_in_place`; the setting comes back after). The decode writes out ~0.3 GB of new
#: strings after the decision pool; with huge pages allowed (this machine's setting is ``madvise``) its page
#: faults cost ~1.2 s of system CPU at 1M reviews (30k faults), with them off ~0.25 s (190k small faults).
DECODE_HUGE_PAGES_OFF: Final[bool] = True


#: Whether :func:`recommend` decodes ``run_triage``'s held hits and matches (:meth:`_Encoded.decode_in_place`) in
#: a thread of the parent while its decision workers run, once they are forked (they keep the encoded frames
#: they inherited), instead of after them: ~0.6 CPU s and ~0.8 s of wall at 1M reviews with a core idle, done
#: beside the pool, where the parent's own thread mostly waits for blocks (Arrow's ``take`` and the page faults
#: run without the GIL). The decoded strings (~0.3 GB at 1M) then sit beside the workers in the memory peak.
DECODE_BESIDE_POOL: Final[bool] = True


def _decode_held(held: Iterable[Any]) -> None:
    """Decode each :class:`_Encoded` of ``held`` in place (one already decoded costs nothing), with transparent
    huge pages off meanwhile (:data:`DECODE_HUGE_PAGES_OFF`); anything else is left as it is."""
    held = [h for h in held if isinstance(h, _Encoded) and h.dtypes]
    if not held:
        return
    with _decode_huge_pages_off():
        for h in held:
            h.decode_in_place()


def _decode_huge_pages_off() -> Any:
    """:func:`reviewtools.ingest._huge_pages_off` when :data:`DECODE_HUGE_PAGES_OFF`, else a no-op context."""
    if not DECODE_HUGE_PAGES_OFF:
        return contextlib.nullcontext()
    from .ingest import _huge_pages_off

    return _huge_pages_off()


#: The frame the cross-review process reads, set only while that process forks (see :func:`_run_stages`).
_CROSS_FRAME: pd.DataFrame | None = None


def _cross_review_task() -> tuple[_Encoded | None, float]:
    """The cross-review check in its own forked process, on the frame it inherited: its hits encoded, and its
    wall seconds."""
    t = time.perf_counter()
    frame = _CROSS_FRAME
    if frame is None:  # pragma: no cover - only forked while the frame is set
        raise TriageError("internal: the cross-review process started without a frame")
    return _cross_review_encoded(frame), time.perf_counter() - t


def _cross_review_encoded(frame: pd.DataFrame) -> _Encoded | None:
    """``_encode(_cross_review_hits(frame, []))`` (decoded, the same frame) with the hits' rule columns and
    platform made ``category`` by the duplicate check from its rule and platform codes, not as one string per
    row that :func:`_encode` then factorises (at 1M reviews ~0.4M hit rows x 5 columns); its other string
    columns tested and encoded by the check as :func:`_encode` would (the same columns, the same categories),
    their values numbered by its native hash table instead of pandas' ``factorize``."""
    try:
        from .duplicates import _find_duplicates_encoded
    except ImportError:  # pragma: no cover - the rules are missing: as _cross_review_hits
        found = _cross_review_hits(frame, [])
        return None if found is None else _encode(found)
    found, dtypes = _find_duplicates_encoded(frame, ENCODE_MAX_DISTINCT_SHARE)
    return _Encoded(found, dtypes)


def triage(
    frame: pd.DataFrame,
    settings: ReplySettings | None = None,
    *,
    as_of: pd.Timestamp | None = None,
    processes: int | None = None,
) -> pd.DataFrame:
    """Run sentiment, topics and guideline checks, and recommend an action with a draft for every review.

    Returns a copy of ``frame`` with the stage columns and :data:`TRIAGE_COLUMNS`; the input is not modified.
    The long hit and topic frames are in ``result.attrs["hits"]`` and ``result.attrs["topic_matches"]``.
    ``as_of`` is the date recency is measured from (default: the newest review, so reruns are stable).
    ``processes`` spreads the per-review stages over worker processes (default :func:`default_processes`);
    the result is identical whatever the number.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"review_id": ["a"], "platform": ["google"], "rating": [1],
    ...                   "text": ["It never arrived and nobody answered."],
    ...                   "created_at": [pd.Timestamp("2024-05-01", tz="UTC")]})
    >>> triage(f).loc[0, "action"]
    'public_reply'
    """
    return run_triage(frame, settings, as_of=as_of, processes=processes).reviews


def run_triage(
    frame: pd.DataFrame,
    settings: ReplySettings | None = None,
    *,
    as_of: pd.Timestamp | None = None,
    processes: int | None = None,
    timings: dict[str, float] | None = None,
) -> TriageResult:
    """Like :func:`triage`, but returns a :class:`TriageResult` with the long hit and topic frames beside it.

    Partition-friendly: :func:`triage_partition` runs on slices of the frame (in ``processes`` worker
    processes, each building the VADER analyzer and the patterns once), then the cross-review checks
    (duplicates) and the decisions (product averages, draft de-duplication) run once over the whole frame.
    ``timings``, when given, gets seconds per step: ``sentiment``, ``topics``, ``checks`` (summed over the
    workers), ``per_review_wall`` (those three, wall clock), ``duplicates`` and ``decisions``.
    """
    if "review_id" not in frame.columns:
        raise TriageError("cannot triage: the frame has no 'review_id' column (expected the canonical frame)")
    base = coerce(frame)
    scored, matches, hits, missing = _run_stages(base, processes, timings, encoded=True)
    clock = _Clock(timings)
    procs = default_processes(len(base)) if processes is None else int(processes)
    # The long frames wait dictionary-encoded while the decisions run (their decided columns and the forked
    # workers are the peak of a triage: at 1M reviews the hit and match strings are ~0.8 GB as plain strings,
    # ~0.2 GB encoded); the decisions decode the rows they read, and the frames are decoded at the end.
    held = (hits, matches)  # encoded by _run_stages
    del hits, matches
    _trim_memory()
    out = recommend(scored, held[0], held[1], settings, as_of=as_of, stages_not_run=missing,  # type: ignore[arg-type]
                    processes=procs)
    hits = held[0].decode()
    matches = held[1].decode()
    del held
    _trim_memory()
    clock.lap("decisions")
    out.attrs["hits"] = hits
    out.attrs["topic_matches"] = matches
    return TriageResult(out, hits, matches, tuple(missing))


# ============================================================================================ decisions


def _review_keys(long: pd.DataFrame) -> list[str]:
    """The review key of each row of a long frame: ``platform`` + ``review_id`` (ids are unique only within a
    platform, so the same id on two platforms is two reviews), or ``review_id`` alone when there is no platform."""
    return _review_key_series(long).tolist()


def _review_key_series(long: pd.DataFrame) -> pd.Series:
    """:func:`_review_keys` as a string Series (Arrow-backed, no Python object per row)."""
    rid = long["review_id"].astype(str)
    if "platform" not in long.columns:
        return rid
    return long["platform"].astype("string").fillna("other").astype(str) + _KEY_SEP + rid


def _arrow_review_keys(long: pd.DataFrame) -> pa.Array | None:
    """``pa.array(_review_key_series(long), type=pa.string(), from_pandas=True)`` by one Arrow join (no pandas
    ``astype(str)`` and concatenation) when ``review_id`` and ``platform`` are Arrow-backed strings with ``pd.NA``
    and no id is missing: ``platform`` (a missing one as ``other``; an empty one stays empty, as ``fillna`` leaves
    it) + separator + id. Else None (the caller's pandas way).

    >>> f = pd.DataFrame({"review_id": ["a", "b", "c"], "platform": [None, "", "x"]}, dtype="string[pyarrow]")
    >>> _arrow_review_keys(f).to_pylist() == ["other\x1fa", "\x1fb", "x\x1fc"]
    True
    """
    if "platform" not in long.columns or "review_id" not in long.columns:
        return None
    rid, plat = long["review_id"], long["platform"]
    if not (_arrow_strings(rid.dtype) and _arrow_strings(plat.dtype)):
        return None
    r = _one_array(rid.array)
    if r.null_count:
        return None
    p = pc.fill_null(_one_array(plat.array), pa.scalar("other", type=pa.large_string()))
    return pc.binary_join_element_wise(p, r, pa.scalar(_KEY_SEP, type=pa.large_string())).cast(pa.string())


def _lookup(table: dict[str, Any], platform: str, rid: str, default: Any = None) -> Any:
    """``table``'s entry for the review: by platform + id, else (a long frame without platform) by id."""
    got = table.get(platform + _KEY_SEP + rid)
    return table.get(rid, default) if got is None else got


def _hits_by_review(hits: pd.DataFrame) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]]]:
    """review key -> its removal-basis ``hit`` rows as plain dicts (hit order), and -> the checks not run."""
    if hits is None or hits.empty:
        return {}, {}
    h = hits  # read only
    outcome = h["outcome"].astype("string").fillna("hit") if "outcome" in h.columns else pd.Series("hit", index=h.index)
    # only the columns read below: every review can have a not-run row, and copying their notes costs memory
    not_run = h.loc[(outcome == "not_run").to_numpy(), [c for c in ("review_id", "platform", "rule_id") if c in h]]
    nr = _not_run_lists(not_run)
    basis = h["removal_basis"].astype("boolean").fillna(False).astype(bool) if "removal_basis" in h.columns else False
    return _hit_dicts(h[(outcome == "hit") & basis]), nr


def _hit_dicts(real: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """:func:`_hits_by_review`'s first dict, of rows already selected (removal-basis hits)."""
    if real.empty:
        return {}
    by: dict[str, list[dict[str, Any]]] = {}
    same: dict[str, str] = {}  # one str object per distinct value: clauses, URLs, notes repeat on every hit row
    for key, row in zip(_review_keys(real), _records(real)):  # _records = to_dict("records"), from column lists
        by.setdefault(key, []).append({k: same.setdefault(v, v) if type(v) is str else v for k, v in row.items()})
    return by


def _not_run_lists(not_run: pd.DataFrame) -> dict[str, list[str]]:
    """:func:`_hits_by_review`'s second dict, of not-run rows already selected: review key -> the distinct
    ``rule_id`` of its rows in row order, keys in the order they first appear, equal lists one shared list.

    Without a Python step per row: keys and rules factorised, the first row of each (key, rule) pair kept, each
    key's rules encoded as one integer (digits in base ``#rules + 1``, exact in int64), a list made per distinct
    encoding. A key with so many rules that the encoding could overflow, or a missing review id or rule, takes
    the per-row loop (:func:`_not_run_loop`).
    """
    if not_run.empty:
        return {}
    return _not_run_by_key(_review_key_series(not_run), not_run["rule_id"].astype(str))


def _not_run_by_key(keys: pd.Series | np.ndarray, rules: pd.Series) -> dict[str, list[str]]:
    """:func:`_not_run_lists` of the rows' review keys (:func:`_review_key_series`, or those values in an
    object array) and ``rule_id`` (as str), one per row, at least one row."""
    kcodes, kuniq = pd.factorize(keys)
    rcodes, runiq = pd.factorize(rules)
    if (kcodes < 0).any() or (rcodes < 0).any():  # a missing id or rule (astype(str) keeps NaN): as the loop does
        return _not_run_loop(keys.tolist(), rules)
    n_keys, base = len(kuniq), len(runiq) + 1
    _, first = np.unique(kcodes.astype(np.int64) * base + rcodes, return_index=True)
    first.sort()  # the first row of each (key, rule), in row order
    k2 = kcodes[first]
    order = np.argsort(k2, kind="stable")
    ks, rs = k2[order], rcodes[first][order].astype(np.int64)  # grouped by key, each key's rules in row order
    counts = np.bincount(ks, minlength=n_keys)
    if base ** int(counts.max()) >= 2**62:
        return _not_run_loop(keys.tolist(), rules)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    place = np.arange(len(ks)) - np.repeat(starts, counts)
    code = np.add.reduceat((rs + 1) * np.power(base, place, dtype=np.int64), starts)
    _, at, which = np.unique(code, return_index=True, return_inverse=True)
    names = runiq.tolist()
    lists = [[names[r] for r in rs[starts[k] : starts[k] + counts[k]].tolist()] for k in at.tolist()]
    return dict(zip(kuniq.tolist(), [lists[i] for i in which.ravel().tolist()]))


def _not_run_loop(keys: Iterable[str], rules: Iterable[str]) -> dict[str, list[str]]:
    """:func:`_not_run_lists` row by row (the reference; used when a key has very many rules)."""
    nr: dict[str, list[str]] = {}
    for key, rule in zip(keys, rules):
        ids = nr.setdefault(key, [])
        if rule not in ids:
            ids.append(rule)
    # Equal lists become one shared list (read only below): most reviews have the same few checks not run,
    # and a million separate lists of separate strings took ~1.3 GB in the parent and again, page by page as
    # the forked decision workers touched them, in the workers.
    shared: dict[tuple[str, ...], list[str]] = {}
    for key, ids in nr.items():
        nr[key] = shared.setdefault(tuple(ids), ids)
    return nr


def _complaints(matches: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """review key (see :func:`_review_keys`) -> [(topic, evidence)] for complaint matches, in text order."""
    if matches is None or matches.empty:
        return {}
    m = matches
    if "complaint" in m.columns:
        m = m[m["complaint"].astype("boolean").fillna(False).astype(bool)]
    if "negated" in m.columns:
        m = m[~m["negated"].astype("boolean").fillna(False).astype(bool)]
    out: dict[str, list[tuple[str, str]]] = {}
    for key, topic, evidence in zip(_review_keys(m), m["topic"].astype(object), m["evidence"].astype(object)):
        out.setdefault(key, []).append((str(topic), str(evidence)))
    return out


def _spaced(text: str) -> str:
    """``" ".join(text.split())``; a text that is already so (printable, so no whitespace but the space, which
    neither starts nor ends it nor comes twice in a row) as it is, without splitting it.

    >>> [_spaced(t) for t in ("a b", " a\tb ", "a  b", "a\xa0b", "")]
    ['a b', 'a b', 'a b', 'a b', '']
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _native(name: str) -> Any:
    """The function ``name`` of ``reviewtools._storecore`` when the module is built with it and not disabled by
    ``REVIEWTOOLS_PURE_PYTHON`` (read at each call), else None."""
    if os.environ.get("REVIEWTOOLS_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from . import _storecore
    except ImportError:  # pragma: no cover - not compiled here
        return None
    return getattr(_storecore, name, None)


def _native_spaced() -> Callable[[str], str] | None:
    """``reviewtools._storecore.spaced`` (:func:`_spaced` of a str in C: the ASCII ones spaced in one pass, the
    others by ``str.split`` and ``str.join`` themselves) where :func:`_native` gives it, else None."""
    return _native("spaced")


def _quote(s: object, limit: int = 80, spaced: Callable[[str], str] = _spaced) -> str:
    t = spaced(str(s))
    return f"“{t if len(t) <= limit else t[: limit - 1] + '…'}”"


def _hit_phrase(g: Sequence[dict[str, Any]], spaced: Callable[[str], str] = _spaced) -> str:
    """Each rule once (its first hit): ``RULE (clause) on “evidence”``, joined by ``; ``. ``spaced``: :func:`_spaced`
    or what :func:`_native_spaced` gives (the same strings)."""
    parts, seen = [], set()
    for rec in g:
        if rec["rule_id"] in seen:
            continue
        seen.add(rec["rule_id"])
        clause = rec.get("clause")
        parts.append(f"{rec['rule_id']} ({clause}) on {_quote(rec['evidence'], spaced=spaced)}"
                     if isinstance(clause, str) and clause else
                     f"{rec['rule_id']} on {_quote(rec['evidence'], spaced=spaced)}")
    return "; ".join(parts)


def _is_strong(g: Sequence[dict[str, Any]]) -> bool:
    return any(isinstance(h.get("strength"), str) and h["strength"] == "strong" for h in g)


def _priority(frame: pd.DataFrame, as_of: pd.Timestamp | None) -> tuple[Any, Any]:
    """``priority`` (Float64) and ``priority_reason`` (string) arrays, one value per row of ``frame``."""
    inputs = _priority_inputs(frame, as_of)
    n = len(frame)
    score_parts: list[Any] = []
    reason_parts: list[Any] = []
    for start in range(0, n, RECORD_BLOCK):  # a block's values as Python objects at a time, never n of them
        scores, reasons = _priority_rows(inputs, start, min(n, start + RECORD_BLOCK))
        score_parts.append(scores)
        reason_parts.append(reasons)
        del scores, reasons
    return _concat_arrays(score_parts, "Float64"), _concat_arrays(reason_parts, "string")


@dataclass(frozen=True)
class _PriorityInputs:
    """What :func:`_priority_block` reads, per row of the whole frame (the product means and counts, and the
    newest date ``ref``, are of the whole frame): any slice of rows is then scored on its own, the same values
    whatever the cut (each row's score and reason depend only on its own inputs)."""

    rating: pd.Series
    created: pd.Series
    votes: pd.Series
    key: pd.Series
    mean: pd.Series
    count: pd.Series
    ref: Any


def _priority_inputs(frame: pd.DataFrame, as_of: pd.Timestamp | None) -> _PriorityInputs:
    """The whole-frame part of :func:`_priority` (vectorised): parsed columns, product means and counts."""
    rating = pd.to_numeric(frame["rating"], errors="coerce")
    created = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
    ref = as_of if as_of is not None else created.max()
    votes = pd.to_numeric(frame["helpful_votes"], errors="coerce")
    key = _product_keys(frame)
    grp = rating.groupby(key, dropna=True)
    mean = grp.transform("mean")
    count = grp.transform("count")
    return _PriorityInputs(rating, created, votes, key, mean, count, ref)


def _product_keys(frame: pd.DataFrame) -> pd.Series:
    """Each row's product, the groups of priority's product means: ``platform`` (missing: ``?``) + ``\\x1f`` +
    ``product_id`` (missing where the id is), as a float64 code per row (NaN where the id is missing) from the
    two columns' codes, equal exactly where those strings are equal (no platform holds the separator, so a key
    splits one way only), without joining a string per row (at 1M reviews 0.08 of the 0.16 CPU s of
    :func:`_priority_inputs`, serial in the parent, and the groupby hashes numbers then, not strings). Where a
    platform holds the separator, the joined strings themselves. Only ``isna`` and the groups are read of it.

    >>> f = pd.DataFrame({"platform": ["a", None, "a", "?"], "product_id": ["x", "x", None, "x"]}, dtype="string")
    >>> _product_keys(f).tolist()
    [0.0, 1.0, nan, 1.0]
    """
    plat = frame["platform"].astype("string").fillna("?")
    prod = frame["product_id"].astype("string")
    p_codes, p_uniq = pd.factorize(plat)
    if any(not isinstance(u, str) or "\x1f" in u for u in p_uniq.tolist()):
        return plat + "\x1f" + prod
    q_codes, q_uniq = pd.factorize(prod)  # -1 where missing
    codes = p_codes.astype(np.int64) * max(len(q_uniq), 1) + q_codes  # below 2**53: exact as float64
    return pd.Series(np.where(q_codes < 0, np.nan, codes.astype(np.float64)), index=frame.index, copy=False)


def _priority_rows(inputs: _PriorityInputs, start: int, stop: int) -> tuple[Any, Any]:
    """The ``priority`` (Float64) and ``priority_reason`` (string) arrays of rows ``start:stop``."""
    i = inputs
    scores, reasons = _priority_block(*(s.iloc[start:stop] for s in (i.rating, i.created, i.votes, i.key, i.mean,
                                                                      i.count)), i.ref)
    # one Arrow/masked array per block, not n objects
    if isinstance(reasons, pa.Array):  # joined by Arrow (_priority_block): no Python str per row
        if pd.StringDtype().storage == "pyarrow":
            return pd.array(scores, dtype="Float64"), pd.arrays.ArrowStringArray(reasons.cast(pa.large_string()))
        reasons = reasons.to_pylist()
    return pd.array(scores, dtype="Float64"), _string_array(reasons)


def _distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, position of each code's first row) for the distinct values of ``values``: floats keyed on
    their bits (so ``-0.0``/``0.0`` and NaN payloads stay apart), other dtypes on their values, missing ones as
    one code of their own."""
    if values.dtype.kind == "f":
        codes, _ = pd.factorize(values.to_numpy(dtype="float64", na_value=np.nan).view("int64"))
    else:
        codes, uniq = pd.factorize(values, use_na_sentinel=True)
        if (codes < 0).any():
            codes = np.where(codes < 0, len(uniq), codes)
            _, first = np.unique(codes, return_index=True)
            return codes, first
    return codes, _first_seen(codes)


def _distinct_bits(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_distinct` of a float64 numpy array without missing values (keyed on the bits), without a Series.

    >>> [a.tolist() for a in _distinct_bits(np.array([2.0, 3.0, 2.0, -0.0, 0.0]))]
    [[0, 1, 0, 2, 3], [0, 1, 3, 4]]
    """
    codes, _ = pd.factorize(np.ascontiguousarray(values, dtype=np.float64).view("int64"))
    return codes, _first_seen(codes)


def _first_seen(codes: np.ndarray) -> np.ndarray:
    """``np.unique(codes, return_index=True)[1]`` for codes numbered in order of first appearance (``pd.factorize``'s,
    without missing values: 0, 1, 2, ... each first seen after the ones before it), without sorting: a code is seen
    first where it exceeds every code before it.

    >>> _first_seen(np.array([0, 1, 0, 2, 1, 3])).tolist()
    [0, 1, 3, 5]
    """
    if not len(codes):
        return np.zeros(0, dtype=np.intp)
    new = np.empty(len(codes), dtype=bool)
    new[0] = True
    np.greater(codes[1:], np.maximum.accumulate(codes[:-1]), out=new[1:])
    return np.flatnonzero(new)


def _fixed(values: np.ndarray, digits: int, plus: bool = False) -> list[str]:
    """``[f"{x:.{digits}f}" for x in values]`` (``:+.{digits}f`` with ``plus``) for float64 ``values``, mostly
    without a format per value (:func:`_fixed_coded`).

    >>> _fixed(np.array([0.25, -0.04, 2.5, 12.345, float("nan"), -0.0, 0.05]), 1)
    ['0.2', '-0.0', '2.5', '12.3', 'nan', '-0.0', '0.1']
    >>> _fixed(np.array([0.5, 1.5, 2.5, 1e300]), 0)[:3], _fixed(np.array([0.123, -0.0, 0.0]), 2, plus=True)
    (['0', '2', '2'], ['+0.12', '-0.00', '+0.00'])
    """
    texts, at = _fixed_coded(values, digits, plus)
    return [texts[j] for j in at.tolist()]


def _fixed_coded(values: np.ndarray, digits: int, plus: bool = False) -> tuple[list[str], np.ndarray]:
    """``(texts, at)`` with ``texts[at[i]] == f"{values[i]:.{digits}f}"`` (``:+.{digits}f`` with ``plus``), the
    texts distinct, for float64 ``values``, mostly without a format per value: the text of a finite value whose
    ``10**digits`` multiple is below 1e9 in size and not within 1e-6 of a half is the sign and the digits of that
    multiple's nearest integer (``:.Nf`` writes the correctly rounded digits of the value's exact binary; the
    float product errs by far less than 1e-6 there, and without digits it is exact: ``np.rint`` rounds half to
    even as the format does), made once per distinct integer and sign; any other value (NaN, infinite, huge,
    near a half) is formatted by ``format`` itself."""
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    if not n:
        return [], np.zeros(0, dtype=np.int64)
    with np.errstate(invalid="ignore", over="ignore"):
        t = x * (10.0 ** digits)
        ok = np.abs(t) < 1e9  # False for NaN
        if digits:
            ok &= np.abs(t - np.floor(t) - 0.5) > 1e-6
        k = np.where(ok, np.abs(np.rint(t)), 0.0).astype(np.int64)
    code = k * 2 + np.signbit(x)
    # np.unique(code[ok], return_inverse=True) without sorting every value: hash them, sort the distinct ones
    seen, first = pd.factorize(code[ok])
    order = np.argsort(first)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    inv = rank[seen]
    texts = _coded_texts(first[order], digits, plus)
    if ok.all():
        return texts, inv.reshape(-1)
    at = np.empty(n, dtype=np.int64)
    at[ok] = inv.reshape(-1)
    index = {t: j for j, t in enumerate(texts)}
    spec = f"{'+' if plus else ''}.{digits}f"
    bad = np.flatnonzero(~ok)
    for i, v in zip(bad.tolist(), x[bad].tolist()):
        got = format(v, spec)
        j = index.get(got)
        if j is None:
            j = index[got] = len(texts)
            texts.append(got)
        at[i] = j
    return texts, at


#: ``[".0", ..., ".9"]``, ``[".00", ..., ".99"]``, ``[".000", ..., ".999"]`` by digits, made on first use.
_FRACTION_TEXTS: dict[int, list[str]] = {}


def _coded_texts(uniq: np.ndarray, digits: int, plus: bool) -> list[str]:
    """The texts of :func:`_fixed_coded`'s codes ``uniq`` (``2 * k + negative``, ``k`` the ``10**digits`` multiple's
    integer): ``sign + str(k // 10**digits) + "." + the last digits zero-padded`` (``sign + str(k)`` without
    digits), split by numpy rather than a ``divmod`` and a format per code, the fraction part taken from a table
    of its ``10**digits`` texts (made once per process) when that is small.

    >>> _coded_texts(np.array([0, 1, 2, 3, 250, 2001]), 2, False)
    ['0.00', '-0.00', '0.01', '-0.01', '1.25', '-10.00']
    >>> _coded_texts(np.array([0, 1, 7]), 0, True)
    ['+0', '-0', '-3']
    """
    m, neg = np.divmod(uniq, 2)
    if digits:
        scale = 10 ** digits
        whole, part = np.divmod(m, scale)
        if digits <= 3:
            tail = _FRACTION_TEXTS.get(digits)
            if tail is None:
                tail = _FRACTION_TEXTS[digits] = [f".{b:0{digits}d}" for b in range(scale)]
            body = [f"{a}{tail[b]}" for a, b in zip(whole.tolist(), part.tolist())]
        else:
            body = [f"{a}.{b:0{digits}d}" for a, b in zip(whole.tolist(), part.tolist())]
    else:
        body = [str(a) for a in m.tolist()]
    if plus:
        signs = ("+", "-")
        return [signs[g] + t for g, t in zip(neg.tolist(), body)]
    if neg.any():
        return ["-" + t if g else t for g, t in zip(neg.tolist(), body)]
    return body


def _memo_parts(values: pd.Series, fn: Any) -> tuple[np.ndarray, np.ndarray]:
    """``fn(value)`` -> ``(points, reason piece)`` once per distinct value of ``values``, spread back over the
    rows: the float points and an object array of the pieces.

    ``fn`` is the per-row loop's body, fed the first row's own value as ``Series.tolist`` gives it, so the points
    and pieces are the very floats and strings a per-row loop computes; only the repeats are not recomputed.
    """
    pts, codes, why = _memo_coded(values, fn)
    pieces = np.empty(len(why), dtype=object)
    pieces[:] = why
    return pts, pieces[codes]


def _memo_coded(values: pd.Series, fn: Any) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """:func:`_memo_parts` as ``(points per row, code per row, piece per distinct value)``."""
    codes, first = _distinct(values)
    done = [fn(u) for u in values.iloc[first].tolist()]
    pts = np.array([d[0] for d in done], dtype="float64")
    return pts[codes], codes, [d[1] for d in done]


def _rating_part(r: Any) -> tuple[float, str]:
    if r is None or pd.isna(r):
        return 0.0, "rating unknown (+0)"
    p = RATING_POINTS * (MAX_RATING - float(r)) / (MAX_RATING - 1)
    return p, f"rated {int(r)}★ (+{p:.1f})"


def _votes_part(v: Any) -> tuple[float, str]:
    if v is None or pd.isna(v):
        return 0.0, "helpful votes unknown (+0)"
    if not v > 0:
        return 0.0, "no helpful votes (+0)"
    p = HELPFUL_POINTS * min(1.0, math.log1p(float(v)) / math.log1p(HELPFUL_FULL_AT))
    return p, f"{int(v)} helpful votes (+{p:.1f})"


def _days_part(days: Any) -> tuple[float, str]:
    if days is None or pd.isna(days):
        return 0.0, "date unknown (+0)"
    p = RECENCY_POINTS * 0.5 ** (days / RECENCY_HALF_LIFE_DAYS)
    return p, f"{days:.0f} days before the newest review (+{p:.1f})"


def _days_parts(days: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``_memo_parts(days, _days_part)`` for the float64 days of :func:`_days_before` (NaN where unknown): the
    same expressions once per distinct value, as list comprehensions rather than a call per value (the days of
    timestamps with a time of day are nearly all distinct)."""
    pts, at, why = _days_coded(days)
    pieces = np.empty(len(why), dtype=object)
    pieces[:] = why.to_pylist()
    return pts, pieces[at]


def _days_coded(days: pd.Series) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """:func:`_days_parts` as ``(points per row, piece code per row, piece per code)`` (the pieces a large_string
    Arrow array): the points by the scalar expression once per distinct value, the pieces' numbers by
    :func:`_fixed_coded` (of the known days only: an unknown day's piece has no number), each piece joined by
    Arrow once per distinct pair of texts."""
    codes, first = _distinct(days)
    u_arr = days.to_numpy(dtype=np.float64, na_value=np.nan)[first]
    pts = _decay_points(u_arr)
    known = u_arr == u_arr
    d_at = np.zeros(len(u_arr), dtype=np.int64)
    p_at = np.zeros(len(u_arr), dtype=np.int64)
    d_txt, d_at[known] = _fixed_coded(u_arr[known], 0)
    p_txt, p_at[known] = _fixed_coded(pts[known], 1)
    # one code per distinct (days text, points text), unknown days one code of their own (-1 for both texts)
    pair_key = np.where(known, d_at * (len(p_txt) + 1) + p_at, -1)
    pair, pair_first = _distinct(pd.Series(pair_key, copy=False))
    fk = known[pair_first]

    def text(got: list[str], at: np.ndarray) -> pa.Array:
        return pa.array(got, type=pa.large_string()).take(pa.array(at[pair_first]))

    def lit(v: str) -> pa.Scalar:
        return pa.scalar(v, type=pa.large_string())

    why = pc.binary_join_element_wise(text(d_txt or [""], d_at), lit(" days before the newest review (+"),
                                      text(p_txt or [""], p_at), lit(")"), lit(""))
    if not fk.all():
        why = pc.if_else(pa.array(fk), why, lit("date unknown (+0)"))
    return pts[codes], pair[codes], why


def _decay_points(days: np.ndarray) -> np.ndarray:
    """``[0.0 if d != d else RECENCY_POINTS * 0.5 ** (d / RECENCY_HALF_LIFE_DAYS) for d in days]`` as float64 for
    float64 ``days``: by ``_storecore.decay`` where :func:`_native` gives it (the same IEEE division, libm ``pow``
    and product as Python's float expression, in C: ~0.15 us a day less; the days of a block are nearly all
    distinct), else (or where it declines: a power that overflows, which Python raises for) by that expression.

    >>> _decay_points(np.array([0.0, 30.0, np.nan, 45.5])).tolist() == [20.0, 10.0, 0.0, 20.0 * 0.5 ** (45.5 / 30.0)]
    True
    """
    x = np.ascontiguousarray(days, dtype=np.float64)
    decay = _native("decay")
    if decay is not None and len(x):
        out = np.empty(len(x), dtype=np.float64)
        if decay(x, 0.5, float(RECENCY_HALF_LIFE_DAYS), float(RECENCY_POINTS), out):
            return out
    return np.array([0.0 if d != d else RECENCY_POINTS * 0.5 ** (d / RECENCY_HALF_LIFE_DAYS) for d in x.tolist()],
                    dtype="float64")


def _round1(x: float, digits: str) -> float:
    """``round(x, 1)``, given ``digits == f"{x:.1f}"``: CPython rounds to ``ndigits`` by writing the correctly
    rounded decimal digits (``_Py_dg_dtoa`` mode 3, as ``:.1f`` does) and reading them back
    (``_Py_dg_strtod``, as ``float()`` does), so for a finite ``x`` of a priority's size this is ``float(digits)``
    (a string already made for the reason), a third of the time; anything else goes to ``round``."""
    return float(digits) if -1e15 < x < 1e15 else round(x, 1)


#: Ticks of a timedelta per second, by numpy/pandas resolution.
_TICKS_PER_SECOND: Final[dict[str, int]] = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def _ticks_before(created: pd.Series, ref: Any) -> tuple[np.ndarray, np.ndarray, str] | None:
    """``(ref - created)``'s ticks (any value where ``created`` is missing), where ``created`` is known and the
    ticks' unit, for a time-zone aware column and a time-zone aware Timestamp of the column's resolution or a
    coarser one (the difference's unit is then the column's), by one numpy subtraction of their UTC ticks (what
    pandas subtracts, without its Series arithmetic: ~1 ms a block of 8,000 rows); None for anything else or
    where a difference would not fit in int64 ticks (pandas then raises, or not, as before).

    >>> c = pd.Series(pd.to_datetime(["2024-01-01", None], utc=True)).astype("datetime64[ns, UTC]")
    >>> ticks, known, unit = _ticks_before(c, pd.Timestamp("2024-01-02", tz="UTC").as_unit("s"))
    >>> int(ticks[0]), known.tolist(), unit
    (86400000000000, [True, False], 'ns')
    >>> _ticks_before(c.astype("datetime64[s, UTC]"), pd.Timestamp("2024-01-02", tz="UTC").as_unit("ms")) is None
    True
    """
    dtype = created.dtype
    if not (isinstance(dtype, pd.DatetimeTZDtype) and isinstance(ref, pd.Timestamp) and ref.tz is not None
            and _TICKS_PER_SECOND.get(ref.unit, 10**10) <= _TICKS_PER_SECOND.get(dtype.unit, 0)):
        return None
    try:
        at = ref.as_unit(dtype.unit).asm8
        r = np.int64(at.view("int64"))
    except (OverflowError, ValueError):
        return None
    if np.datetime_data(at.dtype)[0] != dtype.unit:
        return None
    c = np.asarray(created.array.asi8)
    nat = np.iinfo(np.int64).min
    known = c != nat
    ticks = r - c  # wraps where it overflows: found below
    if (known & ((((r ^ c) & (r ^ ticks)) < 0) | (ticks == nat))).any():
        return None
    return ticks, known, dtype.unit


def _days_before(created: pd.Series, ref: Any) -> pd.Series:
    """``max(0.0, (ref - c).total_seconds() / 86400)`` per row (float64; NaN where the date or ``ref`` is
    missing), the values the scalar expression gives."""
    out = np.full(len(created), np.nan)
    if pd.isna(ref):
        return pd.Series(out, copy=False)
    fast = _ticks_before(created, ref)
    if fast is not None:
        ticks, known, unit = fast
        per_second = _TICKS_PER_SECOND[unit]
    else:
        try:
            delta = (ref - created).to_numpy()  # timedelta64[unit], NaT where created is missing
        except OverflowError:  # a span beyond int64 ticks: the scalar expression row by row, which fails (or not) alike
            for i, c in enumerate(created.tolist()):
                if pd.notna(c):
                    out[i] = max(0.0, (ref - c).total_seconds() / 86400)
            return pd.Series(out, copy=False)
        ticks = delta.view("int64")
        known = ~np.isnat(delta)
        per_second = _TICKS_PER_SECOND[np.datetime_data(delta.dtype)[0]]
    # Timedelta.total_seconds() is the correctly rounded ticks / per_second (Python's int true division; a float64
    # division of the converted ticks differs by an ulp beyond 2**53 ticks), then the same float operations
    # a whole number of seconds below 2**53 is exact in float64 (its true division by per_second is that number);
    # the other ticks (sub-second, or huge) are divided by Python
    t_known = ticks[known]
    whole, frac = np.divmod(t_known, per_second)
    seconds = whole.astype(np.float64)
    odd = np.flatnonzero((frac != 0) | (np.abs(whole) >= 2**53))
    if len(odd):
        seconds[odd] = [t / per_second for t in t_known[odd].tolist()]
    out[known] = np.maximum(0.0, seconds / 86400)
    return pd.Series(out, copy=False)


#: Whether :func:`_priority_block` writes the reasons by one Arrow take of per-process text tables
#: (:func:`_priority_taken`) rather than by pieces made per block and Arrow joins (:func:`_priority_joined`).
PRIORITY_ONE_TAKE: Final[bool] = True


def _priority_block(rating: pd.Series, created: pd.Series, votes: pd.Series, key: pd.Series, mean: pd.Series,
                    count: pd.Series, ref: Any) -> tuple[np.ndarray, Any]:
    """:func:`_priority`'s scores and reasons of one block of rows (the product means and counts and ``ref``
    computed over the whole frame): by :func:`_priority_taken` (see :data:`PRIORITY_ONE_TAKE`), else
    :func:`_priority_joined`; the same floats and strings.

    >>> s, why = _priority_block(pd.Series([1.0]), pd.Series(pd.to_datetime(["2024-01-01"], utc=True)),
    ...     pd.Series([0]), pd.Series(["amazon\\x1fA"]), pd.Series([1.0]), pd.Series([1]),
    ...     pd.Timestamp("2024-01-31", tz="UTC"))
    >>> float(s[0]), why[0].as_py()
    (50.0, '50.0 = rated 1★ (+40.0), 30 days before the newest review (+10.0), no helpful votes (+0), only review of its product, drag not computed (+0)')
    """
    if PRIORITY_ONE_TAKE:
        return _priority_taken(rating, created, votes, key, mean, count, ref)
    return _priority_joined(rating, created, votes, key, mean, count, ref)


def _priority_joined(rating: pd.Series, created: pd.Series, votes: pd.Series, key: pd.Series, mean: pd.Series,
                     count: pd.Series, ref: Any) -> tuple[np.ndarray, Any]:
    """:func:`_priority_block` by pieces made per block and joined by Arrow.

    Each part's points and reason piece are computed once per distinct input value with the scalar Python
    expressions (``**``, :func:`math.log1p`, ``round`` and ``:.1f`` behave as in a per-row loop, which numpy's
    vectorised versions do not promise); only the sum over the parts, in the same order, is vectorised (a part
    that does not apply adds ``0.0``, which leaves any sum other than ``-0.0`` unchanged, and the sum starts at
    ``+0.0``).

    >>> s, why = _priority_joined(pd.Series([1.0]), pd.Series(pd.to_datetime(["2024-01-01"], utc=True)),
    ...     pd.Series([0]), pd.Series(["amazon\\x1fA"]), pd.Series([1.0]), pd.Series([1]),
    ...     pd.Timestamp("2024-01-31", tz="UTC"))
    >>> float(s[0]), why[0].as_py()
    (50.0, '50.0 = rated 1★ (+40.0), 30 days before the newest review (+10.0), no helpful votes (+0), only review of its product, drag not computed (+0)')
    """
    def lit(v: str) -> pa.Scalar:
        return pa.scalar(v, type=pa.large_string())

    n = len(rating)
    rating, created, votes = rating.reset_index(drop=True), created.reset_index(drop=True), votes.reset_index(drop=True)
    key, mean, count = key.reset_index(drop=True), mean.reset_index(drop=True), count.reset_index(drop=True)
    r_pts, rt_codes, r_why = _memo_coded(rating, _rating_part)
    days = _days_before(created, ref)
    d_pts, d_codes, d_why = _days_coded(days)
    v_pts, v_codes, v_why = _memo_coded(votes, _votes_part)

    # the product drag: one computation per distinct (mean, rating, count); its pieces by code: 0 product unknown,
    # 1 only review, 2 + the distinct combination's
    g_pts = np.zeros(n)
    g_codes = np.zeros(n, dtype=np.int64)
    g_why = ["product unknown, drag not computed (+0)", "only review of its product, drag not computed (+0)"]
    # the three columns as float64 (NaN where missing): the ratings and counts are whole numbers, so equal values
    # have equal bits and their distinct values (by bits) are the pandas values' (the groups below are the same)
    m_all = mean.to_numpy(dtype=np.float64, na_value=np.nan)
    r_all = rating.to_numpy(dtype=np.float64, na_value=np.nan)
    c_all = count.to_numpy(dtype=np.float64, na_value=np.nan)
    unknown = key.isna().to_numpy(dtype=bool) | np.isnan(r_all) | np.isnan(m_all)
    alone = ~unknown & (c_all < 2)  # NaN < 2 is False: na_value=False
    g_codes[alone] = 1
    rows = np.flatnonzero(~unknown & ~alone)
    if len(rows):
        sub_m, sub_r, sub_c = m_all[rows], r_all[rows], c_all[rows]
        m_codes, m_first = _distinct_bits(sub_m)
        r_codes, r_first = _distinct_bits(sub_r)
        c_codes, c_first = _distinct_bits(sub_c)
        combo = (m_codes.astype("int64") * len(r_first) + r_codes) * len(c_first) + c_codes
        t_codes, _ = pd.factorize(combo)
        t_first = _first_seen(t_codes)
        # per combination, the per-row expressions elementwise (IEEE operations, the same in numpy):
        # drag = (float(m) - float(r)) / (float(cnt) - 1); p = DRAG_POINTS * min(1.0, max(0.0, drag) / DRAG_FULL_AT)
        # (max(0.0, d) is d only when d > 0.0, min(1.0, q) q only when q < 1.0: np.where keeps those choices)
        m_u = sub_m[t_first]
        r_u = sub_r[t_first]
        c_u = sub_c[t_first].astype(np.int64)
        drag = (m_u - r_u) / (c_u.astype(np.float64) - 1)
        q = np.where(drag > 0.0, drag, 0.0) / DRAG_FULL_AT
        pts_u = DRAG_POINTS * np.where(q < 1.0, q, 1.0)
        g_pts[rows] = pts_u[t_codes]
        g_codes[rows] = 2 + t_codes
        # "{verb} its product's average ({m:.2f}★ over {int(cnt)} reviews) by {abs(drag):.3f}★ (+{p:.1f})"
        texts = []
        for vals, digits in ((m_u, 2), (np.abs(drag), 3), (pts_u, 1)):
            got, at = _fixed_coded(vals, digits)
            texts.append(pa.array(got, type=pa.large_string()).take(pa.array(at)))
        c_txt, c_at = np.unique(c_u, return_inverse=True)
        verbs = pa.array(["lifts", "pulls"], type=pa.large_string()).take(pa.array((drag > 0).astype(np.int64)))
        g_why = pa.concat_arrays([pa.array(g_why, type=pa.large_string()), pc.binary_join_element_wise(
            verbs, lit(" its product's average ("), texts[0], lit("★ over "),
            pa.array([str(c) for c in c_txt.tolist()], type=pa.large_string()).take(pa.array(c_at.reshape(-1))),
            lit(" reviews) by "), texts[1], lit("★ (+"), texts[2], lit(")"), lit(""))])

    pts = 0.0 + r_pts
    pts += d_pts
    pts += v_pts
    pts += g_pts
    # round() and :.1f once per distinct sum, keyed on its bits (so -0.0 and NaN payloads stay apart)
    codes, uniq = pd.factorize(pts.view("int64"))
    uvals = uniq.view("float64")
    ones, one_at = _fixed_coded(uvals, 1)
    # round(x, 1) is these digits read back (see _round1): once per text, round() itself where _round1 calls it
    rounded = np.array([float(t) for t in ones], dtype="float64")[one_at]
    with np.errstate(invalid="ignore"):
        odd = np.flatnonzero(~((uvals > -1e15) & (uvals < 1e15)))
    for i, x in zip(odd.tolist(), uvals[odd].tolist()):
        rounded[i] = round(x, 1)
    scores = rounded[codes]
    # each row's reason "{sum:.1f} = {rating}, {days}, {votes}, {drag}" joined by Arrow from the pieces' codes
    parts = [(pieces if isinstance(pieces, pa.Array) else pa.array(pieces, type=pa.large_string())).take(pa.array(at))
             for pieces, at in (([t + " = " for t in ones], one_at[codes]), (r_why, rt_codes), (d_why, d_codes),
                                (v_why, v_codes), (g_why, g_codes))]
    head = pc.binary_join_element_wise(parts[0], parts[1], lit(""))
    return scores, pc.binary_join_element_wise(head, *parts[2:], lit(", "))


#: The pieces of a priority reason that :func:`_priority_taken` takes from tables by a value's number ``k`` (its
#: ``10**digits`` multiple's nearest integer, as in :func:`_fixed_coded`), per table ``(digits, prefixes, suffix)``:
#: entry ``j`` is ``prefixes[j % len(prefixes)] + text(j // len(prefixes)) + suffix``, ``text(k)`` what
#: :func:`_coded_texts` writes for ``k`` (``k`` at 1 digit: ``f"{k // 10}.{k % 10}"``).
_REASON_TABLES: Final[tuple[tuple[int, tuple[str, ...], str], ...]] = (
    (1, ("",), " = "),  # 0: the sum, before its parts
    (0, ("",), ""),  # 1: the days before the newest review
    (1, (" days before the newest review (+",), "), "),  # 2: the recency points
    (2, ("lifts its product's average (", "pulls its product's average ("), "★ over "),  # 3: the product's mean
    (3, ("",), "★ (+"),  # 4: the drag's size
    (1, ("",), ")"),  # 5: the drag points
)

#: The pieces of a priority reason that are not a value's (see :func:`_priority_taken`).
_REASON_FIXED: Final[tuple[str, ...]] = ("", "date unknown (+0), ", "product unknown, drag not computed (+0)",
                                         "only review of its product, drag not computed (+0)")

#: The numbers a reason table covers, ``0 .. _REASON_TABLE_CAP - 1`` at most (a larger value's piece is made alone);
#: the product counts' table too.
_REASON_TABLE_CAP: Final[int] = 1 << 18

#: How many other pieces (the rating's, the votes', values outside the tables) :func:`_reason_texts` keeps beside
#: the tables before it starts them over from one block's.
_REASON_MISC_CAP: Final[int] = 1 << 12


@dataclass(frozen=True)
class _ReasonTexts:
    """The priority reasons' pieces of a process, in one Arrow array (:func:`_reason_texts`): the tables of
    :data:`_REASON_TABLES` one after another (table ``t`` at ``base[t]``, its numbers ``0 .. sizes[t] - 1``), then
    the product counts' pieces ``f"{c} reviews) by "`` of the counts seen (``count_at[c]`` places count ``c``
    there, -1: not held), then the other pieces (``misc``: piece -> position). Never changed once made."""

    texts: pa.Array
    tables: tuple[pa.Array, ...]
    sizes: tuple[int, ...]
    base: tuple[int, ...]
    counts: pa.Array
    count_at: np.ndarray
    count_base: int
    misc: Mapping[str, int]


#: This process's :class:`_ReasonTexts` (replaced, never changed, when it grows).
_REASON_TEXTS: _ReasonTexts | None = None


def _reason_texts(need: Sequence[int], counts: np.ndarray, pieces: Iterable[str]) -> _ReasonTexts:
    """This process's :class:`_ReasonTexts`, grown where a table covers fewer than ``need[t]`` numbers (to twice
    its size at least, up to :data:`_REASON_TABLE_CAP`), product ``counts`` (non-negative, below the cap) or
    ``pieces`` are not held yet (the other pieces made again from this block's alone when more than
    :data:`_REASON_MISC_CAP` would be held).

    >>> r = _reason_texts([3, 0, 0, 2, 0, 0], np.array([12]), ["x"])
    >>> t = r.texts.to_pylist()
    >>> t[r.base[0] + 2], t[r.base[3] + 2 * 1 + 1], t[r.count_base + r.count_at[12]], t[r.misc["x"]]
    ('0.2 = ', "pulls its product's average (0.01★ over ", '12 reviews) by ', 'x')
    """
    global _REASON_TEXTS
    cur = _REASON_TEXTS
    if cur is None:
        empty = pa.array([], type=pa.large_string())
        cur = _ReasonTexts(empty, (empty,) * len(_REASON_TABLES), (0,) * len(_REASON_TABLES),
                           (0,) * len(_REASON_TABLES), empty, np.zeros(0, dtype=np.int64), 0, {})
    wanted = list(dict.fromkeys(pieces))
    new = [p for p in wanted if p not in cur.misc]
    held = cur.count_at[np.minimum(counts, len(cur.count_at) - 1)] >= 0 if len(cur.count_at) else False
    fresh = np.unique(counts[~(held & (counts < len(cur.count_at)))])
    if (not new and not len(fresh) and _REASON_TEXTS is not None
            and all(a <= b for a, b in zip(need, cur.sizes))):
        return cur
    tables, sizes = list(cur.tables), list(cur.sizes)
    for t, (digits, prefixes, suffix) in enumerate(_REASON_TABLES):
        if need[t] > sizes[t]:
            size = min(_REASON_TABLE_CAP, max(need[t], 2 * sizes[t], 64))
            body = _coded_texts(2 * np.arange(sizes[t], size, dtype=np.int64), digits, False)
            fresh_t = [p + b + suffix for b in body for p in prefixes]
            tables[t] = pa.concat_arrays([tables[t], pa.array(fresh_t, type=pa.large_string())])
            sizes[t] = size
    count_texts, count_at = cur.counts, cur.count_at
    if len(fresh):
        count_at = np.full(max(len(count_at), int(fresh[-1]) + 1), -1, dtype=np.int64)
        count_at[: len(cur.count_at)] = cur.count_at
        count_at[fresh] = np.arange(len(count_texts), len(count_texts) + len(fresh))
        count_texts = pa.concat_arrays([count_texts, pa.array([f"{c} reviews) by " for c in fresh.tolist()],
                                                              type=pa.large_string())])
    misc = list(cur.misc) + new if len(cur.misc) + len(new) <= _REASON_MISC_CAP else wanted
    base = np.concatenate([[0], np.cumsum([len(a) for a in (*tables, count_texts)])]).tolist()
    texts = pa.concat_arrays([*tables, count_texts, pa.array(misc, type=pa.large_string())])
    out = _ReasonTexts(texts, tuple(tables), tuple(sizes), tuple(base[: len(tables)]), count_texts, count_at,
                       base[len(tables)], {p: base[-1] + i for i, p in enumerate(misc)})
    _REASON_TEXTS = out
    return out


def _prio_fixed(x: np.ndarray, digits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(k, ok, negative)`` of float64 ``x`` as :func:`_fixed_coded` finds them: where ``ok``, ``f"{x:.{digits}f}"``
    is ``"-" * negative + text(k)`` (:func:`_coded_texts`); elsewhere only ``format`` gives it (``k`` is 0 there).

    >>> [a.tolist() for a in _prio_fixed(np.array([1.25, 0.25001, -0.04, np.nan, 3e9]), 1)]
    [[0, 3, 0, 0, 0], [False, True, True, False, False], [False, False, True, False, False]]
    """
    with np.errstate(invalid="ignore", over="ignore"):
        t = x * (10.0 ** digits)
        ok = np.abs(t) < 1e9  # False for NaN
        if digits:
            ok &= np.abs(t - np.floor(t) - 0.5) > 1e-6
        k = np.where(ok, np.abs(np.rint(t)), 0.0).astype(np.int64)
    return k, ok, np.signbit(x)


def _small_int_codes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``np.unique(x, return_inverse=True)``'s ``(codes, uniques)`` for int64 ``x`` whose values span at most
    ``4 * len(x) + 1024`` numbers, by marking them in an array of that span (no sort, no hash); else None.

    >>> [a.tolist() for a in _small_int_codes(np.array([5, 3, 5, 9]))]
    [[1, 0, 1, 2], [3, 5, 9]]
    >>> _small_int_codes(np.array([0, 10**9])) is None
    True
    """
    if not len(x):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    lo, hi = int(x.min()), int(x.max())
    if hi - lo > 4 * len(x) + 1024:
        return None
    at = x - lo  # no overflow: the span is small
    seen = np.zeros(hi - lo + 1, dtype=bool)
    seen[at] = True
    rank = np.cumsum(seen) - 1
    return rank[at], np.flatnonzero(seen) + lo


def _memo_small(values: pd.Series, fn: Any) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """:func:`_memo_coded` (``fn`` once per distinct value: points per row, code per row, piece per code), for
    integer values (``Int64``/``int64``) within a small span by :func:`_small_int_codes` rather than a pandas
    factorize; ``fn`` gets what ``Series.tolist`` gives (a Python int, ``pd.NA`` where missing). Anything else:
    :func:`_memo_coded`.

    >>> pts, codes, why = _memo_small(pd.Series([5, None, 1, 5], dtype="Int64"), _rating_part)
    >>> pts.tolist(), [why[c] for c in codes]
    ([0.0, 0.0, 40.0, 0.0], ['rated 5★ (+0.0)', 'rating unknown (+0)', 'rated 1★ (+40.0)', 'rated 5★ (+0.0)'])
    """
    if not (isinstance(values.dtype, pd.Int64Dtype) or values.dtype == np.dtype(np.int64)):
        return _memo_coded(values, fn)
    na = values.isna().to_numpy(dtype=bool)
    x = values.to_numpy(dtype=np.int64, na_value=0)
    has_na = bool(na.any())
    got = _small_int_codes(x[~na] if has_na else x)
    if got is None:
        return _memo_coded(values, fn)
    sub, uniq = got
    done = [fn(u) for u in uniq.tolist()] + ([fn(pd.NA)] if has_na else [])
    if has_na:
        codes = np.full(len(x), len(uniq), dtype=np.intp)
        codes[~na] = sub
    else:
        codes = sub
    pts = np.array([d[0] for d in done], dtype="float64")
    return pts[codes], codes, [d[1] for d in done]


def _priority_taken(rating: pd.Series, created: pd.Series, votes: pd.Series, key: pd.Series, mean: pd.Series,
                    count: pd.Series, ref: Any) -> tuple[np.ndarray, pa.Array]:
    """:func:`_priority_block` with each row's reason taken, piece by piece, from this process's
    :class:`_ReasonTexts` by one Arrow take: nine pieces a row (the sum's ``"S = "``, the rating's, the days', the
    recency points', the votes', and the drag's four: verb and mean, count, size, points), whose bytes, taken in
    row order, are the reasons one after another (every ninth offset is a row's). A number's piece comes from its
    table where the value's fixed-point text is the table's (non-negative, not near a half, below the cap; a
    product count from the counts seen), else it is written by ``format`` as a piece of its own (held in
    ``misc`` like the rating's and the votes' pieces, made once per distinct value). The points are the same
    expressions per row as :func:`_priority_joined` computes per distinct value (IEEE operations elementwise,
    the same floats), the score ``round(sum, 1)`` is ``k / 10`` (the float that ``float(f"{sum:.1f}")`` reads
    back, see :func:`_round1`).
    """
    n = len(rating)
    r_pts, r_codes, r_why = _memo_small(rating, _rating_part)
    v_pts, v_codes, v_why = _memo_small(votes, _votes_part)
    days = _days_before(created, ref).to_numpy(dtype=np.float64)
    d_pts = _decay_points(days)
    # the product drag (see _priority_joined), per row of the rows it applies to
    m_all = mean.to_numpy(dtype=np.float64, na_value=np.nan)
    r_all = rating.to_numpy(dtype=np.float64, na_value=np.nan)
    c_all = count.to_numpy(dtype=np.float64, na_value=np.nan)
    unknown = key.isna().to_numpy(dtype=bool) | np.isnan(r_all) | np.isnan(m_all)
    alone = ~unknown & (c_all < 2)  # NaN < 2 is False
    rows = np.flatnonzero(~unknown & ~alone)
    sub_m = m_all[rows]
    c_u = c_all[rows].astype(np.int64)
    drag = (sub_m - r_all[rows]) / (c_u.astype(np.float64) - 1)
    q = np.where(drag > 0.0, drag, 0.0) / DRAG_FULL_AT
    g_sub = DRAG_POINTS * np.where(q < 1.0, q, 1.0)
    g_pts = np.zeros(n)
    g_pts[rows] = g_sub
    pts = 0.0 + r_pts
    pts += d_pts
    pts += v_pts
    pts += g_pts

    # each table's pieces: (table, rows (None: all), k, ok, negative, the value, how it is written alone)
    known = np.flatnonzero(days == days)
    pull = (drag > 0).astype(np.int64)
    verbs = ("lifts its product's average (", "pulls its product's average (")
    numbered = [
        (0, None, *_prio_fixed(pts, 1), pts, lambda i, x: format(x, ".1f") + " = "),
        (1, known, *_prio_fixed(days[known], 0), days[known], lambda i, x: format(x, ".0f")),
        (2, known, *_prio_fixed(d_pts[known], 1), d_pts[known],
         lambda i, x: " days before the newest review (+" + format(x, ".1f") + "), "),
        (3, rows, *_prio_fixed(sub_m, 2), sub_m, lambda i, x: verbs[pull[i]] + format(x, ".2f") + "★ over "),
        (4, rows, *_prio_fixed(np.abs(drag), 3), np.abs(drag), lambda i, x: format(x, ".3f") + "★ (+"),
        (5, rows, *_prio_fixed(g_sub, 1), g_sub, lambda i, x: format(x, ".1f") + ")"),
    ]
    need = [0] * len(_REASON_TABLES)
    alone: list[tuple[np.ndarray, list[str]]] = []
    for t, at, k, ok, neg, x, write in numbered:
        good = ok & ~neg & (k < _REASON_TABLE_CAP)
        if good.any():
            need[t] = int(k[good].max()) + 1
        bad = np.flatnonzero(~good)
        alone.append((bad, [write(i, v) for i, v in zip(bad.tolist(), x[bad].tolist())]))
    c_good = (c_u >= 0) & (c_u < _REASON_TABLE_CAP)
    c_bad = np.flatnonzero(~c_good)
    c_alone = [f"{c} reviews) by " for c in c_u[c_bad].tolist()]
    r_pieces = [w + ", " for w in r_why]
    v_pieces = [w + ", " for w in v_why]
    texts = _reason_texts(need, c_u[c_good],
                          itertools.chain(_REASON_FIXED, r_pieces, v_pieces, c_alone, *(a[1] for a in alone)))
    misc, base = texts.misc, texts.base

    slots = np.empty((n, 9), dtype=np.int64)
    empty = misc[""]
    slots[:, 1] = np.array([misc[p] for p in r_pieces], dtype=np.int64)[r_codes]
    slots[:, 4] = np.array([misc[p] for p in v_pieces], dtype=np.int64)[v_codes]
    slots[:, 2] = empty
    slots[:, 3] = misc["date unknown (+0), "]
    slots[:, 5] = np.where(unknown, misc["product unknown, drag not computed (+0)"],
                           misc["only review of its product, drag not computed (+0)"])
    slots[:, 6:] = empty
    for (t, at, k, _ok, _neg, _x, _w), (bad, pieces) in zip(numbered, alone):
        got = base[t] + (2 * k + pull if t == 3 else k)
        if len(bad):
            got[bad] = [misc[p] for p in pieces]
        column = (0, 2, 3, 5, 7, 8)[t]
        if at is None:
            slots[:, column] = got
        else:
            slots[at, column] = got
    got = np.empty(len(rows), dtype=np.int64)
    got[c_good] = texts.count_base + texts.count_at[c_u[c_good]]
    got[c_bad] = np.array([misc[p] for p in c_alone], dtype=np.int64)
    slots[rows, 6] = got

    # round(sum, 1): k / 10 with the sign where the text is k's (see _round1), else as _round1 and round do
    k_s, ok_s, neg_s = numbered[0][2], numbered[0][3], numbered[0][4]
    scores = k_s / 10.0
    np.negative(scores, out=scores, where=neg_s)
    odd = np.flatnonzero(~ok_s)
    for i, x in zip(odd.tolist(), pts[odd].tolist()):
        scores[i] = float(format(x, ".1f")) if -1e15 < x < 1e15 else round(x, 1)

    if not n:
        return scores, pa.array([], type=pa.large_string())
    taken = texts.texts.take(pa.array(slots.reshape(-1)))
    _, offsets, data = taken.buffers()
    ends = np.frombuffer(offsets, dtype=np.int64, count=len(taken) + 1, offset=8 * taken.offset)[::9]
    return scores, pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(np.ascontiguousarray(ends)), data])


def recommend(
    frame: pd.DataFrame,
    hits: pd.DataFrame | None,
    topic_matches: pd.DataFrame | None,
    settings: ReplySettings | None = None,
    *,
    as_of: pd.Timestamp | None = None,
    stages_not_run: Sequence[str] = (),
    processes: int = 1,
) -> pd.DataFrame:
    """Decide the action and write the draft for every review, from stage outputs already computed.

    ``frame`` is the canonical frame (with ``sentiment_label``/``sentiment_score`` when sentiment ran);
    ``hits`` is the long frame of :func:`reviewtools.rules.check_reviews`; ``topic_matches`` the long frame of
    :func:`reviewtools.topics.find_topics`. Returns a copy with :data:`TRIAGE_COLUMNS` added.
    The decision table is in the module docstring.

    ``processes`` > 1 decides blocks of rows in worker processes (``fork`` only; elsewhere serially), each
    block as if it were the whole page (its draft phrasings unused by its own earlier rows), then one serial
    pass in row order re-phrases the few drafts a row of an earlier block already used, exactly as one loop
    over all rows would. The result is the same whatever the number.
    """
    settings = settings or ReplySettings()
    out = coerce(frame)
    n = len(out)
    procs = max(1, int(processes))
    forking = procs > 1 and n >= 2 * procs * DECISION_MIN_BLOCK and POOL_START_METHOD == "fork"
    # priority's whole-frame part (for the workers, which score their own rows: its serial pass in the parent cost
    # ~3 CPU s at 1M reviews; its inputs and results sit beside the workers, ~0.15 GB at 1M) in a thread beside
    # the decision state and block index: those are mostly Arrow kernels that release the GIL, and the second
    # core is idle until the pool forks (see PRIORITY_INPUTS_BESIDE)
    early = concurrent.futures.ThreadPoolExecutor(1) if forking and PRIORITY_INPUTS_BESIDE else None
    try:
        pri_inputs = early.submit(_priority_inputs, out, as_of) if early is not None else None
        if early is not None and WARM_DRAFTING:  # after it, in the same thread: inherited by the workers
            early.submit(_warm_drafting, out, settings)
        has_sent = "sentiment_label" in out.columns and "sentiment" not in stages_not_run
        existing = frozenset(_normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
        recs = out[[c for c in DECISION_COLUMNS if c in out.columns]]
        state = _decision_state(settings, hits, topic_matches, has_sent, tuple(stages_not_run), existing)
        if forking:
            size = min(-(-n // (procs * CHUNKS_PER_PROCESS)), DECISION_MAX_BLOCK)
            bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
            index = _block_index(recs, state, bounds)  # each block's long rows, found once (not per block)
            pri = pri_inputs.result() if pri_inputs is not None else _priority_inputs(out, as_of)
            del pri_inputs
    finally:
        if early is not None:
            early.shutdown(wait=True)  # an error above: the thread's work ends before it propagates
    if forking:
        if index is not None:
            state = replace(state, blocks=index)
        del index
        _trim_memory()  # what the grouping above freed is not inherited by the workers
        folder = _shared_folder()  # where the workers leave their blocks' string columns (None: pickled back)
        _FORKED["decisions"] = (recs, state, pri)  # inherited by the forked workers, never pickled
        _FORKED["shared"] = folder
        # The parent's objects into the collector's permanent generation while the workers run: a collection
        # in a forked worker otherwise writes to the header of every object it inherited, turning the pages
        # it shares with the parent into private copies (Python docs, gc.freeze).
        gc.freeze()
        decoding: concurrent.futures.Future[None] | None = None
        try:
            with concurrent.futures.ThreadPoolExecutor(1) as beside, \
                    multiprocessing.get_context("fork").Pool(procs) as pool:
                # the workers are forked: the held frames are decoded beside them (see DECODE_BESIDE_POOL)
                if DECODE_BESIDE_POOL:
                    decoding = beside.submit(_decode_held, (hits, topic_matches))
                # in row order, each block as it arrives: only a few blocks of rows are Python objects at once
                cols = _assemble(pool.imap(_decide_task, bounds, chunksize=1), recs, settings, existing, state.lints)
        finally:
            gc.unfreeze()
            _FORKED.pop("decisions", None)
            _FORKED.pop("shared", None)
            if folder is not None:  # the files of blocks not read (an error) go; those read are unlinked already
                shutil.rmtree(folder, ignore_errors=True)
        del pri
        if decoding is not None:
            decoding.result()  # done by now (the executor waited for it); its error, if any, raised here
    else:
        cols = _assemble([_decide_block(recs, state)], recs, settings, existing, state.lints)
    del state, recs
    _decode_held((hits, topic_matches))  # run_triage's long frames, before priority adds its arrays (if not yet)
    # the blocks' rows and pickles are freed, but pyarrow's pool and glibc's heap keep their memory: hand it back
    # before priority adds its arrays (else both sit in the peak)
    _trim_memory()
    if "priority" not in cols:  # serial: after the decision loop, its arrays and temporaries not held beside it
        cols["priority"], cols["priority_reason"] = _priority(out, as_of)
    for c in TRIAGE_COLUMNS:
        out[c] = cols.pop(c)
    _trim_memory()
    return out


#: Whether :func:`recommend` works out priority's whole-frame part (:func:`_priority_inputs`) in a thread while it
#: makes the decision state and block index (serial before its pool forks, one core idle): at 1M reviews
#: ~0.2 s of that wall (the three ~1.5 s in a row).
PRIORITY_INPUTS_BESIDE: Final[bool] = True


#: Whether :func:`recommend` lints a few drafts (:func:`_warm_drafting`) before its decision pool forks, in the
#: thread of :data:`PRIORITY_INPUTS_BESIDE`: the per-process set-up of the draft lint and quoting (the lint rules'
#: literal scanner, their split plans and regexes, the topics' complaint matchers: ~0.1-0.3 CPU s of a cold
#: process) is then made once and inherited by every worker, instead of in each worker's first block and again
#: in the parent's first re-phrasing.
WARM_DRAFTING: Final[bool] = True

#: The drafts :func:`_warm_drafting` lints (a reply message as drafted, one with a quote, a link, a number and
#: a name) and the phrase it quotes for each topic.
_WARM_DRAFTS: Final[tuple[str, ...]] = (
    "Hello,\n\nThank you for telling us about your experience with your order; we're sorry it fell short. Please "
    "reach out by replying to this message and our team will look into it straight away. We appreciate you taking "
    "the time to tell us.\n\n— Customer care team",
    "Hi Sam Lee,\n\nWe're sorry to read “the zipper broke after two weeks”. Please contact us at "
    "www.example.com or call 555-0100 about order 123-4567890-1234567 for a refund or a free replacement.\n\n"
    "— Customer care team",
)
_WARM_QUOTE: Final[str] = "it broke and arrived two weeks late"
#: At most this many platforms of the frame get the warm-up's drafts.
_WARM_PLATFORMS: Final[int] = 8


def _warm_drafting(frame: pd.DataFrame, settings: ReplySettings) -> None:
    """Lint :data:`_WARM_DRAFTS` for each platform of ``frame`` (as :func:`_draft_lint` names it) and quote
    :data:`_WARM_QUOTE` for each topic (:func:`reviewtools.respond.problem_quote`), for their caches' sake only
    (memos of pure functions: nothing decided depends on them); any error is ignored (the workers then set up
    as before)."""
    try:
        from . import respond, topics

        uniq = pd.unique(frame["platform"]).tolist() if "platform" in frame.columns else []
        names = sorted({p if isinstance(p, str) and p else "other" for p in uniq}) or ["other"]
        for platform in names[:_WARM_PLATFORMS]:
            for text in _WARM_DRAFTS:
                lint_draft(text, platform, region=settings.region)
        for topic in [c.rule.id for c in topics._compiled()]:
            respond.problem_quote(_WARM_QUOTE, topic)
    except Exception as exc:  # pragma: no cover - a warm-up only
        log.debug("drafting warm-up skipped: %s", exc)


#: The columns of :data:`TRIAGE_COLUMNS` that the decision loop writes (the priority ones come from _priority).
_DECIDED_COLUMNS: Final[tuple[str, ...]] = tuple(c for c in TRIAGE_COLUMNS if c not in ("priority", "priority_reason"))


#: The columns :func:`_priority` writes, and their dtypes.
_PRIORITY_DTYPES: Final[dict[str, str]] = {"priority": "Float64", "priority_reason": "string"}

#: The values of a row that drafting reads (:func:`_unique_draft`, :func:`reviewtools.respond._draft_context`):
#: a fresh draft carries them to :func:`_assemble`, which may re-phrase it.
_DRAFT_FIELDS: Final[tuple[str, ...]] = ("review_id", "platform", "author", "product_title")

#: What :func:`_assemble` inserts into ``action_reason`` when a draft's lint blocks it.
_BLOCKED_NOTE: Final[str] = " The draft needs editing before use (see draft_lint)."


@dataclass(frozen=True)
class _PackedBlock:
    """A decided block as a decision worker sends it back (:func:`_pack`): the decided columns as Arrow-backed
    string arrays, ``action_reason`` written with the block's own lint, and for each row with a fresh reply
    draft, in row order, ``(row in block, normalised draft, True, head, tail, reply kind, draft topic, problem,
    who, variant)`` (only a fresh draft can need re-phrasing in :func:`_assemble`, and the others' drafts are on
    its page by then; ``who`` is the row's values of :data:`_DRAFT_FIELDS`, all that re-phrasing reads of the row;
    ``variant`` the phrasing variant the block's search stopped at, where re-phrasing starts); a pool task adds
    the rows' ``priority`` and ``priority_reason`` to ``columns``. The
    parent then turns only those rows into Python objects, not every value of every row (at 1M reviews those
    objects, coming and going between long-lived ones, left ~0.2 GB of Python's small-object arenas pinned)."""

    columns: dict[str, Any]
    redo: list[tuple[Any, ...]]
    n: int
    #: ``(path, names)`` when a pool task left the string columns ``names`` in an Arrow IPC file at ``path``
    #: (:func:`_to_shared`) instead of in ``columns``; :func:`_from_shared` maps them back.
    shared: tuple[str, tuple[str, ...]] | None = None


#: Whether :func:`recommend`'s decision workers hand their blocks' string columns (reasons, drafts, priority
#: reasons: ~0.6 GB at 1M reviews) to the parent as Arrow IPC files in shared memory (:data:`SHARED_ROOT`), which
#: the parent maps without a copy (:func:`_from_shared`), rather than pickled through the pool's pipe (copied
#: into the pickle, through the pipe, into the parent's read buffers and out of them again: ~1.7 CPU s of the
#: parent's result thread at 1M, beside the workers).
DECISIONS_SHARED_MEMORY: Final[bool] = True
#: Where those files go: a memory-backed file system (a folder of its own per :func:`recommend`, removed after).
SHARED_ROOT: Final[str] = "/dev/shm"


def _shared_folder() -> str | None:
    """A new folder under :data:`SHARED_ROOT` for the decision workers' blocks, or None (pickle them back) when
    :data:`DECISIONS_SHARED_MEMORY` is off or there is no such file system."""
    if not DECISIONS_SHARED_MEMORY or not os.path.isdir(SHARED_ROOT):
        return None
    try:
        return tempfile.mkdtemp(prefix="reviewtools-decisions-", dir=SHARED_ROOT)
    except OSError:
        return None


def _to_shared(packed: _PackedBlock, folder: str, name: str) -> _PackedBlock:
    """``packed`` with its Arrow-backed string columns written to the Arrow IPC file ``folder/name`` (one copy)
    and left out of ``columns`` (what stays is pickled back: the redo rows, other columns)."""
    names = tuple(c for c, a in packed.columns.items() if isinstance(a, pd.arrays.ArrowStringArray))
    if not names:
        return packed
    table = pa.table({c: packed.columns[c]._pa_array for c in names})
    path = os.path.join(folder, name)
    try:
        with pa.OSFile(path, "wb") as sink, pa_ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    except OSError as exc:  # a full memory file system (a container's 64 MB /dev/shm): pickle this block back
        with contextlib.suppress(OSError):
            os.unlink(path)
        log.debug("decision block not written to %s (%s); pickled back instead", path, exc)
        return packed
    rest = {c: a for c, a in packed.columns.items() if c not in names}
    return replace(packed, columns=rest, shared=(path, names))


def _from_shared(packed: _PackedBlock) -> _PackedBlock:
    """``packed`` with the columns :func:`_to_shared` wrote back in ``columns`` (in their order), read from the
    memory-mapped file without a copy; the file is unlinked at once (its memory lives while the arrays do)."""
    if packed.shared is None:
        return packed
    path, names = packed.shared
    try:
        source = pa.memory_map(path)
        table = pa_ipc.open_file(source).read_all()
        source.close()  # the arrays keep the mapping
    finally:
        os.unlink(path)
    got = {c: pd.arrays.ArrowStringArray(table.column(c)) for c in names}
    rest = packed.columns
    return replace(packed, columns={**got, **rest}, shared=None)


def _pack(rows: list[tuple[Any, ...]]) -> _PackedBlock:
    """:class:`_PackedBlock` of :func:`_decide_block`'s rows."""
    if not rows:
        return _PackedBlock({c: pd.array([], dtype="string") for c in _DECIDED_COLUMNS}, [], 0)
    # the rows' fields as columns (one tuple each), in _decide_block's order
    action, head, tail, draft, kind, where, lint, blocked, topic, rule_ids, clause, evidence, nr, redos = zip(*rows)
    reason = [h + _BLOCKED_NOTE + t if b else h + t for h, t, b in zip(head, tail, blocked)]
    cols = {"action": action, "action_reason": reason, "draft": draft, "draft_kind": kind, "draft_where": where,
            "draft_lint": lint, "reply_topic": topic, "rule_ids": rule_ids, "clause": clause, "evidence": evidence,
            "checks_not_run": nr}
    redo: list[tuple[Any, ...]] = []
    for j, r in enumerate(redos):
        # only fresh drafts: a draft that was not fresh is already on _assemble's page when it gets there (the
        # block's existing replies are, and each earlier fresh draft of the block is, as drafted or re-phrased
        # because it was), so its row would only add what the page holds
        if r is not None and r[1]:
            norm, fresh, rkind, dtopic, problem, who, variant = r
            redo.append((j, norm, True, head[j], tail[j], rkind, dtopic, problem, who, variant))
    return _PackedBlock({c: _string_array(cols.pop(c), c not in _BUILT_STR) for c in _DECIDED_COLUMNS}, redo,
                        len(rows))


#: The columns of :func:`_pack` whose every value :func:`_decide_rows` builds as a str itself (literals,
#: f-strings, ``str()`` and joins; the reason head + tail): :func:`_string_array` need not check their types. The
#: draft, its lint and the reply topic come from respond's functions and are checked.
_BUILT_STR: Final[frozenset[str]] = frozenset({"action", "action_reason", "draft_kind", "draft_where", "rule_ids",
                                               "clause", "evidence", "checks_not_run"})


def _string_array(values: Sequence[Any], check: bool = True) -> Any:
    """``pd.array(list(values), dtype="string")``: for Python strs with pandas' pyarrow string storage, built by
    ``pyarrow.array`` directly (a quarter of the time; the same ``large_string`` array); anything else (a value
    that is not a str, another storage) through ``pd.array`` itself. ``check=False``: the caller knows every value
    is a str, so their types are not checked first (a third of the time); a value pyarrow will not take as a
    string still goes through ``pd.array``.

    >>> _string_array(("a", "")).tolist(), _string_array(["a", 1], check=False).tolist()
    (['a', ''], ['a', '1'])
    """
    if pd.StringDtype().storage == "pyarrow" and (not check or not len(values) or set(map(type, values)) == {str}):
        # from a list: pyarrow converts some tuples of strs much slower than the same list (a tuple made from a
        # list of 3 repeated strs x 2,667: 3.5 vs 0.18 ms); _pack's columns are zip's tuples, where the gain is small
        # (0.42 -> 0.25 ms for the 8,000 reason heads of a block, none for most columns)
        try:
            return pd.arrays.ArrowStringArray(pa.array(values if type(values) is list else list(values),
                                                       type=pa.large_string()))
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            if check:
                raise
    return pd.array(list(values), dtype="string")


def _assemble(blocks: Iterable[list[tuple[Any, ...]] | _PackedBlock], recs: pd.DataFrame, settings: ReplySettings,
              existing: frozenset[str], lints: dict[tuple[Any, ...], tuple[str, bool]] | None = None
              ) -> dict[str, Any]:
    """:func:`recommend`'s serial pass over the decided blocks (:func:`_decide_block`'s rows or their
    :func:`_pack`), in row order: re-phrase the drafts an earlier block already used, then write the columns.
    Each block's values are Arrow-backed string arrays (a million rows of reasons and drafts as Python strings
    take gigabytes); only rows whose draft is re-phrased are patched (in Arrow). ``recs`` is not read: a fresh
    draft comes with the row values re-phrasing needs. When every block brings its rows' ``priority`` and
    ``priority_reason`` (:func:`_decide_task`), they are joined too. ``lints``: :func:`_draft_lint`'s results of
    this triage with these settings by :func:`_lint_key` (:attr:`_DecisionState.lints`), used and added to."""
    parts: dict[str, list[Any]] = {c: [] for c in _DECIDED_COLUMNS}
    scored: dict[str, list[Any]] = {c: [] for c in _PRIORITY_DTYPES}
    n_blocks = 0
    previous = set(existing)
    memo = _DraftMemo(settings)  # one for every block: their drafts share names, products, quotes, phrasings
    for block in blocks:
        packed = _from_shared(block) if isinstance(block, _PackedBlock) else _pack(block)
        del block
        patches: dict[int, tuple[str, str, str]] = {}
        for item in packed.redo:
            j, norm, fresh = item[0], item[1], item[2]
            if fresh and norm in previous:  # a row of an earlier block already has this draft: re-phrase
                head, tail, rkind, dtopic, problem, who, variant = item[3:]
                rec = dict(zip(_DRAFT_FIELDS, who))  # the row's values as recs' records give them
                # learning without keeping the entries' drafts: this memo lives beside the workers (keeping them
                # held 193 entries' drafts, 5 MB of text, at 100k); an entry whose drafts are all on the page
                # skips its six variants (0.56 -> 0.39 CPU s of this pass at 300k). The search starts after the
                # variant the block's worker stopped at: the drafts of the variants before it were on the
                # worker's page, which this page holds (the block's existing replies, and each earlier row's
                # draft of the block: as drafted, or re-phrased here because this page had it already), and
                # that variant's draft (``norm``) is on this page too (so skips 7.2k of 10.5k drafts composed
                # on the 150k slice)
                draft = _unique_text(rec, rkind, dtopic, problem, settings, previous, memo, keep=False,
                                     start=variant + 1)
                norm = _normalise(draft)
                on_page = norm in previous
                lkey = _lint_key(draft, rec, on_page, settings) if lints is not None else None
                got = lints.get(lkey) if lkey is not None else None
                if got is None:
                    got = _draft_lint(draft, rec, on_page, settings)
                    if lkey is not None and len(lints) < _LINTS_SIZE:
                        lints[lkey] = got
                lint, blocked = got
                patches[j] = (draft, lint, head + (_BLOCKED_NOTE if blocked else "") + tail)
            previous.add(norm)
        cols = dict(packed.columns)
        if patches:
            at = sorted(patches)
            mask = np.zeros(packed.n, dtype=bool)
            mask[at] = True
            for c, k in (("draft", 0), ("draft_lint", 1), ("action_reason", 2)):
                cols[c] = _patched(cols[c], mask, [patches[j][k] for j in at])
        for c in _DECIDED_COLUMNS:
            parts[c].append(cols[c])
        for c, got in scored.items():
            if c in cols:
                got.append(cols[c])
        n_blocks += 1
        del packed, cols
    # each column's blocks let go as soon as it is one array (not all columns twice at the end)
    out = {c: _concat_arrays(parts.pop(c), "string") for c in _DECIDED_COLUMNS}
    if n_blocks and all(len(got) == n_blocks for got in scored.values()):
        out.update((c, _concat_arrays(scored.pop(c), dtype)) for c, dtype in _PRIORITY_DTYPES.items())
    return out


def _patched(values: Any, mask: np.ndarray, new: list[str]) -> Any:
    """A string array (``pd.array(..., dtype="string")``) with the values where ``mask`` holds replaced by
    ``new``, in order: what ``vals = list(values); vals[j] = ...; pd.array(vals, dtype="string")`` gives,
    without a Python object per row (Arrow's ``replace_with_mask`` when the array is Arrow-backed).

    >>> list(_patched(pd.array(["a", None, "c"], dtype="string"), np.array([True, False, True]), ["x", "z"]))
    ['x', <NA>, 'z']
    """
    if isinstance(values, pd.arrays.ArrowStringArray):
        arr = pa.array(values)  # the array's own buffers (one chunk), its own Arrow type
        fresh = pa.array(new, type=arr.type)
        if PATCH_CHANGED_ONLY and _unchanged(arr, mask, fresh):
            # no value changes (a re-phrased draft's reason mostly keeps its words: at 1M reviews none of 29k did):
            # the array as it is, not a copy
            return values
        return pd.arrays.ArrowStringArray(pc.replace_with_mask(arr, pa.array(mask), fresh))
    vals = list(values)
    for j, v in zip(np.flatnonzero(mask).tolist(), new):
        vals[j] = v
    return pd.array(vals, dtype="string")


#: Whether :func:`_patched` returns an array none of whose values change as it is (not a copy): at 1M reviews the
#: parent patches the draft, lint and reason columns of ~125 blocks of 8,000 rows (~235 rows each), and no block's
#: reasons changed (Arrow's ``replace_with_mask`` copies the whole array).
PATCH_CHANGED_ONLY: Final[bool] = True


def _unchanged(arr: Any, mask: np.ndarray, fresh: Any) -> bool:
    """Whether each row ``mask`` selects in ``arr`` (a ``large_string`` Arrow array) has, in order, ``fresh``'s value
    for it (the same Arrow type, one per selected row) already: the same UTF-8 bytes, neither missing. False when
    either array has missing values or the counts differ. The byte lengths first (the offsets), then the bytes row
    by row from the arrays' own buffers (no strs made), stopping at the first that differs.

    >>> a = pa.array(["ab", "c", "d"], type=pa.large_string())
    >>> [_unchanged(a, np.array([True, False, True]), pa.array(v, type=pa.large_string())) for v in (["ab", "d"],
    ...                                                                                             ["ab", "x"])]
    [True, False]
    """
    n = len(arr)
    if (arr.type != pa.large_string() or fresh.type != arr.type or arr.null_count or fresh.null_count
            or len(mask) != n):
        return False
    at = np.flatnonzero(mask)
    if len(at) != len(fresh):
        return False
    _, obuf, data = arr.buffers()
    _, fbuf, fdata = fresh.buffers()
    off = np.frombuffer(obuf, dtype=np.int64, count=n + 1, offset=arr.offset * 8)
    foff = np.frombuffer(fbuf, dtype=np.int64, count=len(fresh) + 1, offset=fresh.offset * 8)
    start = off[at]
    size = off[at + 1] - start
    if not np.array_equal(size, np.diff(foff)):
        return False
    was = memoryview(data if data is not None else b"")
    now = memoryview(fdata if fdata is not None else b"")
    return all(was[i : i + m].tobytes() == now[j : j + m].tobytes()
               for i, j, m in zip(start.tolist(), foff.tolist(), size.tolist()))


def _concat_arrays(arrays: Sequence[Any], dtype: str) -> Any:
    """One pandas array of ``dtype`` from arrays of it, in order (an empty one when there are none)."""
    if not arrays:
        return pd.array([], dtype=dtype)
    if len(arrays) == 1:
        return arrays[0]
    first = arrays[0]
    kind = type(first)
    if isinstance(first, pd.api.extensions.ExtensionArray) and all(
            type(a) is kind and a.dtype == first.dtype for a in arrays):
        # what pd.concat of Series of one extension dtype ends in (concat_compat: the dtype's _concat_same_type),
        # without a Series and an index per block (~10 ms a column of 125 blocks at 1M reviews, in the parent)
        return kind._concat_same_type(arrays)
    return pd.concat([pd.Series(a, copy=False) for a in arrays], ignore_index=True).array


@dataclass(frozen=True)
class _DecisionState:
    """What deciding one row needs besides the row: settings, and the long frames with the positions of the
    rows the decisions read and their review keys (:func:`_review_key_series`, Arrow strings). Nothing is
    grouped up front: each block groups only its own reviews' rows (:meth:`grouped`), so neither the parent nor
    the forked workers hold a dict entry per review (at 1M reviews, one not-run row each, those dicts and their
    lists were copied page by page into every worker as its lookups touched them), and the rows are not copied
    (positions into the frames the triage returns anyway)."""

    settings: ReplySettings
    hits: _Encoded  # the long frames, possibly with dictionary-encoded columns (decoded when rows are taken)
    hit_rows: np.ndarray  # positions in ``hits`` of removal-basis hit rows
    hit_keys: pa.Array  # their review keys (pyarrow strings, made once: not per block in every worker)
    not_run_rows: np.ndarray  # positions in ``hits`` of not-run rows
    not_run_keys: pa.Array
    matches: _Encoded
    match_rows: np.ndarray  # positions in ``matches`` of complaint rows that are not negated
    match_keys: pa.Array
    has_sent: bool
    stages_not_run: tuple[str, ...]
    existing: frozenset[str]
    #: per block of rows (of :func:`recommend`'s cut), which rows of the long frames its reviews own
    #: (:func:`_block_index`); None: a block picks its rows by its keys (``is_in`` over every long row)
    blocks: _BlockIndex | None = None
    #: what :func:`_draft_lint` gave, by what it depends on (:func:`_lint_key`): the triage's drafts repeat (at
    #: 150k reviews 18k lints of 1.3k distinct keys); one per triage (a worker fills its own forked copy)
    lints: dict[tuple[Any, ...], tuple[str, bool]] = field(default_factory=dict, compare=False, repr=False)

    def grouped(self, keys: Iterable[str] | None) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]],
                                                           dict[str, list[tuple[str, str]]]]:
        """:func:`_hits_by_review`'s two dicts and :func:`_complaints`' dict, restricted to ``keys`` (rows of
        other reviews left out; the rows of these reviews in the same order, so the same entries); all reviews'
        with ``keys=None``."""
        if keys is not None:
            return self._grouped_block(pa.array(list(dict.fromkeys(keys)), type=pa.string()))
        # the rows taken (decoded: as the stages gave them) are those _hits_by_review and _complaints would select
        # (the same masks, see _decision_state)
        by_hit = _hit_dicts(self.hits.take(self.hit_rows))
        nr_cols = [c for c in ("review_id", "platform", "rule_id") if c in self.hits.frame.columns]
        not_run = _not_run_lists(self.hits.take(self.not_run_rows, nr_cols))
        return by_hit, not_run, _complaints(self.matches.take(self.match_rows))

    def _grouped_block(self, wanted: pa.Array) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]],
                                                          dict[str, list[tuple[str, str]]]]:
        """:meth:`grouped` of the reviews whose keys are ``wanted`` (a block's): the rows picked by the keys the
        state made once (not keyed again per block), not filtered again (the state's positions are the rows the
        whole grouping keeps), the hit rows' records as they come (not interned: a block's dicts are freed
        with it). A row whose key is missing is never wanted (``is_in`` matches no null here)."""

        def pick(fkeys: pa.Array) -> np.ndarray:
            if not len(fkeys):
                return np.zeros(0, dtype=np.int64)
            return np.flatnonzero(pc.is_in(fkeys, value_set=wanted).to_numpy(zero_copy_only=False))

        return self._grouped_picked(pick(self.hit_keys), pick(self.not_run_keys), pick(self.match_keys))

    def grouped_block(self, start: int, n: int | None = None, split: bool = False
                      ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]] | _BlockRows,
                                 dict[str, list[tuple[str, str]]]]:
        """:meth:`grouped` of the reviews of the block starting at row ``start`` of :attr:`blocks`' cut, from
        the rows :func:`_block_index` found they own: no pass over every long row per block. The hit dicts hold
        the columns of :data:`_HIT_FIELDS` only (all that deciding reads). ``n`` (the block's row count): the
        not-run checks as a :class:`_BlockRows` (per row, from the rows' owners) instead of a dict by key, when
        the index knows the owners (else the dict). ``split`` (with ``n``): the hits of the rows that own exactly
        one removal-basis hit with a rule id and evidence (:meth:`_one_hits`) come as the :class:`_BlockRows`'
        ``one`` (Arrow columns), not as dicts: the hit dicts hold the other rows' hits only."""
        b = self.blocks
        if b is None:
            raise TriageError("internal: grouped_block without a block index")
        k = b.block_of[start]
        hit_cols = [c for c in self.hits.frame.columns if c in _HIT_FIELDS]
        picked = [order[starts[k] : starts[k + 1]] for order, starts in b.kinds]
        rows = None
        if n is not None and len(b.owners) == len(b.kinds):
            own = [o[starts[k] : starts[k + 1]] for o, (_, starts) in zip(b.owners, b.kinds)]
            rows = self._block_rows(picked[1], own[1], start, n)
        if rows is None:
            return self._grouped_picked(*picked, hit_cols=hit_cols)
        special = np.zeros(n, dtype=bool)  # the rows owning a removal-basis hit or a complaint
        special[own[0] - start] = True
        special[own[2] - start] = True
        hit_at = picked[0]
        one = self._one_hits(hit_at, own[0] - start, own[2] - start, n, hit_cols) if split else None
        if one is not None:
            keep = np.ones(len(hit_at), dtype=bool)
            keep[one.picked] = False
            hit_at = hit_at[keep]
        rows = replace(rows, special=special, one=one)
        by_hit, _, complaints = self._grouped_picked(hit_at, picked[1][:0], picked[2], hit_cols=hit_cols)
        return by_hit, rows, complaints

    def _one_hits(self, hit_at: np.ndarray, owner: np.ndarray, comp_owner: np.ndarray, n: int, hit_cols: list[str]
                  ) -> _OneHits | None:
        """The :class:`_OneHits` of a block's hit rows ``hit_at`` (ascending positions in ``hit_rows``) owned by its
        rows ``owner`` (block rows), its complaint rows owned by ``comp_owner``: the rows owning exactly one hit
        whose rule id and evidence are present. None when there is none, or the hit frame lacks ``rule_id``,
        ``clause`` or ``evidence`` or holds one of those, ``strength`` or ``category`` as other than Arrow strings
        (every hit then a dict, as before)."""
        if not len(hit_at):
            return None
        count = np.bincount(owner, minlength=n)
        single = np.flatnonzero(count[owner] == 1)
        if not len(single):
            return None
        pos = self.hit_rows[hit_at[single]]
        cols: dict[str, pa.Array | None] = {}
        for name in ("rule_id", "clause", "evidence", "strength", "category"):
            if name not in hit_cols:
                if name in ("rule_id", "clause", "evidence"):
                    return None
                cols[name] = None
                continue
            got = _hit_strings(self.hits, name, pos)
            if got is None:
                return None
            cols[name] = got
        rule, evidence = cols["rule_id"], cols["evidence"]
        ok = pc.and_(pc.is_valid(rule), pc.is_valid(evidence)).to_numpy(zero_copy_only=False)
        if not ok.all():
            single = single[ok]
            if not len(single):
                return None
            keep = pa.array(ok)
            cols = {k: None if v is None else v.filter(keep) for k, v in cols.items()}
        rows = owner[single].astype(np.int64)
        order = np.argsort(rows, kind="stable")  # in the block's row order
        if not (order[1:] > order[:-1]).all():
            take = pa.array(order)
            rows, single = rows[order], single[order]
            cols = {k: None if v is None else v.take(take) for k, v in cols.items()}
        strength = cols["strength"]
        strong = (np.zeros(len(rows), dtype=bool) if strength is None else
                  pc.fill_null(pc.equal(strength, "strong"), False).to_numpy(zero_copy_only=False))
        has_comp = np.zeros(n, dtype=bool)
        has_comp[comp_owner] = True
        return _OneHits(rows, single, hit_at[single], cols["rule_id"], cols["clause"], cols["evidence"], strong,
                        cols["category"], has_comp[rows], hit_cols)

    def one_hit_dicts(self, one: _OneHits) -> dict[str, list[dict[str, Any]]]:
        """The hit dicts of ``one``'s rows (what :meth:`grouped_block` leaves out of its dict when it splits)."""
        empty = np.zeros(0, dtype=np.int64)
        return self._grouped_picked(np.sort(one.at), empty, empty, hit_cols=one.hit_cols)[0]

    def _block_rows(self, nr_at: np.ndarray, owner: np.ndarray, start: int, n: int) -> _BlockRows | None:
        """The not-run checks of the block of ``n`` rows at ``start`` per row (:class:`_BlockRows`), from its
        not-run rows ``nr_at`` (ascending positions in ``not_run_rows``) and their owners (rows of the cut): the
        lists the dict of :meth:`_grouped_picked` holds under each row's key. None when a rule is missing or a
        row has too many (the dict's own fallbacks)."""
        codes = np.full(n, -1, dtype=np.int64)
        if not len(nr_at):
            return _BlockRows(codes, [], np.zeros(n, dtype=bool))
        pos = self.not_run_rows[nr_at]
        taken = _taken_codes(self.hits, "rule_id", pos)
        if taken is not None:
            cats, rcodes = taken
            rcodes = rcodes.astype(np.int64)
            if (rcodes < 0).any():
                return None
            names = cats.to_pylist()
        else:
            rcodes, uniq = pd.factorize(_take_span(self.hits, pos, ["rule_id"])["rule_id"].astype(str))
            if (rcodes < 0).any():
                return None
            rcodes = rcodes.astype(np.int64)
            names = uniq.tolist()
        got = _rule_lists(owner.astype(np.int64) - start, rcodes, names)
        if got is None:
            return None
        rows, which, lists = got
        codes[rows] = which
        return _BlockRows(codes, lists, np.zeros(n, dtype=bool))

    def _grouped_picked(self, hit_at: np.ndarray, nr_at: np.ndarray, match_at: np.ndarray,
                        hit_cols: list[str] | None = None) -> tuple[dict[str, list[dict[str, Any]]],
                                                                   dict[str, list[str]],
                                                                   dict[str, list[tuple[str, str]]]]:
        """The three dicts of the rows at ``hit_at``, ``nr_at`` and ``match_at`` (ascending positions in
        ``hit_rows``/``hit_keys``, ``not_run_rows``/``not_run_keys`` and ``match_rows``/``match_keys``); the hit
        rows' dicts hold ``hit_cols`` (default: every column)."""
        by_hit: dict[str, list[dict[str, Any]]] = {}
        if len(hit_at):
            keys = self.hit_keys.take(pa.array(hit_at)).to_pylist()
            names = list(self.hits.frame.columns) if hit_cols is None else list(hit_cols)
            pos = self.hit_rows[hit_at]
            cols = [_taken_values(self.hits, name, pos) for name in names]
            for key, values in zip(keys, zip(*cols)):
                by_hit.setdefault(key, []).append(dict(zip(names, values)))
        not_run: dict[str, list[str]] = {}
        if len(nr_at):
            keys = self.not_run_keys.take(pa.array(nr_at)).to_pylist()
            pos = self.not_run_rows[nr_at]
            strs = _taken_strs(self.hits, "rule_id", pos)
            rules = (_take_span(self.hits, pos, ["rule_id"])["rule_id"].astype(str) if strs is None
                     else pd.Series(strs, dtype=object))
            not_run = _not_run_by_key(np.array(keys, dtype=object), rules)
        complaints: dict[str, list[tuple[str, str]]] = {}
        if len(match_at):
            keys = self.match_keys.take(pa.array(match_at)).to_pylist()
            pos = self.match_rows[match_at]
            topics = _taken_strs(self.matches, "topic", pos)
            evidences = _taken_strs(self.matches, "evidence", pos)
            if topics is None or evidences is None:
                m = _take_span(self.matches, pos, ["topic", "evidence"])
                topics = [str(v) for v in m["topic"].astype(object)]
                evidences = [str(v) for v in m["evidence"].astype(object)]
            for key, topic, evidence in zip(keys, topics, evidences):
                complaints.setdefault(key, []).append((topic, evidence))
        return by_hit, not_run, complaints


@dataclass(frozen=True)
class _OneHits:
    """The rows of a decision block that own exactly one removal-basis hit with a rule id and evidence
    (:meth:`_DecisionState.grouped_block` with ``split``), as columns: ``rows``, their block rows (ascending);
    ``picked`` their places in the block's hit rows and ``at`` their positions in the state's ``hit_rows``
    (:meth:`_DecisionState.one_hit_dicts`); the hit's ``rule_id``, ``clause``, ``evidence`` and ``category``
    (``large_string``; missing values null; ``category`` None when the hit frame has no such column); ``strong``,
    whether its strength is ``strong``; ``complained``, whether the row also owns a complaint; ``hit_cols``, the
    columns the hit dicts would hold."""

    rows: np.ndarray
    picked: np.ndarray
    at: np.ndarray
    rule_id: pa.Array
    clause: pa.Array
    evidence: pa.Array
    strong: np.ndarray
    category: pa.Array | None
    complained: np.ndarray
    hit_cols: list[str]


def _hit_strings(enc: _Encoded, name: str, pos: np.ndarray) -> pa.Array | None:
    """Column ``name``'s values at the ascending positions ``pos`` (at least one) as one ``large_string`` array,
    missing values null (what :func:`_taken_values` gives as None), when the column is Arrow strings, held as
    :func:`_category` encoded them or not; else None."""
    taken = _taken_codes(enc, name, pos)
    if taken is not None:
        cats, codes = taken
        return pc.take(cats, pa.array(codes, mask=codes < 0)).cast(pa.large_string())
    if name in enc.dtypes or name not in enc.frame.columns or not _arrow_strings(enc.frame[name].dtype):
        return None
    lo, hi = int(pos[0]), int(pos[-1]) + 1
    return _one_array(enc.frame[name].array._pa_array.slice(lo, hi - lo).take(pa.array(pos - lo)))


@dataclass(frozen=True)
class _BlockRows:
    """A decision block's not-run checks per row (:meth:`_DecisionState.grouped_block` with ``n``), in place of
    the dict by review key: row ``j``'s checks are ``lists[codes[j]]`` (none where ``codes[j]`` is -1; equal lists
    one list, as the dict shares them), and ``special[j]`` whether the row has a removal-basis hit or a complaint
    (its key is in those dicts)."""

    codes: np.ndarray
    lists: list[list[str]]
    special: np.ndarray
    #: the rows of one hit whose hit is not in the hit dicts (:meth:`_DecisionState.grouped_block` with ``split``)
    one: _OneHits | None = None

    def at(self, rows: np.ndarray) -> _BlockRows:
        """The same for the block's rows ``rows`` (in that order)."""
        return _BlockRows(self.codes[rows], self.lists, self.special[rows])

    def per_row(self) -> list[list[str]]:
        """Each row's list (an empty list where it has none)."""
        lists = [*self.lists, []]  # code -1: the last
        return [lists[c] for c in self.codes.tolist()]

    def as_dict(self, recs: pd.DataFrame) -> dict[str, list[str]]:
        """The dict by review key (``platform + sep + id``, as :func:`_decide_rows` looks it up) of ``recs``, the
        block's rows."""
        rids = [str(v) for v in _column_values(recs["review_id"])]
        plats = _column_values(recs["platform"]) if "platform" in recs.columns else [None] * len(rids)
        return {str(p or "other") + _KEY_SEP + r: self.lists[c]
                for p, r, c in zip(plats, rids, self.codes.tolist()) if c >= 0}


def _rule_lists(keys: np.ndarray, rules: np.ndarray, names: list[str]
                ) -> tuple[np.ndarray, np.ndarray, list[list[str]]] | None:
    """:func:`_not_run_by_key` on integer codes: rows' keys ``keys`` (ints >= 0) and rules ``rules`` (codes into
    ``names``), in row order. Returns the distinct keys (ascending), for each the index of its list, and the
    lists (each key's distinct rules in row order; equal lists one list). None when a key has so many rules that
    the encoding could overflow."""
    base = len(names) + 1
    _, first = np.unique(keys * base + rules, return_index=True)
    first.sort()  # the first row of each (key, rule), in row order
    k2 = keys[first]
    order = np.argsort(k2, kind="stable")
    ks, rs = k2[order], rules[first][order]  # grouped by key, each key's rules in row order
    ukeys, starts, counts = np.unique(ks, return_index=True, return_counts=True)
    if base ** int(counts.max()) >= 2**62:
        return None
    place = np.arange(len(ks)) - np.repeat(starts, counts)
    code = np.add.reduceat((rs + 1) * np.power(base, place, dtype=np.int64), starts)
    _, at, which = np.unique(code, return_index=True, return_inverse=True)
    lists = [[names[r] for r in rs[starts[k] : starts[k] + counts[k]].tolist()] for k in at.tolist()]
    return ukeys, which.ravel(), lists


def _taken_values(enc: _Encoded, name: str, pos: np.ndarray) -> list[Any]:
    """Column ``name``'s values at the ascending positions ``pos`` as :func:`_records` of ``_take_span(enc, pos)``
    gives them (:func:`_column_values`: ``pd.NA`` as None). A column :func:`_category` encoded from Arrow strings
    is read from its codes (one Arrow ``take`` of its categories, then ``to_pylist``: str, and None where
    missing), without the frame's ``take``, the decode to an Arrow string column and pandas' ``tolist``."""
    taken = _taken_codes(enc, name, pos)
    if taken is not None:
        cats, codes = taken
        return _code_values(cats, codes)
    return _column_values(_take_span(enc, pos, [name])[name])


def _code_values(cats: pa.Array, codes: np.ndarray) -> list[Any]:
    """``pc.take(cats, pa.array(codes, mask=codes < 0)).to_pylist()`` (-1: None): where the categories are no more
    than the codes (a rule's id, clause, strength, category: a few dozen over a block's thousands of hit rows), each
    category made a str once and the rows' list picked from those by index (the same strs, shared), not a take and
    a new str per row.

    >>> _code_values(pa.array(["a", "b"]), np.array([1, -1, 0, 1])), _code_values(pa.array(["a", "b", "c"]), np.array([2]))
    (['b', None, 'a', 'b'], ['c'])
    """
    if len(cats) > len(codes):
        return pc.take(cats, pa.array(codes, mask=codes < 0)).to_pylist()
    values = cats.to_pylist()
    values.append(None)  # code -1
    return [values[c] for c in codes.tolist()]


def _taken_strs(enc: _Encoded, name: str, pos: np.ndarray) -> list[str] | None:
    """Column ``name``'s values at ``pos`` as str (what ``str()`` of each decoded value gives) when
    :func:`_taken_codes` can read them and none is missing; else None (the caller takes the frame's rows)."""
    taken = _taken_codes(enc, name, pos)
    if taken is None:
        return None
    cats, codes = taken
    if (codes < 0).any():
        return None
    return _code_values(cats, codes)


def _taken_codes(enc: _Encoded, name: str, pos: np.ndarray) -> tuple[pa.Array, np.ndarray] | None:
    """For a column ``name`` that :func:`_category` encoded from Arrow strings (and :func:`_decoded_column` would
    decode by one Arrow ``take``): its categories (Arrow) and the codes at ``pos`` (-1: missing). Else None."""
    if not len(pos) or name not in enc.dtypes or name not in enc.frame.columns:
        return None
    col = enc.frame[name]
    if not isinstance(col.dtype, pd.CategoricalDtype) or not _arrow_strings(enc.dtypes[name]):
        return None
    # the Categorical's own codes (a read-only view), not ``col.cat.codes`` (a new Series: a copy of every code of
    # the column, ~1.4M hit rows at 1M reviews, twice per block and column; ~1,000 such copies and their page
    # faults in the decision workers at 1M): only the block's positions are copied
    arr = col.array
    if not isinstance(arr.categories.array, pd.arrays.ArrowStringArray):
        return None
    cats = pa.array(arr.categories.array)
    if not pa.types.is_large_string(cats.type) and not pa.types.is_string(cats.type):  # pragma: no cover
        return None
    return cats, arr.codes[pos]


def _take_span(enc: _Encoded, pos: np.ndarray, columns: list[str] | None = None) -> pd.DataFrame:
    """``enc.take(pos, columns)`` for ascending ``pos``: the rows between the first and the last position cut out
    first (a slice, no copy), then taken from that span. Arrow's ``take`` on a column of many chunks (the long
    frames come back from the partitions in dozens) concatenates every chunk first: a block's few hundred rows
    cost a pass over all 1.4M hit rows at 1M reviews; from the span, a pass over the block's share of them."""
    if not len(pos):
        return enc.take(pos, columns)
    lo, hi = int(pos[0]), int(pos[-1]) + 1
    frame = enc.frame if columns is None else enc.frame[columns]
    return _Encoded(frame.iloc[lo:hi], enc.dtypes).take(pos - lo)


#: The columns of a hit row that deciding reads (:func:`_decide_block`, :func:`_hit_phrase`, :func:`_is_strong`,
#: :func:`reviewtools.respond.removal_request_from_rows`): a block's hit dicts hold only these (those the frame has;
#: a missing one stays missing), not the row's 14 columns (at 1M reviews 360k removal-basis hit rows).
_HIT_FIELDS: Final[frozenset[str]] = frozenset({"rule_id", "clause", "evidence", "strength", "category"})


@dataclass(frozen=True)
class _BlockIndex:
    """Which rows of the long frames each block of :func:`recommend`'s cut owns, made once in the parent
    (:func:`_block_index`): for hit, not-run and match rows (in :class:`_DecisionState`'s order) a pair
    ``(order, starts)``: ``order[starts[k]:starts[k + 1]]`` are the ascending positions (in the state's
    ``*_rows``/``*_keys``) of the rows whose review is in block ``k``. ``block_of`` maps a block's first row to
    ``k``."""

    kinds: tuple[tuple[np.ndarray, np.ndarray], ...]
    block_of: dict[int, int]
    #: per kind, aligned with its ``order``: the row of ``recs`` whose review owns that long row (empty: not known,
    #: and blocks group by keys only)
    owners: tuple[np.ndarray, ...] = ()


def _block_index(recs: pd.DataFrame, state: _DecisionState, bounds: Sequence[tuple[int, int]]) -> _BlockIndex | None:
    """The :class:`_BlockIndex` of ``recs`` cut at ``bounds`` (consecutive, from row 0), or None when a block's
    rows cannot be told by one join of the keys, and blocks then pick by their keys as before.

    A block's grouping (:meth:`_DecisionState.grouped`) keeps the long rows whose key is one of its reviews'
    look-up keys: ``platform + sep + id`` (as :func:`_decide_block` builds it: missing or empty platform as
    ``other``), then the bare id. When every review's first key is distinct, no id or platform holds the
    separator and every long frame has a platform (its keys hold the separator), a long row's key is a bare id
    of no review and the first key of at most one: that review's block, found by one ``index_in`` of the long
    keys against the reviews' first keys, is the only block that keeps the row. Otherwise None.
    """
    n = len(recs)
    if not n or "review_id" not in recs.columns:
        return None
    kinds = ((state.hit_keys, state.hits), (state.not_run_keys, state.hits), (state.match_keys, state.matches))
    if any(len(keys) and "platform" not in enc.frame.columns for keys, enc in kinds):
        return None  # keys of bare ids: a review's second look-up could find them
    rid = recs["review_id"]
    plat = recs["platform"] if "platform" in recs.columns else None
    if not _arrow_strings(rid.dtype) or (plat is not None and not _arrow_strings(plat.dtype)):
        return None
    rid_a = pa.array(rid.array).cast(pa.string())
    if rid_a.null_count:  # str(None) == "None" in the loop's key: not worth matching
        return None
    if plat is None:
        plat_a = pa.array(["other"] * n, type=rid_a.type)
    else:
        plat_a = pa.array(plat.array).cast(pa.string())
        plat_a = pc.if_else(pc.or_kleene(pc.is_null(plat_a), pc.equal(plat_a, "")), "other", plat_a)  # p or "other"
    if _holds_byte(rid_a, _KEY_SEP) or _holds_byte(plat_a, _KEY_SEP):
        return None
    first = pc.binary_join_element_wise(plat_a, rid_a, _KEY_SEP)
    long_keys = [keys for keys, _ in kinds]
    # the arrays' chunks, not the arrays: a ChunkedArray among pa.chunked_array's items (the reviews' columns in
    # chunks, as run_triage's frame holds them) is read value by value as Python objects (~1 CPU s at 1M rows)
    probe = pa.chunked_array(_chunks(first, *long_keys), type=pa.string())
    owner = _index_in_buckets(probe, n)  # float with NaN for no match
    if not np.array_equal(owner[:n], np.arange(n)):
        return None  # two reviews share a first key: a long row of it is kept by both blocks
    starts_rows = np.array([a for a, _ in bounds], dtype=np.int64)
    if len(bounds) and (starts_rows[0] != 0 or bounds[-1][1] != n):  # pragma: no cover - recommend's own cut
        return None
    out = []
    owners = []
    at = n
    for keys in long_keys:
        own = owner[at : at + len(keys)]
        at += len(keys)
        known = np.flatnonzero(~np.isnan(own))
        block = np.searchsorted(starts_rows, own[known].astype(np.int64), side="right") - 1
        order = known[np.argsort(block, kind="stable")].astype(np.int32 if len(own) < 2**31 else np.int64)
        starts = np.searchsorted(np.sort(block, kind="stable"), np.arange(len(bounds) + 1), side="left")
        out.append((order, starts))
        owners.append(own[order].astype(order.dtype if n < 2**31 else np.int64))
    return _BlockIndex(tuple(out), {a: k for k, (a, _) in enumerate(bounds)}, tuple(owners))


#: :func:`_index_in_buckets` cuts the look-up into ``2**k`` buckets of about this many value-set keys (at most
#: 256 buckets; none below twice this): a hash table of a million strings misses the CPU caches on nearly every
#: probe, one of a bucket's few thousand far less.
INDEX_BUCKET_KEYS: Final[int] = 8_192


def _index_in_buckets(probe: pa.ChunkedArray, n: int) -> np.ndarray:
    """``pc.index_in(probe, value_set=probe[:n])`` as float64 (NaN where missing: no match or a missing value),
    worked out per bucket of the values' last bytes and length (equal strings share a bucket; in a bucket the
    value-set keys come first, in their order, so a value's first equal one is the same key as over the whole
    set): the values grouped by bucket (one stable sort of the bucket numbers, one Arrow ``take``), then one
    ``index_in`` per bucket against its own keys, each table small enough for the CPU caches (at 1M reviews and
    2.5M keys ~-0.15 CPU s of ~0.6, serial in the parent before the decision pool forks).

    >>> p = pa.chunked_array([["ab", "cd", "ab"], ["cd", "x", None, "ab", ""]])
    >>> _index_in_buckets(p, 3).tolist()[2:]
    [0.0, 1.0, nan, nan, 0.0, nan]
    """
    bits = 0
    while bits < 8 and n >= (INDEX_BUCKET_KEYS << (bits + 1)):
        bits += 1
    if not bits:
        return pc.index_in(probe, value_set=probe.slice(0, n)).to_numpy(zero_copy_only=False)
    bucket = _tail_buckets(probe, bits)
    order = np.argsort(bucket, kind="stable")  # by bucket, then by position (value-set keys first: positions < n)
    starts = np.zeros((1 << bits) + 1, dtype=np.int64)
    np.cumsum(np.bincount(bucket, minlength=1 << bits), out=starts[1:])
    grouped = probe.take(pa.array(order))
    owner = np.full(len(probe), np.nan)
    for k in range(1 << bits):
        lo, hi = int(starts[k]), int(starts[k + 1])
        pos = order[lo:hi]
        keys = int(np.searchsorted(pos, n))  # the bucket's value-set keys: its first ones
        if not keys:
            continue
        seg = grouped.slice(lo, hi - lo)
        got = pc.index_in(seg, value_set=seg.slice(0, keys)).to_numpy(zero_copy_only=False)
        found = np.flatnonzero(~np.isnan(got))
        owner[pos[found]] = pos[got[found].astype(np.int64)]
    return owner


def _tail_buckets(a: pa.ChunkedArray, bits: int) -> np.ndarray:
    """Per value of the string array ``a``, a bucket number below ``2**bits`` (uint16) made of its byte length and
    last three bytes (those it has): equal strings get equal numbers (a missing value: that of its slot's bytes)."""
    out = []
    for c in a.chunks:
        if not len(c):
            continue
        _, offsets, data = c.buffers()
        at = np.frombuffer(offsets, dtype=np.int64 if pa.types.is_large_string(c.type) else np.int32)[
            c.offset : c.offset + len(c) + 1].astype(np.int64)
        end = at[1:]
        size = end - at[:-1]
        h = size.astype(np.uint32)
        if data is not None and len(data) and size.max() > 0:
            buf = np.frombuffer(data, dtype=np.uint8)
            short = size.min() < 3
            for k in (1, 2, 3):
                if short:
                    has = size >= k
                    b = np.where(has, buf[np.where(has, end - k, 0)], 0)
                else:
                    b = buf[end - k]
                h = h * np.uint32(31) + b.astype(np.uint32)
        out.append(((h * np.uint32(2654435761)) >> np.uint32(32 - bits)).astype(np.uint16))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.uint16)


def _holds_byte(a: pa.Array | pa.ChunkedArray, char: str) -> bool:
    """Whether a value of the string array ``a`` holds ``char``: for an ASCII ``char`` (one byte, in UTF-8 no
    part of another character) and an array without missing values, one search of the bytes of its values (a
    few ms at 1M values); else ``pc.match_substring`` per value (missing values hold nothing).

    >>> _holds_byte(pa.chunked_array([["ab", "c"], ["d\x1fe"]]).slice(0, 2), "\x1f"), _holds_byte(pa.array(["d\x1f"]), "\x1f")
    (False, True)
    """
    code = char.encode()
    if len(code) != 1 or code[0] >= 0x80 or a.null_count:
        return bool(pc.any(pc.match_substring(a, char)).as_py())
    for c in _chunks(a):
        if not len(c):
            continue
        _, offsets, data = c.buffers()
        at = np.frombuffer(offsets, dtype=np.int64 if pa.types.is_large_string(c.type) else np.int32)
        lo, hi = int(at[c.offset]), int(at[c.offset + len(c)])
        if hi > lo and (np.frombuffer(data, dtype=np.uint8, count=hi - lo, offset=lo) == code[0]).any():
            return True
    return False


def _chunks(*arrays: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    """The Arrow arrays of ``arrays`` in order, each :class:`pyarrow.ChunkedArray` as its chunks.

    >>> [len(c) for c in _chunks(pa.chunked_array([["a"], ["b", "c"]]), pa.array(["d"]))]
    [1, 2, 1]
    """
    return [c for a in arrays for c in (a.chunks if isinstance(a, pa.ChunkedArray) else (a,))]


def _true_flags(col: pd.Series) -> np.ndarray:
    """``col.astype("boolean").fillna(False).astype(bool).to_numpy(dtype=bool)``: which values are true, missing
    ones not; for a ``boolean`` column read straight (no copies through the nullable and NumPy dtypes).

    >>> _true_flags(pd.Series([True, None, False], dtype="boolean")).tolist(), _true_flags(pd.Series([1, 0])).tolist()
    ([True, False, False], [True, False])
    """
    if isinstance(col.dtype, pd.BooleanDtype):
        return col.to_numpy(dtype=bool, na_value=False)
    return col.astype("boolean").fillna(False).astype(bool).to_numpy(dtype=bool)


def _outcome_flags(hits: _Encoded) -> tuple[np.ndarray, np.ndarray] | None:
    """Per row of ``hits``, whether its ``outcome`` is ``hit`` (a missing one counts as ``hit``) and whether it is
    ``not_run``, read from the codes of the column held encoded (each distinct outcome compared once, not each
    row's string decoded and compared: ~1.4M rows at 1M reviews); None when it is not held so (the caller
    compares the strings).

    >>> e = _encode(pd.DataFrame({"outcome": pd.array(["hit", None, "not_run", "hit", "hit"], dtype="string")}))
    >>> [a.tolist() for a in _outcome_flags(e)]
    [[True, True, False, True, True], [False, False, True, False, False]]
    """
    dtype = hits.dtypes.get("outcome")
    if dtype is None or not _arrow_strings(dtype):
        return None
    col = hits.frame["outcome"]
    if not isinstance(col.dtype, pd.CategoricalDtype):  # pragma: no cover - _encode's columns are
        return None
    cats = col.cat.categories.tolist()
    if not all(isinstance(c, str) for c in cats):  # pragma: no cover - categories of Arrow strings are
        return None
    codes = col.cat.codes.to_numpy()  # -1 where missing: the last entry of each table below
    is_hit = np.array([c == "hit" for c in cats] + [True], dtype=bool)
    is_nr = np.array([c == "not_run" for c in cats] + [False], dtype=bool)
    return is_hit[codes], is_nr[codes]


def _decision_state(settings: ReplySettings, hits: pd.DataFrame | _Encoded | None,
                    matches: pd.DataFrame | _Encoded | None,
                    has_sent: bool, stages_not_run: tuple[str, ...], existing: frozenset[str]) -> _DecisionState:
    """The :class:`_DecisionState` of a triage: where the rows of ``hits`` and ``matches`` that
    :func:`_hits_by_review` and :func:`_complaints` read are (the same masks), and their review keys."""
    henc = hits if isinstance(hits, _Encoded) else _Encoded(hits if hits is not None else pd.DataFrame(), {})
    menc = matches if isinstance(matches, _Encoded) else _Encoded(matches if matches is not None else pd.DataFrame(),
                                                                  {})
    h = henc.frame
    none = np.zeros(0, dtype=np.int64)
    real = nr = none
    if not h.empty:
        coded = _outcome_flags(henc)
        if coded is not None:
            is_hit, is_nr = coded
            basis = _true_flags(henc.column("removal_basis")) if "removal_basis" in h.columns else False
            real = np.flatnonzero(is_hit & basis)
            nr = np.flatnonzero(is_nr)
        else:
            outcome = (henc.column("outcome").astype("string").fillna("hit") if "outcome" in h.columns
                       else pd.Series("hit", index=h.index))
            basis = (henc.column("removal_basis").astype("boolean").fillna(False).astype(bool)
                     if "removal_basis" in h.columns else False)
            real = np.flatnonzero(((outcome == "hit") & basis).to_numpy(dtype=bool))
            nr = np.flatnonzero((outcome == "not_run").to_numpy(dtype=bool))
    m = menc.frame
    mrows = none
    if not m.empty:
        keep = np.ones(len(m), dtype=bool)
        if "complaint" in m.columns:
            keep &= _true_flags(menc.column("complaint"))
        if "negated" in m.columns:
            keep &= ~_true_flags(menc.column("negated"))
        mrows = np.flatnonzero(keep)

    def keys(enc: _Encoded, pos: np.ndarray) -> pa.Array:
        if not len(pos):
            return pa.array([], type=pa.string())
        cols = [c for c in ("review_id", "platform") if c in enc.frame.columns]
        taken = enc.take(pos, cols)
        joined = _arrow_review_keys(taken)
        if joined is not None:
            return joined
        # pyarrow ``string`` once here (pandas holds ``large_string``): each block's is_in then reads these
        # buffers, shared with the parent, instead of casting a copy of every key per block in every worker
        return pa.array(_review_key_series(taken), type=pa.string(), from_pandas=True)

    return _DecisionState(settings, henc, real, keys(henc, real), nr, keys(henc, nr), menc, mrows,
                          keys(menc, mrows), has_sent, stages_not_run, existing)


#: Objects handed to forked worker processes by inheritance (set just before the pool forks, then cleared).
_FORKED: dict[str, Any] = {}


def _decide_task(bounds: tuple[int, int]) -> _PackedBlock:
    """One pool task of :func:`recommend`: decide rows ``start:stop`` of the frame the parent forked with, and
    score their priority, sent back packed (:func:`_pack`)."""
    recs, state, pri = _FORKED["decisions"]
    folder = _FORKED.get("shared")
    with _no_collection():
        packed = _decide_block(recs.iloc[bounds[0] : bounds[1]], state, whole=False,
                               start=bounds[0] if state.blocks is not None else None, packed=True)
        packed.columns["priority"], packed.columns["priority_reason"] = _priority_rows(pri, *bounds)
    if folder is not None:
        packed = _to_shared(packed, folder, f"block-{bounds[0]}.arrow")
    return packed


#: Whether a pool task runs with Python's cyclic garbage collector paused (:func:`_no_collection`).
TASKS_WITHOUT_COLLECTION: Final[bool] = True


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cyclic collector paused inside the block (when :data:`TASKS_WITHOUT_COLLECTION` and it was on),
    then on again. A decision block makes some 100k tuples, lists and dicts that reference counting frees at its
    end; each collection the allocations set off walked the live ones again (timing the blocks of the 100k outputs
    in one process: about a fifth of their CPU; in a forked worker, whose inherited objects are frozen, less: -9%
    of the workers' CPU at 1M with the quiet rows, a mean over 9 pairs). Cycles the block leaves are found by the
    first collection after it (the allocation count goes on while paused)."""
    if not TASKS_WITHOUT_COLLECTION or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _decide_block(recs: pd.DataFrame, state: _DecisionState, whole: bool = True,
                  start: int | None = None, quick: bool = True, packed: bool = False) -> Any:
    """Decide the rows of one block in order, as the serial loop would if the block were the whole frame.

    One tuple per row: ``(action, reason_head, reason_tail, draft, kind, where, lint, blocked, topic, rule_ids,
    clause, evidence, checks_not_run, redo)``; ``redo`` is None for rows without a reply draft, else
    ``(normalised draft, fresh, reply kind, draft topic, problem, who, variant)``: ``fresh`` when the draft was
    not yet on the page of this block (a draft that had run out of unused phrasings in the block has run out on
    the whole page too, so only fresh ones can need re-phrasing in :func:`recommend`'s serial pass); ``who``, for
    a fresh draft only, the row's values of :data:`_DRAFT_FIELDS`; ``variant`` the phrasing variant the draft is
    (:func:`_unique_variant`: the drafts of the variants before it are on the block's page). ``start``: the rows
    are the block of ``state.blocks`` starting at that row (their long rows found by the block index, not by
    their keys). ``quick``: the rows
    decided ``none`` without a draft are written by :func:`_decide_quiet` (the same tuples), only the others go
    through the loop (:func:`_decide_rows`). ``packed``: instead of the tuples, their :func:`_pack`, the quiet
    rows' columns built by Arrow (:func:`_quiet_packed`), as a pool task sends it back.
    """
    by_hit, not_run, complaints = _block_groups(recs, state, whole, start, by_row=packed)
    if isinstance(not_run, _BlockRows) and not packed:  # pragma: no cover - only _quiet_packed asks for it
        not_run = not_run.as_dict(recs)
    if packed:
        return _quiet_packed(recs, state, by_hit, not_run, complaints)
    if quick:
        return _decide_quiet(recs, state, by_hit, not_run, complaints)
    return _decide_rows(recs, state, by_hit, not_run, complaints)


def _block_groups(recs: pd.DataFrame, state: _DecisionState, whole: bool, start: int | None, by_row: bool = False
                  ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]] | _BlockRows, dict[str, Any]]:
    """The grouped long rows :func:`_decide_block` decides ``recs`` with (see there for ``whole`` and ``start``).
    ``by_row``: with a block index, the not-run checks may come as a :class:`_BlockRows` (per row of ``recs``), and
    the rows of one hit as its ``one`` (:func:`_quiet_packed` writes them by :func:`_removal_columns`)."""
    if whole:  # the rows are the whole frame: every review's rows
        return state.grouped(None)
    if start is not None:
        return state.grouped_block(start, len(recs) if by_row else None,
                                   split=by_row and QUIET_COLUMNS and REMOVAL_COLUMNS)
    # the review keys _lookup may try for these rows (platform + id, then id), from the values _records gives
    rids = [str(v) for v in _column_values(recs["review_id"])]
    plats = (_column_values(recs["platform"]) if "platform" in recs.columns else [None] * len(rids))
    return state.grouped([str(p or "other") + _KEY_SEP + r for p, r in zip(plats, rids)] + rids)


def _one_array(values: Any) -> pa.Array:
    """A pandas string array (or an Arrow one) as one Arrow ``large_string`` array (its chunks combined)."""
    arr = (values if isinstance(values, (pa.Array, pa.ChunkedArray)) else
           values._pa_array if isinstance(values, pd.arrays.ArrowStringArray) else pa.array(values, from_pandas=True))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return arr.cast(pa.large_string())


#: Whether the decision workers build the quiet rows' columns with Arrow (:func:`_quiet_packed`) rather than a
#: tuple per row through :func:`_pack`.
QUIET_COLUMNS: Final[bool] = True


def _quiet_packed(recs: pd.DataFrame, state: _DecisionState, by_hit: Mapping[str, Any],
                  not_run: Mapping[str, list[str]], complaints: Mapping[str, Any]) -> _PackedBlock:
    """``_pack(_decide_quiet(recs, state, by_hit, not_run, complaints))`` with the quiet rows' columns built by
    Arrow over the block (their reason ``Rated {stars} with {sentiment}.`` + the no-thank-you sentence + the tail,
    the tail's not-run list, empty strings elsewhere) and the other rows' from :func:`_decide_rows` through
    :func:`_pack`, merged by one ``take`` per column. Canonical columns only (string ids without missing values,
    ``Int64`` ratings, string platforms and labels, float scores); any other frame goes the tuple way."""
    from .sentiment import UNKNOWN_LABEL

    n = len(recs)
    names = set(recs.columns)
    has_label = state.has_sent

    def arrow(c: str) -> pa.Array | None:  # the column as one Arrow string array (None: absent)
        return _one_array(recs[c].array) if c in names else None

    if (not QUIET_COLUMNS or not n or "review_id" not in names or "rating" not in names
            or not _arrow_strings(recs["review_id"].dtype) or recs["review_id"].isna().any()
            or not isinstance(recs["rating"].dtype, pd.Int64Dtype)
            or any(c in names and not _arrow_strings(recs[c].dtype) for c in ("platform", "sentiment_label"))
            or (has_label and "sentiment_score" in names
                and not (recs["sentiment_score"].dtype == np.float64
                         or isinstance(recs["sentiment_score"].dtype, pd.Float64Dtype)))):
        if isinstance(not_run, _BlockRows):
            by_hit = _all_hits(state, by_hit, not_run)
            not_run = not_run.as_dict(recs)
        return _pack(_decide_quiet(recs, state, by_hit, not_run, complaints))
    settings = state.settings

    def lit(v: str) -> pa.Scalar:
        return pa.scalar(v, type=pa.large_string())

    rid = arrow("review_id")
    plat = arrow("platform")
    if plat is None:
        plat = pa.array(["other"] * n, type=pa.large_string())
    else:  # str(p or "other")
        plat = pc.if_else(pc.or_kleene(pc.is_null(plat), pc.equal(plat, "")), lit("other"), plat)
    rows = not_run if isinstance(not_run, _BlockRows) else None
    if rows is not None:  # the rows with a hit or a complaint known from the block index
        key = None
        slow = rows.special.copy()
    else:
        key = pc.binary_join_element_wise(plat, rid, lit(_KEY_SEP))
        special = pa.array(list(by_hit.keys() | complaints.keys()), type=pa.large_string())
        slow = (pc.is_in(key, value_set=special).to_numpy(zero_copy_only=False)
                | pc.is_in(rid, value_set=special).to_numpy(zero_copy_only=False))
    rating_arr = recs["rating"].array
    slow |= rating_arr.isna()
    rating = rating_arr.to_numpy(dtype=np.int64, na_value=0)
    slow |= rating < 3
    label = arrow("sentiment_label") if has_label else None
    if label is not None:
        def equal(value: str) -> np.ndarray:  # a missing label equals nothing
            return pc.fill_null(pc.equal(label, value), False).to_numpy(zero_copy_only=False)

        slow |= equal(UNKNOWN_LABEL)
        slow |= (rating == 3) & equal("negative")
    # the no-thank-you sentence per platform (None: the row is thanked, so not quiet)
    coded = pc.dictionary_encode(plat)  # the distinct platforms (no missing one: "other" above)
    plats = coded.dictionary
    plat_code = coded.indices.to_numpy(zero_copy_only=False)
    suffixes = [(_NO_THANKS_SETTING if not settings.thank_positive else
                 _NO_THANKS_MESSAGE if reply_mode(str(p), settings) == "message" else None) for p in plats.to_pylist()]
    slow |= np.array([sfx is None for sfx in suffixes], dtype=bool)[plat_code]
    if slow.all():
        if rows is not None:
            by_hit = _all_hits(state, by_hit, rows)
        return _pack(_decide_rows(recs, state, by_hit, not_run, complaints))
    quiet = np.flatnonzero(~slow)
    slow_at = np.flatnonzero(slow)
    take = pa.array(quiet)
    # the sentiment part: "{label} sentiment ({score:+.2f})", "{label} sentiment" or "sentiment not scored"
    if label is not None:
        qlab = label.take(take)
        has = pc.fill_null(pc.not_equal(qlab, ""), False)  # `if label`: present and not empty
        score = (recs["sentiment_score"].to_numpy(dtype=np.float64, na_value=np.nan)[quiet]
                 if "sentiment_score" in names else np.full(len(quiet), np.nan))
        scored = ~np.isnan(score)
        got, at = _fixed_coded(score, 2, plus=True)  # f"{x:+.2f}" (-0.0 as "-0.00"), once per distinct text
        score_txt = pa.array([f"({t})" for t in got], type=pa.large_string()).take(pa.array(at))
        with_score = pc.binary_join_element_wise(qlab, lit(" sentiment "), score_txt, lit(""))
        plain = pc.binary_join_element_wise(qlab, lit(" sentiment"), lit(""))
        sent = pc.if_else(has, pc.if_else(pa.array(scored), with_score, plain), lit("sentiment not scored"))
    else:
        sent = pa.array(["sentiment not scored"] * len(quiet), type=pa.large_string())
    stars = pc.cast(pa.array(rating[quiet]), pa.large_string())
    suffix = pa.array([s or "" for s in suffixes], type=pa.large_string()).take(pa.array(plat_code[quiet]))
    # the tail and the not-run list: the row's not-run checks under its key, else under its bare id
    tail0 = _tail0(state)
    tails, joined = [tail0], [""]
    if rows is not None:  # each row's list known: its tail is its list's (index + 1; none: 0)
        for nr in rows.lists:
            tails.append(tail0 + f" Checks that could not run: {', '.join(nr)}." if nr else tail0)
            joined.append("|".join(nr))
        which = rows.codes[quiet] + 1
        entries = []
    else:
        entries = list(not_run.items())
        which = np.zeros(len(quiet), dtype=np.int64)
    tail_of: dict[int, int] = {}  # per not-run list (by identity, as _decide_quiet shares them)
    entry_tail = []
    for _, nr in entries:
        got = tail_of.get(id(nr))
        if got is None:
            got = tail_of[id(nr)] = len(tails)
            tails.append(tail0 + f" Checks that could not run: {', '.join(nr)}." if nr else tail0)
            joined.append("|".join(nr))
        entry_tail.append(got)
    if entries:
        nr_keys = pa.array([k for k, _ in entries], type=pa.large_string())
        at = pc.coalesce(pc.index_in(key.take(take), value_set=nr_keys), pc.index_in(rid.take(take), value_set=nr_keys))
        found = pc.is_valid(at).to_numpy(zero_copy_only=False)
        which[found] = np.array(entry_tail, dtype=np.int64)[at.to_numpy(zero_copy_only=False)[found].astype(np.int64)]
    which_a = pa.array(which)
    tail = pa.array(tails, type=pa.large_string()).take(which_a)
    reason = pc.binary_join_element_wise(lit("Rated "), stars, lit("★ with "), sent, lit("."), suffix, tail, lit(""))
    nr_col = pa.array(joined, type=pa.large_string()).take(which_a)
    # the removal requests of one strong hit column-wise (:func:`_removal_columns`; with the not-run checks per row
    # only), the other rows through the loop, then every column merged in row order
    loop_at, rem = slow_at, None
    if rows is not None and REMOVAL_COLUMNS and len(slow_at):
        if rows.one is not None:
            rem = _one_hit_columns(recs, slow_at, rid, plat, rows.one, complaints, settings, tails, joined,
                                   rows.codes)
        else:
            rem = _removal_columns(recs, slow_at, rid, plat, by_hit, complaints, settings, tails, joined, rows.codes)
        if rem is not None:
            loop_at = slow_at[rem.loop]
    elif rows is not None and rows.one is not None:  # pragma: no cover - grouped_block splits only with both on
        by_hit = _all_hits(state, by_hit, rows)
    packed = _pack(_decide_rows(recs.iloc[loop_at], state, by_hit, not_run if rows is None else rows.at(loop_at),
                                complaints) if len(loop_at) else [])
    order = np.empty(n, dtype=np.int64)
    order[slow_at] = np.arange(len(slow_at))
    order[quiet] = len(slow_at) + np.arange(len(quiet))
    order_a = pa.array(order)
    const = np.empty(n, dtype=np.int64)
    const[slow_at] = np.arange(len(slow_at))
    const[quiet] = len(slow_at)
    const_a = pa.array(const)
    own = {"action_reason": reason, "checks_not_run": nr_col}
    cols = {}
    for c in _DECIDED_COLUMNS:
        done = _one_array(packed.columns[c])
        if rem is not None:  # the loop's rows and the removal requests, in the order of slow_at
            done = pa.concat_arrays([done, rem.columns[c]]).take(rem.order)
        if c in own:
            cols[c] = pd.arrays.ArrowStringArray(pa.concat_arrays([done, _one_array(own[c])]).take(order_a))
        elif c != "action" and not done.null_count:  # "" at the quiet rows: only the offsets change
            cols[c] = pd.arrays.ArrowStringArray(_spread_empty(done, slow_at, n))
        else:
            fill = pa.array(["none" if c == "action" else ""], type=pa.large_string())
            cols[c] = pd.arrays.ArrowStringArray(pa.concat_arrays([done, fill]).take(const_a))
    redo = [(int(loop_at[item[0]]), *item[1:]) for item in packed.redo]
    return _PackedBlock(cols, redo, n)


def _all_hits(state: _DecisionState, by_hit: dict[str, list[dict[str, Any]]], rows: _BlockRows
              ) -> dict[str, list[dict[str, Any]]]:
    """``by_hit`` with the hit dicts of ``rows.one`` added (what the block's dict holds unsplit)."""
    if rows.one is None:
        return by_hit
    return {**by_hit, **state.one_hit_dicts(rows.one)}


#: Whether :func:`_quiet_packed` writes the rows decided on one guideline hit (removal requests, manual reviews) by
#: :func:`_removal_columns` (only the requests' drafts per row) rather than through :func:`_decide_rows`' loop and
#: :func:`_pack`.
REMOVAL_COLUMNS: Final[bool] = True

#: The values of a row that a removal request's draft reads (:func:`reviewtools.respond._removal_draft_of`'s
#: arguments before the hits, in order).
_REMOVAL_FIELDS: Final[tuple[str, ...]] = ("review_id", "platform", "product_title", "product_id", "marketplace",
                                           "rating", "author", "created_at")

#: The start of a removal request's reason (:func:`_decide_rows`' wording).
_REMOVAL_REASON: Final[str] = "Strong removal-basis guideline hit: "
#: The start of the reason of a row with guideline hits, none strong (:func:`_decide_rows`' wording).
_MANUAL_REASON: Final[str] = ("Guideline hit that could be a removal basis but is not strong enough to report without a "
                              "person checking it: ")


@dataclass(frozen=True)
class _RemovalRows:
    """What :func:`_removal_columns` gives: ``loop``, the positions (in the slow rows it was given) of the rows
    still for :func:`_decide_rows`; ``columns``, the removal rows' :data:`_DECIDED_COLUMNS` (``large_string``
    arrays, in the order of those rows); ``order``, the ``take`` indices that put the loop's rows' values followed
    by these back in the slow rows' order."""

    loop: np.ndarray
    columns: dict[str, pa.Array]
    order: pa.Array


def _removal_columns(recs: pd.DataFrame, slow_at: np.ndarray, rid: pa.Array, plat: pa.Array,
                     by_hit: Mapping[str, Any], complaints: Mapping[str, Any], settings: ReplySettings,
                     tails: list[str], joined: list[str], codes: np.ndarray) -> _RemovalRows | None:
    """The columns :func:`_decide_rows` writes for the rows at ``slow_at`` (positions in ``recs``, ascending) that
    it decides on one guideline hit with a str rule id and evidence and a str (or missing) clause: a strong one,
    ``removal_request`` with a draft (at 1M reviews ~250k rows, a quarter of them), else ``manual_review`` without
    one (~110k). Their action, kind, lint, reason (its start, rule and clause once per triple, then joined by Arrow
    with the quoted evidence and the tail), rule ids, clause, evidence, not-run list (the rows' lists' texts,
    ``tails``/``joined``, by ``codes``: the block's :class:`_BlockRows` codes) are built over the rows; only the
    removal draft (:func:`reviewtools.respond._removal_draft_of`), its ``where``, the evidence's spacing and the
    complaint topic are worked out per row, as the loop does. ``rid`` and ``plat``: the
    block's ids and platforms (``str(p or "other")``) as Arrow strings. None when there is no such row."""
    keys = pc.binary_join_element_wise(plat, rid, pa.scalar(_KEY_SEP, type=pa.large_string()))
    take = pa.array(slow_at)
    spaced = _native_spaced() or _spaced
    hit_at: list[int] = []
    groups: list[list[dict[str, Any]]] = []
    rule_ids: list[str] = []
    clauses: list[str] = []
    evidences: list[str] = []
    leads: list[int] = []  # the reason's start (rule and clause) by its index in lead_of
    topics: list[str] = []
    lead_of: dict[tuple[str, str | None, bool], int] = {}
    strongs: list[bool] = []
    primaries: dict[str, str | None] = {}
    for j, (key, r) in enumerate(zip(keys.take(take).to_pylist(), rid.take(take).to_pylist())):
        g = by_hit.get(key)
        if g is None:
            g = by_hit.get(r)
            if g is None:
                continue
        if len(g) != 1:
            continue
        h = g[0]
        strong = isinstance(h.get("strength"), str) and h["strength"] == "strong"  # else manual review
        rule = h["rule_id"]
        c = h["clause"] if "clause" in h else None
        e = h["evidence"]
        if type(rule) is not str or type(e) is not str or not (c is None or type(c) is str):
            continue
        # as _decide_rows: the complaint topic, the hit's fields and its phrase's start
        comp = complaints.get(key)
        if comp is None:
            comp = complaints.get(r, [])
        if len(comp) == 1:
            t = comp[0][0]
            topic = primaries[t] if t in primaries else primaries.setdefault(t, primary_topic((t,)))
        elif comp:
            topic = primary_topic(t for t, _ in comp)
        else:
            topic = None
        lead = lead_of.get((rule, c, strong))
        if lead is None:
            lead = lead_of[(rule, c, strong)] = len(lead_of)
        hit_at.append(j)
        groups.append(g)
        rule_ids.append(rule)
        clauses.append("" if c is None else c)
        evidences.append(spaced(e))
        leads.append(lead)
        topics.append(topic or "")
        strongs.append(strong)
    if not hit_at:
        return None
    at = np.array(hit_at, dtype=np.int64)
    rows_at = slow_at[at]
    is_strong = np.array(strongs, dtype=bool)
    strong_at = np.flatnonzero(is_strong)  # the removal requests (the others: manual review, no draft)
    req_at = rows_at[strong_at]
    # the values _removal_draft_of reads of each row (_REMOVAL_FIELDS), as _decide_rows reads them (_column_lists)
    names = list(recs.columns)
    fields = _REMOVAL_FIELDS
    present = [c for c in fields if c in names]
    got = {c: _taken_list(recs[c], req_at, c == "created_at") for c in present}
    none = [None] * len(req_at)
    values = [got.get(c, none) for c in fields]
    drafts: list[str] = []
    wheres: list[str] = []
    where_of: dict[tuple[Any, Any], str] = {}
    for g, rid_v, plat_v, title, pid, market, rating, author, when in zip(
            [groups[i] for i in strong_at.tolist()], *values):
        draft, channel, to = _removal_draft_of(rid_v, plat_v, title, pid, market, rating, author, when, g, settings)
        drafts.append(draft)
        where = where_of.get((channel, to))
        if where is None:
            where = where_of[(channel, to)] = f"{channel}" + (f" ({to})" if to else "")
        wheres.append(where)
    m = len(at)
    large = pa.large_string()
    evidence = pa.array(evidences, type=large)
    # the quote: the evidence, its first 79 characters and "…" when longer than 80
    quotes = [q if len(q) <= 80 else q[:79] + "…" for q in evidences]
    which = pa.array(codes[rows_at] + 1)
    tail = pa.array(tails, type=large).take(which)
    lead = pa.array([f"{_REMOVAL_REASON if strong else _MANUAL_REASON}{rule} ({c}) on “" if c else
                     f"{_REMOVAL_REASON if strong else _MANUAL_REASON}{rule} on “"
                     for rule, c, strong in lead_of], type=large).take(pa.array(leads, type=pa.int64()))
    reason = pc.binary_join_element_wise(lead, pa.array(quotes, type=large),
                                         pa.scalar("”.", type=large), tail, pa.scalar("", type=large))
    kind_at = pa.array(np.where(is_strong, 0, 1))
    action = pa.array(["removal_request", "manual_review"], type=large).take(kind_at)
    kind = pa.array(["removal_request", ""], type=large).take(kind_at)
    empty = pa.array([""], type=large).take(pa.array(np.zeros(m, dtype=np.int64)))
    cols = {"action": action, "action_reason": reason,
            "draft": _spread_empty(pa.array(drafts, type=large), strong_at, m), "draft_kind": kind,
            "draft_where": _spread_empty(pa.array(wheres, type=large), strong_at, m), "draft_lint": empty,
            "reply_topic": pa.array(topics, type=large), "rule_ids": pa.array(rule_ids, type=large),
            "clause": pa.array(clauses, type=large), "evidence": evidence,
            "checks_not_run": pa.array(joined, type=large).take(which)}
    loop = np.ones(len(slow_at), dtype=bool)
    loop[at] = False
    loop_pos = np.flatnonzero(loop)
    order = np.empty(len(slow_at), dtype=np.int64)
    order[loop_pos] = np.arange(len(loop_pos))
    order[at] = len(loop_pos) + np.arange(m)
    return _RemovalRows(loop_pos, {c: cols[c] for c in _DECIDED_COLUMNS}, pa.array(order))


def _one_hit_columns(recs: pd.DataFrame, slow_at: np.ndarray, rid: pa.Array, plat: pa.Array, one: _OneHits,
                     complaints: Mapping[str, Any], settings: ReplySettings, tails: list[str], joined: list[str],
                     codes: np.ndarray) -> _RemovalRows:
    """:func:`_removal_columns` of the rows of ``one`` (the block's rows owning one hit with a rule id and
    evidence, every one of them among ``slow_at``), read from its Arrow columns instead of a hit dict per row: the
    reason's start, rule and clause, the quote and the not-run texts by Arrow over the rows, the evidence's
    spacing once per distinct evidence, the complaint topic only for the rows that own a complaint, and the
    requests' drafts by :func:`reviewtools.respond._removal_one_drafts` (the rows it leaves, and any where a field is
    held otherwise, by :func:`reviewtools.respond._removal_draft_of` as before). The same columns, in the order
    of those rows."""
    large = pa.large_string()

    def lit(v: str) -> pa.Scalar:
        return pa.scalar(v, type=large)

    rows_at = one.rows
    at = np.searchsorted(slow_at, rows_at)
    m = len(rows_at)
    spaced = _native_spaced() or _spaced
    # the evidence single spaced, once per distinct evidence (the very strs when they are so already)
    coded = pc.dictionary_encode(one.evidence)
    uniq = coded.dictionary.to_pylist()
    done = [spaced(e) for e in uniq]
    evidence = one.evidence if done == uniq else pa.array(done, type=large).take(coded.indices)
    # the quote: the evidence, its first 79 characters and "…" when longer than 80
    quote = pc.if_else(pc.greater(pc.utf8_length(evidence), 80),
                       pc.binary_join_element_wise(pc.utf8_slice_codeunits(evidence, 0, 79), lit("…"), lit("")),
                       evidence)
    strong = one.strong
    kind_at = pa.array(np.where(strong, 0, 1))
    prefix = pa.array([_REMOVAL_REASON, _MANUAL_REASON], type=large).take(kind_at)
    rule = one.rule_id
    has_clause = pc.fill_null(pc.not_equal(one.clause, ""), False)  # `if c`: present and not empty
    clause = pc.fill_null(one.clause, lit(""))
    lead = pc.if_else(has_clause,
                      pc.binary_join_element_wise(prefix, rule, lit(" ("), clause, lit(") on “"), lit("")),
                      pc.binary_join_element_wise(prefix, rule, lit(" on “"), lit("")))
    which = pa.array(codes[rows_at] + 1)
    tail = pa.array(tails, type=large).take(which)
    reason = pc.binary_join_element_wise(lead, quote, lit("”."), tail, lit(""))
    # the complaint topic (as _decide_rows), for the rows that own a complaint
    comp_i = np.flatnonzero(one.complained)
    if len(comp_i):
        sel = pa.array(rows_at[comp_i])
        keys = pc.binary_join_element_wise(plat.take(sel), rid.take(sel), lit(_KEY_SEP)).to_pylist()
        primaries: dict[str, str | None] = {}
        topics = []
        for key, r in zip(keys, rid.take(sel).to_pylist()):
            comp = complaints.get(key)
            if comp is None:
                comp = complaints.get(r, [])
            if len(comp) == 1:
                t = comp[0][0]
                topic = primaries[t] if t in primaries else primaries.setdefault(t, primary_topic((t,)))
            elif comp:
                topic = primary_topic(t for t, _ in comp)
            else:
                topic = None
            topics.append(topic or "")
        topic_col = _spread_empty(pa.array(topics, type=large), comp_i, m)
    else:
        topic_col = pa.array([""], type=large).take(pa.array(np.zeros(m, dtype=np.int64)))
    # the requests' drafts and where
    strong_at = np.flatnonzero(strong)
    drafts, wheres = _one_hit_drafts(recs, rows_at[strong_at], rid, plat, one, strong_at, evidence, settings)
    kind = pa.array(["removal_request", ""], type=large).take(kind_at)
    cols = {"action": pa.array(["removal_request", "manual_review"], type=large).take(kind_at),
            "action_reason": reason, "draft": _spread_empty(drafts, strong_at, m), "draft_kind": kind,
            "draft_where": _spread_empty(wheres, strong_at, m),
            "draft_lint": pa.array([""], type=large).take(pa.array(np.zeros(m, dtype=np.int64))),
            "reply_topic": topic_col, "rule_ids": rule, "clause": clause, "evidence": evidence,
            "checks_not_run": pa.array(joined, type=large).take(which)}
    loop = np.ones(len(slow_at), dtype=bool)
    loop[at] = False
    loop_pos = np.flatnonzero(loop)
    order = np.empty(len(slow_at), dtype=np.int64)
    order[loop_pos] = np.arange(len(loop_pos))
    order[at] = len(loop_pos) + np.arange(m)
    return _RemovalRows(loop_pos, {c: cols[c] for c in _DECIDED_COLUMNS}, pa.array(order))


def _one_hit_drafts(recs: pd.DataFrame, req: np.ndarray, rid: pa.Array, plat: pa.Array, one: _OneHits,
                    strong_at: np.ndarray, evidence: pa.Array, settings: ReplySettings) -> tuple[pa.Array, pa.Array]:
    """The drafts and ``where`` texts (``large_string``, no missing values) of the removal requests at the block rows
    ``req`` (``one``'s rows at ``strong_at``; ``evidence``: ``one``'s single spaced), by
    :func:`reviewtools.respond._removal_one_drafts` where it gives them, the other rows (and all of them when a
    field :data:`_REMOVAL_FIELDS` names is held otherwise than as Arrow strings, ``Int64`` ratings and
    ``datetime64[ns]`` times) by :func:`reviewtools.respond._removal_draft_of` with the row's values and hit."""
    large = pa.large_string()
    k = len(req)
    names = set(recs.columns)
    sel = pa.array(req)
    got = None
    strs: dict[str, pa.Array | None] = {}
    plain = isinstance(recs["rating"].dtype, pd.Int64Dtype)
    for c in ("product_title", "product_id", "marketplace", "author"):
        if c not in names:
            strs[c] = None
        elif _arrow_strings(recs[c].dtype):
            strs[c] = _one_array(recs[c].array).take(sel)
        else:
            plain = False
    created = None
    if "created_at" in names:
        if _raw_ns(recs["created_at"].dtype):
            created = recs["created_at"].array.asi8[req]
        else:
            plain = False
    if plain and k:
        ratings = recs["rating"].array
        s_sel = pa.array(strong_at)
        got = _removal_one_drafts(rid.take(sel), plat.take(sel), strs["product_title"], strs["product_id"],
                                  strs["marketplace"], ratings._data[req].astype(np.int64), ~ratings._mask[req],
                                  created, strs["author"], pc.fill_null(one.clause.take(s_sel), pa.scalar(
                                      "None", type=large)), one.rule_id.take(s_sel), evidence.take(s_sel), settings)
    if got is None:
        body = where = pa.nulls(k, type=large)
    else:
        body, where = got
    left = np.flatnonzero(~pc.is_valid(body).to_numpy(zero_copy_only=False)) if body.null_count else np.zeros(0, int)
    if not len(left):
        return body, where
    # the rows left one by one, as _removal_columns drafts them
    rows = req[left]
    fields = [_taken_list(recs[c], rows, c == "created_at") if c in names else [None] * len(rows)
              for c in _REMOVAL_FIELDS]
    h_at = pa.array(strong_at[left])
    hit_cols = {"rule_id": one.rule_id, "clause": one.clause, "evidence": one.evidence}
    if one.category is not None:
        hit_cols["category"] = one.category
    hits = [dict(zip(hit_cols, vals)) for vals in zip(*(v.take(h_at).to_pylist() for v in hit_cols.values()))]
    drafts, wheres = [], []
    for h, values in zip(hits, zip(*fields)):
        draft, channel, to = _removal_draft_of(*values, [h], settings)
        drafts.append(draft)
        wheres.append(f"{channel}" + (f" ({to})" if to else ""))
    mask = np.zeros(k, dtype=bool)
    mask[left] = True
    mask_a = pa.array(mask)
    return (pc.replace_with_mask(body, mask_a, pa.array(drafts, type=large)),
            pc.replace_with_mask(where, mask_a, pa.array(wheres, type=large)))


def _spread_empty(done: pa.Array, at: np.ndarray, n: int) -> pa.Array:
    """A ``large_string`` array of ``n`` values: ``done``'s (no nulls) at the ascending positions ``at``, ``""``
    elsewhere; what ``concat_arrays([done, [""]]).take(...)`` gives, built from new offsets over ``done``'s own
    character data (not copied).

    >>> _spread_empty(pa.array(["ab", "c"], type=pa.large_string()), np.array([1, 3]), 5).to_pylist()
    ['', 'ab', '', 'c', '']
    """
    _, offsets, data = done.buffers()
    offs = np.frombuffer(offsets, dtype=np.int64)[done.offset : done.offset + len(done) + 1]
    lens = np.zeros(n, dtype=np.int64)
    lens[at] = np.diff(offs)
    new = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lens, out=new[1:])
    first = int(offs[0])
    chars = (pa.py_buffer(b"") if data is None
             else data.slice(first, int(offs[-1]) - first))  # the values' characters only, from offset 0
    return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(new), chars])


def _tail0(state: _DecisionState) -> str:
    """The start of every row's reason tail (the stages that did not run)."""
    tail0 = ""
    if not state.has_sent and "sentiment" in state.stages_not_run:
        tail0 += " Sentiment was not available, so the rating alone decided."
    if state.stages_not_run:
        tail0 += f" Stages not run: {', '.join(state.stages_not_run)}."
    return tail0


#: What a reason says after "Rated ...." when a positive review gets no thank-you: because of the settings, or
#: because the platform only takes messages (:func:`_decide_rows`' wording).
_NO_THANKS_SETTING: Final[str] = " Thank-you replies are turned off (ReplySettings.thank_positive)."
_NO_THANKS_MESSAGE: Final[str] = (" No thank-you: public replies on Amazon are off (ReplySettings.amazon_public_reply) "
                                  "and Amazon's Communication Guidelines forbid thank-you-only messages.")


def _decide_quiet(recs: pd.DataFrame, state: _DecisionState, by_hit: Mapping[str, Any],
                  not_run: Mapping[str, list[str]], complaints: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """:func:`_decide_rows`' tuples, the rows it would decide ``none`` with no draft and nothing to look up but
    their not-run checks written here without its loop: no guideline hit and no complaint under either look-up
    key, a rating of 3 or more (3 not with negative sentiment), sentiment not ``unknown``, and no thank-you
    (turned off, or a platform that only takes messages). Over half the reviews of the 1M benchmark corpus; their
    reason is ``Rated {stars} with {sentiment}.`` and the no-thank-you sentence, as the loop writes it. The other
    rows go through :func:`_decide_rows` (in order: only drafting rows change its page, and none of these do)."""
    from .sentiment import UNKNOWN_LABEL

    n = len(recs)
    names = list(recs.columns)
    if not n or "review_id" not in names or "rating" not in names:
        return _decide_rows(recs, state, by_hit, not_run, complaints)
    settings = state.settings

    def values(c: str) -> list[Any]:  # what _row_values gives for column c (None when the frame lacks it)
        return _column_values(recs[c]) if c in names else [None] * n

    rids = values("review_id")
    plats = values("platform")
    ratings = values("rating")
    has_label = state.has_sent
    labels = values("sentiment_label") if has_label else [None] * n
    scores = values("sentiment_score") if has_label else [None] * n
    special = by_hit.keys() | complaints.keys()
    suffixes: dict[str, str | None] = {}  # per platform: the no-thank-you sentence, None when it is thanked
    tail0 = _tail0(state)
    tails: dict[int, tuple[str, str]] = {}  # per not-run list (by identity: the lists are shared, alive here)
    none: tuple[str, ...] = ()
    quiet: list[tuple[Any, ...] | None] = [None] * n
    slow: list[int] = []
    for j, (rid, plat, rating, label, score) in enumerate(zip(rids, plats, ratings, labels, scores)):
        # as _decide_rows reads the row (see there)
        rid = str(rid)
        platform = str(plat or "other")
        key = platform + _KEY_SEP + rid
        if key in special or rid in special or _na(rating):
            slow.append(j)
            continue
        rating = int(rating)
        label = None if _na(label) else str(label)
        if rating < 3 or label == UNKNOWN_LABEL or (rating == 3 and label == "negative"):
            slow.append(j)
            continue
        if platform in suffixes:
            suffix = suffixes[platform]
        elif not settings.thank_positive:
            suffix = suffixes[platform] = _NO_THANKS_SETTING
        else:
            suffix = suffixes[platform] = (_NO_THANKS_MESSAGE if reply_mode(platform, settings) == "message"
                                           else None)
        if suffix is None:
            slow.append(j)
            continue
        score = None if _na(score) else float(score)
        sent_txt = (f"{label} sentiment ({score:+.2f})" if label and score is not None else
                    f"{label} sentiment" if label else "sentiment not scored")
        nr = not_run.get(key)
        if nr is None:
            nr = not_run.get(rid, none)
        got = tails.get(id(nr))
        if got is None:
            got = tails[id(nr)] = (tail0 + f" Checks that could not run: {', '.join(nr)}." if nr else tail0,
                                   "|".join(nr))
        quiet[j] = ("none", f"Rated {rating}★ with {sent_txt}." + suffix, got[0], "", "", "", "", False, "", "", "",
                    "", got[1], None)
    if len(slow) == n:
        return _decide_rows(recs, state, by_hit, not_run, complaints)
    if slow:
        for j, row in zip(slow, _decide_rows(recs.iloc[slow], state, by_hit, not_run, complaints)):
            quiet[j] = row
    return quiet  # type: ignore[return-value]  # every row filled


class _Norms(dict):  # type: ignore[type-arg]
    """``norms[text]``: :func:`reviewtools.respond._normalise` of ``text``, worked out on its first look-up and
    kept (a dict: a repeat costs one look-up, and the memo's drafts are the same str objects, their hashes kept).
    A decision block's drafts repeat: on the 1M corpus's first 150k rows 31k normal forms of 5.3k distinct drafts.

    >>> n = _Norms(); n["Thanks, Ann!"], n["Thanks, Ann!"] is n["Thanks, Ann!"], len(n)
    ('thanks ann', True, 1)
    """

    __slots__ = ()

    def __missing__(self, text: str) -> str:
        got = self[text] = _normalise(text)
        return got


def _decide_rows(recs: pd.DataFrame, state: _DecisionState, by_hit: Mapping[str, Any],
                 not_run: Mapping[str, list[str]] | _BlockRows, complaints: Mapping[str, Any]
                 ) -> list[tuple[Any, ...]]:
    """:func:`_decide_block`'s loop over ``recs`` with the block's grouped long rows (:meth:`_DecisionState.grouped`;
    the not-run checks by key, or per row of ``recs``: :class:`_BlockRows`)."""
    from .sentiment import UNKNOWN_LABEL

    settings = state.settings
    has_sent = state.has_sent
    previous = set(state.existing)  # the drafts on the page so far: existing replies, then this block's drafts
    memo = _DraftMemo(settings)
    norms = _Norms()  # the drafts' normal forms, once per distinct draft of the block
    primaries: dict[str, str | None] = {}  # primary_topic of one complaint's topic, by that topic
    rows: list[tuple[Any, ...]] = []
    names = list(recs.columns)
    if "review_id" not in names and len(recs):
        raise KeyError("review_id")  # as the record's rec["review_id"] did
    # each column read below by its position in a row's values; an absent column reads the None after them
    at = {c: names.index(c) if c in names else len(names) for c in (
        "review_id", "platform", "rating", "sentiment_label", "sentiment_score", "text_language", "reply_text",
        "replied_at")}
    i_rid, i_plat, i_rating, i_label, i_score, i_lang, i_reply, i_when = at.values()
    who_at = [names.index(c) if c in names else len(names) for c in _DRAFT_FIELDS]
    removal_at = [names.index(c) if c in names else len(names) for c in _REMOVAL_FIELDS]
    if not has_sent:
        i_label = i_score = len(names)
    # per platform, what reply_mode and reply_where give with these settings (pure functions of the two)
    modes: dict[str, str] = {}
    wheres: dict[str, str] = {}
    tail0 = _tail0(state)  # the start of every row's reason tail
    row_tails = None
    if isinstance(not_run, _BlockRows):
        # the reason tail and the checks_not_run text of each distinct not-run list once (a block has a few; the
        # rule ids are strs), each row's by its code (-1, no list: the last)
        tails = [(tail0 + f" Checks that could not run: {', '.join(nr)}." if nr else tail0, "|".join(nr))
                 for nr in not_run.lists]
        tails.append((tail0, ""))
        row_tails = [tails[c] for c in not_run.codes.tolist()]
    lints = state.lints  # _draft_lint's results in this triage, by _lint_key
    spaced = _native_spaced() or _spaced  # the evidence's single spacing (the same strings either way)
    # The rows' values a column at a time, RECORD_BLOCK rows at once (_column_lists: the lists _row_values zips into
    # its tuples), read by the row's place k in them: no tuple of every value made per row (at 150k reviews ~0.1 of
    # the loop's ~0.9 CPU s); rating, label and score as the loop reads them (None if _na else int/str/float), the
    # same lists where the column's own values are that already. created_at is read only by the removal drafts
    # (respond's _fmt_date), which format its int64 as its Timestamp.
    n_rows = len(recs)
    chunk_start = chunk_end = 0
    cols: list[list[Any]] = []
    rids = plats = langs = replies = whens = ratings = labels = scores = cols
    removal: list[list[Any]] = []  # the columns _removal_draft_of reads (_REMOVAL_FIELDS)
    w_rid = w_plat = w_author = w_title = cols
    for j in range(n_rows):
        if j == chunk_end:  # the next RECORD_BLOCK rows' columns
            chunk_start, chunk_end = j, min(n_rows, j + RECORD_BLOCK)
            block = recs.iloc[chunk_start:chunk_end]
            cols = _column_lists(block, ("created_at",))  # cols[i][k] is what rec.get(names[i]) gives for row k
            removal = [cols[i] for i in removal_at]
            rids, plats, langs, replies, whens = (cols[i] for i in (i_rid, i_plat, i_lang, i_reply, i_when))
            w_rid, w_plat, w_author, w_title = (cols[i] for i in who_at)  # _DRAFT_FIELDS' columns
            ratings, labels, scores = (
                _normal_from(block.iloc[:, i], cols[i], conv) if i < len(names) else cols[i]
                for i, conv in ((i_rating, int), (i_label, str), (i_score, float)))
        k = j - chunk_start
        rating, label, score = ratings[k], labels[k], scores[k]
        rid = str(rids[k])
        platform = str(plats[k] or "other")
        key = platform + _KEY_SEP + rid  # _lookup's first key; the id alone when no entry has it
        comp = complaints.get(key)
        if comp is None:
            comp = complaints.get(rid, [])
        if len(comp) == 1:  # what the two lines below give for one complaint (most rows with any)
            t, e = comp[0]
            topic = primaries[t] if t in primaries else primaries.setdefault(t, primary_topic((t,)))
            problem = e if topic == t else None
        elif comp:
            topic = primary_topic(t for t, _ in comp)
            problem = next((e for t, e in comp if t == topic), None)
        else:  # what the two lines above give for no complaint
            topic = problem = None
        g = by_hit.get(key)
        if g is None:
            g = by_hit.get(rid)
        draft = kind = where = lint = ""
        blocked = False
        redo = None
        rule_ids = clause = evidence = phrase = ""
        strong = False
        if g is not None and len(g) == 1:  # one hit (most groups): what the joins below give for it
            h = g[0]
            rule_ids = str(h["rule_id"])
            c = h["clause"] if "clause" in h else None
            clause = "" if _na(c) else str(c)
            e = h["evidence"]
            evidence = "" if _na(e) else spaced(str(e))
            # _is_strong(g) and _hit_phrase(g) of the one hit, its evidence spaced once (the column's text)
            strong = isinstance(h.get("strength"), str) and h["strength"] == "strong"
            q = evidence if type(e) is str else spaced(str(e))
            q = f"“{q if len(q) <= 80 else q[:79] + '…'}”"
            phrase = f"{h['rule_id']} ({c}) on {q}" if isinstance(c, str) and c else f"{h['rule_id']} on {q}"
        elif g is not None:
            rule_ids = "|".join(dict.fromkeys(str(h["rule_id"]) for h in g))
            # _na(v) is pd.isna(v) for the scalars records hold, without pandas for str
            clause = " | ".join(dict.fromkeys(str(h["clause"]) for h in g if "clause" in h and not _na(h["clause"])))
            evidence = " | ".join(dict.fromkeys(spaced(str(h["evidence"])) for h in g if not _na(h["evidence"])))
            strong = _is_strong(g)
            phrase = _hit_phrase(g, spaced)
        if strong:
            action = "removal_request"
            reason = f"{_REMOVAL_REASON}{phrase}."
            # removal_request_from_rows(...)'s body, channel and to (not its subject: unused here)
            r_id, r_plat, r_title, r_pid, r_market, r_rating, r_author, r_when = removal  # the row's values of them
            draft, channel, to = _removal_draft_of(r_id[k], r_plat[k], r_title[k], r_pid[k], r_market[k],
                                                   r_rating[k], r_author[k], r_when[k], g, settings)
            kind, where = "removal_request", f"{channel}" + (f" ({to})" if to else "")
        elif g is not None:
            action = "manual_review"
            reason = f"{_MANUAL_REASON}{phrase}."
        else:  # the reason's words (only here: a hit's reason has none of them)
            sent_txt = (f"{label} sentiment ({score:+.2f})" if label and score is not None else
                        f"{label} sentiment" if label else "sentiment not scored")
            if label == UNKNOWN_LABEL:  # text not English: neither positive nor negative, the rating decides
                lang = langs[k]
                lang = "another language" if _na(lang) else str(lang)
                sent_txt = f"sentiment not scored because the text is in {lang} (VADER is English only)"
                label = None
            stars = f"{rating}★" if rating is not None else "unrated"
            topic_txt = f"; complaint topic {topic} ({_quote(problem, spaced=spaced)})" if topic else ""
            negative = label == "negative"
            if rating is not None and rating <= 2:
                action, rkind = "public_reply", "negative"
                reason = f"Rated {stars} with {sent_txt}{topic_txt}."
            elif rating == 3 and negative:
                action, rkind = "public_reply", "negative"
                reason = f"Rated {stars} with {sent_txt}{topic_txt}."
            elif rating is not None and rating >= 4 and negative and topic:
                action, rkind = "public_reply", "mixed"
                reason = f"Rated {stars} but {sent_txt} and a complaint{topic_txt.replace('; complaint', '')}."
            elif rating is None and label is None:
                action, rkind = "manual_review", ""
                reason = "No rating and no sentiment score, so the review cannot be triaged automatically."
                if sent_txt.startswith("sentiment not scored because"):
                    reason = f"No rating, and {sent_txt}, so the review cannot be triaged automatically."
            elif rating is None and negative:
                action, rkind = "public_reply", "negative"
                reason = f"Unrated, {sent_txt}{topic_txt}."
            else:
                rkind = "mixed" if rating == 3 else "positive"
                reason = f"Rated {stars} with {sent_txt}" + (topic_txt if rkind == "mixed" else "") + "."
                if not settings.thank_positive:
                    action = "none"
                    reason += _NO_THANKS_SETTING
                elif (modes[platform] if platform in modes else modes.setdefault(
                        platform, reply_mode(platform, settings))) == "message":
                    action = "none"
                    reason += _NO_THANKS_MESSAGE
                else:
                    action = "thank"
            replied = replies[k]
            if action in ("public_reply", "thank") and isinstance(replied, str) and replied.strip():
                when = whens[k]
                when_txt = f" on {pd.Timestamp(when):%Y-%m-%d}" if not _na(when) else ""
                action = "none"
                reason += f" Already replied{when_txt}; edit that reply rather than adding another."
            if action in ("public_reply", "thank"):
                dtopic = topic if rkind != "positive" else None
                who = (w_rid[k], w_plat[k], w_author[k], w_title[k])  # all that drafting reads of the row
                rec = dict(zip(_DRAFT_FIELDS, who))
                draft, variant = _unique_variant(rec, rkind, dtopic, problem, settings, previous, memo, norms=norms)
                norm = norms[draft]
                fresh = norm not in previous
                redo = (norm, fresh, rkind, dtopic, problem, who if fresh else None, variant)
                lkey = _lint_key(draft, rec, not fresh, settings)
                got = lints.get(lkey) if lkey is not None else None
                if got is None:
                    got = _draft_lint(draft, rec, not fresh, settings)
                    if lkey is not None and len(lints) < _LINTS_SIZE:
                        lints[lkey] = got
                lint, blocked = got
                previous.add(norm)
                mode = modes[platform] if platform in modes else modes.setdefault(
                    platform, reply_mode(platform, settings))
                kind = "message" if mode == "message" else ("thank" if action == "thank" else "reply")
                where = wheres[platform] if platform in wheres else wheres.setdefault(
                    platform, reply_where(platform, settings))
        if row_tails is not None:
            tail, nr_text = row_tails[j]
        else:
            tail = tail0
            nr = not_run.get(key)
            if nr is None:
                nr = not_run.get(rid, [])
            if nr:
                tail += f" Checks that could not run: {', '.join(nr)}."
            nr_text = "|".join(nr)
        rows.append((action, reason, tail, draft, kind, where, lint, blocked, topic or "", rule_ids, clause,
                     evidence, nr_text, redo))
    return rows


def _taken_list(col: pd.Series, at: np.ndarray, raw: bool = False) -> list[Any]:
    """``_column_lists(frame.iloc[at], ("created_at",) if raw else ())``'s list for the column ``col`` (a column of
    ``frame``), without taking the frame's rows: Arrow-backed strings (missing ``pd.NA``) by an Arrow ``take``,
    ``raw`` nanoseconds (:func:`_raw_ns`) by a numpy one, others by the column's ``iloc``.

    >>> _taken_list(pd.Series(["a", None, "c"], dtype="string"), np.array([2, 1]))
    ['c', None]
    >>> _taken_list(pd.Series([1, None, 3], dtype="Int64"), np.array([1, 2]))
    [None, 3]
    """
    arr = col.array
    if raw and _raw_ns(col.dtype):
        return arr.asi8[at].tolist()
    if isinstance(arr, pd.arrays.ArrowStringArray) and col.dtype.na_value is pd.NA:
        return arr._pa_array.take(pa.array(at)).to_pylist()
    if isinstance(col.dtype, pd.Int64Dtype):  # Python ints, None where missing (what tolist and pd.NA give)
        vals = arr._data[at].tolist()
        for i in np.flatnonzero(arr._mask[at]).tolist():
            vals[i] = None
        return vals
    return _column_values(col.iloc[at])


def _column_values(col: pd.Series) -> list[Any]:
    """``col``'s values as ``DataFrame.to_dict("records")`` gives them: ``tolist()`` with ``pd.NA`` as None
    (dtypes whose missing value is ``pd.NA``: string, Int64, Float64, boolean, Arrow; NaT and NaN stay). Arrow-backed
    strings with ``pd.NA`` straight from Arrow (``to_pylist``: str, None where missing), without pandas' ``tolist``
    and the pass over the missing ones.

    >>> _column_values(pd.Series(["a", None], dtype="string")), _column_values(pd.Series([1, None], dtype="Int64"))
    (['a', None], [1, None])
    """
    arr = col.array
    if isinstance(arr, pd.arrays.ArrowStringArray) and col.dtype.na_value is pd.NA:
        return arr._pa_array.to_pylist()
    vals = col.tolist()
    if getattr(col.dtype, "na_value", None) is pd.NA:
        for i in col.isna().to_numpy().nonzero()[0].tolist():
            vals[i] = None
    return vals


def _normal_values(col: pd.Series, conv: Callable[[Any], Any]) -> list[Any]:
    """``[None if _na(v) else conv(v) for v in _column_values(col)]`` (``conv``: int, str or float), without a call
    per value where the dtype already gives them so: int from numpy integers and Int64 (``pd.NA`` as None), str
    from the string dtypes whose missing value is ``pd.NA``, float from float64 (NaN as None).

    >>> _normal_values(pd.Series([1.5, np.nan, -0.0]), float), _normal_values(pd.Series([2, None], dtype="Int64"), int)
    ([1.5, None, -0.0], [2, None])
    >>> _normal_values(pd.Series(["é", "", None], dtype="string"), str), _normal_values(pd.Series([1, None]), str)
    (['é', '', None], ['1.0', None])
    """
    dtype = col.dtype
    if conv is float and isinstance(dtype, np.dtype) and dtype == np.float64:
        vals = col.tolist()
        for i in np.flatnonzero(np.isnan(col.to_numpy())).tolist():
            vals[i] = None
        return vals
    if conv is int and (isinstance(dtype, pd.Int64Dtype) or (isinstance(dtype, np.dtype) and dtype.kind in "iu")):
        return _column_values(col)
    if conv is str and isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA:
        return _column_values(col)
    return [None if _na(v) else conv(v) for v in _column_values(col)]


def _row_values(frame: pd.DataFrame, raw: Iterable[str] = ()) -> Iterator[tuple[Any, ...]]:
    """Each row's values as :func:`_records` gives them, as a tuple in column order followed by one ``None``
    (what ``rec.get`` gives for a column the frame lacks), one block of column lists at a time. A column named in
    ``raw`` whose wall time is its int64 (:func:`_raw_ns`) gives that int (nanoseconds since the epoch, NaT the
    smallest int64) instead of a Timestamp: what ``pd.Timestamp`` reads back to the same wall time (respond's
    ``_fmt_date`` formats either alike), without a Timestamp made per row."""
    names = list(frame.columns)
    ints = {c for c in raw if c in names and _raw_ns(frame[c].dtype)}
    for start in range(0, len(frame), RECORD_BLOCK):
        block = frame.iloc[start : start + RECORD_BLOCK]
        yield from zip(*(block[c].array.asi8.tolist() if c in ints else _column_values(block[c]) for c in names),
                       itertools.repeat(None))


def _column_lists(block: pd.DataFrame, raw: Iterable[str] = ()) -> list[list[Any]]:
    """The values :func:`_row_values` gives for the rows of ``block`` as one list per column, in column order,
    followed by a list of ``None`` (what ``rec.get`` gives for a column the frame lacks): row ``k``'s tuple is
    ``tuple(c[k] for c in lists)``. For a block of at most :data:`RECORD_BLOCK` rows (all of them at once).

    >>> f = pd.DataFrame({"a": pd.array(["x", None], dtype="string"), "b": [1.5, float("nan")]})
    >>> _column_lists(f)
    [['x', None], [1.5, nan], [None, None]]
    """
    names = list(block.columns)
    ints = {c for c in raw if c in names and _raw_ns(block[c].dtype)}
    return [*(block[c].array.asi8.tolist() if c in ints else _column_values(block[c]) for c in names),
            [None] * len(block)]


def _normal_from(col: pd.Series, values: list[Any], conv: Callable[[Any], Any]) -> list[Any]:
    """:func:`_normal_values` of ``col`` given ``values``, its :func:`_column_values` (not a column of ``raw``
    nanoseconds): ``values`` itself where that is what :func:`_normal_values` gives (ints from integer dtypes, strs
    from the string dtypes whose missing value is ``pd.NA``), else :func:`_normal_values` of the column.

    >>> s = pd.Series([2, None], dtype="Int64"); v = _column_values(s); _normal_from(s, v, int) is v
    True
    """
    dtype = col.dtype
    if conv is int and (isinstance(dtype, pd.Int64Dtype) or (isinstance(dtype, np.dtype) and dtype.kind in "iu")):
        return values
    if conv is str and isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA:
        return values
    return _normal_values(col, conv)


def _raw_ns(dtype: Any) -> bool:
    """True for ``datetime64[ns]`` and ``datetime64[ns, UTC]``: a value's int64 (nanoseconds since the epoch) read
    by ``pd.Timestamp`` (naive) has the value's own date and time fields.

    >>> [_raw_ns(d) for d in (np.dtype("M8[ns]"), pd.DatetimeTZDtype("ns", "UTC"), np.dtype("M8[s]"),
    ...                       pd.DatetimeTZDtype("ns", "Europe/Paris"), np.dtype("int64"))]
    [True, True, False, False, False]
    """
    if isinstance(dtype, np.dtype):
        return dtype == np.dtype("M8[ns]")
    return isinstance(dtype, pd.DatetimeTZDtype) and dtype.unit == "ns" and str(dtype.tz) == "UTC"


def _na(v: Any) -> bool:
    """``v is None or pd.isna(v)`` for a scalar, answered without pandas for str, int and float.

    >>> [_na(v) for v in ("", 0, 1.5, float("nan"), None, pd.NaT, pd.NA)]
    [False, False, False, True, True, True, True]
    """
    t = type(v)
    if t is str or t is int:
        return False
    if v is None:
        return True
    if t is float:
        return v != v
    return bool(pd.isna(v))


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """``frame.to_dict("records")`` one block at a time, so a million rows never sit in memory as dicts; built
    from column lists (:func:`_column_values`), without ``to_dict``'s per-value boxing."""
    names = list(frame.columns)
    for start in range(0, len(frame), RECORD_BLOCK):
        block = frame.iloc[start : start + RECORD_BLOCK]
        for values in zip(*(_column_values(block[c]) for c in names)):
            yield dict(zip(names, values))


#: How many stable phrasing sets :func:`_unique_draft` tries before it keeps a draft that repeats one on the page.
DRAFT_VARIANTS: Final[int] = 6


def _unique_draft(rec: dict[str, Any], kind: str, topic: str | None, problem: str | None,
                  settings: ReplySettings, previous: set[str], memo: _DraftMemo | None = None,
                  learn: bool = True, keep: bool = True) -> tuple[str, list]:
    """The draft, re-phrased (stable variants) when it would repeat a reply already on the page. ``memo``
    (:class:`reviewtools.respond._DraftMemo` of ``settings``): what earlier drafts worked out, reused; with it,
    ``previous`` (the page: normalised drafts) must only grow from one call to the next, as a page of drafts
    does: once the page holds every draft a memo entry can give (found when a review of it ran out of variants),
    its later reviews go straight to the last variant, which the variants' loop would end on. ``learn=False``
    never works an entry's drafts out; ``keep=False`` works them out but holds only the drafts the page lacks
    (for a memo that lives long: :func:`_assemble`'s, beside the workers)."""
    platform = str(rec.get("platform") or "other")
    author = rec.get("author") if isinstance(rec.get("author"), str) else None
    draft = _unique_text(rec, kind, topic, problem, settings, previous, memo, learn, keep)
    prev = [draft] if _normalise(draft) in previous else []
    return draft, lint_draft(draft, platform, author=author, previous_replies=prev, region=settings.region)


def _unique_text(rec: dict[str, Any], kind: str, topic: str | None, problem: str | None,
                 settings: ReplySettings, previous: set[str], memo: _DraftMemo | None = None,
                 learn: bool = True, keep: bool = True, start: int = 0) -> str:
    """:func:`_unique_draft`'s draft without its lint (:func:`_draft_lint` gives that). ``start``: see
    :func:`_unique_variant`."""
    return _unique_variant(rec, kind, topic, problem, settings, previous, memo, learn, keep, start)[0]


def _unique_variant(rec: dict[str, Any], kind: str, topic: str | None, problem: str | None,
                    settings: ReplySettings, previous: set[str], memo: _DraftMemo | None = None,
                    learn: bool = True, keep: bool = True, start: int = 0,
                    norms: Mapping[str, str] | None = None) -> tuple[str, int]:
    """:func:`_unique_text`'s draft and the variant the search stopped at (the first whose draft the page lacks;
    :data:`DRAFT_VARIANTS` when every variant's draft is on the page: the draft is then the last variant's).
    ``start``: the caller knows the drafts of variants ``0 .. start - 1`` are all on ``previous`` (e.g. a smaller
    page that ``previous`` holds had them), so the search begins there; the draft is the same as from 0.
    ``norms``: each draft's normal form read from it (``norms[draft]``, a :class:`_Norms`) instead of
    :func:`reviewtools.respond._normalise` per draft.

    >>> page = set()
    >>> d, v = _unique_variant({"review_id": "R1", "platform": "google"}, "positive", None, None, ReplySettings(), page)
    >>> v, page.add(_normalise(d)), _unique_variant({"review_id": "R1", "platform": "google"}, "positive", None, None,
    ...                                             ReplySettings(), page, start=1)[1]
    (0, None, 1)
    """
    ctx = _draft_context(rec, kind, topic, problem, settings, memo)  # = draft_reply(..., variant=v), built once
    space = ctx.space
    if space is not None and space.spent(previous):
        # every variant's draft is on the page: the loop ends on the last
        return ctx.text(DRAFT_VARIANTS - 1), DRAFT_VARIANTS
    draft = ""
    normal = _normalise if norms is None else norms.__getitem__
    for variant in range(start, DRAFT_VARIANTS):
        draft = ctx.text(variant)
        if normal(draft) not in previous:
            return draft, variant
    if start >= DRAFT_VARIANTS:
        draft = ctx.text(DRAFT_VARIANTS - 1)
    if space is not None and learn:
        space.update(ctx, previous, keep)
    return draft, DRAFT_VARIANTS


#: How many results a triage's :attr:`_DecisionState.lints` holds at most (then no more are added).
_LINTS_SIZE: Final[int] = 1 << 16


def _lint_key(draft: Any, rec: Mapping[str, Any], on_page: bool, settings: ReplySettings) -> tuple[Any, ...] | None:
    """What :func:`_draft_lint`'s result depends on for one triage's lint rules: the draft, the platform, the
    author as ``lint_draft`` reads it (only through its name tokens, and not at all when it is empty or one
    alphanumeric word: then None; otherwise the author itself, a finer key than its tokens), whether it is on the
    page, the region. None for a draft that is not a str (``lint_draft`` raises for it).

    >>> k = _lint_key("Hi.", {"platform": "amazon", "author": "A1B2"}, False, ReplySettings())
    >>> k == _lint_key("Hi.", {"platform": "amazon", "author": ""}, False, ReplySettings()), k[2]
    (True, None)
    >>> _lint_key("Hi.", {"author": "Ann Lee"}, True, ReplySettings())[1:4]
    ('other', 'Ann Lee', True)
    """
    if type(draft) is not str:
        return None
    author = rec.get("author")
    who = author if isinstance(author, str) and author and not author.isalnum() else None
    return draft, str(rec.get("platform") or "other"), who, bool(on_page), settings.region


def _draft_lint(draft: str, rec: Mapping[str, Any], on_page: bool, settings: ReplySettings) -> tuple[str, bool]:
    """``(draft_lint, blocked)`` of a draft :func:`_unique_text` gave for the row ``rec`` (what :func:`_unique_draft`'s
    lint says of it): the summary of its lint problems that ran and whether any blocks it; ``on_page``: its normal
    form was on the page (the lint then checks it against itself as a previous reply).

    >>> _draft_lint("Write to help@shop.com", {"platform": "google"}, False, ReplySettings())
    ("block R-CONTACT 'help@shop.com': contains an e-mail address", True)
    """
    platform = str(rec.get("platform") or "other")
    author = rec.get("author") if isinstance(rec.get("author"), str) else None
    problems = lint_draft(draft, platform, author=author, previous_replies=[draft] if on_page else [],
                          region=settings.region)
    if not problems:  # what the two calls below give for none
        return "", False
    return summarise_problems(p for p in problems if p.severity != "not_run"), bool(blocking(problems))


# ============================================================================================ queue and export


def action_queue(triaged: pd.DataFrame, include_all: bool = False) -> pd.DataFrame:
    """The reviews that need action (all reviews with ``include_all``), highest priority first.

    >>> import pandas as pd
    >>> q = action_queue(pd.DataFrame({"review_id": ["a", "b"], "action": ["none", "thank"], "priority": [9.0, 1.0]}))
    >>> q["review_id"].tolist()
    ['b']
    """
    if "action" not in triaged.columns:
        raise TriageError("not a triaged frame: no 'action' column (run triage first)")
    q = triaged if include_all else triaged[triaged["action"] != "none"]
    return q.sort_values("priority", ascending=False, kind="stable").reset_index(drop=True)


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe; other values unchanged.

    >>> neutralise_cell("=HYPERLINK(1)"), neutralise_cell("-- great"), neutralise_cell("fine"), neutralise_cell(-3)
    ("'=HYPERLINK(1)", "'-- great", 'fine', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_queue(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a triaged frame (usually :func:`action_queue`'s) to ``.csv`` or ``.json``; returns the path.

    CSV is UTF-8 with a BOM (Excel reads the encoding), and every text cell starting with ``=``, ``+``, ``-``,
    ``@``, tab or carriage return gets a leading apostrophe so a spreadsheet shows it instead of running it.
    JSON is a list of records with ISO dates, unmodified. Columns: those of :data:`QUEUE_COLUMNS` present.
    """
    path = Path(path)
    cols = [c for c in QUEUE_COLUMNS if c in frame.columns]
    data = frame[cols].copy()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        for c in data.columns:
            if data[c].dtype == object or pd.api.types.is_string_dtype(data[c].dtype):  # "str" in pandas 3 too
                data[c] = data[c].astype(object).map(neutralise_cell)
        data.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".json":
        data.to_json(path, orient="records", date_format="iso", force_ascii=False, indent=1)
    else:
        raise TriageError(f"{path}: unknown output type {suffix or '(none)'}; expected .csv or .json")
    return path


__all__ = [
    "ACTIONS",
    "TRIAGE_COLUMNS",
    "QUEUE_COLUMNS",
    "RATING_POINTS",
    "RECENCY_POINTS",
    "RECENCY_HALF_LIFE_DAYS",
    "HELPFUL_POINTS",
    "HELPFUL_FULL_AT",
    "DRAG_POINTS",
    "DRAG_FULL_AT",
    "FORMULA_PREFIXES",
    "TriageError",
    "TriageResult",
    "PARALLEL_MIN_REVIEWS",
    "CHUNKS_PER_PROCESS",
    "MAX_PARTITION_ROWS",
    "DECISION_MAX_BLOCK",
    "WORKER_MAX_TASKS",
    "POOL_START_METHOD",
    "triage_partition",
    "default_processes",
    "triage",
    "run_triage",
    "recommend",
    "action_queue",
    "neutralise_cell",
    "export_queue",
]
