//! Administration: people and units (imported from files on the import pages, `import.rs`),
//! plans and their versions,
//! meeting calendars (add and remove dates), API tokens (create, shown once; revoke) and
//! accounts (create, with a one-time password shown once; disable, enable, reset two-factor,
//! unlock), for administrators only. Every change goes through the application services
//! (`save_person`, `save_unit`, `add_meeting`, `remove_meeting`,
//! `set_meeting_schedule`, `create_token_as`,
//! `revoke_token_as`, `create_account_as`, `edit_account`, `reset_two_factor`,
//! `unlock_account`), which ask the policy, so the checks live there, not here.
//!
//! Imports (people, units, crimes) are all-or-nothing per file, with a dry run first: see
//! `import.rs` and docs/imports.md.

mod access;
pub mod import;
mod meeting_schedules;
mod meetings;
mod notices;
mod on_call;
mod webhooks;

pub use access::{account_action, accounts, create_account, create_token, revoke_token, tokens};
pub use meeting_schedules::set_meeting_schedule;
pub use meetings::{add_meeting, meetings, remove_meeting};
pub use notices::{notification_problems, retry_webhook};
pub use on_call::{add_shift, import_rota, on_call, remove_shift};
pub use webhooks::{add_webhook, retire_webhook, webhooks};

use super::error::PageError;
use super::form::{ErrorItem, FormField};
use super::layout::Layout;
use super::session::PageUser;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};

/// A page of administration: forms, then a table.
#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
pub struct AdminPage {
    /// Layout.
    pub layout: Layout,
    /// Heading.
    pub heading: String,
    /// Paragraphs.
    pub intro: Vec<String>,
    /// Links to the other administration pages.
    pub links: Vec<(&'static str, &'static str)>,
    /// A success message ("" for none).
    pub notice: String,
    /// Forms (each posts with the CSRF token).
    pub forms: Vec<AdminForm>,
    /// The heading over the table ("" for none).
    pub table_heading: &'static str,
    /// Column headings.
    pub headers: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Row>,
    /// Some row has a button (the table has a column for it).
    pub has_actions: bool,
    /// The error summary: what is wrong, linking to each field.
    pub errors: Vec<ErrorItem>,
    /// The rows an upload rejected, by row and column.
    pub upload_errors: Vec<String>,
    /// What an upload saved.
    pub saved: String,
}

/// A form on an administration page.
#[derive(Debug, Clone)]
pub struct AdminForm {
    /// Where it posts.
    pub action: &'static str,
    /// Its heading.
    pub heading: &'static str,
    /// Its fields.
    pub fields: Vec<FormField>,
    /// The button's words.
    pub button: &'static str,
}

/// A row of an administration table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The cells.
    pub cells: Vec<String>,
    /// Buttons acting on the row (each a POST form of its own).
    pub actions: Vec<RowAction>,
}

impl From<Vec<String>> for Row {
    fn from(cells: Vec<String>) -> Self {
        Row {
            cells,
            actions: Vec::new(),
        }
    }
}

/// A button acting on one row: posts `name=value` and its hidden fields with the CSRF token.
#[derive(Debug, Clone)]
pub struct RowAction {
    /// Where it posts.
    pub action: &'static str,
    /// The field name the button sends.
    pub name: &'static str,
    /// The value it sends (also read out after the label, for screen readers).
    pub value: String,
    /// The button's words.
    pub label: &'static str,
    /// More fields the form sends (the version of the account read).
    pub hidden: Vec<(&'static str, String)>,
}

/// A secret shown once: a new API token, a new account's one-time password.
#[derive(Template, WebTemplate)]
#[template(path = "admin_secret.html")]
pub struct SecretPage {
    /// Layout.
    pub layout: Layout,
    /// Heading.
    pub heading: String,
    /// Paragraphs.
    pub intro: Vec<String>,
    /// That it will not be shown again.
    pub warning: String,
    /// What the secret is.
    pub label: &'static str,
    /// The secret.
    pub secret: String,
    /// Where to go next.
    pub back_href: &'static str,
    /// Its words.
    pub back_label: &'static str,
}

impl SecretPage {
    /// The page, never cached: the secret must not be kept by the browser or a proxy.
    pub fn respond(self) -> Response {
        ([(CACHE_CONTROL, "no-store")], self).into_response()
    }
}

pub(super) const LINKS: [(&str, &str); 12] = [
    ("/admin/people", "People"),
    ("/admin/units", "Units"),
    ("/admin/import/people", "Import people"),
    ("/admin/import/units", "Import units"),
    ("/admin/import/crimes", "Import crimes"),
    ("/admin/plans", "Plans"),
    ("/admin/meetings", "Meeting calendars"),
    ("/admin/on-call", "On-call rota"),
    ("/admin/notifications", "Undelivered notifications"),
    ("/admin/webhooks", "Webhook endpoints"),
    ("/admin/tokens", "API tokens"),
    ("/admin/accounts", "Accounts"),
];

/// An administration page with a table.
pub fn page(
    layout: Layout,
    heading: &str,
    headers: Vec<&'static str>,
    rows: Vec<Row>,
) -> AdminPage {
    AdminPage {
        layout,
        heading: heading.to_owned(),
        intro: Vec::new(),
        links: LINKS.to_vec(),
        notice: String::new(),
        forms: Vec::new(),
        table_heading: "",
        has_actions: rows.iter().any(|r| !r.actions.is_empty()),
        headers,
        rows,
        errors: Vec::new(),
        upload_errors: Vec::new(),
        saved: String::new(),
    }
}

/// Administrators of a force only (the account policy's own gate; each action is decided
/// again by the policy in the app).
pub fn admin_only(user: &PageUser) -> Result<(), PageError> {
    if pledge_app::policy::may_administer_accounts(&user.actor) {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "Only administrators may use administration.".into(),
        ))
    }
}

