//! The layers around every route: limits, timeouts, security headers, metrics, tracing, and
//! a last line of defence that turns a panic into a problem response.

use crate::problem::Problem;
use crate::state::WebConfig;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::time::Instant;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Wraps the router in the standard layers.
pub fn wrap(app: Router, config: &WebConfig) -> Router {
    let mut app = app
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(middleware::from_fn(track))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(config),
        ))
        .layer(header_layer(header::CACHE_CONTROL, "no-store"));
    if config.tls {
        app = app.layer(header_layer(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ));
    }
    app.layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(|_| {
            Problem::internal("a handler panicked").into_response()
        }))
}

/// The pages' Content-Security-Policy. Forms post only to Pledge, and (when signing in
/// through the force's identity provider) sign-out may go on to the provider's end-session
/// endpoint: a redirect after a form is held to `form-action` too.
fn content_security_policy(config: &WebConfig) -> HeaderValue {
    let form_action = match config.oidc.as_ref().and_then(|p| p.end_session_origin()) {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         frame-ancestors 'none'; form-action {form_action}; base-uri 'none'"
    );
    HeaderValue::from_str(&csp).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
    })
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Counts requests and their latency by route (the matched pattern, never the raw path, so
/// case ids do not become metric labels).
async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("pledge_http_requests_total", &labels).increment(1);
    metrics::histogram!("pledge_http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    res
}
