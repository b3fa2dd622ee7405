-- The escalation sweep's index of next-due times (docs/notifications.md, "The sweep's index"):
-- one row per reminder or escalation level of each open obligation of an open case that is
-- not yet decided, with when it falls due under the plan's escalation policy. Written with the
-- other read models in the append's transaction; the transaction that decides a level (the
-- `obligation_escalation` key) deletes its row. A sweep reads only the rows due by now, in
-- due order, so it never re-evaluates a case with nothing due, and a sweep with nothing due
-- reads one index entry. Rebuilt by `pledge rebuild`, compared by `pledge verify`. A
-- database upgraded from before this migration has no rows for its existing cases until
-- `pledge rebuild` is run (verify reports them, and the sweep cannot see them until then).
-- The SQLite migration of the same number does the same.
CREATE TABLE escalation_due (
    case_id TEXT COLLATE "C" NOT NULL,
    obligation_id TEXT COLLATE "C" NOT NULL,
    instance BIGINT NOT NULL,
    level BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, obligation_id, instance, level)
);
CREATE INDEX escalation_due_at ON escalation_due (due_at, case_id, obligation_id, instance, level);
