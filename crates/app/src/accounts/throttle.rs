//! Sign-in throttling with exponential backoff, counted three ways so that nobody can lock
//! an account out by guessing at it:
//!
//! - a name from one client address may fail [`Settings::login_attempts`] times;
//! - an address may fail four times as often over every name (one address spraying names);
//! - a name may fail ten times as often over every address (guessing from many addresses).
//!
//! Past an allowance each further attempt must wait, from the last failure,
//! [`Settings::backoff_base`] doubled for every failure beyond the allowance, up to
//! [`Settings::backoff_max`]; there is no hard lock. Failures older than
//! [`Settings::login_window`] no longer count, a success starts its keys' counts again, and
//! an administrator can unlock a name (its failures are forgotten). Names that are not
//! accounts are throttled the same way, so the answer says nothing about which exist.

use super::Settings;
use jiff::{SignedDuration, Timestamp};
use pledge_store::{AccountStore, Failures, StoreError};

/// The longest name recorded (longer ones are cut: they are never account names anyway).
const MAX_NAME: usize = 128;
/// The longest address recorded.
const MAX_ADDRESS: usize = 64;
/// How many times a name's allowance an address may fail over all names.
pub const ADDRESS_FACTOR: u32 = 4;
/// How many times a name's allowance a name may fail over all addresses.
pub const NAME_FACTOR: u32 = 10;

fn cut(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The wait required after `failures` failures when `allowed` are free: none within the
/// allowance, then `base`, doubling with each further failure, never more than `max`.
pub fn backoff(
    failures: u32,
    allowed: u32,
    base: SignedDuration,
    max: SignedDuration,
) -> SignedDuration {
    if failures < allowed.max(1) {
        return SignedDuration::ZERO;
    }
    let doublings = (failures - allowed.max(1)).min(30);
    let factor = 1_i32 << doublings;
    base.checked_mul(factor).map_or(max, |d| d.min(max))
}

/// How long to wait before trying again after these failures, if at all.
fn wait(f: Failures, allowed: u32, settings: &Settings, now: Timestamp) -> Option<SignedDuration> {
    let delay = backoff(
        f.count,
        allowed,
        settings.backoff_base,
        settings.backoff_max,
    );
    let last = f.last?;
    let until = last.saturating_add(delay).ok()?;
    (delay > SignedDuration::ZERO && until > now).then(|| until.duration_since(now))
}

/// The wait before the name may be tried again from the address; None when it may now.
pub async fn check(
    store: &impl AccountStore,
    settings: &Settings,
    name: &str,
    address: &str,
    now: Timestamp,
) -> Result<Option<SignedDuration>, StoreError> {
    let since = now.saturating_sub(settings.login_window).unwrap_or(now);
    let (name, address) = (cut(name, MAX_NAME), cut(address, MAX_ADDRESS));
    let f = store.login_failures(name, address, since).await?;
    let allowed = settings.login_attempts;
    let longest = [
        wait(f.pair, allowed, settings, now),
        wait(
            f.address,
            allowed.saturating_mul(ADDRESS_FACTOR),
            settings,
            now,
        ),
        wait(f.name, allowed.saturating_mul(NAME_FACTOR), settings, now),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(w) = longest {
        tracing::info!(name = %name, address = %address, failures = ?f, wait_s = w.as_secs(),
            "sign-in throttled");
    }
    Ok(longest)
}

/// Records an attempt for a name from an address.
pub async fn record(
    store: &impl AccountStore,
    settings: &Settings,
    name: &str,
    address: &str,
    succeeded: bool,
    now: Timestamp,
) -> Result<(), StoreError> {
    store
        .record_login_attempt(
            cut(name, MAX_NAME),
            cut(address, MAX_ADDRESS),
            succeeded,
            now,
        )
        .await?;
    if succeeded {
        // Housekeeping on the quiet path: attempts older than the window no longer count,
        // and expired sessions are no use to anyone.
        let before = now.saturating_sub(settings.login_window).unwrap_or(now);
        if let Err(e) = store.prune_login_attempts(before).await {
            tracing::warn!(error = %e, "could not prune old sign-in attempts");
        }
        if let Err(e) = store.expire_sessions(now).await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
    }
    Ok(())
}

/// A wait in whole seconds, rounded up (at least 1): what `Retry-After` says.
pub fn wait_seconds(wait: SignedDuration) -> i64 {
    let secs = wait.as_secs();
    let secs = if wait.subsec_nanos() > 0 {
        secs + 1
    } else {
        secs
    };
    secs.max(1)
}

/// Words for a wait, for people: "30 seconds", "2 minutes", "15 minutes".
pub fn wait_words(wait: SignedDuration) -> String {
    let secs = wait_seconds(wait);
    if secs < 60 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        let mins = (secs + 59) / 60;
        format!("{mins} minute{}", if mins == 1 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_ceiling() {
        let (base, max) = (SignedDuration::from_secs(30), SignedDuration::from_mins(15));
        let b = |n| backoff(n, 5, base, max).as_secs();
        assert_eq!(
            [b(0), b(4), b(5), b(6), b(7), b(9)],
            [0, 0, 30, 60, 120, 480]
        );
        assert_eq!(b(10), 900, "capped");
        assert_eq!(b(u32::MAX), 900, "no overflow");
    }

    #[test]
    fn waits_in_words() {
        assert_eq!(wait_words(SignedDuration::from_secs(1)), "1 second");
        assert_eq!(wait_words(SignedDuration::from_millis(1_200)), "2 seconds");
        assert_eq!(wait_words(SignedDuration::from_secs(30)), "30 seconds");
        assert_eq!(wait_words(SignedDuration::from_secs(61)), "2 minutes");
        assert_eq!(wait_words(SignedDuration::from_mins(15)), "15 minutes");
    }
}
