"""Columnar snapshots of a review store: what the dashboard reads, as Arrow files next to the SQLite file.

The store keeps each review's triage results as a JSON object per row (:mod:`reviewtools.store`), which is the
right shape for incremental scoring and the wrong one for reading a million reviews at once: parsing them back
took minutes. A snapshot holds the same frames column by column as uncompressed Arrow IPC files, which are
memory-mapped, not read: the frames' columns point into the files (the operating system's page cache), so opening
a million reviews costs a few hundredths of a second and only the columns a page reads are ever paged in:

- ``reviews``: ``store.to_frame(derived=True, include_removed=False)`` without the workflow columns, object
  columns given pandas' nullable dtypes (what the dashboard reads);
- ``hits`` and ``topic_matches``: ``store.evidence_frame("hit")`` and ``("topic")``;
- ``workflow``: ``status, assignee, edited_draft`` row-aligned with ``reviews``, as of the store's action-history
  stamp when it was written. The workflow changes often and stays read from SQLite: a reader asks the store
  only for the actions changed since that stamp (:func:`current_workflow`).

A snapshot is keyed on the store's data stamp (:func:`data_key`: the ingests, results and evidence counters of
``store.change_stamp()`` and the time of the last ingest). :func:`load_snapshot` reads it when the key matches
and otherwise rebuilds it from SQLite (and writes it): a stale snapshot is never returned, and a missing or
unreadable one is rebuilt with a log message, never an error. Files are written into a fresh folder which a
manifest then names (replaced atomically), so a reader never sees half a snapshot.

>>> import tempfile, pathlib
>>> from reviewtools.store import ReviewStore
>>> db = pathlib.Path(tempfile.mkdtemp()) / "r.db"
>>> with ReviewStore(db) as store:
...     snap = load_snapshot(store)
>>> len(snap.reviews), snapshot_dir(db).name
(0, 'r.db.snapshot')
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa

from . import __version__
from .errors import StoreError
from .store import ReviewStore

log = logging.getLogger(__name__)

#: Suffix of the snapshot folder beside the store file (``reviews.db`` -> ``reviews.db.snapshot/``).
SNAPSHOT_SUFFIX: Final[str] = ".snapshot"
#: Layout version of the files; a snapshot written with another one is rebuilt (bump on any change of what the
#: files hold or how their dtypes are read back). 1: Parquet (lz4); 2: uncompressed Arrow IPC files, mapped.
SNAPSHOT_FORMAT: Final[int] = 2
#: The manifest file in the snapshot folder: the key, the stamps and the name of the folder holding the files.
MANIFEST_NAME: Final[str] = "manifest.json"
#: The workflow columns (``store.to_frame(derived=True)``) kept apart from the reviews: they change with every
#: status change, so they are refreshed from SQLite (:func:`current_workflow`), never trusted from the files.
#: ``notes`` is left out of the dashboard frame (no page reads it from there; ``store.action_history`` has them).
WORKFLOW_COLUMNS: Final[tuple[str, ...]] = ("status", "assignee", "edited_draft")
#: Store columns that are not part of the dashboard frame.
DROPPED_COLUMNS: Final[tuple[str, ...]] = ("notes",)
#: The frames a snapshot holds -> their file names.
FILES: Final[dict[str, str]] = {
    "reviews": "reviews.arrow",
    "hits": "hits.arrow",
    "topic_matches": "topic_matches.arrow",
    "workflow": "workflow.arrow",
}


@dataclass(frozen=True)
class StoreSnapshot:
    """The frames the dashboard reads from a store, with the stamps they are current for.

    ``workflow`` is row-aligned with ``reviews`` and current as of ``history`` (the store's action-history stamp);
    ``pending`` is how many current reviews had no stored result for scorer ``scorer`` when it was taken;
    ``source`` says where it came from: ``"snapshot"`` (read from the files) or ``"store"`` (built from SQLite).
    """

    reviews: pd.DataFrame
    hits: pd.DataFrame
    topic_matches: pd.DataFrame
    workflow: pd.DataFrame
    key: str
    history: int
    actions: int
    counts: dict[str, int] = field(default_factory=dict)
    pending: int = 0
    scorer: str = ""
    source: str = "store"


# ============================================================================================ keys and paths


def snapshot_dir(db_path: str | os.PathLike[str]) -> Path:
    """The folder holding the snapshot of the store at ``db_path`` (beside it, named after it).

    >>> snapshot_dir("/data/reviews.db").as_posix()
    '/data/reviews.db.snapshot'
    """
    p = Path(db_path)
    return p.with_name(p.name + SNAPSHOT_SUFFIX)


def data_key(store: ReviewStore) -> str:
    """What the snapshot's data depends on: the ``ingests``, ``results`` and ``evidence`` counters of
    ``store.change_stamp()`` and the finish time of the last ingest (so a store deleted and re-created with the
    same counts is not taken for the old one). A status change does not move it.

    >>> import tempfile, pathlib
    >>> data_key(ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db"))
    '0|0|0|'
    """
    stamp = store.change_stamp()
    last = ""
    if stamp["ingests"]:
        ingests = store.ingests()
        if len(ingests):
            last = pd.Timestamp(ingests["finished_at"].iloc[-1]).isoformat()
    return f"{stamp['ingests']}|{stamp['results']}|{stamp['evidence']}|{last}"


# ============================================================================================ build from SQLite


def dashboard_reviews(store: ReviewStore) -> pd.DataFrame:
    """The store's current reviews with their stored triage results, as the dashboard reads them:
    ``to_frame(derived=True, include_removed=False)`` without :data:`WORKFLOW_COLUMNS` and
    :data:`DROPPED_COLUMNS`, object columns (values parsed back from JSON) given pandas' nullable dtypes.

    >>> import tempfile, pathlib
    >>> "status" in dashboard_reviews(ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db")).columns
    False
    """
    frame = store.to_frame(derived=True, include_removed=False)
    frame = frame.drop(columns=[c for c in WORKFLOW_COLUMNS + DROPPED_COLUMNS if c in frame.columns])
    objects = [c for c in frame.columns if frame[c].dtype == object]
    if objects:
        frame = frame.assign(**{c: frame[c].convert_dtypes() for c in objects})
    return frame


def _aligned_workflow(reviews: pd.DataFrame, workflow: pd.DataFrame) -> pd.DataFrame:
    """``workflow`` (``store.workflow_frame()``) matched to the rows of ``reviews`` on (platform, review_id):
    :data:`WORKFLOW_COLUMNS` as strings, missing where the store has no action (as ``views.attach_workflow``)."""
    keys = ["platform", "review_id"]
    w = workflow[keys + list(WORKFLOW_COLUMNS)].astype("string").drop_duplicates(keys, keep="last")
    merged = reviews[keys].astype("string").merge(w, on=keys, how="left")
    return pd.DataFrame({c: pd.array(merged[c].to_numpy(), dtype="string") for c in WORKFLOW_COLUMNS},
                        index=pd.RangeIndex(len(reviews)))


def build_snapshot(store: ReviewStore) -> StoreSnapshot:
    """Read the dashboard's frames from SQLite (slow on a large store: this is what the files spare).

    The change stamp is read before and after: when an ingest or a scoring run finished in between, the
    result's ``key`` is left empty, so :func:`write_snapshot` does not persist a mix of two states.

    >>> import tempfile, pathlib
    >>> build_snapshot(ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db")).source
    'store'
    """
    before, key = store.change_stamp(), data_key(store)
    reviews = dashboard_reviews(store).reset_index(drop=True)
    hits, matches = store.evidence_frame("hit"), store.evidence_frame("topic")
    workflow = _aligned_workflow(reviews, store.workflow_frame())
    counts = store.counts()
    scorer = store.scorer_key()
    pending = len(store.pending())
    if data_key(store) != key:
        log.info("the store %s changed while its snapshot was read; not keeping this one", store.path)
        key = ""
    return StoreSnapshot(reviews=reviews, hits=hits, topic_matches=matches, workflow=workflow, key=key,
                         history=before["history"], actions=before["actions"], counts=counts, pending=pending,
                         scorer=scorer, source="store")


# ============================================================================================ files


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` as an Arrow IPC file: uncompressed (the reader maps it instead of decoding it), one record batch
    (every column one chunk: pyarrow's ``take`` on a column of many chunks cost 1.56 CPU s for 775k of 1M review
    texts against 0.03 s on one, and a filter change takes rows), the pandas metadata restoring the dtypes."""
    table = pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(1, table.num_rows))
    os.chmod(path, 0o444)  # read-only: the files are mapped by readers and must never be changed in place


def _read_frame(path: Path) -> pd.DataFrame:
    """The frame :func:`_write_frame` wrote, memory-mapped: Arrow-backed columns (text, and numbers without
    missing values) point into the mapped file instead of being copied, so a page that never reads the review
    text never pages it in. 1M reviews, 52 columns: 0.05 CPU s, against 1.3-3.5 s (most of it page faults on
    1.6 GB of new memory) to decode the Parquet files of format 1. The mapping stays valid when a newer snapshot
    removes the file (POSIX keeps an unlinked file's mapped pages), so a cached frame never sees it change.

    The one thing a reader cannot survive is a file truncated in place while mapped (the process gets SIGBUS
    when it touches a page past the new end): :func:`write_snapshot` never does that (each snapshot is a new
    folder, old ones are unlinked) and writes the files read-only; replace a snapshot file, never edit it."""
    table = pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    return table.combine_chunks().to_pandas()


def write_snapshot(snap: StoreSnapshot, db_path: str | os.PathLike[str]) -> Path | None:
    """Write ``snap`` beside the store at ``db_path``; returns the snapshot folder, or ``None`` when it was not
    written (a snapshot without a key, or a folder that cannot be written: logged, never raised).

    The files go to a new sub-folder; the manifest naming it is then replaced atomically, and older sub-folders
    are removed. A reader holding the old manifest may fail to open the removed files: it rebuilds.
    """
    if not snap.key:
        return None
    root = snapshot_dir(db_path)
    gen = uuid.uuid4().hex
    try:
        (root / gen).mkdir(parents=True)
        for name, file in FILES.items():
            _write_frame(getattr(snap, name), root / gen / file)
        manifest = {
            "format": SNAPSHOT_FORMAT, "reviewtools": __version__, "pandas": pd.__version__, "key": snap.key,
            "history": snap.history, "actions": snap.actions, "counts": snap.counts, "pending": snap.pending,
            "scorer": snap.scorer, "rows": len(snap.reviews), "dir": gen,
        }
        tmp = root / f"{MANIFEST_NAME}.{gen}.tmp"
        tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(tmp, root / MANIFEST_NAME)
    except (OSError, pa.ArrowException) as exc:
        log.warning("could not write the snapshot of %s to %s: %s", db_path, root, exc)
        shutil.rmtree(root / gen, ignore_errors=True)
        return None
    for old in root.iterdir():
        if old.is_dir() and old.name != gen:
            shutil.rmtree(old, ignore_errors=True)
    return root


def read_manifest(db_path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The snapshot's manifest, or ``None`` when there is none or it cannot be read (logged)."""
    path = snapshot_dir(db_path) / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
        return manifest
    except (OSError, ValueError) as exc:
        log.warning("the snapshot manifest %s cannot be read (%s); it will be rebuilt", path, exc)
        return None


def read_snapshot(db_path: str | os.PathLike[str], key: str) -> StoreSnapshot | None:
    """The snapshot beside the store at ``db_path`` when it was written for data key ``key`` (and this snapshot
    format and pandas version); ``None`` when it is missing, stale or unreadable (the last two logged)."""
    manifest = read_manifest(db_path)
    if manifest is None:
        return None
    if (manifest.get("format"), manifest.get("pandas"), manifest.get("key")) != (SNAPSHOT_FORMAT, pd.__version__, key):
        log.info("the snapshot of %s is stale (written for %r, the store is at %r); rebuilding it",
                 db_path, manifest.get("key"), key)
        return None
    folder = snapshot_dir(db_path) / str(manifest.get("dir", ""))
    try:
        frames = {name: _read_frame(folder / file) for name, file in FILES.items()}
        rows = int(manifest["rows"])
        if len(frames["reviews"]) != rows or len(frames["workflow"]) != rows:
            raise ValueError(f"expected {rows} rows in reviews and workflow, found {len(frames['reviews'])} and "
                             f"{len(frames['workflow'])}")
        missing = [c for c in ("platform", "review_id") if c not in frames["reviews"].columns]
        missing += [c for c in WORKFLOW_COLUMNS if c not in frames["workflow"].columns]
        if missing:
            raise ValueError(f"missing columns {missing}")
        return StoreSnapshot(
            **frames, key=key, history=int(manifest["history"]), actions=int(manifest["actions"]),
            counts={k: int(v) for k, v in dict(manifest.get("counts", {})).items()},
            pending=int(manifest.get("pending", 0)), scorer=str(manifest.get("scorer", "")), source="snapshot",
        )
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
        log.warning("the snapshot of %s in %s cannot be read (%s); rebuilding it from the store",
                    db_path, folder, exc)
        return None


def load_snapshot(store: ReviewStore, *, write: bool = True) -> StoreSnapshot:
    """The dashboard's frames of ``store``: from the snapshot files when they are current, else built from
    SQLite and (with ``write``) written for the next reader. Never stale, never an error for a bad snapshot.

    >>> import tempfile, pathlib
    >>> with ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db") as store:
    ...     first, again = load_snapshot(store), load_snapshot(store)
    >>> first.source, again.source
    ('store', 'snapshot')
    """
    key = data_key(store)
    snap = read_snapshot(store.path, key)
    if snap is not None:
        return snap
    snap = build_snapshot(store)
    if write:
        write_snapshot(snap, store.path)
    return snap


def refresh_snapshot(store: ReviewStore) -> Path | None:
    """Rebuild and write the snapshot of ``store`` now (after an ingest or a scoring run); returns its folder,
    or ``None`` when it could not be written. A snapshot that is already current is left as it is."""
    key = data_key(store)
    if read_manifest(store.path) is not None and read_snapshot(store.path, key) is not None:
        return snapshot_dir(store.path)
    return write_snapshot(build_snapshot(store), store.path)


def pending_count(store: ReviewStore) -> int:
    """How many current reviews have no stored result for the store's scorer: from a current snapshot's
    manifest when there is one (same data key and scorer, so the same answer), else by asking the store."""
    manifest = read_manifest(store.path)
    if (manifest is not None and manifest.get("format") == SNAPSHOT_FORMAT and manifest.get("key") == data_key(store)
            and manifest.get("scorer") == store.scorer_key() and isinstance(manifest.get("pending"), int)):
        return int(manifest["pending"])
    return len(store.pending())


# ============================================================================================ workflow


def current_workflow(snap: StoreSnapshot, store: ReviewStore) -> pd.DataFrame:
    """``snap.workflow`` brought up to date: only the actions the store logged a change for since
    ``snap.history`` are read from SQLite and patched in (by platform and review id). When the store's
    actions were re-created (its ``actions`` counter or history moved back), the whole workflow is read.

    Returns a new frame (``snap`` is not changed), row-aligned with ``snap.reviews``.
    """
    stamp = store.change_stamp()
    if stamp["actions"] != snap.actions or stamp["history"] < snap.history:
        return _aligned_workflow(snap.reviews, store.workflow_frame())
    if stamp["history"] == snap.history:
        return snap.workflow
    delta = store.workflow_frame(changed_since=snap.history)
    if not len(delta):
        return snap.workflow
    keys = ["platform", "review_id"]
    delta = delta[keys + list(WORKFLOW_COLUMNS)].drop_duplicates(keys, keep="last")
    ids = snap.reviews["review_id"].astype("string")
    candidates = np.flatnonzero(ids.isin(set(delta["review_id"].tolist())).fillna(False).to_numpy(dtype=bool))
    if not len(candidates):
        return snap.workflow
    here = snap.reviews.iloc[candidates][keys].astype("string").reset_index(drop=True)
    here["_pos"] = candidates
    found = here.merge(delta, on=keys, how="inner")
    out = snap.workflow.copy()
    pos = found["_pos"].to_numpy(dtype=np.int64)
    for c in WORKFLOW_COLUMNS:
        values = out[c].array.copy()
        values[pos] = pd.array(found[c].to_numpy(), dtype="string")
        out[c] = values
    return out


def with_workflow(reviews: pd.DataFrame, workflow: pd.DataFrame) -> pd.DataFrame:
    """``reviews`` with the row-aligned ``workflow`` attached as :func:`reviewtools.views.attach_workflow` does
    (the same columns, order and values) without matching keys again: ``status``, ``assignee``,
    ``edited_draft`` appended; where the team edited a draft, ``draft`` is the edit and ``generated_draft``
    keeps triage's.

    >>> r = pd.DataFrame({"review_id": ["a"], "draft": ["Sorry."]})
    >>> w = pd.DataFrame({"status": ["drafted"], "assignee": [None], "edited_draft": ["Sorry, Ann."]}, dtype="string")
    >>> with_workflow(r, w)[["status", "draft", "generated_draft"]].values.tolist()
    [['drafted', 'Sorry, Ann.', 'Sorry.']]
    """
    if len(workflow) != len(reviews):
        raise StoreError(f"the workflow has {len(workflow)} rows for {len(reviews)} reviews; expected row-aligned frames")
    base = reviews.drop(columns=[c for c in WORKFLOW_COLUMNS if c in reviews.columns])
    add = {c: workflow[c].astype("string").array for c in WORKFLOW_COLUMNS}
    out = base.assign(**{c: pd.Series(v, index=base.index) for c, v in add.items()})
    if "draft" in out.columns:
        generated = out["draft"].astype("string")
        edited = out["edited_draft"]
        out = out.assign(generated_draft=generated, draft=generated.where(edited.isna(), edited))
    return out


def dashboard_frame(snap: StoreSnapshot, store: ReviewStore) -> pd.DataFrame:
    """The reviews with the store's current workflow attached: what ``views.attach_workflow(reviews,
    store.workflow_frame())`` gives, reading only the actions changed since the snapshot."""
    return with_workflow(snap.reviews, current_workflow(snap, store))


def drop_snapshot(db_path: str | os.PathLike[str]) -> None:
    """Remove the snapshot beside the store at ``db_path`` (nothing happens when there is none)."""
    shutil.rmtree(snapshot_dir(db_path), ignore_errors=True)


def describe(snap: StoreSnapshot) -> str:
    """One line on where the frames came from, for a caption (``"snapshot"`` or ``"store"`` and the rows).

    >>> import tempfile, pathlib
    >>> describe(build_snapshot(ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db")))
    'read from the store (SQLite): 0 reviews'
    """
    where = "read from the snapshot (Arrow)" if snap.source == "snapshot" else "read from the store (SQLite)"
    return f"{where}: {len(snap.reviews):,} reviews"


__all__ = [
    "SNAPSHOT_SUFFIX",
    "SNAPSHOT_FORMAT",
    "WORKFLOW_COLUMNS",
    "StoreSnapshot",
    "snapshot_dir",
    "data_key",
    "dashboard_reviews",
    "build_snapshot",
    "write_snapshot",
    "read_manifest",
    "read_snapshot",
    "load_snapshot",
    "refresh_snapshot",
    "pending_count",
    "current_workflow",
    "with_workflow",
    "dashboard_frame",
    "drop_snapshot",
    "describe",
]
