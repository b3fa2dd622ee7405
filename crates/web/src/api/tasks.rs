//! Work lists: my tasks, and overdue work in my area.

use crate::api::json::ApiQuery;
use crate::auth::CurrentActor;
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

/// The open obligations I own across cases, most urgent first.
#[utoipa::path(get, path = "/tasks", tag = "tasks",
    responses((status = 200, description = "My tasks", body = Object),
              (status = 401, body = crate::problem::Problem)))]
pub async fn mine(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<Value>> {
    let tasks = state.app().my_tasks(&actor, state.now()).await?;
    Ok(Json(serde_json::json!({ "tasks": tasks })))
}

/// Area filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Area {
    /// Only this unit (the whole force otherwise).
    unit: Option<String>,
}

/// Overdue obligations in the caller's force (or a unit of it), oldest due first: for
/// inspectors, senior leaders and the force lead.
#[utoipa::path(get, path = "/overdue", tag = "tasks", params(Area),
    responses((status = 200, description = "Overdue obligations", body = Object),
              (status = 403, body = crate::problem::Problem)))]
pub async fn overdue(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(area): ApiQuery<Area>,
) -> ApiResult<Json<Value>> {
    let tasks = state
        .app()
        .overdue(&actor, area.unit.as_deref(), state.now())
        .await?;
    Ok(Json(serde_json::json!({ "overdue": tasks })))
}
