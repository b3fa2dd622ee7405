-- The plan register: a force's own plan versions and which plan each force has in force from
-- which date. Append-only and hash-chained (like the event log), so a plan version cannot be
-- changed after cases were opened under it without `pledge verify` noticing.
-- An entry with `source` installs a plan version (the file as uploaded); every entry puts
-- `plan_id`@`version` in force for `force` from `effective_from`.
-- The SQLite migration of the same number does the same.

CREATE TABLE plan_register (
    seq            BIGINT PRIMARY KEY,
    force          TEXT NOT NULL,
    plan_id        TEXT NOT NULL,
    version        BIGINT NOT NULL,
    source         TEXT,
    source_hash    TEXT,
    effective_from BIGINT NOT NULL,
    recorded_at    BIGINT NOT NULL,
    recorded_by    TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE UNIQUE INDEX plan_register_version ON plan_register (plan_id, version)
    WHERE source IS NOT NULL;
CREATE INDEX plan_register_force ON plan_register (force, effective_from);
CREATE FUNCTION pledge_plan_register_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the plan register is append-only';
END
$$;
CREATE TRIGGER plan_register_append_only BEFORE UPDATE OR DELETE ON plan_register
    FOR EACH ROW EXECUTE FUNCTION pledge_plan_register_guard();
