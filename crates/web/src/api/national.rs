//! `POST /national/merge`: force exports (`pledge export national`, as JSON objects) merged
//! into the national picture, for senior leaders and administrators. A refused export is a
//! 422 naming `exports[i].FIELD` (docs/reports.md, "Merge rules").

use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The largest request: 100 exports of a few tens of kilobytes each.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The exports to merge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// Force exports as `pledge export national --format json` writes them, one per force,
    /// all of the same period (schema in docs/reports.md).
    #[schema(min_items = 1, max_items = 100)]
    exports: Vec<Value>,
}

/// The national picture of the exports: each measure by force and for all forces, and
/// rates per 1,000. A force's hidden figure stays hidden; a total with a hidden part is
/// `at_least`.
#[utoipa::path(post, path = "/national/merge", tag = "reports", request_body = MergeBody,
    responses((status = 200, description = "The national picture (docs/reports.md, The national view)", body = Object),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, description = "An export is refused: another schema version, a force twice, periods that differ, a malformed export", body = Problem)))]
pub async fn merge(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<MergeBody>,
) -> ApiResult<Json<Value>> {
    let files: Vec<(String, String)> = body
        .exports
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("exports[{i}]"), v.to_string()))
        .collect();
    let picture = state.app().national_merge(&actor, &files)?.map_err(|r| {
        pledge_app::AppError::invalid(&format!("{}.{}", r.file, r.field), r.problem)
    })?;
    Ok(Json(
        serde_json::to_value(&picture).map_err(|e| Problem::internal(&e.to_string()))?,
    ))
}
