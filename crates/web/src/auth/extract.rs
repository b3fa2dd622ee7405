//! Reading a request's credentials: an API token (`Authorization: Bearer`) or the session
//! cookie, with the CSRF check for cookie sessions on unsafe methods.

use super::{actor, constant_time_eq, session, store_problem, token};
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use pledge_app::{AccountRole, Actor};
use pledge_store::{Account, AccountStore, ApiToken, Session};

/// Who a request says it is, before any check of what is outstanding.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// A live API token.
    Token {
        /// The token's actor.
        actor: Actor,
        /// The token as stored.
        token: ApiToken,
    },
    /// A live session of an enabled account.
    Session(SessionUser),
}

/// A request made with a live session cookie (and, on unsafe methods, the right CSRF token).
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
    /// Two-factor is set up and the code has not been given (`POST /session/totp`).
    SecondFactor,
    /// An administrator without two-factor must set it up (`POST /me/totp/setup`, then
    /// `POST /me/totp/confirm`).
    TwoFactorSetup,
    /// A one-time password must be changed (`POST /me/password`).
    PasswordChange,
}

/// Whether an account is an administrator's (and so must use two-factor).
pub(crate) fn is_administrator(account: &Account) -> bool {
    account
        .roles
        .iter()
        .any(|r| r == AccountRole::Administrator.as_str())
}

impl Outstanding {
    /// The first thing outstanding on a session of an account, if any.
    pub fn of(account: &Account, session: &Session) -> Option<Self> {
        if account.totp_secret.is_some() && !session.second_factor_done {
            Some(Outstanding::SecondFactor)
        } else if account.totp_secret.is_none() && is_administrator(account) {
            Some(Outstanding::TwoFactorSetup)
        } else if account.must_change_password {
            Some(Outstanding::PasswordChange)
        } else {
            None
        }
    }

    /// The refusal for a route that needs a fully signed-in session.
    pub fn problem(self) -> Problem {
        match self {
            Outstanding::SecondFactor => Problem::unauthenticated(
                "Give the code from your authenticator app first (POST /api/v1/session/totp).",
            ),
            Outstanding::TwoFactorSetup => Problem::forbidden(
                "Administrators must use two-factor sign-in: set it up first \
                 (POST /api/v1/me/totp/setup, then POST /api/v1/me/totp/confirm).",
            ),
            Outstanding::PasswordChange => Problem::forbidden(
                "Change your one-time password first (POST /api/v1/me/password).",
            ),
        }
    }
}

impl SessionUser {
    /// Whether the account must use two-factor: it is set up, or the account is an
    /// administrator's.
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
    pub async fn actor(&self, state: &AppState) -> Result<Actor, Problem> {
        actor::person(state.store(), &self.account)
            .await
            .map_err(store_problem)
    }
}

fn unsafe_method(m: &Method) -> bool {
    !matches!(
        *m,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

impl FromRequestParts<AppState> for Credentials {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let store = state.store();
        match token::bearer(&parts.headers) {
            token::Bearer::Token(t) => {
                let found = token::find(store, &t).await.map_err(store_problem)?;
                return match found {
                    Some(token) => Ok(Credentials::Token {
                        actor: actor::system(&token),
                        token,
                    }),
                    None => Err(Problem::unauthenticated(
                        "The API token is not valid (unknown or revoked).",
                    )),
                };
            }
            token::Bearer::Malformed => {
                return Err(Problem::unauthenticated(
                    "Use Authorization: Bearer with an API token.",
                ));
            }
            token::Bearer::Absent => {}
        }
        let Some(cookie) = session::token_from(&parts.headers) else {
            return Err(Problem::unauthenticated(
                "Sign in (POST /api/v1/session) or send an API token.",
            ));
        };
        let now = state.now();
        let Some(sess) = session::find(store, &cookie, now)
            .await
            .map_err(store_problem)?
        else {
            return Err(Problem::unauthenticated(
                "Your session has ended. Sign in again.",
            ));
        };
        let account = store
            .account(&sess.person_id)
            .await
            .map_err(store_problem)?;
        let Some(account) = account.filter(|a| !a.disabled) else {
            store
                .delete_session(&sess.id_hash)
                .await
                .map_err(store_problem)?;
            return Err(Problem::unauthenticated(
                "Your session has ended. Sign in again.",
            ));
        };
        if unsafe_method(&parts.method) {
            let sent = parts
                .headers
                .get(session::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent, &sess.csrf_token) {
                return Err(Problem::forbidden(
                    "Send the session's CSRF token in the X-CSRF-Token header.",
                ));
            }
        }
        Ok(Credentials::Session(SessionUser {
            session: sess,
            account,
        }))
    }
}

impl FromRequestParts<AppState> for SessionUser {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match Credentials::from_request_parts(parts, state).await? {
            Credentials::Session(user) => Ok(user),
            Credentials::Token { .. } => Err(Problem::forbidden(
                "This is for people signed in with a session, not API tokens.",
            )),
        }
    }
}
