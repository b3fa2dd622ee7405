//! `pledge migrate`

use std::process::ExitCode;

/// Applies migrations.
pub async fn run(args: super::StoreArgs) -> anyhow::Result<ExitCode> {
    args.open().await?;
    println!("migrated {}", super::redact(&args.database));
    Ok(ExitCode::SUCCESS)
}
