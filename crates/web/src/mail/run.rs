//! The notification round `pledge serve` and `pledge worker` run every minute (the loop is
//! `crate::background::run`): the escalation sweep, then mail
//! delivery when an SMTP server is configured. Safe with several servers on one database
//! (see `docs/notifications.md`); an unreachable mail server only delays mail.

use super::Mailer;
use crate::state::AppState;
use pledge_store::notify::NotificationStore;

/// Obligation rows one page of the sweep reads.
const SWEEP_PAGE: u32 = 1000;
/// Messages one delivery call claims.
const MAIL_BATCH: u32 = 100;

/// What one round did, and how long each part took (`pledge worker --once` prints it).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RoundReport {
    /// The moment the round ran at (its "now").
    pub now: Option<jiff::Timestamp>,
    /// The sweep's report; `None` when it failed (the error is logged).
    pub sweep: Option<pledge_app::notifications::SweepReport>,
    /// How long the sweep took, in milliseconds.
    pub sweep_ms: f64,
    /// Emails the mail server accepted this round.
    pub emails_sent: usize,
    /// Emails that failed this round (retried later, or given up).
    pub emails_failed: usize,
    /// How long mail delivery took, in milliseconds (0 without a mail server).
    pub mail_ms: f64,
}

/// One round: the sweep (every page), then deliver what is due. Returns what it did.
pub async fn round(state: &AppState, mailer: Option<&Mailer>) -> RoundReport {
    let now = state.now();
    let mut out = RoundReport {
        now: Some(now),
        ..RoundReport::default()
    };
    let started = std::time::Instant::now();
    let swept = state.app().sweep_escalations(now, SWEEP_PAGE).await;
    out.sweep_ms = started.elapsed().as_secs_f64() * 1e3;
    match swept {
        Ok(r) => {
            if r.escalations + r.reminders > 0 {
                tracing::info!(
                    escalations = r.escalations,
                    reminders = r.reminders,
                    read = r.read,
                    "escalation sweep"
                );
            }
            out.sweep = Some(r);
        }
        Err(e) => tracing::warn!(error = %e, "escalation sweep failed"),
    }
    // What reached nobody, for alerting: a role nobody holds, an email given up.
    match state.store().notification_problem_counts().await {
        Ok((gaps, failed)) => {
            metrics::gauge!("pledge_notification_gaps").set(gaps as f64);
            metrics::gauge!("pledge_notification_emails_failed").set(failed as f64);
        }
        Err(e) => tracing::warn!(error = %e, "counting undelivered notifications failed"),
    }
    crate::webhooks::round(state).await;
    if let Some(m) = mailer {
        let started = std::time::Instant::now();
        loop {
            match m.deliver_due(state.store(), state.now(), MAIL_BATCH).await {
                Ok(r) => {
                    out.emails_sent += r.sent;
                    out.emails_failed += r.retrying + r.failed;
                    if r.claimed as u32 != MAIL_BATCH {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "mail delivery failed");
                    break;
                }
            }
        }
        out.mail_ms = started.elapsed().as_secs_f64() * 1e3;
    }
    out
}
