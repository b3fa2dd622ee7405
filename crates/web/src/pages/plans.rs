//! The force's plans: which plan new cases open under and from when, installing the force's
//! own plan version (upload the file, see what changes point by point, choose the day it
//! comes into force), and putting a built-in plan in force. Administrators and the force's
//! Op Hampshire lead; every decision is the app's (`pledge_app::plans`).

use super::error::PageError;
use super::form::ErrorItem;
use super::layout::Layout;
use super::names::Names;
use super::session::{PageForm, PageUser};
use super::words::when;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use pledge_app::AppError;
use pledge_app::policy::{OrgAction, decide_org};

/// A plan the force may use, as a row.
pub struct PlanRow {
    /// Title and version, in words.
    pub title: String,
    /// `id@version`, the value the form sends.
    pub value: String,
    /// Points and obligations, in words.
    pub size: String,
    /// "In force" or "".
    pub status: String,
}

/// A plan coming into force or recorded before.
pub struct ScheduleRow {
    /// The plan, in words.
    pub plan: String,
    /// From when.
    pub from: String,
    /// Recorded by whom, when.
    pub recorded: String,
}

/// `GET /admin/plans`.
#[derive(Template, WebTemplate)]
#[template(path = "plans.html")]
pub struct PlansPage {
    /// Layout.
    pub layout: Layout,
    /// The plan in force, in words.
    pub in_force: String,
    /// Since when, in words ("" for Pledge's default plan).
    pub since: String,
    /// Coming into force.
    pub upcoming: Vec<ScheduleRow>,
    /// Every entry, newest first.
    pub history: Vec<ScheduleRow>,
    /// The plans the force may use.
    pub plans: Vec<PlanRow>,
    /// A success message.
    pub notice: String,
    /// Errors (the error summary).
    pub errors: Vec<ErrorItem>,
    /// Problems in an uploaded file, by line and column.
    pub file_problems: Vec<String>,
    /// The date fields as sent after an error (day, month, year).
    pub date: (String, String, String),
    /// Today, for the hint.
    pub today: String,
    /// An administrator (the link back to administration).
    pub administrator: bool,
    /// The file field's error ("" for none).
    pub file_error: String,
    /// The plan field's error.
    pub plan_error: String,
    /// The date's error.
    pub date_error: String,
}

/// `POST /admin/plans/preview`: the uploaded file beside the plan in force.
#[derive(Template, WebTemplate)]
#[template(path = "plan_preview.html")]
pub struct PreviewPage {
    /// Layout.
    pub layout: Layout,
    /// The plan in the file, in words.
    pub plan: String,
    /// The plan in force, in words.
    pub in_force: String,
    /// Points in force / in the file.
    pub points: (usize, usize),
    /// Obligations in force / in the file.
    pub obligations: (usize, usize),
    /// Rules in force / in the file.
    pub rules: (usize, usize),
    /// Force-level reviews (the scrutiny panel's) in force / in the file.
    pub reviews: (usize, usize),
    /// What changes: (point in words, what).
    pub changes: Vec<(String, String)>,
    /// The file's text, sent again with the install form.
    pub source: String,
    /// Installed already (installing only puts it in force).
    pub installed_already: bool,
    /// Today, for the hint.
    pub today: String,
    /// The date's error ("" for none; the date input is shared with the plans page).
    pub date_error: String,
    /// The error summary.
    pub errors: Vec<ErrorItem>,
    /// The date fields, empty.
    pub date: (String, String, String),
    /// The actor may backtest the file on the force's cases (the last twelve months).
    pub backtest: Option<(String, String)>,
}

fn may_manage(user: &PageUser) -> Result<String, PageError> {
    user.actor
        .force()
        .filter(|f| decide_org(&user.actor, OrgAction::PutPlanInForce, f))
        .map(str::to_owned)
        .ok_or_else(|| {
            PageError::Forbidden(
                "Only administrators and the force's Op Hampshire lead may manage plans.".into(),
            )
        })
}

/// The navigation link a plans page belongs under.
fn section(user: &PageUser) -> &'static str {
    if pledge_app::policy::may_administer_accounts(&user.actor) {
        "/admin"
    } else {
        "/admin/plans"
    }
}

