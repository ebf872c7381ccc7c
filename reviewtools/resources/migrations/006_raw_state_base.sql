-- Migration 6: a kept raw state (migration 5) may use the base another file of its layout wrote. A daily export
-- usually has a new name each day (reviews_2026-11-25.csv), so a delta kept only against its own file's base was
-- never used: each day wrote a whole new base. `base` names the file whose part 0 this state's records start
-- from (NULL: its own file name), a state's own delta is its part 1, a base is written under a new name
-- (`source@ingest id`), never over one another state may use, and is kept while any state of the layout uses it.
ALTER TABLE raw_state ADD COLUMN base TEXT;
