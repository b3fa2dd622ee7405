//! Who is asking, over HTTP: the session cookie, the CSRF checks, API tokens in the
//! `Authorization` header, the client's address, and the sign-in and administration routes.
//! The services themselves (accounts, sessions, tokens, passwords, two-factor, throttling,
//! the sign-in steps) are `pledge_app::accounts`; this module only carries them over HTTP.
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

mod admin;
pub mod client;
mod extract;
pub mod login_csrf;
mod me;
pub mod session;
mod sign_in;
pub mod token;

pub use extract::{ApiSession, Credentials};
pub use pledge_app::accounts::{Outstanding, SessionUser};

use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use pledge_app::Actor;
use pledge_app::accounts::flow::MAX_PERSON_ID;
use pledge_app::accounts::{AccountError, SignInContext, StepError, password, throttle};
use pledge_store::AnyStore;
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
                    return Err(outstanding_problem(outstanding));
                }
                let actor = user.actor(state.store()).await.map_err(store_problem)?;
                Ok(CurrentActor(actor))
            }
        }
    }
}

/// The sign-in routes (session, two-factor, password) and the administration of accounts
/// and tokens, for nesting under `/api/v1`.
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
        .routes(routes!(admin::read_account, admin::edit_account))
        .routes(routes!(admin::reset_two_factor))
        .routes(routes!(admin::unlock))
}

/// The context of a sign-in step for a request from `address`.
pub fn context<'a>(state: &'a AppState, address: &'a str) -> SignInContext<'a, AnyStore> {
    SignInContext {
        store: state.store(),
        settings: &state.config().accounts,
        now: state.now(),
        address,
    }
}

/// A store failure as a 500 whose cause is logged, not shown.
pub(crate) fn store_problem(e: pledge_store::StoreError) -> Problem {
    Problem::internal(&format!("sign-in storage: {e}"))
}

/// The refusal for a route that needs a fully signed-in session.
pub fn outstanding_problem(o: Outstanding) -> Problem {
    match o {
        Outstanding::SecondFactor => Problem::unauthenticated(
            "Give the code from your authenticator app first (POST /api/v1/session/totp).",
        ),
        Outstanding::TwoFactorSetup => Problem::forbidden(
            "Administrators must use two-factor sign-in: set it up first \
             (POST /api/v1/me/totp/setup, then POST /api/v1/me/totp/confirm).",
        ),
        Outstanding::PasswordChange => {
            Problem::forbidden("Change your one-time password first (POST /api/v1/me/password).")
        }
    }
}

/// The 429 for too many failed attempts: the wait in words and in `Retry-After`.
pub fn throttled_problem(wait: jiff::SignedDuration) -> Problem {
    let mut problem = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too-many-attempts",
        "Too many attempts",
    )
    .detail(format!(
        "Too many failed attempts. Wait {}, then try again.",
        throttle::wait_words(wait)
    ));
    problem.retry_after = Some(u32::try_from(throttle::wait_seconds(wait)).unwrap_or(u32::MAX));
    problem
}

impl From<AccountError> for Problem {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid { field, message } => Problem::invalid(field, message),
            AccountError::Exists { field, message } => {
                Problem::new(StatusCode::CONFLICT, "exists", "It already exists")
                    .detail(format!("{field}: {message}"))
            }
            AccountError::Stale { expected, actual } => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                "The account changed since you read it",
            )
            .detail(format!(
                "You had version {expected}; it is now at version {actual}. Reload and try again."
            )),
            AccountError::NotFound => Problem::not_found(),
            AccountError::Forbidden(what) => Problem::forbidden(format!("You may not {what}.")),
            AccountError::Store(e) => store_problem(e),
            AccountError::Internal(cause) => Problem::internal(&cause),
        }
    }
}

/// The API's answer to each refusal of a sign-in step. The pages word the refusals a person
/// corrects in the form themselves (see `pages::auth_steps`) and show this for the rest.
impl From<StepError> for Problem {
    fn from(e: StepError) -> Self {
        match e {
            StepError::BadPersonId => {
                Problem::invalid("person_id", format!("1 to {MAX_PERSON_ID} characters"))
            }
            StepError::BadPassword => {
                Problem::invalid("password", format!("1 to {} bytes", password::MAX_LENGTH))
            }
            StepError::WrongCredentials => {
                Problem::unauthenticated("The person id or password is wrong.")
            }
            StepError::Disabled => {
                Problem::forbidden("This account is disabled. Ask your administrator.")
            }
            StepError::LocalAccountsOff => Problem::forbidden(
                "Signing in with a Pledge password is switched off: sign in with your force's account (GET /sign-in/oidc).",
            ),
            StepError::SecondFactorPending => outstanding_problem(Outstanding::SecondFactor),
            StepError::TwoFactorNotSetUp => Problem::new(
                StatusCode::CONFLICT,
                "two-factor-not-set-up",
                "Two-factor is not set up",
            )
            .detail("This account has no two-factor set up; there is no code to give."),
            StepError::TwoFactorAlreadySetUp => Problem::new(
                StatusCode::CONFLICT,
                "two-factor-set-up",
                "Two-factor is already set up",
            )
            .detail("Ask an administrator to reset it if the authenticator is lost."),
            StepError::NoTwoFactorSetup => Problem::new(
                StatusCode::CONFLICT,
                "no-two-factor-setup",
                "No two-factor setup in progress",
            )
            .detail("Start with POST /api/v1/me/totp/setup."),
            StepError::WrongCode => Problem::unauthenticated("The code is wrong or has expired."),
            StepError::CodeUsed => Problem::unauthenticated(
                "This code has been used already. Wait for the next code, then try again.",
            ),
            StepError::WrongSetupCode => Problem::invalid("code", "is wrong or has expired"),
            StepError::WeakPassword(m) => Problem::invalid("new", m),
            StepError::WrongCurrentPassword => {
                Problem::invalid("current", "is not your current password")
            }
            StepError::SamePassword => {
                Problem::invalid("new", "must differ from the current password")
            }
            StepError::Throttled(wait) => throttled_problem(wait),
            StepError::Changed => {
                Problem::new(StatusCode::CONFLICT, "conflict", "The account changed")
                    .detail("An administrator changed the account meanwhile. Sign in again.")
            }
            StepError::Internal(cause) => Problem::internal(&cause),
        }
    }
}