fn no_store(status: StatusCode, page: impl IntoResponse) -> Response {
    (status, [(CACHE_CONTROL, "no-store")], page).into_response()
}

async fn plans_page(state: &AppState, user: &PageUser) -> Result<PlansPage, PageError> {
    let force = may_manage(user)?;
    let now = state.now();
    let app = state.app();
    let schedule = app
        .plan_schedule(&user.actor, now)
        .await
        .map_err(PageError::from)?;
    let (plans, in_force) = app
        .plans_of_force(&force, now)
        .await
        .map_err(PageError::from)?;
    let names = Names::load(state, user).await;
    let title = |id: &str, version: u32| match app.plan(id, version) {
        Some(p) => format!("{} (version {version})", p.title),
        None => format!("{id} version {version}"),
    };
    let row = |s: &pledge_app::plans::ScheduledPlan| ScheduleRow {
        plan: title(&s.plan.id, s.plan.version),
        from: when(s.effective_from),
        recorded: format!("{}, {}", names.person(&s.recorded_by), when(s.recorded_at)),
    };
    Ok(PlansPage {
        layout: user.layout("Plans", section(user)),
        in_force: title(&schedule.in_force.id, schedule.in_force.version),
        since: schedule.since.map(when).unwrap_or_default(),
        upcoming: schedule.upcoming.iter().map(row).collect(),
        history: schedule.history.iter().map(row).collect(),
        plans: plans
            .iter()
            .map(|p| PlanRow {
                title: format!("{} (version {})", p.title, p.version),
                value: format!("{}@{}", p.id, p.version),
                size: format!(
                    "{} points, {} obligations, {} rules",
                    p.points.len(),
                    p.obligations.len(),
                    p.rules.len()
                ),
                status: if p.id == in_force.id && p.version == in_force.version {
                    "In force".into()
                } else {
                    String::new()
                },
            })
            .collect(),
        notice: String::new(),
        errors: Vec::new(),
        file_problems: Vec::new(),
        date: Default::default(),
        today: state.app().today(now).strftime("%-d %-m %Y").to_string(),
        administrator: pledge_app::policy::may_administer_accounts(&user.actor),
        file_error: String::new(),
        plan_error: String::new(),
        date_error: String::new(),
    })
}

/// `GET /admin/plans`.
pub async fn index(State(state): State<AppState>, user: PageUser) -> Response {
    match plans_page(&state, &user).await {
        Ok(p) => no_store(StatusCode::OK, p),
        Err(e) => e.page(user.layout("Plans", "/admin")),
    }
}

/// An uploaded plan file with the session's CSRF token.
pub struct PlanUpload {
    user: PageUser,
    source: Result<String, String>,
}

impl FromRequest<AppState> for PlanUpload {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let user = <PageUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, state,
        )
        .await?;
        let mut form = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| bad_form("the form could not be read: send it as a file upload"))?;
        let (mut csrf, mut source) = (String::new(), Err("Choose a plan file".to_owned()));
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|_| bad_form("the form is too large or could not be read"))?
        {
            match field.name() {
                Some("csrf_token") => csrf = field.text().await.unwrap_or_default(),
                Some("plan_file") => {
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|_| bad_form("the file is too large or could not be read"))?;
                    source = if bytes.is_empty() {
                        Err("Choose a plan file".into())
                    } else {
                        String::from_utf8(bytes.to_vec()).map_err(|_| {
                            "The plan file must be text in UTF-8 (a .toml file)".to_owned()
                        })
                    };
                }
                _ => {}
            }
        }
        if !super::auth_steps::csrf_matches(&user.user, &csrf) {
            tracing::info!(person = %user.user.account.person_id, "plan upload refused: CSRF token missing or wrong");
            return Err(PageError::Csrf);
        }
        Ok(PlanUpload { user, source })
    }
}

fn bad_form(message: &str) -> PageError {
    PageError::Other(Box::new(crate::problem::Problem::invalid(
        "plan_file",
        message,
    )))
}

