//! Sign-in data: accounts, sessions, API tokens and login attempts.
//! Secrets are stored only as hashes (argon2id for passwords, SHA-256 for random tokens).

use jiff::Timestamp;
use serde::Serialize;
use std::future::Future;

use crate::Result;
use crate::encode::{list, opt_timestamp, parse_list, timestamp, uint};
use crate::error::StoreError;
use crate::rows::Get;

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
    /// The edit version: 1 when created, one more at every edit. An edit names the version
    /// it read and is refused when the account has changed since.
    pub version: u64,
    /// The last two-factor time step (30-second window number) whose code was accepted: a
    /// code is accepted once.
    #[serde(skip)]
    pub totp_last_step: Option<u64>,
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
    /// A base32 TOTP secret being set up in this session, until its first code confirms it.
    pub totp_pending: Option<String>,
    /// The ID token of a sign-in through the force's identity provider (for the provider's
    /// sign-out); None for a password sign-in.
    pub id_token: Option<String>,
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

/// Recent failed sign-ins of one kind: how many, and when the last was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// Failed attempts since the window began and since the last success of the same key.
    pub count: u32,
    /// The latest of them.
    pub last: Option<Timestamp>,
}

/// A name's and an address's recent failed sign-ins, counted three ways.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFailures {
    /// This name from this address.
    pub pair: Failures,
    /// This address, any name.
    pub address: Failures,
    /// This name, any address.
    pub name: Failures,
}

