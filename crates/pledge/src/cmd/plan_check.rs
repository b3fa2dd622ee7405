//! `pledge plan check FILE...`

use crate::words;
use pledge_domain::plan::MAX_PLAN_BYTES;
use std::io::Write;
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
    let mut out = std::io::stdout().lock();
    // Once the reader of stdout has gone (`| head`), stop printing but keep checking: the
    // exit code still says whether every file is right.
    let mut reader_gone = false;
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
            Ok(plan) if !reader_gone => {
                let line = writeln!(
                    out,
                    "{}: ok: {} ({} points, {} obligations, {} rules)",
                    path.display(),
                    plan.reference(),
                    plan.points.len(),
                    plan.obligations.len(),
                    plan.rules.len()
                );
                match line {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => reader_gone = true,
                    other => words::printed(other, ExitCode::SUCCESS).map(drop)?,
                }
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("{e}");
                eprintln!("{}: {} problem(s)", path.display(), e.problems.len());
                ok = false;
            }
        }
    }
    let flushed = if reader_gone { Ok(()) } else { out.flush() };
    words::printed(flushed, exit_code(ok))
}

/// Success when every file checked out, 1 otherwise.
fn exit_code(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
