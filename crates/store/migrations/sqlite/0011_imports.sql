-- Imports from a force's own systems (docs/imports.md).
-- The other backend's migration of the same number does the same.

-- A person missing from a full import of the HR directory has left: never deleted (cases keep
-- their history), marked with the day the import found them gone ('YYYY-MM-DD').
ALTER TABLE person ADD COLUMN left_on TEXT;

-- What an import from a source system (a records management system) recorded, by the source's
-- own record id: claimed in the same transaction as the events it recorded, so the same record
-- imported twice records nothing the second time.
CREATE TABLE source_record (
    source TEXT NOT NULL,
    record_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    recorded TEXT NOT NULL,           -- what was recorded, in words
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (source, record_id)
) WITHOUT ROWID;

-- Records an import could not match to a case, kept for a person of the force to resolve.
CREATE TABLE unmatched_record (
    source TEXT NOT NULL,
    record_id TEXT NOT NULL,
    force TEXT NOT NULL,
    crime_reference TEXT NOT NULL,
    pledge_reference TEXT,
    reason TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (source, record_id)
) WITHOUT ROWID;
CREATE INDEX unmatched_record_force ON unmatched_record (force, received_at);

-- An uploaded file between its dry run and its confirmation (the page asks once, then applies
-- the same bytes), for its uploader only; removed when applied or after a day.
CREATE TABLE import_upload (
    id TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    options TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
