//! A backtest's result as people and programs read it: per obligation (point by point, in
//! the tried plan's order, then obligations it removes), the cases by outcome under both
//! plans and the moves between them, and the cases that change verdict.

use super::BacktestRequest;
use super::outcome::Outcome;
use super::tally::{Counts, Pass, Tally};
use jiff::Timestamp;
use pledge_domain::{Plan, PlanLibrary};
use pledge_store::CaseId;
use serde::Serialize;
use std::time::Duration;

/// Cases by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutcomeCounts {
    /// Met by the deadline.
    pub met_on_time: u64,
    /// Met after it.
    pub met_late: u64,
    /// The case closed with it unmet.
    pub missed: u64,
    /// Not met yet; the case is open.
    pub open: u64,
    /// Waived.
    pub waived: u64,
    /// Does not apply.
    pub not_applicable: u64,
}

impl OutcomeCounts {
    fn from_counts(c: &Counts) -> Self {
        Self {
            met_on_time: c[0],
            met_late: c[1],
            missed: c[2],
            open: c[3],
            waived: c[4],
            not_applicable: c[5],
        }
    }

    /// The count of one outcome.
    pub fn get(&self, o: Outcome) -> u64 {
        match o {
            Outcome::MetOnTime => self.met_on_time,
            Outcome::MetLate => self.met_late,
            Outcome::Missed => self.missed,
            Outcome::Open => self.open,
            Outcome::Waived => self.waived,
            Outcome::NotApplicable => self.not_applicable,
        }
    }
}

/// Whether an obligation is in both plans or only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// In both (matched by obligation id).
    Both,
    /// Only in the plan tried: added.
    Added,
    /// Only in the baseline: removed.
    Removed,
}

/// How many cases move from one outcome to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoveCount {
    /// Outcome under the baseline.
    pub from: Outcome,
    /// Outcome under the plan tried.
    pub to: Outcome,
    /// Cases.
    pub cases: u64,
}

/// One obligation compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObligationComparison {
    /// Obligation id (the key the plans are matched by).
    pub obligation: String,
    /// What must be done.
    pub title: String,
    /// Its point's number.
    pub point: String,
    /// Its point's title.
    pub point_title: String,
    /// In both plans, added or removed.
    pub presence: Presence,
    /// Cases by outcome under the baseline (all zero for an added obligation).
    pub before: OutcomeCounts,
    /// Cases by outcome under the plan tried (all zero for a removed obligation).
    pub after: OutcomeCounts,
    /// Cases that move, most first.
    pub moves: Vec<MoveCount>,
}

/// One obligation whose outcome changes in a named case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseChange {
    /// Obligation id.
    pub obligation: String,
    /// What must be done.
    pub title: String,
    /// Its point's title.
    pub point_title: String,
    /// Under the baseline.
    pub before: Outcome,
    /// Under the plan tried.
    pub after: Outcome,
}

/// A case whose verdict changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedCase {
    /// The case.
    pub case_id: CaseId,
    /// Its unit.
    pub unit: String,
    /// What changes.
    pub changes: Vec<CaseChange>,
}

/// A backtest's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BacktestReport {
    /// The plan tried, `id@version`.
    pub plan: String,
    /// Its title.
    pub plan_title: String,
    /// What it is compared against: `id@version`, or "each case's plan in force".
    pub against: String,
    /// Forces.
    pub forces: Vec<String>,
    /// Cases reported at or after this.
    pub from: Timestamp,
    /// Cases reported before this.
    pub to: Timestamp,
    /// The moment evaluated at.
    pub at: Timestamp,
    /// Cases evaluated.
    pub cases: u64,
    /// Cases whose outcome changes for at least one obligation in both plans.
    pub changed: u64,
    /// Point by point.
    pub obligations: Vec<ObligationComparison>,
    /// The changed cases the asker may view (at most [`super::MAX_NAMED`]); absent when not asked
    /// for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named: Option<Vec<ChangedCase>>,
    /// Changed cases not named: beyond the limit, or not the asker's to view.
    pub not_named: u64,
    /// How long reading and evaluating took, in milliseconds.
    pub took_ms: u64,
}

