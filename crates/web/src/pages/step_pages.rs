//! The pages that hold step forms, one job each: an obligation's own page (what it asks,
//! who owns it, by when, and the form that meets it, or the step that starts its clock) and
//! "Record a step" (the steps that make sense now, grouped by plan point, as the domain's
//! `next_steps` says). Both post to `/cases/{id}/steps/{step}` (see `case::record_step`),
//! and both are shown again with the answers when a step is not saved.

use super::case::{
    Failed, StepForm, anchor, case_id, errors_of, note, owner, people, point_label, step_form,
    step_type, when,
};
use super::error::PageError;
use super::form::ErrorItem;
use super::layout::Layout;
use super::session::PageUser;
use super::steps;
use super::words;
use crate::api::steps::step_types;
use crate::problem::RuleProblem;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use pledge_app::CaseDetail;
use pledge_domain::EventType;
use pledge_domain::evaluate::{Pending, next_steps};
use pledge_store::CaseId;
use serde::Deserialize;

/// An obligation's own page.
#[derive(Template, WebTemplate)]
#[template(path = "obligation.html")]
pub struct ObligationPage {
    /// Layout.
    pub layout: Layout,
    /// Case id.
    pub case_id: String,
    /// `c. <title>` of its point.
    pub point: String,
    /// What must be done.
    pub title: String,
    /// State in words and its tag colour.
    pub state: String,
    /// Tag colour.
    pub tag: &'static str,
    /// Owner by name.
    pub owner: String,
    /// Due or done in words.
    pub when: String,
    /// Not applicable, waived.
    pub note: String,
    /// What the plan cites for it.
    pub cites: String,
    /// Its anchor on the case page (the back link).
    pub anchor: String,
    /// The forms (none when it is settled).
    pub forms: Vec<StepForm>,
    /// Its clock waits for another step: the form shown is that step's.
    pub starts_with: String,
    /// Errors.
    pub errors: Vec<ErrorItem>,
    /// Refusal by a rule of the plan.
    pub rule: Option<RuleProblem>,
}

/// "Record a step".
#[derive(Template, WebTemplate)]
#[template(path = "record_step.html")]
pub struct RecordStepPage {
    /// Layout.
    pub layout: Layout,
    /// Case id.
    pub case_id: String,
    /// The steps that make sense now, by point: (`c. <title>`, the choices).
    pub groups: Vec<(String, Vec<Choice>)>,
    /// Every other step, for what the plan could not foresee.
    pub others: Vec<Choice>,
    /// The chosen step's form.
    pub form: Option<StepForm>,
    /// Errors.
    pub errors: Vec<ErrorItem>,
    /// Refusal by a rule of the plan.
    pub rule: Option<RuleProblem>,
}

/// One step to choose.
pub struct Choice {
    /// Its link.
    pub href: String,
    /// Its words.
    pub label: &'static str,
    /// The one shown.
    pub chosen: bool,
}

async fn obligation_page(
    state: &AppState,
    user: &PageUser,
    detail: &CaseDetail,
    ob: &str,
    instance: u32,
    failed: Option<Failed>,
) -> Result<ObligationPage, PageError> {
    let s = &detail.summary;
    let id = s.case_id.to_string();
    let (p, o) = detail
        .evaluation
        .points
        .iter()
        .find_map(|p| {
            p.obligations
                .iter()
                .find(|o| o.id == ob && o.instance == instance)
                .map(|o| (p, o))
        })
        .ok_or(PageError::NotFound)?;
    let plan = state.app().plan(&s.plan_id, s.plan_version);
    let def = plan.as_ref().and_then(|plan| plan.obligation(ob).cloned());
    let anchor = anchor(o);
    let mut forms = Vec::new();
    let mut starts_with = String::new();
    if !o.state.is_settled() {
        let people = people(state, &user.actor).await;
        let mut events: Vec<EventType> = Vec::new();
        match o.pending {
            Pending::ClockNotStarted(e) => {
                starts_with = steps::spec(e).0.to_owned();
                events.push(e);
            }
            _ => {
                for c in def.iter().flat_map(|d| &d.completed_by) {
                    if !events.contains(&c.event) {
                        events.push(c.event);
                    }
                }
            }
        }
        for e in events.into_iter().filter(|e| step_types().any(|t| t == *e)) {
            let key = format!("{anchor}-{}", e.as_str());
            forms.push(step_form(&id, e, key, &anchor, &people, failed.as_ref()));
        }
    }
    let (state_words, tag) = words::state(o.state);
    let errors = errors_of(failed.as_ref());
    let has_errors = !errors.is_empty() || failed.as_ref().is_some_and(|f| f.rule.is_some());
    Ok(ObligationPage {
        layout: user.layout(&o.title, "/cases").with_errors(has_errors),
        case_id: id,
        point: point_label(&p.number, &p.title),
        title: o.title.clone(),
        state: state_words,
        tag,
        owner: owner(detail, o),
        when: when(o, state.now()),
        note: note(o, detail),
        cites: def.map(|d| d.cites).unwrap_or_default(),
        anchor,
        forms,
        starts_with,
        errors,
        rule: failed.and_then(|f| f.rule),
    })
}

