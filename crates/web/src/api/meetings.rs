//! `DELETE /units/{unit}/meetings/{date}`: removes a unit's coming meeting date, through
//! `App::remove_meeting` (which asks the policy and checks the date).

use crate::api::cases::PathParams;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

/// Which calendar.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RemoveQuery {
    /// The calendar (`trm`); without it the date is removed from every calendar that has it.
    calendar: Option<String>,
}

/// Removes a coming meeting date of a unit of your force.
#[utoipa::path(delete, path = "/units/{unit}/meetings/{date}", tag = "organisation",
    operation_id = "remove_meeting", security(("session" = []), ("token" = [])),
    params(
        ("unit" = String, Path, description = "The unit's id"),
        ("date" = String, Path, description = "When the meeting is, RFC 3339 (`2026-12-01T10:00:00Z`)"),
        RemoveQuery),
    responses((status = 204, description = "Removed"),
              (status = 403, description = "You may not maintain meeting calendars", body = Problem),
              (status = 404, description = "No such meeting of a unit of your force", body = Problem),
              (status = 422, description = "A field is wrong (a date already past, an unknown calendar)", body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams((unit, date)): PathParams<(String, String)>,
    RawQuery(query): RawQuery,
) -> ApiResult<StatusCode> {
    let q: RemoveQuery = serde_urlencoded::from_str(query.as_deref().unwrap_or(""))
        .map_err(|e| Problem::invalid("calendar", e.to_string()))?;
    let at: jiff::Timestamp = date
        .parse()
        .map_err(|_| Problem::invalid("date", "an RFC 3339 time, e.g. 2026-12-01T10:00:00Z"))?;
    state
        .app()
        .remove_meeting(&actor, &unit, at, q.calendar.as_deref(), state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
