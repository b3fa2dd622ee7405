//! Sessions: a random 32-byte token (the web crate puts it in a cookie); the store keeps only
//! its SHA-256. Each session has an absolute expiry (from sign-in, whatever its use) and its
//! own CSRF token. [`load`] is the one way a presented token becomes a signed-in person: the
//! API and the pages both call it.

use super::{Settings, random_hex, sha256_hex};
use crate::actor::{AccountRole, Actor};
use jiff::Timestamp;
use pledge_store::{Account, AccountStore, Session, Store, StoreError};

/// A new session and the token for its cookie (shown to the browser only).
pub struct NewSession {
    /// The cookie value.
    pub token: String,
    /// What is stored.
    pub session: Session,
}

/// Starts a session for a person: stores it and returns the token.
pub async fn start(
    store: &impl AccountStore,
    settings: &Settings,
    person_id: &str,
    second_factor_done: bool,
    now: Timestamp,
) -> Result<NewSession, StoreError> {
    let new = new(settings, person_id, second_factor_done, now);
    store.create_session(&new.session).await?;
    Ok(new)
}

/// A new session for a person and its token, not yet stored.
pub fn new(
    settings: &Settings,
    person_id: &str,
    second_factor_done: bool,
    now: Timestamp,
) -> NewSession {
    let token = random_hex(32);
    let session = Session {
        id_hash: sha256_hex(&token),
        person_id: person_id.to_owned(),
        csrf_token: random_hex(32),
        created_at: now,
        expires_at: now.saturating_add(settings.session_lifetime).unwrap_or(now),
        second_factor_done,
        totp_pending: None,
        id_token: None,
    };
    NewSession { token, session }
}

/// Finds a live session by its token; an expired one is deleted and not returned.
pub async fn find(
    store: &impl AccountStore,
    token: &str,
    now: Timestamp,
) -> Result<Option<Session>, StoreError> {
    // Tokens are 64 hex characters; anything else cannot be one (and is not hashed).
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = sha256_hex(token);
    match store.session(&hash).await? {
        Some(s) if s.expires_at > now => Ok(Some(s)),
        Some(_) => {
            store.delete_session(&hash).await?;
            Ok(None)
        }
        None => Ok(None),
    }
}

/// The signed-in person behind a session token: a live session of an enabled account, or
/// None (unknown, expired, or its account disabled or gone — such a session is ended).
pub async fn load(
    store: &impl AccountStore,
    token: &str,
    now: Timestamp,
) -> Result<Option<SessionUser>, StoreError> {
    let Some(session) = find(store, token, now).await? else {
        return Ok(None);
    };
    match store
        .account(&session.person_id)
        .await?
        .filter(|a| !a.disabled)
    {
        Some(account) => Ok(Some(SessionUser { session, account })),
        None => {
            store.delete_session(&session.id_hash).await?;
            Ok(None)
        }
    }
}

/// A live session and its (enabled) account.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// The session.
    pub session: Session,
    /// Its account.
    pub account: Account,
}

/// What a session must still do before it is fully signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outstanding {
    /// Two-factor is set up and the code has not been given.
    SecondFactor,
    /// An administrator without two-factor must set it up.
    TwoFactorSetup,
    /// A one-time password must be changed.
    PasswordChange,
}

/// Whether a session was signed in through the force's identity provider (which did the
/// second factor, and holds the password).
pub fn through_provider(session: &Session) -> bool {
    session.id_token.is_some()
}

/// Whether an account is an administrator's (and so must use two-factor).
pub fn is_administrator(account: &Account) -> bool {
    account
        .roles
        .iter()
        .any(|r| r == AccountRole::Administrator.as_str())
}

impl Outstanding {
    /// The first thing outstanding on a session of an account, if any.
    /// A session signed in through the identity provider has nothing outstanding: the
    /// provider holds the password and did the second factor (required of administrators).
    pub fn of(account: &Account, session: &Session) -> Option<Self> {
        if through_provider(session) {
            None
        } else if account.totp_secret.is_some() && !session.second_factor_done {
            Some(Outstanding::SecondFactor)
        } else if account.totp_secret.is_none() && is_administrator(account) {
            Some(Outstanding::TwoFactorSetup)
        } else if account.must_change_password {
            Some(Outstanding::PasswordChange)
        } else {
            None
        }
    }
}

impl SessionUser {
    /// Whether the account is an administrator's (and so must use two-factor).
    pub fn is_administrator(&self) -> bool {
        is_administrator(&self.account)
    }

    /// Whether the second factor is still to be given in this session.
    pub fn second_factor_pending(&self) -> bool {
        self.account.totp_secret.is_some() && !self.session.second_factor_done
    }

    /// The first thing outstanding, if any.
    pub fn outstanding(&self) -> Option<Outstanding> {
        Outstanding::of(&self.account, &self.session)
    }

    /// The person as an actor.
    pub async fn actor(&self, store: &impl Store) -> Result<Actor, StoreError> {
        super::actor::person(store, &self.account).await
    }
}
