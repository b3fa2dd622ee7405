//! Units' recurring meeting schedules: `GET /meeting-schedules` (those of the units of your
//! force), `PUT` and `DELETE /units/{unit_id}/meeting-schedules/{calendar}`. Every decision is
//! the app's (`App::set_meeting_schedule` and friends: the policy, the calendar, the unit and
//! the schedule's words).

use crate::api::cases::PathParams;
use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pledge_store::MeetingSchedule;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A unit's recurring meeting on one calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingScheduleView {
    /// The calendar (`trm`).
    calendar: String,
    /// The unit's id.
    unit: String,
    /// The schedule, e.g. "every Tuesday at 10:00 from 2026-01-06 until 2026-12-31 except
    /// 2026-12-29" (UK time).
    schedule: String,
    /// Who set it.
    set_by: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    set_at: jiff::Timestamp,
}

impl From<MeetingSchedule> for MeetingScheduleView {
    fn from(s: MeetingSchedule) -> Self {
        Self {
            calendar: s.calendar,
            unit: s.unit,
            schedule: s.schedule,
            set_by: s.set_by,
            set_at: s.set_at,
        }
    }
}

/// The recurring meeting schedules of the units of your force (administrators).
#[utoipa::path(get, path = "/meeting-schedules", tag = "organisation",
    operation_id = "meeting_schedules",
    responses((status = 200, description = "By calendar, then unit", body = [MeetingScheduleView]),
              (status = 403, description = "You may not see the meeting calendars", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<Vec<MeetingScheduleView>>> {
    let all = state.app().meeting_schedules(&actor).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// A recurring schedule to set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingScheduleRequest {
    /// "every Tuesday at 10:00 from 2026-01-06 [until 2026-12-31] [except 2026-12-29,
    /// 2027-01-05]", UK time.
    #[schema(min_length = 1, max_length = 4000)]
    schedule: String,
}

/// Sets (or replaces) a unit's recurring meeting on a calendar. Its coming meetings replace
/// those the unit's earlier schedule gave; meetings already held, and dates added by hand,
/// stay. Deadlines that run to the unit's next meeting read them.
#[utoipa::path(put, path = "/units/{unit_id}/meeting-schedules/{calendar}", tag = "organisation",
    operation_id = "set_meeting_schedule",
    params(("unit_id" = String, Path, description = "The unit's id"),
           ("calendar" = String, Path, description = "The calendar (`trm`)")),
    request_body = MeetingScheduleRequest,
    responses((status = 200, description = "Set", body = MeetingScheduleView),
              (status = 403, description = "You may not maintain meeting calendars", body = Problem),
              (status = 422, description = "An unknown calendar, a unit not of your force, or a schedule that does not read", body = Problem)))]
pub async fn set(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams((unit, calendar)): PathParams<(String, String)>,
    ApiJson(body): ApiJson<MeetingScheduleRequest>,
) -> ApiResult<Json<MeetingScheduleView>> {
    let s = state
        .app()
        .set_meeting_schedule(&actor, &calendar, &unit, &body.schedule, state.now())
        .await?;
    Ok(Json(s.into()))
}

/// Clears a unit's recurring meeting on a calendar and the coming meetings it gave.
#[utoipa::path(delete, path = "/units/{unit_id}/meeting-schedules/{calendar}", tag = "organisation",
    operation_id = "clear_meeting_schedule",
    params(("unit_id" = String, Path, description = "The unit's id"),
           ("calendar" = String, Path, description = "The calendar (`trm`)")),
    responses((status = 204, description = "Cleared"),
              (status = 403, description = "You may not maintain meeting calendars", body = Problem),
              (status = 404, description = "The unit has no schedule on that calendar", body = Problem),
              (status = 422, description = "An unknown calendar or a unit not of your force", body = Problem)))]
pub async fn clear(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams((unit, calendar)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    state
        .app()
        .clear_meeting_schedule(&actor, &calendar, &unit, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
