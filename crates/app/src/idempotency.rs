//! Exactly-once commands under an `Idempotency-Key`.
//!
//! A command sent with a key claims it in the same transaction as its events (the store's
//! append carries an [`IdempotencyReservation`] holding the answer), so the key has either
//! no effect or exactly one, and its answer is stored with that effect. Hence:
//!
//! - a retry after the answer was lost (a dropped connection, or the server killed between
//!   its commit and its answer) finds the key and replays the stored answer;
//! - requests racing with one key queue on the store's write lock: the first to append wins,
//!   the others find the key taken there and replay its answer (nothing written twice, even
//!   for a step without `expected_version` that absorbs a conflict and tries again);
//! - a command that fails because its twin succeeded meanwhile (the case moved on, or a rule
//!   now refuses it) looks the key up again and replays the twin's answer;
//! - the same key with a different request (another route or body) is refused;
//! - only successful answers are kept: a refused command recorded nothing, so running it
//!   again under the same key, corrected, is harmless.

use crate::actor::Actor;
use crate::app::App;
use crate::commands::NewAssault;
use crate::error::{AppError, AppResult};
use jiff::Timestamp;
use pledge_domain::EventKind;
use pledge_store::{CaseId, IdempotencyReservation, IdempotencyStore, IdempotentResponse, Store};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The status a keyed command answers with when it succeeds: both keyed commands create
/// something (a case, an event).
const CREATED: u16 = 201;

/// An idempotency key with the request it came with.
#[derive(Debug, Clone)]
pub struct IdempotentRequest {
    key: String,
    request_hash: String,
}

impl IdempotentRequest {
    /// Checks the key (1 to 255 visible ASCII characters) and hashes the request: its route
    /// (method and path) and body.
    pub fn new(key: &str, route: &str, body: &impl Serialize) -> AppResult<Self> {
        Self::check_key(key)?;
        let body = serde_json::to_vec(body)
            .map_err(|e| AppError::Internal(format!("hashing the request: {e}")))?;
        let mut h = Sha256::new();
        h.update(route.as_bytes());
        h.update([0]);
        h.update(&body);
        Ok(Self {
            key: key.to_owned(),
            request_hash: hex::encode(h.finalize()),
        })
    }

    /// Checks a key is 1 to 255 visible ASCII characters.
    pub fn check_key(key: &str) -> AppResult<()> {
        if !(1..=255).contains(&key.len()) || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "1 to 255 visible ASCII characters",
            ));
        }
        Ok(())
    }

    /// The claim an append makes on this key, holding the answer to keep.
    pub(crate) fn reserve(
        &self,
        actor: &Actor,
        answer: &impl Serialize,
        now: Timestamp,
    ) -> AppResult<IdempotencyReservation> {
        Ok(IdempotencyReservation {
            actor: actor.log_id(),
            key: self.key.clone(),
            response: IdempotentResponse {
                request_hash: self.request_hash.clone(),
                status: CREATED,
                body: json(answer)?.to_string(),
                created_at: now,
            },
        })
    }

    /// The stored answer as this request's answer, if it answered this same request.
    fn replay(&self, stored: IdempotentResponse) -> AppResult<Answer> {
        if stored.request_hash != self.request_hash {
            return Err(AppError::KeyReused);
        }
        let body = serde_json::from_str(&stored.body).map_err(|e| {
            AppError::Internal(format!("a stored idempotent answer is not JSON: {e}"))
        })?;
        Ok(Answer {
            status: stored.status,
            body,
            replayed: true,
        })
    }
}

/// A command's answer: the first one, given now or replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The HTTP status of the first answer (201).
    pub status: u16,
    /// Its body.
    pub body: Value,
    /// This is a stored answer to an earlier request with the same key.
    pub replayed: bool,
}

/// What a command under a key did: its effect, or nothing because the key had its effect
/// already (the store's answer for it).
pub(crate) enum Once<T> {
    /// Done now.
    Done(T),
    /// The key was used: nothing written; the stored answer.
    Replayed(IdempotentResponse),
}

impl<T> Once<T> {
    /// The effect of a command run without a key (which cannot be replayed).
    pub(crate) fn done(self) -> AppResult<T> {
        match self {
            Once::Done(t) => Ok(t),
            Once::Replayed(_) => Err(AppError::Internal(
                "a command without an idempotency key was answered from one".into(),
            )),
        }
    }
}

fn json(v: &impl Serialize) -> AppResult<Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(format!("an answer as JSON: {e}")))
}

impl<S: Store + IdempotencyStore> App<S> {
    /// Records an assault, once per idempotency key (see the module docs).
    pub async fn record_assault_with_key(
        &self,
        actor: &Actor,
        new: NewAssault,
        key: Option<&IdempotentRequest>,
        now: Timestamp,
    ) -> AppResult<Answer> {
        self.once(actor, key, self.open_case(actor, new, key, now))
            .await
    }

    /// Records a step, once per idempotency key (see the module docs).
    #[allow(clippy::too_many_arguments)]
    pub async fn record_step_with_key(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        expected_version: Option<u64>,
        at: Option<Timestamp>,
        kind: EventKind,
        key: Option<&IdempotentRequest>,
        now: Timestamp,
    ) -> AppResult<Answer> {
        let run = self.record_step_retrying(actor, case_id, expected_version, at, kind, key, now);
        self.once(actor, key, run).await
    }

    /// The stored answer to this key, if there is one.
    async fn stored(&self, actor: &Actor, key: &IdempotentRequest) -> AppResult<Option<Answer>> {
        let stored = self
            .store
            .idempotent_response(&actor.log_id(), &key.key)
            .await?;
        stored.map(|s| key.replay(s)).transpose()
    }

    /// Runs a command under a key: a stored answer is replayed without running it; a failure
    /// is checked against the key again (a twin request may have succeeded meanwhile).
    async fn once<T: Serialize>(
        &self,
        actor: &Actor,
        key: Option<&IdempotentRequest>,
        run: impl Future<Output = AppResult<Once<T>>>,
    ) -> AppResult<Answer> {
        let Some(key) = key else {
            let done = run.await?.done()?;
            return Ok(Answer {
                status: CREATED,
                body: json(&done)?,
                replayed: false,
            });
        };
        if let Some(answer) = self.stored(actor, key).await? {
            return Ok(answer);
        }
        match run.await {
            Ok(Once::Done(done)) => Ok(Answer {
                status: CREATED,
                body: json(&done)?,
                replayed: false,
            }),
            Ok(Once::Replayed(stored)) => key.replay(stored),
            Err(AppError::Internal(e)) => Err(AppError::Internal(e)),
            Err(e) => match self.stored(actor, key).await? {
                Some(answer) => Ok(answer),
                None => Err(e),
            },
        }
    }
}
