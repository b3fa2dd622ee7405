//! The on-call rota: who is Force Incident Manager, on-call chief officer, Senior Duty Officer,
//! ... over the coming fortnight, a form to add a shift, a CSV import (all or nothing, problems
//! by row and column) and a button to remove a shift, through `pledge_app::on_call`. Times are
//! UK time.

use super::{AdminForm, AdminPage, Row, RowAction, admin_only, named, page, respond};
use crate::pages::error::PageError;
use crate::pages::form::{FormField, summary};
use crate::pages::session::{Fields, PageForm, PageUser};
use crate::pages::words;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use pledge_app::AppError;
use pledge_app::on_call::{NewShift, parse_time, rota_role};
use pledge_domain::plan::Role;

/// The roles a rota may hold, as (value, words).
fn roles() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .filter(|r| rota_role(r.as_str()).is_ok())
        .map(|r| {
            let w = words::words(r.as_str());
            let mut c = w.chars();
            let title = c
                .next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default();
            (r.as_str().to_owned(), title)
        })
        .collect()
}

async fn rota_page(
    state: &AppState,
    user: &PageUser,
    fields: &Fields,
    errors: Vec<(String, String)>,
    notice: String,
    import_errors: Vec<String>,
) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let app = state.app();
    let now = state.now();
    let until = now
        .checked_add(jiff::SignedDuration::from_hours(24 * 14))
        .unwrap_or(now);
    let people = app.people_of_force(&user.actor, now).await?;
    let name = |id: &str| {
        people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let role_words = roles();
    let role_name = |r: &str| {
        role_words
            .iter()
            .find(|(v, _)| v == r)
            .map(|(_, w)| w.clone())
            .unwrap_or_else(|| words::words(r))
    };
    let rows = app
        .rota(&user.actor, now, until)
        .await?
        .into_iter()
        .map(|s| Row {
            actions: vec![RowAction {
                action: "/admin/on-call/remove",
                name: "id",
                value: s.id.to_string(),
                label: "Remove",
                hidden: Vec::new(),
            }],
            cells: vec![
                role_name(&s.role),
                name(&s.person),
                words::when(s.starts_at),
                words::when(s.ends_at),
            ],
        })
        .collect();
    let mut p = page(
        user.layout("On-call rota", "/admin"),
        "On-call rota",
        vec!["Role", "Who", "From", "Until", "Action"],
        rows,
    );
    p.intro.push("When the plan says the Force Incident Manager, the on-call chief officer or another force-wide role must be told, Pledge tells whoever is on call at that moment. When nobody is on call for a role, the people whose workforce role names it are told.".into());
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    let mut role_options = vec![(String::new(), "Choose a role".to_owned())];
    role_options.extend(role_words.iter().cloned());
    let mut people_options = vec![(String::new(), "Choose a person".to_owned())];
    people_options.extend(people.iter().map(|p| (p.id.clone(), p.name.clone())));
    let form = AdminForm {
        action: "/admin/on-call",
        heading: "Add a shift",
        fields: vec![
            FormField::new("", "role", "Role", "select")
                .options_owned(role_options)
                .value(fields.get("role"))
                .error(err("role")),
            FormField::new("", "person", "Who is on call", "select")
                .options_owned(people_options)
                .value(fields.get("person"))
                .error(err("person")),
            FormField::new("", "starts_at", "From", "text")
                .hint("UK time, for example 2026-12-01 08:00.")
                .value(fields.get("starts_at"))
                .error(err("starts_at")),
            FormField::new("", "ends_at", "Until", "text")
                .hint("UK time, for example 2026-12-02 08:00.")
                .value(fields.get("ends_at"))
                .error(err("ends_at")),
        ],
        button: "Add shift",
    };
    let import = AdminForm {
        action: "/admin/on-call/import",
        heading: "Import a rota",
        fields: vec![
            FormField::new("", "csv", "Rota as CSV", "textarea")
                .hint("A header row role,person,starts_at,ends_at then one shift a row, for example force_incident_manager,INSP-1107,2026-12-01 08:00,2026-12-02 08:00. Nothing is saved unless every row is right.")
                .value(fields.get("csv"))
                .error(err("csv")),
        ],
        button: "Import",
    };
    p.errors = summary(&form.fields);
    p.errors.extend(summary(&import.fields));
    p.layout = p.layout.with_errors(!p.errors.is_empty());
    p.forms.push(form);
    p.forms.push(import);
    p.upload_errors = import_errors;
    p.table_heading = "The next fortnight";
    p.notice = notice;
    Ok(p)
}

