//! `pledge generate`: fills a store with realistic synthetic cases, deterministic for a seed.

use anyhow::Context;
use pledge_synth::{Config, Generator};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// How many cases (about 46,000 make one national year).
    #[arg(long)]
    cases: u64,
    /// The seed: the same seed (and options) gives the same data and the same log head.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only these forces, by code (comma-separated, e.g. `WMP,BTP`); default every force.
    #[arg(long, value_delimiter = ',')]
    forces: Vec<String>,
    /// The end of the generated period (RFC 3339); later events have not happened yet.
    #[arg(long, default_value = pledge_synth::DEFAULT_UNTIL)]
    until: jiff::Timestamp,
    /// Cases per transaction.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
}

/// Generates and stores the cases, reporting the time taken.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.cases > 0, "--cases: generate at least one case");
    let mut config = if args.forces.is_empty() {
        Config::national(args.cases, args.seed)?
    } else {
        let codes: Vec<&str> = args.forces.iter().map(String::as_str).collect();
        Config::for_forces(&codes, args.cases, args.seed)?
    };
    config.until = args.until;
    let store = args.store.open().await?;
    let started = Instant::now();
    let generator = Arc::new(Generator::new(config).context("cannot set up the generator")?);
    let (from, until) = generator.period();
    eprintln!(
        "generating {} cases from {from} to {until} (seed {})",
        args.cases, args.seed
    );
    let mut last_report = Instant::now();
    let written = generator
        .write(&store, args.batch, |p| {
            if last_report.elapsed().as_secs() >= 5 || p.cases == p.total {
                last_report = Instant::now();
                eprint!("\r{} of {} cases stored", p.cases, p.total);
                let _ = std::io::stderr().flush();
            }
        })
        .await
        .context("cannot generate the cases")?;
    eprintln!();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "stored {} cases ({} events), {} people, {} units, {} meeting dates, {} headcounts in {secs:.1} s ({:.0} cases/s); head {}",
        written.cases,
        written.events,
        written.people,
        written.units,
        written.meetings,
        written.headcounts,
        written.cases as f64 / secs.max(1e-9),
        written
            .head
            .map(|h| pledge_store::chain::to_hex(&h))
            .unwrap_or_else(|| "(empty log)".to_owned()),
    );
    Ok(ExitCode::SUCCESS)
}
