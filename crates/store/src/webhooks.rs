//! Signed webhooks as the store keeps them: a force's endpoints (with the secret that signs
//! each delivery, never read back by the API), and one delivery row per notification per
//! endpoint, written with the notification in the append's transaction. Delivery workers
//! claim rows like mail (a lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL), mark them sent, or
//! retry them, and after the last attempt leave them on the dead-letter list until an
//! administrator retries them. See `docs/notifications.md`.

use crate::error::Result;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::future::Future;

/// An endpoint to add. Its `Debug` leaves the secret out.
#[derive(Clone, PartialEq, Eq)]
pub struct NewWebhookEndpoint {
    /// The force whose notifications it takes.
    pub force: String,
    /// A name administrators know it by ("Teams: duty officers").
    pub name: String,
    /// Where to POST (`https://...`).
    pub url: String,
    /// The shared secret that signs each delivery.
    pub secret: String,
    /// The notification kinds it takes; empty for every kind.
    pub kinds: Vec<String>,
    /// Who added it (the actor's log id).
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
}

/// A stored endpoint, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookEndpoint {
    /// Id.
    pub id: i64,
    /// The force.
    pub force: String,
    /// Name.
    pub name: String,
    /// Where to POST.
    pub url: String,
    /// The kinds it takes; empty for every kind.
    pub kinds: Vec<String>,
    /// Who added it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
}

/// A claimed delivery: everything needed to POST and sign it. Its `Debug` leaves the secret
/// and the URL (which may carry a token) out.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookJob {
    /// Delivery id (the Idempotency-Key is built from it: stable across retries).
    pub id: i64,
    /// The endpoint's URL.
    pub url: String,
    /// The endpoint's secret.
    pub secret: String,
    /// The notification.
    pub notification_id: i64,
    /// The case (for the link only).
    pub case_id: String,
    /// What about (`NoticeKind` name).
    pub kind: String,
    /// The role the person was told as, if any.
    pub role: Option<String>,
    /// Whether anyone holds the role (false: a gap).
    pub has_person: bool,
    /// The obligation, for reminders and escalations.
    pub obligation_id: Option<String>,
    /// Escalation level.
    pub level: u32,
    /// Mandatory.
    pub mandatory: bool,
    /// Urgent.
    pub urgent: bool,
    /// Headline (names nobody).
    pub headline: String,
    /// When the notification was written.
    pub created_at: Timestamp,
    /// Attempts including this one.
    pub attempts: u32,
}

/// A delivery as administrators see it (the dead-letter list, the undelivered page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookDelivery {
    /// Delivery id.
    pub id: i64,
    /// The endpoint.
    pub endpoint_id: i64,
    /// Its name.
    pub endpoint_name: String,
    /// The notification.
    pub notification_id: i64,
    /// The case.
    pub case_id: String,
    /// What about.
    pub kind: String,
    /// `pending`, `sent` or `dead`.
    pub status: String,
    /// Attempts so far.
    pub attempts: u32,
    /// The receiver's last answer (status line or error).
    pub last_answer: Option<String>,
    /// When the receiver accepted it.
    pub sent_at: Option<Timestamp>,
    /// When it was written.
    pub created_at: Timestamp,
}

/// Webhook endpoints and deliveries. Both backends pass the conformance suite's tests.
pub trait WebhookStore: Send + Sync {
    /// Adds an endpoint; returns its id.
    fn add_webhook(
        &self,
        endpoint: &NewWebhookEndpoint,
    ) -> impl Future<Output = Result<i64>> + Send;

    /// A force's active endpoints, oldest first.
    fn webhooks(&self, force: &str) -> impl Future<Output = Result<Vec<WebhookEndpoint>>> + Send;

    /// Retires an endpoint of a force (it takes no more notifications and its pending
    /// deliveries stop); false when the force has no such active endpoint.
    fn remove_webhook(&self, force: &str, id: i64) -> impl Future<Output = Result<bool>> + Send;