/// `GET /cases/{case_id}/obligations/{obligation}/{instance}`.
pub async fn obligation(
    State(state): State<AppState>,
    user: PageUser,
    Path((raw, ob, instance)): Path<(String, String, u32)>,
) -> Response {
    let layout = user.layout("Obligation", "/cases");
    let result = async {
        let id = case_id(&raw)?;
        let detail = state
            .app()
            .case(&user.actor, &id, state.now(), None)
            .await?;
        obligation_page(&state, &user, &detail, &ob, instance, None).await
    }
    .await;
    match result {
        Ok(p) => p.into_response(),
        Err(e) => e.page(layout),
    }
}

async fn record_page(
    state: &AppState,
    user: &PageUser,
    detail: &CaseDetail,
    chosen: Option<EventType>,
    failed: Option<Failed>,
) -> RecordStepPage {
    let s = &detail.summary;
    let id = s.case_id.to_string();
    let choice = |t: EventType| Choice {
        href: format!("/cases/{id}/record?step={}#step-form", t.as_str()),
        label: steps::spec(t).0,
        chosen: chosen == Some(t),
    };
    let offered = |t: &EventType| step_types().any(|s| s == *t);
    let now_steps = match state.app().plan(&s.plan_id, s.plan_version) {
        Some(plan) => next_steps(&plan, &detail.evaluation),
        None => Vec::new(),
    };
    let mut listed: Vec<EventType> = Vec::new();
    let groups = now_steps
        .iter()
        .map(|g| {
            let steps = g
                .steps
                .iter()
                .filter(|t| offered(t))
                .map(|t| {
                    listed.push(*t);
                    choice(*t)
                })
                .collect();
            (point_label(&g.point, &g.title), steps)
        })
        .collect();
    let others = step_types()
        .filter(|t| !listed.contains(t))
        .map(choice)
        .collect();
    let people = people(state, &user.actor).await;
    let form = chosen.map(|t| {
        step_form(
            &id,
            t,
            format!("any-{}", t.as_str()),
            "",
            &people,
            failed.as_ref(),
        )
    });
    let errors = errors_of(failed.as_ref());
    let has_errors = !errors.is_empty() || failed.as_ref().is_some_and(|f| f.rule.is_some());
    RecordStepPage {
        layout: user
            .layout("Record a step", "/cases")
            .with_errors(has_errors),
        case_id: id,
        groups,
        others,
        form,
        errors,
        rule: failed.and_then(|f| f.rule),
    }
}

/// Query of the record-a-step page.
#[derive(Debug, Deserialize)]
pub struct StepQuery {
    /// The chosen step.
    step: Option<String>,
}

/// `GET /cases/{case_id}/record?step=`: the steps that make sense now, by point; a chosen
/// step's form below.
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
        let detail = state
            .app()
            .case(&user.actor, &id, state.now(), None)
            .await?;
        let chosen = q.step.as_deref().and_then(|s| step_type(s).ok());
        Ok::<_, PageError>(record_page(&state, &user, &detail, chosen, None).await)
    }
    .await;
    match result {
        Ok(p) => p.into_response(),
        Err(e) => e.page(layout),
    }
}

/// A step that was not saved, on the page its form came from: the obligation's page when
/// `back` names one of the case's obligations, else "Record a step".
pub(super) async fn again(
    state: &AppState,
    user: &PageUser,
    id: &CaseId,
    t: EventType,
    back: Option<&str>,
    failed: Failed,
) -> Result<Response, PageError> {
    let detail = state.app().case(&user.actor, id, state.now(), None).await?;
    let target = back.and_then(|b| {
        detail
            .evaluation
            .points
            .iter()
            .flat_map(|p| &p.obligations)
            .find(|o| anchor(o) == b)
            .map(|o| (o.id.clone(), o.instance))
    });
    Ok(match target {
        Some((ob, n)) => obligation_page(state, user, &detail, &ob, n, Some(failed))
            .await?
            .into_response(),
        None => record_page(state, user, &detail, Some(t), Some(failed))
            .await
            .into_response(),
    })
}
