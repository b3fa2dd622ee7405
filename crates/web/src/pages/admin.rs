//! Administration: people and units (with a CSV upload of people), plans and their versions,
//! meeting calendars, API tokens and accounts — read from the application services where
//! they exist (`people_of_force`, `units_of_force`, `save_person`, the plan library), and for
//! tokens and accounts from the sign-in store, for administrators only (as the sign-in API).
//!
//! A CSV upload is row by row, not all-or-nothing: every valid row is saved (saving a person
//! is an upsert, so sending the corrected file again is safe), and every rejected row is
//! listed with its row number and column.

use super::error::PageError;
use super::form::{ErrorItem, FormField};
use super::layout::Layout;
use super::session::{PageForm, PageUser};
use super::words;
use crate::auth::store_problem;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pledge_app::{AccountRole, AppError};
use pledge_store::{AccountStore, Person, Store};

/// A page of administration: a table, and optionally the people upload form.
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
    /// Column headings.
    pub headers: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
    /// The upload form's field, on the people page.
    pub upload: Option<FormField>,
    /// Upload errors.
    pub errors: Vec<ErrorItem>,
    /// What the upload saved.
    pub saved: String,
}

const LINKS: [(&str, &str); 6] = [
    ("/admin/people", "People"),
    ("/admin/units", "Units"),
    ("/admin/plans", "Plans"),
    ("/admin/meetings", "Meeting calendars"),
    ("/admin/tokens", "API tokens"),
    ("/admin/accounts", "Accounts"),
];

fn page(
    layout: Layout,
    heading: &str,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
) -> AdminPage {
    AdminPage {
        layout,
        heading: heading.to_owned(),
        intro: Vec::new(),
        links: LINKS.to_vec(),
        headers,
        rows,
        upload: None,
        errors: Vec::new(),
        saved: String::new(),
    }
}

fn admin_only(user: &PageUser) -> Result<(), PageError> {
    if user.actor.has(AccountRole::Administrator) {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "Only administrators may use administration.".into(),
        ))
    }
}

fn respond(r: Result<AdminPage, PageError>, layout: Layout) -> Response {
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

async fn people_page(
    state: &AppState,
    user: &PageUser,
    csv_text: &str,
    errors: Vec<ErrorItem>,
    saved: String,
) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let people = state
        .app()
        .people_of_force(&user.actor, state.now())
        .await?;
    let layout = user
        .layout("People", "/admin")
        .with_errors(!errors.is_empty());
    let mut p = page(
        layout,
        "People",
        vec!["Id", "Name", "Role", "Unit", "Line manager"],
        people
            .into_iter()
            .map(|p| {
                vec![
                    p.id,
                    p.name,
                    p.workforce_role.unwrap_or_default(),
                    p.unit.unwrap_or_default(),
                    p.line_manager.unwrap_or_default(),
                ]
            })
            .collect(),
    );
    p.upload = Some(
        FormField::new("", "csv", "Add or update people from CSV", "textarea")
            .hint("Paste the file. First line: id,name,email,workforce_role,unit,line_manager,staff_association. Valid rows are saved even when others are rejected; send the corrected file again to fix them.")
            .value(csv_text)
            .error(errors.first().map(|e| e.message.clone())),
    );
    p.errors = errors;
    p.saved = saved;
    Ok(p)
}

/// `GET /admin/people`.
pub async fn people(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("People", "/admin");
    respond(
        people_page(&state, &user, "", Vec::new(), String::new()).await,
        layout,
    )
}

const COLUMNS: [&str; 7] = [
    "id",
    "name",
    "email",
    "workforce_role",
    "unit",
    "line_manager",
    "staff_association",
];

/// `POST /admin/people/upload`: saves each valid row; lists the others by row and column.
pub async fn upload_people(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("People", "/admin");
    if let Err(e) = admin_only(user) {
        return e.page(layout);
    }
    let text = form.fields.get("csv").to_owned();
    let mut errors = Vec::new();
    let mut saved = 0usize;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => csv::StringRecord::from(vec![format!("{e}")]),
    };
    let index: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|c| headers.iter().position(|h| h == *c))
        .collect();
    let err = |row: String, message: String| ErrorItem {
        href: "#csv".into(),
        message: format!("Row {row}: {message}"),
    };
    if index[0].is_none() || index[1].is_none() {
        errors.push(err(
            "1".into(),
            "the first line must name the columns, including id and name".into(),
        ));
    } else {
        for (i, record) in reader.records().enumerate() {
            let row = i + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    errors.push(err(row.to_string(), format!("cannot be read: {e}")));
                    continue;
                }
            };
            let get = |c: usize| {
                index[c]
                    .and_then(|i| record.get(i))
                    .unwrap_or("")
                    .to_owned()
            };
            let opt = |c: usize| Some(get(c)).filter(|s| !s.is_empty());
            let person = Person {
                id: get(0),
                name: get(1),
                email: opt(2),
                workforce_role: opt(3),
                unit: opt(4),
                line_manager: opt(5),
                staff_association: opt(6),
            };
            match state
                .app()
                .save_person(&user.actor, person, state.now())
                .await
            {
                Ok(()) => saved += 1,
                Err(AppError::Invalid { field, message }) => {
                    errors.push(err(row.to_string(), format!("column {field}: {message}")))
                }
                Err(e) => errors.push(err(row.to_string(), e.to_string())),
            }
        }
    }
    let saved = format!(
        "{saved} {} saved.",
        if saved == 1 { "person" } else { "people" }
    );
    respond(
        people_page(&state, user, &text, errors, saved).await,
        layout,
    )
}

