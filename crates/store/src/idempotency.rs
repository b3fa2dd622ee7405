//! Idempotency records: the first answer to a command sent with an `Idempotency-Key`, kept
//! per caller and key.
//!
//! A record is written only by an append that carries an [`IdempotencyReservation`]: the
//! backend checks the key inside the append's write transaction (after taking the write lock
//! every append queues on) and inserts it with the events, so a key has either no effect or
//! exactly one, and its answer is stored with that effect. An append whose key is already
//! taken writes nothing and fails with [`crate::StoreError::KeyUsed`], carrying the stored
//! answer to replay.

use jiff::Timestamp;
use std::future::Future;

use crate::Result;
use crate::encode::{timestamp, uint};
use crate::error::StoreError;
use crate::rows::Get;

/// The first answer to a request with an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentResponse {
    /// Hash of the request (method, path, body) so a different request with the same key
    /// is refused rather than answered with the wrong response.
    pub request_hash: String,
    /// HTTP status.
    pub status: u16,
    /// Response body.
    pub body: String,
    /// When.
    pub created_at: Timestamp,
}

/// An idempotency key claimed by an append, with the answer the command gives if the append
/// is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyReservation {
    /// The caller (a person id, or `token:NAME`); keys are per caller.
    pub actor: String,
    /// The key as the caller sent it.
    pub key: String,
    /// The request's hash and the answer to keep.
    pub response: IdempotentResponse,
}

/// Reading and pruning idempotency records (appends write them). Implemented by both
/// backends.
pub trait IdempotencyStore: Send + Sync {
    /// The stored answer for an idempotency key of an actor.
    fn idempotent_response(
        &self,
        actor: &str,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotentResponse>>> + Send;
    /// Deletes idempotency records stored before `before`; returns how many.
    fn prune_idempotent_responses(
        &self,
        before: Timestamp,
    ) -> impl Future<Output = Result<u64>> + Send;
}

/// The `idempotency` columns [`idempotent_row`] reads.
pub(crate) const IDEMPOTENCY_COLS: &str = "request_hash, status, body, created_at";

/// An `idempotency` row.
pub(crate) fn idempotent_row(r: &impl Get) -> Result<IdempotentResponse> {
    Ok(IdempotentResponse {
        request_hash: r.text("request_hash")?,
        status: uint(r.int("status")?, "idempotency status")?,
        body: r.text("body")?,
        created_at: timestamp(r.int("created_at")?, "idempotency created_at")?,
    })
}

/// Checks a reservation before an append is attempted.
pub(crate) fn check_reservation(r: &IdempotencyReservation) -> Result<()> {
    if r.actor.is_empty() || r.key.is_empty() || r.key.len() > 255 {
        return Err(StoreError::Invalid(
            "an idempotency reservation needs an actor and a key of 1 to 255 bytes".into(),
        ));
    }
    if r.response.request_hash.is_empty() {
        return Err(StoreError::Invalid(
            "an idempotency reservation needs the request's hash".into(),
        ));
    }
    Ok(())
}

/// Refuses a bulk append that carries a reservation: keys belong to single commands, and the
/// bulk paths are written for imports that have none.
pub(crate) fn refuse_in_batch(batch: &[crate::Append]) -> Result<()> {
    if batch.iter().any(|a| a.idempotency.is_some()) {
        return Err(StoreError::Invalid(
            "an idempotency key belongs to a single append, not a batch".into(),
        ));
    }
    Ok(())
}
