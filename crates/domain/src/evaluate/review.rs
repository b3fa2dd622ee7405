//! Force-level reviews (OSSR 23(i), the scrutiny panel): which periods a plan's review covers
//! from a date to today, when each is due, and whether a recorded panel meeting met it.
//!
//! A period's review is met by the earliest panel meeting that considered a force-wide pack
//! covering the whole period (a unit's pack is a narrower look and does not meet the
//! force's review); it is met late when that meeting was after the due date (the period's
//! last day plus the plan's grace). Pure: `today` is a parameter.

use crate::plan::{ForceReview, ReviewEvery};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

/// At most this many periods are listed (a hundred years of quarters), whatever the input.
pub const MAX_REVIEW_PERIODS: usize = 400;

/// A recorded panel meeting, as the evaluation reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelMeeting {
    /// The day the panel met.
    pub met_on: Date,
    /// First day of the pack it considered.
    pub pack_from: Date,
    /// Last day of the pack it considered.
    pub pack_to: Date,
    /// Whether the pack was the whole force's (not one unit's).
    pub force_wide: bool,
}

impl PanelMeeting {
    /// Checks a meeting before it is recorded: the pack's period in order and over by the
    /// day the panel met (a panel cannot consider a period that had not ended), and the
    /// meeting not in the future. Errors name the field.
    pub fn check(&self, today: Date) -> Result<(), (&'static str, String)> {
        if self.pack_from > self.pack_to {
            return Err((
                "pack_from",
                "the pack's first day must be on or before its last day".into(),
            ));
        }
        if self.met_on > today {
            return Err((
                "met_on",
                format!("the panel cannot have met after today ({today})"),
            ));
        }
        if self.pack_to > self.met_on {
            return Err((
                "pack_to",
                format!(
                    "the pack runs to {}, after the panel met on {}: record a pack whose period had ended",
                    self.pack_to, self.met_on
                ),
            ));
        }
        Ok(())
    }
}

/// Where one period's review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Not due yet (the period is running, or within its grace).
    Open,
    /// Met by a meeting on or before the due date.
    Met,
    /// Met, but after the due date.
    MetLate,
    /// Past its due date and not met.
    Overdue,
}

/// One period of a force-level review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewPeriod {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// The last day on which a meeting meets it on time.
    pub due: Date,
    /// Its state today.
    pub state: ReviewState,
    /// Index into the meetings given of the meeting that met it.
    pub met_by: Option<usize>,
}

/// The first day of the period of `every` containing `day`.
pub fn period_start(every: ReviewEvery, day: Date) -> Date {
    let months = every.months();
    let month = (day.month() - 1) / months * months + 1;
    Date::new(day.year(), month, 1).unwrap_or(day)
}

/// Every period of `review` from the one containing `since` to the one containing `today`,
/// oldest first, each with its state given `meetings`.
pub fn review_periods(
    review: &ForceReview,
    since: Date,
    today: Date,
    meetings: &[PanelMeeting],
) -> Vec<ReviewPeriod> {
    let step = review.every.months().months();
    let mut out = Vec::new();
    let mut from = period_start(review.every, since);
    while from <= today && out.len() < MAX_REVIEW_PERIODS {
        let Ok(next) = from.checked_add(step) else {
            break;
        };
        let Ok(to) = next.yesterday() else {
            break;
        };
        let due = to
            .checked_add(i64::from(review.grace_days).days())
            .unwrap_or(to);
        let met_by = meetings
            .iter()
            .enumerate()
            .filter(|(_, m)| m.force_wide && m.pack_from <= from && m.pack_to >= to)
            .min_by_key(|(_, m)| m.met_on)
            .map(|(i, _)| i);
        let state = match met_by {
            Some(i) if meetings[i].met_on <= due => ReviewState::Met,
            Some(_) => ReviewState::MetLate,
            None if today > due => ReviewState::Overdue,
            None => ReviewState::Open,
        };
        out.push(ReviewPeriod {
            from,
            to,
            due,
            state,
            met_by,
        });
        from = next;
    }
    out
}

/// A review's standing in one line: what leaders read on the overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewStanding {
    /// The earliest period not yet met: its due date is the next review due.
    pub next_due: Option<ReviewPeriod>,
    /// Periods past their due date and not met, oldest first.
    pub overdue: Vec<ReviewPeriod>,
    /// The latest meeting (of any pack), by the day it met: index into the meetings given.
    pub last_meeting: Option<usize>,
}

