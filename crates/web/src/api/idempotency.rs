//! `Idempotency-Key` on commands, at the HTTP edge: the header, and the answer (first or
//! replayed). Exactly-once itself is the app's (`pledge_app::IdempotentRequest`): the key is
//! claimed in the same transaction as the command's events, with the answer.

use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pledge_app::{Answer, IdempotentRequest};
use serde::Serialize;
use std::sync::OnceLock;
use std::time::Duration;

/// The request's `Idempotency-Key`, if it sent one.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(Self(None));
        };
        let key = v.to_str().map_err(|_| {
            Problem::invalid("Idempotency-Key", "1 to 255 visible ASCII characters")
        })?;
        IdempotentRequest::check_key(key)?;
        Ok(Self(Some(key.to_owned())))
    }
}

impl IdempotencyKey {
    /// The key bound to this request (its route and body, as received), if a key was sent.
    pub fn for_request(
        &self,
        route: &str,
        body: &impl Serialize,
    ) -> ApiResult<Option<IdempotentRequest>> {
        self.0
            .as_deref()
            .map(|k| IdempotentRequest::new(k, route, body))
            .transpose()
            .map_err(Problem::from)
    }
}

/// The environment variable that holds fresh keyed answers back (test only; see [`answer`]).
pub const TEST_PAUSE_ENV: &str = "PLEDGE_TEST_PAUSE_BEFORE_ANSWER_MS";

/// TEST ONLY: how long to hold back a fresh answer to a keyed command after its commit, from
/// [`TEST_PAUSE_ENV`] (milliseconds), read once. Unset — as it always is in service — it is
/// `None` and nothing waits. The crash test sets it to SIGKILL `pledge serve` between the
/// commit and the answer.
fn test_pause() -> Option<Duration> {
    static PAUSE: OnceLock<Option<Duration>> = OnceLock::new();
    *PAUSE.get_or_init(|| {
        let ms = std::env::var(TEST_PAUSE_ENV).ok()?.parse::<u64>().ok()?;
        tracing::warn!("{TEST_PAUSE_ENV} is set: keyed answers are held {ms} ms (test only)");
        Some(Duration::from_millis(ms))
    })
}

/// A command's answer as a response; a replayed one says so (`Idempotent-Replayed: true`).
pub async fn answer(key: Option<&IdempotentRequest>, a: Answer) -> Response {
    if key.is_some()
        && !a.replayed
        && let Some(pause) = test_pause()
    {
        // The line the crash test waits for: the command has committed, the answer not sent.
        tracing::warn!("test pause: committed, answer held");
        tokio::time::sleep(pause).await;
    }
    let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::OK);
    let mut res = (status, Json(a.body)).into_response();
    if a.replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}
