//! The background work of the notification side, one loop shared by `pledge serve` and
//! `pledge worker`: every interval, a notification round (the escalation sweep, then delivery
//! of what is due; see [`crate::mail::round`]). Every round is safe to run on any number of
//! processes over one database at once, and safe to cut short: what it decides is decided by
//! unique keys in the database, and what it claims for delivery is leased, not locked in memory.

use crate::state::AppState;
use std::future::Future;
use std::time::Duration;

/// How often a round runs unless configured otherwise.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(60);

/// Runs a notification round every `every` (the first one `every` after start) until `stop`
/// completes. A round in progress when `stop` completes is finished first, so a worker told
/// to stop (SIGTERM) leaves nothing half-sent that it could have marked.
pub async fn run(state: AppState, every: Duration, stop: impl Future<Output = ()>) {
    let mailer = mailer(&state);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => {}
        }
        let _ = crate::mail::round(&state, mailer.as_ref()).await;
    }
}

/// One notification round at the state's "now", at once, and what it did (`pledge worker
/// --once`).
pub async fn once(state: &AppState) -> crate::mail::RoundReport {
    let mailer = mailer(state);
    crate::mail::round(state, mailer.as_ref()).await
}

/// The mailer of the state's mail settings. The command line checked them at start, so this
/// only fails if the CA file went away since; then mail waits in the outbox and the reason is
/// logged.
fn mailer(state: &AppState) -> Option<crate::mail::Mailer> {
    state
        .config()
        .mail
        .clone()
        .and_then(|c| match crate::mail::Mailer::new(c) {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::error!(error = %e, "mail server settings: no email will be sent");
                None
            }
        })
}
