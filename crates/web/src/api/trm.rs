//! `GET /cases/{case_id}/trm`: a case as the tasking and resourcing meeting is briefed on it
//! (WMP 8): what happened and where, never who. Who may see it is the app's policy.

use crate::api::cases::{PathParams, case_id};
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use pledge_domain::case::TrmBriefing;
use serde::Serialize;
use utoipa::ToSchema;

/// A case as raised at the TRM: no person's name, id or collar number, no free text, no
/// workforce roles.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrmView {
    /// The case reference, for the follow-up outside the meeting.
    case_id: String,
    /// The unit the assault belongs to (its id).
    unit: String,
    /// The local date it happened.
    #[schema(value_type = String, format = Date)]
    occurred_on: Date,
    /// Kind of location (`location_type` vocabulary, docs/events.md).
    location_type: String,
    /// Offence recorded (`offence` vocabulary).
    offence: String,
    /// Hate crime strands; empty when not a hate crime.
    hate_crime: Vec<String>,
    /// How many colleagues were assaulted.
    victims: usize,
    /// The worst injury (`injury` vocabulary).
    worst_injury: String,
    /// Someone was taken to hospital.
    hospitalised: bool,
    /// A suspect is identified.
    suspect_identified: bool,
    /// A suspect was arrested.
    arrested: bool,
    /// A suspect was charged.
    charged: bool,
}

impl From<TrmBriefing> for TrmView {
    fn from(b: TrmBriefing) -> Self {
        Self {
            case_id: b.case_id,
            unit: b.unit,
            occurred_on: b.occurred_on,
            location_type: b.location_type.as_str().to_owned(),
            offence: b.offence.as_str().to_owned(),
            hate_crime: b.hate_crime.iter().map(|h| h.as_str().to_owned()).collect(),
            victims: b.victims,
            worst_injury: b.worst_injury.as_str().to_owned(),
            hospitalised: b.hospitalised,
            suspect_identified: b.suspect_identified,
            arrested: b.arrested,
            charged: b.charged,
        }
    }
}

/// The case as the TRM is briefed on it (welfare and TRiM staff, the victim's line and chain
/// of command, the force lead). Logged as a read of the case.
#[utoipa::path(get, path = "/cases/{case_id}/trm", tag = "cases", operation_id = "case_trm_briefing",
    params(("case_id" = String, Path)),
    responses((status = 200, description = "The briefing: no victim named", body = TrmView),
              (status = 403, description = "You may not see this case's briefing", body = Problem),
              (status = 404, description = "No such case, or not yours to know of", body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<TrmView>> {
    let id = case_id(&id)?;
    let b = state.app().trm_briefing(&actor, &id, state.now()).await?;
    Ok(Json(b.into()))
}
