-- Signed webhooks: a force's endpoints, and one delivery row per notification per endpoint,
-- written in the same transaction as the notification (the outbox), so a committed event
-- always has its deliveries. See docs/notifications.md. SQLite's 0018 does the same.

-- An endpoint: where to POST, the shared secret for the signature (never shown back after
-- creation), and the kinds it takes (a comma-separated list; '' = every kind).
CREATE TABLE webhook_endpoint (
    id BIGSERIAL PRIMARY KEY,
    force TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    kinds TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_endpoint_force ON webhook_endpoint (force) WHERE active;

-- One notification to one endpoint. status: 'pending' (claimed by moving next_attempt_at past
-- a lease), 'sent' (a 2xx answer), 'dead' (given up after the last attempt: the dead-letter
-- list, retried by an administrator). The Idempotency-Key is built from `id`.
CREATE TABLE webhook_delivery (
    id BIGSERIAL PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    notification_id BIGINT NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
    case_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    last_answer TEXT,
    sent_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (endpoint_id, notification_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_delivery_dead ON webhook_delivery (endpoint_id, id) WHERE status = 'dead';
CREATE INDEX webhook_delivery_case ON webhook_delivery (case_id);
