//! `GET /colleagues`: find colleagues in the force directory by name or collar number, to
//! name them in a report of an assault (the record-an-assault page's autocomplete uses it).
//! Whoever may record an assault may search; each match carries only the name, collar number,
//! unit and workforce role (see `App::find_colleagues`).

use crate::api::json::ApiQuery;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

/// What to search for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ColleagueQuery {
    /// Part of a name or a collar number, 1 to 100 characters, not only spaces.
    #[param(min_length = 1, max_length = 100, pattern = "\\S")]
    q: String,
    /// A unit id: its people come first.
    unit: Option<String>,
}

/// Colleagues of the caller's force matching `q`, those of `unit` first, at most 20.
#[utoipa::path(get, path = "/colleagues", tag = "organisation", params(ColleagueQuery),
    responses((status = 200, description = "Matches: id, name, unit, unit_name, workforce_role", body = Object),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<ColleagueQuery>,
) -> ApiResult<Json<Value>> {
    let people = state
        .app()
        .find_colleagues(&actor, &q.q, q.unit.as_deref(), state.now())
        .await?;
    Ok(Json(serde_json::json!({ "people": people })))
}
