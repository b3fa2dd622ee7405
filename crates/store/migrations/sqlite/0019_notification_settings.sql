-- Each person's notification choices: the optional kinds they do not want by email, and their
-- quiet hours (minutes after midnight, Europe/London wall-clock time; an end before the start
-- spans midnight). No row: every kind by email, at any hour. The in-app notification is always
-- written; these are about email only. See docs/notifications.md, "Choices and quiet hours".
-- The PostgreSQL migration of the same number does the same.
CREATE TABLE notification_settings (
    person TEXT PRIMARY KEY,
    -- A comma-separated list of NoticeKind names ('' = none turned off).
    email_off TEXT NOT NULL DEFAULT '',
    quiet_start INTEGER,
    quiet_end INTEGER,
    updated_at INTEGER NOT NULL,
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL)),
    CHECK (quiet_start IS NULL OR (quiet_start BETWEEN 0 AND 1439
        AND quiet_end BETWEEN 0 AND 1439 AND quiet_start <> quiet_end))
) WITHOUT ROWID;
