//! Crime records from a force's records management system (`POST /crimes`): a record
//! attaches a crime reference, classification and Home Office outcome type to a Pledge case,
//! matched by Pledge reference or by a crime reference the case already has, recorded through
//! the plan's rules, once per source and record id (`App::record_crime`).

use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use pledge_app::import::{CrimeOutcome, CrimeRecord};
use serde::Deserialize;
use utoipa::ToSchema;

/// A record of the force's crime system.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrimeBody {
    /// The system the record comes from (`niche`, `athena`, ...): records are recorded once
    /// per system and record id.
    #[schema(min_length = 1, max_length = 64)]
    source: String,
    /// The system's own id of the record.
    #[schema(min_length = 1, max_length = 128)]
    record_id: String,
    /// The Pledge reference of the case, where the system holds it; otherwise the case is
    /// found by the crime reference it already has.
    #[schema(max_length = 64)]
    pledge_reference: Option<String>,
    /// The crime reference.
    #[schema(min_length = 1, max_length = 64)]
    crime_reference: String,
    /// The crime classification (e.g. the Home Office offence code).
    #[schema(max_length = 64)]
    classification: Option<String>,
    /// The Home Office outcome type, 1 to 22, once finalised.
    #[schema(minimum = 1, maximum = 22)]
    outcome_type: Option<u8>,
    /// When the crime was recorded (now when absent; not in the future; the case's report
    /// time when earlier). An outcome is dated when Pledge receives it.
    #[schema(value_type = Option<String>, format = DateTime)]
    recorded_at: Option<Timestamp>,
}

/// Records a crime system's record on its case.
///
/// 201: recorded (`crime_recorded` and/or `outcome_finalised`); 200: recorded before (the
/// same source and record id) or the case already says it, nothing recorded; 202: no case
/// matched (or several did): kept for a person of the force to resolve; 422: the case's plan
/// refuses it (e.g. an outcome before the victim's view is heard), naming the field and the
/// plan's words, nothing recorded.
#[utoipa::path(post, path = "/crimes", tag = "cases",
    request_body = CrimeBody,
    responses((status = 201, description = "Recorded on the case", body = Object),
              (status = 200, description = "Already recorded: nothing changed", body = Object),
              (status = 202, description = "No matching case: kept for a person to resolve", body = Object),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, description = "Invalid fields, or the plan refuses it", body = Problem)))]
pub async fn record(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(b): ApiJson<CrimeBody>,
) -> ApiResult<Response> {
    let record = CrimeRecord {
        source: b.source,
        record_id: b.record_id,
        pledge_reference: b.pledge_reference,
        crime_reference: b.crime_reference,
        classification: b.classification,
        outcome_type: b.outcome_type,
        recorded_at: b.recorded_at,
    };
    let outcome = state
        .app()
        .record_crime(&actor, &record, false, state.now())
        .await
        .map_err(Problem::from)?;
    let status = match &outcome {
        CrimeOutcome::Recorded { .. } | CrimeOutcome::WouldRecord { .. } => StatusCode::CREATED,
        CrimeOutcome::AlreadyRecorded { .. } | CrimeOutcome::NothingNew { .. } => StatusCode::OK,
        CrimeOutcome::Unmatched { .. } => StatusCode::ACCEPTED,
        CrimeOutcome::Refused { field, reason, .. } => {
            return Err(Problem::invalid(field.clone(), reason.clone()));
        }
    };
    Ok((status, Json(outcome)).into_response())
}
