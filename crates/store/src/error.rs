//! The store's errors.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended to the case first; reload and retry.
    #[error(
        "case {case_id} changed: expected version {expected}, found {actual}; reload and try again"
    )]
    Conflict {
        /// The case.
        case_id: String,
        /// The version the writer read.
        expected: u64,
        /// The version found.
        actual: u64,
    },
    /// No such case (or it was disposed of).
    #[error("no case {0}")]
    NotFound(String),
    /// The append's idempotency key was used already (by the caller's earlier request with
    /// that key): nothing was written; this is the answer stored with the key's one effect.
    #[error("this idempotency key was used already; nothing was written")]
    KeyUsed(Box<crate::IdempotentResponse>),
    /// The request does not make sense (empty append, bad URL, ...).
    #[error("{0}")]
    Invalid(String),
    /// A change the store refuses whoever asks: it names the field at fault (e.g. a unit id
    /// that belongs to another force).
    #[error("{field}: {message}")]
    Refused {
        /// The field at fault.
        field: String,
        /// Why.
        message: String,
    },
    /// A person or unit changed since the writer read it (optimistic versions).
    #[error("{what} changed: expected version {expected}, found {actual}; reload and try again")]
    Stale {
        /// What (`person PC-1`, `unit north`).
        what: String,
        /// The version the writer read.
        expected: u64,
        /// The version found (0 when it does not exist).
        actual: u64,
    },
    /// The database was written by a newer Pledge.
    #[error(
        "the database has migration {0}, which this version of Pledge does not know; upgrade Pledge"
    )]
    TooNew(i64),
    /// Stored data cannot be read back (corruption or tampering).
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// The operation is not available on this backend.
    #[error("{0}")]
    Unsupported(String),
    /// The access log could not be written: the read (or reads) whose entries it held fail,
    /// since none may be answered before its entry is durable.
    #[error("the access log could not be written: {0}")]
    AccessLog(String),
    /// A database error.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration error.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Results of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
