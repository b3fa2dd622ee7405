//! `pledge export national`: a force's anonymised, suppressed aggregate for a period, for
//! the national picture (`pledge national merge`). Run by the database's operator; the file
//! holds only the panel pack's suppressed counts (schema in docs/reports.md).

use anyhow::Context;
use pledge_app::reports::DEFAULT_THRESHOLD;
use pledge_app::reports::national::{self, ExportRequest};
use pledge_domain::calendar::Calendar;
use std::path::PathBuf;
use std::process::ExitCode;

/// What `pledge export` makes.
#[derive(clap::Subcommand)]
pub enum Command {
    /// A force's anonymised, suppressed aggregate of a period for the national picture.
    National(Args),
}

/// Arguments of `pledge export national`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// The force, by name.
    #[arg(long)]
    force: String,
    /// First day, YYYY-MM-DD (UK time).
    #[arg(long)]
    from: String,
    /// Last day, inclusive, YYYY-MM-DD.
    #[arg(long)]
    to: String,
    /// json (what `pledge national merge` reads) or csv (one figure a line, for spreadsheets).
    #[arg(long, default_value = "json")]
    format: String,
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
    /// Counts from 1 to threshold-1 are shown as "fewer than threshold".
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    threshold: u64,
}

fn date(field: &str, s: &str) -> anyhow::Result<jiff::civil::Date> {
    s.parse()
        .with_context(|| format!("--{field}: \"{s}\" is not a date like 2026-01-31"))
}

/// Runs `pledge export`.
pub async fn run(c: Command) -> anyhow::Result<ExitCode> {
    let Command::National(args) = c;
    let format = args.format.as_str();
    anyhow::ensure!(
        matches!(format, "json" | "csv"),
        "--format: \"{format}\" is not json or csv"
    );
    let req = ExportRequest {
        force: args.force.clone(),
        from: date("from", &args.from)?,
        to: date("to", &args.to)?,
        threshold: args.threshold,
    };
    let store = args.store.open().await?;
    let export = national::build_export(&store, &Calendar::uk(), &req, jiff::Timestamp::now())
        .await
        .map_err(|e| anyhow::anyhow!("--{e}"))?;
    let body = match format {
        "csv" => national::csv::export(&export).map_err(|e| anyhow::anyhow!("{e}"))?,
        _ => serde_json::to_string_pretty(&export)?,
    };
    std::fs::write(&args.out, body)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "wrote the national export of {} ({} to {}; log head {}) to {}",
        export.force,
        export.from,
        export.to,
        export.log_head.label(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
