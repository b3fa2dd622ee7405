-- Pledge's store, PostgreSQL edition: the same tables and columns as the SQLite migration of
-- the same number; `tests/conformance.rs` runs one suite against both.
--
-- Conventions:
--   times     BIGINT unix microseconds, UTC (the same values as SQLite, so both backends
--             return identical rows; `to_timestamp(at / 1e6)` reads one by hand)
--   hashes    32-byte BYTEA (SHA-256, see src/chain.rs)
--   lists     JSON text
--   keys      TEXT COLLATE "C": byte order, as SQLite, whatever the database's locale, so
--             ordering and paging agree between backends

-- The heads of the two hash chains, one row each. Several application servers may append at
-- once: each append transaction locks the `log_head` row (SELECT ... FOR UPDATE) before it
-- reads the case's version, so appends are serialised, sequence numbers are dense and the
-- chain is linear. The access chain has its own head row, always locked after `log_head`
-- when both are needed (no deadlock). `verify` checks the last row against the head, which
-- catches rows deleted from, or added to, the end of a log.
CREATE TABLE log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO log_head (id, seq, hash) VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);

CREATE TABLE access_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO access_head (id, seq, hash) VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);

-- The case log: append-only, the source of truth. `body` is the event's JSON text exactly
-- as hashed (TEXT, not JSONB, which would normalise it). `event_type`, `at` and `by_person`
-- repeat parts of it for queries (verify checks they agree). Disposal replaces `body` with a
-- tombstone, clears `by_person` and sets `disposed`; the hashes stay (see chain.rs).
CREATE TABLE event (
    seq BIGINT PRIMARY KEY,              -- global position 1, 2, 3, ... (hashed)
    case_id TEXT COLLATE "C" NOT NULL,
    case_version BIGINT NOT NULL,        -- 1-based position in the case (hashed)
    event_type TEXT NOT NULL,
    at BIGINT NOT NULL,
    by_person TEXT NOT NULL,
    body TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    content_hash BYTEA NOT NULL,
    prev_case_hash BYTEA NOT NULL,
    case_hash BYTEA NOT NULL,
    prev_log_hash BYTEA NOT NULL,
    log_hash BYTEA NOT NULL,
    disposed BOOLEAN NOT NULL DEFAULT FALSE,
    -- Optimistic concurrency's last line of defence, and the index for loading a case, its
    -- current version and paging case ids.
    CONSTRAINT event_case_version UNIQUE (case_id, case_version)
);

-- Append-only, enforced by the database too: no deletes, and the only update allowed is a
-- disposal (tombstone body, cleared by_person, disposed set once; nothing hashed changes).
CREATE FUNCTION pledge_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the event log is append-only';
    END IF;
    IF OLD.disposed OR NOT NEW.disposed OR NEW.by_person <> '' OR NEW.body <> '{"disposed":true}'
       OR (NEW.seq, NEW.case_id, NEW.case_version, NEW.event_type, NEW.at, NEW.recorded_at,
           NEW.content_hash, NEW.prev_case_hash, NEW.case_hash, NEW.prev_log_hash, NEW.log_hash)
          IS DISTINCT FROM
          (OLD.seq, OLD.case_id, OLD.case_version, OLD.event_type, OLD.at, OLD.recorded_at,
           OLD.content_hash, OLD.prev_case_hash, OLD.case_hash, OLD.prev_log_hash, OLD.log_hash) THEN
        RAISE EXCEPTION 'the event log is append-only (only disposal may replace a body)';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
    FOR EACH ROW EXECUTE FUNCTION pledge_event_guard();

-- The access log (Data Protection Act 2018 s62): who did what to which case, when and why.
-- Hash-chained like the event log; append-only.
CREATE TABLE access_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT COLLATE "C" NOT NULL,
    action TEXT NOT NULL,
    case_id TEXT COLLATE "C",
    what TEXT NOT NULL,
    justification TEXT NOT NULL,
    prev_hash BYTEA NOT NULL,
    hash BYTEA NOT NULL
);
-- "Who looked at my case?" and "what did this person look at?": equality on the first column,
-- rows already in seq order.
CREATE INDEX access_log_case ON access_log (case_id, seq);
CREATE INDEX access_log_actor ON access_log (actor, seq);
CREATE FUNCTION pledge_access_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only';
END
$$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION pledge_access_guard();

