//! Compliance evaluation: for a plan, a case and a moment, the state of every obligation.
//! Pure and deterministic: `now` is a parameter.

mod clocks;
mod next_steps;
mod review;
mod rollup;
mod schedule;
mod status;
mod view;

pub use clocks::{Clocks, Meetings};
pub use next_steps::{PointSteps, next_steps};
pub use review::{
    MAX_REVIEW_PERIODS, PanelMeeting, ReviewPeriod, ReviewStanding, ReviewState, period_start,
    review_periods, review_standing,
};
pub use rollup::{PointRollup, PointVerdict, StateCounts};
pub use schedule::{MAX_OCCURRENCES, WeeklySchedule};
pub use status::{Applied, NotApplicableWhy, ObligationStatus, Pending, State};
pub use view::{EvaluationView, ObligationView, PointView, WaiverView};

use crate::case::{CaseState, MAX_VICTIMS, Mark};
use crate::plan::{ClockStart, Completion, Deadline, Obligation, Plan, Step, covers};
use jiff::{SignedDuration, Timestamp};

/// Recurring obligations stop generating instances after this many, whatever the input.
const MAX_INSTANCES: u32 = 1000;

/// Every obligation's state and a roll-up per point.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Obligations (and instances), in plan order.
    pub obligations: Vec<ObligationStatus>,
    /// One roll-up per point, in plan order.
    pub points: Vec<PointRollup>,
}

/// Evaluates a case against a plan at `now`.
///
/// The case should hold only events known at `now` (fold the events up to `now` to look
/// back in time); clocks are read against `now`.
pub fn evaluate(plan: &Plan, case: &CaseState, now: Timestamp, clocks: &Clocks<'_>) -> Evaluation {
    // Recurring and per-event obligations add instances: room for one per event is plenty.
    let mut out = Vec::with_capacity(plan.obligations.len() + case.marks().len());
    let eval = Evaluator {
        plan,
        case,
        now,
        clocks,
    };
    for (i, o) in plan.obligations.iter().enumerate() {
        eval.obligation(i, o, &mut out);
    }
    let points = rollup::roll_up(plan, &out);
    Evaluation {
        obligations: out,
        points,
    }
}

struct Evaluator<'a> {
    plan: &'a Plan,
    case: &'a CaseState,
    now: Timestamp,
    clocks: &'a Clocks<'a>,
}

fn open(
    obligation: usize,
    instance: u32,
    pending: Pending,
    started_at: Option<Timestamp>,
) -> ObligationStatus {
    ObligationStatus {
        obligation,
        instance,
        state: State::NotYetDue,
        pending,
        started_at,
        due_at: None,
        completed_at: None,
        waiver: None,
        applied: Applied::Base,
        not_applicable: None,
    }
}

fn not_applicable(obligation: usize, why: NotApplicableWhy) -> ObligationStatus {
    ObligationStatus {
        state: State::NotApplicable,
        not_applicable: Some(why),
        ..open(obligation, 0, Pending::Running, None)
    }
}

