//! `pledge serve`: the web service.

use super::StoreArgs;
use anyhow::Context;
use pledge_web::{AppState, Clock, WebConfig};
use std::process::ExitCode;

/// Arguments of `pledge serve`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on.
    #[arg(long, env = "PLEDGE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Pledge is reached over TLS (directly or through a TLS-terminating proxy): cookies are
    /// marked Secure and responses carry HSTS.
    #[arg(long, env = "PLEDGE_TLS")]
    pub tls: bool,
    /// The plan new cases open under.
    #[arg(long, env = "PLEDGE_PLAN", default_value = "op-hampshire")]
    pub plan: String,
    /// Logs as JSON lines (for log collectors) rather than text.
    #[arg(long, env = "PLEDGE_LOG_JSON")]
    pub log_json: bool,
    /// Serves `/metrics` (Prometheus) on this separate address, e.g. one reachable only from
    /// the management network. Without it, and without --metrics-token, no metrics are served.
    #[arg(long, env = "PLEDGE_METRICS_LISTEN")]
    pub metrics_listen: Option<String>,
    /// Also serves `/metrics` on the main address to requests bearing this token.
    #[arg(long, env = "PLEDGE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// A header set by the reverse proxy in front of Pledge naming the client's address
    /// (e.g. `x-forwarded-for`; its last entry is used), for sign-in throttling per address.
    /// Set it only when every request comes through that proxy.
    #[arg(long, env = "PLEDGE_CLIENT_ADDRESS_HEADER")]
    pub client_address_header: Option<String>,
    /// How often (seconds) the log heads are read and, when they moved, published to the log
    /// (target `pledge::head`) and the head file.
    #[arg(long, env = "PLEDGE_HEAD_INTERVAL", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub head_interval: u64,
    /// A file rewritten (atomically) with the log heads each time they are published, as JSON.
    #[arg(long, env = "PLEDGE_HEAD_FILE")]
    pub head_file: Option<std::path::PathBuf>,
}

/// Builds the application state over an opened store.
pub async fn state(
    store: &StoreArgs,
    plan: &str,
    tls: bool,
    metrics_token: Option<String>,
    client_address_header: Option<String>,
) -> anyhow::Result<AppState> {
    let store = store.open().await?;
    let app = pledge_app::App::new(store, super::library()?, plan)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("--plan")?;
    if metrics_token.as_deref().is_some_and(|t| t.len() < 16) {
        anyhow::bail!("--metrics-token: at least 16 characters");
    }
    let config = WebConfig {
        tls,
        metrics_token,
        client_address_header: client_address_header.map(|h| h.trim().to_ascii_lowercase()),
        ..WebConfig::default()
    };
    Ok(AppState::new(
        app,
        config,
        Clock::System,
        pledge_web::serve::install_metrics(),
    ))
}

/// Binds the address, naming it when that fails.
pub async fn bind(listen: &str) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen} (--listen or PLEDGE_LISTEN)"))
}

/// Runs the server until SIGTERM or Ctrl-C.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    pledge_web::serve::init_tracing(args.log_json, "info");
    let state = state(
        &args.store,
        &args.plan,
        args.tls,
        args.metrics_token,
        args.client_address_header.clone(),
    )
    .await?;
    let listener = bind(&args.listen).await?;
    if let Some(address) = &args.metrics_listen {
        let metrics = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address} (--metrics-listen)"))?;
        tracing::info!(address = %address, "metrics are served here");
        tokio::spawn(pledge_web::serve_metrics(metrics, state.clone()));
    }
    tracing::info!(address = %args.listen, "Pledge is listening");
    let publish = pledge_web::head::Publish {
        every: std::time::Duration::from_secs(args.head_interval),
        file: args.head_file,
    };
    pledge_web::serve::serve_publishing(listener, state, publish).await?;
    Ok(ExitCode::SUCCESS)
}
