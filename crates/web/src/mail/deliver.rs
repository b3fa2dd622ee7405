//! The delivery worker: claims pending mail (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite:
//! its single writer), sends each message, and marks it sent with the server's answer, or
//! failed for a retry with exponential backoff. A worker that dies between sending and
//! marking leaves the row claimed until its lease ends; it is then sent again with the same
//! Message-ID (at least once, never lost).

use super::{MailConfig, compose};
use jiff::{SignedDuration, Timestamp};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use pledge_store::notify::NotificationStore;
use serde::Serialize;

/// What one delivery round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// Messages claimed.
    pub claimed: usize,
    /// Accepted by the server.
    pub sent: usize,
    /// Failed, to be retried.
    pub retrying: usize,
    /// Failed for good (after the last attempt, or a message that cannot be composed).
    pub failed: usize,
}

/// The wait before attempt `attempts + 1`: 30 s, doubling, at most an hour.
pub fn backoff(attempts: u32) -> SignedDuration {
    let secs = 30i64.saturating_mul(1i64 << attempts.saturating_sub(1).min(10));
    SignedDuration::from_secs(secs.min(3600))
}

/// Sends notification email through one SMTP server.
pub struct Mailer {
    config: MailConfig,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Mailer {
    /// A mailer for the configured server, plain or over TLS as `config.tls` says. Fails,
    /// naming the setting, when the CA file cannot be read or TLS cannot be set up.
    pub fn new(config: MailConfig) -> Result<Self, String> {
        let tls = super::tls::lettre_tls(config.tls, &config.host, config.ca_file.as_ref())?;
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(std::time::Duration::from_secs(15)));
        if let Some((user, password)) = &config.credentials {
            b = b.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer {
            transport: b.build(),
            config,
        })
    }

    /// Claims up to `batch` messages due at `now` and delivers them. Store errors stop the
    /// round; a server that cannot be reached fails each message for a later retry.
    pub async fn deliver_due(
        &self,
        store: &impl NotificationStore,
        now: Timestamp,
        batch: u32,
    ) -> pledge_store::Result<DeliveryReport> {
        let jobs = store.claim_emails(now, self.config.lease, batch).await?;
        let mut report = DeliveryReport {
            claimed: jobs.len(),
            ..DeliveryReport::default()
        };
        for job in jobs {
            let message = match compose(&self.config, &job) {
                Ok(m) => m,
                Err(e) => {
                    store.email_failed(job.id, &e, None).await?;
                    report.failed += 1;
                    continue;
                }
            };
            match self.transport.send(message).await {
                Ok(answer) => {
                    let text = format!(
                        "{} {}",
                        answer.code(),
                        answer.message().collect::<Vec<_>>().join(" ")
                    );
                    store.email_sent(job.id, now, &text).await?;
                    report.sent += 1;
                }
                Err(e) => {
                    let give_up = job.attempts >= self.config.max_attempts;
                    let retry =
                        (!give_up).then(|| now.checked_add(backoff(job.attempts)).unwrap_or(now));
                    tracing::warn!(notification = job.id, attempts = job.attempts, error = %e, "email not delivered");
                    store.email_failed(job.id, &e.to_string(), retry).await?;
                    if give_up {
                        report.failed += 1;
                    } else {
                        report.retrying += 1;
                    }
                }
            }
        }
        Ok(report)
    }
}