/// The standing of `review` today.
pub fn review_standing(
    review: &ForceReview,
    since: Date,
    today: Date,
    meetings: &[PanelMeeting],
) -> ReviewStanding {
    let periods = review_periods(review, since, today, meetings);
    let overdue = periods
        .iter()
        .filter(|p| p.state == ReviewState::Overdue)
        .cloned()
        .collect();
    let next_due = periods
        .iter()
        .find(|p| matches!(p.state, ReviewState::Open | ReviewState::Overdue))
        .cloned();
    let last_meeting = meetings
        .iter()
        .enumerate()
        .max_by_key(|(_, m)| m.met_on)
        .map(|(i, _)| i);
    ReviewStanding {
        next_due,
        overdue,
        last_meeting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Role;
    use jiff::civil::date;

    fn quarterly(grace_days: u32) -> ForceReview {
        ForceReview {
            id: "scrutiny-panel".into(),
            title: "Scrutiny panel review".into(),
            owner: Role::OpHampshireLead,
            every: ReviewEvery::Quarter,
            grace_days,
            is_default: true,
            escalates_to: vec![],
            cites: String::new(),
        }
    }

    fn meeting(met_on: Date, from: Date, to: Date) -> PanelMeeting {
        PanelMeeting {
            met_on,
            pack_from: from,
            pack_to: to,
            force_wide: true,
        }
    }

    #[test]
    fn quarters_run_from_the_quarter_of_since_to_today() {
        let p = review_periods(&quarterly(42), date(2026, 2, 10), date(2026, 8, 1), &[]);
        let spans: Vec<_> = p.iter().map(|p| (p.from, p.to, p.due)).collect();
        assert_eq!(
            spans,
            vec![
                (date(2026, 1, 1), date(2026, 3, 31), date(2026, 5, 12)),
                (date(2026, 4, 1), date(2026, 6, 30), date(2026, 8, 11)),
                (date(2026, 7, 1), date(2026, 9, 30), date(2026, 11, 11)),
            ]
        );
        assert_eq!(p[0].state, ReviewState::Overdue);
        assert_eq!(p[1].state, ReviewState::Open);
    }

    #[test]
    fn a_force_pack_covering_the_quarter_meets_it_on_time_or_late() {
        let q1 = meeting(date(2026, 5, 1), date(2026, 1, 1), date(2026, 3, 31));
        let q2_late = meeting(date(2026, 9, 1), date(2026, 4, 1), date(2026, 6, 30));
        let p = review_periods(
            &quarterly(42),
            date(2026, 1, 1),
            date(2026, 9, 2),
            &[q1, q2_late],
        );
        assert_eq!(p[0].state, ReviewState::Met);
        assert_eq!(p[0].met_by, Some(0));
        assert_eq!(p[1].state, ReviewState::MetLate);
        assert_eq!(p[2].state, ReviewState::Open);
    }

    #[test]
    fn a_unit_pack_or_a_partial_period_does_not_meet_it() {
        let mut unit = meeting(date(2026, 4, 20), date(2026, 1, 1), date(2026, 3, 31));
        unit.force_wide = false;
        let partial = meeting(date(2026, 4, 20), date(2026, 2, 1), date(2026, 3, 31));
        let s = review_standing(
            &quarterly(0),
            date(2026, 1, 1),
            date(2026, 4, 21),
            &[unit, partial],
        );
        assert_eq!(s.overdue.len(), 1);
        assert_eq!(s.overdue[0].from, date(2026, 1, 1));
        assert_eq!(s.next_due.map(|p| p.due), Some(date(2026, 3, 31)));
        assert!(s.last_meeting.is_some());
    }

    #[test]
    fn a_meeting_is_checked_before_it_is_recorded() {
        let today = date(2026, 5, 1);
        let ok = meeting(date(2026, 4, 20), date(2026, 1, 1), date(2026, 3, 31));
        assert!(ok.check(today).is_ok());
        let future = meeting(date(2026, 5, 2), date(2026, 1, 1), date(2026, 3, 31));
        assert_eq!(future.check(today).map_err(|e| e.0), Err("met_on"));
        let unfinished = meeting(date(2026, 3, 20), date(2026, 1, 1), date(2026, 3, 31));
        assert_eq!(unfinished.check(today).map_err(|e| e.0), Err("pack_to"));
        let reversed = meeting(date(2026, 4, 20), date(2026, 3, 31), date(2026, 1, 1));
        assert_eq!(reversed.check(today).map_err(|e| e.0), Err("pack_from"));
    }

    #[test]
    fn periods_are_bounded() {
        let p = review_periods(&quarterly(0), date(1900, 1, 1), date(2400, 1, 1), &[]);
        assert_eq!(p.len(), MAX_REVIEW_PERIODS);
    }
}
