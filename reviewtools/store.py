"""The local review store: an SQLite file that remembers every export a brand manager ingests.

Run the tool every day or week on a fresh export: the store upserts reviews on ``(platform, review_id)``,
keeps the history of edited reviews, marks reviews that a later *full* export no longer contains as possibly
removed (never deletes them), stores triage results keyed on each review's content hash so only new or
changed reviews are scored again, and tracks the team's work on each recommended action.

>>> import pandas as pd, tempfile, pathlib
>>> from reviewtools.schema import coerce
>>> frame = coerce(pd.DataFrame({"review_id": ["R1"], "platform": ["amazon"], "rating": [2],
...                              "text": ["Broke in a week"], "created_at": ["2024-05-01"]}))
>>> with ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "reviews.db") as store:
...     store.ingest(frame, source="export.csv").new
1

Design notes
------------
* **What "changed" means.** A review's *content* is its rating, title and text; ``content_hash`` is a BLAKE2b
  digest of those. A different content hash makes a new version (the old one goes to ``review_versions`` with
  the time it was first seen and the time it was replaced). The other columns (helpful votes, the seller's
  reply, author, ...) are refreshed in place when they differ (``meta_hash``), without a new version.
* **What a "full export of the same product" is.** ``ingest(..., full_export=True)`` is the caller's promise
  that the frame holds *every* review the platform showed for its products over the export's date range.
  The scope is, per platform, the product ids present in the frame and the window from the earliest to the
  latest ``created_at`` in the frame (Brand Dashboard style exports only keep the last 30-90 days, so older
  reviews missing from them are not evidence of removal). Stored reviews inside that scope and absent from the
  frame are marked ``possibly_removed_at``. Rows with no ``product_id`` define no scope. A review marked
  possibly removed that shows up again is restored (the mark is cleared and counted).
* **Transactions.** Every write is one ``BEGIN IMMEDIATE`` transaction in WAL mode: a process killed
  halfway leaves the store as it was before, and a second writer waits ``timeout`` seconds for the lock and then
  fails with :class:`~reviewtools.errors.StoreBusyError`. Readers never block.
* **Schema migrations** are SQL files in ``reviewtools/resources/migrations/`` named ``NNN_name.sql``; the
  store applies, in order, those above ``PRAGMA user_version`` when it opens the file.
"""

from __future__ import annotations

import getpass
import hashlib
import importlib.resources
import inspect
import itertools
import json
import logging
import math
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from . import __version__
from .errors import InvalidTransitionError, ReviewNotFoundError, SchemaError, StoreBusyError, StoreError
from .schema import COLUMNS, DTYPES, coerce, validate

log = logging.getLogger(__name__)

#: Environment variable that overrides the default store path.
DB_ENV: Final[str] = "REVIEWTOOLS_DB"
#: File name of the store inside the user's data folder.
DB_FILENAME: Final[str] = "reviews.db"
#: Seconds a writer waits for another writer's lock before :class:`StoreBusyError` (SQLite busy_timeout).
DEFAULT_TIMEOUT: Final[float] = 30.0
#: SQLite page cache per connection, in KiB (``PRAGMA cache_size``; allocated only as pages are used). SQLite's
#: default is 2 MiB: a first ingest of a million reviews inserts random keys into the (platform, review_id) indexes,
#: and with 2 MiB their pages are evicted and spilled to the WAL over and over (measured at 1M reviews on a shared
#: 2-core machine: 204 s wall with the default, 65 s with 256 MiB; benchmarks/store_bench.py).
CACHE_KIB: Final[int] = 262_144
#: Rows per ``executemany`` batch; the progress callback is called after each batch.
BATCH_ROWS: Final[int] = 5_000
#: Columns that make up a review's content: a change in any of them makes a new version.
CONTENT_COLUMNS: Final[tuple[str, ...]] = ("rating", "title", "text")
#: The other canonical columns of a review, refreshed in place when they change.
META_COLUMNS: Final[tuple[str, ...]] = tuple(
    c for c in COLUMNS if c not in CONTENT_COLUMNS + ("platform", "review_id")
)
#: Columns that record where a row was read. They are written whenever a review is inserted or rewritten, but a
#: review whose only difference is its file or row (tomorrow's export, another order) is unchanged and not rewritten.
PROVENANCE_COLUMNS: Final[tuple[str, ...]] = ("source_file", "source_row")
#: Metadata columns whose change refreshes a stored review in place (``meta_hash``), without a new version.
META_HASHED_COLUMNS: Final[tuple[str, ...]] = tuple(c for c in META_COLUMNS if c not in PROVENANCE_COLUMNS)
#: Columns of the row fingerprint ``fp`` (migration 003): content and hashed metadata.
FP_COLUMNS: Final[tuple[str, ...]] = CONTENT_COLUMNS + META_HASHED_COLUMNS
#: Rows hashed per pyarrow chunk: bounds the joined-text buffer (about 0.5 KB a review, so ~50 MB).
HASH_CHUNK_ROWS: Final[int] = 100_000
#: Host parameters per ``IN (...)`` query (SQLite's default SQLITE_MAX_VARIABLE_NUMBER was 999 before 3.32).
_IN_CHUNK: Final[int] = 900
#: Columns triage adds that define the recommended action (issue 4, ARCHITECTURE.md ``pipeline`` row).
ACTION_COLUMNS: Final[tuple[str, ...]] = ("action", "action_reason", "priority", "draft")
#: Recommended actions that need nobody's work; kept in the store but not listed as open.
NO_ACTION: Final[str] = "none"

_TS_COLUMNS: Final[tuple[str, ...]] = tuple(c for c, t in DTYPES.items() if t.startswith("datetime"))
_BOOL_COLUMNS: Final[tuple[str, ...]] = tuple(c for c, t in DTYPES.items() if t == "boolean")
_INT_COLUMNS: Final[tuple[str, ...]] = tuple(c for c, t in DTYPES.items() if t == "Int64")
_TS_FORMAT: Final[str] = "%Y-%m-%dT%H:%M:%S.%fZ"
_SEP: Final[str] = "\x1f"  # ASCII unit separator between hashed fields
_NULL: Final[str] = "\x00"  # marks a null field in the hashed text, so null and "" differ
#: BLAKE2b personalisation of the row fingerprint (at most 16 bytes). A new fingerprint recipe gets a new value, so
#: old and new fingerprints never match by accident and the stored rows are compared by their exact hashes once.
_FP_PERSON: Final[bytes] = b"reviewtools-fp1"
_REMOVED: Final[int] = 1  # flag bits of ReviewStore._stored_index
_NO_FP: Final[int] = 2
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


# ------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class IngestReport:
    """What one :meth:`ReviewStore.ingest` did. Keys are ``(platform, review_id)`` tuples."""

    source: str
    ingest_id: int
    rows: int
    new: int
    changed: int
    unchanged: int
    possibly_removed: int
    restored: int = 0
    refreshed: int = 0
    rejected: int = 0
    full_export: bool = False
    new_keys: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    changed_keys: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    removed_keys: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The counts as a plain dict (for printing or JSON)."""
        return {
            k: getattr(self, k)
            for k in ("source", "rows", "new", "changed", "unchanged", "rejected", "possibly_removed",
                      "restored", "refreshed", "full_export")
        }


@dataclass(frozen=True)
class TriageReport:
    """What one :meth:`ReviewStore.score_pending` did."""

    scored: int
    already_scored: int
    actions_created: int
    actions_updated: int


@dataclass(frozen=True)
class Workflow:
    """The action statuses and their allowed transitions, loaded from ``resources/workflow/statuses.json``."""

    initial: str
    statuses: Mapping[str, str]
    open: tuple[str, ...]
    transitions: Mapping[str, tuple[str, ...]]

    def check(self, current: str, new: str) -> None:
        """Raise :class:`StoreError` (a ``ValueError`` too) unless ``current`` → ``new`` is allowed."""
        if new not in self.statuses:
            raise InvalidTransitionError(
                f"unknown status {new!r}; expected one of {', '.join(self.statuses)}"
            )
        allowed = self.transitions.get(current, ())
        if new not in allowed:
            hint = f"allowed from {current!r}: {', '.join(allowed)}" if allowed else f"{current!r} is final"
            raise InvalidTransitionError(f"cannot move an action from {current!r} to {new!r} ({hint})")


def load_workflow() -> Workflow:
    """Load the action workflow (statuses and allowed transitions) from package resources.

    >>> load_workflow().initial
    'new'
    """
    raw = json.loads(
        importlib.resources.files("reviewtools").joinpath("resources", "workflow", "statuses.json").read_text("utf-8")
    )
    return Workflow(
        initial=raw["initial"],
        statuses=dict(raw["statuses"]),
        open=tuple(raw["open"]),
        transitions={k: tuple(v) for k, v in raw["transitions"].items()},
    )


def migrations() -> list[tuple[int, str, str]]:
    """The schema migrations as ``(version, file name, sql)``, in order.

    >>> [v for v, _, _ in migrations()][:2]
    [1, 2]
    """
    found = []
    for entry in importlib.resources.files("reviewtools").joinpath("resources", "migrations").iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"migration files must be numbered 001, 002, ... without gaps; found {versions}")
    return found


def default_db_path(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """Where the store lives when no path is given.

    ``$REVIEWTOOLS_DB`` wins; otherwise the user's data folder: ``$XDG_DATA_HOME/reviewtools/reviews.db``
    (default ``~/.local/share``) on Linux, ``~/Library/Application Support/reviewtools`` on macOS,
    ``%LOCALAPPDATA%\\reviewtools`` on Windows.

    >>> default_db_path({"REVIEWTOOLS_DB": "/tmp/x.db"}).name
    'x.db'
    >>> str(default_db_path({"XDG_DATA_HOME": "/data"}, platform="linux"))
    '/data/reviewtools/reviews.db'
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if env.get(DB_ENV):
        return Path(env[DB_ENV]).expanduser()
    home = Path(env.get("HOME") or Path.home())
    if platform.startswith("win"):
        base = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "reviewtools" / DB_FILENAME


