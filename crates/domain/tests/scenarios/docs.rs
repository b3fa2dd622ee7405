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
