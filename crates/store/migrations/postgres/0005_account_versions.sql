-- Accounts get an edit version (optimistic concurrency: an edit names the version it read
-- and is refused when another edit came first) and the last two-factor time step used (a
-- code is accepted once in its window). Sign-in attempts record the client address, so
-- throttling counts per account, per address and per (account, address): guessing from one
-- address cannot lock the account out for everyone else.
-- The SQLite migration of the same number does the same.

ALTER TABLE account ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE account ADD COLUMN totp_last_step BIGINT;

ALTER TABLE login_attempt ADD COLUMN address TEXT COLLATE "C" NOT NULL DEFAULT '';
-- Counting an address's recent failures (any name), and a name's from one address.
CREATE INDEX login_attempt_address_at ON login_attempt (address, at);
CREATE INDEX login_attempt_person_address_at ON login_attempt (person_id, address, at);
