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

/// One round: the sweep (every page), then deliver what is due.
pub async fn round(state: &AppState, mailer: Option<&Mailer>) {
    match state.app().sweep_escalations(state.now(), SWEEP_PAGE).await {
        Ok(r) if r.escalations + r.reminders > 0 => {
            tracing::info!(
                escalations = r.escalations,
                reminders = r.reminders,
                read = r.read,
                "escalation sweep"
            );
        }
        Ok(_) => {}
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
        loop {
            match m.deliver_due(state.store(), state.now(), MAIL_BATCH).await {
                Ok(r) if r.claimed as u32 == MAIL_BATCH => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "mail delivery failed");
                    break;
                }
            }
        }
    }
}
