//! A force's own plan versions: preview a plan file against the plan in force, install it from
//! a date, put a loaded plan in force, and read the force's schedule of plans. Every decision
//! is the app's (`pledge_app::plans`); the policy allows administrators and the force's Op
//! Hampshire lead.

use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use pledge_app::plans::{PlanSchedule, ScheduledPlan};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A plan file to check and compare with the plan in force.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// The plan file's text (TOML, as `pledge plan check` reads it).
    #[schema(max_length = 200_000)]
    source: String,
}

/// A plan version named by id and version.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanName {
    /// Plan id.
    id: String,
    /// Version.
    version: u32,
    /// Title.
    #[serde(default)]
    title: String,
}

/// One difference between the plan in force and the file.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanChange {
    /// The point, as the plan publishes it (empty for plan-wide changes).
    point: String,
    /// What changes, in words.
    what: String,
}

/// What installing the file would change.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewAnswer {
    /// The plan in the file.
    plan: PlanName,
    /// The plan in force now.
    in_force: PlanName,
    /// What changes, point by point.
    changes: Vec<PlanChange>,
    /// This id and version is installed already (installing again only puts it in force).
    installed_already: bool,
}

/// Checks a plan file (every problem with its line and column) and compares it with your
/// force's plan in force, point by point. Nothing is recorded.
#[utoipa::path(post, path = "/plan-previews", tag = "plans", operation_id = "preview_plan",

    request_body = PreviewRequest,
    responses((status = 200, description = "What would change", body = PreviewAnswer),
              (status = 403, description = "Only administrators and the force's Op Hampshire lead", body = Problem),
              (status = 422, description = "The plan file has problems (each with line and column)", body = Problem)))]
pub async fn preview(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<PreviewRequest>,
) -> ApiResult<Json<PreviewAnswer>> {
    let p = state
        .app()
        .preview_plan(&actor, &body.source, state.now())
        .await?;
    Ok(Json(PreviewAnswer {
        plan: PlanName {
            id: p.plan.id.clone(),
            version: p.plan.version,
            title: p.plan.title.clone(),
        },
        in_force: PlanName {
            id: p.in_force.id.clone(),
            version: p.in_force.version,
            title: p.in_force.title.clone(),
        },
        changes: p
            .changes
            .into_iter()
            .map(|c| PlanChange {
                point: c.point,
                what: c.what,
            })
            .collect(),
        installed_already: p.loaded_already,
    }))
}

/// A plan file to install, and the day it comes into force.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstallRequest {
    /// The plan file's text.
    #[schema(max_length = 200_000)]
    source: String,
    /// The day new cases start opening under it (today or later; today means from now).
    #[schema(value_type = String, format = Date, example = "2026-12-01")]
    effective_from: Date,
}

/// A plan put in force from a day.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InForceRequest {
    /// Plan id (built in, or one your force installed).
    plan_id: String,
    /// Version.
    #[schema(minimum = 1, maximum = 1_000_000)]
    version: u32,
    /// The day new cases start opening under it (today or later).
    #[schema(value_type = String, format = Date, example = "2026-12-01")]
    effective_from: Date,
}

/// An entry of the force's plan schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleEntry {
    /// The plan.
    plan: PlanName,
    /// From when new cases open under it.
    effective_from: String,
    /// When it was recorded.
    recorded_at: String,
    /// Who recorded it (person id).
    recorded_by: String,
    /// This entry installed the force's own file.
    installed: bool,
}

/// The force's plans: in force now, to come, and every entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleAnswer {
    /// In force now.
    in_force: PlanName,
    /// Since when (absent: Pledge's default plan).
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<String>,
    /// To come, soonest first.
    upcoming: Vec<ScheduleEntry>,
    /// Every entry, newest first.
    history: Vec<ScheduleEntry>,
}

fn entry(s: ScheduledPlan) -> ScheduleEntry {
    ScheduleEntry {
        plan: PlanName {
            id: s.plan.id,
            version: s.plan.version,
            title: s.title,
        },
        effective_from: s.effective_from.to_string(),
        recorded_at: s.recorded_at.to_string(),
        recorded_by: s.recorded_by,
        installed: s.installed,
    }
}

fn schedule_answer(state: &AppState, s: PlanSchedule) -> ScheduleAnswer {
    let title = state
        .app()
        .plan(&s.in_force.id, s.in_force.version)
        .map(|p| p.title.clone())
        .unwrap_or_default();
    ScheduleAnswer {
        in_force: PlanName {
            id: s.in_force.id,
            version: s.in_force.version,
            title,
        },
        since: s.since.map(|t| t.to_string()),
        upcoming: s.upcoming.into_iter().map(entry).collect(),
        history: s.history.into_iter().map(entry).collect(),
    }
}

/// Installs your force's own plan version and puts it in force from a day. The plan's id
/// must be your force's own (not a built-in plan's); a version, once installed, never
/// changes: change the file's `version` for a new one.
#[utoipa::path(post, path = "/plans", tag = "plans", operation_id = "install_plan",

    request_body = InstallRequest,
    responses((status = 201, description = "Installed; the force's schedule", body = ScheduleAnswer),
              (status = 403, description = "Only administrators and the force's Op Hampshire lead", body = Problem),
              (status = 422, description = "The plan file has problems, its id is not the force's own, the version exists with another text, or the day is past", body = Problem)))]
pub async fn install(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<InstallRequest>,
) -> ApiResult<(StatusCode, Json<ScheduleAnswer>)> {
    let now = state.now();
    state
        .app()
        .install_plan(&actor, &body.source, body.effective_from, now)
        .await?;
    let schedule = state.app().plan_schedule(&actor, now).await?;
    Ok((StatusCode::CREATED, Json(schedule_answer(&state, schedule))))
}

/// Your force's plans: the one new cases open under now, those coming into force, and every
/// entry.
#[utoipa::path(get, path = "/plans-in-force", tag = "plans", operation_id = "plan_schedule",

    responses((status = 200, description = "The schedule", body = ScheduleAnswer),
              (status = 403, description = "An actor without a force", body = Problem)))]
pub async fn schedule(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<ScheduleAnswer>> {
    let schedule = state.app().plan_schedule(&actor, state.now()).await?;
    Ok(Json(schedule_answer(&state, schedule)))
}

/// Puts a plan (built in, or one your force installed) in force from a day.
#[utoipa::path(post, path = "/plans-in-force", tag = "plans", operation_id = "put_plan_in_force",

    request_body = InForceRequest,
    responses((status = 201, description = "Recorded; the force's schedule", body = ScheduleAnswer),
              (status = 403, description = "Only administrators and the force's Op Hampshire lead", body = Problem),
              (status = 422, description = "No such plan for the force, or the day is past", body = Problem)))]
pub async fn put_in_force(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<InForceRequest>,
) -> ApiResult<(StatusCode, Json<ScheduleAnswer>)> {
    if !(1..=1_000_000).contains(&body.version) {
        return Err(Problem::invalid("version", "expected 1 to 1000000"));
    }
    let now = state.now();
    state
        .app()
        .put_plan_in_force(
            &actor,
            &body.plan_id,
            body.version,
            body.effective_from,
            now,
        )
        .await?;
    let schedule = state.app().plan_schedule(&actor, now).await?;
    Ok((StatusCode::CREATED, Json(schedule_answer(&state, schedule))))
}
