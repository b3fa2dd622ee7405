-- Sign-in data, PostgreSQL edition (the SQLite migration of the same number has the same
-- tables and columns). Secrets are stored only as hashes: argon2id (PHC string) for
-- passwords, SHA-256 hex for session and API tokens. Conventions as in 0001.

-- One account per person who may sign in; the person id is the sign-in name.
CREATE TABLE account (
    person_id TEXT COLLATE "C" PRIMARY KEY REFERENCES person (id),
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,                 -- JSON list of role names
    totp_secret TEXT,                    -- base32, once two-factor is set up
    must_change_password BOOLEAN NOT NULL,
    disabled BOOLEAN NOT NULL
);

-- Sign-in attempts, for throttling. `person_id` is the name given, which need not be an
-- account (unknown names are throttled too, so the answer does not reveal which exist).
CREATE TABLE login_attempt (
    id BIGSERIAL PRIMARY KEY,
    person_id TEXT COLLATE "C" NOT NULL,
    succeeded BOOLEAN NOT NULL,
    at BIGINT NOT NULL
);
-- Counting a name's recent failures (and finding its last success): equality then a range.
CREATE INDEX login_attempt_person_at ON login_attempt (person_id, at);
-- Pruning old attempts.
CREATE INDEX login_attempt_at ON login_attempt (at);

-- Signed-in sessions; the cookie holds a random token, the table its SHA-256.
CREATE TABLE session (
    id_hash TEXT COLLATE "C" PRIMARY KEY,
    person_id TEXT COLLATE "C" NOT NULL REFERENCES account (person_id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    second_factor_done BOOLEAN NOT NULL,
    totp_pending TEXT                    -- a two-factor secret being set up, until confirmed
);
-- Ending every session of a person; expiring old sessions.
CREATE INDEX session_person ON session (person_id);
CREATE INDEX session_expires ON session (expires_at);

-- API tokens for force systems; the token itself is shown once and kept only as SHA-256.
CREATE TABLE api_token (
    name TEXT COLLATE "C" PRIMARY KEY,
    hash TEXT COLLATE "C" NOT NULL UNIQUE, -- the lookup on every bearer request
    scopes TEXT NOT NULL,                -- JSON list of scope names
    force TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- The first response to each (actor, Idempotency-Key), replayed for retries.
CREATE TABLE idempotency (
    actor TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (actor, key)
);
-- Pruning old records.
CREATE INDEX idempotency_created ON idempotency (created_at);
