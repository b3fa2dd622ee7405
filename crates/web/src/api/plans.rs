//! Plans: the built-in plans and their versions, point by point.

use crate::api::cases::{PathParams, to_json};
use crate::api::json::ApiQuery;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// A plan in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanEntry {
    /// Plan id.
    id: String,
    /// Version.
    version: u32,
    /// Title.
    title: String,
    /// Whether new cases open under it.
    in_force: bool,
}

/// Every plan version your force may use (built in, and your force's own versions), and
/// which one new cases open under now.
#[utoipa::path(get, path = "/plans", tag = "plans",
    responses((status = 200, description = "Plans", body = Vec<PlanEntry>),
              (status = 403, description = "An actor without a force", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<Vec<PlanEntry>>> {
    let force = actor
        .force()
        .ok_or_else(|| Problem::forbidden("You belong to no force."))?;
    let (plans, in_force) = state.app().plans_of_force(force, state.now()).await?;
    Ok(Json(
        plans
            .iter()
            .map(|p| PlanEntry {
                id: p.id.clone(),
                version: p.version,
                title: p.title.clone(),
                in_force: p.id == in_force.id && p.version == in_force.version,
            })
            .collect(),
    ))
}

/// Which version.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Version {
    /// A version, 1 to 1,000,000 (the latest by default).
    #[param(minimum = 1, maximum = 1_000_000)]
    version: Option<u32>,
}

/// A plan: its points, obligations (owner, condition, clock, deadline, escalation) and rules.
#[utoipa::path(get, path = "/plans/{plan_id}", tag = "plans", params(("plan_id" = String, Path), Version),
    responses((status = 200, description = "The plan", body = Object), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
    ApiQuery(v): ApiQuery<Version>,
) -> ApiResult<Json<Value>> {
    if let Some(version) = v.version
        && !(1..=1_000_000).contains(&version)
    {
        return Err(Problem::invalid("version", "expected 1 to 1000000"));
    }
    let force = actor.force().ok_or_else(Problem::not_found)?;
    // Another force's own plan is not there for this caller, as if it did not exist.
    let (plans, _) = state.app().plans_of_force(force, state.now()).await?;
    let plan = plans
        .iter()
        .filter(|p| p.id == id && v.version.is_none_or(|version| p.version == version))
        .max_by_key(|p| p.version)
        .ok_or_else(Problem::not_found)?;
    Ok(Json(to_json(plan.as_ref())?))
}
