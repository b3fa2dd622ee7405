//! The session cookie: a random 32-byte token in an `HttpOnly`, `SameSite=Lax`, `Path=/`
//! cookie (`Secure` when served over TLS), and [`load`], the one place a request's cookie
//! becomes a signed-in person (the API's extractors and the pages' both call it).

use crate::state::{AppState, WebConfig};
use axum::http::HeaderMap;
use axum_extra::extract::cookie::CookieJar;
use pledge_app::accounts::{SessionUser, session};
use pledge_store::StoreError;

/// The session cookie's name.
pub const COOKIE: &str = "pledge_session";

/// The header carrying the session's CSRF token on unsafe requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What a request's session cookie amounts to.
pub enum Loaded {
    /// No session cookie.
    NoCookie,
    /// A cookie whose session has ended (expired, signed out, or its account disabled).
    Ended,
    /// A live session of an enabled account.
    Live(Box<SessionUser>),
}

/// Loads the session a request presents (see [`session::load`]).
pub async fn load(headers: &HeaderMap, state: &AppState) -> Result<Loaded, StoreError> {
    let Some(token) = token_from(headers) else {
        return Ok(Loaded::NoCookie);
    };
    Ok(
        match session::load(state.store(), &token, state.now()).await? {
            Some(user) => Loaded::Live(Box::new(user)),
            None => Loaded::Ended,
        },
    )
}

/// The session token from a request's cookies, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The `Set-Cookie` value that carries a new session.
pub fn cookie(config: &WebConfig, token: &str) -> String {
    set_cookie(
        config,
        token,
        config.accounts.session_lifetime.as_secs().max(0),
    )
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