# ------------------------------------------------------------------------------------------- helpers


def _now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC")


def _fmt_ts(ts: pd.Timestamp) -> str:
    return pd.Timestamp(ts).tz_convert("UTC").strftime(_TS_FORMAT)


def _hash_rows(parts: list[list[Any]]) -> list[str]:
    """BLAKE2b-128 of each row of ``parts`` (lists of column values), nulls distinct from empty strings.

    The reference definition of the stored hashes, one Python row at a time; :func:`_row_hashes` computes the same
    digests from a frame with pyarrow and is what ingest uses.
    """
    out = []
    for row in zip(*parts):
        s = _SEP.join(_NULL if v is None else str(v) for v in row)
        out.append(hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest())
    return out


def _iso_unicode(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A UTC timestamp column as ``_TS_FORMAT`` text in a numpy unicode array, and its null mask (numpy's C
    formatter: microseconds truncated like ``strftime("%f")``, ``Z`` for UTC)."""
    naive = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return np.datetime_as_string(naive, unit="us", timezone="UTC"), np.isnat(naive)


def _iso_text(s: pd.Series) -> np.ndarray:
    """A UTC timestamp column as ``_TS_FORMAT`` text (object array, None for null)."""
    txt, null = _iso_unicode(s)
    out = txt.astype(object)
    out[null] = None
    return out


def _arrow_text(s: pd.Series) -> pa.Array:
    """One canonical column as a pyarrow ``large_string`` array, as :func:`_hash_rows` spells each value
    (ints as digits, timestamps as ``_TS_FORMAT``, booleans as ``true``/``false``), nulls as ``_NULL``."""
    if s.name in _TS_COLUMNS:
        txt, null = _iso_unicode(s)
        arr: Any = pa.array(txt, type=pa.large_string(), mask=null)
    else:
        arr = pa.array(s.array, from_pandas=True)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = pc.cast(arr, pa.large_string())
    return pc.fill_null(arr, _NULL)


def _row_digests(frame: pd.DataFrame, columns: tuple[str, ...], *, digest_size: int, person: bytes = b"") -> list[bytes]:
    """BLAKE2b of each row's ``columns`` joined by ``_SEP`` (nulls as ``_NULL``), as raw digests.

    The text of a chunk of rows is joined once by pyarrow; each row is then one ``hashlib.blake2b`` call over a
    slice of that buffer, with no Python string per row. For content columns this is byte for byte the text
    :func:`_hash_rows` hashes (the stored ``content_hash`` keeps its definition).
    """
    out: list[bytes] = []
    b2 = hashlib.blake2b
    sep = pa.scalar(_SEP, pa.large_string())
    for a, b in _chunks(len(frame), HASH_CHUNK_ROWS):
        part = frame.iloc[a:b]
        joined = pc.binary_join_element_wise(*[_arrow_text(part[c]) for c in columns], sep)
        if isinstance(joined, pa.ChunkedArray):
            joined = joined.combine_chunks()
        _, offsets_buf, data_buf = joined.buffers()
        offsets = np.frombuffer(offsets_buf, dtype=np.int64)[joined.offset: joined.offset + len(joined) + 1].tolist()
        data = memoryview(data_buf) if data_buf is not None else memoryview(b"")
        out += [b2(data[i:j], digest_size=digest_size, person=person).digest() for i, j in zip(offsets, offsets[1:])]
    return out


def _row_hashes(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[str]:
    """The stored hex hash (BLAKE2b-128, :func:`_hash_rows`'s definition) of each row's ``columns``."""
    return [d.hex() for d in _row_digests(frame, columns, digest_size=16)]


def _fingerprints(frame: pd.DataFrame) -> np.ndarray:
    """The row fingerprint ``fp`` (BLAKE2b-64 of :data:`FP_COLUMNS`, personalised) as little-endian int64.

    >>> from reviewtools.schema import coerce
    >>> f = coerce(pd.DataFrame({"review_id": ["A", "B"], "platform": "google", "rating": [5, 5],
    ...                          "text": ["Great", "Great"], "created_at": "2024-01-02"}))
    >>> fp = _fingerprints(f); bool(fp[0] == fp[1]), fp.dtype.name
    (True, 'int64')
    """
    if not len(frame):
        return np.zeros(0, dtype=np.int64)
    raw = b"".join(_row_digests(frame, FP_COLUMNS, digest_size=8, person=_FP_PERSON))
    return np.frombuffer(raw, dtype="<i8").astype(np.int64)


def _to_sql_values(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Canonical columns as lists of plain Python values (None for null), timestamps as ISO text."""
    cols: dict[str, list[Any]] = {}
    for c in COLUMNS:
        s = frame[c]
        if c in _TS_COLUMNS:
            cols[c] = _iso_text(s).tolist()
        elif c in _BOOL_COLUMNS:
            cols[c] = s.astype("Int64").to_numpy(dtype=object, na_value=None).tolist()
        else:
            cols[c] = s.to_numpy(dtype=object, na_value=None).tolist()
    return cols


def _json_value(v: Any) -> Any:
    """A JSON-safe version of one cell."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return None if math.isnan(float(v)) else float(v)
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [_json_value(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_json_value(x) for x in v.tolist()]
    if isinstance(v, dict):
        return {str(k): _json_value(x) for k, x in v.items()}
    if isinstance(v, (str, int, float)):
        return v
    return str(v)


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(n, start + size)


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` during long writes."""


@dataclass(frozen=True)
class PresentRows:
    """Stored reviews an incremental re-ingest found unchanged in the export (by review id), and how to read their
    ``platform, product_id, created_at`` when a full export needs its scope. ``index``, when given, is what
    ``ReviewStore._keyed_index`` returned, in the same transaction, for keys that include every key of the frame
    being upserted (the re-ingest looked them up already): the upsert uses it instead of querying them again."""

    pks: np.ndarray
    scope: Callable[[], pd.DataFrame]
    index: tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray] | None = None


# --------------------------------------------------------------------------------------------- store


class ReviewStore:
    """An SQLite review store with incremental ingest, history, stored triage results and an action workflow.

    ``path`` is created (with its folder) when missing; ``None`` means :func:`default_db_path`. ``timeout`` is how
    long a writer waits for another writer (default :data:`DEFAULT_TIMEOUT`). ``clock`` returns "now" as a UTC timestamp (tests pass a fixed one).
    Use it as a context manager, or call :meth:`close`.

    >>> import tempfile, pathlib
    >>> with ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db") as s:
    ...     s.schema_version == len(migrations())
    True
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float | None = None,
        clock: Callable[[], pd.Timestamp] | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.timeout = float(DEFAULT_TIMEOUT if timeout is None else timeout)
        self._clock = clock or _now
        self.workflow = load_workflow()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the review store at {self.path}: {exc}") from exc
        try:
            self._con.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            mode = self._con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("store %s: journal mode is %s, not WAL", self.path, mode)
            self._con.execute("PRAGMA foreign_keys = ON")
            self._con.execute("PRAGMA synchronous = NORMAL")  # safe in WAL mode: a crash never corrupts
            self._con.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._con.close()
            if isinstance(exc, sqlite3.OperationalError) and _is_locked(exc):
                raise self._busy() from exc
            raise StoreError(f"{self.path} is not a usable review store: {exc}") from exc

    # ----------------------------------------------------------------------------- plumbing

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._con.close()

    def __repr__(self) -> str:
        return f"ReviewStore({str(self.path)!r})"

    def _busy(self) -> StoreBusyError:
        return StoreBusyError(
            f"the review store {self.path} is busy: another process has been writing to it for more than "
            f"{self.timeout:g} s; wait for it to finish and run again (or raise the timeout)"
        )

    def _begin(self) -> None:
        try:
            self._con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_locked(exc):
                raise self._busy() from exc
            raise StoreError(f"cannot write to the review store {self.path}: {exc}") from exc

    def _write(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` inside one ``BEGIN IMMEDIATE`` transaction; roll back on any error."""
        self._begin()
        try:
            result = work()
            self._con.execute("COMMIT")
        except BaseException as exc:
            if self._con.in_transaction:
                self._con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and _is_locked(exc):
                raise self._busy() from exc
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"writing to the review store {self.path} failed: {exc}") from exc
            raise
        return result

    def _ts(self) -> str:
        return _fmt_ts(self._clock())

    @property
    def schema_version(self) -> int:
        """The applied schema version (``PRAGMA user_version``)."""
        return int(self._con.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        steps = [m for m in migrations() if m[0] > current]
        if current > len(migrations()):
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this reviewtools "
                f"({len(migrations())}); upgrade reviewtools"
            )
        for version, name, sql in steps:
            log.info("store %s: applying migration %s", self.path, name)
            self._begin()
            try:
                for statement in _split_sql(sql):
                    self._con.execute(statement)
                self._con.execute(f"PRAGMA user_version = {version}")
                self._con.execute("COMMIT")
            except BaseException as exc:
                self._con.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"migration {name} failed on {self.path}: {exc}") from exc
                raise

    def integrity_check(self) -> list[str]:
        """SQLite's ``integrity_check`` and ``foreign_key_check``; an empty list means the file is sound."""
        rows = [r[0] for r in self._con.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        problems += [str(r) for r in self._con.execute("PRAGMA foreign_key_check")]
        return problems

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (reviews, versions, results, actions, ingests, possibly removed).

        >>> import tempfile, pathlib
        >>> ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db").counts()["reviews"]
        0
        """
        q = self._con.execute
        return {
            "reviews": q("SELECT count(*) FROM reviews").fetchone()[0],
            "versions": q("SELECT count(*) FROM review_versions").fetchone()[0],
            "results": q("SELECT count(*) FROM results").fetchone()[0],
            "actions": q("SELECT count(*) FROM actions").fetchone()[0],
            "ingests": q("SELECT count(*) FROM ingests WHERE finished_at IS NOT NULL").fetchone()[0],
            "possibly_removed": q(
                "SELECT count(*) FROM reviews WHERE possibly_removed_at IS NOT NULL"
            ).fetchone()[0],
        }

    # ------------------------------------------------------------------------------- ingest

    def ingest(
        self,
        reviews: Any,
        *,
        source: str | None = None,
        full_export: bool = False,
        rejected: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Upsert a canonical frame (or an ``ingest.IngestResult``) in one transaction.

        Reviews are keyed on ``(platform, review_id)``: new ones are inserted, ones whose rating, title or text
        differ get a new version (the old one kept in the history), the rest are unchanged. With
        ``full_export=True`` stored reviews of the same products and date range that the frame lacks are marked
        possibly removed (see the module notes). ``rejected`` is only reported (an ``IngestResult``'s rejects
        are counted for you). ``progress(stage, done, total)`` is called after each batch.

        Raises :class:`SchemaError` for a frame that is not canonical or repeats a key,
        :class:`StoreBusyError` when another writer holds the lock past ``timeout``.

        >>> import tempfile, pathlib
        >>> from reviewtools.schema import coerce
        >>> f = coerce(pd.DataFrame({"review_id": ["A"], "platform": ["google"], "rating": [5], "text": ["Great"],
        ...                          "created_at": ["2024-01-02"]}))
        >>> s = ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db")
        >>> s.ingest(f).new, s.ingest(f).unchanged
        (1, 1)
        """
        frame, n_rejected, default_source = _unwrap(reviews)
        if rejected is not None:
            n_rejected = int(rejected)
        source = source or default_source or "frame"
        return self._upsert(frame, source=source, full_export=full_export, n_rejected=n_rejected, progress=progress)

    def ingest_file(
        self,
        path: str | os.PathLike[str],
        *,
        format: str | None = None,
        column_map: Mapping[str, str] | None = None,
        platform: str | None = None,
        rating_scale: tuple[float, float] | None = None,
        full_export: bool = False,
        progress: ProgressCallback | None = None,
        incremental: bool = True,
    ) -> Any:
        """Read one export file and upsert it, re-reading only the records that are new since the last ingest of
        its layout (:func:`reviewtools.incremental.ingest_file`; the same counts and stored rows as
        ``ingest(read_reviews(path, ...))``). Returns a :class:`reviewtools.incremental.FileIngest`.

        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "e.csv").write_text("Stars,Review,Date\\n5,Great,2024-01-15\\n")
        >>> with ReviewStore(d / "r.db") as s:
        ...     s.ingest_file(d / "e.csv").report.new, s.ingest_file(d / "e.csv").mode
        (1, 'incremental')
        """
        from .incremental import ingest_file

        return ingest_file(self, path, format=format, column_map=column_map, platform=platform,
                           rating_scale=rating_scale, full_export=full_export, progress=progress,
                           incremental=incremental)

    def _upsert(
        self,
        frame: pd.DataFrame,
        *,
        source: str,
        full_export: bool,
        n_rejected: int,
        progress: ProgressCallback | None,
        present: PresentRows | None = None,
        after: Callable[[int, np.ndarray, np.ndarray], None] | None = None,
        in_transaction: bool = False,
    ) -> IngestReport:
        """The body of :meth:`ingest`. ``present`` (incremental re-ingest) are stored reviews the export holds
        unchanged, known by id only: they count as unchanged rows, keep their removal marks clear and are in
        the export's scope for ``full_export``; the frame's keys are then looked up one by one instead of
        scanning every stored key. ``after(ingest_id, pks, fp)`` runs inside the transaction with each frame
        row's review id and fingerprint. ``in_transaction``: the caller already holds the write transaction."""
        frame = _canonical(frame, source).reset_index(drop=True)
        n = len(frame)
        n_present = 0 if present is None else len(present.pks)
        fp = _fingerprints(frame)
        keys = pc.binary_join_element_wise(
            _arrow_text(frame["platform"]), _arrow_text(frame["review_id"]), pa.scalar(_SEP, pa.large_string())
        )
        platforms = sorted(frame["platform"].unique().tolist())

        def work() -> IngestReport:
            now = self._ts()
            cur = self._con.execute(
                "INSERT INTO ingests (source, started_at, full_export, rows, rejected) VALUES (?, ?, ?, ?, ?)",
                (source, now, int(full_export), n + n_present, n_rejected),
            )
            ingest_id = int(cur.lastrowid)
            max_pk = int(self._con.execute("SELECT ifnull(max(id), 0) FROM reviews").fetchone()[0])
            # 1. Which rows are known, and which known rows have another fingerprint (one query, numpy).
            s_keys, s_id, s_fp, s_flags = (self._stored_index(platforms) if present is None
                                           else present.index if present.index is not None
                                           else self._keyed_index(frame))
            pos = np.full(n, -1, dtype=np.int64)
            if len(s_keys):  # pyarrow's hash lookup of each incoming key among the stored ones
                found = pc.index_in(keys, value_set=s_keys)
                pos = found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            known = pos >= 0
            kpos = pos[known]
            pk = np.full(n, -1, dtype=np.int64)
            pk[known] = s_id[kpos]
            differs = np.zeros(n, dtype=bool)
            differs[known] = (s_fp[kpos] != fp[known]) | (s_flags[kpos] & _NO_FP).astype(bool)
            restored_pks = pk[known][(s_flags[kpos] & _REMOVED).astype(bool)].tolist()
            new_idx = np.flatnonzero(~known)
            check_idx = np.flatnonzero(differs)
            # 2. Only new rows and rows with another fingerprint become Python values and exact hashes.
            cand = np.concatenate([new_idx, check_idx])
            sub = frame.iloc[cand]
            values = _to_sql_values(sub)
            content_hash = _row_hashes(sub, CONTENT_COLUMNS)
            meta_hash = _row_hashes(sub, META_HASHED_COLUMNS)
            sub_fp = fp[cand].tolist()
            n_new = len(new_idx)
            stored = self._stored_hashes(pk[check_idx].tolist())
            changed_j: list[int] = []  # positions in `sub`
            same_meta: set[int] = set()  # of changed_j: the hashed metadata is what the row holds
            refresh_j: list[int] = []
            fp_only: list[tuple[int, int]] = []
            for j in range(n_new, len(cand)):
                row_pk = int(pk[cand[j]])
                old_content, old_meta = stored[row_pk]
                if old_content != content_hash[j]:
                    changed_j.append(j)
                    if old_meta == meta_hash[j]:
                        same_meta.add(j)
                elif old_meta != meta_hash[j]:
                    refresh_j.append(j)
                else:  # same exact hashes, new fingerprint recipe (or a row stored before migration 003)
                    fp_only.append((sub_fp[j], row_pk))
            total = n_new + len(changed_j) + len(refresh_j)
            done = 0
            cols = list(COLUMNS)
            insert_sql = (
                f"INSERT INTO reviews ({', '.join(cols)}, content_hash, meta_hash, fp, version, first_seen_at, "
                f"changed_at, first_ingest_id, last_ingest_id) VALUES ({', '.join('?' * (len(cols) + 8))})"
            )
            # Row tuples are zipped in C from the column lists (the first n_new entries are the new rows).
            constants = (1, now, now, ingest_id, ingest_id)
            new_rows = zip(*(values[c] for c in cols), content_hash, meta_hash, sub_fp,
                           *(itertools.repeat(v) for v in constants))
            for a, b in _chunks(n_new, BATCH_ROWS):
                self._con.executemany(insert_sql, itertools.islice(new_rows, b - a))
                done += b - a
                if progress:
                    progress("write", done, total)
            upd = [c for c in cols if c not in ("platform", "review_id")]
            set_all = ", ".join(f"{c} = ?" for c in upd)
            set_meta = ", ".join(f"{c} = ?" for c in META_COLUMNS)
            # A changed review whose hashed metadata is unchanged is written without those columns: SQLite rewrites
            # an index entry whenever the UPDATE names one of its columns, even with the same value, and the
            # product index (platform, product_id, created_at) is where an edited review sits at random (at 1M
            # reviews with 5,000 edits: ~4,000 of the transaction's 21,000 WAL pages). The row ends the same.
            upd_content = [c for c in upd if c not in META_HASHED_COLUMNS]
            set_content = ", ".join(f"{c} = ?" for c in upd_content)
            for a, b in _chunks(len(changed_j), BATCH_ROWS):
                batch = changed_j[a:b]
                pks = [int(pk[cand[j]]) for j in batch]
                self._con.executemany(
                    "INSERT INTO review_versions (review_pk, version, rating, title, text, content_hash, "
                    "valid_from, replaced_at, replaced_by_ingest_id) "
                    "SELECT id, version, rating, title, text, content_hash, changed_at, ?, ? FROM reviews "
                    "WHERE id = ?",
                    ((now, ingest_id, row_pk) for row_pk in pks),
                )
                whole = [(j, p) for j, p in zip(batch, pks) if j not in same_meta]
                content = [(j, p) for j, p in zip(batch, pks) if j in same_meta]
                for columns, setting, rows in ((upd, set_all, whole), (upd_content, set_content, content)):
                    if not rows:
                        continue
                    self._con.executemany(
                        f"UPDATE reviews SET {setting}, content_hash = ?, meta_hash = ?, fp = ?, "
                        "version = version + 1, changed_at = ?, last_ingest_id = ?, possibly_removed_at = NULL "
                        "WHERE id = ?",
                        (
                            [values[c][j] for c in columns]
                            + [content_hash[j], meta_hash[j], sub_fp[j], now, ingest_id, row_pk]
                            for j, row_pk in rows
                        ),
                    )
                done += len(batch)
                if progress:
                    progress("write", done, total)
            for a, b in _chunks(len(refresh_j), BATCH_ROWS):
                batch = refresh_j[a:b]
                self._con.executemany(
                    f"UPDATE reviews SET {set_meta}, meta_hash = ?, fp = ?, last_ingest_id = ? WHERE id = ?",
                    (
                        [values[c][j] for c in META_COLUMNS] + [meta_hash[j], sub_fp[j], ingest_id, int(pk[cand[j]])]
                        for j in batch
                    ),
                )
                done += len(batch)
                if progress:
                    progress("write", done, total)
            if fp_only:
                self._con.executemany("UPDATE reviews SET fp = ? WHERE id = ?", fp_only)
            if restored_pks:
                self._con.executemany(
                    "UPDATE reviews SET possibly_removed_at = NULL, last_ingest_id = ? WHERE id = ?",
                    ((ingest_id, row_pk) for row_pk in restored_pks),
                )
            removed_keys: list[tuple[str, str]] = []
            if full_export:
                keys_here = set(zip(frame["platform"].tolist(), frame["review_id"].tolist()))
                scope = frame if present is None else pd.concat([frame[["platform", "product_id", "created_at"]],
                                                                 present.scope()], ignore_index=True)
                removed_keys = self._mark_missing(scope, keys_here, now, ingest_id,
                                                  present_pks=frozenset() if present is None else
                                                  frozenset(present.pks.tolist()))
            if after is not None:
                row_pks = pk.copy()
                row_pks[new_idx] = np.arange(max_pk + 1, max_pk + 1 + n_new, dtype=np.int64)
                if n_new and int(self._con.execute("SELECT max(id) FROM reviews").fetchone()[0]) != max_pk + n_new:
                    raise StoreError("new reviews did not get consecutive ids; cannot record the export's raw state")
                after(ingest_id, row_pks, fp)
            n_changed = len(changed_j)
            n_unchanged = n + n_present - n_new - n_changed
            self._con.execute(
                "UPDATE ingests SET finished_at = ?, new = ?, changed = ?, unchanged = ?, possibly_removed = ? "
                "WHERE id = ?",
                (self._ts(), n_new, n_changed, n_unchanged, len(removed_keys), ingest_id),
            )
            plat, rid = values["platform"], values["review_id"]
            return IngestReport(
                source=source,
                ingest_id=ingest_id,
                rows=n + n_present,
                new=n_new,
                changed=n_changed,
                unchanged=n_unchanged,
                possibly_removed=len(removed_keys),
                restored=len(restored_pks),
                refreshed=len(refresh_j),
                rejected=n_rejected,
                full_export=full_export,
                new_keys=tuple(zip(plat[:n_new], rid[:n_new])),
                changed_keys=tuple((plat[j], rid[j]) for j in changed_j),
                removed_keys=tuple(removed_keys),
            )

        report = work() if in_transaction else self._write(work)
        log.info("store %s: ingested %s: %s", self.path, source, report.as_dict())
        return report

    def _stored_index(self, platforms: list[str]) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
        """Every stored review of ``platforms`` as ``(key, id, fp, flags)`` columns in one query.

        ``key`` is ``platform + _SEP + review_id`` (platform names never hold the separator, so keys are unique);
        ``flags`` has :data:`_REMOVED` for a review marked possibly removed, :data:`_NO_FP` for a null fingerprint.
        """
        empty = (pa.array([], pa.large_string()), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
        if not platforms:
            return empty
        rows = self._con.execute(
            f"SELECT platform || char({ord(_SEP)}) || review_id, id, ifnull(fp, 0), "
            f"(possibly_removed_at IS NOT NULL) * {_REMOVED} + (fp IS NULL) * {_NO_FP} FROM reviews "
            f"WHERE platform IN ({', '.join('?' * len(platforms))})",
            platforms,
        ).fetchall()
        if not rows:
            return empty
        # pyarrow turns the row tuples into columns in C (a Python zip(*rows) costs several times more).
        table = pa.array(rows, type=pa.struct([("key", pa.large_string()), ("id", pa.int64()), ("fp", pa.int64()),
                                               ("flags", pa.int64())]))
        ints = [table.field(i).to_numpy() for i in (1, 2, 3)]
        return table.field(0), ints[0], ints[1], ints[2]

    def _keyed_index(self, frame: pd.DataFrame) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_stored_index` for the frame's own keys only (an index look-up each, chunked ``IN`` queries):
        what an incremental re-ingest uses, whose frame holds a few re-read rows of a large store."""
        rows: list[tuple[Any, ...]] = []
        for platform, ids in frame.groupby("platform", sort=True)["review_id"]:
            ids = ids.tolist()
            for a, b in _chunks(len(ids), _IN_CHUNK):
                chunk = ids[a:b]
                rows += self._con.execute(
                    f"SELECT platform || char({ord(_SEP)}) || review_id, id, ifnull(fp, 0), "
                    f"(possibly_removed_at IS NOT NULL) * {_REMOVED} + (fp IS NULL) * {_NO_FP} FROM reviews "
                    f"WHERE platform = ? AND review_id IN ({', '.join('?' * len(chunk))})",
                    [platform, *chunk],
                ).fetchall()
        if not rows:
            return (pa.array([], pa.large_string()), np.zeros(0, np.int64), np.zeros(0, np.int64),
                    np.zeros(0, np.int64))
        table = pa.array(rows, type=pa.struct([("key", pa.large_string()), ("id", pa.int64()), ("fp", pa.int64()),
                                               ("flags", pa.int64())]))
        ints = [table.field(i).to_numpy() for i in (1, 2, 3)]
        return table.field(0), ints[0], ints[1], ints[2]

    def _stored_hashes(self, pks: list[int]) -> dict[int, tuple[str, str]]:
        """``id -> (content_hash, meta_hash)`` for the given review ids, in chunked ``IN`` queries."""
        out: dict[int, tuple[str, str]] = {}
        for a, b in _chunks(len(pks), _IN_CHUNK):
            chunk = pks[a:b]
            for row_pk, ch, mh in self._con.execute(
                f"SELECT id, content_hash, meta_hash FROM reviews WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            ):
                out[int(row_pk)] = (ch, mh)
        return out

    def _mark_missing(
        self, frame: pd.DataFrame, present: set[tuple[str, str]], now: str, ingest_id: int,
        present_pks: frozenset[int] = frozenset(),
    ) -> list[tuple[str, str]]:
        """Mark stored reviews in the export's scope (platform, product ids, date range) that it lacks.

        ``frame`` needs ``platform, product_id, created_at``; a review is present when its key is in ``present``
        or its id in ``present_pks`` (the unchanged records of an incremental re-ingest)."""
        scoped = frame[frame["product_id"].notna()]
        marked: list[tuple[str, str]] = []
        for platform, group in scoped.groupby("platform", sort=True):
            lo = _fmt_ts(group["created_at"].min())
            hi = _fmt_ts(group["created_at"].max())
            products = sorted(set(group["product_id"].astype(str)))
            for a, b in _chunks(len(products), 500):
                chunk = products[a:b]
                rows = self._con.execute(
                    "SELECT id, review_id FROM reviews WHERE platform = ? AND possibly_removed_at IS NULL "
                    f"AND product_id IN ({', '.join('?' * len(chunk))}) AND created_at BETWEEN ? AND ?",
                    [platform, *chunk, lo, hi],
                ).fetchall()
                gone = [(pk, rid) for pk, rid in rows if (platform, rid) not in present and pk not in present_pks]
                self._con.executemany(
                    "UPDATE reviews SET possibly_removed_at = ?, last_ingest_id = ? WHERE id = ?",
                    ((now, ingest_id, pk) for pk, _ in gone),
                )
                marked += [(str(platform), rid) for _, rid in gone]
        return marked

    # ------------------------------------------------------------------------------ read back

    def to_frame(
        self,
        *,
        derived: bool = False,
        include_removed: bool = True,
        platform: str | None = None,
        product: str | None = None,
    ) -> pd.DataFrame:
        """The stored reviews as a canonical frame (``schema.validate`` passes), current versions only.

        Extra columns after the canonical ones: ``first_seen_at``, ``changed_at``, ``version``,
        ``possibly_removed_at``. With ``derived=True`` also the stored triage columns for each review's current
        content (null where it has not been scored) and the action workflow columns ``status``, ``assignee``,
        ``edited_draft``.

        >>> import tempfile, pathlib
        >>> len(ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db").to_frame())
        0
        """
        where, params = ["1 = 1"], []
        if not include_removed:
            where.append("r.possibly_removed_at IS NULL")
        if platform is not None:
            where.append("r.platform = ?")
            params.append(platform)
        if product is not None:
            where.append("r.product_id = ?")
            params.append(product)
        extra = ["first_seen_at", "changed_at", "version", "possibly_removed_at"]
        sql = (
            f"SELECT r.id AS _pk, {', '.join('r.' + c for c in (*COLUMNS, *extra))}, r.content_hash AS _hash "
            f"FROM reviews r WHERE {' AND '.join(where)} ORDER BY r.id"
        )
        raw = _read_frame(self._con.execute(sql, params))
        frame = raw.drop(columns=["_pk", "_hash"])
        if derived:
            frame = self._attach_derived(frame, raw["_pk"].to_numpy(dtype=np.int64), raw["_hash"].tolist())
        return frame

    def _attach_derived(self, frame: pd.DataFrame, pks: np.ndarray, hashes: list[str]) -> pd.DataFrame:
        scorer = self._latest_scorer()
        derived = pd.DataFrame(index=frame.index)
        if scorer is not None and len(pks):
            derived = self._derived_columns(scorer, pks, hashes, frame.index)
        derived = derived.drop(columns=[c for c in derived.columns if c in frame.columns])
        act = pd.read_sql_query(
            "SELECT review_pk, status, assignee, edited_draft, notes FROM actions", self._con
        ).set_index("review_pk")
        out = pd.concat([frame, derived], axis=1)
        pk_series = pd.Series(pks, index=frame.index)
        for c in ("status", "assignee", "edited_draft", "notes"):
            out[c] = pk_series.map(act[c]).astype("string") if len(act) else pd.Series(
                pd.NA, index=frame.index, dtype="string"
            )
        return out

    def _derived_columns(self, scorer: str, pks: np.ndarray, hashes: list[str], index: pd.Index) -> pd.DataFrame:
        """The stored triage columns of the reviews ``pks`` (their current ``hashes``), row-aligned with ``index``.

        The JSON objects are parsed by pyarrow's reader in C, :data:`READ_CHUNK_ROWS` at a time, against one
        schema inferred from the first chunk (fields first seen later are inferred from their chunk); a chunk
        that does not fit falls back to ``json.loads`` per row, so an odd value costs speed, never a row.
        Reviews without a stored result for their current content get nulls.
        """
        want = pd.DataFrame({"pk": pks, "h": pd.array(hashes, dtype="string"), "pos": np.arange(len(pks))})
        got_pk: list[int] = []
        got_h: list[str] = []
        blobs: list[str] = []
        cur = self._con.execute("SELECT review_pk, content_hash, data FROM results WHERE scorer = ?", (scorer,))
        while rows := cur.fetchmany(READ_CHUNK_ROWS):
            a, b, c = zip(*rows)
            got_pk.extend(a)
            got_h.extend(b)
            blobs.extend(c)
        have = pd.DataFrame({"pk": np.asarray(got_pk, dtype=np.int64), "h": pd.array(got_h, dtype="string"),
                             "src": np.arange(len(got_pk))})
        pairs = want.merge(have, on=["pk", "h"], how="inner")
        src, pos = pairs["src"].to_numpy(), pairs["pos"].to_numpy()
        tables: list[pa.Table] = []
        schema: pa.Schema | None = None
        for a, b in _chunks(len(src), READ_CHUNK_ROWS):
            part = [blobs[i] for i in src[a:b]]
            data = "\n".join(part).encode("utf-8")
            opts = pa_json.ReadOptions(block_size=max(1 << 24, max(map(len, part)) * 4 + 1))
            try:
                parse = (pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
                         if schema is not None else pa_json.ParseOptions())
                table = pa_json.read_json(pa.BufferReader(data), read_options=opts, parse_options=parse)
                if schema is None:  # a column all null in the first chunk is text until shown otherwise
                    schema = pa.schema([pa.field(f.name, pa.large_string() if pa.types.is_null(f.type) else f.type)
                                        for f in table.schema])
                    table = table.cast(schema)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                table = pa.Table.from_pandas(pd.DataFrame.from_records([json.loads(x) for x in part]).astype(object),
                                             preserve_index=False) if part else pa.table({})
            tables.append(table)
        if not tables:
            return pd.DataFrame(index=index)
        try:
            table = pa.concat_tables(tables, promote_options="permissive")
            parsed = table.to_pandas(types_mapper=_PANDAS_TYPES.get)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            parsed = pd.concat([t.to_pandas(types_mapper=_PANDAS_TYPES.get) for t in tables], ignore_index=True)
        parsed.index = pos
        return parsed.reindex(np.arange(len(pks))).set_axis(index)

    def change_stamp(self) -> dict[str, int]:
        """Cheap counters that move whenever the store changes, for a reader's cache keys (O(1) look-ups).

        ``ingests`` (finished ingests: reviews, versions and removal marks change only through them),
        ``results`` and ``evidence`` (highest rowid: a scoring run stores new rows), ``history`` (highest
        action-history id: every status, assignee, note or draft change is logged there) and ``actions``.

        >>> import tempfile, pathlib
        >>> ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db").change_stamp()["results"]
        0
        """
        q = self._con.execute
        out = {"ingests": q("SELECT count(*) FROM ingests WHERE finished_at IS NOT NULL").fetchone()[0]}
        for name, table in (("results", "results"), ("evidence", "evidence"), ("actions", "actions"),
                            ("history", "action_history")):
            out[name] = q(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        return {k: int(v) for k, v in out.items()}

    def workflow_frame(self, *, changed_since: int | None = None) -> pd.DataFrame:
        """Where the team is with each action: ``platform, review_id, action, status, assignee, edited_draft``
        (null when the generated draft is unchanged), one row per action, in store order. Lighter than
        :meth:`open_actions` (no review text), for a reader that already holds the reviews.

        ``changed_since`` (a ``change_stamp()["history"]`` value) keeps only the actions with an action-history
        row after it (every status, assignee, note, draft or recommendation change is logged there): a reader
        holding the workflow as of that stamp (``reviewtools.snapshot``) reads just what moved since.

        >>> import tempfile, pathlib
        >>> list(ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db").workflow_frame().columns)
        ['platform', 'review_id', 'action', 'status', 'assignee', 'edited_draft']
        """
        where, params = "", []
        if changed_since is not None:
            where = "WHERE a.review_pk IN (SELECT review_pk FROM action_history WHERE id > ?) "
            params = [int(changed_since)]
        out = _read_frame(self._con.execute(
            "SELECT r.platform, r.review_id, a.action, a.status, a.assignee, a.edited_draft "
            f"FROM actions a JOIN reviews r ON r.id = a.review_pk {where}ORDER BY r.id", params
        ))
        return out.astype("string")

    def evidence_frame(self, kind: str, *, include_removed: bool = False) -> pd.DataFrame:
        """The stored long evidence of the reviews' current content, as triage returned it.

        ``kind="hit"`` gives the guideline results (:data:`reviewtools.rules.HIT_COLUMNS`, ``not_run`` rows
        included: a check that could not run stays recorded); ``kind="topic"`` the complaint-topic matches
        (:data:`reviewtools.topics.MATCH_COLUMNS`), i.e. ``run_triage(...).hits`` / ``.topic_matches`` for the
        stored results. Only rows of the latest scorer (as ``to_frame(derived=True)``) for each review's current
        content hash count, so evidence of an edited review's old text is not shown; reviews marked possibly
        removed are left out unless ``include_removed``. ``platform`` and ``review_id`` come from the review
        row. Ordered by review (store order), then as stored. The JSON is unpacked by SQLite (``json_extract``)
        column by column, not row by row in Python.

        >>> import tempfile, pathlib
        >>> list(ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db").evidence_frame("topic").columns)[:3]
        ['review_id', 'platform', 'topic']
        """
        if kind == "hit":
            from .rules import HIT_COLUMNS

            dtypes = dict(HIT_COLUMNS)
        elif kind == "topic":
            from .topics import MATCH_COLUMNS

            dtypes = {c: "int64" if c in ("start", "end") else "bool" if c in ("complaint", "negated") else "string"
                      for c in MATCH_COLUMNS}
        else:
            raise StoreError(f"unknown evidence kind {kind!r}; expected 'hit' or 'topic'")
        scorer = self._latest_scorer()
        names = list(dtypes)
        if scorer is None:
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
        removed = "" if include_removed else "AND r.possibly_removed_at IS NULL"
        sql = (
            "SELECT e.review_pk, e.rowid, r.platform, r.review_id, e.data FROM evidence e JOIN reviews r "
            "ON r.id = e.review_pk AND r.content_hash = e.content_hash "
            f"WHERE e.scorer = ? AND e.kind = ? {removed}"
        )
        cur = self._con.execute(sql, (scorer, kind))
        cols: list[list[Any]] = [[], [], [], [], []]
        while rows := cur.fetchmany(READ_CHUNK_ROWS):
            for acc, values in zip(cols, zip(*rows)):
                acc.extend(values)
        # store order (review, then as stored), sorted here rather than by SQLite's temp b-tree; a forced re-score
        # stores the same rows again for the same content and scorer: each distinct row of a review is kept once
        pk, rowid = np.asarray(cols[0], dtype=np.int64), np.asarray(cols[1], dtype=np.int64)
        order = np.lexsort((rowid, pk))
        seen: set[tuple[int, str]] = set()
        pick = []
        for i in order.tolist():
            key = (cols[0][i], cols[4][i])
            if key not in seen:
                seen.add(key)
                pick.append(i)
        plats = [cols[2][i] for i in pick]
        rids = [cols[3][i] for i in pick]
        blobs = [cols[4][i] for i in pick]
        arrow = {"string": pa.large_string(), "boolean": pa.bool_(), "bool": pa.bool_(), "Int64": pa.int64(),
                 "int64": pa.int64()}
        schema = pa.schema([(c, arrow[t]) for c, t in dtypes.items() if c not in ("review_id", "platform")])
        table = pa.table({f.name: pa.nulls(0, f.type) for f in schema}, schema=schema)
        if blobs:  # one JSON object per line (json.dumps escapes newlines): parsed by pyarrow in C, not per row
            data = "\n".join(blobs).encode("utf-8")
            try:
                table = pa_json.read_json(
                    pa.BufferReader(data),
                    read_options=pa_json.ReadOptions(block_size=max(1 << 24, max(map(len, blobs)) * 4 + 1)),
                    parse_options=pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
                )
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise StoreError(f"the store's {kind} evidence holds a value of another type than expected: {exc}") from exc
        frame = table.to_pandas(types_mapper=_PANDAS_TYPES.get)
        out = {}
        for c, t in dtypes.items():
            if c in ("review_id", "platform"):
                out[c] = pd.array(plats if c == "platform" else rids, dtype="string")
                continue
            col = frame[c]
            full = not col.isna().any()  # a value missing where triage never leaves one stays visible
            out[c] = col.astype(t) if t in ("string", "boolean", "Int64") or full else col
        return pd.DataFrame(out, columns=names)

    def history(self, review_id: str, platform: str | None = None) -> pd.DataFrame:
        """Every version of one review, oldest first: ``version, rating, title, text, valid_from, replaced_at``.

        The last row is the current version (``replaced_at`` null).
        """
        pk = self._pk(review_id, platform)
        old = pd.read_sql_query(
            "SELECT version, rating, title, text, valid_from, replaced_at FROM review_versions "
            "WHERE review_pk = ? ORDER BY version",
            self._con,
            params=[pk],
        )
        cur = pd.read_sql_query(
            "SELECT version, rating, title, text, changed_at AS valid_from, NULL AS replaced_at FROM reviews "
            "WHERE id = ?",
            self._con,
            params=[pk],
        )
        out = pd.concat([old, cur], ignore_index=True) if len(old) else cur
        for c in ("valid_from", "replaced_at"):
            out[c] = pd.to_datetime(out[c], utc=True, format="ISO8601")
        return out

    def rating_changes(self, since: pd.Timestamp | None = None) -> pd.DataFrame:
        """Rating edits: one row per replaced version whose rating differs from the next version's.

        Columns ``platform, review_id, product_id, product_title, old_rating, new_rating, changed_at``.
        """
        params: list[Any] = []
        cond = ""
        if since is not None:
            cond = "AND v.replaced_at >= ?"
            params.append(_fmt_ts(since))
        sql = f"""
            SELECT r.platform, r.review_id, r.product_id, r.product_title, v.rating AS old_rating,
                   COALESCE(nv.rating, r.rating) AS new_rating, v.replaced_at AS changed_at
            FROM review_versions v
            JOIN reviews r ON r.id = v.review_pk
            LEFT JOIN review_versions nv ON nv.review_pk = v.review_pk AND nv.version = v.version + 1
            WHERE COALESCE(nv.rating, r.rating) != v.rating {cond}
            ORDER BY v.replaced_at, r.id"""
        out = pd.read_sql_query(sql, self._con, params=params)
        out["changed_at"] = pd.to_datetime(out["changed_at"], utc=True, format="ISO8601")
        return out

    def ratings_as_of(self, when: pd.Timestamp) -> pd.DataFrame:
        """The reviews the store knew at ``when`` and had not seen missing, with the rating they had then.

        Columns ``platform, review_id, product_id, product_title, rating, created_at``. Reviews restored after a
        removal mark count as never removed (the mark is cleared).
        """
        t = _fmt_ts(when)
        out = pd.read_sql_query(
            """SELECT r.platform, r.review_id, r.product_id, r.product_title,
                      COALESCE(v.rating, r.rating) AS rating, r.created_at
               FROM reviews r
               LEFT JOIN review_versions v ON v.review_pk = r.id AND v.valid_from <= ? AND v.replaced_at > ?
               WHERE r.first_seen_at <= ? AND (r.possibly_removed_at IS NULL OR r.possibly_removed_at > ?)
               ORDER BY r.id""",
            self._con,
            params=[t, t, t, t],
        )
        out["rating"] = out["rating"].astype("Int64")
        out["created_at"] = pd.to_datetime(out["created_at"], utc=True, format="ISO8601")
        for c in ("platform", "review_id", "product_id", "product_title"):
            out[c] = out[c].astype(object).where(out[c].notna(), None).astype("string")
        return out

    def ingests(self) -> pd.DataFrame:
        """The ingest log, one row per finished ingest."""
        out = pd.read_sql_query(
            "SELECT * FROM ingests WHERE finished_at IS NOT NULL ORDER BY id", self._con
        )
        for c in ("started_at", "finished_at"):
            out[c] = pd.to_datetime(out[c], utc=True, format="ISO8601")
        return out

    def _pk(self, review_id: str, platform: str | None) -> int:
        if platform is None:
            rows = self._con.execute("SELECT id, platform FROM reviews WHERE review_id = ?", (review_id,)).fetchall()
        else:
            rows = self._con.execute(
                "SELECT id, platform FROM reviews WHERE review_id = ? AND platform = ?", (review_id, platform)
            ).fetchall()
        if not rows:
            where = f" on {platform}" if platform else ""
            raise ReviewNotFoundError(f"no review {review_id!r}{where} in the store {self.path}")
        if len(rows) > 1:
            plats = ", ".join(sorted(p for _, p in rows))
            raise StoreError(f"review id {review_id!r} exists on several platforms ({plats}); pass platform=")
        return int(rows[0][0])

    # ------------------------------------------------------------------------------- scoring

    def scorer_key(self, settings: Any = None) -> str:
        """Fingerprint of the scorer: the reviewtools version and ``repr(settings)``."""
        return hashlib.blake2b(f"{__version__}{_SEP}{settings!r}".encode(), digest_size=8).hexdigest()

    def _latest_scorer(self) -> str | None:
        row = self._con.execute("SELECT scorer FROM results ORDER BY computed_at DESC, rowid DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def pending(self, settings: Any = None, *, force: bool = False) -> pd.DataFrame:
        """Canonical frame of the reviews whose current content has no stored result for this scorer
        (with ``force=True``: every review not marked possibly removed)."""
        scorer = self.scorer_key(settings)
        cond = "" if force else (
            "AND NOT EXISTS (SELECT 1 FROM results s WHERE s.review_pk = r.id "
            "AND s.content_hash = r.content_hash AND s.scorer = ?)"
        )
        raw = _read_frame(self._con.execute(
            f"SELECT r.id AS _pk, {', '.join('r.' + c for c in COLUMNS)}, r.content_hash AS _hash FROM reviews r "
            f"WHERE r.possibly_removed_at IS NULL {cond} ORDER BY r.id",
            [] if force else [scorer],
        ))
        frame = raw.drop(columns=["_pk", "_hash"])
        frame["_pk"] = raw["_pk"].to_numpy(dtype=np.int64)
        frame["_hash"] = raw["_hash"].to_numpy(dtype=object)
        return frame

    def score_pending(
        self,
        settings: Any = None,
        *,
        triage: Callable[..., pd.DataFrame] | None = None,
        batch_size: int = 50_000,
        force: bool = False,
        progress: ProgressCallback | None = None,
    ) -> TriageReport:
        """Run triage on the reviews that have no stored result for their current content, and store it.

        ``triage`` defaults to :func:`reviewtools.pipeline.triage`; it gets a canonical frame and ``settings``
        and must return a copy with added columns (``action, action_reason, priority, draft`` among them).
        Each batch is its own transaction, so an interrupted run keeps the batches already stored.
        Every added column is stored as JSON per review and content hash; the action row of a review is
        created (status ``new``) or its recommendation updated, keeping the team's status, assignee and edit.
        Long evidence frames in ``result.attrs["hits"]`` / ``attrs["topic_matches"]`` are stored too.
        When ``triage`` takes ``as_of``, it gets the newest review date in the whole store, so recency in the
        priority is measured on the same calendar for every batch. ``force=True`` rescores every review.

        Limitation: what triage computes across reviews (a product's average in the priority's drag term,
        duplicate checks) only sees the reviews scored together, i.e. the new and changed ones.
        """
        if triage is None:
            from .pipeline import triage as _triage  # imported late: scoring is optional for the store

            triage = _triage
        scorer = self.scorer_key(settings)
        pending = self.pending(settings, force=force)
        total = len(pending)
        kwargs: dict[str, Any] = {}
        try:
            takes_as_of = "as_of" in inspect.signature(triage).parameters
        except (TypeError, ValueError):
            takes_as_of = False
        if takes_as_of and total:
            newest = self._con.execute("SELECT max(created_at) FROM reviews").fetchone()[0]
            kwargs["as_of"] = pd.Timestamp(newest)
        already = int(self._con.execute("SELECT count(*) FROM reviews").fetchone()[0]) - total
        created = updated = 0
        for a, b in _chunks(total, batch_size):
            part = pending.iloc[a:b]
            frame = part.drop(columns=["_pk", "_hash"]).reset_index(drop=True)
            result = triage(frame, settings, **kwargs) if settings is not None else triage(frame, **kwargs)
            if len(result) != len(frame):
                raise StoreError(f"triage returned {len(result)} rows for {len(frame)} reviews")
            c, u = self._write(lambda: self._store_results(part, result, scorer))
            created += c
            updated += u
            if progress:
                progress("score", b, total)
        return TriageReport(scored=total, already_scored=already, actions_created=created, actions_updated=updated)

    def _store_results(self, part: pd.DataFrame, result: pd.DataFrame, scorer: str) -> tuple[int, int]:
        now = self._ts()
        added = [c for c in result.columns if c not in DTYPES]
        pks = [int(x) for x in part["_pk"]]
        hashes = list(part["_hash"])
        records = result[added].astype(object).to_dict("records")
        self._con.executemany(
            "INSERT OR REPLACE INTO results (review_pk, content_hash, scorer, computed_at, data) VALUES (?,?,?,?,?)",
            (
                (pk, h, scorer, now, json.dumps({k: _json_value(v) for k, v in rec.items()}, ensure_ascii=False))
                for pk, h, rec in zip(pks, hashes, records)
            ),
        )
        # review ids are unique within a platform only: match evidence on (platform, review_id)
        by_key = {(plat, rid): (pk, h) for plat, rid, pk, h in zip(part["platform"], part["review_id"], pks, hashes)}
        part_platform = dict(zip(part["review_id"], part["platform"]))  # only for a long frame without platform
        for kind, key in (("hit", "hits"), ("topic", "topic_matches")):
            long = result.attrs.get(key)
            if isinstance(long, pd.DataFrame) and len(long) and "review_id" in long.columns:
                rows = []
                for rec in long.astype(object).to_dict("records"):
                    plat = rec.get("platform") if "platform" in long.columns else part_platform.get(rec.get("review_id"))
                    ref = by_key.get((plat, rec.get("review_id")))
                    if ref is not None:
                        rows.append((ref[0], ref[1], scorer, kind,
                                     json.dumps({k: _json_value(v) for k, v in rec.items()}, ensure_ascii=False)))
                self._con.executemany(
                    "INSERT INTO evidence (review_pk, content_hash, scorer, kind, data) VALUES (?,?,?,?,?)", rows
                )
        if "action" not in result.columns:
            return 0, 0
        existing: dict[int, tuple[str, str | None, str]] = {}
        for a, b in _chunks(len(pks), _IN_CHUNK):  # only this batch's actions, not the whole table
            chunk = pks[a:b]
            for pk, action, draft, status in self._con.execute(
                "SELECT review_pk, action, draft, status FROM actions "
                f"WHERE review_pk IN ({', '.join('?' * len(chunk))})", chunk
            ):
                existing[pk] = (action, draft, status)
        created = updated = 0
        cols = {c: (result[c].astype(object).tolist() if c in result.columns else [None] * len(result))
                for c in ACTION_COLUMNS}
        for i, (pk, h) in enumerate(zip(pks, hashes)):
            action = _json_value(cols["action"][i]) or NO_ACTION
            reason = _json_value(cols["action_reason"][i])
            priority = _json_value(cols["priority"][i])
            draft = _json_value(cols["draft"][i])
            old = existing.get(pk)
            if old is None:
                self._con.execute(
                    "INSERT INTO actions (review_pk, action, action_reason, priority, draft, content_hash, status, "
                    "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    (pk, str(action), reason, priority, draft, h, self.workflow.initial, now, now),
                )
                created += 1
                continue
            old_action, old_draft, status = old
            self._con.execute(
                "UPDATE actions SET action = ?, action_reason = ?, priority = ?, draft = ?, content_hash = ?, "
                "updated_at = ? WHERE review_pk = ?",
                (str(action), reason, priority, draft, h, now, pk),
            )
            updated += 1
            if old_action != action or old_draft != draft:
                self._con.execute(
                    "INSERT INTO action_history (review_pk, at, who, field, old_value, new_value, note) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (pk, now, "reviewtools", "recommendation", old_action, str(action),
                     f"review content changed while the action was {status!r}"),
                )
        return created, updated

    # ------------------------------------------------------------------------------ workflow

    def _action_row(self, pk: int, review_id: str) -> tuple[str, str | None]:
        row = self._con.execute("SELECT status, assignee FROM actions WHERE review_pk = ?", (pk,)).fetchone()
        if row is None:
            raise ReviewNotFoundError(
                f"review {review_id!r} has no recommended action yet; run triage on the store first"
            )
        return row[0], row[1]

    def _log(self, pk: int, who: str, fld: str, old: Any, new: Any, note: str | None, at: str) -> None:
        self._con.execute(
            "INSERT INTO action_history (review_pk, at, who, field, old_value, new_value, note) VALUES (?,?,?,?,?,?,?)",
            (pk, at, who, fld, old, new, note),
        )

    def set_status(
        self,
        review_id: str,
        status: str,
        *,
        platform: str | None = None,
        assignee: str | None = None,
        note: str | None = None,
        who: str | None = None,
    ) -> str:
        """Move a review's action to ``status``; returns the previous status.

        Transitions not in ``resources/workflow/statuses.json`` raise :class:`InvalidTransitionError`.
        ``assignee`` and ``note`` are recorded in the same change. ``who`` defaults to the login name.
        """
        who = who or _whoami()
        pk = self._pk(review_id, platform)

        def work() -> str:
            current, old_assignee = self._action_row(pk, review_id)
            self.workflow.check(current, status)
            now = self._ts()
            self._con.execute("UPDATE actions SET status = ?, updated_at = ? WHERE review_pk = ?", (status, now, pk))
            self._log(pk, who, "status", current, status, note, now)
            if assignee is not None and assignee != old_assignee:
                self._con.execute("UPDATE actions SET assignee = ? WHERE review_pk = ?", (assignee, pk))
                self._log(pk, who, "assignee", old_assignee, assignee, None, now)
            if note:
                self._append_note(pk, who, note, now)
            return current

        return self._write(work)

    def assign(self, review_id: str, assignee: str | None, *, platform: str | None = None, who: str | None = None) -> None:
        """Give a review's action to ``assignee`` (``None`` unassigns)."""
        who = who or _whoami()
        pk = self._pk(review_id, platform)

        def work() -> None:
            _, old = self._action_row(pk, review_id)
            now = self._ts()
            self._con.execute("UPDATE actions SET assignee = ?, updated_at = ? WHERE review_pk = ?", (assignee, now, pk))
            self._log(pk, who, "assignee", old, assignee, None, now)

        self._write(work)

    def add_note(self, review_id: str, note: str, *, platform: str | None = None, who: str | None = None) -> None:
        """Append a note to a review's action."""
        if not note or not note.strip():
            raise StoreError("a note cannot be empty")
        who = who or _whoami()
        pk = self._pk(review_id, platform)

        def work() -> None:
            self._action_row(pk, review_id)
            self._append_note(pk, who, note, self._ts())

        self._write(work)

    def _append_note(self, pk: int, who: str, note: str, at: str) -> None:
        line = f"[{at[:16].replace('T', ' ')} {who}] {note.strip()}"
        self._con.execute(
            "UPDATE actions SET notes = CASE WHEN notes IS NULL OR notes = '' THEN ? ELSE notes || char(10) || ? END, "
            "updated_at = ? WHERE review_pk = ?",
            (line, line, at, pk),
        )
        self._log(pk, who, "note", None, None, note.strip(), at)

    def edit_draft(
        self, review_id: str, text: str, *, platform: str | None = None, who: str | None = None
    ) -> list[Any]:
        """Store the team's edit of a draft; an action still ``new`` moves to ``drafted``.

        Returns the draft linter's problems for the edited text (``respond.lint_draft``) when that module is
        available, else an empty list; problems are reported, not blocking.
        """
        who = who or _whoami()
        pk = self._pk(review_id, platform)
        plat = self._con.execute("SELECT platform FROM reviews WHERE id = ?", (pk,)).fetchone()[0]

        def work() -> None:
            current, _ = self._action_row(pk, review_id)
            old = self._con.execute("SELECT COALESCE(edited_draft, draft) FROM actions WHERE review_pk = ?",
                                    (pk,)).fetchone()[0]
            now = self._ts()
            self._con.execute("UPDATE actions SET edited_draft = ?, updated_at = ? WHERE review_pk = ?", (text, now, pk))
            self._log(pk, who, "draft", old, text, None, now)
            if current == self.workflow.initial and "drafted" in self.workflow.transitions.get(current, ()):
                self._con.execute("UPDATE actions SET status = 'drafted' WHERE review_pk = ?", (pk,))
                self._log(pk, who, "status", current, "drafted", "draft edited", now)

        self._write(work)
        try:
            from .respond import lint_draft
        except ImportError:
            log.info("respond.lint_draft is not available; the edited draft was not linted")
            return []
        return list(lint_draft(text, plat))

    def action_history(self, review_id: str, platform: str | None = None) -> pd.DataFrame:
        """Every change to a review's action: ``at, who, field, old_value, new_value, note``, oldest first."""
        pk = self._pk(review_id, platform)
        out = pd.read_sql_query(
            "SELECT at, who, field, old_value, new_value, note FROM action_history WHERE review_pk = ? ORDER BY id",
            self._con,
            params=[pk],
        )
        out["at"] = pd.to_datetime(out["at"], utc=True, format="ISO8601")
        return out

    def open_actions(
        self,
        *,
        status: str | list[str] | None = None,
        product: str | None = None,
        platform: str | None = None,
        include_none: bool = False,
    ) -> pd.DataFrame:
        """The action queue, highest priority first.

        By default the actions whose status is open (``new, drafted, sent, reported``) and whose action is not
        ``none``; ``status`` picks other statuses. Columns: ``platform, review_id, product_id, product_title,
        rating, created_at, title, text, action, action_reason, priority, draft`` (the team's edit when there
        is one), ``generated_draft, status, assignee, notes, updated_at, possibly_removed_at``.
        """
        statuses = list(self.workflow.open) if status is None else ([status] if isinstance(status, str) else list(status))
        unknown = [s for s in statuses if s not in self.workflow.statuses]
        if unknown:
            raise InvalidTransitionError(
                f"unknown status {', '.join(unknown)}; expected one of {', '.join(self.workflow.statuses)}"
            )
        where = [f"a.status IN ({', '.join('?' * len(statuses))})"]
        params: list[Any] = list(statuses)
        if not include_none:
            where.append("a.action != ?")
            params.append(NO_ACTION)
        if product is not None:
            where.append("r.product_id = ?")
            params.append(product)
        if platform is not None:
            where.append("r.platform = ?")
            params.append(platform)
        sql = f"""
            SELECT r.platform, r.review_id, r.product_id, r.product_title, r.rating, r.created_at, r.title, r.text,
                   a.action, a.action_reason, a.priority, COALESCE(a.edited_draft, a.draft) AS draft,
                   a.draft AS generated_draft, a.status, a.assignee, a.notes, a.updated_at, r.possibly_removed_at
            FROM actions a JOIN reviews r ON r.id = a.review_pk
            WHERE {' AND '.join(where)}
            ORDER BY a.priority IS NULL, a.priority DESC, r.created_at DESC, r.id"""
        out = pd.read_sql_query(sql, self._con, params=params)
        for c in ("created_at", "updated_at", "possibly_removed_at"):
            out[c] = pd.to_datetime(out[c], utc=True, format="ISO8601")
        out["rating"] = out["rating"].astype("Int64")
        out["priority"] = out["priority"].astype("float64")
        for c in out.columns:
            if out[c].dtype == object or str(out[c].dtype) in ("str", "string"):
                out[c] = out[c].astype("string")
        return out


# ------------------------------------------------------------------------------------------- export

#: First characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")


def write_queue(queue: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write an action queue (:meth:`ReviewStore.open_actions`) as ``.csv`` or ``.json``.

    CSV is UTF-8 with a BOM (Excel reads it as UTF-8) and text cells starting with ``= + - @`` or a tab are
    prefixed with ``'`` so a spreadsheet never runs them as formulas.

    >>> import tempfile, pathlib
    >>> q = pd.DataFrame({"review_id": ["R1"], "draft": ["=HYPERLINK(1)"]})
    >>> p = write_queue(q, pathlib.Path(tempfile.mkdtemp()) / "q.csv")
    >>> p.read_text(encoding="utf-8-sig").splitlines()[1]
    "R1,'=HYPERLINK(1)"
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        records = [{k: _json_value(v) for k, v in rec.items()} for rec in queue.astype(object).to_dict("records")]
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        return path
    if suffix != ".csv":
        raise StoreError(f"{path}: the queue is written as .csv or .json, not {suffix or 'no suffix'!r}")
    safe = queue.copy()
    for c in safe.columns:
        if safe[c].dtype == object or str(safe[c].dtype) in ("string", "str"):
            s = safe[c].astype("string")
            risky = s.str.startswith(FORMULA_PREFIXES).fillna(False)
            safe[c] = s.where(~risky, "'" + s)
    safe.to_csv(path, index=False, encoding="utf-8-sig")
    return path


# ------------------------------------------------------------------------------------ module helpers


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, services)
        return "unknown"


def _split_sql(script: str) -> list[str]:
    """Split a migration file into statements (they hold no semicolons inside strings or triggers)."""
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    parts = [p.strip() for p in "\n".join(lines).split(";")]
    return [p for p in parts if p]


def _unwrap(reviews: Any) -> tuple[pd.DataFrame, int, str | None]:
    """Accept a frame or an ingest result (``.reviews`` frame, ``.rejects`` frame)."""
    if isinstance(reviews, pd.DataFrame):
        return reviews, 0, None
    frame = getattr(reviews, "reviews", None)
    if isinstance(frame, pd.DataFrame):
        rejects = getattr(reviews, "rejects", None)
        n = len(rejects) if rejects is not None else 0
        files = frame["source_file"].dropna().unique() if "source_file" in frame.columns else []
        return frame, n, (str(files[0]) if len(files) == 1 else None)
    raise SchemaError(
        f"ReviewStore.ingest expects a canonical DataFrame or an ingest result, got {type(reviews).__name__}"
    )


def _canonical(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Coerce and validate; refuse repeated (platform, review_id) keys, naming the rows."""
    try:
        out = coerce(frame)
        validate(out)
    except SchemaError as exc:
        raise SchemaError(f"{source}: cannot store this frame: {exc}") from exc
    dup = out.duplicated(["platform", "review_id"], keep=False)
    if dup.any():
        rows = out.loc[dup, ["platform", "review_id", "source_file", "source_row"]].head(5)
        where = "; ".join(
            f"{r.platform}/{r.review_id} (file {r.source_file}, row {r.source_row})" for r in rows.itertuples()
        )
        raise SchemaError(
            f"{source}: {int(dup.sum())} rows repeat a (platform, review_id) key, e.g. {where}; "
            "each review must appear once per ingest"
        )
    return out


#: Rows fetched from SQLite per pyarrow chunk when reading a frame back (bounds the Python objects alive at once).
READ_CHUNK_ROWS: Final[int] = 100_000
#: How each column read back from ``reviews`` is typed in pyarrow; text timestamps are parsed by pyarrow.
_TEXT_TS: Final[frozenset[str]] = frozenset(_TS_COLUMNS) | {"first_seen_at", "changed_at", "possibly_removed_at"}
_INT_LIKE: Final[frozenset[str]] = frozenset(_INT_COLUMNS + _BOOL_COLUMNS) | {"_pk", "version"}
_PANDAS_TYPES = {pa.large_string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


def _read_frame(cursor: sqlite3.Cursor) -> pd.DataFrame:
    """A query's rows as a frame in the canonical dtypes, built column-wise with pyarrow.

    Rows are fetched :data:`READ_CHUNK_ROWS` at a time and each column becomes a pyarrow array at C speed (no
    object columns, no per-value conversions in pandas). Text timestamps (``_TS_FORMAT``) become
    ``datetime64[ns, UTC]``, integer columns ``Int64``, the boolean ones ``boolean``, the rest ``string``.
    """
    names = [d[0] for d in cursor.description]
    types = [pa.int64() if n in _INT_LIKE else pa.large_string() for n in names]
    row_type = pa.struct(list(zip(names, types)))
    chunks: list[pa.StructArray] = []
    while rows := cursor.fetchmany(READ_CHUNK_ROWS):
        try:  # the row tuples become typed columns in C
            chunks.append(pa.array(rows, type=row_type))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise StoreError(f"the review store holds a value of another type than its column's: {exc}") from exc
    columns = {}
    flat = [c.flatten() for c in chunks]
    for i, (name, typ) in enumerate(zip(names, types)):
        arr: Any = pa.chunked_array([f[i] for f in flat], type=typ)
        if name in _TEXT_TS:
            arr = pc.cast(arr, pa.timestamp("us", "UTC")).cast(pa.timestamp("ns", "UTC"))
        elif name in _BOOL_COLUMNS:
            arr = pc.not_equal(arr, 0)
        columns[name] = arr
    return pa.table(columns).to_pandas(types_mapper=_PANDAS_TYPES.get)


__all__ = [
    "ReviewStore",
    "IngestReport",
    "TriageReport",
    "Workflow",
    "InvalidTransitionError",
    "ReviewNotFoundError",
    "load_workflow",
    "migrations",
    "default_db_path",
    "write_queue",
    "DB_ENV",
    "DEFAULT_TIMEOUT",
    "CONTENT_COLUMNS",
    "META_COLUMNS",
]
