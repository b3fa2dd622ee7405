//! `GET /reports/panel`: where the force's scrutiny panel review stands (OSSR 23(i)) and the
//! meetings recorded; `POST /reports/panel` records one (the Op Hampshire lead; an
//! administrator). Every decision is the app's policy.

use super::error::PageError;
use super::form::ErrorItem;
use super::layout::Layout;
use super::session::{Fields, PageForm, PageUser};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use pledge_app::AppError;
use pledge_app::policy::{ReportAction, decide_report};
use pledge_app::reports::{NewPanelReview, PanelReviews};
use pledge_store::{PanelReview, Store};

/// A date as a person reads it: "12 May 2026".
pub fn day(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// A period in words: "1 January 2026 to 31 March 2026".
fn period(from: Date, to: Date) -> String {
    format!("{} to {}", day(from), day(to))
}

/// The `/reports` address of the pack a meeting considered.
fn pack_link(m: &PanelReview) -> String {
    let q = serde_urlencoded::to_string([
        ("from", m.pack_from.to_string()),
        ("to", m.pack_to.to_string()),
        ("unit", m.pack_unit.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    format!("/reports?{q}")
}

/// The review's standing in sentences, for the page and the leadership overview.
#[derive(Debug, Clone, Default)]
pub struct PanelSummary {
    /// What the plan asks, in words ("" when it asks for no review).
    pub asks: String,
    /// The next review due, in words.
    pub next_due: String,
    /// The last meeting, in words ("" for none).
    pub last: String,
    /// Periods overdue, in words.
    pub overdue: Vec<String>,
}

/// The standing of `reviews` in words, naming units by `unit_name`.
pub fn summary(reviews: &PanelReviews, unit_name: &dyn Fn(&str) -> String) -> PanelSummary {
    let Some(review) = &reviews.review else {
        return PanelSummary::default();
    };
    let standing = reviews.standing.as_ref();
    PanelSummary {
        asks: format!(
            "{}: every {}, due {} days after it ends.",
            review.title,
            review.every.as_str(),
            review.grace_days
        ),
        next_due: standing
            .and_then(|s| s.next_due.as_ref())
            .map(|p| format!("By {}, for {}.", day(p.due), period(p.from, p.to)))
            .unwrap_or_default(),
        last: reviews
            .last()
            .map(|m| {
                format!(
                    "{}, chaired by {}, on {}.",
                    day(m.met_on),
                    m.chair,
                    pack_words(m, unit_name)
                )
            })
            .unwrap_or_default(),
        overdue: standing
            .map(|s| {
                s.overdue
                    .iter()
                    .map(|p| format!("{} (was due by {})", period(p.from, p.to), day(p.due)))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn pack_words(m: &PanelReview, unit_name: &dyn Fn(&str) -> String) -> String {
    let area = match &m.pack_unit {
        None => "the force's pack".to_owned(),
        Some(u) => format!("the pack for {}", unit_name(u)),
    };
    format!("{area} for {}", period(m.pack_from, m.pack_to))
}

/// A recorded meeting as the page shows it.
pub struct MeetingRow {
    /// The day the panel met, in words.
    pub met_on: String,
    /// The pack, in words.
    pub pack: String,
    /// Its `/reports` address.
    pub link: String,
    /// Who chaired.
    pub chair: String,
    /// The panel's actions ("" when not shown).
    pub actions: String,
    /// The hash of the pack's figures.
    pub hash: String,
}

/// The page.
#[derive(Template, WebTemplate)]
#[template(path = "panel.html")]
pub struct PanelPage {
    /// Layout.
    pub layout: Layout,
    /// The standing in words.
    pub summary: PanelSummary,
    /// Meetings, newest first.
    pub meetings: Vec<MeetingRow>,
    /// Whether the panel's actions are shown.
    pub actions_shown: bool,
    /// Whether the reader may record a meeting.
    pub may_record: bool,
    /// The force's units: (id, name).
    pub units: Vec<(String, String)>,
    /// The form as filled in.
    pub form: Fields,
    /// Errors: (field id, message).
    pub field_errors: Vec<(String, String)>,
    /// The error summary.
    pub errors: Vec<ErrorItem>,
    /// A confirmation ("" for none).
    pub done: String,
}

impl PanelPage {
    /// The form's date fields: (field, label, hint).
    pub fn date_fields(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        DATES
            .iter()
            .zip([
                "For example, 2026-04-28",
                "For example, 2026-01-01",
                "For example, 2026-03-31",
            ])
            .map(|((f, l), h)| (*f, *l, h))
            .collect()
    }

    /// The error for a field ("" for none).
    pub fn error_for(&self, field: &str) -> String {
        self.field_errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }
}

async fn panel_page(
    state: &AppState,
    user: &PageUser,
    form: Fields,
    field_errors: Vec<(String, String)>,
    done: String,
) -> Result<PanelPage, PageError> {
    let now = state.now();
    let app = state.app();
    let reviews = app.panel_reviews(&user.actor, now).await?;
    let force = user.actor.force().unwrap_or_default().to_owned();
    let units: Vec<(String, String)> = app
        .store()
        .units()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .filter(|u| u.force == force)
        .map(|u| (u.id, u.name))
        .collect();
    let unit_name = |id: &str| {
        units
            .iter()
            .find(|(u, _)| u == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| "a unit no longer in the force".to_owned())
    };
    let summary = summary(&reviews, &unit_name);
    let meetings = reviews
        .meetings
        .iter()
        .rev()
        .map(|m| MeetingRow {
            met_on: day(m.met_on),
            pack: pack_words(m, &unit_name),
            link: pack_link(m),
            chair: m.chair.clone(),
            actions: m.actions.clone(),
            hash: m.pack_hash.clone(),
        })
        .collect();
    let errors = field_errors
        .iter()
        .map(|(f, m)| ErrorItem {
            href: format!("#{f}"),
            message: m.clone(),
        })
        .collect();
    let mut layout = user.layout("Scrutiny panel reviews", "/reports");
    layout.has_errors = !field_errors.is_empty();
    Ok(PanelPage {
        layout,
        summary,
        meetings,
        actions_shown: reviews.actions_shown,
        may_record: reviews.review.is_some()
            && decide_report(&user.actor, ReportAction::RecordPanelReview, &force),
        units,
        form,
        field_errors,
        errors,
        done,
    })
}

fn respond(r: Result<PanelPage, PageError>, user: &PageUser) -> Response {
    match r {
        Ok(p) if p.field_errors.is_empty() => p.into_response(),
        Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
        Err(e) => e.page(user.layout("Scrutiny panel reviews", "/reports")),
    }
}

/// `GET /reports/panel`.
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    let r = panel_page(&state, &user, Fields::default(), Vec::new(), String::new()).await;
    respond(r, &user)
}

/// The form's date fields: (field, label).
const DATES: [(&str, &str); 3] = [
    ("met_on", "The day the panel met"),
    ("pack_from", "The pack's first day"),
    ("pack_to", "The pack's last day"),
];

/// `POST /reports/panel`: records a meeting.
pub async fn record(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let f = &form.fields;
    let mut errors = Vec::new();
    let mut dates = Vec::new();
    for (field, label) in DATES {
        match f.get(field).trim().parse::<Date>() {
            Ok(d) => dates.push(d),
            Err(_) => errors.push((
                field.to_owned(),
                format!("{label}: enter a date like 2026-04-28"),
            )),
        }
    }
    if f.get("chair").trim().is_empty() {
        errors.push((
            "chair".into(),
            "Chaired by: say who chaired the panel".into(),
        ));
    }
    let [met_on, pack_from, pack_to] = dates[..] else {
        let r = panel_page(&state, user, f.clone(), errors, String::new()).await;
        return respond(r, user);
    };
    if !errors.is_empty() {
        let r = panel_page(&state, user, f.clone(), errors, String::new()).await;
        return respond(r, user);
    }
    let unit = f.get("pack_unit").trim();
    let new = NewPanelReview {
        met_on,
        pack_unit: (!unit.is_empty()).then(|| unit.to_owned()),
        pack_from,
        pack_to,
        chair: f.get("chair").to_owned(),
        actions: f.get("actions").to_owned(),
    };
    let r = match state
        .app()
        .record_panel_review(&user.actor, new, state.now())
        .await
    {
        Ok(m) => {
            panel_page(
                &state,
                user,
                Fields::default(),
                Vec::new(),
                format!("The panel meeting of {} is recorded.", day(m.met_on)),
            )
            .await
        }
        Err(AppError::Invalid { field, message }) => {
            let (id, label) = match field.as_str() {
                "met_on" => ("met_on", "The day the panel met"),
                "pack_from" => ("pack_from", "The pack's first day"),
                "pack_to" => ("pack_to", "The pack's last day"),
                "pack_unit" => ("pack_unit", "Pack for"),
                "chair" => ("chair", "Chaired by"),
                "actions" => ("actions", "The panel's actions"),
                _ => ("met_on", "The panel meeting"),
            };
            panel_page(
                &state,
                user,
                f.clone(),
                vec![(id.to_owned(), format!("{label}: {message}"))],
                String::new(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    respond(r, user)
}
