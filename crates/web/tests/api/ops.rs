//! Operating endpoints and the headers every answer carries.

use crate::harness::{Backend, spawn_app, spawn_app_with};
use pledge_web::{Clock, WebConfig};
use reqwest::StatusCode;

crate::both!(
    health_readiness_and_the_openapi_document,
    security_headers_on_every_answer
);

async fn health_readiness_and_the_openapi_document(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = spawn_app(backend, "ops").await? else {
        return Ok(());
    };
    let c = app.client();
    assert_eq!(
        c.get(app.url("/healthz")).send().await?.status(),
        StatusCode::OK
    );
    assert_eq!(
        c.get(app.url("/readyz")).send().await?.status(),
        StatusCode::OK
    );
    let served: serde_json::Value = c
        .get(app.url("/api/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    let built = serde_json::to_value(pledge_web::openapi_document())?;
    assert_eq!(served, built, "the served document is the generated one");
    // Metrics are off in this app (no recorder installed): a clear 404, not a 500.
    assert_eq!(
        c.get(app.url("/metrics")).send().await?.status(),
        StatusCode::NOT_FOUND
    );
    Ok(())
}

async fn security_headers_on_every_answer(backend: Backend) -> anyhow::Result<()> {
    for tls in [false, true] {
        let config = WebConfig {
            tls,
            ..WebConfig::default()
        };
        let Some(app) = spawn_app_with(backend, "headers", config, Clock::System).await? else {
            return Ok(());
        };
        for path in ["/healthz", "/api/v1/cases", "/nowhere"] {
            let res = app.client().get(app.url(path)).send().await?;
            let h = res.headers();
            let get = |n: &str| {
                h.get(n)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned()
            };
            assert!(
                get("content-security-policy").contains("frame-ancestors 'none'"),
                "{path}"
            );
            assert!(
                !get("content-security-policy").contains("unsafe-inline"),
                "{path}"
            );
            assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
            assert_eq!(get("referrer-policy"), "no-referrer", "{path}");
            assert_eq!(
                h.contains_key("strict-transport-security"),
                tls,
                "{path} tls={tls}"
            );
        }
    }
    Ok(())
}

/// Metrics need the process-wide recorder, so this test installs it once for itself.
#[tokio::test]
async fn metrics_count_requests_by_route_pattern() -> anyhow::Result<()> {
    let handle = pledge_web::serve::install_metrics();
    let config = WebConfig {
        metrics_token: Some("a-metrics-token-of-some-length".into()),
        ..WebConfig::default()
    };
    let state = pledge_web::AppState::new(
        pledge_app::App::new(
            pledge_store::open("sqlite::memory:").await?,
            pledge_domain::PlanLibrary::builtin()?,
            "op-hampshire",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?,
        config,
        Clock::System,
        handle,
    );
    // Drive the router directly: the same layers, no network needed.
    use tower::ServiceExt;
    let router = pledge_web::router(state.clone());
    let req = |uri: &str| axum::http::Request::get(uri).body(axum::body::Body::empty());
    router
        .clone()
        .oneshot(req("/api/v1/cases/SOME-CASE")?)
        .await?;
    // On the main address, only with the metrics token.
    let res = router.clone().oneshot(req("/metrics")?).await?;
    assert_eq!(res.status(), axum::http::StatusCode::UNAUTHORIZED);
    let wrong = axum::http::Request::get("/metrics")
        .header("authorization", "Bearer a-metrics-token-of-some-lengtX")
        .body(axum::body::Body::empty())?;
    let res = router.clone().oneshot(wrong).await?;
    assert_eq!(res.status(), axum::http::StatusCode::UNAUTHORIZED);
    let right = axum::http::Request::get("/metrics")
        .header("authorization", "Bearer a-metrics-token-of-some-length")
        .body(axum::body::Body::empty())?;
    let res = router.oneshot(right).await?;
    assert_eq!(res.status(), axum::http::StatusCode::OK);
    // On the separate metrics address, without sign-in.
    let res = pledge_web::metrics_router(state.clone())
        .oneshot(req("/metrics")?)
        .await?;
    assert_eq!(res.status(), axum::http::StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), 1 << 20).await?;
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("pledge_http_requests_total"), "{text}");
    assert!(
        text.contains("route=\"/api/v1/cases/{case_id}\""),
        "case ids never become labels: {text}"
    );
    assert!(!text.contains("SOME-CASE"), "{text}");
    Ok(())
}