/// Builds the report from the pass's totals.
pub(super) fn build(
    pass: &Pass<'_>,
    request: &BacktestRequest,
    tally: Tally,
    at: Timestamp,
    took: Duration,
    plans: &PlanLibrary,
) -> BacktestReport {
    let tried = pass.tried;
    let mut rows = Vec::new();
    let mut tally = tally;
    for o in &tried.obligations {
        let t = tally.obligations.remove(&o.id).unwrap_or_default();
        let in_baseline = match pass.against {
            Some(b) => b.obligations.iter().any(|x| x.id == o.id),
            None => tally.baseline_ids.contains_key(&o.id),
        };
        let p = &tried.points[o.point];
        rows.push(row(
            &o.id,
            &o.title,
            &p.number,
            &p.title,
            if in_baseline {
                Presence::Both
            } else {
                Presence::Added
            },
            &t,
        ));
    }
    // What is left was only in a baseline: removed, in that plan's order.
    let mut removed: Vec<(String, usize, String)> = tally
        .obligations
        .keys()
        .filter_map(|id| {
            tally
                .baseline_ids
                .get(id)
                .map(|(r, i)| (r.clone(), *i, id.clone()))
        })
        .collect();
    removed.sort();
    for (reference, i, id) in removed {
        let plan = baseline_plan(pass, plans, &reference);
        let Some((o, p)) =
            plan.and_then(|pl| pl.obligations.get(i).map(|o| (o, &pl.points[o.point])))
        else {
            continue;
        };
        let t = tally.obligations.remove(&id).unwrap_or_default();
        rows.push(row(
            &o.id,
            &o.title,
            &p.number,
            &p.title,
            Presence::Removed,
            &t,
        ));
    }
    tally.named.sort_by(|a, b| a.case_id.cmp(&b.case_id));
    tally.named.truncate(super::MAX_NAMED);
    let named = pass.naming.as_ref().map(|_| {
        tally
            .named
            .iter()
            .map(|c| ChangedCase {
                case_id: c.case_id.clone(),
                unit: c.unit.clone(),
                changes: c
                    .moves
                    .iter()
                    .map(|m| {
                        let (title, point_title) = tried
                            .obligations
                            .iter()
                            .find(|o| o.id == m.obligation)
                            .map(|o| (o.title.clone(), tried.points[o.point].title.clone()))
                            .unwrap_or_default();
                        CaseChange {
                            obligation: m.obligation.clone(),
                            title,
                            point_title,
                            before: m.before,
                            after: m.after,
                        }
                    })
                    .collect(),
            })
            .collect::<Vec<_>>()
    });
    let named_count = named.as_ref().map(|n| n.len() as u64).unwrap_or(0);
    BacktestReport {
        plan: tried.reference(),
        plan_title: tried.title.clone(),
        against: pass
            .against
            .map(Plan::reference)
            .unwrap_or_else(|| "each case's plan in force".into()),
        forces: request.forces.clone(),
        from: request.from,
        to: request.to,
        at,
        cases: tally.cases,
        changed: tally.changed,
        obligations: rows,
        named,
        not_named: tally.changed - named_count,
        took_ms: u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
    }
}

fn baseline_plan<'a>(
    pass: &'a Pass<'_>,
    plans: &'a PlanLibrary,
    reference: &str,
) -> Option<&'a Plan> {
    if let Some(b) = pass.against
        && b.reference() == reference
    {
        return Some(b);
    }
    plans.iter().find(|p| p.reference() == reference)
}

fn row(
    id: &str,
    title: &str,
    point: &str,
    point_title: &str,
    presence: Presence,
    t: &super::tally::ObligationTally,
) -> ObligationComparison {
    let mut moves: Vec<MoveCount> = t
        .moves
        .iter()
        .map(|(&(from, to), &cases)| MoveCount { from, to, cases })
        .collect();
    moves.sort_by(|a, b| {
        b.cases
            .cmp(&a.cases)
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
    });
    ObligationComparison {
        obligation: id.to_owned(),
        title: title.to_owned(),
        point: point.to_owned(),
        point_title: point_title.to_owned(),
        presence,
        before: OutcomeCounts::from_counts(&t.before),
        after: OutcomeCounts::from_counts(&t.after),
        moves,
    }
}
