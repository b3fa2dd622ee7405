//! The on-call rota: `GET /on-call`, `POST /on-call`, `POST /on-call/import` (CSV),
//! `DELETE /on-call/{id}`. Every decision is the app's (`pledge_app::on_call`).

use crate::api::cases::PathParams;
use crate::api::json::{ApiJson, ApiQuery};
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, FieldProblem, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use jiff::Timestamp;
use pledge_app::on_call::NewShift;
use pledge_store::OnCallShift;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A shift on the rota.
#[derive(Debug, Serialize, ToSchema)]
pub struct Shift {
    /// Its id.
    id: i64,
    /// The role (`force_incident_manager`, `on_call_chief_officer`, `senior_duty_officer`, ...).
    role: String,
    /// Who is on call (person id).
    person: String,
    /// From (inclusive).
    #[schema(value_type = String, format = DateTime)]
    starts_at: Timestamp,
    /// Until (exclusive).
    #[schema(value_type = String, format = DateTime)]
    ends_at: Timestamp,
    /// Who put it on the rota.
    recorded_by: String,
}

impl From<OnCallShift> for Shift {
    fn from(s: OnCallShift) -> Self {
        Self {
            id: s.id,
            role: s.role,
            person: s.person,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            recorded_by: s.recorded_by,
        }
    }
}

/// The period to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// From (RFC 3339; now by default).
    #[param(value_type = Option<String>, format = DateTime)]
    from: Option<Timestamp>,
    /// Until (RFC 3339; a week after `from` by default; at most 92 days after it).
    #[param(value_type = Option<String>, format = DateTime)]
    to: Option<Timestamp>,
}

/// The force's on-call rota for a period (supervisors and above; an HR system).
#[utoipa::path(get, path = "/on-call", tag = "organisation", operation_id = "on_call_rota",
    params(Period),
    responses((status = 200, description = "Shifts overlapping the period, by start", body = Vec<Shift>),
              (status = 403, description = "You may not see the rota", body = Problem),
              (status = 422, description = "A period that ends before it starts or is longer than 92 days", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<Period>,
) -> ApiResult<Json<Vec<Shift>>> {
    let from = p.from.unwrap_or_else(|| state.now());
    let to = match p.to {
        Some(t) => t,
        None => from
            .checked_add(jiff::SignedDuration::from_hours(24 * 7))
            .map_err(|_| Problem::invalid("from", "too far in the future"))?,
    };
    if to <= from {
        return Err(Problem::invalid("to", "must be after from"));
    }
    if to.duration_since(from).as_secs() > 92 * 86_400 {
        return Err(Problem::invalid("to", "at most 92 days after from"));
    }
    let shifts = state.app().rota(&actor, from, to).await?;
    Ok(Json(shifts.into_iter().map(Shift::from).collect()))
}

/// A shift to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftRequest {
    /// A force-wide role (`force_incident_manager`, `on_call_chief_officer`, ...).
    #[schema(max_length = 64)]
    role: String,
    /// Who (a person id of your force).
    #[schema(max_length = 64)]
    person: String,
    /// From (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    starts_at: Timestamp,
    /// Until (RFC 3339; after `starts_at`, at most 31 days later).
    #[schema(value_type = String, format = DateTime)]
    ends_at: Timestamp,
}

/// Puts a shift on the rota (administrators; an HR system with `people:write`).
#[utoipa::path(post, path = "/on-call", tag = "organisation", operation_id = "add_on_call_shift",
    request_body = ShiftRequest,
    responses((status = 201, description = "On the rota", body = Shift),
              (status = 403, description = "You may not change the rota", body = Problem),
              (status = 422, description = "A role decided by the case, a person not of your force, an end not after the start", body = Problem)))]
pub async fn add(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<ShiftRequest>,
) -> ApiResult<(StatusCode, Json<Shift>)> {
    let shift = NewShift {
        role: body.role,
        person: body.person,
        starts_at: body.starts_at,
        ends_at: body.ends_at,
    };
    let mut added = state
        .app()
        .add_shifts(&actor, vec![shift], state.now())
        .await?;
    let shift = added
        .pop()
        .ok_or_else(|| Problem::internal("no shift added"))?;
    Ok((StatusCode::CREATED, Json(shift.into())))
}

/// What an import added.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    /// Shifts added.
    added: usize,
}

/// Imports a rota as CSV (`Content-Type: text/csv`; columns `role,person,starts_at,ends_at`,
/// times RFC 3339 or London `YYYY-MM-DD HH:MM`). All or nothing: any wrong row and nothing is
/// saved; the problem lists each as `row N` with its column.
#[utoipa::path(post, path = "/on-call/import", tag = "organisation", operation_id = "import_on_call_rota",

    request_body(content = String, content_type = "text/csv", description = "The rota as CSV"),
    responses((status = 201, description = "Every row added", body = Imported),
              (status = 403, description = "You may not change the rota", body = Problem),
              (status = 415, description = "Not sent as text/csv", body = Problem),
              (status = 422, description = "Rows that are wrong, each by row and column; nothing saved", body = Problem)))]
pub async fn import(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Imported>)> {
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|e| e.trim().eq_ignore_ascii_case("text/csv"))
        });
    if !is_csv {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Send CSV",
        )
        .detail("The body must be CSV, with Content-Type: text/csv."));
    }
    let text = std::str::from_utf8(&body).map_err(|e| {
        Problem::invalid(
            "body",
            format!("not UTF-8 text (at byte {})", e.valid_up_to()),
        )
    })?;
    pledge_domain::event::bounds::check_text(
        text,
        pledge_domain::event::bounds::Text::Lines(usize::MAX),
    )
    .map_err(|m| Problem::invalid("body", m))?;
    match state.app().import_rota(&actor, text, state.now()).await? {
        Ok(added) => Ok((StatusCode::CREATED, Json(Imported { added: added.len() }))),
        Err(problems) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Rows of the rota are wrong; nothing was saved",
        )
        .detail(format!("{} problem(s)", problems.len()))
        .with_errors(
            problems
                .into_iter()
                .take(100)
                .map(|p| FieldProblem {
                    field: format!("row {}, {}", p.row, p.column),
                    message: p.message,
                })
                .collect(),
        )),
    }
}

/// Takes a shift off the rota.
#[utoipa::path(delete, path = "/on-call/{id}", tag = "organisation", operation_id = "remove_on_call_shift",

    params(("id" = i64, Path, description = "The shift's id")),
    responses((status = 204, description = "Removed"),
              (status = 403, description = "You may not change the rota", body = Problem),
              (status = 404, description = "No such shift of your force", body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<i64>,
) -> ApiResult<StatusCode> {
    state.app().remove_shift(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
