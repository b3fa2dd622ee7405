//! `pledge plan check FILE...`

use pledge_domain::plan::MAX_PLAN_BYTES;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    /// Plan files (TOML) to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Checks each file and prints every problem as FILE:LINE:COLUMN: message.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    for path in &args.files {
        let text = match super::read_limited(path, MAX_PLAN_BYTES as u64) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{e:#}");
                ok = false;
                continue;
            }
        };
        match pledge_domain::load_plan(&path.display().to_string(), &text) {
            Ok(plan) => println!(
                "{}: ok: {} ({} points, {} obligations, {} rules)",
                path.display(),
                plan.reference(),
                plan.points.len(),
                plan.obligations.len(),
                plan.rules.len()
            ),
            Err(e) => {
                eprintln!("{e}");
                eprintln!("{}: {} problem(s)", path.display(), e.problems.len());
                ok = false;
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
