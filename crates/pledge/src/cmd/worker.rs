//! `pledge worker`: the escalation sweep and notification delivery without serving HTTP, for
//! deployments that run them apart from the web servers. Any number of workers and servers
//! may share one PostgreSQL database (see docs/notifications.md, "Exactly once").

use super::StoreArgs;
use super::background_args::BackgroundArgs;
use super::serve::{Delivery, ForcePlan, MailArgs, SignIn, state_for_force};
use std::process::ExitCode;

/// Arguments of `pledge worker`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The plan new cases open under (as `pledge serve --plan`; the sweep needs every plan its
    /// cases were opened under).
    #[arg(long, env = "PLEDGE_PLAN", default_value = "op-hampshire")]
    pub plan: String,
    /// A force's own plan file (repeatable), as `pledge serve --plan-file`.
    #[arg(long = "plan-file", value_name = "FILE")]
    pub plan_files: Vec<std::path::PathBuf>,
    /// A calendar file of bank holidays, as `pledge serve --calendar`.
    #[arg(long, env = "PLEDGE_CALENDAR")]
    pub calendar: Option<std::path::PathBuf>,
    /// Logs as JSON lines rather than text.
    #[arg(long, env = "PLEDGE_LOG_JSON")]
    pub log_json: bool,
    #[command(flatten)]
    pub background: BackgroundArgs,
    #[command(flatten)]
    pub mail: Box<MailArgs>,
}

/// Runs rounds until SIGTERM or Ctrl-C; a round in progress is finished first.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    pledge_web::serve::init_tracing(args.log_json, "info");
    let force = ForcePlan {
        plan: &args.plan,
        plan_files: &args.plan_files,
        calendar: args.calendar.as_deref(),
    };
    let clock = args.background.clock()?;
    let mail = args.mail.config()?;
    let state = state_for_force(
        &args.store,
        &force,
        false,
        None,
        None,
        Delivery {
            mail,
            webhooks: args.mail.webhooks(),
        },
        SignIn::default(),
        clock,
    )
    .await?;
    tracing::info!(
        every_seconds = args.background.notify_interval,
        mail = state.config().mail.is_some(),
        "Pledge worker is running the escalation sweep and delivery"
    );
    pledge_web::background::run(
        state,
        args.background.every(),
        pledge_web::serve::shutdown_signal(),
    )
    .await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}
