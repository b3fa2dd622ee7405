//! Cases: record an assault, list, read, timeline, obligations, the victim's view and who
//! accessed a case. Handlers only translate HTTP; the rules live in the app and the domain.

use crate::api::body::{take_optional, to_event_kind};
use crate::api::idempotency::{self, IdempotencyKey};
use crate::api::json::{ApiJson, ApiQuery};
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use pledge_app::NewAssault;
use pledge_store::{CaseFilter, CaseId, CaseSort, OverdueOn, SortOrder};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

/// Parses a case id from the path; an impossible id is simply not found.
pub(crate) fn case_id(raw: &str) -> ApiResult<CaseId> {
    CaseId::parse(raw).map_err(|_| Problem::not_found())
}

/// Path parameters; a path that cannot be decoded (bad percent-encoding, not UTF-8) or holds
/// a control character names nothing that exists, so it is a 404 problem like any unknown id.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for PathParams<T>
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::not_found())?;
        if raw.iter().any(|(_, v)| v.chars().any(char::is_control)) {
            return Err(Problem::not_found());
        }
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| PathParams(t))
            .map_err(|_| Problem::not_found())
    }
}

/// Filters for the case list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only this unit.
    unit: Option<String>,
    /// `open` or `closed`.
    #[param(value_type = Option<String>, pattern = "^(open|closed)$")]
    status: Option<String>,
    /// Only hate crimes (`true`) or only others (`false`).
    hate_crime: Option<bool>,
    /// Only cases where a victim was hospitalised.
    hospitalised: Option<bool>,
    /// Occurred at or after (RFC 3339).
    #[param(format = DateTime)]
    from: Option<String>,
    /// Occurred before (RFC 3339).
    #[param(format = DateTime)]
    to: Option<String>,
    /// A case reference (exactly or its beginning) or part of the name of a victim or of the
    /// officer in the case, as the force directory holds it; either case. Only the caller's
    /// cases are searched.
    #[param(max_length = 100)]
    q: Option<String>,
    /// Only cases with an obligation at this plan point (its number, e.g. `d` or `3`) overdue
    /// now.
    #[param(value_type = Option<String>, pattern = "^[A-Za-z0-9]{1,16}$")]
    overdue_point: Option<String>,
    /// The column to sort by (default `reported`); ties go by the case reference.
    #[param(value_type = Option<String>, pattern = "^(reported|occurred|reference|unit|status|next_due)$")]
    sort: Option<String>,
    /// `asc` or `desc`; by default dates newest first and the rest ascending.
    #[param(value_type = Option<String>, pattern = "^(asc|desc)$")]
    order: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
    /// How many to skip, 0 to 1,000,000.
    #[param(minimum = 0, maximum = 1_000_000)]
    offset: Option<u32>,
}

/// The furthest a client may page into the case list.
const MAX_OFFSET: u32 = 1_000_000;

fn timestamp(field: &str, raw: Option<&str>) -> ApiResult<Option<jiff::Timestamp>> {
    raw.map(|s| {
        s.parse::<jiff::Timestamp>().map_err(|e| {
            Problem::invalid(field, format!("not an RFC 3339 time with an offset: {e}"))
        })
    })
    .transpose()
}

/// Lists the cases the caller may see, newest report first unless `sort` says otherwise.
#[utoipa::path(get, path = "/cases", tag = "cases", params(ListQuery),
    responses((status = 200, description = "Case summaries", body = Object),
              (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Value>> {
    if let Some(status) = q.status.as_deref()
        && !matches!(status, "open" | "closed")
    {
        return Err(Problem::invalid("status", "expected open or closed"));
    }
    if let Some(limit) = q.limit
        && !(1..=500).contains(&limit)
    {
        return Err(Problem::invalid("limit", "expected 1 to 500"));
    }
    if let Some(offset) = q.offset
        && offset > MAX_OFFSET
    {
        return Err(Problem::invalid("offset", "expected 0 to 1000000"));
    }
    let sort = match q.sort.as_deref() {
        None => CaseSort::default(),
        Some(s) => CaseSort::parse(s).ok_or_else(|| {
            Problem::invalid(
                "sort",
                "expected reported, occurred, reference, unit, status or next_due",
            )
        })?,
    };
    let order = q
        .order
        .as_deref()
        .map(|o| {
            SortOrder::parse(o).ok_or_else(|| Problem::invalid("order", "expected asc or desc"))
        })
        .transpose()?;
    if let Some(text) = q.q.as_deref()
        && text.chars().count() > 100
    {
        return Err(Problem::invalid("q", "expected at most 100 characters"));
    }
    let overdue_point = match q.overdue_point {
        None => None,
        Some(p) if (1..=16).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()) => {
            Some(OverdueOn {
                point: p,
                at: state.now(),
            })
        }
        Some(_) => {
            return Err(Problem::invalid(
                "overdue_point",
                "expected a plan point's number: 1 to 16 letters or digits",
            ));
        }
    };
    let filter = CaseFilter {
        unit: q.unit,
        status: q.status,
        hate_crime: q.hate_crime,
        hospitalised: q.hospitalised,
        from: timestamp("from", q.from.as_deref())?,
        to: timestamp("to", q.to.as_deref())?,
        search: q.q.filter(|t| !t.trim().is_empty()),
        overdue_point,
        sort,
        order,
        limit: q.limit,
        offset: q.offset,
    };
    let cases = state.app().list_cases(&actor, filter, state.now()).await?;
    Ok(Json(serde_json::json!({ "cases": cases })))
}

/// Records an assault. The case and its obligations exist once this answers 201. The body
/// is the `assault_reported` event's fields (see docs/events.md) without `type`, plus an
/// optional `case_id` and `at` (when it was reported; now by default). The case opens under
/// the force's plan in force unless `plan` is given.
#[utoipa::path(post, path = "/cases", tag = "cases",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    request_body(content = Object, description = "assault_reported fields (docs/events.md)"),
    responses((status = 201, description = "The case summary", body = Object),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, description = "Invalid fields or a rule refused", body = Problem)))]
