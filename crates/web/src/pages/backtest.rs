//! The backtest page: choose a plan version, or upload (or paste) a draft plan file, and see
//! what it would have done to the force's cases of a period, point by point, compared with
//! the plan each case is held to. The form is a real file upload (`multipart/form-data`) and
//! works without JavaScript; a draft's problems are shown with their line and column.

use super::auth_steps::csrf_matches;
use super::error::PageError;
use super::form::{ErrorItem, FormField};
use super::layout::Layout;
use super::names::Names;
use super::session::PageUser;
use super::words;
use crate::api::backtest::problem;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use pledge_app::backtest::{
    BacktestError, BacktestReport, BacktestRequest, ChoiceError, Outcome, PlanChoice, Presence,
};
use pledge_app::policy::{BacktestAccess, decide_backtest};

/// One outcome's counts under both plans.
pub struct OutcomeRow {
    /// The outcome in words.
    pub label: &'static str,
    /// Cases under the baseline.
    pub before: u64,
    /// Cases under the plan tried.
    pub after: u64,
    /// The difference, signed, in words ("+3", "−2", "no change").
    pub difference: String,
}

/// One obligation compared.
pub struct ObligationBlock {
    /// What must be done.
    pub title: String,
    /// "Added by the plan tried", "Removed by the plan tried", or "".
    pub presence: &'static str,
    /// Rows by outcome.
    pub rows: Vec<OutcomeRow>,
    /// The moves in sentences.
    pub moves: Vec<String>,
}

/// One point compared.
pub struct PointBlock {
    /// "Point 3: Supervisor's welfare meeting".
    pub heading: String,
    /// Its obligations.
    pub obligations: Vec<ObligationBlock>,
}

/// A case that changes verdict.
pub struct NamedRow {
    /// The case.
    pub case_id: String,
    /// Its unit's name.
    pub unit: String,
    /// What changes, in words.
    pub changes: Vec<String>,
}

/// The result, in words.
pub struct ResultView {
    /// The opening sentence.
    pub summary: String,
    /// Point by point.
    pub points: Vec<PointBlock>,
    /// The named cases, when asked for.
    pub named: Option<Vec<NamedRow>>,
    /// Changed cases not named.
    pub not_named: u64,
    /// The baseline's column: "Plan in force", or "Compared with".
    pub before_label: &'static str,
    /// The tried plan's column: "Draft" or "Plan tried".
    pub after_label: &'static str,
}

/// The backtest page.
#[derive(Template, WebTemplate)]
#[template(path = "backtest.html")]
pub struct BacktestPage {
    /// Layout.
    pub layout: Layout,
    /// The error summary.
    pub errors: Vec<ErrorItem>,
    /// The form's fields before the draft.
    pub fields: Vec<FormField>,
    /// The draft upload field's error.
    pub file_error: Option<String>,
    /// The pasted draft.
    pub draft: FormField,
    /// The options after the draft.
    pub after: Vec<FormField>,
    /// The result, after a run.
    pub result: Option<ResultView>,
}

/// The form's answers as sent.
#[derive(Debug, Default)]
struct Answers {
    csrf: String,
    from: String,
    to: String,
    at: String,
    plan: String,
    against: String,
    draft_name: String,
    draft_file: String,
    draft_text: String,
    named: bool,
}

fn london() -> TimeZone {
    TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC)
}

/// The start of a London day.
fn day_start(d: Date) -> Option<Timestamp> {
    d.to_zoned(london()).ok().map(|z| z.timestamp())
}

/// The end of a London day (the next day's start).
fn day_end(d: Date) -> Option<Timestamp> {
    d.checked_add(1.day()).ok().and_then(day_start)
}

fn plan_options(state: &AppState, none: Option<&str>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = none
        .map(|label| vec![(String::new(), label.to_owned())])
        .unwrap_or_default();
    v.extend(
        state
            .app()
            .plans()
            .iter()
            .map(|p| (p.reference(), format!("{}, version {}", p.title, p.version))),
    );
    v
}