impl Evaluator<'_> {
    fn obligation(&self, i: usize, o: &Obligation, out: &mut Vec<ObligationStatus>) {
        if !o.applies.holds(self.case) {
            out.push(not_applicable(i, NotApplicableWhy::Condition));
            return;
        }
        if self.victims_concerned(o) == 0 {
            out.push(not_applicable(i, NotApplicableWhy::NoVictimConcerned));
            return;
        }
        if let Some(w) = self
            .case
            .waivers()
            .iter()
            .position(|w| w.obligation == o.id)
        {
            let mut s = open(i, 0, Pending::Running, None);
            s.state = State::Waived;
            s.waiver = Some(w);
            out.push(s);
            return;
        }
        match o.starts {
            ClockStart::Reported => match self.case.report() {
                Some(r) => self.clock_running(i, o, r.reported_at, out),
                None => out.push(open(
                    i,
                    0,
                    Pending::ClockNotStarted(crate::event::EventType::AssaultReported),
                    None,
                )),
            },
            ClockStart::Event(e) => match self.case.clock_start(e) {
                Some(t) => self.clock_running(i, o, t, out),
                None => out.push(self.not_started(i, e)),
            },
            ClockStart::Each(e) => {
                // The deadline depends on the case, not the instance: choose it once.
                let (deadline, applied) = self.deadline(o);
                let mut n = 0;
                for at in self.instance_starts(e) {
                    n += 1;
                    let done = self.completion_at_or_after(o, at);
                    let mut s = self.judge(i, n, deadline, at, done);
                    s.applied = applied;
                    out.push(s);
                    if n >= MAX_INSTANCES {
                        break;
                    }
                }
                if n == 0 {
                    out.push(self.not_started(i, e));
                }
            }
        }
    }

    /// When each instance of an "each <event>" obligation starts, earliest first.
    ///
    /// An arrest is a key decision under the Victims' Code (right 6 names arrest first among
    /// the decisions a victim must be told of, and Op Hampshire point (b) says the Code applies
    /// to assaults on officers and staff), so recording an arrest starts a key-decision clock
    /// as a recorded key decision does. (Before, an arrest recorded as `arrest_made` started
    /// no clock, and the victim was never owed the news of it.)
    fn instance_starts(&self, e: crate::event::EventType) -> Vec<Timestamp> {
        use crate::event::EventType as E;
        let mut starts: Vec<Timestamp> = self.case.marks_of(e).iter().map(|m| m.at).collect();
        if e == E::KeyDecisionMade {
            starts.extend(self.case.marks_of(E::ArrestMade).iter().map(|m| m.at));
            starts.sort();
        }
        starts
    }

    /// An obligation whose starting event has not happened: not yet due while the case is
    /// open; once it has closed without the event, the obligation never arose (before, a
    /// closed case with no key decision kept a not-yet-due "tell the victim" forever, and
    /// its point read "in progress" for good).
    fn not_started(&self, i: usize, e: crate::event::EventType) -> ObligationStatus {
        if self.case.closed_at().is_some() {
            not_applicable(i, NotApplicableWhy::ClosedBeforeStart(e))
        } else {
            open(i, 0, Pending::ClockNotStarted(e), None)
        }
    }

    /// The victims (bits by place in the report) an obligation concerns: those whose
    /// workforce role it names, or every victim.
    fn victims_concerned(&self, o: &Obligation) -> u64 {
        let mut mask = 0u64;
        for (k, v) in self.case.victims().iter().take(MAX_VICTIMS).enumerate() {
            if covers(&o.victims, v) {
                mask |= 1 << k;
            }
        }
        // Before the report there are no victims, and nothing is excluded yet.
        if self.case.victims().is_empty() {
            u64::MAX
        } else {
            mask
        }
    }

    fn clock_running(
        &self,
        i: usize,
        o: &Obligation,
        start: Timestamp,
        out: &mut Vec<ObligationStatus>,
    ) {
        match o.recurs_every_days {
            None => {
                let done = self.first_completion(o);
                let (deadline, applied) = self.deadline(o);
                let mut s = self.judge(i, 0, deadline, start, done);
                s.applied = applied;
                out.push(s);
            }
            Some(default_days) => self.recurring(i, o, start, default_days, out),
        }
    }

    /// Recurring obligations (victim updates): each instance is due a period after the
    /// previous completion (or the start), at the victim's chosen frequency where recorded;
    /// they stop when the case closes.
    ///
    /// A frequency applies from when the victim chose it: an instance uses the frequency in
    /// force at its anchor, and a choice made while an instance is open and not yet due
    /// restarts that instance's clock at the choice with the new period. (Before, the latest
    /// choice was applied to every instance, so asking for weekly updates in week four
    /// turned updates already given on time under the 28-day default into late ones.)
    fn recurring(
        &self,
        i: usize,
        o: &Obligation,
        start: Timestamp,
        default_days: u32,
        out: &mut Vec<ObligationStatus>,
    ) {
        let cal = self.clocks.calendar;
        let period = |t: Timestamp| {
            self.case
                .update_every_days_at(t)
                .map(u32::from)
                .unwrap_or(default_days)
        };
        let closed = self.case.closed_at();
        let mut anchor = start;
        let mut first = true;
        for n in 1..=MAX_INSTANCES {
            let done = if first {
                self.completion_at_or_after(o, anchor)
            } else {
                self.completion_after(o, anchor)
            };
            let mut clock_start = anchor;
            let mut applied = match self.case.update_every_days_at(anchor) {
                Some(days) => Applied::VictimsFrequency(days),
                None => Applied::Base,
            };
            let mut due = cal.add_calendar_days(anchor, period(anchor));
            for &(chosen, days) in self.case.update_frequencies() {
                if chosen > anchor && chosen <= due && done.is_none_or(|d| chosen < d) {
                    clock_start = chosen;
                    due = cal.add_calendar_days(chosen, u32::from(days));
                    applied = Applied::VictimsFrequency(days);
                }
            }
            if let Some(c) = closed
                && done.is_none_or(|d| d > c)
                && due > c
            {
                return;
            }
            let mut s = self.judge_due(i, n, clock_start, Some(due), done);
            s.applied = applied;
            out.push(s);
            match done {
                Some(d) => {
                    anchor = d;
                    first = false;
                }
                None => return,
            }
        }
    }

    /// When the obligation was first met: by any completing event, or, for an obligation
    /// met for each victim, when the last victim it concerns was covered.
    fn first_completion(&self, o: &Obligation) -> Option<Timestamp> {
        if o.each_victim {
            return self.each_victim_completion(o, |_| false);
        }
        o.completed_by
            .iter()
            .filter_map(|c| {
                if c.mask == 0 {
                    // The fold keeps each event type's first time: no scan needed.
                    self.case.first(c.event)
                } else {
                    self.case
                        .marks_of(c.event)
                        .iter()
                        .find(|m| m.qualifiers & c.mask != 0)
                        .map(|m| m.at)
                }
            })
            .min()
    }

    /// The first completion at or after `t`.
    fn completion_at_or_after(&self, o: &Obligation, t: Timestamp) -> Option<Timestamp> {
        if o.each_victim {
            return self.each_victim_completion(o, |m| m.at < t);
        }
        self.first_matching(&o.completed_by, |m| m.at < t, u64::MAX)
    }

    /// The first completion strictly after `t`.
    fn completion_after(&self, o: &Obligation, t: Timestamp) -> Option<Timestamp> {
        if o.each_victim {
            return self.each_victim_completion(o, |m| m.at <= t);
        }
        self.first_matching(&o.completed_by, |m| m.at <= t, u64::MAX)
    }

    /// For an obligation met once per victim: the time the last victim it concerns was
    /// first covered by a completing event that counts for them; none while any is not.
    fn each_victim_completion(
        &self,
        o: &Obligation,
        before: impl Fn(&Mark) -> bool + Copy,
    ) -> Option<Timestamp> {
        let need = self.victims_concerned(o);
        let mut latest: Option<Timestamp> = None;
        for k in 0..self.case.victims().len().min(MAX_VICTIMS) {
            let bit = 1u64 << k;
            if need & bit == 0 {
                continue;
            }
            let t = self.first_matching(&o.completed_by, before, bit)?;
            latest = Some(latest.map_or(t, |l| l.max(t)));
        }
        latest
    }

    /// The earliest completing event not `before` (marks of a type are sorted by time, so
    /// `before` is a prefix found by binary search).
    /// `victims` keeps only events that count for one of these victims (`u64::MAX`: any).
    fn first_matching(
        &self,
        completed_by: &[Completion],
        before: impl Fn(&Mark) -> bool,
        victims: u64,
    ) -> Option<Timestamp> {
        completed_by
            .iter()
            .filter_map(|c| {
                let marks = self.case.marks_of(c.event);
                let from = marks.partition_point(&before);
                marks[from..]
                    .iter()
                    .find(|m| {
                        (c.mask == 0 || m.qualifiers & c.mask != 0)
                            && (victims == u64::MAX || m.victims & victims != 0)
                    })
                    .map(|m| m.at)
            })
            .min()
    }

    /// The obligation's deadline for this case: the first `deadline_if` whose condition
    /// holds, else the default.
    fn deadline<'o>(&self, o: &'o Obligation) -> (&'o Deadline, Applied) {
        o.deadline_if
            .iter()
            .enumerate()
            .find(|(_, (c, _))| c.holds(self.case))
            .map(|(k, (_, d))| (d, Applied::Stricter(u8::try_from(k).unwrap_or(u8::MAX))))
            .unwrap_or((&o.deadline, Applied::Base))
    }

    fn judge(
        &self,
        i: usize,
        instance: u32,
        deadline: &Deadline,
        start: Timestamp,
        done: Option<Timestamp>,
    ) -> ObligationStatus {
        let (due, pending) = self.due(deadline, start);
        let mut s = self.judge_due(i, instance, start, due, done);
        if s.state == State::NotYetDue {
            s.pending = pending;
        }
        s
    }

    fn judge_due(
        &self,
        i: usize,
        instance: u32,
        start: Timestamp,
        due: Option<Timestamp>,
        done: Option<Timestamp>,
    ) -> ObligationStatus {
        let mut s = open(i, instance, Pending::Running, Some(start));
        s.due_at = due;
        s.completed_at = done;
        s.state = match (done, due) {
            (Some(d), Some(due)) if d > due => State::MetLate,
            (Some(_), _) => State::MetOnTime,
            (None, Some(due)) if self.now > due => State::Overdue,
            (None, Some(due)) => {
                let window = due.duration_since(start);
                let left = due.duration_since(self.now);
                if window > SignedDuration::ZERO && left <= window / 4 {
                    State::DueSoon
                } else {
                    State::NotYetDue
                }
            }
            (None, None) => State::NotYetDue,
        };
        s
    }

    fn due(&self, deadline: &Deadline, start: Timestamp) -> (Option<Timestamp>, Pending) {
        let cal = self.clocks.calendar;
        match deadline {
            Deadline::Hours(h) => (Some(cal.add_hours(start, *h)), Pending::Running),
            Deadline::CalendarDays(d) => (Some(cal.add_calendar_days(start, *d)), Pending::Running),
            Deadline::WorkingDays(n) => (
                Some(cal.working_days_deadline(self.case.jurisdiction(), start, *n)),
                Pending::Running,
            ),
            Deadline::AsSoonAsPracticable(inner) => self.due(inner, start),
            Deadline::NextMeeting(m) => match self.clocks.meetings.next_after(m, start) {
                Some(t) => (Some(t), Pending::Running),
                None => (None, Pending::NoMeetingScheduled),
            },
            Deadline::Before(Step::Event(e)) => (self.case.first(*e), Pending::BeforeStep),
            Deadline::Before(Step::Obligation(j, _)) => {
                let other = &self.plan.obligations[*j];
                (self.first_completion(other), Pending::BeforeStep)
            }
            Deadline::Before(Step::Unresolved(_)) | Deadline::WhenItHappens => {
                (None, Pending::NoDeadline)
            }
        }
    }
}
