//! People and units: the organisation data plans need (who supervises whom, the chain of
//! command). Read by those who assign work; maintained by administrators and HR systems.

use crate::api::cases::PathParams;
use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pledge_store::{Person, Unit};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A person as sent to Pledge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonBody {
    /// Name: 1 to 200 characters, not only spaces.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
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
    /// Name: 1 to 200 characters, not only spaces.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    name: String,
    /// The unit above it in the chain of command.
    parent: Option<String>,
}

/// The `If-Match` header of an edit: the version (ETag) the caller read. Without it, an edit
/// applies whatever the current version (as for an HR system's full upload).
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(v) = parts.headers.get(header::IF_MATCH) else {
            return Ok(Self(None));
        };
        v.to_str()
            .ok()
            .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|s| s.parse::<u64>().ok())
            .map(|v| Self(Some(v)))
            .ok_or_else(|| Problem::invalid("If-Match", "the version (ETag) you read, e.g. \"3\""))
    }
}

/// A version as an `ETag` header.
fn etag(version: u64) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        h.insert(header::ETAG, v);
    }
    h
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

/// One person of the caller's force, with its version (also as `ETag`).
#[utoipa::path(get, path = "/people/{person_id}", tag = "organisation",
    params(("person_id" = String, Path)),
    responses((status = 200, description = "The person", body = Object),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn person(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
) -> ApiResult<Response> {
    let (person, version) = state
        .app()
        .person_of_force(&actor, &id, state.now())
        .await?;
    let body = serde_json::json!({ "person": person, "version": version });
    Ok((etag(version), Json(body)).into_response())
}

/// Adds or changes a person of the caller's force. With `If-Match`, only if the person is
/// still at that version (409 otherwise).
#[utoipa::path(put, path = "/people/{person_id}", tag = "organisation",
    params(("person_id" = String, Path),
           ("If-Match" = Option<String>, Header, description = "The version (ETag) you read")),
    request_body = PersonBody,
    responses((status = 204, description = "Saved; the new version is the ETag"),
              (status = 403, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn put_person(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
    IfMatch(expected): IfMatch,
    ApiJson(b): ApiJson<PersonBody>,
) -> ApiResult<Response> {
    let person = Person {
        id,
        name: b.name,
        email: b.email,
        workforce_role: b.workforce_role,
        unit: b.unit,
        line_manager: b.line_manager,
        staff_association: b.staff_association,
    };
    let version = state
        .app()
        .save_person(&actor, person, expected, state.now())
        .await
        .map_err(Problem::from)?;
    Ok((StatusCode::NO_CONTENT, etag(version)).into_response())
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

/// One unit of the caller's force, with its version (also as `ETag`).
#[utoipa::path(get, path = "/units/{unit_id}", tag = "organisation",
    params(("unit_id" = String, Path)),
    responses((status = 200, description = "The unit", body = Object),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn unit(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
) -> ApiResult<Response> {
    let (unit, version) = state.app().unit_of_force(&actor, &id).await?;
    let body = serde_json::json!({ "unit": unit, "version": version });
    Ok((etag(version), Json(body)).into_response())
}

/// Adds or changes a unit of the caller's force. A unit id used by another force is refused;
/// with `If-Match`, only if the unit is still at that version (409 otherwise).
#[utoipa::path(put, path = "/units/{unit_id}", tag = "organisation",
    params(("unit_id" = String, Path),
           ("If-Match" = Option<String>, Header, description = "The version (ETag) you read")),
    request_body = UnitBody,
    responses((status = 204, description = "Saved; the new version is the ETag"),
              (status = 403, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn put_unit(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
    IfMatch(expected): IfMatch,
    ApiJson(b): ApiJson<UnitBody>,
) -> ApiResult<Response> {
    // The unit is of the caller's force; a caller with no force is refused by the policy.
    let force = actor.force().unwrap_or_default().to_owned();
    let unit = Unit {
        id,
        name: b.name,
        force,
        parent: b.parent,
    };
    let version = state.app().save_unit(&actor, unit, expected).await?;
    Ok((StatusCode::NO_CONTENT, etag(version)).into_response())
}
