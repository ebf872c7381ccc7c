-- Migration 3: a 64-bit fingerprint of each stored review's canonical values, so a re-ingest can tell the
-- unchanged reviews (almost all of them, in a daily export) from the rest with one integer comparison each.
-- `fp` is BLAKE2b-64 (personalised, see reviewtools/store.py `_FP_PERSON`) over every canonical column except the
-- key (platform, review_id) and the provenance (source_file, source_row). Rows stored before this migration have
-- a null fingerprint: the next ingest compares their exact content and metadata hashes once and fills it in.
ALTER TABLE reviews ADD COLUMN fp INTEGER;

-- A covering index for the re-ingest lookup (key -> id, fingerprint, removal mark): reading it is a scan of a
-- few dozen bytes a review instead of the whole table with its texts.
CREATE INDEX reviews_fingerprint ON reviews (platform, review_id, fp, possibly_removed_at);
