//! Backtests: what a change of plan would have done to a force's stored cases. The request
//! names a plan version or carries a draft plan file's text; a draft with problems is a 422
//! naming each problem's line and column, never a 500.

use crate::api::json::{json_bytes, parse_with_long};
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, FieldProblem, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use pledge_app::backtest::{BacktestError, BacktestRequest, ChoiceError, PlanChoice};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A plan to try or compare against: a known version, or a draft file's text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanSpec {
    /// A known plan's id (with `version`, or the latest).
    #[schema(max_length = 64)]
    id: Option<String>,
    /// Its version, 1 to 1,000,000.
    #[schema(minimum = 1, maximum = 1_000_000)]
    version: Option<u32>,
    /// A draft plan file (TOML, as `pledge plan check` reads it), instead of `id`.
    #[schema(max_length = 1048576)]
    draft: Option<String>,
    /// The draft's file name, for messages.
    #[schema(max_length = 200)]
    draft_name: Option<String>,
}

/// What to backtest.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestBody {
    /// The force whose cases are re-evaluated (yours).
    #[schema(max_length = 64)]
    force: String,
    /// Cases reported at or after this moment (RFC 3339).
    #[schema(format = DateTime)]
    from: String,
    /// Cases reported before this moment (RFC 3339).
    #[schema(format = DateTime)]
    to: String,
    /// The moment to evaluate at (RFC 3339); default now. Give it for reproducible figures.
    #[schema(format = DateTime)]
    at: Option<String>,
    /// The plan to try.
    plan: PlanSpec,
    /// The version to compare against; default each case's own plan (its plan in force).
    against: Option<PlanSpec>,
    /// Name the cases that change verdict (force lead and senior leaders; only cases they
    /// may view; logged).
    #[serde(default)]
    named: bool,
}

fn moment(field: &str, s: &str) -> ApiResult<Timestamp> {
    s.parse()
        .map_err(|_| Problem::invalid(field, format!("\"{s}\" is not an RFC 3339 time")))
}

fn spec(field: &str, s: PlanSpec) -> ApiResult<PlanChoice> {
    match (s.id, s.draft) {
        (Some(id), None) => {
            if let Some(v) = s.version
                && !(1..=1_000_000).contains(&v)
            {
                return Err(Problem::invalid(
                    format!("{field}.version"),
                    "expected 1 to 1000000",
                ));
            }
            Ok(PlanChoice::Version {
                id,
                version: s.version,
            })
        }
        (None, Some(text)) => Ok(PlanChoice::Draft {
            name: s
                .draft_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| "draft".into()),
            text,
        }),
        _ => Err(Problem::invalid(
            field,
            "give either `id` (a known plan) or `draft` (a plan file's text)",
        )),
    }
}

/// The request body: JSON as everywhere, except that a draft plan file's text may be as long
/// as a plan file may be (`MAX_PLAN_BYTES`), not the 10,000 characters of other texts.
pub struct BacktestJson(pub BacktestBody);

impl<S: Send + Sync> axum::extract::FromRequest<S> for BacktestJson {
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Problem> {
        let bytes = json_bytes(req, state).await?;
        parse_with_long(
            &bytes,
            &["plan.draft", "against.draft"],
            pledge_domain::plan::MAX_PLAN_BYTES,
        )
        .map(BacktestJson)
    }
}

/// A request as the app takes it, or the problem with it.
pub(crate) fn request(body: BacktestBody) -> ApiResult<BacktestRequest> {
    if body.force.trim().is_empty() {
        return Err(Problem::invalid("force", "name the force"));
    }
    Ok(BacktestRequest {
        forces: vec![body.force],
        from: moment("from", &body.from)?,
        to: moment("to", &body.to)?,
        at: body.at.as_deref().map(|a| moment("at", a)).transpose()?,
        plan: spec("plan", body.plan)?,
        against: body.against.map(|a| spec("against", a)).transpose()?,
        named: body.named,
    })
}

/// A backtest's failure as a problem: a draft's problems each name their line and column.
pub(crate) fn problem(e: BacktestError) -> Problem {
    match e {
        BacktestError::App(e) => e.into(),
        BacktestError::Plan {
            field,
            error: ChoiceError::Problems(e),
        } => {
            let errors: Vec<FieldProblem> = e
                .problems
                .iter()
                .map(|p| FieldProblem {
                    field: format!("{field} (line {}, column {})", p.line, p.column),
                    message: p.message.clone(),
                })
                .collect();
            Problem::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "The plan file has problems",
            )
            .detail(format!(
                "{field}: the plan file has {} problem(s); nothing was evaluated",
                errors.len()
            ))
            .with_errors(errors)
        }
        BacktestError::Plan {
            field,
            error: ChoiceError::Unknown(m),
        } => Problem::invalid(field, m),
    }
}

/// Re-evaluates every stored case of a force and period under a plan version or a draft,
/// compared with each case's plan in force (or `against`): per obligation, cases met on time,
/// met late, missed, still open, waived and not applicable under both, and (when `named`)
/// the cases that change verdict. For the force lead, analysts and senior leaders of the
/// force; written to the access log.
#[utoipa::path(post, path = "/backtests", tag = "plans", request_body = BacktestBody,
    responses((status = 200, description = "The comparison (see docs/reports.md, Backtest)", body = Object),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn run(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    BacktestJson(body): BacktestJson,
) -> ApiResult<Json<Value>> {
    let request = request(body)?;
    let report = state
        .app()
        .backtest(Some(&actor), &request, state.now())
        .await
        .map_err(problem)?;
    serde_json::to_value(&report)
        .map(Json)
        .map_err(|e| Problem::internal(&format!("cannot encode a backtest: {e}")))
}
