-- The plan register: a force's own plan versions and which plan each force has in force from
-- which date. Append-only and hash-chained (like the event log), so a plan version cannot be
-- changed after cases were opened under it without `pledge verify` noticing.
-- An entry with `source` installs a plan version (the file as uploaded); every entry puts
-- `plan_id`@`version` in force for `force` from `effective_from`.
-- The PostgreSQL migration of the same number does the same.

CREATE TABLE plan_register (
    seq            INTEGER PRIMARY KEY,
    force          TEXT NOT NULL,
    plan_id        TEXT NOT NULL,
    version        INTEGER NOT NULL,
    source         TEXT,
    source_hash    TEXT,
    effective_from INTEGER NOT NULL,
    recorded_at    INTEGER NOT NULL,
    recorded_by    TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
-- One text per plan version, whoever installed it.
CREATE UNIQUE INDEX plan_register_version ON plan_register (plan_id, version)
    WHERE source IS NOT NULL;
CREATE INDEX plan_register_force ON plan_register (force, effective_from);
CREATE TRIGGER plan_register_no_delete BEFORE DELETE ON plan_register
BEGIN
    SELECT RAISE(ABORT, 'the plan register is append-only');
END;
CREATE TRIGGER plan_register_no_update BEFORE UPDATE ON plan_register
BEGIN
    SELECT RAISE(ABORT, 'the plan register is append-only');
END;
