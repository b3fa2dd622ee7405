//! What changed between two versions of a plan, point by point: what a force's legal and
//! professional-standards team reads before a new version is put in force.

use super::model::{ForceReview, Obligation, Plan, Rule, roles_in_words};
use std::fmt;

/// One difference between an old and a new plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The point it concerns (its number as published in the new plan, or the old one for
    /// something removed); empty for plan-wide changes (title, tiers, meetings).
    pub point: String,
    /// What changed, in words.
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.point.is_empty() {
            write!(f, "plan: {}", self.what)
        } else {
            write!(f, "point {}: {}", self.point, self.what)
        }
    }
}

fn obligation_fields(o: &Obligation) -> Vec<(&'static str, String)> {
    let completed: Vec<String> = o
        .completed_by
        .iter()
        .map(|c| match &c.qualifier {
            Some(q) => format!("{}:{q}", c.event.as_str()),
            None => c.event.as_str().to_owned(),
        })
        .collect();
    let stricter: Vec<String> = o
        .deadline_if
        .iter()
        .map(|(c, d)| format!("{d} when {c}"))
        .collect();
    let escalates: Vec<&str> = o.escalates_to.iter().map(|r| r.as_str()).collect();
    vec![
        ("title", o.title.clone()),
        ("owner", o.owner.to_string()),
        ("applies", o.applies.to_string()),
        ("starts", format!("{:?}", o.starts)),
        ("deadline", o.deadline.to_string()),
        ("stricter deadlines", stricter.join("; ")),
        ("Pledge's default", o.deadline_is_default.to_string()),
        (
            "recurs every",
            o.recurs_every_days
                .map(|d| format!("{d} days"))
                .unwrap_or_default(),
        ),
        ("concerns", roles_in_words(&o.victims)),
        ("for each victim", o.each_victim.to_string()),
        ("completed by", completed.join(" or ")),
        ("escalates to", escalates.join(", ")),
        ("escalated after", hours_in_words(&o.escalate_after_hours)),
        ("cites", o.cites.clone()),
    ]
}

