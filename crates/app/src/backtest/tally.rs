//! The counting pass: each case evaluated under its baseline plan and under the plan being
//! tried, at one moment, its outcomes counted per obligation id, and the cases whose outcome
//! for some obligation (present in both plans) changes set aside.

use super::outcome::Outcome;
use crate::actor::{AccountRole, Actor};
use crate::policy::{CaseAction, Decision, Relation, Relations, decide};
use jiff::Timestamp;
use pledge_domain::evaluate::evaluate;
use pledge_domain::{CaseState, Clocks, Event, Meetings, Plan, PlanLibrary};
use pledge_store::{CaseId, StoreError};
use std::collections::HashMap;

/// At most this many changed cases are named (the count is always complete).
pub const MAX_NAMED: usize = 500;

/// Cases counted by outcome, in the order of [`Outcome::ALL`].
pub type Counts = [u64; 6];

/// One obligation's counts under both plans.
#[derive(Debug, Clone, Default)]
pub struct ObligationTally {
    /// Under the baseline (each case's plan in force, or the plan compared against).
    pub before: Counts,
    /// Under the plan tried.
    pub after: Counts,
    /// Cases whose outcome differs, by (before, after).
    pub moves: HashMap<(Outcome, Outcome), u64>,
}

/// One changed obligation in a named case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// Obligation id.
    pub obligation: String,
    /// Outcome under the baseline.
    pub before: Outcome,
    /// Outcome under the plan tried.
    pub after: Outcome,
}

/// A case whose verdict changes, named for an asker allowed to view it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCase {
    /// The case.
    pub case_id: CaseId,
    /// Its unit.
    pub unit: String,
    /// What changes.
    pub moves: Vec<Move>,
}

/// Who may be shown changed cases: the asker and their chain of command (their unit and
/// every unit below it), or nobody.
pub struct Naming<'a> {
    /// The asker.
    pub actor: &'a Actor,
    /// Their chain of command.
    pub chain: &'a [String],
}

/// The running totals of a backtest.
#[derive(Debug, Default)]
pub struct Tally {
    /// Cases evaluated.
    pub cases: u64,
    /// Cases whose outcome changes for at least one obligation in both plans.
    pub changed: u64,
    /// Changed cases the asker may not view (counted, not named).
    pub changed_unnamed: u64,
    /// Per obligation id.
    pub obligations: HashMap<String, ObligationTally>,
    /// Obligation ids seen in a baseline plan, with that plan's index for ordering: (plan
    /// reference, obligation index).
    pub baseline_ids: HashMap<String, (String, usize)>,
    /// Changed cases the asker may view, up to [`MAX_NAMED`].
    pub named: Vec<NamedCase>,
}

/// The fixed inputs of a backtest's pass over the cases.
pub struct Pass<'a> {
    /// The plan tried.
    pub tried: &'a Plan,
    /// The plan compared against; `None`: each case's own plan (its plan in force).
    pub against: Option<&'a Plan>,
    /// Every plan version, for each case's own plan.
    pub plans: &'a PlanLibrary,
    /// Working days.
    pub calendar: &'a pledge_domain::calendar::Calendar,
    /// Meeting dates by unit.
    pub meetings: &'a HashMap<String, Meetings>,
    /// No meetings (a unit without any).
    pub no_meetings: &'a Meetings,
    /// The moment evaluated at: events after it are ignored.
    pub at: Timestamp,
    /// Whom changed cases may be named to (`None`: counts only).
    pub naming: Option<Naming<'a>>,
}

/// A case's outcomes under a plan, one per obligation in plan order.
fn outcomes(plan: &Plan, state: &CaseState, at: Timestamp, clocks: &Clocks<'_>) -> Vec<Outcome> {
    let closed = state.closed_at().is_some();
    let mut out = vec![Outcome::NotApplicable; plan.obligations.len()];
    let mut seen = vec![false; plan.obligations.len()];
    for s in evaluate(plan, state, at, clocks).obligations {
        let o = Outcome::of(&s, closed);
        let slot = &mut out[s.obligation];
        *slot = if seen[s.obligation] { slot.worst(o) } else { o };
        seen[s.obligation] = true;
    }
    out
}