fn form(
    state: &AppState,
    a: &Answers,
    errors: &[(&str, String)],
) -> (Vec<FormField>, FormField, Vec<FormField>) {
    let err = |name: &str| joined(errors, name);
    let mut plans = vec![(
        "draft".to_owned(),
        "A draft plan file (upload or paste it below)".to_owned(),
    )];
    plans.extend(plan_options(state, None));
    let fields = vec![
        FormField::new("", "from", "Cases reported from", "date")
            .hint("The first day of the period (UK time).")
            .value(&a.from)
            .error(err("from")),
        FormField::new("", "to", "Cases reported up to and including", "date")
            .value(&a.to)
            .error(err("to")),
        FormField::new(
            "",
            "at",
            "Evaluate as things stood at the end of (optional)",
            "date",
        )
        .hint("Leave empty for now. Give a day to get the same figures every time.")
        .value(&a.at)
        .error(err("at")),
        FormField::new("", "plan", "Plan to try", "select")
            .options_owned(plans)
            .value(if a.plan.is_empty() { "draft" } else { &a.plan })
            .error(err("plan")),
    ];
    let draft = FormField::new("", "draft_text", "Or paste the draft plan file", "textarea")
        .hint("The plan file's text (TOML), as `pledge plan check` reads it. Used when no file is uploaded.")
        .value(&a.draft_text)
        .error(err("draft_text"));
    let after = vec![
        FormField::new("", "against", "Compare with", "select")
            .options_owned(plan_options(state, Some("Each case's plan in force")))
            .value(&a.against)
            .error(err("against")),
        FormField::new("", "named", "Cases that change", "checkboxes")
            .hint(
                "Only the cases you may view are named; naming them is recorded in the access log.",
            )
            .options([("yes", "Name the cases that would change verdict")])
            .value(if a.named { "yes" } else { "" })
            .error(err("named")),
    ];
    (fields, draft, after)
}

/// Every message for a field, joined.
fn joined(errors: &[(&str, String)], name: &str) -> Option<String> {
    let all: Vec<&str> = errors
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, m)| m.as_str())
        .collect();
    (!all.is_empty()).then(|| all.join(" "))
}

fn page(
    state: &AppState,
    layout: Layout,
    a: &Answers,
    errors: Vec<(&str, String)>,
    result: Option<ResultView>,
) -> BacktestPage {
    let (fields, draft, after) = form(state, a, &errors);
    let file_error = joined(&errors, "draft_file");
    // Every message in the summary (a draft may have several problems), each linking to
    // its field.
    let items: Vec<ErrorItem> = errors
        .iter()
        .map(|(name, message)| ErrorItem {
            href: format!("#{name}"),
            message: message.clone(),
        })
        .collect();
    BacktestPage {
        layout: layout.with_errors(!items.is_empty()),
        errors: items,
        fields,
        file_error,
        draft,
        after,
        result,
    }
}

fn allowed(user: &PageUser) -> Result<String, PageError> {
    let force = user.actor.force().unwrap_or_default().to_owned();
    match decide_backtest(Some(&user.actor), std::slice::from_ref(&force), false) {
        BacktestAccess::Refused(what) => Err(PageError::Forbidden(format!("You may not {what}."))),
        _ => Ok(force),
    }
}

/// `GET /backtest`.
pub async fn form_page(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Backtest a plan", "/backtest");
    if let Err(e) = allowed(&user) {
        return e.page(layout);
    }
    let today = state.now().to_zoned(london()).date();
    let a = Answers {
        from: today.checked_sub(1.year()).unwrap_or(today).to_string(),
        to: today.to_string(),
        ..Answers::default()
    };
    page(&state, layout, &a, Vec::new(), None).into_response()
}

async fn read(mut multipart: Multipart) -> Result<Answers, String> {
    let mut a = Answers::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("the form could not be read: {}", e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "draft_file" {
            a.draft_name = field.file_name().unwrap_or_default().to_owned();
        }
        let text = field
            .text()
            .await
            .map_err(|e| format!("the form could not be read: {}", e.body_text()))?;
        match name.as_str() {
            "csrf_token" => a.csrf = text,
            "from" => a.from = text.trim().to_owned(),
            "to" => a.to = text.trim().to_owned(),
            "at" => a.at = text.trim().to_owned(),
            "plan" => a.plan = text.trim().to_owned(),
            "against" => a.against = text.trim().to_owned(),
            "draft_file" => a.draft_file = text,
            "draft_text" => a.draft_text = text,
            "named" => a.named = text.trim() == "yes",
            _ => {}
        }
    }
    Ok(a)
}

