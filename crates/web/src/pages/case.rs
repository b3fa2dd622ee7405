//! The case page: summary, the plan point by point with each obligation's state, owner,
//! due and done times and a short form to complete it; the timeline; who accessed the case.
//! Every step form posts to `/cases/{id}/steps/{step}`, which calls `App::record_step`; a
//! refusal by a rule of the plan is shown in the plan's own words.

use super::error::PageError;
use super::form::{ErrorItem, FormField};
use super::layout::Layout;
use super::session::{Fields, PageForm, PageUser};
use super::steps;
use super::words;
use crate::api::body::to_event_kind;
use crate::api::steps::step_types;
use crate::problem::{Problem, RuleProblem};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pledge_app::{Actor, AppError, CaseDetail};
use pledge_domain::EventType;
use pledge_store::CaseId;
use serde::Deserialize;
use serde_json::Value;

/// A step's short form.
pub struct StepForm {
    /// Unique on the page; prefixes the fields' ids.
    pub key: String,
    /// Where it posts.
    pub action: String,
    /// The button's words.
    pub button: String,
    /// Its fields.
    pub fields: Vec<FormField>,
    /// Where to come back to (an anchor on the page).
    pub back: String,
}

/// One obligation as shown.
pub struct ObligationRow {
    /// Anchor id.
    pub anchor: String,
    /// What must be done.
    pub title: String,
    /// State in words.
    pub state: &'static str,
    /// Tag colour class.
    pub tag: &'static str,
    /// Owner in words.
    pub owner: String,
    /// Due, in words and as a time.
    pub due: String,
    /// Done, as a time ("" when not done).
    pub done: String,
    /// Why it does not apply, or the waiver.
    pub note: String,
    /// The forms that complete it (open obligations only).
    pub forms: Vec<StepForm>,
}

/// One point of the plan.
pub struct PointRow {
    /// Number or letter.
    pub number: String,
    /// Title.
    pub title: String,
    /// Verdict in words.
    pub verdict: String,
    /// Obligations.
    pub obligations: Vec<ObligationRow>,
}

/// A timeline entry.
pub struct EventRow {
    /// When.
    pub at: String,
    /// Who.
    pub by: String,
    /// What, in words.
    pub what: String,
    /// Its details as (name, value).
    pub details: Vec<(String, String)>,
}

/// An access log entry.
pub struct AccessRow {
    /// When.
    pub at: String,
    /// Who.
    pub who: String,
    /// What they did.
    pub action: String,
    /// What they looked at or changed.
    pub what: String,
    /// Why.
    pub why: String,
}

/// The case page.
#[derive(Template, WebTemplate)]
#[template(path = "case.html")]
pub struct CasePage {
    /// Layout.
    pub layout: Layout,
    /// Case id.
    pub case_id: String,
    /// Summary rows (label, value).
    pub summary: Vec<(String, String)>,
    /// What happened, as recorded.
    pub what_happened: String,
    /// The plan, `id@version`.
    pub plan: String,
    /// Points.
    pub points: Vec<PointRow>,
    /// Timeline.
    pub timeline: Vec<EventRow>,
    /// Who accessed the case (None: not for this person).
    pub access: Option<Vec<AccessRow>>,
    /// Errors of a failed step.
    pub errors: Vec<ErrorItem>,
    /// A refusal by a rule of the plan.
    pub rule: Option<RuleProblem>,
    /// A step recorded just now.
    pub recorded: String,
}

/// A step that failed, to show again with its answers.
pub struct Failed {
    /// The form's key.
    pub key: String,
    /// The answers.
    pub answers: Fields,
    /// Field errors.
    pub errors: Vec<(String, String)>,
    /// The rule that refused it.
    pub rule: Option<RuleProblem>,
}

/// The people a person may choose from (empty when they may not read the directory).
pub(super) async fn people(state: &AppState, actor: &Actor) -> Vec<(String, String)> {
    match state.app().people_of_force(actor, state.now()).await {
        Ok(people) => people.into_iter().map(|p| (p.id, p.name)).collect(),
        Err(_) => Vec::new(),
    }
}

