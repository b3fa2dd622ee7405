//! What became of an obligation in one case, in the words a backtest counts: met on time, met
//! late, missed (the case closed with it unmet), still open, waived, or not applicable.

use pledge_domain::evaluate::{ObligationStatus, State};
use serde::Serialize;

/// One case's result for one obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The case closed with it unmet.
    Missed,
    /// Met after its deadline.
    MetLate,
    /// Not met yet, and the case is open.
    Open,
    /// Met by its deadline.
    MetOnTime,
    /// Waived, with a reason.
    Waived,
    /// It does not apply to the case.
    NotApplicable,
}

impl Outcome {
    /// Every outcome, in the order tables show them.
    pub const ALL: [Outcome; 6] = [
        Outcome::MetOnTime,
        Outcome::MetLate,
        Outcome::Missed,
        Outcome::Open,
        Outcome::Waived,
        Outcome::NotApplicable,
    ];

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::MetOnTime => "met on time",
            Outcome::MetLate => "met late",
            Outcome::Missed => "missed",
            Outcome::Open => "still open",
            Outcome::Waived => "waived",
            Outcome::NotApplicable => "not applicable",
        }
    }

    /// Its position in [`Outcome::ALL`] (a column of the counts).
    pub fn index(self) -> usize {
        match self {
            Outcome::MetOnTime => 0,
            Outcome::MetLate => 1,
            Outcome::Missed => 2,
            Outcome::Open => 3,
            Outcome::Waived => 4,
            Outcome::NotApplicable => 5,
        }
    }

    /// One instance's outcome; `closed`: the case is closed at the moment evaluated.
    pub fn of(status: &ObligationStatus, closed: bool) -> Outcome {
        match status.state {
            State::MetOnTime => Outcome::MetOnTime,
            State::MetLate => Outcome::MetLate,
            State::Waived => Outcome::Waived,
            State::NotApplicable => Outcome::NotApplicable,
            State::NotYetDue | State::DueSoon | State::Overdue if closed => Outcome::Missed,
            State::NotYetDue | State::DueSoon | State::Overdue => Outcome::Open,
        }
    }

    /// A case's outcome for an obligation with several instances (recurring updates): the
    /// worst of them, in the order missed, met late, open, met on time, waived, not
    /// applicable (so one late update makes the case's updates "met late").
    pub fn worst(self, other: Outcome) -> Outcome {
        self.min(other)
    }
}
