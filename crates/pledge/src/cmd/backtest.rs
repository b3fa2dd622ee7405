//! `pledge backtest PLAN --force F --from DATE --to DATE`: what a change of plan would have
//! done to a force's stored cases (see docs/reports.md, "Backtest").

use super::evaluate::parse_moment;
use crate::words;
use anyhow::{Context, bail};
use jiff::Timestamp;
use pledge_app::backtest::{
    BacktestError, BacktestReport, BacktestRequest, ChoiceError, Outcome, PlanChoice, Presence,
};
use pledge_store::{AccountStore, Store};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// The plan to try: a draft plan file (TOML), or a known plan `ID` or `ID@VERSION`.
    plan: String,
    /// The forces whose cases are re-evaluated, by code (comma-separated or repeated).
    #[arg(
        long = "force",
        value_delimiter = ',',
        required_unless_present = "all_forces"
    )]
    forces: Vec<String>,
    /// Every force with units in the store (counts only; for the operator and benchmarks).
    #[arg(long, conflicts_with = "forces")]
    all_forces: bool,
    /// Cases reported from this moment (RFC 3339, or a London date or date-time).
    #[arg(long)]
    from: String,
    /// Cases reported before this moment.
    #[arg(long)]
    to: String,
    /// Compare against this version (`ID@VERSION` or `ID`) instead of each case's plan in
    /// force.
    #[arg(long)]
    against: Option<String>,
    /// The moment to evaluate at (events after it are ignored). Default: now.
    #[arg(long)]
    at: Option<String>,
    /// Act as this person (their account's roles and force), through the access policy;
    /// without it the command counts as the operator and names no case.
    #[arg(long = "as", value_name = "PERSON")]
    as_person: Option<String>,
    /// Name the cases that change verdict (needs --as; only cases that person may view).
    #[arg(long)]
    named: bool,
    /// A force's own plan file (repeatable), so cases held to it can be evaluated.
    #[arg(long = "plan-file", value_name = "FILE")]
    plan_files: Vec<PathBuf>,
    /// A calendar file of bank holidays proclaimed or moved since this release.
    #[arg(long)]
    calendar: Option<PathBuf>,
    /// Print the result as JSON (the API's `BacktestReport`).
    #[arg(long)]
    json: bool,
}

fn choice(spec: &str) -> anyhow::Result<PlanChoice> {
    let path = std::path::Path::new(spec);
    if path.is_file() {
        let text = super::read_limited(path, pledge_domain::plan::MAX_PLAN_BYTES as u64)?;
        return Ok(PlanChoice::Draft {
            name: spec.to_owned(),
            text,
        });
    }
    let (id, version) = match spec.split_once('@') {
        Some((id, v)) => (
            id,
            Some(
                v.parse::<u32>()
                    .with_context(|| format!("\"{v}\" is not a version number"))?,
            ),
        ),
        None => (spec, None),
    };
    Ok(PlanChoice::Version {
        id: id.to_owned(),
        version,
    })
}

/// Runs the backtest and prints it.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let library = super::plan_files::library_with(&args.plan_files).context("--plan-file")?;
    let calendar = super::evaluate::load_calendar(args.calendar.as_deref())?;
    let store = args.store.open().await?;
    let mut forces = args.forces.clone();
    if args.all_forces {
        forces = store.units().await?.into_iter().map(|u| u.force).collect();
        forces.sort();
        forces.dedup();
        if forces.is_empty() {
            bail!("--all-forces: the store has no units, so no forces");
        }
    }
    let actor = match &args.as_person {
        None => None,
        Some(person) => {
            let account = store
                .account(person)
                .await?
                .with_context(|| format!("--as: no account for \"{person}\""))?;
            Some(pledge_app::accounts::actor::person(&store, &account).await?)
        }
    };
    let request = BacktestRequest {
        forces,
        from: parse_moment(&args.from).context("--from")?,
        to: parse_moment(&args.to).context("--to")?,
        at: args
            .at
            .as_deref()
            .map(parse_moment)
            .transpose()
            .context("--at")?,
        plan: choice(&args.plan).context("PLAN")?,
        against: args
            .against
            .as_deref()
            .map(choice)
            .transpose()
            .context("--against")?,
        named: args.named,
    };
    let default_plan = library
        .iter()
        .next()
        .map(|p| p.id.clone())
        .context("no plan is loaded")?;
    let app = pledge_app::App::new(store, library, &default_plan)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_calendar(calendar);
    let report = match app
        .backtest(actor.as_ref(), &request, Timestamp::now())
        .await
    {
        Ok(r) => r,
        Err(BacktestError::Plan {
            field,
            error: ChoiceError::Problems(e),
        }) => {
            eprintln!("{e}");
            eprintln!(
                "{}: {} problem(s); nothing was evaluated",
                if field == "plan" { "PLAN" } else { "--against" },
                e.problems.len()
            );
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    let mut out = std::io::stdout().lock();
    let printed = if args.json {
        serde_json::to_string_pretty(&report)
            .map_err(std::io::Error::other)
            .and_then(|t| writeln!(out, "{t}"))
    } else {
        print(&mut out, &report)
    };
    words::printed(printed.and_then(|()| out.flush()), ExitCode::SUCCESS)
}

fn print(out: &mut impl Write, r: &BacktestReport) -> std::io::Result<()> {
    writeln!(
        out,
        "Backtest of {} ({}) against {}",
        r.plan, r.plan_title, r.against
    )?;
    writeln!(
        out,
        "{} case(s) of {} reported {} to {}, evaluated at {}: {} change verdict ({} ms)",
        r.cases,
        r.forces.join(", "),
        words::local(r.from),
        words::local(r.to),
        words::local(r.at),
        r.changed,
        r.took_ms
    )?;
    let mut point = String::new();
    for o in &r.obligations {
        if o.point != point {
            point.clone_from(&o.point);
            writeln!(out)?;
            writeln!(out, "Point {}. {}", o.point, o.point_title)?;
        }
        let tag = match o.presence {
            Presence::Both => "",
            Presence::Added => " [added by the plan tried]",
            Presence::Removed => " [removed by the plan tried]",
        };
        writeln!(out, "  {} ({}){tag}", o.title, o.obligation)?;
        for (label, counts) in [("before", &o.before), ("after", &o.after)] {
            let cells: Vec<String> = Outcome::ALL
                .iter()
                .map(|x| format!("{} {}", counts.get(*x), x.label()))
                .collect();
            writeln!(out, "    {label:<6} {}", cells.join(", "))?;
        }
        for m in &o.moves {
            writeln!(
                out,
                "    {} case(s) move from {} to {}",
                m.cases,
                m.from.label(),
                m.to.label()
            )?;
        }
    }
    if let Some(named) = &r.named {
        writeln!(out)?;
        writeln!(
            out,
            "Cases that change verdict ({} named, {} not named):",
            named.len(),
            r.not_named
        )?;
        for c in named {
            let what: Vec<String> = c
                .changes
                .iter()
                .map(|m| format!("{}: {} -> {}", m.title, m.before.label(), m.after.label()))
                .collect();
            writeln!(out, "  {} ({}): {}", c.case_id, c.unit, what.join("; "))?;
        }
    }
    Ok(())
}
