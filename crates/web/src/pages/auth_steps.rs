//! The pages' side of the sign-in steps: each calls the one implementation in
//! `pledge_app::accounts::flow` (which holds every rule: throttling, the same answer for an
//! unknown name as for a wrong password, disabled accounts, wrong codes counted as failures,
//! codes used once, one-time passwords, ending other sessions) and words its refusals for a
//! form: a field to correct, or a problem the pages show as an error page or a redirect.

use crate::auth::{SessionUser, context, session};
use crate::problem::Problem;
use crate::state::AppState;
use axum::http::HeaderMap;
use pledge_app::accounts::flow::{self, StepError};
use pledge_app::accounts::{NewSession, constant_time_eq};
use pledge_store::Account;

/// Why a page sign-in step failed.
#[derive(Debug)]
pub enum PageSignInError {
    /// A field is wrong: the field and what to tell the person.
    Field(&'static str, String),
    /// Refused for another reason (throttled, disabled, storage): the problem to show.
    Problem(Box<Problem>),
}

impl From<Problem> for PageSignInError {
    fn from(p: Problem) -> Self {
        PageSignInError::Problem(Box::new(p))
    }
}

impl From<StepError> for PageSignInError {
    fn from(e: StepError) -> Self {
        let field = |name, message: &str| PageSignInError::Field(name, message.to_owned());
        match e {
            StepError::BadPersonId => field("person_id", "Enter your person id"),
            StepError::BadPassword => field("password", "Enter your password"),
            StepError::WrongCredentials => field("password", "The person id or password is wrong"),
            StepError::WrongCode | StepError::WrongSetupCode => {
                field("code", "The code is wrong or has expired")
            }
            StepError::CodeUsed => field(
                "code",
                "This code has been used already. Wait for the next code from your app",
            ),
            StepError::NoTwoFactorSetup => {
                field("code", "Start again: reload this page for a new key")
            }
            StepError::WeakPassword(m) => PageSignInError::Field("new", m),
            StepError::WrongCurrentPassword => {
                field("current", "This is not your current password")
            }
            StepError::SamePassword => {
                field("new", "The new password must differ from the current one")
            }
            other => Problem::from(other).into(),
        }
    }
}

/// Signs in with a person id and password. On success the old session the browser held (if
/// any) is ended and the new session and its cookie token are returned.
pub async fn password_sign_in(
    state: &AppState,
    address: &str,
    headers: &HeaderMap,
    person_id: &str,
    secret: &str,
) -> Result<(Account, NewSession), PageSignInError> {
    let old = session::token_from(headers);
    let signed_in =
        flow::sign_in(&context(state, address), old.as_deref(), person_id, secret).await?;
    Ok((signed_in.account, signed_in.new))
}

/// Gives the second factor for a session that signed in with a password.
pub async fn second_factor(
    state: &AppState,
    address: &str,
    user: &SessionUser,
    code: &str,
) -> Result<(), PageSignInError> {
    flow::second_factor(&context(state, address), user, code).await?;
    Ok(())
}

/// Changes the signed-in person's password; their other sessions end.
pub async fn change_password(
    state: &AppState,
    address: &str,
    user: &SessionUser,
    current: &str,
    new: &str,
) -> Result<(), PageSignInError> {
    Ok(flow::change_password(&context(state, address), user, current, new).await?)
}

/// Whether a form's CSRF token matches the session's (in constant time).
pub fn csrf_matches(user: &SessionUser, sent: &str) -> bool {
    constant_time_eq(sent, &user.session.csrf_token)
}

/// Ends a session.
pub async fn sign_out(state: &AppState, user: &SessionUser) -> Result<(), Problem> {
    Ok(flow::sign_out(state.store(), user).await?)
}

/// Starts two-factor setup: a new key, kept with the session until confirmed.
pub async fn start_two_factor(
    state: &AppState,
    address: &str,
    user: &SessionUser,
) -> Result<String, Problem> {
    Ok(flow::start_totp(&context(state, address), user).await?)
}

/// Confirms two-factor setup with the first code; the person's other sessions end.
pub async fn confirm_two_factor(
    state: &AppState,
    address: &str,
    user: &SessionUser,
    code: &str,
) -> Result<(), PageSignInError> {
    Ok(flow::confirm_totp(&context(state, address), user, code).await?)
}
