//! Sessions: a random 32-byte token in an `HttpOnly`, `SameSite=Lax`, `Path=/` cookie
//! (`Secure` when served over TLS); the store keeps only its SHA-256. Each session has an
//! absolute expiry (from sign-in, whatever its use) and its own CSRF token.

use super::{random_hex, sha256_hex};
use crate::state::WebConfig;
use axum::http::HeaderMap;
use axum_extra::extract::cookie::CookieJar;
use jiff::Timestamp;
use pledge_store::{AccountStore, Session, StoreError};

/// The session cookie's name.
pub const COOKIE: &str = "pledge_session";

/// The header carrying the session's CSRF token on unsafe requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A new session and the token for its cookie (shown to the browser only).
pub struct NewSession {
    /// The cookie value.
    pub token: String,
    /// What is stored.
    pub session: Session,
}

/// Starts a session for a person: stores it and returns the cookie token.
pub async fn start(
    store: &impl AccountStore,
    config: &WebConfig,
    person_id: &str,
    second_factor_done: bool,
    now: Timestamp,
) -> Result<NewSession, StoreError> {
    let token = random_hex(32);
    let session = Session {
        id_hash: sha256_hex(&token),
        person_id: person_id.to_owned(),
        csrf_token: random_hex(32),
        created_at: now,
        expires_at: now.saturating_add(config.session_lifetime).unwrap_or(now),
        second_factor_done,
        totp_pending: None,
    };
    store.create_session(&session).await?;
    Ok(NewSession { token, session })
}

/// The session token from a request's cookies, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// Finds a live session by its cookie token; an expired one is deleted and not returned.
pub async fn find(
    store: &impl AccountStore,
    token: &str,
    now: Timestamp,
) -> Result<Option<Session>, StoreError> {
    // Tokens are 64 hex characters; anything else cannot be one (and is not hashed).
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = sha256_hex(token);
    match store.session(&hash).await? {
        Some(s) if s.expires_at > now => Ok(Some(s)),
        Some(_) => {
            store.delete_session(&hash).await?;
            Ok(None)
        }
        None => Ok(None),
    }
}

/// The `Set-Cookie` value that carries a new session.
pub fn cookie(config: &WebConfig, token: &str) -> String {
    set_cookie(config, token, config.session_lifetime.as_secs().max(0))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(config: &WebConfig) -> String {
    set_cookie(config, "", 0)
}

fn set_cookie(config: &WebConfig, value: &str, max_age: i64) -> String {
    let secure = if config.tls { "; Secure" } else { "" };
    format!("{COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_flags() {
        let mut config = WebConfig::default();
        let c = cookie(&config, "abc");
        assert!(c.starts_with("pledge_session=abc"), "{c}");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
            assert!(c.contains(flag), "{flag} in {c}");
        }
        assert!(!c.contains("Secure"), "{c}");
        config.tls = true;
        assert!(cookie(&config, "abc").contains("Secure"));
        assert!(clear_cookie(&config).contains("Max-Age=0"));
    }
}
