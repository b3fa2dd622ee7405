//! The documentation stays true: the worked example in docs/plans.md loads, and
//! docs/events.md and docs/plans.md name every event type and rule the code knows.

use pledge_domain::plan::RuleKind;
use pledge_domain::{EventType, load_plan};

fn doc(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../docs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn worked_example_in_plans_md_loads() {
    let text = doc("plans.md");
    let section = text
        .split("## Worked example")
        .nth(1)
        .expect("a worked example section");
    let toml = section
        .split("```toml")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a toml block");
    let plan = load_plan("docs/plans.md", toml).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.id, "essex-example");
    assert_eq!(plan.points.len(), 2);
    assert!(plan.obligation("use-of-force-debrief").is_some());
}

#[test]
fn events_md_lists_every_event_type() {
    let text = doc("events.md");
    for t in EventType::ALL {
        assert!(
            text.contains(&format!("| `{}` |", t.as_str())),
            "docs/events.md lacks {}",
            t.as_str()
        );
    }
}

#[test]
fn plans_md_lists_every_rule() {
    let text = doc("plans.md");
    for k in RuleKind::ALL {
        assert!(
            text.contains(&format!("`{}`", k.as_str())),
            "docs/plans.md lacks {}",
            k.as_str()
        );
    }
}

/// The table of every point of a built-in plan: what meets each obligation, who owns it,
/// whom it concerns, when it is due, and which rules the point states.
fn plan_table(plan: &pledge_domain::Plan) -> String {
    use pledge_domain::plan::{ClockStart, roles_in_words};
    let mut out = format!(
        "### `{}` version {}\n\n| point | obligation | owner | concerns | applies | clock starts | due | met only by |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n",
        plan.id, plan.version
    );
    for (k, point) in plan.points.iter().enumerate() {
        for o in plan.obligations.iter().filter(|o| o.point == k) {
            let concerns = match (o.each_victim, o.victims.is_empty()) {
                (false, true) => "the case".to_owned(),
                (false, false) => format!("a victim who is {}", roles_in_words(&o.victims)),
                (true, true) => "each victim".to_owned(),
                (true, false) => format!("each victim who is {}", roles_in_words(&o.victims)),
            };
            let starts = match o.starts {
                ClockStart::Reported => "reported".to_owned(),
                ClockStart::Event(e) => e.as_str().to_owned(),
                ClockStart::Each(e) => format!("each {}", e.as_str()),
            };
            let mut due = o.deadline.to_string();
            for (c, d) in &o.deadline_if {
                due.push_str(&format!("; {d} when {c}"));
            }
            if let Some(n) = o.recurs_every_days {
                due.push_str(&format!("; again every {n} days"));
            }
            if o.deadline_is_default {
                due.push_str(" (Pledge's default)");
            }
            let met: Vec<String> = o
                .completed_by
                .iter()
                .map(|c| match &c.qualifier {
                    Some(q) => format!("`{}:{q}`", c.event.as_str()),
                    None => format!("`{}`", c.event.as_str()),
                })
                .collect();
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} | {} | {} | {} |\n",
                point.number,
                o.id,
                o.owner,
                concerns,
                o.applies,
                starts,
                due,
                met.join(" or ")
            ));
        }
    }
    let rules: Vec<String> = plan
        .rules
        .iter()
        .map(|r| {
            let who = if r.victims.is_empty() {
                "every victim".to_owned()
            } else {
                format!("a victim who is {}", roles_in_words(&r.victims))
            };
            format!(
                "point {}: `{}` (`{}`), binding {who}",
                plan.points[r.point].number,
                r.enforces.as_str(),
                r.id
            )
        })
        .collect();
    out.push_str(&format!("\nRules: {}.\n", rules.join("; ")));
    for r in &plan.reviews {
        let escalates: Vec<&str> = r.escalates_to.iter().map(|x| x.as_str()).collect();
        out.push_str(&format!(
            "\nForce-level review `{}`: {}; owner `{}`; every {}, due {} days after it ends{}; met only by a recorded panel meeting that considered the force's pack covering the whole {}; overdue goes to {}.\n",
            r.id,
            r.title,
            r.owner.as_str(),
            r.every.as_str(),
            r.grace_days,
            if r.is_default { " (Pledge's default)" } else { "" },
            r.every.as_str(),
            if escalates.is_empty() { "nobody".to_owned() } else { escalates.join(", then ") },
        ));
    }
    if !plan.statement_tiers.is_empty() {
        let tiers: Vec<String> = plan
            .statement_tiers
            .iter()
            .map(|t| match (t.victim_may_write_own, t.victims.is_empty()) {
                (false, _) => format!(
                    "`{}` does not let the victim write their own statement",
                    t.id
                ),
                (true, true) => format!("`{}` lets the victim write their own statement", t.id),
                (true, false) => format!(
                    "`{}` lets a victim who is {} write their own statement",
                    t.id,
                    roles_in_words(&t.victims)
                ),
            })
            .collect();
        out.push_str(&format!("\nStatement tiers: {}.\n", tiers.join("; ")));
    }
    out
}

const TABLES_START: &str =
    "<!-- built-in plan tables: generated by the docs test; PLEDGE_BLESS_DOCS=1 rewrites -->";
const TABLES_END: &str = "<!-- end of built-in plan tables -->";

/// docs/plans.md lists, for every point of each built-in plan, exactly what the loaded
/// plan enforces (set `PLEDGE_BLESS_DOCS=1` to rewrite the section after a plan change).
#[test]
fn plans_md_tables_match_the_built_in_plans() {
    let lib = crate::support::library();
    let tables: Vec<String> = lib.iter().map(plan_table).collect();
    let generated = format!("{TABLES_START}\n\n{}\n{TABLES_END}", tables.join("\n"));
    let text = doc("plans.md");
    let (Some(a), Some(b)) = (text.find(TABLES_START), text.find(TABLES_END)) else {
        panic!("docs/plans.md lacks the built-in plan tables section");
    };
    let current = &text[a..b + TABLES_END.len()];
    if current != generated {
        if std::env::var("PLEDGE_BLESS_DOCS").is_ok_and(|v| v == "1") {
            let path = format!("{}/../../docs/plans.md", env!("CARGO_MANIFEST_DIR"));
            std::fs::write(&path, text.replace(current, &generated)).unwrap();
        } else {
            panic!(
                "docs/plans.md's built-in plan tables are out of date; run the docs tests with PLEDGE_BLESS_DOCS=1"
            );
        }
    }
}
