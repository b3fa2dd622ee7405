//! Accounts and sign-in, for every shell (the JSON API, the pages, the command line): creating
//! accounts and API tokens, passwords, two-factor codes, sessions, sign-in throttling, the
//! sign-in steps, and administering accounts and tokens through the access policy.
//!
//! Secrets are never logged and never stored in the clear: passwords as argon2id hashes,
//! session and API tokens as SHA-256. The HTTP parts (cookies, headers, extractors) are the
//! web crate's; nothing here knows about HTTP.

pub mod actor;
mod admin;
pub mod create;
pub mod flow;
mod leaver;
pub mod oidc;
pub mod password;
pub mod session;
pub mod throttle;
pub mod token;
pub mod totp;

pub use admin::{AccountEdit, NewAccountRequest, NewTokenRequest};
pub use create::{CreatedAccount, NewAccount, create_account, parse_roles};
pub use flow::{SignInContext, SignedInSession, StepError};
pub use session::{NewSession, Outstanding, SessionUser};
pub use token::{CreatedToken, NewToken};

use jiff::SignedDuration;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How sessions last and how sign-in is throttled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// How long a session lasts from sign-in, whatever its use.
    pub session_lifetime: SignedDuration,
    /// Failures allowed for one name from one client address (within `login_window`, since
    /// the last success) before each further attempt must wait. An address may fail four
    /// times as often over all names, and a name ten times as often over all addresses.
    pub login_attempts: u32,
    /// Failures older than this no longer count.
    pub login_window: SignedDuration,
    /// The wait after the first failure over the allowance; it doubles with each further
    /// failure.
    pub backoff_base: SignedDuration,
    /// The longest wait.
    pub backoff_max: SignedDuration,
    /// Whether people may sign in with a Pledge password. Off when a force signs everyone
    /// in through its identity provider (`pledge serve --local-accounts off`): password
    /// sign-ins are refused, and the command line is the way back in (break-glass).
    pub local_accounts: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_lifetime: SignedDuration::from_hours(12),
            login_attempts: 5,
            login_window: SignedDuration::from_hours(1),
            backoff_base: SignedDuration::from_secs(30),
            backoff_max: SignedDuration::from_mins(15),
            local_accounts: true,
        }
    }
}

/// Why creating, changing or listing accounts and tokens failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// A field is wrong.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The thing already exists (a second account for a person, a token name in use).
    #[error("{field}: {message}")]
    Exists {
        /// The field whose value is taken.
        field: String,
        /// What exists.
        message: String,
    },
    /// The account changed since the editor read it: reload and try again.
    #[error("the account changed (version {actual}, you had {expected}); reload and try again")]
    Stale {
        /// The version the editor had.
        expected: u64,
        /// The version now.
        actual: u64,
    },
    /// No such account or token, or one the actor may not know of.
    #[error("not found")]
    NotFound,
    /// The policy refuses: what the actor may not do.
    #[error("you may not {0}")]
    Forbidden(String),
    /// The store failed.
    #[error("storage: {0}")]
    Store(#[from] pledge_store::StoreError),
    /// Something else failed (hashing).
    #[error("{0}")]
    Internal(String),
}

impl AccountError {
    /// A wrong field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `n` random bytes from the thread-local CSPRNG (ChaCha, seeded from the OS), as hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a secret, as hex: how session and API tokens are stored and looked up.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks an identifier-like name (token names): 1 to 64 of `a-z A-Z 0-9 - _ .`.
pub(crate) fn check_name(field: &str, name: &str) -> Result<(), AccountError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(AccountError::invalid(
            field,
            "1 to 64 letters, digits, '-', '_' or '.'",
        ))
    }
}
