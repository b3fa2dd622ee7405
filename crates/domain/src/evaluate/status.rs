//! The state of one obligation at a moment.

use jiff::Timestamp;
use serde::Serialize;

/// Where an obligation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Not yet due (see [`Pending`] for why there may be no due time yet).
    NotYetDue,
    /// Due soon: in the last quarter of its time.
    DueSoon,
    /// Past due and not done.
    Overdue,
    /// Done by the deadline.
    MetOnTime,
    /// Done after the deadline.
    MetLate,
    /// Does not apply to this case.
    NotApplicable,
    /// Waived, with a reason.
    Waived,
}

impl State {
    /// Every state, for tables.
    pub const ALL: [State; 7] = [
        State::NotYetDue,
        State::DueSoon,
        State::Overdue,
        State::MetOnTime,
        State::MetLate,
        State::NotApplicable,
        State::Waived,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::NotYetDue => "not_yet_due",
            State::DueSoon => "due_soon",
            State::Overdue => "overdue",
            State::MetOnTime => "met_on_time",
            State::MetLate => "met_late",
            State::NotApplicable => "not_applicable",
            State::Waived => "waived",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            State::NotYetDue => "not yet due",
            State::DueSoon => "due soon",
            State::Overdue => "overdue",
            State::MetOnTime => "met on time",
            State::MetLate => "met late",
            State::NotApplicable => "not applicable",
            State::Waived => "waived",
        }
    }

    /// Whether the obligation is finished with (met, waived or not applicable).
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            State::MetOnTime | State::MetLate | State::NotApplicable | State::Waived
        )
    }
}

/// Why an open obligation has no due time, or what it waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum Pending {
    /// The clock runs toward a due time.
    Running,
    /// The clock starts with an event that has not happened.
    ClockNotStarted(crate::event::EventType),
    /// Due before a step that has not happened yet.
    BeforeStep,
    /// No meeting of the calendar is scheduled after the clock started.
    NoMeetingScheduled,
    /// No clock: recorded when it happens.
    NoDeadline,
}

/// Which deadline was applied to an obligation (instance), so it can say why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum Applied {
    /// The obligation's own deadline.
    Base,
    /// The stricter deadline at this index of `Obligation::deadline_if`, whose condition holds.
    Stricter(u8),
    /// The victim's chosen update frequency, in days, instead of the plan's period.
    VictimsFrequency(u16),
}

/// Why an obligation does not apply to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum NotApplicableWhy {
    /// Its `applies` condition does not hold.
    Condition,
    /// No victim of the case is one it concerns (its `victims` roles).
    NoVictimConcerned,
    /// The case closed before the event that starts its clock happened.
    ClosedBeforeStart(crate::event::EventType),
}

/// One obligation (or one instance of a recurring one) at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObligationStatus {
    /// Index into `Plan::obligations`.
    pub obligation: usize,
    /// 0 for one-off obligations; 1, 2, ... for instances of recurring or per-event ones.
    pub instance: u32,
    /// Where it stands.
    pub state: State,
    /// For open obligations: what the clock is doing.
    pub pending: Pending,
    /// When its clock started.
    pub started_at: Option<Timestamp>,
    /// When it is (or was) due.
    pub due_at: Option<Timestamp>,
    /// When it was done.
    pub completed_at: Option<Timestamp>,
    /// For waived obligations: index into `CaseState::waivers`.
    pub waiver: Option<usize>,
    /// The deadline applied.
    pub applied: Applied,
    /// For obligations that do not apply: why not.
    pub not_applicable: Option<NotApplicableWhy>,
}
