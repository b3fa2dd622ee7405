//! `pledge plan list`

use std::process::ExitCode;

/// Lists the built-in plans.
pub fn run() -> anyhow::Result<ExitCode> {
    let lib = super::library()?;
    for p in lib.iter() {
        println!(
            "{:<16} v{:<3} {:>2} points {:>3} obligations {:>2} rules  {}",
            p.id,
            p.version,
            p.points.len(),
            p.obligations.len(),
            p.rules.len(),
            p.title
        );
    }
    Ok(ExitCode::SUCCESS)
}
