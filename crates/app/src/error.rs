//! The application layer's errors; the web layer maps each to one HTTP answer.

use pledge_domain::Refusal;
use pledge_store::StoreError;

/// Why an application operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such thing, or the actor may not know it exists.
    #[error("not found")]
    NotFound,
    /// The actor may see the case but not do this.
    #[error("you may not {0}")]
    Forbidden(String),
    /// The domain refused the event: a rule of the plan, or an event that does not fit.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// Input that does not make sense, naming the field.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A plan file with problems (each with its line and column), as `pledge plan check`
    /// reports them.
    #[error("{0}")]
    PlanFile(pledge_domain::PlanError),
    /// Someone else changed the case first.
    #[error("the case changed (version {actual}, you had {expected}); reload and try again")]
    Conflict {
        /// Version the client had.
        expected: u64,
        /// Version now.
        actual: u64,
    },
    /// A person or unit changed since the caller read it (optimistic versions).
    #[error("{what} changed (version {actual}, you had {expected}); reload and try again")]
    Stale {
        /// What changed (`person PC-1`).
        what: String,
        /// Version the caller had.
        expected: u64,
        /// Version now (0: it no longer exists).
        actual: u64,
    },
    /// The idempotency key was used for a different request (another route or body).
    #[error("this Idempotency-Key was used for a different request")]
    KeyReused,
    /// A failure inside Pledge (database down, corrupt data): logged, never shown in detail.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// An invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict {
                expected, actual, ..
            } => AppError::Conflict { expected, actual },
            StoreError::NotFound(_) => AppError::NotFound,
            StoreError::Invalid(m) => AppError::invalid("request", m),
            StoreError::Refused { field, message } => AppError::Invalid { field, message },
            StoreError::Stale {
                what,
                expected,
                actual,
            } => AppError::Stale {
                what,
                expected,
                actual,
            },
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// Results of application operations.
pub type AppResult<T> = Result<T, AppError>;