/// `GET /admin/on-call`.
pub async fn on_call(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("On-call rota", "/admin");
    respond(
        rota_page(
            &state,
            &user,
            &Fields::default(),
            Vec::new(),
            String::new(),
            Vec::new(),
        )
        .await,
        layout,
    )
}

/// `POST /admin/on-call`: adds a shift.
pub async fn add_shift(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("On-call rota", "/admin");
    let r = async {
        admin_only(user)?;
        let f = &form.fields;
        let calendar = pledge_domain::calendar::Calendar::uk();
        let mut errors = Vec::new();
        for (field, label, what) in [
            ("role", "Role", "choose the role"),
            ("person", "Who is on call", "choose who is on call"),
        ] {
            if f.get(field).is_empty() {
                errors.push((field.to_owned(), named(label, what)));
            }
        }
        let mut time = |field: &str, label: &str| match parse_time(f.get(field), &calendar) {
            Ok(t) => Some(t),
            Err(m) => {
                errors.push((field.to_owned(), named(label, &m)));
                None
            }
        };
        let (starts_at, ends_at) = (time("starts_at", "From"), time("ends_at", "Until"));
        let (Some(starts_at), Some(ends_at), true) = (starts_at, ends_at, errors.is_empty()) else {
            return rota_page(&state, user, f, errors, String::new(), Vec::new()).await;
        };
        let shift = NewShift {
            role: f.get("role").to_owned(),
            person: f.get("person").to_owned(),
            starts_at,
            ends_at,
        };
        match state
            .app()
            .add_shifts(&user.actor, vec![shift], state.now())
            .await
        {
            Ok(_) => {
                rota_page(
                    &state,
                    user,
                    &Fields::default(),
                    Vec::new(),
                    "Shift added.".into(),
                    Vec::new(),
                )
                .await
            }
            Err(AppError::Invalid { field, message }) => {
                let (field, label) = match field.as_str() {
                    "role" => ("role", "Role"),
                    "person" => ("person", "Who is on call"),
                    "starts_at" => ("starts_at", "From"),
                    _ => ("ends_at", "Until"),
                };
                let errors = vec![(field.to_owned(), named(label, &message))];
                rota_page(&state, user, f, errors, String::new(), Vec::new()).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    respond(r, layout)
}

/// `POST /admin/on-call/import`: imports a CSV rota, all or nothing.
pub async fn import_rota(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("On-call rota", "/admin");
    let r = async {
        admin_only(user)?;
        let f = &form.fields;
        let text = f.get("csv");
        if text.is_empty() {
            let errors = vec![("csv".to_owned(), named("Rota as CSV", "paste the rota"))];
            return rota_page(&state, user, f, errors, String::new(), Vec::new()).await;
        }
        match state
            .app()
            .import_rota(&user.actor, text, state.now())
            .await?
        {
            Ok(added) => {
                let notice = format!(
                    "{} shift{} added.",
                    added.len(),
                    if added.len() == 1 { "" } else { "s" }
                );
                rota_page(
                    &state,
                    user,
                    &Fields::default(),
                    Vec::new(),
                    notice,
                    Vec::new(),
                )
                .await
            }
            Err(problems) => {
                let errors = vec![(
                    "csv".to_owned(),
                    named(
                        "Rota as CSV",
                        &format!(
                            "{} row problem(s); nothing was saved (listed above the table)",
                            problems.len()
                        ),
                    ),
                )];
                let list = problems
                    .iter()
                    .take(100)
                    .map(|p| {
                        let mut s = p.to_string();
                        if let Some(f) = s.get_mut(0..1) {
                            f.make_ascii_uppercase();
                        }
                        s
                    })
                    .collect();
                rota_page(&state, user, f, errors, String::new(), list).await
            }
        }
    }
    .await;
    respond(r, layout)
}

/// `POST /admin/on-call/remove`: takes a shift off the rota.
pub async fn remove_shift(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("On-call rota", "/admin");
    let r = async {
        admin_only(user)?;
        let id: i64 = form.fields.get("id").parse().map_err(|_| {
            PageError::from(Problem::invalid("id", "the page is out of date; reload it"))
        })?;
        state.app().remove_shift(&user.actor, id).await?;
        rota_page(
            &state,
            user,
            &Fields::default(),
            Vec::new(),
            "Shift removed.".into(),
            Vec::new(),
        )
        .await
    }
    .await;
    respond(r, layout)
}