impl Pass<'_> {
    /// Counts one case (its events as stored, in order).
    pub fn case(
        &self,
        tally: &mut Tally,
        case_id: CaseId,
        events: &[Event],
    ) -> Result<(), StoreError> {
        let state = CaseState::from_events(events.iter().filter(|e| e.at <= self.at));
        let Some(report) = state.report() else {
            return Ok(());
        };
        let baseline = match self.against {
            Some(p) => p,
            None => self
                .plans
                .get(&report.plan.id, report.plan.version)
                .ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "case {case_id} is held to plan {}@{}, which is not loaded",
                        report.plan.id, report.plan.version
                    ))
                })?,
        };
        let clocks = Clocks {
            calendar: self.calendar,
            meetings: self.meetings.get(&report.unit).unwrap_or(self.no_meetings),
        };
        let before = outcomes(baseline, &state, self.at, &clocks);
        let after = outcomes(self.tried, &state, self.at, &clocks);
        tally.cases += 1;
        let mut moves = Vec::new();
        for (i, o) in baseline.obligations.iter().enumerate() {
            if !tally.baseline_ids.contains_key(&o.id) {
                tally
                    .baseline_ids
                    .insert(o.id.clone(), (baseline.reference(), i));
            }
            if let Some(t) = tally_of(tally, &o.id) {
                t.before[before[i].index()] += 1;
            }
        }
        for (i, o) in self.tried.obligations.iter().enumerate() {
            let Some(t) = tally_of(tally, &o.id) else {
                continue;
            };
            t.after[after[i].index()] += 1;
            if let Some(j) = baseline.obligations.iter().position(|b| b.id == o.id)
                && before[j] != after[i]
            {
                *t.moves.entry((before[j], after[i])).or_default() += 1;
                moves.push(Move {
                    obligation: o.id.clone(),
                    before: before[j],
                    after: after[i],
                });
            }
        }
        if moves.is_empty() {
            return Ok(());
        }
        tally.changed += 1;
        let Some(naming) = &self.naming else {
            return Ok(());
        };
        if !may_view(naming, &state) {
            tally.changed_unnamed += 1;
        } else {
            // Kept whole (one force's changed cases) and cut to the first MAX_NAMED by case id
            // in the report, so which cases are named does not depend on the read order.
            tally.named.push(NamedCase {
                case_id,
                unit: report.unit.clone(),
                moves,
            });
        }
        Ok(())
    }
}

/// An obligation's totals, made on first use (the id is copied once, not once per case).
fn tally_of<'t>(tally: &'t mut Tally, id: &str) -> Option<&'t mut ObligationTally> {
    if !tally.obligations.contains_key(id) {
        tally
            .obligations
            .insert(id.to_owned(), ObligationTally::default());
    }
    tally.obligations.get_mut(id)
}

/// Whether the asker may view a case: the relations `App::relations` finds, worked out from
/// the case's state, put to the one policy ([`decide`], `View`).
fn may_view(naming: &Naming<'_>, state: &CaseState) -> bool {
    let Some(report) = state.report() else {
        return false;
    };
    let actor = naming.actor;
    if actor.force() != Some(report.force.as_str()) || report.force.is_empty() {
        return false;
    }
    let mut rs = vec![Relation::SameForce];
    if let Actor::Person { id, .. } = actor {
        if report.victims.iter().any(|v| v.person.as_str() == id) {
            rs.push(Relation::Victim);
        }
        if report.supervisor.as_str() == id {
            rs.push(Relation::Supervisor);
        }
        if state.officer_in_case().map(|p| p.as_str()) == Some(id.as_str()) {
            rs.push(Relation::OfficerInCase);
        }
        if (actor.has(AccountRole::Inspector) || actor.has(AccountRole::SeniorLeader))
            && naming.chain.contains(&report.unit)
        {
            rs.push(Relation::ChainOfCommand);
        }
    }
    decide(actor, CaseAction::View, &Relations::new(rs)) == Decision::Allow
}
