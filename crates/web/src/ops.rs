//! Operating Pledge: liveness, readiness, Prometheus metrics and the OpenAPI document.

use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pledge_store::Store;
use sha2::{Digest, Sha256};

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store().units().await {
        Ok(_) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer",
            )
                .into_response()
        }
    }
}

/// Prometheus metrics on the main address: only with the configured bearer token.
pub async fn metrics_guarded(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.config().metrics_token.as_deref() else {
        return (
            StatusCode::NOT_FOUND,
            "metrics are served on the metrics address (pledge serve --metrics-listen)",
        )
            .into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compare digests, so the comparison takes the same time however much of the token
    // matches.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "metrics need the metrics token",
        )
            .into_response();
    }
    metrics(State(state)).await
}

/// Prometheus metrics (on the separate metrics address, or after [`metrics_guarded`]).
pub async fn metrics(State(state): State<AppState>) -> Response {
    match state.metrics() {
        Some(h) => {
            let mut body = h.render();
            body.push_str(&crate::head::prometheus(&state).await);
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
        }
        None => (StatusCode::NOT_FOUND, "metrics are not enabled").into_response(),
    }
}
