-- Sign-in data, SQLite edition (the PostgreSQL migration of the same number has the same
-- tables and columns). Secrets are stored only as hashes: argon2id (PHC string) for
-- passwords, SHA-256 hex for session and API tokens. Conventions as in 0001.

-- One account per person who may sign in; the person id is the sign-in name.
CREATE TABLE account (
    person_id TEXT PRIMARY KEY REFERENCES person (id),
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,                 -- JSON list of role names
    totp_secret TEXT,                    -- base32, once two-factor is set up
    must_change_password INTEGER NOT NULL,
    disabled INTEGER NOT NULL
) WITHOUT ROWID;

-- Sign-in attempts, for throttling. `person_id` is the name given, which need not be an
-- account (unknown names are throttled too, so the answer does not reveal which exist).
CREATE TABLE login_attempt (
    id INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    at INTEGER NOT NULL
);
-- Counting a name's recent failures (and finding its last success): equality then a range.
CREATE INDEX login_attempt_person_at ON login_attempt (person_id, at);
-- Pruning old attempts.
CREATE INDEX login_attempt_at ON login_attempt (at);

-- Signed-in sessions; the cookie holds a random token, the table its SHA-256.
CREATE TABLE session (
    id_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES account (person_id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    second_factor_done INTEGER NOT NULL,
    totp_pending TEXT                    -- a two-factor secret being set up, until confirmed
) WITHOUT ROWID;
-- Ending every session of a person; expiring old sessions.
CREATE INDEX session_person ON session (person_id);
CREATE INDEX session_expires ON session (expires_at);

-- API tokens for force systems; the token itself is shown once and kept only as SHA-256.
CREATE TABLE api_token (
    name TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,           -- the lookup on every bearer request
    scopes TEXT NOT NULL,                -- JSON list of scope names
    force TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) WITHOUT ROWID;

-- The first response to each (actor, Idempotency-Key), replayed for retries.
CREATE TABLE idempotency (
    actor TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (actor, key)
) WITHOUT ROWID;
-- Pruning old records.
CREATE INDEX idempotency_created ON idempotency (created_at);
