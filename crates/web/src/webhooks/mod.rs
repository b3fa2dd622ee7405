//! Signed webhooks: each notification queued for a force's endpoint (written with the
//! notification, `pledge_store::webhooks`) is POSTed as JSON a Microsoft Teams workflow or
//! the force's own systems can take ([`payload`]), signed with HMAC-SHA256 over the timestamp
//! and the body ([`sign`]), with an `Idempotency-Key` stable across retries, retried with
//! bounded exponential backoff and jitter, and after the last attempt left on the dead-letter
//! list for an administrator ([`deliver`]). See `docs/notifications.md`.

mod deliver;
mod payload;
mod sign;

pub use deliver::{WebhookReport, Webhooks, backoff};
pub use payload::payload;
pub use sign::{SIGNATURE_HEADER, sign, verify};

/// How webhooks are delivered.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// The service's public address, for the link to the case.
    pub base_url: String,
    /// Attempts before a delivery is put on the dead-letter list.
    pub max_attempts: u32,
    /// How long a claimed delivery is held before another worker may try it (longer than
    /// the request timeout).
    pub lease: jiff::SignedDuration,
    /// The longest one POST may take.
    pub timeout: std::time::Duration,
}

impl WebhookConfig {
    /// Defaults: 8 attempts (about two hours of retries), a 2-minute lease, a 10 s timeout.
    pub fn new(base_url: &str) -> Self {
        WebhookConfig {
            base_url: base_url.trim_end_matches('/').to_owned(),
            max_attempts: 8,
            lease: jiff::SignedDuration::from_mins(2),
            timeout: std::time::Duration::from_secs(10),
        }
    }
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig::new("http://127.0.0.1:8080")
    }
}

/// Deliveries one call claims.
const WEBHOOK_BATCH: u32 = 100;

/// The webhook part of the notification round: deliver what is due, then refresh the gauges
/// `pledge_webhook_failing` and `pledge_webhook_dead_letters`. Errors are logged; the round
/// goes on.
pub async fn round(state: &crate::state::AppState) {
    use pledge_store::webhooks::WebhookStore;
    match Webhooks::new(state.config().webhooks.clone()) {
        Ok(w) => loop {
            match w
                .deliver_due(state.store(), state.now(), WEBHOOK_BATCH)
                .await
            {
                Ok(r) if r.claimed as u32 == WEBHOOK_BATCH => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook delivery failed");
                    break;
                }
            }
        },
        Err(e) => tracing::warn!(error = %e, "webhooks not delivered"),
    }
    match state.store().webhook_problem_counts().await {
        Ok((failing, dead)) => {
            metrics::gauge!("pledge_webhook_failing").set(failing as f64);
            metrics::gauge!("pledge_webhook_dead_letters").set(dead as f64);
        }
        Err(e) => tracing::warn!(error = %e, "counting failed webhooks failed"),
    }
}