/// A case id from the path; an impossible id is simply not found.
pub(super) fn case_id(raw: &str) -> Result<CaseId, PageError> {
    CaseId::parse(raw).map_err(|_| PageError::NotFound)
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => words::words(s),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Null => "–".into(),
        Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{}: {}", words::words(k), scalar(v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn step_form(
    case_id: &str,
    t: EventType,
    key: String,
    back: &str,
    people: &[(String, String)],
    failed: Option<&Failed>,
) -> StepForm {
    let mine = failed.filter(|f| f.key == key);
    let (button, _) = steps::spec(t);
    StepForm {
        fields: steps::fields(
            t,
            &key,
            people,
            mine.map(|f| &f.answers),
            mine.map(|f| f.errors.as_slice()).unwrap_or(&[]),
        ),
        action: format!("/cases/{case_id}/steps/{}", t.as_str()),
        button: button.to_owned(),
        key,
        back: back.to_owned(),
    }
}

async fn build(
    state: &AppState,
    user: &PageUser,
    detail: CaseDetail,
    failed: Option<Failed>,
    recorded: String,
) -> CasePage {
    let now = state.now();
    let s = &detail.summary;
    let id = s.case_id.to_string();
    let people = people(state, &user.actor).await;
    let plan = state.app().plan(&s.plan_id, s.plan_version);
    let mut points = Vec::new();
    for p in &detail.evaluation.points {
        let mut obligations = Vec::new();
        for o in &p.obligations {
            let anchor = format!("ob-{}-{}", o.id, o.instance);
            let (state_words, tag) = words::state(o.state);
            let mut forms = Vec::new();
            if !o.state.is_settled()
                && let Some(plan) = &plan
                && let Some(def) = plan.obligations.iter().find(|d| d.id == o.id)
            {
                let mut seen = Vec::new();
                for c in &def.completed_by {
                    if seen.contains(&c.event) {
                        continue;
                    }
                    seen.push(c.event);
                    let key = format!("{anchor}-{}", c.event.as_str());
                    forms.push(step_form(
                        &id,
                        c.event,
                        key,
                        &anchor,
                        &people,
                        failed.as_ref(),
                    ));
                }
            }
            let note = if let Some(w) = &o.waiver {
                format!("Waived by {} on {}: {}", w.by, words::when(w.at), w.reason)
            } else {
                o.not_applicable_because.clone().unwrap_or_default()
            };
            obligations.push(ObligationRow {
                title: o.title.clone(),
                state: state_words,
                tag,
                owner: match &o.owner_person {
                    Some(p) => format!("{} ({p})", words::words(o.owner.as_str())),
                    None => words::words(o.owner.as_str()),
                },
                due: if o.state.is_settled() {
                    words::when_opt(o.due_at)
                } else {
                    format!(
                        "{} ({})",
                        words::due(o.due_at, now),
                        words::when_opt(o.due_at)
                    )
                },
                done: o.completed_at.map(words::when).unwrap_or_default(),
                note,
                forms,
                anchor,
            });
        }
        points.push(PointRow {
            number: p.number.clone(),
            title: p.title.clone(),
            verdict: words::words(
                &serde_json::to_value(p.verdict)
                    .map(|v| scalar(&v))
                    .unwrap_or_default(),
            ),
            obligations,
        });
    }
    let what_happened = detail
        .timeline
        .first()
        .and_then(|e| e.data.get("summary"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let timeline = detail
        .timeline
        .iter()
        .map(|e| EventRow {
            at: words::when(e.at),
            by: e.by.clone(),
            what: words::words(e.event_type.as_str()),
            details: match &e.data {
                Value::Object(o) if o.get("confidential") == Some(&Value::Bool(true)) => {
                    vec![("Detail".into(), "confidential to welfare".into())]
                }
                Value::Object(o) => o
                    .iter()
                    .filter(|(k, v)| {
                        *k != "plan"
                            && !matches!(v, Value::Null)
                            && v.as_array().is_none_or(|a| !a.is_empty())
                    })
                    .map(|(k, v)| (words::words(k), scalar(v)))
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect();
    let access = state
        .app()
        .access_log(&user.actor, &s.case_id, now)
        .await
        .ok()
        .map(|entries| {
            entries
                .into_iter()
                .rev()
                .take(100)
                .map(|a| AccessRow {
                    at: words::when(a.entry.at),
                    who: a.entry.actor,
                    action: a.entry.action.as_str().to_owned(),
                    what: a.entry.what,
                    why: a.entry.justification,
                })
                .collect()
        });
    let summary = vec![
        ("Happened".to_owned(), words::when(s.occurred_at)),
        ("Reported".to_owned(), words::when(s.reported_at)),
        ("Unit".to_owned(), s.unit.clone()),
        ("Victims".to_owned(), s.victims.join(", ")),
        ("Supervisor".to_owned(), s.supervisor.clone()),
        (
            "Officer in the case".to_owned(),
            s.oic.clone().unwrap_or_else(|| "Not assigned yet".into()),
        ),
        (
            "Injury".to_owned(),
            format!(
                "{}{}",
                words::words(&s.injury),
                if s.hospitalised { ", hospitalised" } else { "" }
            ),
        ),
        (
            "Hate crime".to_owned(),
            if s.hate_crime.is_empty() {
                "No".into()
            } else {
                s.hate_crime
                    .iter()
                    .map(|h| words::words(h))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
        ("Status".to_owned(), s.status.clone()),
    ];
    let (errors, rule) = match &failed {
        Some(f) => (
            f.errors
                .iter()
                .map(|(field, m)| ErrorItem {
                    href: format!("#{}-{}", f.key, field),
                    message: m.clone(),
                })
                .collect(),
            f.rule.clone(),
        ),
        None => (Vec::new(), None),
    };
    let has_errors = !errors.is_empty() || rule.is_some();
    CasePage {
        layout: user
            .layout(&format!("Case {id}"), "/cases")
            .with_errors(has_errors),
        case_id: id,
        summary,
        what_happened,
        plan: detail.evaluation.plan.clone(),
        points,
        timeline,
        access,
        errors,
        rule,
        recorded,
    }
}

/// Query of the case page.
#[derive(Debug, Deserialize)]
pub struct CaseQuery {
    /// The step just recorded.
    recorded: Option<String>,
}

/// `GET /cases/{case_id}`.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Path(raw): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let layout = user.layout("Case", "/cases");
    let result = async {
        let id = case_id(&raw)?;
        let detail = state
            .app()
            .case(&user.actor, &id, state.now(), None)
            .await?;
        let recorded = q
            .recorded
            .as_deref()
            .and_then(EventType::parse)
            .map(|t| steps::spec(t).0.trim_start_matches("Record ").to_owned())
            .map(|w| format!("Saved: {w}."))
            .unwrap_or_default();
        Ok::<_, PageError>(build(&state, &user, detail, None, recorded).await)
    }
    .await;
    match result {
        Ok(page) => page.into_response(),
        Err(e) => e.page(layout),
    }
}

/// The outcome of recording a step from a form.
pub(super) enum Recorded {
    /// Saved.
    Saved,
    /// Not saved: show the form again.
    Failed(Box<Failed>),
}

/// Turns a form into a step and records it through `App::record_step`.
pub(super) async fn record_from_form(
    state: &AppState,
    user: &PageUser,
    id: &CaseId,
    t: EventType,
    form: &Fields,
) -> Result<Recorded, PageError> {
    let key = form.get("form_key").to_owned();
    let failed = |errors: Vec<(String, String)>, rule: Option<RuleProblem>| {
        Recorded::Failed(Box::new(Failed {
            key: key.clone(),
            answers: form.clone(),
            errors,
            rule,
        }))
    };
    let body = match steps::body(t, form) {
        Ok(b) => b,
        Err(errors) => return Ok(failed(errors, None)),
    };
    let kind = match to_event_kind(t.as_str(), body) {
        Ok(k) => k,
        Err(p) => {
            return Ok(failed(
                p.errors
                    .iter()
                    .map(|e| (e.field.clone(), e.message.clone()))
                    .collect(),
                None,
            ));
        }
    };
    match state
        .app()
        .record_step(&user.actor, id, None, None, kind, state.now())
        .await
    {
        Ok(_) => Ok(Recorded::Saved),
        Err(AppError::Refused(pledge_domain::Refusal::Rule(v))) => {
            Ok(failed(Vec::new(), Some(RuleProblem::from(v.as_ref()))))
        }
        Err(AppError::Refused(pledge_domain::Refusal::Invalid { field, message }))
        | Err(AppError::Invalid { field, message }) => Ok(failed(vec![(field, message)], None)),
        Err(e) => Err(e.into()),
    }
}

pub(super) fn step_type(raw: &str) -> Result<EventType, PageError> {
    EventType::parse(raw)
        .filter(|t| step_types().any(|s| s == *t))
        .ok_or(PageError::NotFound)
}

/// `POST /cases/{case_id}/steps/{step}`.
pub async fn record_step(
    State(state): State<AppState>,
    Path((raw, step)): Path<(String, String)>,
    form: PageForm,
) -> Response {
    let user = &form.user;
    let layout = user.layout("Case", "/cases");
    let result = async {
        let id = case_id(&raw)?;
        let t = step_type(&step)?;
        match record_from_form(&state, user, &id, t, &form.fields).await? {
            Recorded::Saved => {
                let back = form.fields.get("back");
                let anchor = if back
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    && !back.is_empty()
                {
                    format!("#{back}")
                } else {
                    String::new()
                };
                Ok::<Response, PageError>(
                    Redirect::to(&format!("/cases/{id}?recorded={}{anchor}", t.as_str()))
                        .into_response(),
                )
            }
            Recorded::Failed(failed) => {
                let detail = state
                    .app()
                    .case(&user.actor, &id, state.now(), None)
                    .await?;
                let mut page = build(&state, user, detail, Some(*failed), String::new()).await;
                if page.rule.is_none() && page.errors.is_empty() {
                    page.errors.push(ErrorItem {
                        href: "#main-content".into(),
                        message: "The step could not be saved".into(),
                    });
                }
                Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
            }
        }
    }
    .await;
    match result {
        Ok(r) => r,
        Err(e) => e.page(layout),
    }
}

/// The page to record any step.
#[derive(Template, WebTemplate)]
#[template(path = "record_step.html")]
pub struct RecordStepPage {
    /// Layout.
    pub layout: Layout,
    /// Case id.
    pub case_id: String,
    /// The chooser.
    pub chooser: FormField,
    /// The chosen step's form.
    pub form: Option<StepForm>,
}

/// Query of the record-a-step page.
#[derive(Debug, Deserialize)]
pub struct StepQuery {
    /// The chosen step.
    step: Option<String>,
}

/// `GET /cases/{case_id}/record?step=`: any step, chosen from a list.
pub async fn record_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(raw): Path<String>,
    Query(q): Query<StepQuery>,
) -> Response {
    let layout = user.layout("Record a step", "/cases");
    let result = async {
        let id = case_id(&raw)?;
        // Reading the case checks the person may see it (and logs the access).
        state
            .app()
            .case(&user.actor, &id, state.now(), None)
            .await?;
        let chosen = q.step.as_deref().and_then(|s| step_type(s).ok());
        let chooser = FormField::new("", "step", "Which step?", "select")
            .options_owned(
                step_types().map(|t| (t.as_str().to_owned(), steps::spec(t).0.to_owned())),
            )
            .value(chosen.map(EventType::as_str).unwrap_or(""));
        let people = people(&state, &user.actor).await;
        let id_s = id.to_string();
        let form =
            chosen.map(|t| step_form(&id_s, t, format!("any-{}", t.as_str()), "", &people, None));
        Ok::<_, PageError>(RecordStepPage {
            layout: layout.clone(),
            case_id: id_s,
            chooser,
            form,
        })
    }
    .await;
    match result {
        Ok(p) => p.into_response(),
        Err(e) => e.page(layout),
    }
}

impl From<Box<Problem>> for PageError {
    fn from(p: Box<Problem>) -> Self {
        PageError::from(*p)
    }
}
