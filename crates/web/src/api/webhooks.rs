//! A force's webhook endpoints and its failed deliveries: `GET/POST /webhooks`,
//! `DELETE /webhooks/{id}`, `GET /webhooks/failed`, `POST /webhooks/failed/{id}/retry`.
//! Administrators only; every decision is the app's (`pledge_app::notifications`). A secret
//! is in the answer to the POST that makes it, and never again.

use crate::api::cases::PathParams;
use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use pledge_app::notifications::NewWebhook;
use pledge_store::webhooks::{WebhookDelivery, WebhookEndpoint};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A webhook endpoint (its secret is never shown after it is made).
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    /// Its id.
    id: i64,
    /// The name administrators know it by.
    name: String,
    /// Where deliveries are POSTed.
    url: String,
    /// The notification kinds it takes; empty for every kind (a victim's own updates never).
    kinds: Vec<String>,
    /// Who added it.
    created_by: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    created_at: Timestamp,
}

impl From<WebhookEndpoint> for Webhook {
    fn from(e: WebhookEndpoint) -> Self {
        Webhook {
            id: e.id,
            name: e.name,
            url: e.url,
            kinds: e.kinds,
            created_by: e.created_by,
            created_at: e.created_at,
        }
    }
}

/// An endpoint just made, with the secret that signs its deliveries: keep it now, it is
/// not shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    /// The endpoint.
    webhook: Webhook,
    /// The signing secret (`whsec_` and 64 hex digits).
    secret: String,
}

/// An endpoint to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// A name ("Teams: duty officers"), 1 to 100 characters.
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    /// An `https://` URL (or `http://` to localhost).
    #[schema(min_length = 1, max_length = 2000)]
    url: String,
    /// Notification kinds it takes (`hospitalised`, `escalated`, ...); omit for every kind.
    #[serde(default)]
    #[schema(max_items = 20)]
    kinds: Vec<String>,
}

/// The force's webhook endpoints (administrators).
#[utoipa::path(get, path = "/webhooks", tag = "notifications", operation_id = "list_webhooks",
    responses((status = 200, description = "Active endpoints, oldest first, without secrets", body = Vec<Webhook>),
              (status = 403, description = "You may not see the webhooks", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<Vec<Webhook>>> {
    let hooks = state.app().webhooks(&actor).await?;
    Ok(Json(hooks.into_iter().map(Webhook::from).collect()))
}

/// Adds an endpoint; the answer carries its secret, the only time it is shown.
#[utoipa::path(post, path = "/webhooks", tag = "notifications", operation_id = "add_webhook",
    request_body = WebhookRequest,
    responses((status = 201, description = "Added; keep the secret now", body = CreatedWebhook),
              (status = 403, description = "You may not add a webhook", body = Problem),
              (status = 422, description = "A URL that is not https, an unknown kind, a name too long", body = Problem)))]
pub async fn add(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<WebhookRequest>,
) -> ApiResult<(StatusCode, Json<CreatedWebhook>)> {
    let added = state
        .app()
        .add_webhook(
            &actor,
            NewWebhook {
                name: body.name,
                url: body.url,
                kinds: body.kinds,
            },
            state.now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook {
            webhook: added.endpoint.into(),
            secret: added.secret,
        }),
    ))
}

/// Retires an endpoint: it takes no more notifications.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "notifications", operation_id = "remove_webhook",
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses((status = 204, description = "Retired"),
              (status = 403, description = "You may not change the webhooks", body = Problem),
              (status = 404, description = "No such endpoint of your force", body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<i64>,
) -> ApiResult<StatusCode> {
    state.app().remove_webhook(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A delivery that failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailedDelivery {
    /// The delivery's id (its Idempotency-Key is `pledge-delivery-ID`).
    id: i64,
    /// The endpoint.
    webhook: i64,
    /// Its name.
    webhook_name: String,
    /// The notification.
    notification: i64,
    /// The case.
    case_id: String,
    /// The notification's kind.
    kind: String,
    /// `dead` (given up: retry it) or `pending` (failing, still retried).
    status: String,
    /// Attempts so far.
    attempts: u32,
    /// The receiver's last answer.
    last_answer: Option<String>,
    /// When it was queued.
    #[schema(value_type = String, format = DateTime)]
    created_at: Timestamp,
}

impl From<WebhookDelivery> for FailedDelivery {
    fn from(d: WebhookDelivery) -> Self {
        FailedDelivery {
            id: d.id,
            webhook: d.endpoint_id,
            webhook_name: d.endpoint_name,
            notification: d.notification_id,
            case_id: d.case_id,
            kind: d.kind,
            status: d.status,
            attempts: d.attempts,
            last_answer: d.last_answer,
            created_at: d.created_at,
        }
    }
}

/// The force's failing deliveries and dead letters, newest first (administrators).
#[utoipa::path(get, path = "/webhooks/failed", tag = "notifications", operation_id = "failed_webhook_deliveries",
    responses((status = 200, description = "Failed deliveries, newest first (at most 200)", body = Vec<FailedDelivery>),
              (status = 403, description = "You may not see webhook deliveries", body = Problem)))]
pub async fn failed(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<Vec<FailedDelivery>>> {
    let failed = state.app().webhook_problems(&actor).await?;
    Ok(Json(failed.into_iter().map(FailedDelivery::from).collect()))
}

/// Puts a dead letter back in the queue: delivered at the next round, with the same
/// Idempotency-Key.
#[utoipa::path(post, path = "/webhooks/failed/{id}/retry", tag = "notifications", operation_id = "retry_webhook_delivery",
    params(("id" = i64, Path, description = "The delivery's id")),
    responses((status = 202, description = "Queued again"),
              (status = 403, description = "You may not retry webhook deliveries", body = Problem),
              (status = 404, description = "No such dead letter of your force", body = Problem)))]
pub async fn retry(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    PathParams(id): PathParams<i64>,
) -> ApiResult<StatusCode> {
    state
        .app()
        .retry_dead_letter(&actor, id, state.now())
        .await?;
    Ok(StatusCode::ACCEPTED)
}
