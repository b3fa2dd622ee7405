//! The national picture page: upload several force exports (`pledge export national`) and
//! see them merged, by force and for all forces, as tables with SVG charts. A real file
//! upload (`multipart/form-data`, several files in one field) that works without
//! JavaScript; a refused file is named in the error summary.

use super::auth_steps::csrf_matches;
use super::error::PageError;
use super::form::ErrorItem;
use super::layout::Layout;
use super::session::PageUser;
use crate::report::ShownTable;
use crate::report::national::Shown;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The page.
#[derive(Template, WebTemplate)]
#[template(path = "national.html")]
pub struct NationalPage<'a> {
    /// Layout.
    pub layout: Layout,
    /// The error summary.
    pub errors: Vec<ErrorItem>,
    /// The upload field's error.
    pub file_error: Option<String>,
    /// The merged picture, after an upload.
    pub n: Option<&'a Shown>,
    /// Its tables.
    pub tables: Vec<ShownTable<'a>>,
}

const TITLE: &str = "The national picture";

fn allowed(user: &PageUser) -> Result<(), PageError> {
    if pledge_app::policy::decide_national(&user.actor) {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "You may not merge force exports into the national picture.".into(),
        ))
    }
}

fn refused(layout: Layout, message: String) -> Response {
    let page = NationalPage {
        layout: layout.with_errors(true),
        errors: vec![ErrorItem {
            href: "#exports".into(),
            message: message.clone(),
        }],
        file_error: Some(message),
        n: None,
        tables: Vec::new(),
    };
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// `GET /national`.
pub async fn form_page(user: PageUser) -> Response {
    let layout = user.layout(TITLE, "/national");
    if let Err(e) = allowed(&user) {
        return e.page(layout);
    }
    NationalPage {
        layout,
        errors: Vec::new(),
        file_error: None,
        n: None,
        tables: Vec::new(),
    }
    .into_response()
}

/// The form as sent: the CSRF token and the files (name, text).
async fn read(mut m: Multipart) -> Result<(String, Vec<(String, String)>), String> {
    let mut csrf = String::new();
    let mut files = Vec::new();
    while let Some(field) = m
        .next_field()
        .await
        .map_err(|e| format!("The files could not be read: {}", e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let file = field.file_name().unwrap_or_default().to_owned();
        let text = field
            .text()
            .await
            .map_err(|e| format!("The files could not be read: {}", e.body_text()))?;
        match name.as_str() {
            "csrf_token" => csrf = text,
            // A form sent with no file chosen still carries one empty part.
            "exports" if !(file.is_empty() && text.is_empty()) => {
                files.push((
                    if file.is_empty() {
                        "a file".into()
                    } else {
                        file
                    },
                    text,
                ));
            }
            _ => {}
        }
    }
    Ok((csrf, files))
}

/// `POST /national`: merges the uploaded exports and shows the picture.
pub async fn merge(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let layout = user.layout(TITLE, "/national");
    if let Err(e) = allowed(&user) {
        return e.page(layout);
    }
    let read = match multipart {
        Ok(m) => read(m).await,
        Err(e) => Err(format!(
            "The files could not be read ({}): send them from this page",
            e.body_text()
        )),
    };
    let (csrf, files) = match read {
        Ok(x) => x,
        Err(m) => return refused(layout, m),
    };
    if !csrf_matches(&user.user, &csrf) {
        return PageError::Csrf.page(layout);
    }
    if files.is_empty() {
        return refused(
            layout,
            "Choose the force exports to merge (one file per force)".into(),
        );
    }
    match state.app().national_merge(&user.actor, &files) {
        Ok(Ok(picture)) => {
            let shown = Shown::of(&picture);
            NationalPage {
                layout,
                errors: Vec::new(),
                file_error: None,
                n: Some(&shown),
                tables: shown.shown(),
            }
            .into_response()
        }
        Ok(Err(r)) => refused(
            layout,
            format!("{} was refused ({}): {}", r.file, r.field, r.problem),
        ),
        Err(e) => PageError::from(e).page(layout),
    }
}