pub async fn record(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> ApiResult<Response> {
    let key = key.for_request("POST /cases", &body)?;
    let mut body = body;
    let case_id = take_optional::<String>(&mut body, "case_id")?
        .map(|s| CaseId::parse(&s).map_err(|e| Problem::invalid("case_id", e)))
        .transpose()?;
    let at = take_optional::<jiff::Timestamp>(&mut body, "at")?;
    let plan_in_force = !body.contains_key("plan");
    if plan_in_force {
        // Filled in by the app with the plan in force; present only to satisfy the format.
        body.insert(
            "plan".into(),
            serde_json::json!({ "id": "-", "version": 1 }),
        );
    }
    let report = to_event_kind("assault_reported", body)?;
    let new = NewAssault {
        case_id,
        report,
        at,
        plan_in_force,
        answers: Vec::new(),
    };
    let answer = state
        .app()
        .record_assault_with_key(&actor, new, key.as_ref(), state.now())
        .await?;
    Ok(idempotency::answer(key.as_ref(), answer).await)
}

/// The case in full for a read route (access checked and logged by the app).
async fn detail(
    state: &AppState,
    actor: &pledge_app::Actor,
    raw_id: &str,
    p: &Purpose,
) -> ApiResult<pledge_app::CaseDetail> {
    let id = case_id(raw_id)?;
    Ok(state
        .app()
        .case(actor, &id, state.now(), p.purpose.as_deref())
        .await?)
}

/// A response body as JSON; failing to serialise our own types is Pledge's fault.
pub(crate) fn to_json(v: impl serde::Serialize) -> ApiResult<Value> {
    serde_json::to_value(v).map_err(|e| Problem::internal(&e.to_string()))
}

/// Request context for reads: why the caller is looking (written to the access log).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Purpose {
    /// Why you are looking; recorded in the access log (Data Protection Act 2018 s62).
    purpose: Option<String>,
}

/// A case in full: summary, every obligation's state now (point by point) and the timeline.
#[utoipa::path(get, path = "/cases/{case_id}", tag = "cases", params(("case_id" = String, Path), Purpose),
    responses((status = 200, description = "The case", body = Object),
              (status = 404, description = "No such case, or not yours to see", body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
    ApiQuery(p): ApiQuery<Purpose>,
) -> ApiResult<Json<Value>> {
    let detail = detail(&state, &actor, &id, &p).await?;
    Ok(Json(to_json(detail)?))
}

/// The case's obligations with their clocks (state, owner, due and done times), by point.
#[utoipa::path(get, path = "/cases/{case_id}/obligations", tag = "cases", params(("case_id" = String, Path), Purpose),
    responses((status = 200, description = "Evaluation, point by point", body = Object),
              (status = 404, body = Problem)))]
pub async fn obligations(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
    ApiQuery(p): ApiQuery<Purpose>,
) -> ApiResult<Json<Value>> {
    let detail = detail(&state, &actor, &id, &p).await?;
    Ok(Json(to_json(detail.evaluation)?))
}

/// The case's timeline: every event, with confidential welfare detail withheld unless the
/// caller may see it.
#[utoipa::path(get, path = "/cases/{case_id}/timeline", tag = "cases", params(("case_id" = String, Path), Purpose),
    responses((status = 200, description = "Events in order", body = Object),
              (status = 404, body = Problem)))]
pub async fn timeline(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
    ApiQuery(p): ApiQuery<Purpose>,
) -> ApiResult<Json<Value>> {
    let detail = detail(&state, &actor, &id, &p).await?;
    Ok(Json(
        serde_json::json!({ "case_id": detail.summary.case_id, "timeline": detail.timeline }),
    ))
}

/// The victim's view of their own case: what the plan promises, what has been done, what is
/// next, and who has looked at the case.
#[utoipa::path(get, path = "/cases/{case_id}/victim-view", tag = "cases", params(("case_id" = String, Path)),
    responses((status = 200, description = "The victim's view", body = Object),
              (status = 404, body = Problem)))]
pub async fn victim_view(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    let id = case_id(&id)?;
    let view = state.app().victim_view(&actor, &id, state.now()).await?;
    Ok(Json(to_json(view)?))
}

/// Who collected, consulted or altered the case's data, when and why.
#[utoipa::path(get, path = "/cases/{case_id}/access-log", tag = "cases", params(("case_id" = String, Path)),
    responses((status = 200, description = "Access entries", body = Object),
              (status = 404, body = Problem)))]
pub async fn access_log(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    let id = case_id(&id)?;
    let entries = state.app().access_log(&actor, &id, state.now()).await?;
    Ok(Json(
        serde_json::json!({ "case_id": id, "entries": entries }),
    ))
}
