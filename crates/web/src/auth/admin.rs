//! Administrators' sign-in routes: API tokens (`POST /tokens`, `GET /tokens`,
//! `DELETE /tokens/{name}`) and accounts (`POST /accounts`, `GET /accounts`). An
//! administrator whose person record places them in a force acts for that force only.

use super::accounts::{NewAccount, create_account};
use super::token::{NewToken, create_token, revoke_token};
use super::{CurrentActor, store_problem};
use crate::api::json::ApiJson;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pledge_app::{AccountRole, Actor};
use pledge_store::{AccountStore, ApiToken, Store};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
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
}

/// Accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    /// By person id.
    pub accounts: Vec<AccountView>,
}

/// The administrator's id and force (None: not placed in a force, so not limited to one).
fn administrator(actor: &Actor) -> Option<(String, Option<String>)> {
    match actor {
        Actor::Person { id, force, .. } if actor.has(AccountRole::Administrator) => {
            Some((id.clone(), force.clone()))
        }
        _ => None,
    }
}

fn not_administrator() -> Problem {
    Problem::forbidden("Only administrators may do this.")
}

/// Person id → force, through each person's unit.
async fn forces_of_people(state: &AppState) -> Result<HashMap<String, String>, Problem> {
    let store = state.store();
    let units: HashMap<String, String> = store
        .units()
        .await
        .map_err(store_problem)?
        .into_iter()
        .map(|u| (u.id, u.force))
        .collect();
    Ok(store
        .people()
        .await
        .map_err(store_problem)?
        .into_iter()
        .filter_map(|p| {
            let force = units.get(p.unit.as_deref()?)?.clone();
            Some((p.id, force))
        })
        .collect())
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
    let (admin, admin_force) = administrator(&actor).ok_or_else(not_administrator)?;
    if let Some(f) = admin_force.filter(|f| *f != body.force.trim()) {
        return Err(Problem::forbidden(format!(
            "You may create tokens for your own force ({f}) only."
        )));
    }
    let created = create_token(
        state.store(),
        NewToken {
            name: body.name,
            scopes: body.scopes,
            force: body.force,
            created_by: admin,
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
              (status = 403, description = "Not an administrator", body = Problem)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<TokenList>> {
    let (_, force) = administrator(&actor).ok_or_else(not_administrator)?;
    let tokens = state
        .store()
        .tokens()
        .await
        .map_err(store_problem)?
        .into_iter()
        .filter(|t| force.as_ref().is_none_or(|f| *f == t.force))
        .map(TokenView::from)
        .collect();
    Ok(Json(TokenList { tokens }))
}

/// Revokes an API token: requests with it are refused from now on.
#[utoipa::path(delete, path = "/tokens/{name}", tag = "sign-in", operation_id = "revoke_token", security(("session" = [])),
    params(("name" = String, Path, description = "The token's name")),
    responses((status = 204, description = "Revoked"),
              (status = 403, description = "Not an administrator", body = Problem),
              (status = 404, description = "No such live token", body = Problem)))]
pub async fn revoke_token_route(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let (admin, force) = administrator(&actor).ok_or_else(not_administrator)?;
    let store = state.store();
    let ours = store
        .tokens()
        .await
        .map_err(store_problem)?
        .into_iter()
        .any(|t| t.name == name && force.as_ref().is_none_or(|f| *f == t.force));
    if !ours || !revoke_token(store, &name, &admin, state.now()).await? {
        return Err(Problem::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Creates an account for an existing person, with a one-time password shown once.
#[utoipa::path(post, path = "/accounts", tag = "sign-in", operation_id = "create_account", request_body = AccountBody,
    security(("session" = [])),
    responses((status = 201, description = "Created", body = CreatedAccountView),
              (status = 403, description = "Not an administrator of the person's force", body = Problem),
              (status = 409, description = "The person already has an account", body = Problem),
              (status = 422, description = "A field is wrong (no such person, unknown role)", body = Problem)))]
pub async fn create_account_route(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<AccountBody>,
) -> ApiResult<(StatusCode, Json<CreatedAccountView>)> {
    let (admin, force) = administrator(&actor).ok_or_else(not_administrator)?;
    if let Some(force) = force {
        let forces = forces_of_people(&state).await?;
        // A person not in the administrator's force is reported as unknown, as elsewhere.
        if forces.get(&body.person_id) != Some(&force) {
            return Err(Problem::invalid(
                "person_id",
                format!("there is no person {} in your force", body.person_id),
            ));
        }
    }
    let created = create_account(
        state.store(),
        NewAccount {
            person_id: body.person_id,
            roles: body.roles,
            password: None,
            created_by: admin,
        },
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
              (status = 403, description = "Not an administrator", body = Problem)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<AccountList>> {
    let (_, force) = administrator(&actor).ok_or_else(not_administrator)?;
    let forces = match force {
        Some(_) => Some(forces_of_people(&state).await?),
        None => None,
    };
    let accounts = state
        .store()
        .accounts()
        .await
        .map_err(store_problem)?
        .into_iter()
        .filter(|a| match (&forces, &force) {
            (Some(forces), Some(f)) => forces.get(&a.person_id) == Some(f),
            _ => true,
        })
        .map(|a| AccountView {
            two_factor_enabled: a.totp_secret.is_some(),
            person_id: a.person_id,
            roles: a.roles,
            must_change_password: a.must_change_password,
            disabled: a.disabled,
        })
        .collect();
    Ok(Json(AccountList { accounts }))
}
