//! `Idempotency-Key` on commands: a retry with the same key and the same request returns the
//! first answer and records nothing twice; the same key with a different request is refused.
//! Only successful answers are kept: a refused command recorded nothing, so running it again
//! is harmless and lets the client correct its input under the same key.

use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pledge_app::Actor;
use pledge_store::{AccountStore, IdempotentResponse};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The request's `Idempotency-Key`, if it sent one.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(Self(None));
        };
        let key = v
            .to_str()
            .ok()
            .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
        match key {
            Some(k) => Ok(Self(Some(k.to_owned()))),
            None => Err(Problem::invalid(
                "Idempotency-Key",
                "1 to 255 visible ASCII characters",
            )),
        }
    }
}

/// A command in progress under an idempotency key.
pub struct Idempotent {
    key: Option<(String, String, String)>,
    replay: Option<IdempotentResponse>,
}

impl Idempotent {
    /// Looks the key up for this actor: a stored answer to the same request is replayed.
    pub async fn begin(
        state: &AppState,
        actor: &Actor,
        key: IdempotencyKey,
        route: &str,
        body: &impl Serialize,
    ) -> ApiResult<Self> {
        let Some(key) = key.0 else {
            return Ok(Self {
                key: None,
                replay: None,
            });
        };
        let body = serde_json::to_vec(body).map_err(|e| Problem::internal(&e.to_string()))?;
        let mut h = Sha256::new();
        h.update(route.as_bytes());
        h.update([0]);
        h.update(&body);
        let hash = hex::encode(h.finalize());
        let who = actor.log_id();
        let stored = state
            .store()
            .idempotent_response(&who, &key)
            .await
            .map_err(|e| Problem::internal(&e.to_string()))?;
        if let Some(r) = &stored
            && r.request_hash != hash
        {
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "This Idempotency-Key was used for a different request",
            )
            .detail("Use a new key for a new request."));
        }
        Ok(Self {
            key: Some((who, key, hash)),
            replay: stored,
        })
    }

    /// The first answer, when this is a retry.
    pub fn replay(&self) -> Option<Response> {
        let r = self.replay.as_ref()?;
        let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
        let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        let mut res = (status, Json(body)).into_response();
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        Some(res)
    }

    /// Answers, keeping a successful answer for retries.
    pub async fn finish(
        self,
        state: &AppState,
        status: StatusCode,
        result: Result<Value, Problem>,
    ) -> ApiResult<Response> {
        let body = result?;
        if let Some((who, key, hash)) = self.key {
            let saved = IdempotentResponse {
                request_hash: hash,
                status: status.as_u16(),
                body: body.to_string(),
                created_at: state.now(),
            };
            // Stored after the command committed: a crash between the two means a retry runs
            // the command again, which optimistic concurrency (expected_version) turns into a
            // conflict for step commands.
            if let Err(e) = state
                .store()
                .save_idempotent_response(&who, &key, &saved)
                .await
            {
                tracing::warn!(error = %e, "could not keep an idempotent response");
            }
        }
        Ok((status, Json(body)).into_response())
    }
}
