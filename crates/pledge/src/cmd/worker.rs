//! `pledge worker`: the escalation sweep and notification delivery without serving HTTP, for
//! deployments that run them apart from the web servers. Any number of workers and servers
//! may share one PostgreSQL database (see docs/notifications.md, "Exactly once").

use super::StoreArgs;
use super::background_args::{BackgroundArgs, TEST_CLOCK_OPT_IN};
use super::serve::{Delivery, ForcePlan, MailArgs, SignIn, state_for_force};
use anyhow::Context;
use jiff::Timestamp;
use pledge_web::Clock;
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
    /// Run one round (the sweep, then delivery) at once, print what it did and how long each
    /// part took (one JSON line), and exit: for cron, a catch-up after downtime, or timing.
    #[arg(long)]
    pub once: bool,
    /// With --once: the moment the round runs at (RFC 3339) instead of now. A moment in the
    /// past decides only what was due by then; one in the future would escalate early and is
    /// refused unless PLEDGE_TEST_CLOCK=1.
    #[arg(long, value_name = "RFC3339", requires = "once")]
    pub now: Option<String>,
}

/// Runs rounds until SIGTERM or Ctrl-C; a round in progress is finished first.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    pledge_web::serve::init_tracing(args.log_json, "info");
    let force = ForcePlan {
        plan: &args.plan,
        plan_files: &args.plan_files,
        calendar: args.calendar.as_deref(),
    };
    let clock = match &args.now {
        Some(now) => {
            let opted_in = std::env::var(TEST_CLOCK_OPT_IN).is_ok_and(|v| v == "1");
            round_time(
                now,
                args.background.test_clock_start.is_some(),
                opted_in,
                Timestamp::now(),
            )?
        }
        None => args.background.clock()?,
    };
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
    if args.once {
        let report = pledge_web::background::once(&state).await;
        println!(
            "{}",
            serde_json::to_string(&report).context("cannot write the round's report")?
        );
        return Ok(if report.sweep.is_some() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
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

/// The clock of `--once --now TIME`: fixed at that moment. Refused with the test clock, and a
/// moment after `real` unless the test clock's opt-in is set (a round in the future would
/// remind and escalate before the time).
fn round_time(
    now: &str,
    test_clock: bool,
    opted_in: bool,
    real: Timestamp,
) -> anyhow::Result<Clock> {
    if test_clock {
        anyhow::bail!("--now: give either --now or --test-clock-start, not both");
    }
    let at: Timestamp = now.parse().with_context(|| {
        format!("--now: {now:?} is not an RFC 3339 time (e.g. 2026-04-01T09:00:00Z)")
    })?;
    if at > real && !opted_in {
        anyhow::bail!(
            "--now: {at} is in the future; a round then would remind and escalate before the \
             time (set {TEST_CLOCK_OPT_IN}=1 to allow it in tests)"
        );
    }
    Ok(Clock::Fixed(at))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn real() -> Timestamp {
        "2026-11-29T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_round_runs_at_the_moment_given() {
        let c = round_time("2026-04-01T01:00:00Z", false, false, real()).unwrap();
        assert_eq!(
            c.now(),
            "2026-04-01T01:00:00Z".parse::<Timestamp>().unwrap()
        );
        // The future only with the test clock's opt-in.
        let c = round_time("2027-01-01T00:00:00Z", false, true, real()).unwrap();
        assert_eq!(
            c.now(),
            "2027-01-01T00:00:00Z".parse::<Timestamp>().unwrap()
        );
    }

    #[test]
    fn bad_round_times_are_refused_by_name() {
        let e = round_time("tomorrow", false, true, real()).unwrap_err();
        assert!(
            e.to_string().contains("--now") && e.to_string().contains("RFC 3339"),
            "{e}"
        );
        let e = round_time("2027-01-01T00:00:00Z", false, false, real()).unwrap_err();
        assert!(
            e.to_string().contains("in the future") && e.to_string().contains(TEST_CLOCK_OPT_IN),
            "{e}"
        );
        let e = round_time("2026-04-01T00:00:00Z", true, true, real()).unwrap_err();
        assert!(e.to_string().contains("--test-clock-start"), "{e}");
    }
}
