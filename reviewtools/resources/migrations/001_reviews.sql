-- Migration 1: the reviews themselves, their superseded versions, and a log of ingests.
-- Timestamps are ISO 8601 UTC text ('YYYY-MM-DDTHH:MM:SS.ffffffZ'), so they sort and compare as text.

CREATE TABLE ingests (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,            -- file name or what the caller passed as source=
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    full_export     INTEGER NOT NULL DEFAULT 0,
    rows            INTEGER NOT NULL DEFAULT 0,
    new             INTEGER NOT NULL DEFAULT 0,
    changed         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    rejected        INTEGER NOT NULL DEFAULT 0,
    possibly_removed INTEGER NOT NULL DEFAULT 0
);

-- The current version of each review, keyed on (platform, review_id).
CREATE TABLE reviews (
    id                  INTEGER PRIMARY KEY,
    platform            TEXT NOT NULL,
    review_id           TEXT NOT NULL,
    marketplace         TEXT,
    product_id          TEXT,
    product_title       TEXT,
    rating              INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title               TEXT,
    text                TEXT NOT NULL,
    author              TEXT,
    created_at          TEXT NOT NULL,
    verified            INTEGER,
    vine                INTEGER,
    helpful_votes       INTEGER,
    reply_text          TEXT,
    replied_at          TEXT,
    source_file         TEXT,
    source_row          INTEGER,
    content_hash        TEXT NOT NULL,        -- over rating, title and text: what makes a review "changed"
    meta_hash           TEXT NOT NULL,        -- over the other columns: refreshed in place, no new version
    version             INTEGER NOT NULL DEFAULT 1,
    first_seen_at       TEXT NOT NULL,
    changed_at          TEXT NOT NULL,        -- when the current content was first seen
    first_ingest_id     INTEGER NOT NULL REFERENCES ingests(id),
    last_ingest_id      INTEGER NOT NULL REFERENCES ingests(id),   -- last ingest that wrote this row
    possibly_removed_at TEXT,                 -- set when a later full export no longer contained it
    UNIQUE (platform, review_id)
);
CREATE INDEX reviews_product ON reviews (platform, product_id, created_at);
CREATE INDEX reviews_first_seen ON reviews (first_seen_at);

-- Superseded versions: a row is written when an ingest finds different content for a known review.
-- The full history of a review is these rows (oldest first) followed by its current row in `reviews`.
CREATE TABLE review_versions (
    review_pk       INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    rating          INTEGER NOT NULL,
    title           TEXT,
    text            TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    valid_from      TEXT NOT NULL,            -- when this version was first seen
    replaced_at     TEXT NOT NULL,            -- when the next version was first seen
    replaced_by_ingest_id INTEGER NOT NULL REFERENCES ingests(id),
    PRIMARY KEY (review_pk, version)
);
CREATE INDEX review_versions_replaced ON review_versions (replaced_at);