    /// Claims up to `limit` pending deliveries due by `now` to active endpoints: each one's
    /// next attempt moves to `now + lease` and its attempt count goes up.
    fn claim_webhooks(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<WebhookJob>>> + Send;

    /// Marks a delivery sent with the receiver's answer.
    fn webhook_sent(
        &self,
        id: i64,
        at: Timestamp,
        answer: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Records a failed attempt: retried at `retry_at`, or put on the dead-letter list when
    /// `None`.
    fn webhook_failed(
        &self,
        id: i64,
        answer: &str,
        retry_at: Option<Timestamp>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// A force's deliveries that failed: dead letters, and pending ones that have failed at
    /// least once, newest first.
    fn webhook_problems(
        &self,
        force: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<WebhookDelivery>>> + Send;

    /// Puts a force's dead letter back in the queue, due at `now`, with its attempts reset;
    /// false when the force has no such dead letter.
    fn retry_dead_letter(
        &self,
        force: &str,
        id: i64,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Over every force: (deliveries failing and still retried, dead letters).
    fn webhook_problem_counts(&self) -> impl Future<Output = Result<(u64, u64)>> + Send;
}

impl std::fmt::Debug for NewWebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewWebhookEndpoint")
            .field("force", &self.force)
            .field("name", &self.name)
            .field("secret", &"[redacted]")
            .field("kinds", &self.kinds)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WebhookJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookJob")
            .field("id", &self.id)
            .field("notification_id", &self.notification_id)
            .field("kind", &self.kind)
            .field("attempts", &self.attempts)
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// The columns [`endpoint_row`] reads.
pub(crate) const ENDPOINT_COLS: &str = "id, force, name, url, kinds, created_by, created_at";

/// An endpoint from a row of [`ENDPOINT_COLS`].
pub(crate) fn endpoint_row(r: &impl crate::rows::Get) -> Result<WebhookEndpoint> {
    Ok(WebhookEndpoint {
        id: r.int("id")?,
        force: r.text("force")?,
        name: r.text("name")?,
        url: r.text("url")?,
        kinds: split_kinds(&r.text("kinds")?),
        created_by: r.text("created_by")?,
        created_at: crate::encode::timestamp(r.int("created_at")?, "webhook_endpoint.created_at")?,
    })
}

/// Kinds as stored: comma-separated, '' for every kind.
pub(crate) fn join_kinds(kinds: &[String]) -> String {
    kinds.join(",")
}

fn split_kinds(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The columns a claim returns (`d` the delivery, `e` the endpoint, `n` the notification).
pub(crate) const JOB_COLS: &str = "d.id, e.url, e.secret, n.id AS notification_id, n.case_id, \
     n.kind, n.role, n.person, n.obligation_id, n.level, n.mandatory, n.urgent, n.headline, \
     n.created_at, d.attempts";

/// A job from a row of [`JOB_COLS`].
pub(crate) fn job_row(r: &impl crate::rows::Get) -> Result<WebhookJob> {
    use crate::encode::{timestamp, uint};
    Ok(WebhookJob {
        id: r.int("id")?,
        url: r.text("url")?,
        secret: r.text("secret")?,
        notification_id: r.int("notification_id")?,
        case_id: r.text("case_id")?,
        kind: r.text("kind")?,
        role: r.opt_text("role")?,
        has_person: r.opt_text("person")?.is_some(),
        obligation_id: r.opt_text("obligation_id")?,
        level: uint(r.int("level")?, "notification.level")?,
        mandatory: r.flag("mandatory")?,
        urgent: r.flag("urgent")?,
        headline: r.text("headline")?,
        created_at: timestamp(r.int("created_at")?, "notification.created_at")?,
        attempts: uint(r.int("attempts")?, "webhook_delivery.attempts")?,
    })
}

/// The columns [`delivery_row`] reads.
pub(crate) const DELIVERY_COLS: &str = "d.id, d.endpoint_id, e.name AS endpoint_name, \
     d.notification_id, d.case_id, n.kind, d.status, d.attempts, d.last_answer, d.sent_at, \
     d.created_at";

/// A delivery from a row of [`DELIVERY_COLS`].
pub(crate) fn delivery_row(r: &impl crate::rows::Get) -> Result<WebhookDelivery> {
    use crate::encode::{opt_timestamp, timestamp, uint};
    Ok(WebhookDelivery {
        id: r.int("id")?,
        endpoint_id: r.int("endpoint_id")?,
        endpoint_name: r.text("endpoint_name")?,
        notification_id: r.int("notification_id")?,
        case_id: r.text("case_id")?,
        kind: r.text("kind")?,
        status: r.text("status")?,
        attempts: uint(r.int("attempts")?, "webhook_delivery.attempts")?,
        last_answer: r.opt_text("last_answer")?,
        sent_at: opt_timestamp(r.opt_int("sent_at")?, "webhook_delivery.sent_at")?,
        created_at: timestamp(r.int("created_at")?, "webhook_delivery.created_at")?,
    })
}

macro_rules! either {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            crate::AnyStore::Sqlite($s) => $e.await,
            crate::AnyStore::Postgres($s) => $e.await,
        }
    };
}

impl WebhookStore for crate::AnyStore {
    async fn add_webhook(&self, endpoint: &NewWebhookEndpoint) -> Result<i64> {
        either!(self, s => s.add_webhook(endpoint))
    }
    async fn webhooks(&self, force: &str) -> Result<Vec<WebhookEndpoint>> {
        either!(self, s => s.webhooks(force))
    }
    async fn remove_webhook(&self, force: &str, id: i64) -> Result<bool> {
        either!(self, s => s.remove_webhook(force, id))
    }
    async fn claim_webhooks(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Result<Vec<WebhookJob>> {
        either!(self, s => s.claim_webhooks(now, lease, limit))
    }
    async fn webhook_sent(&self, id: i64, at: Timestamp, answer: &str) -> Result<()> {
        either!(self, s => s.webhook_sent(id, at, answer))
    }
    async fn webhook_failed(
        &self,
        id: i64,
        answer: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<()> {
        either!(self, s => s.webhook_failed(id, answer, retry_at))
    }
    async fn webhook_problems(&self, force: &str, limit: u32) -> Result<Vec<WebhookDelivery>> {
        either!(self, s => s.webhook_problems(force, limit))
    }
    async fn retry_dead_letter(&self, force: &str, id: i64, now: Timestamp) -> Result<bool> {
        either!(self, s => s.retry_dead_letter(force, id, now))
    }
    async fn webhook_problem_counts(&self) -> Result<(u64, u64)> {
        either!(self, s => s.webhook_problem_counts())
    }
}
