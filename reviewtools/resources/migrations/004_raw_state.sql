-- Migration 4: what the last ingest of each export layout read, record by record, so the next export of that layout
-- is compared by the raw bytes of its records and only new or changed records are parsed and normalised again
-- (reviewtools/incremental.py). One row per (layout, source file name); `records` is a packed little-endian array
-- (reviewtools.incremental.STATE_DTYPE): per raw record its BLAKE2b-64 hash, the stored review it became, that
-- review's fingerprint, its duplicate key hash, date, product hash and flags (kept / rejected / duplicate, and the
-- per-record inputs of the file-wide decisions: rating scale, day-first slash dates, UTF-8 validity).
-- It is a cache: deleting a row only makes the next ingest of that layout read the whole file again.
CREATE TABLE raw_state (
    layout          TEXT NOT NULL,            -- hash of the layout descriptor (header, dialect, format, options)
    source          TEXT NOT NULL,            -- the file's base name
    descriptor      TEXT NOT NULL,            -- JSON: what the layout hash was computed over
    context         TEXT NOT NULL,            -- JSON: the file-wide decisions of that ingest
    ingest_id       INTEGER NOT NULL REFERENCES ingests(id),
    rows            INTEGER NOT NULL,
    records         BLOB NOT NULL,
    PRIMARY KEY (layout, source)
);
CREATE INDEX raw_state_layout ON raw_state (layout, ingest_id);
