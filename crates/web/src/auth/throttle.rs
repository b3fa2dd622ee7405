//! Sign-in throttling: after `login_attempts` failures for a name within `login_window`,
//! sign-in (and second-factor and password checks) for that name is refused with 429 and
//! `Retry-After`, whether or not the name has an account — so the answer says nothing about
//! which accounts exist. A successful sign-in starts the count again.

use super::store_problem;
use crate::problem::Problem;
use crate::state::AppState;
use axum::http::StatusCode;
use pledge_store::AccountStore;

/// The longest name recorded (longer ones are cut: they are never account names anyway).
const MAX_NAME: usize = 128;

fn key(name: &str) -> &str {
    match name.char_indices().nth(MAX_NAME) {
        Some((i, _)) => &name[..i],
        None => name,
    }
}

/// Refuses when the name has had too many recent failures.
pub async fn check(state: &AppState, name: &str) -> Result<(), Problem> {
    let config = state.config();
    let now = state.now();
    let since = now.saturating_sub(config.login_window).unwrap_or(now);
    let failures = state
        .store()
        .failed_logins_since(key(name), since)
        .await
        .map_err(store_problem)?;
    if failures >= config.login_attempts {
        tracing::info!(name = %key(name), failures, "sign-in throttled");
        let mut problem = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-attempts",
            "Too many attempts",
        )
        .detail("Too many failed attempts. Wait, then try again.");
        problem.retry_after =
            Some(u32::try_from(config.login_window.as_secs().max(1)).unwrap_or(u32::MAX));
        return Err(problem);
    }
    Ok(())
}

/// Records an attempt for a name.
pub async fn record(state: &AppState, name: &str, succeeded: bool) -> Result<(), Problem> {
    let store = state.store();
    let now = state.now();
    store
        .record_login_attempt(key(name), succeeded, now)
        .await
        .map_err(store_problem)?;
    if succeeded {
        // Housekeeping on the quiet path: attempts older than the window no longer count,
        // and expired sessions are no use to anyone.
        let before = now
            .saturating_sub(state.config().login_window)
            .unwrap_or(now);
        if let Err(e) = store.prune_login_attempts(before).await {
            tracing::warn!(error = %e, "could not prune old sign-in attempts");
        }
        if let Err(e) = store.expire_sessions(now).await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
    }
    Ok(())
}
