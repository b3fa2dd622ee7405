//! `pledge plan diff OLD NEW`: what changes, point by point, when a new plan version is put
//! in force (each plan a built-in `ID@VERSION`, `ID`, or a file).

use crate::words;
use std::io::Write;
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The plan in force: `ID`, `ID@VERSION` or a plan file.
    old: String,
    /// The new plan: `ID`, `ID@VERSION` or a plan file.
    new: String,
}

/// Prints every change, one a line; exits 0 whether or not there are any.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let lib = super::library()?;
    let old = super::plan_files::resolve(&lib, &args.old)?;
    let new = super::plan_files::resolve(&lib, &args.new)?;
    let changes = pledge_domain::plan::compare(&old, &new);
    let mut out = std::io::stdout().lock();
    let mut printed = writeln!(
        out,
        "{} → {}: {} change{}",
        old.reference(),
        new.reference(),
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    );
    for c in &changes {
        printed = printed.and_then(|()| writeln!(out, "  {c}"));
    }
    words::printed(printed.and_then(|()| out.flush()), ExitCode::SUCCESS)
}
