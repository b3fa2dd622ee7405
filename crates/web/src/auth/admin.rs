//! Administrators' routes for API tokens (`POST /tokens`, `GET /tokens`,
//! `DELETE /tokens/{name}`) and accounts (`POST /accounts`, `GET /accounts`,
//! `GET`/`PATCH /accounts/{person_id}`, `POST /accounts/{person_id}/two-factor/reset`,
//! `POST /accounts/{person_id}/unlock`). Each calls an `App` method, which asks the policy:
//! an administrator acts for their own force only, and an administrator placed in no force
//! may do nothing.

use super::CurrentActor;
use crate::api::json::ApiJson;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pledge_app::accounts::{AccountEdit, NewAccountRequest, NewTokenRequest};
use pledge_store::{Account, ApiToken};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// Unique name (`crime-system`): letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// `cases:read`, `cases:write`, `people:write`.
    pub scopes: Vec<String>,
    /// The force the system acts for.
    pub force: String,
}

/// A token just created: the only time the token itself is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTokenView {
    /// Name.
    pub name: String,
    /// The token (`pledge_...`): give it to the system now; Pledge keeps only its hash.
    pub token: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Force.
    pub force: String,
}

/// A token as listed (never the token itself).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// Name.
    pub name: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Force.
    pub force: String,
    /// Who created it.
    pub created_by: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    /// When revoked, if it has been.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<jiff::Timestamp>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        Self {
            name: t.name,
            scopes: t.scopes,
            force: t.force,
            created_by: t.created_by,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// Tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    /// By name.
    pub tokens: Vec<TokenView>,
}

/// An account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountBody {
    /// An existing person's id.
    pub person_id: String,
    /// Account roles (`staff` is always included).
    #[serde(default)]
    pub roles: Vec<String>,
}

/// An account just created, with its one-time password (shown only now).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAccountView {
    /// Person id.
    pub person_id: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Give this to the person; they must change it when they first sign in.
    pub one_time_password: String,
    /// Always true for a new account.
    pub must_change_password: bool,
}

/// An account as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    /// Person id.
    pub person_id: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Two-factor sign-in is set up.
    pub two_factor_enabled: bool,
    /// The one-time password has not been changed yet.
    pub must_change_password: bool,
    /// The account cannot sign in.
    pub disabled: bool,
    /// The edit version: send it back with a change (`PATCH`, two-factor reset).
    pub version: u64,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        Self {
            two_factor_enabled: a.totp_secret.is_some(),
            person_id: a.person_id,
            roles: a.roles,
            must_change_password: a.must_change_password,
            disabled: a.disabled,
            version: a.version,
        }
    }
}

/// A change to an account, against the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    /// The version read (`GET /accounts/{person_id}`); a stale one is refused with 409.
    pub version: u64,
    /// Disable (`true`: it cannot sign in and its sessions end) or enable (`false`) it.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// Its new roles (`staff` is always included).
    #[serde(default)]
    pub roles: Option<Vec<String>>,
}

/// The version of the account read, for a two-factor reset.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionBody {
    /// The version read; a stale one is refused with 409.
    pub version: u64,
}

/// An account unlocked.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unlocked {
    /// How many recent failed sign-ins were forgotten.
    pub failures_forgotten: u64,
}

/// Accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    /// By person id.
    pub accounts: Vec<AccountView>,
}

/// Creates an API token for a force system. The token is in this answer and nowhere else.
#[utoipa::path(post, path = "/tokens", tag = "sign-in", operation_id = "create_token", request_body = TokenBody,
    security(("session" = [])),
    responses((status = 201, description = "Created", body = CreatedTokenView),
              (status = 403, description = "Not an administrator of that force", body = Problem),
              (status = 409, description = "The name is taken", body = Problem),
              (status = 422, description = "A field is wrong", body = Problem)))]
pub async fn create_token_route(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<TokenBody>,
) -> ApiResult<(StatusCode, Json<CreatedTokenView>)> {
    let created = state
        .app()
        .create_token_as(
            &actor,
            NewTokenRequest {
                name: body.name,
                scopes: body.scopes,
                force: body.force,
            },
            state.now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenView {
            name: created.stored.name,
            token: created.token,
            scopes: created.stored.scopes,
            force: created.stored.force,
        }),
    ))
}

/// API tokens of the administrator's force (never the tokens themselves).
#[utoipa::path(get, path = "/tokens", tag = "sign-in", security(("session" = [])),
    responses((status = 200, description = "Tokens", body = TokenList),
              (status = 403, description = "Not an administrator of a force", body = Problem)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<TokenList>> {
    let tokens = state.app().tokens_visible(&actor).await?;
    Ok(Json(TokenList {
        tokens: tokens.into_iter().map(TokenView::from).collect(),
    }))
}

/// Revokes an API token: requests with it are refused from now on.
#[utoipa::path(delete, path = "/tokens/{name}", tag = "sign-in", operation_id = "revoke_token", security(("session" = [])),
    params(("name" = String, Path, description = "The token's name")),
    responses((status = 204, description = "Revoked"),
              (status = 403, description = "Not an administrator of a force", body = Problem),
              (status = 404, description = "No such live token in your force", body = Problem)))]
