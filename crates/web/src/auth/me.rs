//! The signed-in person's own account: `GET /me`, `POST /me/password`, and two-factor setup
//! (`POST /me/totp/setup`, then `POST /me/totp/confirm` with the first code).

use super::client::ClientAddress;
use super::extract::ApiSession;
use super::{context, store_problem};
use crate::api::json::ApiJson;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pledge_app::accounts::{flow, totp};
use pledge_store::Store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The signed-in person.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Person id.
    pub person_id: String,
    /// Name, from the person record.
    pub name: Option<String>,
    /// Account roles.
    pub roles: Vec<String>,
    /// Their unit.
    pub unit: Option<String>,
    /// Their unit's force.
    pub force: Option<String>,
    /// Two-factor sign-in is set up.
    pub two_factor_enabled: bool,
    /// The code is still to be given in this session.
    pub second_factor_required: bool,
    /// An administrator without two-factor: set it up next.
    pub two_factor_setup_required: bool,
    /// A one-time password: change it next.
    pub must_change_password: bool,
    /// The session's CSRF token (for `X-CSRF-Token`).
    pub csrf_token: String,
    /// When the session ends, whatever its use.
    #[schema(value_type = String, format = DateTime)]
    pub session_expires_at: jiff::Timestamp,
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    /// The current password.
    pub current: String,
    /// The new password: at least 12 characters.
    pub new: String,
}

/// A two-factor secret to enter into an authenticator app.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpSetup {
    /// Base32 secret (for typing in).
    pub secret: String,
    /// `otpauth://` URL (for a QR code).
    pub otpauth_url: String,
}

/// A code from the authenticator app.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// The 6-digit code.
    pub code: String,
}

/// The signed-in person, their session and what is still to do.
#[utoipa::path(get, path = "/me", tag = "sign-in", security(("session" = [])),
    responses((status = 200, description = "The signed-in person", body = Me),
              (status = 401, description = "Not signed in", body = Problem),
              (status = 403, description = "API tokens have no account", body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    ApiSession(user): ApiSession,
) -> ApiResult<Json<Me>> {
    let person = state
        .store()
        .person(&user.account.person_id)
        .await
        .map_err(store_problem)?;
    let actor = user.actor(state.store()).await.map_err(store_problem)?;
    let (unit, force) = match &actor {
        pledge_app::Actor::Person { unit, force, .. } => (unit.clone(), force.clone()),
        pledge_app::Actor::System { force, .. } => (None, force.clone()),
    };
    let signed_in = super::sign_in::SignedIn::of(&user.account, &user.session);
    Ok(Json(Me {
        person_id: user.account.person_id.clone(),
        name: person.map(|p| p.name),
        roles: user.account.roles.clone(),
        unit,
        force,
        two_factor_enabled: user.account.totp_secret.is_some(),
        second_factor_required: signed_in.second_factor_required,
        two_factor_setup_required: signed_in.two_factor_setup_required,
        must_change_password: user.account.must_change_password,
        csrf_token: user.session.csrf_token.clone(),
        session_expires_at: user.session.expires_at,
    }))
}

/// Changes the password. Ends the person's other sessions; this one stays signed in.
#[utoipa::path(post, path = "/me/password", tag = "sign-in", request_body = PasswordBody,
    security(("session" = [])),
    responses((status = 204, description = "Changed"),
              (status = 401, description = "Not signed in (or the second factor is outstanding)", body = Problem),
              (status = 422, description = "The current password is wrong, or the new one too short", body = Problem),
              (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiSession(user): ApiSession,
    ApiJson(body): ApiJson<PasswordBody>,
) -> ApiResult<StatusCode> {
    let cx = context(&state, &address);
    flow::change_password(&cx, &user, &body.current, &body.new).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts setting up two-factor sign-in: a new secret for the authenticator app. It takes
/// effect once a code from it is confirmed (`POST /me/totp/confirm`).
#[utoipa::path(post, path = "/me/totp/setup", tag = "sign-in", security(("session" = [])),
    responses((status = 200, description = "The secret, shown once", body = TotpSetup),
              (status = 401, description = "Not signed in (or the second factor is outstanding)", body = Problem),
              (status = 409, description = "Two-factor is already set up", body = Problem)))]
pub async fn totp_setup(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiSession(user): ApiSession,
) -> ApiResult<Json<TotpSetup>> {
    let secret = flow::start_totp(&context(&state, &address), &user).await?;
    let otpauth_url = totp::otpauth_url(&secret, &user.account.person_id);
    Ok(Json(TotpSetup {
        secret,
        otpauth_url,
    }))
}

/// Confirms two-factor setup with the first code from the authenticator app. From then on
/// every sign-in needs a code; the person's other sessions are ended.
#[utoipa::path(post, path = "/me/totp/confirm", tag = "sign-in", request_body = ConfirmBody,
    security(("session" = [])),
    responses((status = 204, description = "Two-factor is set up"),
              (status = 401, description = "Not signed in", body = Problem),
              (status = 409, description = "No setup was started in this session", body = Problem),
              (status = 422, description = "The code is wrong", body = Problem),
              (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem)))]
pub async fn totp_confirm(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiSession(user): ApiSession,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> ApiResult<StatusCode> {
    flow::confirm_totp(&context(&state, &address), &user, &body.code).await?;
    Ok(StatusCode::NO_CONTENT)
}
