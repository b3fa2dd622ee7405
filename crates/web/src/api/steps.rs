//! Every plan step as a command: `POST /cases/{case_id}/steps/{step}`, one step type per
//! event type of docs/events.md (assign the OIC, record a statement, inform senior
//! leadership, ...). The OpenAPI document lists each step as its own operation.

use crate::api::body::{take_optional, to_event_kind};
use crate::api::cases::PathParams;
use crate::api::cases::case_id;
use crate::api::idempotency::{self, IdempotencyKey};
use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use pledge_domain::EventType;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The step types, for clients building forms.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepTypes {
    /// Each step's name as used in the URL (the event `type` of docs/events.md).
    pub steps: Vec<&'static str>,
}

/// The step types a case accepts (every event type except `assault_reported`, which opens
/// a case, and `obligation_escalated`, which Pledge records itself).
pub fn step_types() -> impl Iterator<Item = EventType> {
    EventType::ALL.iter().copied().filter(|t| {
        !matches!(
            t,
            EventType::AssaultReported | EventType::ObligationEscalated
        )
    })
}

/// Lists the step types.
#[utoipa::path(get, path = "/steps", tag = "steps",
    responses((status = 200, description = "Step types", body = StepTypes)))]
pub async fn list() -> Json<StepTypes> {
    Json(StepTypes {
        steps: step_types().map(EventType::as_str).collect(),
    })
}

/// Records one step in a case. The body is the event's fields (docs/events.md) without
/// `type`, plus optional `at` (when it happened; now by default) and `expected_version`
/// (refused with 409 if the case has moved on). A step the plan forbids is refused with 422
/// naming the rule and the plan point.
#[utoipa::path(post, path = "/cases/{case_id}/steps/{step}", tag = "steps",
    params(("case_id" = String, Path), ("step" = String, Path, description = "A step type from GET /steps"),
           ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    request_body(content = Object, description = "The step's fields (docs/events.md)"),
    responses((status = 201, description = "Recorded: the case version and the event", body = Object),
              (status = 404, body = Problem), (status = 403, body = Problem),
              (status = 409, description = "The case changed", body = Problem),
              (status = 422, description = "Invalid fields, or refused by a rule of the plan", body = Problem)))]
pub async fn record(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams((id, step)): PathParams<(String, String)>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let Some(t) = EventType::parse(&step).filter(|t| step_types().any(|s| s == *t)) else {
        return Err(Problem::not_found().detail(format!(
            "There is no step \"{}\"; GET /api/v1/steps lists them.",
            step.chars().take(64).collect::<String>()
        )));
    };
    let route = format!("POST /cases/{id}/steps/{}", t.as_str());
    let key = key.for_request(&route, &body)?;
    let mut body = body;
    let at = take_optional::<jiff::Timestamp>(&mut body, "at")?;
    let expected = take_optional::<u64>(&mut body, "expected_version")?;
    let kind = to_event_kind(t.as_str(), body)?;
    let answer = state
        .app()
        .record_step_with_key(&actor, &id, expected, at, kind, key.as_ref(), state.now())
        .await?;
    Ok(idempotency::answer(key.as_ref(), answer).await)
}
