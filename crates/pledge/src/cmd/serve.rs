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
    /// The plan new cases open under: a built-in plan's id, or a force's own plan file
    /// (its newest version is put in force for new cases).
    #[arg(long, env = "PLEDGE_PLAN", default_value = "op-hampshire")]
    pub plan: String,
    /// A force's own plan file (repeatable): every version its cases were opened under
    /// stays loaded, so each case is held to the version it opened under.
    #[arg(long = "plan-file", value_name = "FILE")]
    pub plan_files: Vec<std::path::PathBuf>,
    /// A calendar file of bank holidays proclaimed or moved since this release (see
    /// docs/operations.md), applied on top of the built-in UK calendar.
    #[arg(long, env = "PLEDGE_CALENDAR")]
    pub calendar: Option<std::path::PathBuf>,
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
    #[command(flatten)]
    pub background: super::background_args::BackgroundArgs,
    #[command(flatten)]
    pub mail: Box<MailArgs>,
    #[command(flatten)]
    pub oidc: Box<super::oidc_args::OidcArgs>,
}

/// How people sign in: the force's identity provider (if any) and whether password sign-in
/// is on.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The discovered provider.
    pub oidc: Option<std::sync::Arc<pledge_app::accounts::oidc::Provider>>,
    /// Password sign-in is on.
    pub local_accounts: bool,
}

impl Default for SignIn {
    fn default() -> Self {
        Self {
            oidc: None,
            local_accounts: true,
        }
    }
}

/// Notification email (see docs/notifications.md). Without --smtp-host, notifications are
/// in-app only.
#[derive(clap::Args)]
pub struct MailArgs {
    /// The SMTP server.
    #[arg(long, env = "PLEDGE_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// Its port.
    #[arg(long, env = "PLEDGE_SMTP_PORT", default_value_t = 25)]
    pub smtp_port: u16,
    /// How the connection is protected: none (plain, for a relay on the same network),
    /// starttls (required, never a fallback to plain) or tls (SMTPS). Default: tls on port
    /// 465, none on port 25, starttls on any other port.
    #[arg(long, env = "PLEDGE_SMTP_TLS", value_parser = pledge_web::mail::SmtpTls::parse)]
    pub smtp_tls: Option<pledge_web::mail::SmtpTls>,
    /// PEM file of extra certificates to trust for the mail server (a force's private CA),
    /// besides the system's.
    #[arg(long, env = "PLEDGE_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<std::path::PathBuf>,
    /// User name, when the server wants one (with PLEDGE_SMTP_PASSWORD).
    #[arg(long, env = "PLEDGE_SMTP_USER")]
    pub smtp_user: Option<String>,
    /// Password (from the environment only).
    #[arg(skip = std::env::var("PLEDGE_SMTP_PASSWORD").ok())]
    pub smtp_password: Option<String>,
    /// The sender, e.g. "Pledge <pledge@force.example>".
    #[arg(
        long,
        env = "PLEDGE_MAIL_FROM",
        default_value = "Pledge <pledge@localhost>"
    )]
    pub mail_from: String,
    /// The service's public address, for links in email and webhooks.
    #[arg(long, env = "PLEDGE_BASE_URL", default_value = "http://127.0.0.1:8080")]
    pub base_url: String,
}

impl MailArgs {
    /// The mail configuration, when a server is named.
    pub fn config(&self) -> anyhow::Result<Option<pledge_web::mail::MailConfig>> {
        let Some(host) = &self.smtp_host else {
            return Ok(None);
        };
        let mut c = pledge_web::mail::MailConfig::new(
            host,
            self.smtp_port,
            &self.mail_from,
            &self.base_url,
        );
        c.credentials = match (&self.smtp_user, &self.smtp_password) {
            (Some(u), Some(p)) => Some((u.clone(), p.clone())),
            (Some(_), None) => anyhow::bail!("--smtp-user: set PLEDGE_SMTP_PASSWORD too"),
            _ => None,
        };
        if let Some(tls) = self.smtp_tls {
            c.tls = tls;
        }
        if self.smtp_ca_file.is_some() && c.tls == pledge_web::mail::SmtpTls::None {
            anyhow::bail!(
                "--smtp-ca-file: the connection is plain; choose --smtp-tls starttls or tls"
            );
        }
        c.ca_file = self.smtp_ca_file.clone();
        // Check the settings now (the CA file above all), not at the first email.
        pledge_web::mail::Mailer::new(c.clone()).map_err(anyhow::Error::msg)?;
        Ok(Some(c))
    }

