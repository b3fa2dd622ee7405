//! The webhook worker: claims due deliveries (a lease; PostgreSQL `FOR UPDATE SKIP LOCKED`),
//! POSTs each signed body, and marks it sent on a 2xx answer; otherwise retries it with
//! exponential backoff and jitter, and after the last attempt puts it on the dead-letter list.
//! A worker that dies between POST and mark leaves the row to be claimed again when its lease
//! ends: the receiver then gets it twice with the same `Idempotency-Key` (at least once).

use super::{WebhookConfig, payload, sign};
use jiff::{SignedDuration, Timestamp};
use pledge_store::webhooks::{WebhookJob, WebhookStore};
use rand::Rng;
use serde::Serialize;

/// What one delivery round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebhookReport {
    /// Deliveries claimed.
    pub claimed: usize,
    /// Accepted (2xx).
    pub sent: usize,
    /// Failed, to be retried.
    pub retrying: usize,
    /// Put on the dead-letter list.
    pub dead: usize,
}

/// The wait before attempt `attempts + 1`: 30 s doubling to at most an hour, plus up to a
/// quarter more at random, so receivers coming back are not hit by every retry at once.
pub fn backoff(attempts: u32) -> SignedDuration {
    let base = 30i64
        .saturating_mul(1i64 << attempts.saturating_sub(1).min(10))
        .min(3600);
    let jitter = rand::rng().random_range(0..=base / 4);
    SignedDuration::from_secs(base + jitter)
}

/// Delivers webhooks over HTTP(S).
pub struct Webhooks {
    config: WebhookConfig,
    client: reqwest::Client,
}

impl Webhooks {
    /// A sender with the configured timeout; redirects are not followed (a signed
    /// notification goes only where the administrator pointed it).
    pub fn new(config: WebhookConfig) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Pledge-Webhooks/1")
            .build()
            .map_err(|e| format!("webhook HTTP client: {e}"))?;
        Ok(Webhooks { config, client })
    }

    /// Claims up to `batch` deliveries due at `now` and sends them. Store errors stop the
    /// round; a receiver that fails or cannot be reached only delays its own deliveries.
    pub async fn deliver_due(
        &self,
        store: &impl WebhookStore,
        now: Timestamp,
        batch: u32,
    ) -> pledge_store::Result<WebhookReport> {
        let jobs = store.claim_webhooks(now, self.config.lease, batch).await?;
        let mut report = WebhookReport {
            claimed: jobs.len(),
            ..WebhookReport::default()
        };
        for job in jobs {
            match self.post(&job, now).await {
                Ok(answer) => {
                    store.webhook_sent(job.id, now, &answer).await?;
                    report.sent += 1;
                }
                Err(answer) => {
                    let give_up = job.attempts >= self.config.max_attempts;
                    let retry =
                        (!give_up).then(|| now.checked_add(backoff(job.attempts)).unwrap_or(now));
                    // The URL may carry a token (Teams puts one in its query): log the id only.
                    tracing::warn!(delivery = job.id, attempts = job.attempts, error = %answer, "webhook not delivered");
                    store.webhook_failed(job.id, &answer, retry).await?;
                    if give_up {
                        report.dead += 1;
                    } else {
                        report.retrying += 1;
                    }
                }
            }
        }
        Ok(report)
    }

    /// One POST: the receiver's status line on a 2xx answer, else what went wrong.
    async fn post(&self, job: &WebhookJob, now: Timestamp) -> Result<String, String> {
        let body = payload(&self.config.base_url, job)?;
        let signature = sign(&job.secret, now.as_second(), &body)?;
        let response = self
            .client
            .post(&job.url)
            .header("content-type", "application/json")
            .header(super::SIGNATURE_HEADER, signature)
            .header("idempotency-key", idempotency_key(job.id))
            .header("pledge-attempt", job.attempts.to_string())
            .body(body)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = response.status();
        let line = format!(
            "HTTP {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        );
        if status.is_success() {
            Ok(line.trim_end().to_owned())
        } else {
            Err(line.trim_end().to_owned())
        }
    }
}

/// The Idempotency-Key of a delivery: the same on every retry of it.
pub(crate) fn idempotency_key(delivery: i64) -> String {
    format!("pledge-delivery-{delivery}")
}

/// An HTTP error without the URL (which may hold a token).
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_request() {
        "request failed"
    } else {
        "failed"
    };
    let source = std::error::Error::source(e)
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    format!("{what}{source}").replace('\n', " ")
}
