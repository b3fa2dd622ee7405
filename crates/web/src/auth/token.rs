//! Reading an API token from a request: `Authorization: Bearer pledge_...`. Creating,
//! finding and revoking tokens is `pledge_app::accounts::token`.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

/// What the `Authorization` header holds.
pub enum Bearer {
    /// No `Authorization` header.
    Absent,
    /// A bearer token.
    Token(String),
    /// Something else (another scheme, not text).
    Malformed,
}

/// Reads `Authorization: Bearer ...`.
pub fn bearer(headers: &HeaderMap) -> Bearer {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Bearer::Absent;
    };
    let Ok(value) = value.to_str() else {
        return Bearer::Malformed;
    };
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            Bearer::Token(token.trim().to_owned())
        }
        _ => Bearer::Malformed,
    }
}
