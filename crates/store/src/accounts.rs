//! Sign-in data: accounts, sessions, API tokens, login attempts and idempotency records.
//! Secrets are stored only as hashes (argon2id for passwords, SHA-256 for random tokens).

use jiff::Timestamp;
use serde::Serialize;
use std::future::Future;

use crate::Result;

/// A person's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// The person id (also the sign-in name).
    pub person_id: String,
    /// Argon2id hash in PHC string format.
    #[serde(skip)]
    pub password_hash: String,
    /// Account roles (`supervisor`, `administrator`, ...).
    pub roles: Vec<String>,
    /// Base32 TOTP secret once two-factor is set up.
    #[serde(skip)]
    pub totp_secret: Option<String>,
    /// The person must change their password at next sign-in (one-time passwords).
    pub must_change_password: bool,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

/// A signed-in session; the cookie holds a random token whose hash is `id_hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie token, hex.
    pub id_hash: String,
    /// Who.
    pub person_id: String,
    /// The CSRF token bound to this session.
    pub csrf_token: String,
    /// Created.
    pub created_at: Timestamp,
    /// Expires (absolute).
    pub expires_at: Timestamp,
    /// The second factor was given (or is not set up and not required).
    pub second_factor_done: bool,
}

/// An API token for a force system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// Unique name, e.g. `crime-system`.
    pub name: String,
    /// SHA-256 of the token, hex.
    #[serde(skip)]
    pub hash: String,
    /// Scopes (`cases:read`, `cases:write`, `people:write`).
    pub scopes: Vec<String>,
    /// The force it acts for.
    pub force: String,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
    /// When revoked, if it has been.
    pub revoked_at: Option<Timestamp>,
}

/// The first response to a request with an `Idempotency-Key`.
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

/// Storage for sign-in data. Implemented by both backends.
pub trait AccountStore: Send + Sync {
    /// Adds or replaces an account.
    fn upsert_account(&self, account: &Account) -> impl Future<Output = Result<()>> + Send;
    /// An account.
    fn account(&self, person_id: &str) -> impl Future<Output = Result<Option<Account>>> + Send;
    /// Every account, by person id.
    fn accounts(&self) -> impl Future<Output = Result<Vec<Account>>> + Send;
    /// Records a sign-in attempt (for throttling).
    fn record_login_attempt(
        &self,
        person_id: &str,
        succeeded: bool,
        at: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Failed attempts since a time.
    fn failed_logins_since(
        &self,
        person_id: &str,
        since: Timestamp,
    ) -> impl Future<Output = Result<u32>> + Send;
    /// Stores a session.
    fn create_session(&self, session: &Session) -> impl Future<Output = Result<()>> + Send;
    /// A session by the hash of its token.
    fn session(&self, id_hash: &str) -> impl Future<Output = Result<Option<Session>>> + Send;
    /// Marks a session's second factor as given.
    fn complete_second_factor(&self, id_hash: &str) -> impl Future<Output = Result<()>> + Send;
    /// Ends a session.
    fn delete_session(&self, id_hash: &str) -> impl Future<Output = Result<()>> + Send;
    /// Ends every session of a person (password change).
    fn delete_sessions_of(&self, person_id: &str) -> impl Future<Output = Result<()>> + Send;
    /// Stores a new token; a name already used is `StoreError::Invalid`.
    fn create_token(&self, token: &ApiToken) -> impl Future<Output = Result<()>> + Send;
    /// A token by its hash.
    fn token_by_hash(&self, hash: &str) -> impl Future<Output = Result<Option<ApiToken>>> + Send;
    /// Every token.
    fn tokens(&self) -> impl Future<Output = Result<Vec<ApiToken>>> + Send;
    /// Revokes a token; false when there is no such (unrevoked) token.
    fn revoke_token(&self, name: &str, at: Timestamp) -> impl Future<Output = Result<bool>> + Send;
    /// The stored response for an idempotency key of an actor.
    fn idempotent_response(
        &self,
        actor: &str,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotentResponse>>> + Send;
    /// Stores the first response for a key; false when one was already stored.
    fn save_idempotent_response(
        &self,
        actor: &str,
        key: &str,
        response: &IdempotentResponse,
    ) -> impl Future<Output = Result<bool>> + Send;
}
