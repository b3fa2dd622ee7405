-- Units' recurring meeting schedules ("every Tuesday at 10:00 from 2026-01-06 except ..."),
-- one per unit and calendar, kept as the schedule's text. Setting one writes its coming
-- meetings into `meeting` marked `from_schedule`, so evaluation, verification and the
-- back-test read one list of dates; replacing or clearing a schedule removes only its coming
-- meetings (a meeting already held stays: deadlines that ran to it were measured against it).
-- The migration of the same number on the other backend does the same.
CREATE TABLE meeting_schedule (
    calendar TEXT NOT NULL,
    unit     TEXT NOT NULL,
    schedule TEXT NOT NULL,
    set_by   TEXT NOT NULL,
    set_at   INTEGER NOT NULL,
    PRIMARY KEY (calendar, unit)
) WITHOUT ROWID;
ALTER TABLE meeting ADD COLUMN from_schedule INTEGER NOT NULL DEFAULT 0;
