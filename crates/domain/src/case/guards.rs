//! The plan's "must never" rules, checked before an event is recorded. This is the one place
//! they are enforced; every entry point records events through [`crate::case::Case::record`].
//!
//! A rule binds exactly the victims its plan wording names (`victims = [...]` in the plan
//! file): "the assaulted officer" is not police staff, and an exception for "a police
//! officer who has been assaulted" does not extend to the rest of the workforce.

use super::refusal::{Refusal, RuleViolation};
use super::state::CaseState;
use crate::event::values::{StatementOf, Victim};
use crate::event::{Event, EventKind};
use crate::plan::{Plan, RuleKind, covers, roles_in_words};

/// Checks an event against the rules the plan states. Rules the plan does not state are
/// not applied: the plan decides.
pub fn check_rules(plan: &Plan, case: &CaseState, event: &Event) -> Result<(), Refusal> {
    // The rule of this kind, if the plan states it and it binds this victim.
    let rule_for =
        |kind: RuleKind, victim: &Victim| plan.rule(kind).filter(|r| covers(&r.victims, victim));
    let refuse =
        |kind: RuleKind, victim: &Victim, field: Option<&str>, detail: String| match rule_for(
            kind, victim,
        ) {
            Some(rule) => {
                let v = RuleViolation::new(plan, rule, detail);
                let v = match field {
                    Some(f) => v.at_field(f),
                    None => v,
                };
                Err(Refusal::Rule(Box::new(v)))
            }
            None => Ok(()),
        };
    match &event.kind {
        EventKind::OicAssigned { officer } => match case.victim(officer) {
            Some(v) => refuse(
                RuleKind::VictimNotOfficerInCase,
                v,
                Some("officer"),
                format!(
                    "{officer} is a victim of this assault and cannot be its officer in the case"
                ),
            ),
            None => Ok(()),
        },
        EventKind::StatementTaken {
            of: StatementOf::Witness,
            taken_by,
            ..
        } => match case.victim(taken_by) {
            Some(v) => refuse(
                RuleKind::VictimTakesNoWitnessStatements,
                v,
                Some("taken_by"),
                format!(
                    "{taken_by} is a victim of this assault and cannot take witness statements in it"
                ),
            ),
            None => Ok(()),
        },
        EventKind::StatementTaken {
            of: StatementOf::Victim,
            giver,
            taken_by,
            tier,
            tier_reason,
        } => {
            let Some(taker) = case.victim(taken_by) else {
                return Ok(());
            };
            let kind = RuleKind::VictimDoesNotWriteOwnStatement;
            if taken_by != giver {
                return refuse(
                    kind,
                    taker,
                    Some("taken_by"),
                    format!(
                        "{taken_by} is a victim of this assault and cannot take a victim's statement in it"
                    ),
                );
            }
            let Some(rule) = rule_for(kind, taker) else {
                return Ok(());
            };
            let violation = |field: &str, detail: String| {
                Err(Refusal::Rule(Box::new(
                    RuleViolation::new(plan, rule, detail).at_field(field),
                )))
            };
            // A self-written statement: only where the plan's tier for this case allows it
            // for this victim, and only with the tier and the reason recorded.
            let Some(tier_id) = tier.as_deref().filter(|t| !t.trim().is_empty()) else {
                let hint = if plan.statement_tiers.is_empty() {
                    String::new()
                } else {
                    format!(
                        " unless a statement tier that allows it is recorded (tiers: {})",
                        plan.statement_tiers
                            .iter()
                            .map(|t| t.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                return violation(
                    "tier",
                    format!("{giver} cannot write their own statement{hint}"),
                );
            };
            let Some(t) = plan.statement_tier(tier_id) else {
                return violation(
                    "tier",
                    if plan.statement_tiers.is_empty() {
                        format!(
                            "the plan has no statement tiers, so no tier (\"{tier_id}\") allows {giver} to write their own statement"
                        )
                    } else {
                        format!("the plan has no statement tier \"{tier_id}\"")
                    },
                );
            };
            if !t.victim_may_write_own {
                return violation(
                    "tier",
                    format!(
                        "{} (\"{}\") does not allow the victim to write their own statement",
                        t.id, t.title
                    ),
                );
            }
            if !covers(&t.victims, taker) {
                return violation(
                    "tier",
                    format!(
                        "{} allows a self-written statement only for a victim who is {}; {giver} is {}",
                        t.id,
                        roles_in_words(&t.victims),
                        taker.workforce_role
                    ),
                );
            }
            if tier_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return violation(
                    "tier_reason",
                    "a self-written statement under a tier needs the reason for the tier recorded"
                        .to_owned(),
                );
            }
            Ok(())
        }
        // The rule is about time, not recording order: events may be recorded after the
        // fact, so an outcome dated before the victim's view was first given is refused too
        // (without this, recording the view first and then a backdated outcome got round it).
        EventKind::OutcomeFinalised { .. }
            if case
                .first(crate::event::EventType::VictimViewRecorded)
                .is_none_or(|view| view > event.at) =>
        {
            let detail = match case.first(crate::event::EventType::VictimViewRecorded) {
                Some(view) => format!(
                    "the victim's view was recorded at {view}, after this outcome ({})",
                    event.at
                ),
                None => "the victim's view has not been recorded yet".to_owned(),
            };
            case_rule(plan, RuleKind::VictimViewBeforeOutcome, detail)
        }
        EventKind::NoArrestRecorded { reason } if reason.trim().is_empty() => {
            match plan.rule(RuleKind::NoArrestNeedsReason) {
                Some(rule) => Err(Refusal::Rule(Box::new(
                    RuleViolation::new(plan, rule, "no reason was given for not arresting")
                        .at_field("reason"),
                ))),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// A rule about the case as a whole (not one victim), if the plan states it.
fn case_rule(plan: &Plan, kind: RuleKind, detail: String) -> Result<(), Refusal> {
    match plan.rule(kind) {
        Some(rule) => Err(Refusal::Rule(Box::new(RuleViolation::new(
            plan, rule, detail,
        )))),
        None => Ok(()),
    }
}
