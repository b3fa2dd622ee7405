//! People and units: the organisation data plans need (who supervises whom, the chain of
//! command). Read by those who assign work; maintained by administrators and HR systems.

use crate::api::cases::PathParams;
use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pledge_store::{Person, Unit};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A person as sent to Pledge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonBody {
    /// Name.
    name: String,
    /// Email for notifications.
    email: Option<String>,
    /// Workforce role (`officer`, `special`, `pcso`, `volunteer`, `staff`).
    workforce_role: Option<String>,
    /// Unit id.
    unit: Option<String>,
    /// Line manager's person id.
    line_manager: Option<String>,
    /// `federation`, `unison` or `unite`.
    staff_association: Option<String>,
}

/// A unit as sent to Pledge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitBody {
    /// Name.
    name: String,
    /// The unit above it in the chain of command.
    parent: Option<String>,
}

/// People in the caller's force.
#[utoipa::path(get, path = "/people", tag = "organisation",
    responses((status = 200, description = "People", body = Object), (status = 403, body = Problem)))]
pub async fn people(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<Value>> {
    let people = state.app().people_of_force(&actor, state.now()).await?;
    Ok(Json(serde_json::json!({ "people": people })))
}

/// Adds or changes a person.
#[utoipa::path(put, path = "/people/{person_id}", tag = "organisation",
    params(("person_id" = String, Path)), request_body = PersonBody,
    responses((status = 204, description = "Saved"), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn put_person(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
    ApiJson(b): ApiJson<PersonBody>,
) -> ApiResult<StatusCode> {
    let person = Person {
        id,
        name: b.name,
        email: b.email,
        workforce_role: b.workforce_role,
        unit: b.unit,
        line_manager: b.line_manager,
        staff_association: b.staff_association,
    };
    state
        .app()
        .save_person(&actor, person, state.now())
        .await
        .map_err(Problem::from)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Units of the caller's force, with the chain of command.
#[utoipa::path(get, path = "/units", tag = "organisation",
    responses((status = 200, description = "Units", body = Object), (status = 401, body = Problem)))]
pub async fn units(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<Value>> {
    let units = state.app().units_of_force(&actor).await?;
    Ok(Json(serde_json::json!({ "units": units })))
}

/// Adds or changes a unit of the caller's force.
#[utoipa::path(put, path = "/units/{unit_id}", tag = "organisation",
    params(("unit_id" = String, Path)), request_body = UnitBody,
    responses((status = 204, description = "Saved"), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn put_unit(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
    ApiJson(b): ApiJson<UnitBody>,
) -> ApiResult<StatusCode> {
    let force = actor.force().unwrap_or_default().to_owned();
    let unit = Unit {
        id,
        name: b.name,
        force,
        parent: b.parent,
    };
    state.app().save_unit(&actor, unit).await?;
    Ok(StatusCode::NO_CONTENT)
}
