//! The case page: summary, then the plan point by point as a GOV.UK task list (each
//! obligation's state, owner by name, due or done time in words, each linking to its own page
//! with the form that completes it); obligations that do not apply folded away under each
//! point; the timeline; who accessed the case. Every step form posts to
//! `/cases/{id}/steps/{step}`, which calls `App::record_step`; a refusal by a rule of the plan
//! is shown in the plan's own words on the form's page, and a saved step returns here with
//! the success banner beside the obligation it completed.

use super::error::PageError;
use super::form::{ErrorItem, FormField};
use super::layout::Layout;
use super::session::{Fields, PageForm, PageUser};
use super::step_pages;
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
use pledge_domain::evaluate::{ObligationView, Pending};
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

/// One obligation as a task list item.
pub struct ObligationRow {
    /// Anchor id (`ob-<obligation>-<instance>`), the same the "My tasks" links use.
    pub anchor: String,
    /// Its own page, with the form that completes it.
    pub href: String,
    /// What must be done.
    pub title: String,
    /// State in the domain's words.
    pub state: String,
    /// Tag colour class.
    pub tag: &'static str,
    /// Owner: name, role and collar number.
    pub owner: String,
    /// Due or done, in words.
    pub when: String,
    /// Why it does not apply, the waiver, or what starts its clock.
    pub note: String,
}

