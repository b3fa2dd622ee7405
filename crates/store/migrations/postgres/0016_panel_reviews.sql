-- The scrutiny panel's reviews (OSSR recommendation 23(i); a plan's [[review]] section): each
-- row records one panel meeting, the pack it considered (the force's or a unit's, for a
-- period) with a hash of the pack's figures as shown, who chaired, and the panel's actions
-- (free text, never published in a pack). Append-only: nobody edits a recorded review after
-- the fact (a correction is a new record). Dates are UK civil dates, YYYY-MM-DD.
-- The migration of the same number on the other backend does the same.
CREATE TABLE panel_review (
    id           BIGSERIAL PRIMARY KEY,
    force        TEXT NOT NULL,
    review_id    TEXT NOT NULL,
    plan_id      TEXT NOT NULL,
    plan_version BIGINT NOT NULL,
    met_on       TEXT NOT NULL,
    pack_unit    TEXT,
    pack_from    TEXT NOT NULL,
    pack_to      TEXT NOT NULL,
    pack_hash    TEXT NOT NULL,
    chair        TEXT NOT NULL,
    actions      TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL,
    CHECK (pack_from <= pack_to AND pack_to <= met_on)
);
CREATE INDEX panel_review_force ON panel_review (force, met_on);
CREATE FUNCTION pledge_panel_review_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the panel reviews are append-only';
END
$$;
CREATE TRIGGER panel_review_append_only BEFORE UPDATE OR DELETE ON panel_review
    FOR EACH ROW EXECUTE FUNCTION pledge_panel_review_guard();
