-- Notifications: an outbox written in the same transaction as the event that causes it, the
-- in-app inbox read from the same rows, and the record of each escalation level decided.
-- See docs/notifications.md. The PostgreSQL migration of the same number does the same.

-- One row per person told (or per role nobody holds: person NULL, a gap administrators see).
-- `email` is the address at the time of writing (NULL: no email channel, email_status 'none').
-- Email delivery: a worker claims 'pending' rows whose next_attempt_at has come, by moving
-- next_attempt_at past a lease; a crash before marking leaves the row to be claimed again
-- (the resend carries the same Message-ID, built from `id`).
CREATE TABLE notification (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL,
    person TEXT,
    role TEXT,
    kind TEXT NOT NULL,
    obligation_id TEXT,
    instance INTEGER NOT NULL DEFAULT 0,
    level INTEGER NOT NULL DEFAULT 0,
    mandatory INTEGER NOT NULL,
    urgent INTEGER NOT NULL,
    headline TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    email TEXT,
    email_status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_answer TEXT,
    sent_at INTEGER
);
-- The inbox (newest first) and its unread count.
CREATE INDEX notification_person ON notification (person, id);
CREATE INDEX notification_unread ON notification (person) WHERE read_at IS NULL;
-- The delivery worker: pending mail by when it may next be tried.
CREATE INDEX notification_email_due ON notification (next_attempt_at, id) WHERE email_status = 'pending';
-- Gaps: a role nobody holds, or a person without an address.
CREATE INDEX notification_gap ON notification (created_at) WHERE person IS NULL;

-- Each reminder or escalation level of each obligation instance, decided once: the primary
-- key is what stops two servers (or a retried sweep) deciding it twice. `final_level` marks the
-- final level, after which the sweep no longer reads the obligation.
CREATE TABLE obligation_escalation (
    case_id TEXT NOT NULL,
    obligation_id TEXT NOT NULL,
    instance INTEGER NOT NULL,
    level INTEGER NOT NULL,
    final_level INTEGER NOT NULL,
    decided_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, obligation_id, instance, level)
) WITHOUT ROWID;

-- The sweep: open obligations of open cases by due time, across forces (the 0003 indexes
-- start with the owner or the force).
CREATE INDEX obligation_due_live ON obligation (due_at, case_id, obligation_id, instance)
    WHERE status = 'open' AND case_open = 1;
