//! `pledge import people | units | crimes FILE`: a force's HR directory and crime records
//! from their CSV exports (docs/imports.md), acting as an administrator of `--force`. The
//! file is read as a stream with a progress bar on standard error; a dry run says what would
//! change and writes nothing. The exit status is 1 when the file has problems (nothing was
//! saved) and 0 otherwise.

use super::StoreArgs;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use pledge_app::import::{CrimeOutcome, DirectoryReport, ImportMode, Mapping};
use pledge_app::{AccountRole, Actor, App};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What every import takes.
#[derive(clap::Args)]
pub struct Common {
    /// The CSV file.
    pub file: PathBuf,
    /// The force whose data the file is (the import acts as an administrator of it).
    #[arg(long)]
    pub force: String,
    /// The column mapping (TOML; docs/imports.md). Pledge's own column names by default.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Say what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Import subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// People from the HR export: new, changed, and (a full import) who has left.
    People {
        #[command(flatten)]
        common: Common,
        /// The file lists some people only: nobody is marked as having left.
        #[arg(long)]
        partial: bool,
    },
    /// Units (the chain of command): new and changed; parents may come after their units.
    Units {
        #[command(flatten)]
        common: Common,
    },
    /// Crime records from the records management system: crime reference, classification
    /// and outcome recorded on each record's case, once per record id.
    Crimes {
        #[command(flatten)]
        common: Common,
        /// A force's own plan file its cases are held to (repeatable).
        #[arg(long = "plan-file", value_name = "FILE")]
        plan_files: Vec<PathBuf>,
    },
}

/// The administrator the command line acts as.
fn actor(force: &str) -> Actor {
    Actor::Person {
        id: "cli".into(),
        roles: BTreeSet::from([AccountRole::Staff, AccountRole::Administrator]),
        unit: None,
        force: Some(force.to_owned()),
    }
}

fn mapping(path: Option<&Path>) -> anyhow::Result<Mapping> {
    match path {
        None => Ok(Mapping::default()),
        Some(p) => {
            let text = super::read_limited(p, 1 << 20)?;
            Mapping::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
        }
    }
}

/// The file, read through a progress bar.
fn open(path: &Path) -> anyhow::Result<(impl std::io::Read + Send, ProgressBar)> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("reading {}", path.display()));
    Ok((bar.wrap_read(std::io::BufReader::new(file)), bar))
}

/// Runs an import command.
pub async fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let (common, plan_files) = match &cmd {
        Command::People { common, .. } | Command::Units { common } => (common, &[][..]),
        Command::Crimes { common, plan_files } => (common, &plan_files[..]),
    };
    let mapping = mapping(common.mapping.as_deref())?;
    let library = super::plan_files::library_with(plan_files).context("--plan-file")?;
    let store = common.store.open().await?;
    let app = App::new(store, library, "op-hampshire").map_err(|e| anyhow::anyhow!("{e}"))?;
    let actor = actor(&common.force);
    let now = jiff::Timestamp::now();
    let (input, bar) = open(&common.file)?;
    let started = std::time::Instant::now();
    match &cmd {
        Command::People { partial, .. } => {
            let mode = if *partial {
                ImportMode::Partial
            } else {
                ImportMode::Full
            };
            let report = app
                .import_people(&actor, input, &mapping, mode, common.dry_run, now)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            bar.finish_and_clear();
            Ok(print_directory(&report, common.dry_run, started))
        }
        Command::Units { .. } => {
            let report = app
                .import_units(&actor, input, &mapping, common.dry_run, now)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            bar.finish_and_clear();
            Ok(print_directory(&report, common.dry_run, started))
        }
        Command::Crimes { .. } => {
            let report = app
                .import_crimes(&actor, input, &mapping, common.dry_run, now)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            bar.finish_and_clear();
            if !report.errors.is_empty() {
                eprintln!("The file has problems; nothing was recorded:");
                for line in report.errors.lines() {
                    eprintln!("  {line}");
                }
                return Ok(ExitCode::from(1));
            }
            for r in &report.rows {
                let what = match &r.outcome {
                    CrimeOutcome::Recorded { case_id, steps } => {
                        format!("recorded on {case_id}: {}", steps.join(", "))
                    }
                    CrimeOutcome::WouldRecord { case_id, steps } => {
                        format!("would record on {case_id}: {}", steps.join(", "))
                    }
                    CrimeOutcome::AlreadyRecorded { case_id, .. } => {
                        format!("already recorded on {case_id}")
                    }
                    CrimeOutcome::NothingNew { case_id } => format!("nothing new for {case_id}"),
                    CrimeOutcome::Unmatched { reason } => format!("unmatched: {reason}"),
                    CrimeOutcome::Refused {
                        case_id, reason, ..
                    } => {
                        format!("refused for {case_id}: {reason}")
                    }
                };
                println!("row {} (record {}): {what}", r.row, r.record.record_id);
            }
            eprintln!(
                "{} rows in {:.1} s",
                report.rows.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_directory(r: &DirectoryReport, dry_run: bool, started: std::time::Instant) -> ExitCode {
    if !r.errors.is_empty() {
        eprintln!("The file has problems; nothing was saved:");
        for line in r.errors.lines() {
            eprintln!("  {line}");
        }
        return ExitCode::from(1);
    }
    let verb = if dry_run { "would be" } else { "were" };
    println!(
        "{} rows: {} new, {} changed, {} unchanged{}",
        r.rows,
        r.new.count,
        r.changed.count,
        r.unchanged,
        if r.what == "people" {
            format!(", {} left, {} back", r.leavers.count, r.returners.count)
        } else {
            String::new()
        }
    );
    for (label, s) in [
        ("New", &r.new),
        ("Changed", &r.changed),
        ("Left", &r.leavers),
        ("Back", &r.returners),
    ] {
        if s.count > 0 {
            println!("{label} ({}):", s.count);
            for line in &s.first {
                println!("  {line}");
            }
            if s.count > s.first.len() {
                println!("  ... and {} more", s.count - s.first.len());
            }
        }
    }
    if dry_run {
        println!("Dry run: nothing was saved.");
    } else {
        println!(
            "The changes {verb} saved in {:.1} s; {} people lost access because they have left.",
            started.elapsed().as_secs_f64(),
            r.access_ended
        );
    }
    ExitCode::SUCCESS
}
