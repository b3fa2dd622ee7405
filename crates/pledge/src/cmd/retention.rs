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
    /// Dispose of a case's personal data, recording who and why.
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
            let cutoff = Timestamp::now()
                .in_tz("Europe/London")?
                .checked_sub(i64::from(years).years())
                .context("--years is too large")?
                .timestamp();
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
        } => {
            anyhow::ensure!(
                !reason.trim().is_empty(),
                "--reason: a disposal needs a reason"
            );
            anyhow::ensure!(
                !by.trim().is_empty(),
                "--by: say who authorised the disposal"
            );
            let case_id = CaseId::parse(&case_id).map_err(anyhow::Error::msg)?;
            let store = store.open().await?;
            store
                .dispose(&Disposal {
                    case_id: case_id.clone(),
                    by,
                    at: Timestamp::now(),
                    reason,
                })
                .await?;
            println!("disposed of the personal data of case {case_id}; the disposal is recorded");
        }
    }
    Ok(ExitCode::SUCCESS)
}