/// Shows the plans page again with errors (422).
async fn with_errors(
    state: &AppState,
    user: &PageUser,
    errors: Vec<ErrorItem>,
    file_problems: Vec<String>,
    date: (String, String, String),
) -> Response {
    match plans_page(state, user).await {
        Ok(mut p) => {
            let message = |href: &str| {
                errors
                    .iter()
                    .find(|e| e.href == href)
                    .map(|e| e.message.clone())
                    .unwrap_or_default()
            };
            p.file_error = message("#plan-file");
            p.plan_error = message("#plan");
            p.date_error = message("#from-day");
            p.errors = errors;
            p.file_problems = file_problems;
            p.date = date;
            no_store(StatusCode::UNPROCESSABLE_ENTITY, p)
        }
        Err(e) => e.page(user.layout("Plans", "/admin")),
    }
}

fn error(href: &str, message: impl Into<String>) -> ErrorItem {
    ErrorItem {
        href: href.to_owned(),
        message: message.into(),
    }
}

/// `POST /admin/plans/preview`: checks the uploaded file and shows what would change.
pub async fn preview(State(state): State<AppState>, upload: PlanUpload) -> Response {
    let PlanUpload { user, source } = upload;
    let source = match source {
        Ok(s) => s,
        Err(m) => {
            return with_errors(
                &state,
                &user,
                vec![error("#plan-file", m)],
                vec![],
                Default::default(),
            )
            .await;
        }
    };
    preview_page(&state, &user, source, String::new(), Default::default()).await
}

/// The preview of a file, with the date form (and its error, after a failed install).
async fn preview_page(
    state: &AppState,
    user: &PageUser,
    source: String,
    date_error: String,
    date: (String, String, String),
) -> Response {
    let layout = user.layout("Check a plan file", "/admin");
    match state
        .app()
        .preview_plan(&user.actor, &source, state.now())
        .await
    {
        Ok(p) => {
            let point_words = |number: &str| {
                if number.is_empty() {
                    "The whole plan".to_owned()
                } else {
                    p.plan
                        .points
                        .iter()
                        .chain(p.in_force.points.iter())
                        .find(|pt| pt.number == number)
                        .map(|pt| format!("Point {}: {}", pt.number, pt.title))
                        .unwrap_or_else(|| format!("Point {number}"))
                }
            };
            let page = PreviewPage {
                layout,
                plan: format!("{} (version {})", p.plan.title, p.plan.version),
                in_force: format!("{} (version {})", p.in_force.title, p.in_force.version),
                points: (p.in_force.points.len(), p.plan.points.len()),
                obligations: (p.in_force.obligations.len(), p.plan.obligations.len()),
                rules: (p.in_force.rules.len(), p.plan.rules.len()),
                reviews: (p.in_force.reviews.len(), p.plan.reviews.len()),
                changes: p
                    .changes
                    .iter()
                    .map(|c| (point_words(&c.point), c.what.clone()))
                    .collect(),
                source,
                installed_already: p.loaded_already,
                today: state
                    .app()
                    .today(state.now())
                    .strftime("%-d %-m %Y")
                    .to_string(),
                errors: if date_error.is_empty() {
                    Vec::new()
                } else {
                    vec![error("#from-day", date_error.clone())]
                },
                date_error,
                date,
                backtest: {
                    let forces: Vec<String> =
                        user.actor.force().map(str::to_owned).into_iter().collect();
                    let may = !forces.is_empty()
                        && !matches!(
                            pledge_app::policy::decide_backtest(Some(&user.actor), &forces, false),
                            pledge_app::policy::BacktestAccess::Refused(_)
                        );
                    let today = state.app().today(state.now());
                    may.then(|| {
                        (
                            today
                                .checked_sub(jiff::Span::new().years(1))
                                .unwrap_or(today)
                                .to_string(),
                            today.to_string(),
                        )
                    })
                },
            };
            no_store(StatusCode::OK, page)
        }
        Err(e) => upload_refused(state, user, e).await,
    }
}

