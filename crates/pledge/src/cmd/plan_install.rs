//! `pledge plan install FILE --force F --from DATE`: installs a force's own plan version in
//! the database's plan register and puts it in force for the force's new cases from that day
//! (the same checks as the Plans page: every problem with line and column, the force's own
//! plan id, a version never changed once installed, a day not past). Prints what changes from
//! the plan in force first. The operator running it is recorded as `cli:USER`.

use anyhow::Context;
use pledge_app::{AccountRole, Actor, App};
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// The plan file.
    file: std::path::PathBuf,
    /// The force whose new cases open under it.
    #[arg(long)]
    force: String,
    /// The day it comes into force (YYYY-MM-DD, London time; today means from now).
    #[arg(long)]
    from: jiff::civil::Date,
    /// Only check the file and print what would change; record nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Installs the file (or, with `--dry-run`, shows what would change).
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let source = super::read_limited(&args.file, pledge_domain::plan::MAX_PLAN_BYTES as u64)?;
    let store = args.store.open().await?;
    let app =
        App::new(store, super::library()?, "op-hampshire").map_err(|e| anyhow::anyhow!("{e}"))?;
    app.refresh_plans()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot load the plan register")?;
    let operator = std::env::var("USER").unwrap_or_else(|_| "operator".into());
    let actor = Actor::Person {
        id: format!("cli:{operator}"),
        roles: [AccountRole::Administrator].into_iter().collect(),
        unit: None,
        force: Some(args.force.clone()),
    };
    let now = jiff::Timestamp::now();
    let file = args.file.display();
    let preview = app
        .preview_plan(&actor, &source, now)
        .await
        .map_err(|e| refused(&file.to_string(), e))?;
    println!(
        "{} → {}: {} change{}",
        preview.in_force.reference(),
        preview.plan.reference(),
        preview.changes.len(),
        if preview.changes.len() == 1 { "" } else { "s" }
    );
    for c in &preview.changes {
        println!("  {c}");
    }
    if args.dry_run {
        println!("dry run: nothing recorded");
        return Ok(ExitCode::SUCCESS);
    }
    let entry = app
        .install_plan(&actor, &source, args.from, now)
        .await
        .map_err(|e| refused(&file.to_string(), e))?;
    println!(
        "installed {}@{} for {}: new cases open under it from {} (register entry {}, hash {})",
        entry.plan_id, entry.version, entry.force, entry.effective_from, entry.seq, entry.hash
    );
    Ok(ExitCode::SUCCESS)
}

fn refused(file: &str, e: pledge_app::AppError) -> anyhow::Error {
    match e {
        pledge_app::AppError::PlanFile(pe) => {
            let lines: Vec<String> = pe
                .problems
                .iter()
                .map(|p| format!("{file}:{}:{}: {}", p.line, p.column, p.message))
                .collect();
            anyhow::anyhow!("the plan file has problems:\n{}", lines.join("\n"))
        }
        other => anyhow::anyhow!("{other}"),
    }
}
