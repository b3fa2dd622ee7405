-- The on-call rota: who holds a force-wide role (Force Incident Manager, on-call chief
-- officer, Senior Duty Officer, ...) from when until when. Notifications for that role go to
-- whoever is on call at that moment (docs/notifications.md).
CREATE TABLE on_call (
    id          BIGSERIAL PRIMARY KEY,
    force       TEXT NOT NULL,
    role        TEXT NOT NULL,
    person      TEXT NOT NULL,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX on_call_when ON on_call (force, role, starts_at, ends_at);
