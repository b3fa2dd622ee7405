//! The scrutiny panel's reviews (OSSR 23(i)): `GET /panel-reviews` (where the force's review
//! stands and every meeting recorded) and `POST /panel-reviews` (record one). Every decision
//! is the app's (`pledge_app::reports::panel_review`).

use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use pledge_app::reports::NewPanelReview;
use pledge_domain::evaluate::{ReviewPeriod, ReviewState};
use pledge_store::PanelReview;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A recorded panel meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelMeeting {
    /// Its id.
    id: i64,
    /// The plan's review it meets (e.g. `scrutiny-panel`).
    review: String,
    /// The plan in force when it was recorded (`id@version`).
    plan: String,
    /// The day the panel met.
    #[schema(value_type = String, format = Date)]
    met_on: Date,
    /// The unit whose pack it considered; absent: the whole force's.
    pack_unit: Option<String>,
    /// The pack's first day.
    #[schema(value_type = String, format = Date)]
    pack_from: Date,
    /// The pack's last day.
    #[schema(value_type = String, format = Date)]
    pack_to: Date,
    /// SHA-256 (hex) of the pack's figures (its tables as JSON, panel version) as recorded.
    pack_hash: String,
    /// Who chaired.
    chair: String,
    /// The panel's actions; absent for readers who may not read them.
    actions: Option<String>,
    /// Who recorded it.
    recorded_by: String,
}

impl PanelMeeting {
    fn from(m: PanelReview, actions_shown: bool) -> Self {
        Self {
            id: m.id,
            review: m.review_id,
            plan: format!("{}@{}", m.plan_id, m.plan_version),
            met_on: m.met_on,
            pack_unit: m.pack_unit,
            pack_from: m.pack_from,
            pack_to: m.pack_to,
            pack_hash: m.pack_hash,
            chair: m.chair,
            actions: actions_shown.then_some(m.actions),
            recorded_by: m.recorded_by,
        }
    }
}

/// One period of the review.
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelPeriod {
    /// First day.
    #[schema(value_type = String, format = Date)]
    from: Date,
    /// Last day.
    #[schema(value_type = String, format = Date)]
    to: Date,
    /// The last day a meeting meets it on time.
    #[schema(value_type = String, format = Date)]
    due: Date,
    /// `open`, `met`, `met_late` or `overdue`.
    state: String,
}

impl From<&ReviewPeriod> for PanelPeriod {
    fn from(p: &ReviewPeriod) -> Self {
        Self {
            from: p.from,
            to: p.to,
            due: p.due,
            state: match p.state {
                ReviewState::Open => "open",
                ReviewState::Met => "met",
                ReviewState::MetLate => "met_late",
                ReviewState::Overdue => "overdue",
            }
            .into(),
        }
    }
}

/// Where the force's scrutiny panel review stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelStanding {
    /// The review the plan in force asks for (e.g. `scrutiny-panel`); absent: none.
    review: Option<String>,
    /// How often: `month`, `quarter` or `year`.
    every: Option<String>,
    /// The earliest period not yet met.
    next_due: Option<PanelPeriod>,
    /// Periods past their due day and not met, oldest first.
    overdue: Vec<PanelPeriod>,
    /// Every meeting recorded, oldest first.
    meetings: Vec<PanelMeeting>,
}

/// Where the force's scrutiny panel review stands, and every meeting recorded (the pack's
/// readers; the panel's actions only for the force's leaders).
#[utoipa::path(get, path = "/panel-reviews", tag = "reports", operation_id = "panel_reviews",
    responses((status = 200, description = "The review's standing and the meetings", body = PanelStanding),
              (status = 403, description = "You may not see the panel's reviews", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<PanelStanding>> {
    let r = state.app().panel_reviews(&actor, state.now()).await?;
    let standing = r.standing.as_ref();
    Ok(Json(PanelStanding {
        review: r.review.as_ref().map(|x| x.id.clone()),
        every: r.review.as_ref().map(|x| x.every.as_str().to_owned()),
        next_due: standing
            .and_then(|s| s.next_due.as_ref())
            .map(PanelPeriod::from),
        overdue: standing
            .map(|s| s.overdue.iter().map(PanelPeriod::from).collect())
            .unwrap_or_default(),
        meetings: r
            .meetings
            .into_iter()
            .map(|m| PanelMeeting::from(m, r.actions_shown))
            .collect(),
    }))
}

/// A panel meeting to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelMeetingRequest {
    /// The day the panel met (not after today).
    #[schema(value_type = String, format = Date)]
    met_on: Date,
    /// The unit whose pack it considered; absent: the whole force's (only the force's pack
    /// meets the force's review).
    #[schema(max_length = 64)]
    pack_unit: Option<String>,
    /// The pack's first day.
    #[schema(value_type = String, format = Date)]
    pack_from: Date,
    /// The pack's last day (on or before `met_on`).
    #[schema(value_type = String, format = Date)]
    pack_to: Date,
    /// Who chaired, by name.
    #[schema(min_length = 1, max_length = 200)]
    chair: String,
    /// The panel's actions (never published in a pack).
    #[serde(default)]
    #[schema(max_length = 10000)]
    actions: String,
}

/// Records a scrutiny panel meeting with the pack it considered (the Op Hampshire lead; an
/// administrator). The pack is made again and the hash of its figures kept. Append-only.
#[utoipa::path(post, path = "/panel-reviews", tag = "reports", operation_id = "record_panel_review",
    request_body = PanelMeetingRequest,
    responses((status = 201, description = "Recorded", body = PanelMeeting),
              (status = 403, description = "You may not record the panel's reviews", body = Problem),
              (status = 422, description = "A meeting in the future, a pack running past the meeting, an unknown unit, an empty chair, or a plan that asks for no review", body = Problem)))]
pub async fn record(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<PanelMeetingRequest>,
) -> ApiResult<(StatusCode, Json<PanelMeeting>)> {
    let new = NewPanelReview {
        met_on: body.met_on,
        pack_unit: body.pack_unit.filter(|u| !u.trim().is_empty()),
        pack_from: body.pack_from,
        pack_to: body.pack_to,
        chair: body.chair,
        actions: body.actions,
    };
    let m = state
        .app()
        .record_panel_review(&actor, new, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(PanelMeeting::from(m, true))))
}
