//! `GET /cases/{case_id}/recorded`: the confirmation after recording an assault (GOV.UK
//! confirmation panel): the case reference, what happens next under the plan, and a link to
//! the case when the recorder may open it. Recording redirects here, so refreshing the page
//! never records the assault twice.

use super::case::case_id;
use super::layout::Layout;
use super::session::PageUser;
use super::words;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

/// One promise of the plan, in words.
pub struct NextRow {
    /// The plan point's title.
    pub point_title: String,
    /// What must be done.
    pub title: String,
    /// Who does it.
    pub owner: String,
    /// When, in words.
    pub due: String,
}

/// The confirmation page.
#[derive(Template, WebTemplate)]
#[template(path = "recorded.html")]
pub struct RecordedPage {
    /// Layout.
    pub layout: Layout,
    /// The case reference.
    pub case_id: String,
    /// The plan's title.
    pub plan_title: String,
    /// When the assault happened, in words.
    pub occurred: String,
    /// What happens next.
    pub next: Vec<NextRow>,
    /// Whether the recorder may open the case.
    pub may_view: bool,
}

/// `GET /cases/{case_id}/recorded`.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Path(raw): Path<String>,
) -> Response {
    let layout = user.layout("Assault recorded", "/cases/new");
    let id = match case_id(&raw) {
        Ok(id) => id,
        Err(e) => return e.page(layout),
    };
    let now = state.now();
    match state.app().confirmation(&user.actor, &id, now).await {
        Ok(c) => RecordedPage {
            layout,
            case_id: c.case_id.to_string(),
            plan_title: c.plan_title,
            occurred: words::when(c.occurred_at),
            next: c
                .next
                .into_iter()
                .map(|n| NextRow {
                    point_title: n.point_title,
                    title: n.title,
                    owner: n.owner,
                    due: words::due(Some(n.due_at), now),
                })
                .collect(),
            may_view: c.may_view,
        }
        .into_response(),
        Err(e) => super::error::PageError::from(e).page(layout),
    }
}
