//! `pledge restore FILE`: replaces a SQLite database with a backup, checking it first.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// The backup file written by `pledge backup`.
    file: PathBuf,
    /// Replace an existing database.
    #[arg(long)]
    force: bool,
}

/// Verifies the backup, then copies it into place (the server must be stopped).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Some(target) = args.store.database.strip_prefix("sqlite://") else {
        bail!(
            "restore is for SQLite databases; for PostgreSQL use pg_restore (docs/operations.md)"
        );
    };
    let target = Path::new(target);
    if !args.file.is_file() {
        bail!("{} is not a file", args.file.display());
    }
    let backup_url = format!("sqlite://{}", args.file.display());
    let head = super::run_async(async {
        use pledge_store::Store;
        let store = pledge_store::open(&backup_url)
            .await
            .context("cannot open the backup")?;
        let report = store.verify().await?;
        if !report.problems.is_empty() {
            bail!(
                "the backup does not verify: {} problem(s); run `pledge verify --database {backup_url}`",
                report.problems.len()
            );
        }
        println!(
            "backup verifies; head {}",
            report.head.as_deref().unwrap_or("(empty log)")
        );
        Ok(ExitCode::SUCCESS)
    })?;
    if target.exists() && !args.force {
        bail!("{} exists; pass --force to replace it", target.display());
    }
    // Copy to a temporary name and rename, so a crash never leaves a half-written database;
    // remove stale WAL files that belong to the old database.
    let tmp = target.with_extension("restore-tmp");
    std::fs::copy(&args.file, &tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    for suffix in ["-wal", "-shm"] {
        let mut name = target.as_os_str().to_owned();
        name.push(suffix);
        // Absent when the old database was closed cleanly; nothing to do then.
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    std::fs::rename(&tmp, target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    println!("restored {} from {}", target.display(), args.file.display());
    Ok(head)
}
