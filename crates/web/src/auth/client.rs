//! The client's address, for sign-in throttling: the last entry of a header set by a
//! trusted reverse proxy (`WebConfig::client_address_header`, e.g. `X-Forwarded-For`) when
//! one is configured and present, otherwise the peer address of the connection, otherwise
//! "" (all such requests then share one allowance).
//!
//! Only configure the header when every request arrives through a proxy that sets it:
//! otherwise a client can send any address it likes and so escape the per-address count
//! (the per-name count still applies).

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::SocketAddr;

/// The client's address as text ("" when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The longest address kept (an IPv6 address with a zone fits).
const MAX: usize = 64;

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let from_header = state
            .config()
            .client_address_header
            .as_deref()
            .and_then(|h| parts.headers.get(h))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let address = match from_header {
            Some(a) => a.chars().take(MAX).collect(),
            None => parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(a)| a.ip().to_string())
                .unwrap_or_default(),
        };
        Ok(ClientAddress(address))
    }
}
