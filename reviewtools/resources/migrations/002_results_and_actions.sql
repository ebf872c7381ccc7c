-- Migration 2: derived results (scores, topics, hits) keyed on review and content hash, and the action
-- workflow with its history.

-- One row per review and content hash that triage has scored. `data` is a JSON object of the columns
-- triage added (sentiment, topics, action, draft, ...). `scorer` fingerprints the reviewtools version and
-- settings, so results from another scorer are recomputed.
CREATE TABLE results (
    review_pk       INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    content_hash    TEXT NOT NULL,
    scorer          TEXT NOT NULL,
    computed_at     TEXT NOT NULL,
    data            TEXT NOT NULL,
    PRIMARY KEY (review_pk, content_hash, scorer)
);

-- Evidence rows (guideline hits and complaint-topic matches) for a scored review and content hash.
CREATE TABLE evidence (
    review_pk       INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    content_hash    TEXT NOT NULL,
    scorer          TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('hit', 'topic')),
    data            TEXT NOT NULL             -- JSON object: one row of the long frame
);
CREATE INDEX evidence_review ON evidence (review_pk, content_hash, scorer);

-- The recommended action of each review and where the team is with it.
CREATE TABLE actions (
    review_pk       INTEGER PRIMARY KEY REFERENCES reviews(id) ON DELETE CASCADE,
    action          TEXT NOT NULL,
    action_reason   TEXT,
    priority        REAL,
    draft           TEXT,                     -- the generated draft
    edited_draft    TEXT,                     -- the team's edit, when there is one
    content_hash    TEXT NOT NULL,            -- the review content the recommendation was made for
    status          TEXT NOT NULL DEFAULT 'new',
    assignee        TEXT,
    notes           TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX actions_status ON actions (status);

CREATE TABLE action_history (
    id              INTEGER PRIMARY KEY,
    review_pk       INTEGER NOT NULL REFERENCES actions(review_pk) ON DELETE CASCADE,
    at              TEXT NOT NULL,
    who             TEXT NOT NULL,
    field           TEXT NOT NULL,            -- status, assignee, draft, note, recommendation
    old_value       TEXT,
    new_value       TEXT,
    note            TEXT
);
CREATE INDEX action_history_review ON action_history (review_pk, id);
