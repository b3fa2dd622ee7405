//! `/reports/pack` (the scrutiny pack as JSON: the same figures as the page, CSV and PDF) and
//! `/headcounts` (the force's headcounts per unit, date and workforce role, for the rates).

use crate::api::json::{ApiJson, ApiQuery};
use crate::auth::CurrentActor;
use crate::pages::report_request;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// Which pack.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PackParams {
    /// First day, `YYYY-MM-DD` (default: a year before `to`).
    #[param(max_length = 10, format = Date)]
    from: Option<String>,
    /// Last day, inclusive, `YYYY-MM-DD` (default: yesterday).
    #[param(max_length = 10, format = Date)]
    to: Option<String>,
    /// A unit of your force, with the units under it (default: the whole force).
    #[param(max_length = 64)]
    unit: Option<String>,
    /// Trends by `month` (default) or `quarter`.
    #[param(max_length = 7, pattern = "^(month|quarter)$")]
    by: Option<String>,
    /// `panel` (default: anonymised and suppressed) or `named` (force lead and
    /// administrators; logged).
    #[param(max_length = 5, pattern = "^(panel|named)$")]
    version: Option<String>,
}

/// The scrutiny pack of your force: every table, suppressed in the panel version (counts
/// from 1 to 4 as `fewer_than`, others `withheld`). See docs/reports.md.
#[utoipa::path(get, path = "/reports/pack", tag = "reports", params(PackParams),

    responses((status = 200, description = "The pack", body = Object),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, description = "A field is wrong (a date, the period, an unknown unit)", body = Problem)))]
pub async fn pack(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<PackParams>,
) -> ApiResult<Json<Value>> {
    let now = state.now();
    let today = now
        .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC))
        .date();
    let q = crate::pages::PackQuery {
        from: p.from.unwrap_or_default(),
        to: p.to.unwrap_or_default(),
        unit: p.unit.unwrap_or_default(),
        by: p.by.unwrap_or_default(),
        version: p.version.unwrap_or_default(),
    };
    let force = actor.force().unwrap_or_default().to_owned();
    let req = report_request(&force, &q, today)?;
    let pack = state.app().report_pack(&actor, &req, now).await?;
    Ok(Json(
        serde_json::to_value(&pack).map_err(|e| Problem::internal(&e.to_string()))?,
    ))
}

/// A headcount as sent to Pledge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeadcountBody {
    /// A unit of your force.
    #[schema(min_length = 1, max_length = 64)]
    unit: String,
    /// From when the figure holds, `YYYY-MM-DD`.
    #[schema(max_length = 10, format = Date)]
    on: String,
    /// `officer`, `special_constable`, `pcso`, `staff` or `volunteer`.
    #[schema(
        max_length = 20,
        pattern = "^(officer|special_constable|pcso|staff|volunteer)$"
    )]
    role: String,
    /// People.
    #[schema(maximum = 1000000)]
    count: u32,
}

/// Sets how many people of a role a unit of your force has from a date (administrators; an
/// HR system's token with `people:write`).
#[utoipa::path(post, path = "/headcounts", tag = "reports", request_body = HeadcountBody,

    responses((status = 204, description = "Saved"),
              (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(b): ApiJson<HeadcountBody>,
) -> ApiResult<StatusCode> {
    let on: jiff::civil::Date =
        b.on.parse()
            .map_err(|_| Problem::invalid("on", "a date like 2026-04-01"))?;
    if b.count > 1_000_000 {
        return Err(Problem::invalid("count", "at most 1,000,000"));
    }
    let h = pledge_store::Headcount {
        force: actor.force().unwrap_or_default().to_owned(),
        unit: b.unit,
        on,
        role: b.role,
        count: b.count,
    };
    state.app().set_headcount(&actor, &h).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// On which date.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OnParams {
    /// `YYYY-MM-DD` (default: today).
    #[param(max_length = 10, format = Date)]
    on: Option<String>,
}

/// Your force's headcounts in force on a date: for each unit and role, the latest figure
/// dated on or before it.
#[utoipa::path(get, path = "/headcounts", tag = "reports", params(OnParams),

    responses((status = 200, description = "Headcounts", body = Object),
              (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<OnParams>,
) -> ApiResult<Json<Value>> {
    let on = match p.on {
        Some(s) => s
            .parse()
            .map_err(|_| Problem::invalid("on", "a date like 2026-04-01"))?,
        None => state.now().to_zoned(jiff::tz::TimeZone::UTC).date(),
    };
    let force = actor.force().unwrap_or_default().to_owned();
    let rows = state.app().headcounts_on(&actor, &force, on).await?;
    Ok(Json(serde_json::json!({ "on": on, "headcounts": rows })))
}