-- Read models: derived from the events in the append's transaction, rebuilt by `pledge
-- rebuild`, deleted by disposal.
CREATE TABLE case_summary (
    case_id TEXT COLLATE "C" PRIMARY KEY,
    plan_id TEXT NOT NULL,
    plan_version BIGINT NOT NULL,
    force TEXT COLLATE "C" NOT NULL,
    unit TEXT COLLATE "C" NOT NULL,
    occurred_at BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    injury TEXT NOT NULL,
    hospitalised BOOLEAN NOT NULL,
    hate_crime TEXT NOT NULL,            -- JSON list; '[]' when not a hate crime
    status TEXT NOT NULL,
    oic TEXT,
    supervisor TEXT NOT NULL,
    victims TEXT NOT NULL,               -- JSON list of person ids
    arrested BOOLEAN NOT NULL,
    no_arrest_reason BOOLEAN NOT NULL,
    outcome_type BIGINT,
    version BIGINT NOT NULL
);
-- Case lists are newest first, usually within a force (and unit); retention review scans by
-- report time.
CREATE INDEX case_summary_area ON case_summary (force, unit, reported_at);
CREATE INDEX case_summary_reported ON case_summary (reported_at, case_id);

-- Who a case names, for "cases involving this person" (victim, OIC or supervisor).
CREATE TABLE case_person (
    case_id TEXT COLLATE "C" NOT NULL REFERENCES case_summary (case_id) ON DELETE CASCADE,
    person TEXT COLLATE "C" NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('victim', 'oic', 'supervisor')),
    PRIMARY KEY (case_id, person, relation)
);
CREATE INDEX case_person_person ON case_person (person, case_id);

-- One row per obligation (and instance) of a case. `ord` keeps plan order.
CREATE TABLE obligation (
    case_id TEXT COLLATE "C" NOT NULL REFERENCES case_summary (case_id) ON DELETE CASCADE,
    obligation_id TEXT COLLATE "C" NOT NULL,
    instance BIGINT NOT NULL,
    ord BIGINT NOT NULL,
    point TEXT NOT NULL,
    title TEXT NOT NULL,
    owner_role TEXT NOT NULL,
    owner_person TEXT COLLATE "C",
    force TEXT COLLATE "C" NOT NULL,
    unit TEXT COLLATE "C" NOT NULL,
    started_at BIGINT,
    due_at BIGINT,
    completed_at BIGINT,
    status TEXT NOT NULL,
    PRIMARY KEY (case_id, obligation_id, instance)
);
-- Index rationale (checked with EXPLAIN in tests/conformance/ops.rs):
-- * my_tasks: owner_person = $1 AND status = 'open' ORDER BY due_at NULLS LAST, then the
--   primary key as a tie-break. A partial index over open rows only (settled rows, the vast
--   majority over time, are not in it); B-tree order is ASC NULLS LAST, exactly the output
--   order, so it is an index range scan with no sort.
-- * overdue: force = $1 [AND unit = $2] AND status = 'open' AND due_at < $3, oldest first:
--   partial indexes (force, unit, due_at, ...) and (force, due_at, ...) over open rows, a
--   range scan on due_at after the equality columns, in output order. With a unit, the
--   planner picks between the two by cost (the force index filtering on unit is still a
--   range scan in order; the area index wins once a force has many units).
-- * case_obligations and dump: the primary key (case_id first).
CREATE INDEX obligation_owner_open ON obligation (owner_person, due_at, case_id, obligation_id, instance)
    WHERE status = 'open';
CREATE INDEX obligation_area_open ON obligation (force, unit, due_at, case_id, obligation_id, instance)
    WHERE status = 'open';
CREATE INDEX obligation_force_open ON obligation (force, due_at, case_id, obligation_id, instance)
    WHERE status = 'open';

-- Retention: a record of each disposal (the Erase entry is also in the access log).
CREATE TABLE disposal (
    case_id TEXT COLLATE "C" PRIMARY KEY,
    by_person TEXT NOT NULL,
    at BIGINT NOT NULL,
    reason TEXT NOT NULL
);

-- Organisation data.
CREATE TABLE person (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    workforce_role TEXT,
    unit TEXT,
    line_manager TEXT,
    staff_association TEXT
);

CREATE TABLE unit (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    force TEXT NOT NULL,
    parent TEXT                          -- chain of command; NULL at the top of a force
);

CREATE TABLE meeting (
    calendar TEXT COLLATE "C" NOT NULL,
    unit TEXT COLLATE "C" NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (calendar, unit, at)
);
CREATE INDEX meeting_calendar_at ON meeting (calendar, at);

CREATE TABLE headcount (
    unit TEXT COLLATE "C" NOT NULL,
    year BIGINT NOT NULL,
    headcount BIGINT NOT NULL,
    PRIMARY KEY (unit, year)
);
