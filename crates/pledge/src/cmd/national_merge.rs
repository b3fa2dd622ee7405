//! `pledge national merge`: combines force exports into the national picture (html, json or
//! csv). Reads files only; refuses, naming the file and the field, any file that is not a
//! national export of this schema version, two of one force, or periods that differ.

use anyhow::Context;
use pledge_app::reports::national;
use std::path::PathBuf;
use std::process::ExitCode;

/// What `pledge national` does.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Combine force exports (`pledge export national`) into the national picture.
    Merge(Args),
}

/// Arguments of `pledge national merge`.
#[derive(clap::Args)]
pub struct Args {
    /// The force exports (JSON), one per force, all of the same period.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// html (a standalone page), json or csv (one figure a line).
    #[arg(long, default_value = "html")]
    format: String,
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
}

/// The largest export file read (a force's export is a few tens of kilobytes).
const FILE_LIMIT: u64 = 8 * 1024 * 1024;

/// Runs `pledge national`.
pub fn run(c: Command) -> anyhow::Result<ExitCode> {
    let Command::Merge(args) = c;
    let format = args.format.as_str();
    anyhow::ensure!(
        matches!(format, "html" | "json" | "csv"),
        "--format: \"{format}\" is not html, json or csv"
    );
    let mut files = Vec::new();
    for path in &args.files {
        files.push((
            path.display().to_string(),
            super::read_limited(path, FILE_LIMIT)?,
        ));
    }
    // A refused file is the input's fault, like a plan file's problems: exit 1, and nothing
    // is written.
    let picture = match national::merge_texts(&files) {
        Ok(p) => p,
        Err(refusal) => {
            eprintln!("pledge: {refusal}");
            return Ok(ExitCode::from(1));
        }
    };
    let body = match format {
        "json" => serde_json::to_string_pretty(&picture)?,
        "csv" => national::csv::picture(&picture).map_err(|e| anyhow::anyhow!("{e}"))?,
        _ => pledge_web::report::national::standalone(&picture)
            .context("cannot render the national picture")?,
    };
    std::fs::write(&args.out, body)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "merged {} force exports ({} to {}) into {}",
        picture.forces.len(),
        picture.from,
        picture.to,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
