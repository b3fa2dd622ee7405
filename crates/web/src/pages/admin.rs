//! Administration: people and units (each with a CSV upload), plans and their versions,
//! meeting calendars (add and remove dates), API tokens (create, shown once; revoke) and
//! accounts (create, with a one-time password shown once; disable, enable, reset two-factor,
//! unlock), for administrators only. Every change goes through the application services
//! (`save_person`, `save_unit`, `add_meeting`, `remove_meeting`, `create_token_as`,
//! `revoke_token_as`, `create_account_as`, `edit_account`, `reset_two_factor`,
//! `unlock_account`), which ask the policy, so the checks live there, not here.
//!
//! A CSV upload is row by row, not all-or-nothing: every valid row is saved (saving is an
//! upsert, so sending the corrected file again is safe), and every rejected row is listed
//! with its row number and column.

mod access;
mod meetings;
mod notices;
mod on_call;

pub use access::{account_action, accounts, create_account, create_token, revoke_token, tokens};
pub use meetings::{add_meeting, meetings, remove_meeting};
pub use notices::notification_problems;
pub use on_call::{add_shift, import_rota, on_call, remove_shift};

use super::error::PageError;
use super::form::{ErrorItem, FormField};
use super::layout::Layout;
use super::session::{PageForm, PageUser};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use pledge_app::AppError;
use pledge_store::{Person, Unit};
use std::future::Future;

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

const LINKS: [(&str, &str); 8] = [
    ("/admin/people", "People"),
    ("/admin/units", "Units"),
    ("/admin/plans", "Plans"),
    ("/admin/meetings", "Meeting calendars"),
    ("/admin/on-call", "On-call rota"),
    ("/admin/notifications", "Undelivered notifications"),
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

// ---- CSV uploads (people, units): shared row-by-row reading and saving.

/// The columns of an upload; the first two (`id`, `name`) are required.
struct Upload {
    /// The page's name for what is uploaded (`people`).
    what: &'static str,
    /// The column names of the first line.
    columns: &'static [&'static str],
}

const PEOPLE: Upload = Upload {
    what: "people",
    columns: &[
        "id",
        "name",
        "email",
        "workforce_role",
        "unit",
        "line_manager",
        "staff_association",
    ],
};

const UNITS: Upload = Upload {
    what: "units",
    columns: &["id", "name", "parent"],
};

/// The result of an upload: how many rows were saved and the rejected rows' messages.
struct Uploaded {
    saved: usize,
    errors: Vec<String>,
}

impl Upload {
    /// The upload form's field.
    fn field(&self, text: &str, error: Option<String>) -> FormField {
        FormField::new("", "csv", &format!("Add or update {} from CSV", self.what), "textarea")
            .hint(&format!(
                "Paste the file. First line: {}. Valid rows are saved even when others are rejected; send the corrected file again to fix them.",
                self.columns.join(",")
            ))
            .value(text)
            .error(error)
    }

    /// Reads the CSV and saves each row with `save` (given the row's cells in the order of
    /// `columns`, "" for an absent column); rows are numbered counting the header as row 1.
    async fn run<F, Fut, T>(&self, text: &str, mut save: F) -> Uploaded
    where
        F: FnMut(Vec<String>) -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let mut out = Uploaded {
            saved: 0,
            errors: Vec::new(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => csv::StringRecord::from(vec![format!("{e}")]),
        };
        let index: Vec<Option<usize>> = self
            .columns
            .iter()
            .map(|c| headers.iter().position(|h| h == *c))
            .collect();
        if index.iter().take(2).any(Option::is_none) {
            out.errors.push(format!(
                "Row 1: the first line must name the columns, including {} and {}",
                self.columns[0], self.columns[1]
            ));
            return out;
        }
        for (i, record) in reader.records().enumerate() {
            let row = i + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    out.errors.push(format!("Row {row}: cannot be read: {e}"));
                    continue;
                }
            };
            let cells = index
                .iter()
                .map(|i| i.and_then(|i| record.get(i)).unwrap_or("").to_owned())
                .collect();
            match save(cells).await {
                Ok(_) => out.saved += 1,
                Err(AppError::Invalid { field, message }) => out
                    .errors
                    .push(format!("Row {row}: column {field}: {message}")),
                Err(AppError::Internal(cause)) => {
                    tracing::error!(%cause, row, "upload row failed");
                    out.errors.push(format!(
                        "Row {row}: could not be saved because of a fault in Pledge; try again"
                    ));
                }
                Err(e) => out.errors.push(format!("Row {row}: {e}")),
            }
        }
        out
    }
}

