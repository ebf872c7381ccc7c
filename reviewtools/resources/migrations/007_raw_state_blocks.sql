-- Migration 7: the blocks of the file a kept raw state was read from (reviewtools.incremental.BLOCK_DTYPE: per
-- block of about 16 consecutive records, cut where a record's length and last bytes say so, a 128-bit hash
-- of its bytes, its record count and the sum of its records' hashes). The next export hashes each block in one
-- call and each record only in the blocks it has not seen, instead of one hash call per record. NULL: no blocks
-- kept (every record is hashed).
ALTER TABLE raw_state ADD COLUMN blocks BLOB;
