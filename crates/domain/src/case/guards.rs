//! The plan's "must never" rules, checked before an event is recorded. This is the one place
//! they are enforced; every entry point records events through [`crate::case::Case::record`].

use super::refusal::{Refusal, RuleViolation};
use super::state::CaseState;
use crate::event::values::StatementOf;
use crate::event::{Event, EventKind};
use crate::plan::{Plan, RuleKind};

/// Checks an event against the rules the plan states. Rules the plan does not state are
/// not applied: the plan decides.
pub fn check_rules(plan: &Plan, case: &CaseState, event: &Event) -> Result<(), Refusal> {
    let refuse = |kind: RuleKind, detail: String| -> Result<(), Refusal> {
        match plan.rule(kind) {
            Some(rule) => Err(Refusal::Rule(Box::new(RuleViolation::new(
                plan, rule, detail,
            )))),
            None => Ok(()),
        }
    };
    match &event.kind {
        EventKind::OicAssigned { officer } if case.is_victim(officer) => refuse(
            RuleKind::VictimNotOfficerInCase,
            format!("{officer} is a victim of this assault and cannot be its officer in the case"),
        ),
        EventKind::StatementTaken {
            of: StatementOf::Witness,
            taken_by,
            ..
        } if case.is_victim(taken_by) => refuse(
            RuleKind::VictimTakesNoWitnessStatements,
            format!(
                "{taken_by} is a victim of this assault and cannot take witness statements in it"
            ),
        ),
        EventKind::StatementTaken {
            of: StatementOf::Victim,
            giver,
            taken_by,
            tier,
            tier_reason,
        } => {
            if !case.is_victim(taken_by) {
                return Ok(());
            }
            if taken_by != giver {
                return refuse(
                    RuleKind::VictimDoesNotWriteOwnStatement,
                    format!(
                        "{taken_by} is a victim of this assault and cannot take a victim's statement in it"
                    ),
                );
            }
            // A self-written statement: only where the plan's tier for this case allows it,
            // and only with the tier and the reason recorded.
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
                return refuse(
                    RuleKind::VictimDoesNotWriteOwnStatement,
                    format!("{giver} cannot write their own statement{hint}"),
                );
            };
            let Some(t) = plan.statement_tier(tier_id) else {
                return Err(Refusal::invalid(
                    "tier",
                    format!("the plan has no statement tier \"{tier_id}\""),
                ));
            };
            if !t.victim_may_write_own {
                return refuse(
                    RuleKind::VictimDoesNotWriteOwnStatement,
                    format!(
                        "{} (\"{}\") does not allow the victim to write their own statement",
                        t.id, t.title
                    ),
                );
            }
            if tier_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(Refusal::invalid(
                    "tier_reason",
                    "a self-written statement under a tier needs the reason for the tier recorded",
                ));
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
            refuse(RuleKind::VictimViewBeforeOutcome, detail)
        }
        EventKind::NoArrestRecorded { reason } if reason.trim().is_empty() => refuse(
            RuleKind::NoArrestNeedsReason,
            "no reason was given for not arresting".to_owned(),
        ),
        _ => Ok(()),
    }
}
