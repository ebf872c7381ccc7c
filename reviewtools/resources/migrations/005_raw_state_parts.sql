-- Migration 5: the raw state of migration 4 kept as a base plus one delta, so a re-ingest that changed 1% of an
-- export writes about 1% of its state instead of all of it (a million records are 64 MB: rewriting them, their
-- WAL frames and the checkpoint cost more CPU than the rest of a 1% re-ingest's store work). Part 0 is the base
-- (every record, reviewtools.incremental.STATE_DTYPE), part 1, when present, is the current state against it:
-- `runs` are little-endian int64 triples (position, base position, length) of records copied from the base, and
-- `entries` the other records in file order. A delta larger than a share of the base is written as a new base
-- (reviewtools.incremental.DELTA_REBASE_SHARE). raw_state keeps the header (descriptor, context, ingest, rows),
-- its `records` column is left empty from now on. Still a cache: deleting rows only costs one whole-file read.
CREATE TABLE raw_state_part (
    layout          TEXT NOT NULL,
    source          TEXT NOT NULL,
    part            INTEGER NOT NULL,         -- 0: the base, 1: the delta against it
    runs            BLOB NOT NULL,
    entries         BLOB NOT NULL,
    PRIMARY KEY (layout, source, part)
);
-- the states kept so far hold their records in raw_state.records under an older recipe (never matched again)
DELETE FROM raw_state;