fn choice(spec: &str) -> Option<PlanChoice> {
    let (id, v) = spec.split_once('@')?;
    Some(PlanChoice::Version {
        id: id.to_owned(),
        version: Some(v.parse().ok()?),
    })
}

/// The request from the answers, or the fields that are wrong.
fn request(force: String, a: &Answers) -> Result<BacktestRequest, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let mut day = |name: &'static str, value: &str, required: bool| -> Option<Date> {
        if value.is_empty() {
            if required {
                errors.push((name, "Enter a date".to_owned()));
            }
            return None;
        }
        match value.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push((
                    name,
                    format!("\"{value}\" is not a date; use the form 2026-03-31"),
                ));
                None
            }
        }
    };
    let from = day("from", &a.from, true).and_then(day_start);
    let to = day("to", &a.to, true).and_then(day_end);
    let at = day("at", &a.at, false).and_then(day_end);
    if let (Some(f), Some(t)) = (from, to)
        && f >= t
    {
        errors.push((
            "to",
            "The end of the period must be on or after its start".to_owned(),
        ));
    }
    let plan = if a.plan == "draft" || a.plan.is_empty() {
        let (name, text) = if a.draft_file.trim().is_empty() {
            ("pasted draft".to_owned(), a.draft_text.clone())
        } else {
            (a.draft_name.clone(), a.draft_file.clone())
        };
        if text.trim().is_empty() {
            errors.push((
                "draft_file",
                "Upload a draft plan file, paste its text, or choose a plan version".to_owned(),
            ));
            None
        } else {
            Some(PlanChoice::Draft {
                name: if name.is_empty() {
                    "draft".into()
                } else {
                    name
                },
                text,
            })
        }
    } else {
        let c = choice(&a.plan);
        if c.is_none() {
            errors.push(("plan", "Choose a plan from the list".to_owned()));
        }
        c
    };
    let against = if a.against.is_empty() {
        None
    } else {
        let c = choice(&a.against);
        if c.is_none() {
            errors.push(("against", "Choose a plan from the list".to_owned()));
        }
        c
    };
    match (from, to, plan) {
        (Some(from), Some(to), Some(plan)) if errors.is_empty() => Ok(BacktestRequest {
            forces: vec![force],
            from,
            to,
            at,
            plan,
            against,
            named: a.named,
        }),
        _ => Err(errors),
    }
}

fn difference(before: u64, after: u64) -> String {
    match after.cmp(&before) {
        std::cmp::Ordering::Equal => "no change".into(),
        std::cmp::Ordering::Greater => format!("+{}", after - before),
        std::cmp::Ordering::Less => format!("−{}", before - after),
    }
}

fn view(r: &BacktestReport, names: &Names, tried_is_draft: bool, against: &str) -> ResultView {
    let tried = if tried_is_draft {
        "the draft"
    } else {
        "the plan tried"
    };
    let last_day =
        r.to.checked_sub(jiff::SignedDuration::from_hours(1))
            .unwrap_or(r.to);
    let summary = format!(
        "{} {} reported from {} to {}, evaluated as at {}: {} would change verdict under {} ({}) compared with {}.",
        r.cases,
        if r.cases == 1 { "case" } else { "cases" },
        r.from.to_zoned(london()).strftime("%-d %B %Y"),
        last_day.to_zoned(london()).strftime("%-d %B %Y"),
        words::when(r.at),
        r.changed,
        tried,
        r.plan_title,
        against,
    );
    let mut points: Vec<PointBlock> = Vec::new();
    for o in &r.obligations {
        let heading = format!("Point {}: {}", o.point, o.point_title);
        if points.last().map(|p| &p.heading) != Some(&heading) {
            points.push(PointBlock {
                heading,
                obligations: Vec::new(),
            });
        }
        let block = ObligationBlock {
            title: o.title.clone(),
            presence: match o.presence {
                Presence::Both => "",
                Presence::Added if tried_is_draft => "Added by the draft",
                Presence::Removed if tried_is_draft => "Removed by the draft",
                Presence::Added => "Added by the plan tried",
                Presence::Removed => "Removed by the plan tried",
            },
            rows: Outcome::ALL
                .iter()
                .map(|x| OutcomeRow {
                    label: x.label(),
                    before: o.before.get(*x),
                    after: o.after.get(*x),
                    difference: difference(o.before.get(*x), o.after.get(*x)),
                })
                .collect(),
            moves: o
                .moves
                .iter()
                .map(|m| {
                    format!(
                        "{} {} from {} to {}",
                        m.cases,
                        if m.cases == 1 {
                            "case moves"
                        } else {
                            "cases move"
                        },
                        m.from.label(),
                        m.to.label()
                    )
                })
                .collect(),
        };
        if let Some(p) = points.last_mut() {
            p.obligations.push(block);
        }
    }
    ResultView {
        summary,
        points,
        named: r.named.as_ref().map(|n| {
            n.iter()
                .map(|c| NamedRow {
                    case_id: c.case_id.to_string(),
                    unit: names.unit(&c.unit),
                    changes: c
                        .changes
                        .iter()
                        .map(|m| format!("{}: {} → {}", m.title, m.before.label(), m.after.label()))
                        .collect(),
                })
                .collect()
        }),
        not_named: r.not_named,
        before_label: if r.against == "each case's plan in force" {
            "Plan in force"
        } else {
            "Compared with"
        },
        after_label: if tried_is_draft {
            "Draft"
        } else {
            "Plan tried"
        },
    }
}

