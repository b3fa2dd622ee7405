//! The caller's own notifications: the in-app inbox and marking one read.

use crate::api::cases::PathParams;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;

/// My notifications, newest first, with how many are unread.
#[utoipa::path(get, path = "/notifications", tag = "notifications",
    responses((status = 200, description = "My notifications", body = Object),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn mine(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<Value>> {
    let list = state
        .app()
        .my_notifications(&actor, pledge_app::notifications::INBOX_LIMIT)
        .await?;
    let unread = state.app().unread_notifications(&actor).await?;
    Ok(Json(
        serde_json::json!({ "unread": unread, "notifications": list }),
    ))
}

/// Marks one of my notifications read (again is fine). Someone else's is 404.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Marked read"),
              (status = 404, body = Problem)))]
pub async fn mark_read(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<i64>,
) -> ApiResult<StatusCode> {
    state
        .app()
        .mark_notification_read(&actor, id, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
