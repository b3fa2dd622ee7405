//! `pledge report`: the scrutiny panel's pack for scripted monthly packs, as HTML, CSV (a
//! folder of files with a data dictionary), JSON or PDF. Run by the database's operator; the
//! named version names who it is for (`--for`), and its generation is written to the access
//! log.

use anyhow::Context;
use pledge_app::reports::{self, Bucket, DEFAULT_THRESHOLD, PackRequest};
use pledge_domain::calendar::Calendar;
use pledge_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `pledge report`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// The force (required: there is no all-forces pack).
    #[arg(long)]
    force: String,
    /// A unit of the force, with the units under it (default: the whole force).
    #[arg(long)]
    unit: Option<String>,
    /// First day, YYYY-MM-DD (UK time).
    #[arg(long)]
    from: String,
    /// Last day, inclusive, YYYY-MM-DD.
    #[arg(long)]
    to: String,
    /// Trends by month or quarter.
    #[arg(long, default_value = "month")]
    by: String,
    /// html, csv (a folder of files), json or pdf.
    #[arg(long)]
    format: String,
    /// Where to write (a file; a folder for csv).
    #[arg(long)]
    out: PathBuf,
    /// Counts from 1 to threshold-1 are shown as "fewer than threshold" (panel version).
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    threshold: u64,
    /// The named version (not suppressed; names colleagues and cases). Requires --for.
    #[arg(long)]
    named: bool,
    /// Who the named pack is for (a person id, written to the access log).
    #[arg(long = "for")]
    for_person: Option<String>,
}

fn date(field: &str, s: &str) -> anyhow::Result<jiff::civil::Date> {
    s.parse()
        .with_context(|| format!("--{field}: \"{s}\" is not a date like 2026-01-31"))
}

/// Runs `pledge report`.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let by = Bucket::parse(&args.by).map_err(|m| anyhow::anyhow!("--by: {m}"))?;
    let format = args.format.as_str();
    anyhow::ensure!(
        matches!(format, "html" | "csv" | "json" | "pdf"),
        "--format: \"{format}\" is not html, csv, json or pdf"
    );
    let req = PackRequest {
        force: args.force.clone(),
        unit: args.unit.clone(),
        from: date("from", &args.from)?,
        to: date("to", &args.to)?,
        by,
        named: args.named,
        threshold: args.threshold,
    };
    let who = match (&args.named, &args.for_person) {
        (true, None) => anyhow::bail!("--for: a named pack names who it is for (a person id)"),
        (true, Some(p)) if p.trim().is_empty() => anyhow::bail!("--for: name the person"),
        (_, p) => p.clone(),
    };
    req.check().map_err(|e| anyhow::anyhow!("--{e}"))?;
    let store = args.store.open().await?;
    let now = jiff::Timestamp::now();
    let pack = reports::build(&store, &Calendar::uk(), &req, now)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let (true, Some(who)) = (req.named, who) {
        store
            .record_access(reports::named_pack_access(&who, &req, now, "command line"))
            .await
            .context("cannot write the access log entry for the named pack")?;
    }
    match format {
        "csv" => {
            std::fs::create_dir_all(&args.out)
                .with_context(|| format!("cannot create {}", args.out.display()))?;
            for (name, body) in reports::csv::files(&pack) {
                let path = args.out.join(name);
                std::fs::write(&path, body)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        _ => {
            let bytes = match format {
                "html" => pledge_web::report::standalone(&pack)
                    .context("cannot render the pack")?
                    .into_bytes(),
                "json" => serde_json::to_vec_pretty(&pack)?,
                _ => reports::pdf::render(&pack),
            };
            std::fs::write(&args.out, bytes)
                .with_context(|| format!("cannot write {}", args.out.display()))?;
        }
    }
    println!(
        "wrote the {} pack for {} ({} to {}) to {}",
        pack.version,
        pack.area,
        pack.from,
        pack.to,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
