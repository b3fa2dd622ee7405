//! `pledge backup FILE`

use anyhow::bail;
use pledge_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// Where to write the copy (must not exist).
    file: PathBuf,
}

/// Writes a consistent copy while the database may be in use.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.file.exists() {
        bail!("{} already exists; choose a new file", args.file.display());
    }
    let store = args.store.open().await?;
    store.backup(&args.file).await?;
    let report = store.verify().await?;
    println!(
        "backed up to {}; head {}",
        args.file.display(),
        report.head.as_deref().unwrap_or("(empty log)")
    );
    Ok(ExitCode::SUCCESS)
}
