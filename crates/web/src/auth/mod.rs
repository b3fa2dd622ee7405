//! Who is asking: sign-in, sessions, CSRF, two-factor, API tokens and login throttling.
//!
//! CONTRACT (the rest of the web crate relies on exactly this):
//! - [`CurrentActor`] is an extractor for every handler that needs an actor. It accepts
//!   `Authorization: Bearer <token>` (an API token → `Actor::System`) or the session cookie
//!   (→ `Actor::Person`), and rejects with a [`Problem`] (401) otherwise. For cookie sessions
//!   and unsafe methods it checks the `X-CSRF-Token` header against the session's token.
//! - [`routes`] returns the sign-in API routes, nested by the caller under `/api/v1`.
//!
//! A session is fully signed in only when nothing is outstanding (see [`Outstanding`]): the
//! second factor given when two-factor is set up, two-factor set up when the account is an
//! administrator's, and a one-time password changed. Until then [`CurrentActor`] refuses the
//! session and only the sign-in routes that clear what is outstanding accept it.
//!
//! Secrets are never logged and never stored in the clear: passwords as argon2id hashes,
//! session and API tokens as SHA-256.

pub mod accounts;
pub mod actor;
mod admin;
mod extract;
pub mod flow;
mod me;
pub mod password;
pub mod session;
mod sign_in;
pub mod throttle;
pub mod token;
pub mod totp;

pub use extract::{Credentials, Outstanding, SessionUser};

use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use pledge_app::Actor;
use rand::RngCore;
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The authenticated actor of a request.
#[derive(Debug, Clone)]
pub struct CurrentActor(pub Actor);

impl FromRequestParts<AppState> for CurrentActor {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match Credentials::from_request_parts(parts, state).await? {
            Credentials::Token { actor, .. } => Ok(CurrentActor(actor)),
            Credentials::Session(user) => {
                if let Some(outstanding) = user.outstanding() {
                    return Err(outstanding.problem());
                }
                Ok(CurrentActor(user.actor(state).await?))
            }
        }
    }
}

/// The sign-in routes (session, two-factor, password, tokens), for nesting under `/api/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in::sign_in, sign_in::sign_out))
        .routes(routes!(sign_in::second_factor))
        .routes(routes!(me::me))
        .routes(routes!(me::change_password))
        .routes(routes!(me::totp_setup))
        .routes(routes!(me::totp_confirm))
        .routes(routes!(admin::create_token_route, admin::list_tokens))
        .routes(routes!(admin::revoke_token_route))
        .routes(routes!(admin::create_account_route, admin::list_accounts))
}

/// `n` random bytes from the thread-local CSPRNG (ChaCha, seeded from the OS), as hex.
pub(crate) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a secret, as hex: how session and API tokens are stored and looked up.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A store failure as a 500 whose cause is logged, not shown.
pub(crate) fn store_problem(e: pledge_store::StoreError) -> Problem {
    Problem::internal(&format!("sign-in storage: {e}"))
}

/// Why creating an account or a token failed (shared by the API and the command line).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A field is wrong.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The thing already exists.
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error("storage: {0}")]
    Store(#[from] pledge_store::StoreError),
    /// Something else failed (hashing).
    #[error("{0}")]
    Internal(String),
}

impl AuthError {
    /// A wrong field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<AuthError> for Problem {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Invalid { field, message } => Problem::invalid(field, message),
            AuthError::Conflict(m) => Problem::new(
                axum::http::StatusCode::CONFLICT,
                "conflict",
                "It already exists",
            )
            .detail(m),
            AuthError::Store(e) => store_problem(e),
            AuthError::Internal(cause) => Problem::internal(&cause),
        }
    }
}

/// Checks an identifier-like name (token names): 1 to 64 of `a-z A-Z 0-9 - _ .`.
pub(crate) fn check_name(field: &str, name: &str) -> Result<(), AuthError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::invalid(
            field,
            "1 to 64 letters, digits, '-', '_' or '.'",
        ))
    }
}