    /// How webhooks are delivered: links to cases use `--base-url`, SMTP or not.
    pub fn webhooks(&self) -> pledge_web::webhooks::WebhookConfig {
        pledge_web::webhooks::WebhookConfig::new(&self.base_url)
    }
}

/// Where notifications go beyond the inbox: email (when an SMTP server is named) and the
/// forces' webhooks.
pub struct Delivery {
    /// Email; `None`: no email.
    pub mail: Option<pledge_web::mail::MailConfig>,
    /// How webhooks are delivered.
    pub webhooks: pledge_web::webhooks::WebhookConfig,
}

/// Builds the application state over an opened store.
pub async fn state(
    store: &StoreArgs,
    plan: &str,
    tls: bool,
    metrics_token: Option<String>,
    client_address_header: Option<String>,
    mail: Option<pledge_web::mail::MailConfig>,
) -> anyhow::Result<AppState> {
    let force = ForcePlan {
        plan,
        plan_files: &[],
        calendar: None,
    };
    state_for_force(
        store,
        &force,
        tls,
        metrics_token,
        client_address_header,
        Delivery {
            mail,
            webhooks: pledge_web::webhooks::WebhookConfig::default(),
        },
        SignIn::default(),
        Clock::System,
    )
    .await
}

/// A force's own plan and calendar: `plan` may be a built-in id or a plan file, whose plan
/// new cases then open under; `plan_files` keep earlier versions loaded.
pub struct ForcePlan<'a> {
    /// `--plan`.
    pub plan: &'a str,
    /// `--plan-file`.
    pub plan_files: &'a [std::path::PathBuf],
    /// `--calendar`.
    pub calendar: Option<&'a std::path::Path>,
}

/// The same, with a force's own plan files and calendar file, on `clock`.
#[allow(clippy::too_many_arguments)] // each is one flag of `pledge serve`
pub async fn state_for_force(
    store: &StoreArgs,
    force: &ForcePlan<'_>,
    tls: bool,
    metrics_token: Option<String>,
    client_address_header: Option<String>,
    delivery: Delivery,
    sign_in: SignIn,
    clock: Clock,
) -> anyhow::Result<AppState> {
    let calendar = super::evaluate::load_calendar(force.calendar)?;
    let mut files: Vec<std::path::PathBuf> = force.plan_files.to_vec();
    let plan_path = std::path::Path::new(force.plan);
    let default_plan = if plan_path.is_file() {
        let own = super::plan_files::load(plan_path).context("--plan")?;
        files.push(plan_path.to_path_buf());
        own.id
    } else {
        force.plan.to_owned()
    };
    let library = super::plan_files::library_with(&files).context("--plan-file")?;
    let store = store.open().await?;
    let app = pledge_app::App::new(store, library, &default_plan)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("--plan")?
        .with_calendar(calendar);
    app.refresh_plans()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot load the plan register (the forces' own plan versions)")?;
    if metrics_token.as_deref().is_some_and(|t| t.len() < 16) {
        anyhow::bail!("--metrics-token: at least 16 characters");
    }
    let mut config = WebConfig {
        tls,
        metrics_token,
        client_address_header: client_address_header.map(|h| h.trim().to_ascii_lowercase()),
        mail: delivery.mail,
        webhooks: delivery.webhooks,
        oidc: sign_in.oidc,
        ..WebConfig::default()
    };
    config.accounts.local_accounts = sign_in.local_accounts;
    Ok(AppState::new(
        app,
        config,
        clock,
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
    let force = ForcePlan {
        plan: &args.plan,
        plan_files: &args.plan_files,
        calendar: args.calendar.as_deref(),
    };
    let mail = args.mail.config()?;
    let clock = args.background.clock()?;
    let sign_in = SignIn {
        oidc: args.oidc.provider().await?,
        local_accounts: args.oidc.local_accounts == super::oidc_args::OnOff::On,
    };
    let state = state_for_force(
        &args.store,
        &force,
        args.tls,
        args.metrics_token,
        args.client_address_header.clone(),
        Delivery {
            mail,
            webhooks: args.mail.webhooks(),
        },
        sign_in,
        clock,
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
    pledge_web::serve::serve_publishing(listener, state, publish, args.background.every()).await?;
    Ok(ExitCode::SUCCESS)
}
