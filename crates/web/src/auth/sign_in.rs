//! `POST /session` (sign in), `POST /session/totp` (the second factor), `DELETE /session`
//! (sign out).

use super::extract::SessionUser;
use super::{password, session, store_problem, throttle, totp};
use crate::api::json::ApiJson;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pledge_app::AccountRole;
use pledge_store::{Account, AccountStore, Session};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Sign-in details.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    /// The person id (the sign-in name).
    pub person_id: String,
    /// The password.
    pub password: String,
}

/// A second-factor code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    /// The 6-digit code from the authenticator app.
    pub code: String,
}

/// The session after sign-in, and what must still be done before it may be used.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    /// Who signed in.
    pub person_id: String,
    /// Account roles.
    pub roles: Vec<String>,
    /// Send this in `X-CSRF-Token` on every POST, PUT, PATCH and DELETE made with the cookie.
    pub csrf_token: String,
    /// Give the two-factor code next (`POST /api/v1/session/totp`).
    pub second_factor_required: bool,
    /// An administrator without two-factor: set it up next (`POST /api/v1/me/totp/setup`).
    pub two_factor_setup_required: bool,
    /// A one-time password: change it next (`POST /api/v1/me/password`).
    pub must_change_password: bool,
}

impl SignedIn {
    pub(crate) fn of(account: &Account, session: &Session) -> Self {
        let second_factor_required = account.totp_secret.is_some() && !session.second_factor_done;
        Self {
            person_id: account.person_id.clone(),
            roles: account.roles.clone(),
            csrf_token: session.csrf_token.clone(),
            second_factor_required,
            two_factor_setup_required: account.totp_secret.is_none()
                && account
                    .roles
                    .iter()
                    .any(|r| r == AccountRole::Administrator.as_str()),
            must_change_password: account.must_change_password,
        }
    }
}

fn wrong_credentials() -> Problem {
    Problem::unauthenticated("The person id or password is wrong.")
}

/// Signs in with a person id and password. Sets the `pledge_session` cookie; the answer says
/// what is still to do (second factor, two-factor setup, password change) before the session
/// may be used elsewhere. Repeated failures for a name are refused with 429 for a while,
/// whether or not the name has an account.
#[utoipa::path(post, path = "/session", tag = "sign-in", request_body = SignInBody,
    responses(
        (status = 200, description = "Signed in", body = SignedIn,
            headers(("set-cookie" = String, description = "pledge_session, HttpOnly, SameSite=Lax"))),
        (status = 401, description = "Wrong person id or password", body = Problem),
        (status = 403, description = "The account is disabled", body = Problem),
        (status = 422, description = "A field is missing or wrong", body = Problem),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem)))]
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignInBody>,
) -> ApiResult<Response> {
    if body.person_id.is_empty() || body.person_id.chars().count() > 128 {
        return Err(Problem::invalid("person_id", "1 to 128 characters"));
    }
    if body.password.is_empty() || body.password.len() > password::MAX_LENGTH {
        return Err(Problem::invalid(
            "password",
            format!("1 to {} bytes", password::MAX_LENGTH),
        ));
    }
    throttle::check(&state, &body.person_id).await?;
    let store = state.store();
    let account = store
        .account(&body.person_id)
        .await
        .map_err(store_problem)?;
    let Some(account) = account else {
        // The same work and the same answer as a wrong password.
        password::verify_nothing(&body.password).await;
        throttle::record(&state, &body.person_id, false).await?;
        return Err(wrong_credentials());
    };
    if !password::verify(&body.password, &account.password_hash).await {
        throttle::record(&state, &body.person_id, false).await?;
        tracing::info!(person = %account.person_id, "sign-in refused: wrong password");
        return Err(wrong_credentials());
    }
    if account.disabled {
        throttle::record(&state, &body.person_id, false).await?;
        tracing::info!(person = %account.person_id, "sign-in refused: account disabled");
        return Err(Problem::forbidden(
            "This account is disabled. Ask your administrator.",
        ));
    }
    // With two-factor set up, the password alone does not reset the count of failures:
    // otherwise signing in again would give a fresh run of guesses at the code.
    if account.totp_secret.is_none() {
        throttle::record(&state, &body.person_id, true).await?;
    }
    // A session the browser still holds is replaced, not kept alongside.
    if let Some(old) = session::token_from(&headers)
        && let Some(old) = session::find(store, &old, state.now())
            .await
            .map_err(store_problem)?
    {
        store
            .delete_session(&old.id_hash)
            .await
            .map_err(store_problem)?;
    }
    let new = session::start(
        store,
        state.config(),
        &account.person_id,
        account.totp_secret.is_none(),
        state.now(),
    )
    .await
    .map_err(store_problem)?;
    tracing::info!(person = %account.person_id, "signed in");
    let body = SignedIn::of(&account, &new.session);
    Ok((
        [(
            header::SET_COOKIE,
            session::cookie(state.config(), &new.token),
        )],
        Json(body),
    )
        .into_response())
}

/// Gives the two-factor code for a session that signed in with a password.
#[utoipa::path(post, path = "/session/totp", tag = "sign-in", request_body = CodeBody,
    security(("session" = [])),
    responses(
        (status = 200, description = "Second factor given", body = SignedIn),
        (status = 401, description = "Not signed in, or the code is wrong", body = Problem),
        (status = 409, description = "Two-factor is not set up", body = Problem),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem)))]
pub async fn second_factor(
    State(state): State<AppState>,
    user: SessionUser,
    ApiJson(body): ApiJson<CodeBody>,
) -> ApiResult<Json<SignedIn>> {
    let SessionUser {
        mut session,
        account,
    } = user;
    let Some(secret) = account.totp_secret.as_deref() else {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "two-factor-not-set-up",
            "Two-factor is not set up",
        )
        .detail("This account has no two-factor set up; there is no code to give."));
    };
    if session.second_factor_done {
        return Ok(Json(SignedIn::of(&account, &session)));
    }
    throttle::check(&state, &account.person_id).await?;
    if !totp::verify(secret, &body.code, state.now()) {
        throttle::record(&state, &account.person_id, false).await?;
        tracing::info!(person = %account.person_id, "second factor refused");
        return Err(Problem::unauthenticated(
            "The code is wrong or has expired.",
        ));
    }
    throttle::record(&state, &account.person_id, true).await?;
    state
        .store()
        .complete_second_factor(&session.id_hash)
        .await
        .map_err(store_problem)?;
    session.second_factor_done = true;
    tracing::info!(person = %account.person_id, "second factor given");
    Ok(Json(SignedIn::of(&account, &session)))
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/session", tag = "sign-in", security(("session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The CSRF token is missing or wrong", body = Problem)))]
pub async fn sign_out(State(state): State<AppState>, user: SessionUser) -> ApiResult<Response> {
    state
        .store()
        .delete_session(&user.session.id_hash)
        .await
        .map_err(store_problem)?;
    tracing::info!(person = %user.account.person_id, "signed out");
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie(state.config()))],
    )
        .into_response())
}