/// The page (422 when it shows errors), or the error page.
pub fn respond(r: Result<AdminPage, PageError>, layout: Layout) -> Response {
    match r {
        Ok(p) => {
            let status = if p.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (status, p).into_response()
        }
        Err(e) => e.page(layout),
    }
}

/// A field's error message, naming the field: `Token name: 1 to 64 letters ...`.
pub fn named(label: &str, message: &str) -> String {
    format!("{label}: {message}")
}

/// `GET /admin`.
pub async fn index(user: PageUser) -> Response {
    let layout = user.layout("Administration", "/admin");
    let r = admin_only(&user).map(|()| {
        let mut p = page(layout.clone(), "Administration", Vec::new(), Vec::new());
        p.intro.push(
            "People, units, plans, meeting calendars, API tokens and accounts of your force."
                .into(),
        );
        p
    });
    respond(r, layout)
}

async fn people_page(state: &AppState, user: &PageUser) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let now = state.now();
    let people = state.app().people_of_force(&user.actor, now).await?;
    let left: std::collections::HashMap<String, String> = state
        .app()
        .leavers_of_force(&user.actor)
        .await?
        .into_iter()
        .map(|l| (l.person.id, l.left_on.strftime("%-d %B %Y").to_string()))
        .collect();
    let units: std::collections::HashMap<String, String> = state
        .app()
        .units_of_force(&user.actor)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let names: std::collections::HashMap<&str, &str> = people
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let rows = people
        .iter()
        .map(|p| {
            Row::from(vec![
                p.id.clone(),
                p.name.clone(),
                p.workforce_role
                    .as_deref()
                    .map(|r| r.replace('_', " "))
                    .unwrap_or_default(),
                p.unit
                    .as_deref()
                    .map(|u| units.get(u).cloned().unwrap_or_else(|| u.to_owned()))
                    .unwrap_or_default(),
                p.line_manager
                    .as_deref()
                    .map(|m| names.get(m).copied().unwrap_or(m).to_owned())
                    .unwrap_or_default(),
                left.get(&p.id)
                    .map(|d| format!("Left on {d}"))
                    .unwrap_or_default(),
            ])
        })
        .collect();
    let mut p = page(
        user.layout("People", "/admin"),
        "People",
        vec!["Id", "Name", "Role", "Unit", "Line manager", "Left"],
        rows,
    );
    p.intro.push(
        "To add, change or remove people, import your HR system's export: Import people.".into(),
    );
    Ok(p)
}

/// `GET /admin/people`.
pub async fn people(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("People", "/admin");
    respond(people_page(&state, &user).await, layout)
}

async fn units_page(state: &AppState, user: &PageUser) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let units = state.app().units_of_force(&user.actor).await?;
    let names: std::collections::HashMap<String, String> = units
        .iter()
        .map(|u| (u.id.clone(), u.name.clone()))
        .collect();
    let mut p = page(
        user.layout("Units", "/admin"),
        "Units",
        vec!["Id", "Name", "Part of"],
        units
            .into_iter()
            .map(|u| {
                let parent = u
                    .parent
                    .map(|p| names.get(&p).cloned().unwrap_or(p))
                    .unwrap_or_default();
                Row::from(vec![u.id, u.name, parent])
            })
            .collect(),
    );
    p.intro
        .push("To add or change units, import your HR system's export: Import units.".into());
    Ok(p)
}

/// `GET /admin/units`.
pub async fn units(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Units", "/admin");
    respond(units_page(&state, &user).await, layout)
}