/// Hours past the due time, in words ("" for none: the plan's or Pledge's).
fn hours_in_words(hours: &[u32]) -> String {
    hours
        .iter()
        .map(|h| format!("{h} hours"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn review_fields(r: &ForceReview) -> Vec<(&'static str, String)> {
    let escalates: Vec<&str> = r.escalates_to.iter().map(|r| r.as_str()).collect();
    vec![
        ("title", r.title.clone()),
        ("owner", r.owner.to_string()),
        ("every", r.every.as_str().to_owned()),
        (
            "due after the period ends",
            format!("{} days", r.grace_days),
        ),
        ("Pledge's default", r.is_default.to_string()),
        ("escalates to", escalates.join(", ")),
        ("cites", r.cites.clone()),
    ]
}

fn rule_fields(r: &Rule) -> Vec<(&'static str, String)> {
    vec![
        ("enforces", r.enforces.as_str().to_owned()),
        ("says", r.says.clone()),
        ("binds", roles_in_words(&r.victims)),
    ]
}

fn field_changes(old: &[(&'static str, String)], new: &[(&'static str, String)]) -> Vec<String> {
    old.iter()
        .zip(new)
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, b)| {
            let shown = |s: &str| {
                if s.is_empty() {
                    "(none)".to_owned()
                } else {
                    format!("\"{s}\"")
                }
            };
            format!("{}: {} → {}", a.0, shown(&a.1), shown(&b.1))
        })
        .collect()
}

/// Every difference from `old` to `new`, in the new plan's order (removals after).
pub fn compare(old: &Plan, new: &Plan) -> Vec<Change> {
    let mut out = Vec::new();
    let plan_wide = |what: String| Change {
        point: String::new(),
        what,
    };
    if old.title != new.title {
        out.push(plan_wide(format!(
            "title \"{}\" → \"{}\"",
            old.title, new.title
        )));
    }
    if old.escalation != new.escalation {
        let words = |e: &super::model::EscalationIntervals| {
            let after = if e.after_due_hours.is_empty() {
                "Pledge's defaults".to_owned()
            } else {
                hours_in_words(&e.after_due_hours)
            };
            match e.remind_before_hours {
                Some(h) => format!("{after}; reminder {h} hours before"),
                None => after,
            }
        };
        out.push(plan_wide(format!(
            "escalation after the due time: {} → {}",
            words(&old.escalation),
            words(&new.escalation)
        )));
    }
    for t in &new.statement_tiers {
        match old.statement_tiers.iter().find(|o| o.id == t.id) {
            None => out.push(plan_wide(format!("statement tier {} added", t.id))),
            Some(o)
                if o.victim_may_write_own != t.victim_may_write_own
                    || o.victims != t.victims
                    || o.title != t.title =>
            {
                out.push(plan_wide(format!("statement tier {} changed", t.id)))
            }
            Some(_) => {}
        }
    }
    for t in &old.statement_tiers {
        if new.statement_tier(&t.id).is_none() {
            out.push(plan_wide(format!("statement tier {} removed", t.id)));
        }
    }
    for m in &new.meetings {
        if !old.meetings.iter().any(|o| o.id == m.id) {
            out.push(plan_wide(format!("meeting {} added", m.id)));
        }
    }
    for m in &old.meetings {
        if !new.meetings.iter().any(|o| o.id == m.id) {
            out.push(plan_wide(format!("meeting {} removed", m.id)));
        }
    }
    for r in &new.reviews {
        match old.review(&r.id) {
            None => out.push(plan_wide(format!("review {} added: {}", r.id, r.title))),
            Some(before) => {
                for c in field_changes(&review_fields(before), &review_fields(r)) {
                    out.push(plan_wide(format!("review {}: {c}", r.id)));
                }
            }
        }
    }
    for r in &old.reviews {
        if new.review(&r.id).is_none() {
            out.push(plan_wide(format!("review {} removed", r.id)));
        }
    }
    for (k, p) in new.points.iter().enumerate() {
        let at = |what: String| Change {
            point: p.number.clone(),
            what,
        };
        let Some(old_k) = old.points.iter().position(|o| o.number == p.number) else {
            out.push(at(format!("added: \"{}\"", p.title)));
            continue;
        };
        let op = &old.points[old_k];
        if op.title != p.title {
            out.push(at(format!("title \"{}\" → \"{}\"", op.title, p.title)));
        }
        if op.wording != p.wording {
            out.push(at("wording changed".to_owned()));
        }
        for o in new.obligations.iter().filter(|o| o.point == k) {
            match old.obligation(&o.id) {
                None => out.push(at(format!("obligation {} added: {}", o.id, o.title))),
                Some(before) => {
                    for c in field_changes(&obligation_fields(before), &obligation_fields(o)) {
                        out.push(at(format!("obligation {}: {c}", o.id)));
                    }
                    let moved_from = &old.points[before.point].number;
                    if moved_from != &p.number {
                        out.push(at(format!(
                            "obligation {} moved from point {moved_from}",
                            o.id
                        )));
                    }
                }
            }
        }
        for r in new.rules.iter().filter(|r| r.point == k) {
            match old.rules.iter().find(|x| x.enforces == r.enforces) {
                None => out.push(at(format!("rule {} added", r.enforces.as_str()))),
                Some(before) => {
                    for c in field_changes(&rule_fields(before), &rule_fields(r)) {
                        out.push(at(format!("rule {}: {c}", r.enforces.as_str())));
                    }
                }
            }
        }
    }
    for o in &old.obligations {
        if new.obligation(&o.id).is_none() {
            out.push(Change {
                point: old.points[o.point].number.clone(),
                what: format!("obligation {} removed", o.id),
            });
        }
    }
    for r in &old.rules {
        if new.rule(r.enforces).is_none() {
            out.push(Change {
                point: old.points[r.point].number.clone(),
                what: format!("rule {} removed", r.enforces.as_str()),
            });
        }
    }
    for p in &old.points {
        if !new.points.iter().any(|n| n.number == p.number) {
            out.push(Change {
                point: p.number.clone(),
                what: format!("removed: \"{}\"", p.title),
            });
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::plan::{BUILTIN_PLAN_FILES, load_plan};

    fn builtin(id: &str) -> Plan {
        let (name, text) = BUILTIN_PLAN_FILES
            .iter()
            .find(|(n, _)| n.contains(id))
            .unwrap();
        load_plan(name, text).unwrap()
    }

    #[test]
    fn a_plan_compared_with_itself_has_no_changes() {
        for id in ["op-hampshire", "btp", "west-midlands", "essex"] {
            let p = builtin(id);
            assert_eq!(compare(&p, &p), vec![], "{id}");
        }
    }

    #[test]
    fn changes_are_named_point_by_point() {
        let old = builtin("op-hampshire");
        let text = BUILTIN_PLAN_FILES[0]
            .1
            .replace("version = 1", "version = 2")
            .replace(
                "id = \"oic-assigned\"\n  title = \"Assign an officer in the case who is not a victim\"\n  owner = \"supervisor\"\n  deadline = \"24 hours\"",
                "id = \"oic-assigned\"\n  title = \"Assign an officer in the case who is not a victim\"\n  owner = \"supervisor\"\n  deadline = \"12 hours\"",
            );
        let new = load_plan("new.toml", &text).unwrap();
        let changes: Vec<String> = compare(&old, &new).iter().map(|c| c.to_string()).collect();
        assert_eq!(
            changes,
            vec!["point c: obligation oic-assigned: deadline: \"24 hours\" → \"12 hours\""]
        );
        // Essex adds three points to Op Hampshire and changes nothing else in them.
        let essex = builtin("essex");
        let added: Vec<String> = compare(&old, &essex)
            .iter()
            .filter(|c| !c.point.is_empty())
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            added,
            vec![
                "point E1: added: \"Debrief after the use of force\"",
                "point E2: added: \"Repeat victims flagged and supported\"",
                "point E3: added: \"Criminal justice liaison follows the case to sentence\"",
            ]
        );
    }
}
