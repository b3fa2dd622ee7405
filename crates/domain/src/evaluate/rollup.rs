//! A roll-up per plan point: was the point's promise kept?

use super::status::{ObligationStatus, State};
use crate::plan::Plan;
use serde::Serialize;

/// How many obligations (instances) of a point are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StateCounts {
    /// Not yet due.
    pub not_yet_due: u32,
    /// Due soon.
    pub due_soon: u32,
    /// Overdue.
    pub overdue: u32,
    /// Met on time.
    pub met_on_time: u32,
    /// Met late.
    pub met_late: u32,
    /// Not applicable.
    pub not_applicable: u32,
    /// Waived.
    pub waived: u32,
}

impl StateCounts {
    /// Counts one more in a state.
    pub fn add(&mut self, s: State) {
        let slot = match s {
            State::NotYetDue => &mut self.not_yet_due,
            State::DueSoon => &mut self.due_soon,
            State::Overdue => &mut self.overdue,
            State::MetOnTime => &mut self.met_on_time,
            State::MetLate => &mut self.met_late,
            State::NotApplicable => &mut self.not_applicable,
            State::Waived => &mut self.waived,
        };
        *slot += 1;
    }

    /// The count in a state.
    pub fn get(&self, s: State) -> u32 {
        match s {
            State::NotYetDue => self.not_yet_due,
            State::DueSoon => self.due_soon,
            State::Overdue => self.overdue,
            State::MetOnTime => self.met_on_time,
            State::MetLate => self.met_late,
            State::NotApplicable => self.not_applicable,
            State::Waived => self.waived,
        }
    }
}

/// The verdict on a point so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointVerdict {
    /// Something is overdue: the promise is being broken now.
    Overdue,
    /// Work is open and nothing is overdue.
    InProgress,
    /// Everything that applied was done, some of it late.
    KeptLate,
    /// Everything that applied was done on time (or waived).
    Kept,
    /// Nothing in the point applied to this case.
    NotApplicable,
}

impl PointVerdict {
    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            PointVerdict::Overdue => "overdue",
            PointVerdict::InProgress => "in progress",
            PointVerdict::KeptLate => "kept, late",
            PointVerdict::Kept => "kept",
            PointVerdict::NotApplicable => "not applicable",
        }
    }
}

/// One point's roll-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PointRollup {
    /// Index into `Plan::points`.
    pub point: usize,
    /// Counts by state.
    pub counts: StateCounts,
    /// The verdict.
    pub verdict: PointVerdict,
}

pub(super) fn roll_up(plan: &Plan, statuses: &[ObligationStatus]) -> Vec<PointRollup> {
    // One allocation: count into the roll-ups themselves, then set each verdict.
    let mut rollups: Vec<PointRollup> = (0..plan.points.len())
        .map(|point| PointRollup {
            point,
            counts: StateCounts::default(),
            verdict: PointVerdict::NotApplicable,
        })
        .collect();
    for s in statuses {
        if let Some(o) = plan.obligations.get(s.obligation) {
            rollups[o.point].counts.add(s.state);
        }
    }
    for r in &mut rollups {
        let c = &r.counts;
        r.verdict = if c.overdue > 0 {
            PointVerdict::Overdue
        } else if c.not_yet_due + c.due_soon > 0 {
            PointVerdict::InProgress
        } else if c.met_late > 0 {
            PointVerdict::KeptLate
        } else if c.met_on_time + c.waived > 0 {
            PointVerdict::Kept
        } else {
            PointVerdict::NotApplicable
        };
    }
    rollups
}