/// `GET /admin/units`.
pub async fn units(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Units", "/admin");
    let r = async {
        admin_only(&user)?;
        let units = state.app().units_of_force(&user.actor).await?;
        Ok(page(
            layout.clone(),
            "Units",
            vec!["Id", "Name", "Part of"],
            units
                .into_iter()
                .map(|u| vec![u.id, u.name, u.parent.unwrap_or_default()])
                .collect(),
        ))
    }
    .await;
    respond(r, layout)
}

/// `GET /admin/plans`.
pub async fn plans(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Plans", "/admin");
    let r = admin_only(&user).map(|()| {
        let in_force = state.app().plan_in_force();
        let rows = state
            .app()
            .plans()
            .iter()
            .map(|p| {
                let current = p.id == in_force.id && p.version == in_force.version;
                vec![
                    p.id.clone(),
                    p.version.to_string(),
                    p.title.clone(),
                    p.points.len().to_string(),
                    p.obligations.len().to_string(),
                    if current {
                        "In force".into()
                    } else {
                        String::new()
                    },
                ]
            })
            .collect();
        page(
            layout.clone(),
            "Plans",
            vec![
                "Plan",
                "Version",
                "Title",
                "Points",
                "Obligations",
                "In force",
            ],
            rows,
        )
    });
    respond(r, layout)
}

/// `GET /admin/meetings`.
pub async fn meetings(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Meeting calendars", "/admin");
    let r = async {
        admin_only(&user)?;
        let plan = state.app().plan_in_force();
        let mut rows = Vec::new();
        if let Some(plan) = state.app().plans().get(&plan.id, plan.version) {
            for cal in &plan.meetings {
                let dates = state
                    .store()
                    .meetings(&cal.id, None)
                    .await
                    .map_err(store_problem)?;
                let now = state.now();
                for d in dates.into_iter().filter(|d| d.at >= now).take(100) {
                    rows.push(vec![cal.id.clone(), d.unit, words::when(d.at)]);
                }
            }
        }
        Ok::<_, PageError>(page(
            layout.clone(),
            "Meeting calendars",
            vec!["Calendar", "Unit", "Next meetings"],
            rows,
        ))
    }
    .await;
    respond(r, layout)
}

/// `GET /admin/tokens`.
pub async fn tokens(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("API tokens", "/admin");
    let r = async {
        admin_only(&user)?;
        let tokens = state.store().tokens().await.map_err(store_problem)?;
        let mut p = page(layout.clone(), "API tokens", vec!["Name", "Scopes", "Force", "Created", "Revoked"],
            tokens.into_iter().map(|t| vec![t.name, t.scopes.join(", "), t.force,
                format!("{} by {}", words::when(t.created_at), t.created_by), words::when_opt(t.revoked_at)]).collect());
        p.intro.push("Create and revoke tokens with `pledge token create` or the API (POST /api/v1/tokens). Pledge keeps only a hash of each token.".into());
        Ok::<_, PageError>(p)
    }
    .await;
    respond(r, layout)
}

/// `GET /admin/accounts`.
pub async fn accounts(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Accounts", "/admin");
    let r = async {
        admin_only(&user)?;
        let accounts = state.store().accounts().await.map_err(store_problem)?;
        Ok::<_, PageError>(page(
            layout.clone(),
            "Accounts",
            vec!["Person", "Roles", "Two-factor", "State"],
            accounts
                .into_iter()
                .map(|a| {
                    vec![
                        a.person_id,
                        a.roles
                            .iter()
                            .map(|r| words::words(r))
                            .collect::<Vec<_>>()
                            .join(", "),
                        if a.totp_secret.is_some() {
                            "Set up".into()
                        } else {
                            "Not set up".into()
                        },
                        if a.disabled {
                            "Disabled".into()
                        } else if a.must_change_password {
                            "Must change password".into()
                        } else {
                            "Active".into()
                        },
                    ]
                })
                .collect(),
        ))
    }
    .await;
    respond(r, layout)
}