/// One point of the plan.
pub struct PointRow {
    /// `c. <title>`.
    pub label: String,
    /// Anchor id.
    pub anchor: String,
    /// Verdict in words.
    pub verdict: String,
    /// Obligations that apply.
    pub obligations: Vec<ObligationRow>,
    /// Obligations that do not apply (or were waived), shown folded.
    pub set_aside: Vec<ObligationRow>,
    /// The success banner shows at the top of this point (the step saved completed one of
    /// its obligations).
    pub saved_here: bool,
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
    /// Case id (its reference).
    pub case_id: String,
    /// Summary rows (label, value).
    pub summary: Vec<(String, String)>,
    /// What happened, as recorded.
    pub what_happened: String,
    /// The plan, `<title>, version <n>`.
    pub plan: String,
    /// Open tasks (with a due time) and overdue ones, in words.
    pub counts: String,
    /// Points.
    pub points: Vec<PointRow>,
    /// Timeline.
    pub timeline: Vec<EventRow>,
    /// Who accessed the case (None: not for this person).
    pub access: Option<Vec<AccessRow>>,
    /// A step recorded just now, in words.
    pub recorded: String,
    /// The saved banner goes above the points (no obligation named, or not found).
    pub saved_on_top: bool,
    /// Whether this person may open the case's TRM briefing (the policy's answer).
    pub trm_link: bool,
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

pub(super) fn step_form(
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

/// A person named in a case: `DC Priya Shah (DC-3020)`, or their id when the directory does
/// not know them.
pub(super) fn named(detail: &CaseDetail, id: &str) -> String {
    match detail.people.get(id) {
        Some(c) if c.name != id => format!("{} ({id})", c.name),
        _ => id.to_owned(),
    }
}

/// An obligation's owner: `DC Priya Shah, officer in the case (DC-3020)`.
pub(super) fn owner(detail: &CaseDetail, o: &ObligationView) -> String {
    let role = words::role(o.owner);
    match &o.owner_person {
        Some(id) => match detail.people.get(id) {
            Some(c) if c.name != *id => format!("{}, {role} ({id})", c.name),
            _ => format!("{id}, {role}"),
        },
        None if o.owner == pledge_domain::plan::Role::OfficerInCase => {
            "The officer in the case (not assigned yet)".to_owned()
        }
        None => words::sentence(role),
    }
}

/// Due or done, in words: `due in 3 hours (Tue 24 Nov 2026, 10:00)`, `done Tue 24 Nov ...`.
pub(super) fn when(o: &ObligationView, now: jiff::Timestamp) -> String {
    if let Some(done) = o.completed_at {
        return format!("Done {}", words::when(done));
    }
    if o.state.is_settled() {
        return String::new();
    }
    match (o.due_at, o.pending) {
        (Some(due), _) => format!(
            "{} ({})",
            words::sentence(&words::due(Some(due), now)),
            words::when(due)
        ),
        (None, Pending::ClockNotStarted(e)) => format!(
            "Starts when this is recorded: {}",
            steps::spec(e).0.trim_start_matches("Record ")
        ),
        (None, Pending::BeforeStep) => "Due before a later step of the case".to_owned(),
        (None, Pending::NoMeetingScheduled) => {
            "Due at the next meeting, when one is scheduled".to_owned()
        }
        (None, _) => "Recorded when it happens".to_owned(),
    }
}

/// Why an obligation is set aside: not applicable, or waived.
pub(super) fn note(o: &ObligationView, detail: &CaseDetail) -> String {
    if let Some(w) = &o.waiver {
        format!(
            "Waived by {} on {}: {}",
            named(detail, &w.by),
            words::when(w.at),
            w.reason
        )
    } else {
        o.not_applicable_because.clone().unwrap_or_default()
    }
}

/// A point as people cite it: `c. The assaulted officer must never ...`.
pub(super) fn point_label(number: &str, title: &str) -> String {
    format!("{number}. {title}")
}

/// The anchor of an obligation (instance) on the case page.
pub(super) fn anchor(o: &ObligationView) -> String {
    format!("ob-{}-{}", o.id, o.instance)
}

async fn build(
    state: &AppState,
    user: &PageUser,
    detail: CaseDetail,
    recorded: String,
    saved_at: Option<&str>,
) -> CasePage {
    let now = state.now();
    let s = &detail.summary;
    let id = s.case_id.to_string();
    let mut points = Vec::new();
    let mut saved_on_top = !recorded.is_empty();
    let (mut open, mut overdue) = (0, 0);
    for p in &detail.evaluation.points {
        let mut obligations = Vec::new();
        let mut set_aside = Vec::new();
        let mut saved_here = false;
        for o in &p.obligations {
            let anchor = anchor(o);
            if saved_at == Some(anchor.as_str()) && !recorded.is_empty() {
                saved_here = true;
                saved_on_top = false;
            }
            // Only what has a due time is an open task: an obligation waiting for its
            // clock to start asks nothing of anyone yet.
            if !o.state.is_settled() && o.due_at.is_some() {
                open += 1;
            }
            if o.state == pledge_domain::State::Overdue {
                overdue += 1;
            }
            let (state_words, tag) = words::state(o.state);
            let row = ObligationRow {
                href: format!("/cases/{id}/obligations/{}/{}", o.id, o.instance),
                title: o.title.clone(),
                state: state_words,
                tag,
                owner: owner(&detail, o),
                when: when(o, now),
                note: note(o, &detail),
                anchor,
            };
            if matches!(
                o.state,
                pledge_domain::State::NotApplicable | pledge_domain::State::Waived
            ) {
                set_aside.push(row);
            } else {
                obligations.push(row);
            }
        }
        points.push(PointRow {
            label: point_label(&p.number, &p.title),
            anchor: format!("point-{}", p.number),
            verdict: words::sentence(&words::words(
                &serde_json::to_value(p.verdict)
                    .map(|v| scalar(&v))
                    .unwrap_or_default(),
            )),
            obligations,
            set_aside,
            saved_here,
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
            by: named(&detail, &e.by),
            what: words::sentence(&words::words(e.event_type.as_str())),
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
                    .map(|(k, v)| {
                        let value = match v {
                            Value::String(p) if detail.people.contains_key(p) => named(&detail, p),
                            Value::String(u) if *u == s.unit => detail.unit_name.clone(),
                            _ => scalar(v),
                        };
                        (words::sentence(&words::words(k)), value)
                    })
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
                    who: named(&detail, &a.entry.actor),
                    action: words::sentence(a.entry.action.as_str()),
                    what: a.entry.what,
                    why: a.entry.justification,
                })
                .collect()
        });
    let list = |ids: &[String]| {
        ids.iter()
            .map(|v| named(&detail, v))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let summary = vec![
        ("Happened".to_owned(), words::when(s.occurred_at)),
        ("Reported".to_owned(), words::when(s.reported_at)),
        ("Unit".to_owned(), detail.unit_name.clone()),
        (
            if s.victims.len() == 1 {
                "Victim"
            } else {
                "Victims"
            }
            .to_owned(),
            list(&s.victims),
        ),
        ("Supervisor".to_owned(), named(&detail, &s.supervisor)),
        (
            "Officer in the case".to_owned(),
            s.oic
                .as_deref()
                .map(|o| named(&detail, o))
                .unwrap_or_else(|| "Not assigned yet".into()),
        ),
        (
            "Injury".to_owned(),
            format!(
                "{}{}",
                words::sentence(&words::words(&s.injury)),
                if s.hospitalised { ", hospitalised" } else { "" }
            ),
        ),
        (
            "Hate crime".to_owned(),
            if s.hate_crime.is_empty() {
                "No".into()
            } else {
                words::sentence(
                    &s.hate_crime
                        .iter()
                        .map(|h| words::words(h))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            },
        ),
        (
            "Case".to_owned(),
            if s.status == "closed" {
                "Closed"
            } else {
                "Open"
            }
            .to_owned(),
        ),
    ];
    let plan = match state.app().plan(&s.plan_id, s.plan_version) {
        Some(p) => format!("{}, version {}", p.title, p.version),
        None => format!("{}, version {}", s.plan_id, s.plan_version),
    };
    // A link to the TRM briefing only for those the policy lets read it; an error in asking
    // is no link (the page itself is not refused for it).
    let trm_link = state
        .app()
        .may_see_trm_briefing(&user.actor, &s.case_id)
        .await
        .unwrap_or(false);
    CasePage {
        trm_link,
        layout: user.layout(&format!("Case {id}"), "/cases"),
        case_id: id,
        summary,
        what_happened,
        plan,
        counts: format!(
            "{open} open task{}, {overdue} overdue.",
            if open == 1 { "" } else { "s" }
        ),
        points,
        timeline,
        access,
        recorded,
        saved_on_top,
    }
}

/// Query of the case page.
#[derive(Debug, Deserialize)]
pub struct CaseQuery {
    /// The step just recorded.
    recorded: Option<String>,
    /// The obligation (anchor) it was recorded from.
    ob: Option<String>,
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
            .map(steps::done_words)
            .unwrap_or_default();
        Ok::<_, PageError>(build(&state, &user, detail, recorded, q.ob.as_deref()).await)
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

/// An anchor sent back by a form, if it is one this page could have made.
fn safe_anchor(back: &str) -> Option<&str> {
    (!back.is_empty()
        && back.len() <= 120
        && back
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then_some(back)
}

/// `POST /cases/{case_id}/steps/{step}`. Saved: back to the case page, to the point of the
/// obligation the form was opened from, with the success banner there (in view). Not saved:
/// the form's own page again, with the answers and what was wrong.
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
        let back = safe_anchor(form.fields.get("back"));
        match record_from_form(&state, user, &id, t, &form.fields).await? {
            Recorded::Saved => {
                let to = match back {
                    Some(b) => format!("/cases/{id}?recorded={}&ob={b}#saved", t.as_str()),
                    None => format!("/cases/{id}?recorded={}#saved", t.as_str()),
                };
                Ok::<Response, PageError>(Redirect::to(&to).into_response())
            }
            Recorded::Failed(failed) => {
                let page = step_pages::again(&state, user, &id, t, back, *failed).await?;
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

/// The errors of a failed step, for the error summary (each linking to its field).
pub(super) fn errors_of(failed: Option<&Failed>) -> Vec<ErrorItem> {
    let Some(f) = failed else {
        return Vec::new();
    };
    let mut errors: Vec<ErrorItem> = f
        .errors
        .iter()
        .map(|(field, m)| ErrorItem {
            href: format!("#{}-{}", f.key, field),
            message: m.clone(),
        })
        .collect();
    if errors.is_empty() && f.rule.is_none() {
        errors.push(ErrorItem {
            href: "#main-content".into(),
            message: "The step could not be saved".into(),
        });
    }
    errors
}

impl From<Box<Problem>> for PageError {
    fn from(p: Box<Problem>) -> Self {
        PageError::from(*p)
    }
}
