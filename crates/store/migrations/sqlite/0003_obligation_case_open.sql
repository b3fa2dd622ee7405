-- Closed cases leave "my tasks" and the overdue lists. An obligation never met in a closed
-- case keeps its open row (reports need it: it was missed), so `status = 'open'` alone kept
-- such rows in both lists for ever. `case_open` repeats the case's status on each of its
-- obligation rows (1 while the case is open), written with the rows by every projection
-- write (append, batch import, rebuild); disposal deletes the rows. The hot queries add
-- `case_open = 1` and the partial indexes cover open rows of open cases only.
-- The PostgreSQL migration of the same number does the same.

ALTER TABLE obligation ADD COLUMN case_open INTEGER NOT NULL DEFAULT 0;

-- Only the rows of open cases change (the default already says closed): through the
-- primary key, one case at a time.
UPDATE obligation SET case_open = 1
    WHERE case_id IN (SELECT case_id FROM case_summary WHERE status = 'open');

-- Same keys as the indexes they replace (see 0001 for the rationale); narrower predicate.
DROP INDEX obligation_owner_open;
DROP INDEX obligation_area_open;
DROP INDEX obligation_force_open;
CREATE INDEX obligation_owner_live ON obligation (owner_person, due_at, case_id, obligation_id, instance)
    WHERE status = 'open' AND case_open = 1;
CREATE INDEX obligation_area_live ON obligation (force, unit, due_at, case_id, obligation_id, instance)
    WHERE status = 'open' AND case_open = 1;
CREATE INDEX obligation_force_live ON obligation (force, due_at, case_id, obligation_id, instance)
    WHERE status = 'open' AND case_open = 1;
