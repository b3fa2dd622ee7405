//! Running the server: logging, metrics, housekeeping and graceful shutdown.

use crate::state::AppState;
use anyhow::Context;
use pledge_store::{AccountStore, IdempotencyStore};
use std::time::Duration;
use tokio::net::TcpListener;

/// Structured logs to stderr: JSON when `json`, human-readable otherwise; the level from
/// `RUST_LOG`, else `default_level` (`info` for the service, `warn` for the demo, whose
/// printed sign-ins should not scroll away).
pub fn init_tracing(json: bool, default_level: &str) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second call (tests) finds a subscriber installed already; that is fine.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Installs the Prometheus recorder; `None` when one is installed already.
pub fn install_metrics() -> Option<metrics_exporter_prometheus::PrometheusHandle> {
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .ok()
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight; publishes the log
/// heads every minute (see [`crate::head`]).
pub async fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<()> {
    serve_publishing(
        listener,
        state,
        crate::head::Publish::default(),
        crate::background::DEFAULT_EVERY,
    )
    .await
}

/// [`serve`], publishing the log heads as `publish` says and running a notification round
/// (see [`crate::background`]) every `notify_every`.
pub async fn serve_publishing(
    listener: TcpListener,
    state: AppState,
    publish: crate::head::Publish,
    notify_every: Duration,
) -> anyhow::Result<()> {
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    let heads = tokio::spawn(crate::head::run(state.clone(), publish.clone()));
    let app = crate::router(state.clone());
    // Cut short at shutdown: a round is safe to stop anywhere (see `background`).
    let notifications = tokio::spawn(crate::background::run(
        state.clone(),
        notify_every,
        std::future::pending(),
    ));
    // The peer address reaches handlers (sign-in throttling per client address).
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("the server stopped with an error");
    housekeeping.abort();
    notifications.abort();
    heads.abort();
    crate::head::final_publish(&state, &publish).await;
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// Removes expired sessions, old sign-in attempts and old idempotency records every few
/// minutes, so the tables stay small.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tick.tick().await;
        let now = state.now();
        let store = state.store();
        let day_ago = now - jiff::SignedDuration::from_hours(24);
        let results = [
            store.expire_sessions(now).await,
            store.prune_login_attempts(day_ago).await,
            store.prune_idempotent_responses(day_ago).await,
        ];
        for r in results {
            if let Err(e) = r {
                tracing::warn!(error = %e, "housekeeping failed");
            }
        }
        // A plan version another server installed is loaded here too (and at once when a
        // case needs it).
        if let Err(e) = state.app().refresh_plans().await {
            tracing::warn!(error = %e, "loading the plan register failed");
        }
    }
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
