//! `POST /session` (sign in), `POST /session/totp` (the second factor), `DELETE /session`
//! (sign out).

use super::client::ClientAddress;
use super::extract::ApiSession;
use super::{context, login_csrf, session};
use crate::api::json::ApiJson;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pledge_app::accounts::flow;
use pledge_app::accounts::session::is_administrator;
use pledge_store::{Account, Session};
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
            two_factor_setup_required: account.totp_secret.is_none() && is_administrator(account),
            must_change_password: account.must_change_password,
        }
    }
}

/// Signs in with a person id and password. Sets the `pledge_session` cookie; the answer says
/// what is still to do (second factor, two-factor setup, password change) before the session
/// may be used elsewhere. Repeated failures are refused with 429 and `Retry-After`, counted
/// per name and client address with a wait that doubles (never a hard lock), whether or not
/// the name has an account. A browser request from another site is refused (login CSRF).
#[utoipa::path(post, path = "/session", tag = "sign-in", request_body = SignInBody,
    responses(
        (status = 200, description = "Signed in", body = SignedIn,
            headers(("set-cookie" = String, description = "pledge_session, HttpOnly, SameSite=Lax"))),
        (status = 401, description = "Wrong person id or password", body = Problem),
        (status = 403, description = "The account is disabled, password sign-in is switched off (`--local-accounts off`), or the request comes from another site", body = Problem),
        (status = 422, description = "A field is missing or wrong", body = Problem),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignInBody>,
) -> ApiResult<Response> {
    if !login_csrf::same_site(&headers) {
        tracing::warn!(address = %address, "sign-in refused: the request came from another site");
        return Err(Problem::forbidden(
            "Sign in from Pledge itself: this request came from another site.",
        ));
    }
    let old = session::token_from(&headers);
    let cx = context(&state, &address);
    let signed_in = flow::sign_in(&cx, old.as_deref(), &body.person_id, &body.password).await?;
    let body = SignedIn::of(&signed_in.account, &signed_in.new.session);
    let cookie = session::cookie(state.config(), &signed_in.new.token);
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Gives the two-factor code for a session that signed in with a password.
#[utoipa::path(post, path = "/session/totp", tag = "sign-in", request_body = CodeBody,
    security(("session" = [])),
    responses(
        (status = 200, description = "Second factor given", body = SignedIn),
        (status = 401, description = "Not signed in, or the code is wrong or already used", body = Problem),
        (status = 409, description = "Two-factor is not set up", body = Problem),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem)))]
pub async fn second_factor(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiSession(user): ApiSession,
    ApiJson(body): ApiJson<CodeBody>,
) -> ApiResult<Json<SignedIn>> {
    let user = flow::second_factor(&context(&state, &address), &user, &body.code).await?;
    Ok(Json(SignedIn::of(&user.account, &user.session)))
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/session", tag = "sign-in", security(("session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The CSRF token is missing or wrong", body = Problem)))]
pub async fn sign_out(
    State(state): State<AppState>,
    ApiSession(user): ApiSession,
) -> ApiResult<Response> {
    flow::sign_out(state.store(), &user).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie(state.config()))],
    )
        .into_response())
}
