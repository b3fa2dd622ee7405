//! Pledge's HTTP shell: the JSON API under `/api/v1` (described by `/api/openapi.json`),
//! sign-in and access, and the operational endpoints. Handlers translate HTTP to the
//! application services and back; no rule of a plan lives here.

pub mod api;
pub mod auth;
pub mod background;
pub mod demo;
pub mod head;
mod layers;
pub mod mail;
pub mod openapi;
mod ops;
pub mod pages;
pub mod problem;
pub mod report;
pub mod serve;
mod state;
pub mod webhooks;

pub use problem::{ApiResult, Problem};
pub use state::{AppState, Clock, Inner, WebConfig};

use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The API routes with their OpenAPI description, before the document is split off.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api/v1", api::routes().merge(auth::routes()))
}

/// The OpenAPI document as served.
pub fn openapi_document() -> serde_json::Value {
    let (_, doc) = api_router().split_for_parts();
    openapi::document(&doc)
}

/// The metrics address's routes (`pledge serve --metrics-listen`): `/metrics` alone, without
/// sign-in, for a Prometheus scraper on a management network.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(ops::metrics))
        .with_state(state)
}

/// Serves [`metrics_router`] on its own listener until the process ends.
pub async fn serve_metrics(listener: tokio::net::TcpListener, state: AppState) {
    if let Err(e) = axum::serve(listener, metrics_router(state)).await {
        tracing::error!(error = %e, "the metrics address stopped");
    }
}

/// The whole application: API, operational endpoints and the layers around them.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api_router().split_for_parts();
    let doc = Arc::new(openapi::document(&doc));
    let config = state.config().clone();
    let app = Router::new()
        .merge(api)
        .merge(pages::routes())
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics_guarded))
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(|| async { Problem::not_found() })
        .with_state(state);
    layers::wrap(app, &config)
}