pub async fn revoke_token_route(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .app()
        .revoke_token_as(&actor, &name, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates an account for an existing person, with a one-time password shown once.
#[utoipa::path(post, path = "/accounts", tag = "sign-in", operation_id = "create_account", request_body = AccountBody,
    security(("session" = [])),
    responses((status = 201, description = "Created", body = CreatedAccountView),
              (status = 403, description = "Not an administrator of a force", body = Problem),
              (status = 409, description = "The person already has an account", body = Problem),
              (status = 422, description = "A field is wrong (no such person in your force, unknown role)", body = Problem)))]
pub async fn create_account_route(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<AccountBody>,
) -> ApiResult<(StatusCode, Json<CreatedAccountView>)> {
    let created = state
        .app()
        .create_account_as(
            &actor,
            NewAccountRequest {
                person_id: body.person_id,
                roles: body.roles,
            },
            state.now(),
        )
        .await?;
    let one_time_password = created.one_time_password.ok_or_else(|| {
        Problem::internal("a new account without a chosen password has no one-time password")
    })?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccountView {
            person_id: created.account.person_id,
            roles: created.account.roles,
            one_time_password,
            must_change_password: created.account.must_change_password,
        }),
    ))
}

/// Accounts of people in the administrator's force.
#[utoipa::path(get, path = "/accounts", tag = "sign-in", security(("session" = [])),
    responses((status = 200, description = "Accounts", body = AccountList),
              (status = 403, description = "Not an administrator of a force", body = Problem)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<AccountList>> {
    let accounts = state.app().accounts_visible(&actor).await?;
    Ok(Json(AccountList {
        accounts: accounts.into_iter().map(AccountView::from).collect(),
    }))
}

/// One account of a person in the administrator's force, with its edit version.
#[utoipa::path(get, path = "/accounts/{person_id}", tag = "sign-in", operation_id = "read_account",
    security(("session" = [])),
    params(("person_id" = String, Path, description = "The person's id")),
    responses((status = 200, description = "The account", body = AccountView),
              (status = 403, description = "Not an administrator of a force", body = Problem),
              (status = 404, description = "No such account in your force", body = Problem)))]
pub async fn read_account(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(person_id): Path<String>,
) -> ApiResult<Json<AccountView>> {
    let account = state.app().account_as(&actor, &person_id).await?;
    Ok(Json(account.into()))
}

/// Disables or enables an account, or changes its roles, against the version read.
/// Disabling ends its sessions at once. An administrator may not disable their own account or
/// change their own roles.
#[utoipa::path(patch, path = "/accounts/{person_id}", tag = "sign-in", operation_id = "edit_account",
    request_body = AccountPatch, security(("session" = [])),
    params(("person_id" = String, Path, description = "The person's id")),
    responses((status = 200, description = "The account as changed (with its new version)", body = AccountView),
              (status = 403, description = "Not an administrator of a force, or your own account", body = Problem),
              (status = 404, description = "No such account in your force", body = Problem),
              (status = 409, description = "The account changed since that version", body = Problem),
              (status = 422, description = "A field is wrong", body = Problem)))]
pub async fn edit_account(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(person_id): Path<String>,
    ApiJson(body): ApiJson<AccountPatch>,
) -> ApiResult<Json<AccountView>> {
    let account = state
        .app()
        .edit_account(
            &actor,
            &person_id,
            AccountEdit {
                version: body.version,
                disabled: body.disabled,
                roles: body.roles,
            },
            state.now(),
        )
        .await?;
    Ok(Json(account.into()))
}

/// Removes an account's two-factor set-up (a lost authenticator), against the version read.
/// Its sessions end; an administrator must set two-factor up again at the next sign-in.
#[utoipa::path(post, path = "/accounts/{person_id}/two-factor/reset", tag = "sign-in",
    operation_id = "reset_two_factor", request_body = VersionBody, security(("session" = [])),
    params(("person_id" = String, Path, description = "The person's id")),
    responses((status = 200, description = "The account as changed (with its new version)", body = AccountView),
              (status = 403, description = "Not an administrator of a force, or your own account", body = Problem),
              (status = 404, description = "No such account in your force", body = Problem),
              (status = 409, description = "The account changed since that version", body = Problem)))]
pub async fn reset_two_factor(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(person_id): Path<String>,
    ApiJson(body): ApiJson<VersionBody>,
) -> ApiResult<Json<AccountView>> {
    let account = state
        .app()
        .reset_two_factor(&actor, &person_id, body.version, state.now())
        .await?;
    Ok(Json(account.into()))
}

/// Unlocks an account: its recent failed sign-ins (from every address) are forgotten, so it
/// may be tried again at once.
#[utoipa::path(post, path = "/accounts/{person_id}/unlock", tag = "sign-in", operation_id = "unlock_account",
    security(("session" = [])),
    params(("person_id" = String, Path, description = "The person's id")),
    responses((status = 200, description = "Unlocked", body = Unlocked),
              (status = 403, description = "Not an administrator of a force", body = Problem),
              (status = 404, description = "No such account in your force", body = Problem)))]
pub async fn unlock(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(person_id): Path<String>,
) -> ApiResult<Json<Unlocked>> {
    let failures_forgotten = state
        .app()
        .unlock_account(&actor, &person_id, state.now())
        .await?;
    Ok(Json(Unlocked { failures_forgotten }))
}
