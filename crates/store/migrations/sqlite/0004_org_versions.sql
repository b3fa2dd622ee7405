-- Optimistic versions for people and units: an edit names the version it read and is
-- refused if someone changed the row since. Existing rows start at version 1.
-- The other backend's migration of the same number does the same.
ALTER TABLE person ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE unit ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
