-- Pledge's store, SQLite edition. The PostgreSQL migration of the same number creates the same
-- tables with the same columns; `tests/conformance.rs` runs one suite against both.
--
-- Conventions:
--   times     INTEGER unix microseconds, UTC (sort correctly, convert exactly; see encode.rs)
--   hashes    32-byte BLOBs (SHA-256, see src/chain.rs)
--   lists     JSON text (e.g. '["PC-1","PC-2"]')
--   booleans  INTEGER 0/1

-- The heads of the two hash chains, one row each. A write transaction (BEGIN IMMEDIATE, so
-- one writer at a time) reads the head, assigns the next dense sequence numbers, chains the
-- new rows onto the head hash and advances it. `verify` also checks the last row against it,
-- which catches rows deleted from, or added to, the end of a log.
CREATE TABLE log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO log_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

CREATE TABLE access_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO access_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

-- The case log: append-only, the source of truth. `body` is the event's JSON exactly as
-- hashed; `event_type`, `at` and `by_person` repeat parts of it for queries (verify checks
-- they agree). Disposal replaces `body` with a tombstone, clears `by_person` and sets
-- `disposed`; the hashes stay (see chain.rs).
CREATE TABLE event (
    seq INTEGER PRIMARY KEY,             -- global position 1, 2, 3, ... (hashed)
    case_id TEXT NOT NULL,
    case_version INTEGER NOT NULL,       -- 1-based position in the case (hashed)
    event_type TEXT NOT NULL,
    at INTEGER NOT NULL,
    by_person TEXT NOT NULL,
    body TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    content_hash BLOB NOT NULL,
    prev_case_hash BLOB NOT NULL,
    case_hash BLOB NOT NULL,
    prev_log_hash BLOB NOT NULL,
    log_hash BLOB NOT NULL,
    disposed INTEGER NOT NULL DEFAULT 0,
    -- Optimistic concurrency's last line of defence, and the index for loading a case, its
    -- current version and paging case ids.
    CONSTRAINT event_case_version UNIQUE (case_id, case_version)
);

-- Append-only, enforced by the database too: no deletes, and the only update allowed is a
-- disposal (tombstone body, cleared by_person, disposed set once; nothing hashed changes).
CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
CREATE TRIGGER event_only_disposal BEFORE UPDATE ON event
WHEN OLD.disposed <> 0 OR NEW.disposed <> 1 OR NEW.by_person <> '' OR NEW.body <> '{"disposed":true}'
  OR NEW.seq IS NOT OLD.seq OR NEW.case_id IS NOT OLD.case_id OR NEW.case_version IS NOT OLD.case_version
  OR NEW.event_type IS NOT OLD.event_type OR NEW.at IS NOT OLD.at OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.content_hash IS NOT OLD.content_hash OR NEW.prev_case_hash IS NOT OLD.prev_case_hash
  OR NEW.case_hash IS NOT OLD.case_hash OR NEW.prev_log_hash IS NOT OLD.prev_log_hash
  OR NEW.log_hash IS NOT OLD.log_hash
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only (only disposal may replace a body)');
END;

-- The access log (Data Protection Act 2018 s62): who did what to which case, when and why.
-- Hash-chained like the event log; append-only.
CREATE TABLE access_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    case_id TEXT,
    what TEXT NOT NULL,
    justification TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);
-- "Who looked at my case?" and "what did this person look at?": equality on the first column,
-- rows already in seq order.
CREATE INDEX access_log_case ON access_log (case_id, seq);
CREATE INDEX access_log_actor ON access_log (actor, seq);
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;

