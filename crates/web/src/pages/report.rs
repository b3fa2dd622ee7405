//! `GET /reports`: the scrutiny panel's pack for the signed-in person's force, a unit and a
//! period chosen on the page; `GET /reports/{table}.csv` one of its tables as CSV. Who may
//! have which version is the policy's (`pledge_app::policy::decide_report`).

use super::error::PageError;
use super::session::PageUser;
use crate::report::{ShownTable, shown};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use pledge_app::AppError;
use pledge_app::reports::{Bucket, DEFAULT_THRESHOLD, Pack, PackRequest};
use pledge_store::Store;

/// What the form holds, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PackQuery {
    /// First day.
    #[serde(default)]
    pub from: String,
    /// Last day.
    #[serde(default)]
    pub to: String,
    /// Unit (empty: the whole force).
    #[serde(default)]
    pub unit: String,
    /// `month` or `quarter`.
    #[serde(default)]
    pub by: String,
    /// `panel` or `named`.
    #[serde(default)]
    pub version: String,
}

/// The page.
#[derive(Template, WebTemplate)]
#[template(path = "report.html")]
pub struct ReportPage<'a> {
    /// Layout.
    pub layout: super::layout::Layout,
    /// The form as filled in.
    pub form: PackQuery,
    /// A problem with the form: (field id, message).
    pub error: Option<(String, String)>,
    /// The force's units: (id, name).
    pub units: Vec<(String, String)>,
    /// The named version may be chosen.
    pub may_name: bool,
    /// The pack.
    pub pack: Option<&'a Pack>,
    /// Its tables.
    pub tables: Vec<ShownTable<'a>>,
    /// The scrutiny panel meetings that considered this very pack, in words.
    pub considered: Vec<String>,
}

fn date(field: &str, s: &str) -> Result<Date, AppError> {
    s.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, "enter a date like 2026-01-31"))
}

/// The request a query asks for; errors name the field.
pub fn request(force: &str, q: &PackQuery, today: Date) -> Result<PackRequest, AppError> {
    let to = if q.to.trim().is_empty() {
        today.yesterday().unwrap_or(today)
    } else {
        date("to", &q.to)?
    };
    let from = if q.from.trim().is_empty() {
        to.checked_sub(jiff::Span::new().years(1))
            .and_then(|d| d.tomorrow())
            .unwrap_or(to)
    } else {
        date("from", &q.from)?
    };
    let by = if q.by.is_empty() {
        Bucket::Month
    } else {
        Bucket::parse(&q.by).map_err(|m| AppError::invalid("by", m))?
    };
    let named = match q.version.as_str() {
        "" | "panel" => false,
        "named" => true,
        other => {
            return Err(AppError::invalid(
                "version",
                format!("\"{other}\" is not panel or named"),
            ));
        }
    };
    let req = PackRequest {
        force: force.to_owned(),
        unit: (!q.unit.trim().is_empty()).then(|| q.unit.trim().to_owned()),
        from,
        to,
        by,
        named,
        threshold: DEFAULT_THRESHOLD,
    };
    req.check()?;
    Ok(req)
}

/// `GET /reports`.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<PackQuery>,
) -> Response {
    let mut layout = user.layout("Scrutiny pack", "/reports");
    let force = user.actor.force().unwrap_or_default().to_owned();
    let app = state.app();
    if !app.may_report(&user.actor, &force, false) {
        return PageError::Forbidden("You may not have this force's scrutiny pack.".into())
            .into_response();
    }
    let now = state.now();
    let today = now
        .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC))
        .date();
    let units = match app.store().units().await {
        Ok(us) => us
            .into_iter()
            .filter(|u| u.force == force)
            .map(|u| (u.id, u.name))
            .collect(),
        Err(e) => return PageError::from(AppError::from(e)).into_response(),
    };
    let may_name = app.may_report(&user.actor, &force, true);
    let mut form = q.clone();
    let result = match request(&force, &q, today) {
        Ok(req) => {
            form.from = req.from.to_string();
            form.to = req.to.to_string();
            form.by = if req.by == Bucket::Month {
                "month"
            } else {
                "quarter"
            }
            .into();
            form.version = if req.named { "named" } else { "panel" }.into();
            app.report_pack(&user.actor, &req, now).await
        }
        Err(e) => Err(e),
    };
    let (pack, error) = match result {
        Ok(p) => (Some(p), None),
        Err(AppError::Invalid { field, message }) => (None, Some((field, message))),
        Err(e) => return PageError::from(e).into_response(),
    };
    layout.has_errors = error.is_some();
    let query = serde_urlencoded::to_string([
        ("from", form.from.as_str()),
        ("to", form.to.as_str()),
        ("unit", form.unit.as_str()),
        ("by", form.by.as_str()),
        ("version", form.version.as_str()),
    ])
    .unwrap_or_default();
    let tables = pack
        .as_ref()
        .map(|p| shown(p, Some(&query)))
        .unwrap_or_default();
    // "This pack was considered by the panel on ...": the meetings recorded on exactly this
    // pack (same area and period). Those who may not see the reviews see the pack alone.
    let considered = match (&pack, app.panel_reviews(&user.actor, now).await) {
        (Some(p), Ok(r)) => {
            let unit = (!form.unit.trim().is_empty()).then(|| form.unit.trim());
            r.considered(unit, p.from, p.to)
                .into_iter()
                .map(|m| {
                    format!(
                        "This pack was considered by the scrutiny panel on {}, chaired by {}.",
                        super::panel::day(m.met_on),
                        m.chair
                    )
                })
                .collect()
        }
        _ => Vec::new(),
    };
    ReportPage {
        considered,
        layout,
        form,
        error,
        units,
        may_name,
        pack: pack.as_ref(),
        tables,
    }
    .into_response()
}

/// `GET /reports/{table}.csv`.
pub async fn csv(
    State(state): State<AppState>,
    user: PageUser,
    Path(file): Path<String>,
    Query(q): Query<PackQuery>,
) -> Response {
    let force = user.actor.force().unwrap_or_default().to_owned();
    let now = state.now();
    let today = now
        .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC))
        .date();
    let Some(id) = file.strip_suffix(".csv") else {
        return PageError::NotFound.into_response();
    };
    let pack = match request(&force, &q, today) {
        Ok(req) => state.app().report_pack(&user.actor, &req, now).await,
        Err(e) => Err(e),
    };
    let pack = match pack {
        Ok(p) => p,
        Err(e) => return PageError::from(e).into_response(),
    };
    let body = if id == "dictionary" {
        pledge_app::reports::csv::dictionary(&pack)
    } else {
        match pack.table(id) {
            Some(t) => pledge_app::reports::csv::table(t),
            None => return PageError::NotFound.into_response(),
        }
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}