async fn upload_refused(state: &AppState, user: &PageUser, e: AppError) -> Response {
    match e {
        AppError::PlanFile(pe) => {
            let problems: Vec<String> = pe
                .problems
                .iter()
                .map(|p| format!("Line {}, column {}: {}", p.line, p.column, p.message))
                .collect();
            let summary = format!(
                "The plan file has {} problem{}: see the list under the file upload",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            with_errors(
                state,
                user,
                vec![error("#plan-file", summary)],
                problems,
                Default::default(),
            )
            .await
        }
        AppError::Invalid { field, message } => {
            let href = if field.starts_with("effective_from") {
                "#from-day"
            } else {
                "#plan-file"
            };
            with_errors(
                state,
                user,
                vec![error(href, sentence(&message))],
                vec![],
                Default::default(),
            )
            .await
        }
        other => PageError::from(other).page(user.layout("Plans", "/admin")),
    }
}

fn sentence(m: &str) -> String {
    let mut c = m.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The day, month and year fields of a GOV.UK date input, read as a date.
fn date_from(form: &PageForm) -> (Result<Date, String>, (String, String, String)) {
    let f = &form.fields;
    let (d, m, y) = (
        f.get("from-day").to_owned(),
        f.get("from-month").to_owned(),
        f.get("from-year").to_owned(),
    );
    let parsed = if d.is_empty() && m.is_empty() && y.is_empty() {
        Err("Enter the date the plan comes into force".to_owned())
    } else {
        match (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>()) {
            (Ok(d), Ok(m), Ok(y)) => Date::new(y, m, d)
                .map_err(|_| "The date the plan comes into force must be a real date".to_owned()),
            _ => Err(
                "The date the plan comes into force must include a day, month and year as numbers"
                    .to_owned(),
            ),
        }
    };
    (parsed, (d, m, y))
}

/// `POST /admin/plans/install`: installs the previewed file from the chosen day.
pub async fn install(State(state): State<AppState>, form: PageForm) -> Response {
    let (date, fields) = date_from(&form);
    let user = &form.user;
    let source = form
        .fields
        .0
        .iter()
        .find(|(k, _)| k == "source")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let from = match date {
        Ok(d) => d,
        Err(m) => return preview_page(&state, user, source, m, fields).await,
    };
    match state
        .app()
        .install_plan(&user.actor, &source, from, state.now())
        .await
    {
        Err(AppError::Invalid { field, message }) if field == "effective_from" => {
            preview_page(&state, user, source, sentence(&message), fields).await
        }
        Ok(entry) => {
            done(
                &state,
                user,
                format!(
                    "Installed {} version {}: new cases open under it from {}.",
                    entry.plan_id,
                    entry.version,
                    when(entry.effective_from)
                ),
            )
            .await
        }
        Err(e) => upload_refused(&state, user, e).await,
    }
}

/// `POST /admin/plans/in-force`: puts a plan the force may use in force from a day.
pub async fn put_in_force(State(state): State<AppState>, form: PageForm) -> Response {
    let (date, fields) = date_from(&form);
    let user = &form.user;
    let chosen = form.fields.get("plan").to_owned();
    let Some((id, version)) = chosen
        .split_once('@')
        .and_then(|(id, v)| v.parse::<u32>().ok().map(|v| (id.to_owned(), v)))
    else {
        return with_errors(
            &state,
            user,
            vec![error("#plan", "Choose a plan")],
            vec![],
            fields,
        )
        .await;
    };
    let from = match date {
        Ok(d) => d,
        Err(m) => {
            return with_errors(&state, user, vec![error("#from-day", m)], vec![], fields).await;
        }
    };
    match state
        .app()
        .put_plan_in_force(&user.actor, &id, version, from, state.now())
        .await
    {
        Ok(entry) => {
            let title = state
                .app()
                .plan(&entry.plan_id, entry.version)
                .map(|p| p.title.clone())
                .unwrap_or(entry.plan_id.clone());
            done(
                &state,
                user,
                format!(
                    "New cases open under {title} (version {}) from {}.",
                    entry.version,
                    when(entry.effective_from)
                ),
            )
            .await
        }
        Err(AppError::Invalid { field, message }) => {
            let href = if field == "plan" {
                "#plan"
            } else {
                "#from-day"
            };
            with_errors(
                &state,
                user,
                vec![error(href, sentence(&message))],
                vec![],
                fields,
            )
            .await
        }
        Err(e) => PageError::from(e).page(user.layout("Plans", "/admin")),
    }
}

async fn done(state: &AppState, user: &PageUser, notice: String) -> Response {
    match plans_page(state, user).await {
        Ok(mut p) => {
            p.notice = notice;
            no_store(StatusCode::OK, p)
        }
        Err(e) => e.page(user.layout("Plans", "/admin")),
    }
}
