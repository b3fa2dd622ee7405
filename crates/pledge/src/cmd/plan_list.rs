//! `pledge plan list`

use crate::words;
use std::io::Write;
use std::process::ExitCode;

/// Lists the built-in plans.
pub fn run() -> anyhow::Result<ExitCode> {
    let lib = super::library()?;
    words::printed(print(&lib), ExitCode::SUCCESS)
}

fn print(lib: &pledge_domain::PlanLibrary) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for p in lib.iter() {
        writeln!(
            out,
            "{:<16} v{:<3} {:>2} points {:>3} obligations {:>2} rules  {}",
            p.id,
            p.version,
            p.points.len(),
            p.obligations.len(),
            p.rules.len(),
            p.title
        )?;
    }
    out.flush()
}