/// Storage for sign-in data. Implemented by both backends.
pub trait AccountStore: Send + Sync {
    /// Adds a new account (version 1, whatever `account.version` says); false when the
    /// person already has one (nothing is changed). A person that does not exist is
    /// `StoreError::Invalid`.
    fn create_account(&self, account: &Account) -> impl Future<Output = Result<bool>> + Send;
    /// Replaces an account if its stored version is still `account.version`, and moves the
    /// version on by one; false when the account changed since (or is gone).
    fn update_account(&self, account: &Account) -> impl Future<Output = Result<bool>> + Send;
    /// Records that a person's two-factor code of time step `step` was accepted; false (and
    /// nothing changed) when that step or a later one was already used: the code is spent.
    fn use_totp_step(
        &self,
        person_id: &str,
        step: u64,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// An account.
    fn account(&self, person_id: &str) -> impl Future<Output = Result<Option<Account>>> + Send;
    /// Every account, by person id.
    fn accounts(&self) -> impl Future<Output = Result<Vec<Account>>> + Send;
    /// Records a sign-in attempt for a name from a client address (for throttling).
    fn record_login_attempt(
        &self,
        person_id: &str,
        address: &str,
        succeeded: bool,
        at: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Failed attempts since a time, counted for the name from the address, the address
    /// (any name) and the name (any address); each count starts again after a success of the
    /// same key.
    fn login_failures(
        &self,
        person_id: &str,
        address: &str,
        since: Timestamp,
    ) -> impl Future<Output = Result<LoginFailures>> + Send;
    /// Forgets a name's failed attempts (an administrator unlocking it); returns how many.
    fn clear_login_failures(&self, person_id: &str) -> impl Future<Output = Result<u64>> + Send;
    /// Stores a session.
    fn create_session(&self, session: &Session) -> impl Future<Output = Result<()>> + Send;
    /// A session by the hash of its token.
    fn session(&self, id_hash: &str) -> impl Future<Output = Result<Option<Session>>> + Send;
    /// Marks a session's second factor as given.
    fn complete_second_factor(&self, id_hash: &str) -> impl Future<Output = Result<()>> + Send;
    /// Sets (or clears) the two-factor secret being set up in a session.
    fn set_totp_pending(
        &self,
        id_hash: &str,
        secret: Option<&str>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Ends a session.
    fn delete_session(&self, id_hash: &str) -> impl Future<Output = Result<()>> + Send;
    /// Ends every session of a person (password change, account disabled), except the one
    /// whose hash is `except` (the session that changed the password); returns how many.
    fn delete_sessions_of(
        &self,
        person_id: &str,
        except: Option<&str>,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes sessions that expired at or before `now`; returns how many.
    fn expire_sessions(&self, now: Timestamp) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes sign-in attempts made before `before` (they no longer count); returns how many.
    fn prune_login_attempts(&self, before: Timestamp) -> impl Future<Output = Result<u64>> + Send;
    /// Stores a new token; a name already used is `StoreError::Invalid`.
    fn create_token(&self, token: &ApiToken) -> impl Future<Output = Result<()>> + Send;
    /// A token by its hash.
    fn token_by_hash(&self, hash: &str) -> impl Future<Output = Result<Option<ApiToken>>> + Send;
    /// Every token.
    fn tokens(&self) -> impl Future<Output = Result<Vec<ApiToken>>> + Send;
    /// Revokes a token; false when there is no such (unrevoked) token.
    fn revoke_token(&self, name: &str, at: Timestamp) -> impl Future<Output = Result<bool>> + Send;
    /// The person an identity provider's subject is linked to, if any.
    fn oidc_person(
        &self,
        issuer: &str,
        subject: &str,
    ) -> impl Future<Output = Result<Option<String>>> + Send;
    /// Links a provider's subject to a person; false (nothing changed) when the subject or
    /// the person is linked already. A person that does not exist is `StoreError::Invalid`.
    fn link_oidc(
        &self,
        issuer: &str,
        subject: &str,
        person_id: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool>> + Send;
}

// Row decoding shared by both backends (the tables have the same columns in both schemas).

/// The `account` columns [`account_row`] reads.
pub(crate) const ACCOUNT_COLS: &str = "person_id, password_hash, roles, totp_secret, \
     must_change_password, disabled, version, totp_last_step";

/// An `account` row.
pub(crate) fn account_row(r: &impl Get) -> Result<Account> {
    let person_id = r.text("person_id")?;
    Ok(Account {
        roles: parse_list(&r.text("roles")?, &format!("account {person_id} roles"))?,
        password_hash: r.text("password_hash")?,
        totp_secret: r.opt_text("totp_secret")?,
        must_change_password: r.flag("must_change_password")?,
        disabled: r.flag("disabled")?,
        version: uint(r.int("version")?, &format!("account {person_id} version"))?,
        totp_last_step: r
            .opt_int("totp_last_step")?
            .map(|s| uint(s, &format!("account {person_id} totp_last_step")))
            .transpose()?,
        person_id,
    })
}

/// The `session` columns [`session_row`] reads.
pub(crate) const SESSION_COLS: &str = "id_hash, person_id, csrf_token, created_at, expires_at, \
     second_factor_done, totp_pending, id_token";

/// A `session` row.
pub(crate) fn session_row(r: &impl Get) -> Result<Session> {
    Ok(Session {
        id_hash: r.text("id_hash")?,
        person_id: r.text("person_id")?,
        csrf_token: r.text("csrf_token")?,
        created_at: timestamp(r.int("created_at")?, "session created_at")?,
        expires_at: timestamp(r.int("expires_at")?, "session expires_at")?,
        second_factor_done: r.flag("second_factor_done")?,
        totp_pending: r.opt_text("totp_pending")?,
        id_token: r.opt_text("id_token")?,
    })
}

/// The `api_token` columns [`token_row`] reads.
pub(crate) const TOKEN_COLS: &str = "name, hash, scopes, force, created_by, created_at, revoked_at";

/// An `api_token` row.
pub(crate) fn token_row(r: &impl Get) -> Result<ApiToken> {
    let name = r.text("name")?;
    let ctx = |what: &str| format!("api token {name} {what}");
    Ok(ApiToken {
        hash: r.text("hash")?,
        scopes: parse_list(&r.text("scopes")?, &ctx("scopes"))?,
        force: r.text("force")?,
        created_by: r.text("created_by")?,
        created_at: timestamp(r.int("created_at")?, &ctx("created_at"))?,
        revoked_at: opt_timestamp(r.opt_int("revoked_at")?, &ctx("revoked_at"))?,
        name,
    })
}

/// Checks an account before it is written, and encodes its roles.
pub(crate) fn check_account(a: &Account) -> Result<String> {
    if a.person_id.trim().is_empty() {
        return Err(StoreError::Invalid(
            "an account needs a person id".to_owned(),
        ));
    }
    if a.password_hash.is_empty() {
        return Err(StoreError::Invalid(format!(
            "account {}: a password hash is required",
            a.person_id
        )));
    }
    list(&a.roles)
}

/// Checks a token before it is written, and encodes its scopes.
pub(crate) fn check_token(t: &ApiToken) -> Result<String> {
    if t.name.trim().is_empty() || t.hash.is_empty() {
        return Err(StoreError::Invalid(
            "a token needs a name and a hash".to_owned(),
        ));
    }
    list(&t.scopes)
}

/// The SQL counting failed attempts for one key since a time and since the key's last
/// success; `key` is a condition on `login_attempt` with the key's parameters, `p` the
/// placeholder style (`?` or `$n` after the key's parameters).
pub(crate) fn failures_sql(key: &str, since: &str) -> String {
    format!(
        "SELECT COUNT(*) AS n, MAX(at) AS last FROM login_attempt \
         WHERE {key} AND succeeded = {f} AND at >= {since} \
         AND at > COALESCE((SELECT MAX(at) FROM login_attempt \
                            WHERE {key} AND succeeded = {t} AND at >= {since}), {since} - 1)",
        f = "FALSE",
        t = "TRUE",
    )
}

/// Decodes a (count, last) row of [`failures_sql`].
pub(crate) fn failures_row(r: &impl Get, what: &str) -> Result<Failures> {
    Ok(Failures {
        count: uint(r.int("n")?, &format!("{what} failure count"))?,
        last: opt_timestamp(r.opt_int("last")?, &format!("{what} last failure"))?,
    })
}

/// Whether a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Whether a database error is a foreign-key violation.
pub(crate) fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_foreign_key_violation())
}
