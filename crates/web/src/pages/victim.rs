//! The victim's view of their own case, in plain language: what the plan promises, what has
//! been done and when, what is next and by when, how often they want updates, asking to make
//! a Victim Personal Statement, who has looked at their case, and where to find support.
//! Nothing confidential about anyone else is shown (`App::victim_view` decides what is in it).

use super::case::{Recorded, case_id, record_from_form};
use super::error::PageError;
use super::form::{ErrorItem, FormField};
use super::layout::Layout;
use super::session::{PageForm, PageUser};
use super::victim_words;
use super::words;
use crate::problem::RuleProblem;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pledge_domain::EventType;

/// How often a victim may ask to be updated: the choices people make, not a number of days.
const FREQUENCIES: &[(&str, &str)] = &[
    ("7", "Every week"),
    ("14", "Every two weeks"),
    ("28", "Every four weeks"),
];

/// A promise as the victim reads it.
pub struct Promise {
    /// What was promised, in the victim's words.
    pub title: String,
    /// When it was done, or when it is due (in words).
    pub when: String,
    /// Met late, overdue, ... in the domain's words.
    pub state: String,
    /// Tag colour.
    pub tag: &'static str,
}

/// Someone who looked at the case.
pub struct Look {
    /// When.
    pub at: String,
    /// Who.
    pub who: String,
    /// Why.
    pub why: String,
}

/// A part of a report the plan asks of the victim, with its form.
pub struct OwnPartForm {
    /// The report's system, sent back.
    pub system: String,
    /// What the plan asks.
    pub title: String,
    /// By when, in words.
    pub due: String,
    /// Give or decline.
    pub declined: FormField,
    /// What they add.
    pub note: FormField,
}

/// The victim's page.
#[derive(Template, WebTemplate)]
#[template(path = "victim.html")]
pub struct VictimPage {
    /// Layout.
    pub layout: Layout,
    /// Case id.
    pub case_id: String,
    /// The plan's title.
    pub plan_title: String,
    /// When the assault happened.
    pub happened: String,
    /// When it was reported, and by whom.
    pub reported: String,
    /// The officer in the case by name (empty: not assigned yet).
    pub officer: String,
    /// The officer's work email (empty: none held).
    pub officer_email: String,
    /// The supervisor looking after the victim's welfare, by name.
    pub supervisor: String,
    /// Update frequency in words.
    pub updates: String,
    /// Done.
    pub done: Vec<Promise>,
    /// Next.
    pub next: Vec<Promise>,
    /// Who looked.
    pub looks: Vec<Look>,
    /// The update-frequency form's field.
    pub frequency: FormField,
    /// The victim's view on the outcome.
    pub view: FormField,
    /// A note with a request to make a Victim Personal Statement.
    pub vps_note: FormField,
    /// The victim's own parts of reports still to give.
    pub own_parts: Vec<OwnPartForm>,
    /// The victim's own person id (their part names them).
    pub me: String,
    /// Errors.
    pub errors: Vec<ErrorItem>,
    /// A rule refusal.
    pub rule: Option<RuleProblem>,
    /// Saved just now.
    pub saved: bool,
}

