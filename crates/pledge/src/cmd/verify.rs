//! `pledge verify`

use pledge_store::Store;
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Walks both chains; exits 1 when anything is wrong.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = args.store.open().await?;
    let report = store.verify().await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for p in &report.problems {
            match &p.case_id {
                Some(c) => println!(
                    "{} log: case {c} position {}: {} — {}",
                    p.log, p.position, p.kind, p.detail
                ),
                None => println!(
                    "{} log: position {}: {} — {}",
                    p.log, p.position, p.kind, p.detail
                ),
            }
        }
        println!(
            "{} events, {} access entries checked; {}; head {}",
            report.events,
            report.access_entries,
            if report.problems.is_empty() {
                "clean".to_owned()
            } else {
                format!("{} problem(s)", report.problems.len())
            },
            report.head.as_deref().unwrap_or("(empty log)")
        );
    }
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
