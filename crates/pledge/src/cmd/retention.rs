//! `pledge retention review | dispose`

use anyhow::Context;
use jiff::{Timestamp, ToSpan};
use pledge_store::{CaseId, Disposal, Store};
use std::process::ExitCode;

/// Retention subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// List cases past their review date (reported more than --years ago; minimum 6).
    Review {
        #[command(flatten)]
        store: super::StoreArgs,
        /// Review period in years (at least 6, the minimum review period).
        #[arg(long, default_value_t = 6, env = "PLEDGE_RETENTION_YEARS")]
        years: u16,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Dispose of a case's personal data, recording who, why and under which retention rule
    /// (in the disposal record and in its erase entry in the hash-chained access log, which
    /// `pledge verify` checks every disposal against).
    Dispose {
        #[command(flatten)]
        store: super::StoreArgs,
        /// The case.
        case_id: String,
        /// Who authorised the disposal (person id).
        #[arg(long)]
        by: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// The retention rule: the review period in years (at least 6). A case reported more
        /// recently is refused unless --before-review is given.
        #[arg(long, default_value_t = 6, env = "PLEDGE_RETENTION_YEARS")]
        years: u16,
        /// Erase a case before its review date (e.g. recorded in error); the rule recorded
        /// says so.
        #[arg(long)]
        before_review: bool,
    },
}

/// Runs a retention command.
pub async fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Review {
            store,
            years,
            limit,
        } => {
            anyhow::ensure!(
                years >= 6,
                "--years: the minimum review period is 6 years, got {years}"
            );
            let store = store.open().await?;
            let cutoff = review_cutoff(Timestamp::now(), years)?;
            let cases = store.due_for_review(cutoff, limit).await?;
            for c in &cases {
                println!(
                    "{}  reported {}  {}  {}",
                    c.case_id, c.reported_at, c.force, c.status
                );
            }
            println!(
                "{} case(s) reported before {cutoff} are due for review",
                cases.len()
            );
        }
        Command::Dispose {
            store,
            case_id,
            by,
            reason,
            years,
            before_review,
        } => {
            anyhow::ensure!(
                !reason.trim().is_empty(),
                "--reason: a disposal needs a reason"
            );
            anyhow::ensure!(
                !by.trim().is_empty(),
                "--by: say who authorised the disposal"
            );
            anyhow::ensure!(
                years >= 6,
                "--years: the minimum review period is 6 years, got {years}"
            );
            let case_id = CaseId::parse(&case_id).map_err(anyhow::Error::msg)?;
            let store = store.open().await?;
            let now = Timestamp::now();
            let cutoff = review_cutoff(now, years)?;
            let summary = store
                .summary(&case_id)
                .await?
                .with_context(|| format!("case {case_id}: no such case, or already disposed of"))?;
            let due = summary.reported_at < cutoff;
            anyhow::ensure!(
                due || before_review,
                "case {case_id} was reported at {}, within the {years}-year review period (due \
                 after {}); give --before-review to erase it early",
                summary.reported_at,
                cutoff_for(summary.reported_at, years)?
            );
            let rule = if due {
                format!(
                    "retention rule: {years}-year review period; reported {}",
                    summary.reported_at
                )
            } else {
                format!(
                    "retention rule: erased before its {years}-year review; reported {}",
                    summary.reported_at
                )
            };
            store
                .dispose(&Disposal {
                    case_id: case_id.clone(),
                    by,
                    at: now,
                    reason: format!("{} ({rule})", reason.trim()),
                })
                .await?;
            println!(
                "disposed of the personal data of case {case_id} ({rule}); the disposal and \
                 its erase entry in the access log are recorded"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Cases reported before this are due for review under a `years` rule at `now`.
fn review_cutoff(now: Timestamp, years: u16) -> anyhow::Result<Timestamp> {
    Ok(now
        .in_tz("Europe/London")?
        .checked_sub(i64::from(years).years())
        .context("--years is too large")?
        .timestamp())
}

/// When a case reported at `reported` becomes due for review under a `years` rule.
fn cutoff_for(reported: Timestamp, years: u16) -> anyhow::Result<Timestamp> {
    Ok(reported
        .in_tz("Europe/London")?
        .checked_add(i64::from(years).years())
        .context("--years is too large")?
        .timestamp())
}