/// An optional cell: None when empty.
fn opt(cell: &mut String) -> Option<String> {
    Some(std::mem::take(cell)).filter(|s| !s.is_empty())
}

/// Fills a page with an upload's form and results.
fn with_upload(
    mut p: AdminPage,
    upload: &Upload,
    action: &'static str,
    button: &'static str,
    text: &str,
    result: Option<Uploaded>,
) -> AdminPage {
    let (saved, errors) = match result {
        Some(r) => (Some(r.saved), r.errors),
        None => (None, Vec::new()),
    };
    p.layout = p.layout.with_errors(!errors.is_empty());
    p.forms.push(AdminForm {
        action,
        heading: if upload.what == "people" {
            "Upload people"
        } else {
            "Upload units"
        },
        fields: vec![upload.field(text, errors.first().cloned())],
        button,
    });
    p.errors = errors
        .iter()
        .map(|m| ErrorItem {
            href: "#csv".into(),
            message: m.clone(),
        })
        .collect();
    p.upload_errors = errors;
    if let Some(n) = saved {
        let noun = match (upload.what, n) {
            ("people", 1) => "person",
            ("people", _) => "people",
            (_, 1) => "unit",
            _ => "units",
        };
        p.saved = format!("{n} {noun} saved.");
    }
    p
}

async fn people_page(
    state: &AppState,
    user: &PageUser,
    text: &str,
    result: Option<Uploaded>,
) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let people = state
        .app()
        .people_of_force(&user.actor, state.now())
        .await?;
    let p = page(
        user.layout("People", "/admin"),
        "People",
        vec!["Id", "Name", "Role", "Unit", "Line manager"],
        people
            .into_iter()
            .map(|p| {
                Row::from(vec![
                    p.id,
                    p.name,
                    p.workforce_role.unwrap_or_default(),
                    p.unit.unwrap_or_default(),
                    p.line_manager.unwrap_or_default(),
                ])
            })
            .collect(),
    );
    Ok(with_upload(
        p,
        &PEOPLE,
        "/admin/people/upload",
        "Upload people",
        text,
        result,
    ))
}

/// `GET /admin/people`.
pub async fn people(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("People", "/admin");
    respond(people_page(&state, &user, "", None).await, layout)
}

/// `POST /admin/people/upload`: saves each valid row; lists the others by row and column.
pub async fn upload_people(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("People", "/admin");
    if let Err(e) = admin_only(user) {
        return e.page(layout);
    }
    let text = form.fields.get("csv").to_owned();
    let (app, actor, now) = (state.app(), &user.actor, state.now());
    let result = PEOPLE
        .run(&text, |mut c| {
            let person = Person {
                id: std::mem::take(&mut c[0]),
                name: std::mem::take(&mut c[1]),
                email: opt(&mut c[2]),
                workforce_role: opt(&mut c[3]),
                unit: opt(&mut c[4]),
                line_manager: opt(&mut c[5]),
                staff_association: opt(&mut c[6]),
            };
            app.save_person(actor, person, None, now)
        })
        .await;
    respond(people_page(&state, user, &text, Some(result)).await, layout)
}

async fn units_page(
    state: &AppState,
    user: &PageUser,
    text: &str,
    result: Option<Uploaded>,
) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let units = state.app().units_of_force(&user.actor).await?;
    let p = page(
        user.layout("Units", "/admin"),
        "Units",
        vec!["Id", "Name", "Part of"],
        units
            .into_iter()
            .map(|u| Row::from(vec![u.id, u.name, u.parent.unwrap_or_default()]))
            .collect(),
    );
    Ok(with_upload(
        p,
        &UNITS,
        "/admin/units/upload",
        "Upload units",
        text,
        result,
    ))
}

/// `GET /admin/units`.
pub async fn units(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Units", "/admin");
    respond(units_page(&state, &user, "", None).await, layout)
}

/// `POST /admin/units/upload`: saves each valid row through `App::save_unit` (which refuses a
/// cycle in the chain of command); lists the others by row and column. A unit's parent must
/// exist already, so list parents before the units under them.
pub async fn upload_units(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("Units", "/admin");
    if let Err(e) = admin_only(user) {
        return e.page(layout);
    }
    let text = form.fields.get("csv").to_owned();
    let (app, actor) = (state.app(), &user.actor);
    let force = actor.force().unwrap_or_default().to_owned();
    let result = UNITS
        .run(&text, |mut c| {
            let unit = Unit {
                id: std::mem::take(&mut c[0]),
                name: std::mem::take(&mut c[1]),
                force: force.clone(),
                parent: opt(&mut c[2]),
            };
            app.save_unit(actor, unit, None)
        })
        .await;
    respond(units_page(&state, user, &text, Some(result)).await, layout)
}
