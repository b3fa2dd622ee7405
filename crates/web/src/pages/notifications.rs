//! The notification centre: the signed-in person's notifications, newest first, each with a
//! link to its case and a button to mark it read (a form: no script).

use super::error::PageError;
use super::session::{PageForm, PageUser};
use super::words;
use crate::api::cases::PathParams;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

/// One notification as shown.
pub struct NotificationRow {
    /// Id, for the mark-read form.
    pub id: i64,
    /// Headline.
    pub headline: String,
    /// Plain words.
    pub body: String,
    /// Case id.
    pub case_id: String,
    /// Where the case is.
    pub href: String,
    /// When it came.
    pub when: String,
    /// Not yet read.
    pub unread: bool,
    /// Urgent.
    pub urgent: bool,
}

/// The notifications page.
#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    /// Layout.
    pub layout: super::layout::Layout,
    /// Notifications, newest first.
    pub rows: Vec<NotificationRow>,
}

/// `GET /notifications`.
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Notifications", "/notifications");
    let list = match state
        .app()
        .my_notifications(&user.actor, pledge_app::notifications::INBOX_LIMIT)
        .await
    {
        Ok(l) => l,
        Err(e) => return PageError::from(e).page(layout),
    };
    let rows = list
        .into_iter()
        .map(|n| NotificationRow {
            id: n.id,
            href: if n.kind == "victim_update" {
                format!("/cases/{}/victim", n.case_id)
            } else {
                format!("/cases/{}", n.case_id)
            },
            headline: n.headline,
            body: n.body,
            case_id: n.case_id,
            when: words::when(n.created_at),
            unread: n.read_at.is_none(),
            urgent: n.urgent,
        })
        .collect();
    NotificationsPage { layout, rows }.into_response()
}

/// `POST /notifications/{id}/read`: marks one read, back to the list.
pub async fn mark_read(
    State(state): State<AppState>,
    PathParams(id): PathParams<i64>,
    form: PageForm,
) -> Response {
    let layout = form.user.layout("Notifications", "/notifications");
    match state
        .app()
        .mark_notification_read(&form.user.actor, id, state.now())
        .await
    {
        Ok(()) => Redirect::to("/notifications").into_response(),
        Err(e) => PageError::from(e).page(layout),
    }
}
