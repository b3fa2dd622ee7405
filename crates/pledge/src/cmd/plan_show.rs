//! `pledge plan show ID`: the plan in plain words, point by point.

use crate::words;
use anyhow::Context;
use pledge_domain::plan::{Condition, Deadline, Plan};
use std::io::Write;
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    /// Plan id (see `pledge plan list`), or a path to a plan file.
    plan: String,
    /// Version (default: the newest).
    #[arg(long)]
    version: Option<u32>,
}

/// Prints the plan.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let lib = super::library()?;
    let found = match args.version {
        Some(v) => lib.get(&args.plan, v),
        None => lib.latest(&args.plan),
    };
    let owned;
    let plan = match found {
        Some(p) => p,
        None if std::path::Path::new(&args.plan).is_file() => {
            let text = super::read_limited(
                args.plan.as_ref(),
                pledge_domain::plan::MAX_PLAN_BYTES as u64,
            )?;
            owned = pledge_domain::load_plan(&args.plan, &text)
                .context("the plan file has problems")?;
            &owned
        }
        None => {
            let ids: Vec<String> = lib.iter().map(|p| p.reference()).collect();
            anyhow::bail!(
                "no plan \"{}\"; built-in plans: {}",
                args.plan,
                ids.join(", ")
            );
        }
    };
    let mut out = std::io::stdout().lock();
    let result = out
        .write_all(render(plan).as_bytes())
        .and_then(|()| out.flush());
    words::printed(result, ExitCode::SUCCESS)
}

/// The whole plan as text.
pub fn render(plan: &Plan) -> String {
    let mut s = String::new();
    let mut line = |t: String| {
        s.push_str(&t);
        s.push('\n');
    };
    line(format!(
        "{} ({}, version {})",
        plan.title, plan.id, plan.version
    ));
    line(format!("Source: {}", plan.source));
    if !plan.summary.is_empty() {
        line(plan.summary.clone());
    }
    if !plan.statement_tiers.is_empty() {
        line(String::new());
        line("Statement tiers:".into());
        for t in &plan.statement_tiers {
            let may = match (t.victim_may_write_own, t.victims.is_empty()) {
                (false, _) => "another officer takes the statement".to_owned(),
                (true, true) => "the victim may write their own statement".to_owned(),
                (true, false) => format!(
                    "a victim who is {} may write their own statement",
                    pledge_domain::plan::roles_in_words(&t.victims)
                ),
            };
            line(format!("  {}: {} — {may}", t.id, t.title));
        }
    }
    for (pi, p) in plan.points.iter().enumerate() {
        line(String::new());
        line(format!("Point {}. {}", p.number, p.title));
        line(format!("  \"{}\"", p.wording));
        for o in plan.obligations.iter().filter(|o| o.point == pi) {
            line(format!("  - {} [{}]", o.title, o.id));
            let mut deadline = match &o.deadline {
                Deadline::WhenItHappens => "no clock: recorded when it happens".to_owned(),
                d => format!("{d} {}", words::clock_start(o)),
            };
            if let Some(n) = o.recurs_every_days {
                deadline = format!(
                    "every {n} days {} until the case closes (the victim may choose another frequency)",
                    words::clock_start(o)
                );
            }
            if o.deadline_is_default {
                deadline.push_str(" (Pledge's default: the source sets no deadline)");
            }
            line(format!(
                "      Owner: {}. Deadline: {deadline}.",
                words::role(o.owner)
            ));
            for (c, d) in &o.deadline_if {
                line(format!("      Sooner when {c}: {d}."));
            }
            if o.applies != Condition::Always {
                line(format!("      Applies when: {}.", o.applies));
            }
            let roles = pledge_domain::plan::roles_in_words(&o.victims);
            match (o.each_victim, o.victims.is_empty()) {
                (true, true) => line("      Met for each victim.".into()),
                (true, false) => line(format!("      Met for each victim who is {roles}.")),
                (false, false) => line(format!("      Concerns a victim who is {roles}.")),
                (false, true) => {}
            }
            let done: Vec<String> = o
                .completed_by
                .iter()
                .map(|c| match &c.qualifier {
                    Some(q) => format!("{} ({})", c.event.as_str(), q),
                    None => c.event.as_str().to_owned(),
                })
                .collect();
            line(format!("      Done when recorded: {}.", done.join(" or ")));
            if !o.escalates_to.is_empty() {
                let to: Vec<String> = o.escalates_to.iter().map(|r| words::role(*r)).collect();
                line(format!("      Overdue goes to: {}.", to.join(", then ")));
            }
            line(format!("      From: {}", o.cites));
        }
        for r in plan.rules.iter().filter(|r| r.point == pi) {
            let binds = if r.victims.is_empty() {
                String::new()
            } else {
                format!(
                    ", for a victim who is {}",
                    pledge_domain::plan::roles_in_words(&r.victims)
                )
            };
            line(format!(
                "  Rule [{}], enforced ({}{binds}): \"{}\"",
                r.id,
                r.enforces.as_str().replace('_', " "),
                r.says
            ));
        }
    }
    if !plan.reviews.is_empty() {
        line(String::new());
        line("Force-level reviews:".into());
    }
    for r in &plan.reviews {
        line(format!("  - {} [{}]", r.title, r.id));
        let mut due = format!(
            "every {}, due {} days after the {} ends",
            r.every.as_str(),
            r.grace_days,
            r.every.as_str()
        );
        if r.is_default {
            due.push_str(" (Pledge's default: the source sets no frequency)");
        }
        line(format!(
            "      Owner: {}. Due: {due}.",
            words::role(r.owner)
        ));
        line(
            "      Done when recorded: a panel meeting that considered the force's pack for the period."
                .into(),
        );
        if !r.escalates_to.is_empty() {
            let to: Vec<String> = r.escalates_to.iter().map(|x| words::role(*x)).collect();
            line(format!("      Overdue goes to: {}.", to.join(", then ")));
        }
        line(format!("      From: {}", r.cites));
    }
    s
}