-- Read models: derived from the events in the append's transaction, rebuilt by `pledge
-- rebuild`, deleted by disposal.
CREATE TABLE case_summary (
    case_id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL,
    plan_version INTEGER NOT NULL,
    force TEXT NOT NULL,
    unit TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    reported_at INTEGER NOT NULL,
    injury TEXT NOT NULL,
    hospitalised INTEGER NOT NULL,
    hate_crime TEXT NOT NULL,            -- JSON list; '[]' when not a hate crime
    status TEXT NOT NULL,
    oic TEXT,
    supervisor TEXT NOT NULL,
    victims TEXT NOT NULL,               -- JSON list of person ids
    arrested INTEGER NOT NULL,
    no_arrest_reason INTEGER NOT NULL,
    outcome_type INTEGER,
    version INTEGER NOT NULL
) WITHOUT ROWID;
-- Case lists are newest first, usually within a force (and unit); retention review scans by
-- report time.
CREATE INDEX case_summary_area ON case_summary (force, unit, reported_at);
CREATE INDEX case_summary_reported ON case_summary (reported_at, case_id);

-- Who a case names, for "cases involving this person" (victim, OIC or supervisor).
CREATE TABLE case_person (
    case_id TEXT NOT NULL REFERENCES case_summary (case_id) ON DELETE CASCADE,
    person TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('victim', 'oic', 'supervisor')),
    PRIMARY KEY (case_id, person, relation)
) WITHOUT ROWID;
CREATE INDEX case_person_person ON case_person (person, case_id);

-- One row per obligation (and instance) of a case. `ord` keeps plan order.
CREATE TABLE obligation (
    case_id TEXT NOT NULL REFERENCES case_summary (case_id) ON DELETE CASCADE,
    obligation_id TEXT NOT NULL,
    instance INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    point TEXT NOT NULL,
    title TEXT NOT NULL,
    owner_role TEXT NOT NULL,
    owner_person TEXT,
    force TEXT NOT NULL,
    unit TEXT NOT NULL,
    started_at INTEGER,
    due_at INTEGER,
    completed_at INTEGER,
    status TEXT NOT NULL,
    PRIMARY KEY (case_id, obligation_id, instance)
) WITHOUT ROWID;
-- Index rationale (checked with EXPLAIN QUERY PLAN in tests/conformance/ops.rs):
-- * my_tasks: owner_person = ? AND status = 'open', by due_at (no due time last). A partial
--   index over open rows only (settled rows, the vast majority over time, are not in it),
--   keyed (owner_person, due_at, then the primary key as a tie-break), so the query is a
--   range scan already in output order: one range for due_at IS NOT NULL in order, one for
--   due_at IS NULL (SQLite sorts NULLs first, so the store reads the two ranges in turn and
--   no temporary sort is needed).
-- * overdue: force = ? [AND unit = ?] AND status = 'open' AND due_at < now, oldest first:
--   partial indexes (force, unit, due_at, ...) and (force, due_at, ...) over open rows, a
--   range scan on due_at after the equality columns, in output order.
-- * case_obligations and dump: the primary key (case_id first).
CREATE INDEX obligation_owner_open ON obligation (owner_person, due_at, case_id, obligation_id, instance)
    WHERE status = 'open';
CREATE INDEX obligation_area_open ON obligation (force, unit, due_at, case_id, obligation_id, instance)
    WHERE status = 'open';
CREATE INDEX obligation_force_open ON obligation (force, due_at, case_id, obligation_id, instance)
    WHERE status = 'open';

-- Retention: a record of each disposal (the Erase entry is also in the access log).
CREATE TABLE disposal (
    case_id TEXT PRIMARY KEY,
    by_person TEXT NOT NULL,
    at INTEGER NOT NULL,
    reason TEXT NOT NULL
) WITHOUT ROWID;

-- Organisation data.
CREATE TABLE person (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    workforce_role TEXT,
    unit TEXT,
    line_manager TEXT,
    staff_association TEXT
) WITHOUT ROWID;

CREATE TABLE unit (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    force TEXT NOT NULL,
    parent TEXT                          -- chain of command; NULL at the top of a force
) WITHOUT ROWID;

CREATE TABLE meeting (
    calendar TEXT NOT NULL,
    unit TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (calendar, unit, at)
) WITHOUT ROWID;
CREATE INDEX meeting_calendar_at ON meeting (calendar, at);

CREATE TABLE headcount (
    unit TEXT NOT NULL,
    year INTEGER NOT NULL,
    headcount INTEGER NOT NULL,
    PRIMARY KEY (unit, year)
) WITHOUT ROWID;