async fn build(
    state: &AppState,
    user: &PageUser,
    raw: &str,
    error: Option<(&'static str, String)>,
    rule: Option<RuleProblem>,
    saved: bool,
) -> Result<VictimPage, PageError> {
    let id = case_id(raw)?;
    let now = state.now();
    let v = state.app().victim_view(&user.actor, &id, now).await?;
    let promise = |p: &pledge_app::VictimPromise| {
        let (state_words, tag) = words::state(p.state);
        Promise {
            title: victim_words::promise(&p.obligation, &p.title),
            when: match p.done_at {
                Some(d) => format!("Done {}", words::when(d)),
                None => match p.due_at {
                    Some(due) => format!(
                        "{} ({})",
                        words::sentence(&words::due(Some(due), now)),
                        words::when(due)
                    ),
                    None => "When it becomes needed".to_owned(),
                },
            },
            state: state_words,
            tag,
        }
    };
    let me = match &user.actor {
        pledge_app::Actor::Person { id, .. } => id.clone(),
        pledge_app::Actor::System { .. } => String::new(),
    };
    let errors = error
        .iter()
        .map(|(field, m)| ErrorItem {
            href: format!("#{field}"),
            message: m.clone(),
        })
        .collect::<Vec<_>>();
    let error_for = |field: &str| {
        error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
    };
    let has_errors = !errors.is_empty() || rule.is_some();
    Ok(VictimPage {
        layout: user.layout("Your case", "/").with_errors(has_errors),
        case_id: v.case_id.to_string(),
        plan_title: v.plan_title.clone(),
        happened: words::when(v.occurred_at),
        reported: format!(
            "{} by {}",
            words::when(v.reported_at),
            if v.reported_by.id == me {
                "you".to_owned()
            } else {
                v.reported_by.name.clone()
            }
        ),
        officer: v.officer.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        officer_email: v
            .officer
            .as_ref()
            .and_then(|o| o.email.clone())
            .unwrap_or_default(),
        supervisor: v.supervisor.name.clone(),
        updates: match v.update_every_days {
            Some(7) => "every week".into(),
            Some(14) => "every two weeks".into(),
            Some(28) => "every four weeks".into(),
            Some(1) => "every day".into(),
            Some(d) => format!("every {d} days"),
            None => "at least every four weeks (you have not chosen how often)".into(),
        },
        done: v.done.iter().map(promise).collect(),
        next: v.next.iter().map(promise).collect(),
        looks: v
            .accessed_by
            .iter()
            .rev()
            .take(50)
            .map(|a| Look {
                at: words::when(a.entry.at),
                who: match v.accessed_by_names.get(&a.entry.actor) {
                    Some(name) if *name == a.entry.actor => name.clone(),
                    Some(name) => format!("{name} ({})", a.entry.actor),
                    None => "An automated system of your force".to_owned(),
                },
                why: a.entry.justification.clone(),
            })
            .collect(),
        frequency: FormField::new("", "every_days", "How often would you like an update?", "radios")
            .options(FREQUENCIES.iter().copied())
            .value(
                &v.update_every_days
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            )
            .error(error_for("every_days")),
        view: FormField::new("", "view", "Your view on the outcome", "textarea")
            .hint(
                "For example whether you want the person charged, or would accept a caution or \
             community resolution. The officer in your case must hear your view before an \
             outcome is decided.",
            )
            .error(error_for("view")),
        vps_note: FormField::new(
            "",
            "note",
            "Anything the officer should know (optional)",
            "textarea",
        )
        .hint("For example the best way and time to contact you")
        .error(error_for("note")),
        own_parts: v
            .own_parts
            .iter()
            .map(|p| OwnPartForm {
                system: p.system.clone(),
                title: p.title.clone(),
                due: format!("{} ({})", words::due(p.due_at, now), words::when_opt(p.due_at)),
                declined: FormField::new(&p.system, "declined", "What would you like to do?", "radios")
                    .options([
                        ("no", "Give my part: the details below go to my supervisor for the report"),
                        ("yes", "Decline to contribute (your choice is recorded, and your part is done)"),
                    ])
                    .value("no")
                    .error(error_for("declined")),
                note: FormField::new(&p.system, "note", "What happened to you, in your words", "textarea")
                    .hint("For example your injuries, what you needed treatment for, and any time off work")
                    .error(error_for("note")),
            })
            .collect(),
        me,
        errors,
        rule,
        saved,
    })
}

/// Query of the victim's page.
#[derive(Debug, serde::Deserialize)]
pub struct VictimQuery {
    /// Saved just now.
    saved: Option<String>,
}

/// `GET /cases/{case_id}/victim`.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Path(raw): Path<String>,
    axum::extract::Query(q): axum::extract::Query<VictimQuery>,
) -> Response {
    match build(&state, &user, &raw, None, None, q.saved.is_some()).await {
        Ok(p) => p.into_response(),
        Err(e) => e.page(user.layout("Your case", "/")),
    }
}

/// `POST /cases/{case_id}/victim/{step}`: the victim's own choices (the update frequency),
/// their view on the outcome, and asking to make a Victim Personal Statement.
pub async fn record_step(
    State(state): State<AppState>,
    Path((raw, step)): Path<(String, String)>,
    form: PageForm,
) -> Response {
    let user = &form.user;
    let result = async {
        let id = case_id(&raw)?;
        let (t, field, hint) = match step.as_str() {
            "update_frequency_chosen" => (
                EventType::UpdateFrequencyChosen,
                "every_days",
                "Choose how often you would like an update",
            ),
            "victim_view_recorded" => (
                EventType::VictimViewRecorded,
                "view",
                "Enter your view on the outcome",
            ),
            "vps_requested" => (EventType::VpsRequested, "note", "Check what you wrote"),
            "safety_report_contributed" => (
                EventType::SafetyReportContributed,
                "declined",
                "Choose whether to give your part or decline",
            ),
            _ => return Err(PageError::NotFound),
        };
        match record_from_form(&state, user, &id, t, &form.fields).await? {
            Recorded::Saved => {
                Ok(Redirect::to(&format!("/cases/{id}/victim?saved=1")).into_response())
            }
            Recorded::Failed(f) => {
                // A one-question form: whatever the domain found wrong with the answer, the
                // victim is asked in the page's own plain words.
                let msg = f.rule.is_none().then(|| (field, hint.to_owned()));
                let page = build(&state, user, &raw, msg, f.rule, false).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
            }
        }
    }
    .await;
    match result {
        Ok(r) => r,
        Err(e) => e.page(user.layout("Your case", "/")),
    }
}
