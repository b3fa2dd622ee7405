//! Reading a request's credentials for the API: an API token (`Authorization: Bearer`) or the
//! session cookie (loaded by [`session::load`], as the pages do), with the CSRF check for
//! cookie sessions on unsafe methods.

use super::{session, store_problem, token};
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use pledge_app::Actor;
use pledge_app::accounts::{SessionUser, actor, constant_time_eq, token as tokens};
use pledge_store::ApiToken;

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

/// A request made with a live session cookie (and, on unsafe methods, the right CSRF
/// token), whatever is still outstanding on it: for the sign-in routes that clear it.
#[derive(Debug, Clone)]
pub struct ApiSession(pub SessionUser);

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
        match token::bearer(&parts.headers) {
            token::Bearer::Token(t) => {
                let found = tokens::find(state.store(), &t)
                    .await
                    .map_err(store_problem)?;
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
        let user = match session::load(&parts.headers, state)
            .await
            .map_err(store_problem)?
        {
            session::Loaded::Live(user) => *user,
            session::Loaded::NoCookie => {
                return Err(Problem::unauthenticated(
                    "Sign in (POST /api/v1/session) or send an API token.",
                ));
            }
            session::Loaded::Ended => {
                return Err(Problem::unauthenticated(
                    "Your session has ended. Sign in again.",
                ));
            }
        };
        if unsafe_method(&parts.method) {
            let sent = parts
                .headers
                .get(session::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent, &user.session.csrf_token) {
                return Err(Problem::forbidden(
                    "Send the session's CSRF token in the X-CSRF-Token header.",
                ));
            }
        }
        Ok(Credentials::Session(user))
    }
}

impl FromRequestParts<AppState> for ApiSession {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match Credentials::from_request_parts(parts, state).await? {
            Credentials::Session(user) => Ok(ApiSession(user)),
            Credentials::Token { .. } => Err(Problem::forbidden(
                "This is for people signed in with a session, not API tokens.",
            )),
        }
    }
}
