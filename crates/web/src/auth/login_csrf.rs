//! Login CSRF: a cross-site request must not sign a browser in (to an attacker's account, so
//! that what the victim then records lands where the attacker can read it).
//!
//! Two checks. Every sign-in (API and form) is refused when the browser says the request
//! comes from another site: `Sec-Fetch-Site` other than `same-origin` or `none` (every
//! current browser sends it), or, from a browser that does not send it, an `Origin` whose
//! host is not the request's `Host`. (`Sec-Fetch-Site` comes first because our own pages
//! are served with `Referrer-Policy: no-referrer`, under which a browser sends
//! `Origin: null` even for a same-origin form.) The sign-in form also carries a
//! pre-session token: `GET /sign-in` sets it in a `SameSite=Strict` cookie and a hidden
//! field, and `POST /sign-in` must send both, equal.

use crate::state::WebConfig;
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};
use axum_extra::extract::cookie::CookieJar;
use pledge_app::accounts::{constant_time_eq, random_hex};

/// The pre-session cookie's name.
pub const COOKIE: &str = "pledge_login";
/// The hidden field carrying the same token.
pub const FIELD: &str = "login_token";

/// Whether the browser says the request comes from this site (or says nothing, as
/// non-browser clients do).
pub fn same_site(headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(ORIGIN).map(|v| v.to_str().unwrap_or("null")),
        header(HOST.as_str()),
    ) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.trim_end_matches('/').eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

/// The pre-session token a browser holds, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The browser's token, or a new one (with the `Set-Cookie` value that gives it).
pub fn token_or_new(config: &WebConfig, headers: &HeaderMap) -> (String, Option<String>) {
    match token_from(headers) {
        Some(t) => (t, None),
        None => {
            let t = random_hex(32);
            let secure = if config.tls { "; Secure" } else { "" };
            let cookie = format!(
                "{COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/sign-in; Max-Age=86400{secure}"
            );
            (t, Some(cookie))
        }
    }
}

/// Whether a sign-in form's hidden token matches the browser's cookie.
pub fn form_matches(headers: &HeaderMap, sent: &str) -> bool {
    token_from(headers).is_some_and(|t| constant_time_eq(&t, sent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn cross_site_is_refused() {
        assert!(same_site(&headers(&[])), "non-browser clients");
        assert!(same_site(&headers(&[
            ("host", "pledge.example:8080"),
            ("origin", "http://pledge.example:8080")
        ])));
        assert!(same_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(
            same_site(&headers(&[
                ("sec-fetch-site", "same-origin"),
                ("origin", "null")
            ])),
            "our own form under Referrer-Policy: no-referrer"
        );
        assert!(!same_site(&headers(&[
            ("sec-fetch-site", "cross-site"),
            ("host", "pledge.example"),
            ("origin", "http://pledge.example")
        ])));
        assert!(
            same_site(&headers(&[("sec-fetch-site", "none")])),
            "typed in the address bar"
        );
        assert!(!same_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(
            !same_site(&headers(&[("sec-fetch-site", "same-site")])),
            "a sibling subdomain"
        );
        assert!(!same_site(&headers(&[
            ("host", "pledge.example"),
            ("origin", "https://evil.example")
        ])));
        assert!(!same_site(&headers(&[
            ("host", "pledge.example"),
            ("origin", "null")
        ])));
        assert!(
            !same_site(&headers(&[("origin", "https://pledge.example")])),
            "no host to match"
        );
    }
}