/// `POST /backtest`: runs the backtest and shows the form again with the result.
pub async fn run(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let layout = user.layout("Backtest a plan", "/backtest");
    let force = match allowed(&user) {
        Ok(f) => f,
        Err(e) => return e.page(layout),
    };
    let read = match multipart {
        Ok(m) => read(m).await,
        Err(e) => Err(format!(
            "the form could not be read ({}): send it from the backtest page",
            e.body_text()
        )),
    };
    let a = match read {
        Ok(a) => a,
        Err(m) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    &state,
                    layout,
                    &Answers::default(),
                    vec![("draft_file", m)],
                    None,
                ),
            )
                .into_response();
        }
    };
    if !csrf_matches(&user.user, &a.csrf) {
        return PageError::Csrf.page(layout);
    }
    for (name, value) in [("draft_file", &a.draft_file), ("draft_text", &a.draft_text)] {
        if let Err(m) = pledge_domain::event::bounds::check_text(
            value,
            pledge_domain::event::bounds::Text::Lines(usize::MAX),
        ) {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, layout, &a, vec![(name, m)], None),
            )
                .into_response();
        }
    }
    let request = match request(force, &a) {
        Ok(r) => r,
        Err(errors) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, layout, &a, errors, None),
            )
                .into_response();
        }
    };
    let draft_field = if a.draft_file.trim().is_empty() {
        "draft_text"
    } else {
        "draft_file"
    };
    match state
        .app()
        .backtest(Some(&user.actor), &request, state.now())
        .await
    {
        Ok(report) => {
            let names = Names::load(&state, &user).await;
            let is_draft = matches!(request.plan, PlanChoice::Draft { .. });
            let against = match &request.against {
                Some(PlanChoice::Version {
                    id,
                    version: Some(v),
                }) => state
                    .app()
                    .plans()
                    .get(id, *v)
                    .map(|p| format!("{}, version {}", p.title, p.version))
                    .unwrap_or_else(|| "the version chosen".into()),
                _ => "the plan each case is held to".into(),
            };
            let result = view(&report, &names, is_draft, &against);
            page(&state, layout, &a, Vec::new(), Some(result)).into_response()
        }
        Err(BacktestError::Plan {
            field,
            error: ChoiceError::Problems(e),
        }) => {
            let at = if field == "plan" {
                draft_field
            } else {
                "against"
            };
            let errors = e
                .problems
                .iter()
                .map(|p| {
                    (
                        at,
                        format!(
                            "The draft plan file has a problem at line {}, column {}: {}",
                            p.line, p.column, p.message
                        ),
                    )
                })
                .collect();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, layout, &a, errors, None),
            )
                .into_response()
        }
        Err(BacktestError::Plan {
            field,
            error: ChoiceError::Unknown(m),
        }) => {
            let at = if field == "plan" { "plan" } else { "against" };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, layout, &a, vec![(at, m)], None),
            )
                .into_response()
        }
        Err(e) => PageError::from(problem(e)).page(layout),
    }
}
