//! A plan as data, after loading and validation: points, obligations, rules, tiers.

use super::condition::Condition;
use super::deadline::Deadline;
use super::role::Role;
use crate::event::EventType;
use crate::event::values::{Victim, WorkforceRole};
use serde::Serialize;

/// A force's plan at one version.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Stable id, e.g. `op-hampshire`.
    pub id: String,
    /// Version; a case is held to the version it opened under.
    pub version: u32,
    /// Title as published.
    pub title: String,
    /// Where the wording comes from.
    pub source: String,
    /// A short description.
    pub summary: String,
    /// Named meeting calendars the plan refers to (`next meeting of trm`).
    pub meetings: Vec<Meeting>,
    /// Statement tiers (the West Midlands three-tier system), if the plan has them.
    pub statement_tiers: Vec<StatementTier>,
    /// Points in published order.
    pub points: Vec<Point>,
    /// Every obligation of every point, in order; `Obligation::point` indexes `points`.
    pub obligations: Vec<Obligation>,
    /// Every rule of every point.
    pub rules: Vec<Rule>,
    /// When overdue obligations are raised again (`[escalation]`); Pledge's defaults where
    /// the plan says nothing.
    pub escalation: EscalationIntervals,
    /// Force-level recurring reviews (`[[review]]`): the scrutiny panel's.
    pub reviews: Vec<ForceReview>,
}

/// When an overdue obligation is raised again: hours past its due time for the owner and
/// then each level it escalates to, and how long before the due time the owner is reminded.
/// Empty / `None`: Pledge's defaults (0, 24 and 72 hours; a reminder at most 7 days ahead).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EscalationIntervals {
    /// Hours past the due time, ascending.
    pub after_due_hours: Vec<u32>,
    /// Hours before the due time the owner is reminded.
    pub remind_before_hours: Option<u32>,
}

/// A meeting calendar a plan refers to.
#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    /// Short name used in deadlines, e.g. `trm`.
    pub id: String,
    /// What it is, e.g. "Tasking and resourcing meeting".
    pub title: String,
}

/// One tier of a statement tier system.
#[derive(Debug, Clone, Serialize)]
pub struct StatementTier {
    /// Id recorded on the statement event, e.g. `tier-1`.
    pub id: String,
    /// Description of when the tier applies.
    pub title: String,
    /// Whether the victim may write their own statement at this tier.
    pub victim_may_write_own: bool,
    /// Whom the allowance covers, by workforce role (WMP 2: "a police officer who has been
    /// assaulted"); empty: every victim.
    pub victims: Vec<WorkforceRole>,
}

/// A point of the plan in the force's published words.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// Its number or letter as published: `1`, `c`.
    pub number: String,
    /// A short title.
    pub title: String,
    /// The published wording.
    pub wording: String,
}

/// A promise with an owner and a clock.
#[derive(Debug, Clone, Serialize)]
pub struct Obligation {
    /// Id, unique within the plan.
    pub id: String,
    /// Index of its point in `Plan::points`.
    pub point: usize,
    /// What must be done, in words.
    pub title: String,
    /// Who owns it.
    pub owner: Role,
    /// When it applies.
    pub applies: Condition,
    /// When its clock starts.
    pub starts: ClockStart,
    /// Its deadline.
    pub deadline: Deadline,
    /// Stricter deadlines that replace `deadline` when their condition holds; first match wins.
    pub deadline_if: Vec<(Condition, Deadline)>,
    /// True when the source is silent on the deadline and the plan uses Pledge's default.
    pub deadline_is_default: bool,
    /// Recurs every so many days (victim updates), until the case closes.
    pub recurs_every_days: Option<u32>,
    /// Whom it concerns, by workforce role; empty: every victim. When no victim of a case
    /// has one of these roles, the obligation does not apply.
    pub victims: Vec<WorkforceRole>,
    /// Met only when it is met for each victim it concerns (a statement from each, each
    /// seen by the supervisor, the right body notified for each).
    pub each_victim: bool,
    /// Events (with optional qualifiers) any one of which completes it.
    pub completed_by: Vec<Completion>,
    /// Who hears when it is overdue, in order.
    pub escalates_to: Vec<Role>,
    /// Hours past the due time for the owner and then each `escalates_to` level, when this
    /// obligation sets its own (`escalate_after`); empty: the plan's.
    pub escalate_after_hours: Vec<u32>,
    /// The source text it comes from.
    pub cites: String,
}

/// When an obligation's clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "event")]
pub enum ClockStart {
    /// When the assault was reported.
    Reported,
    /// The first time an event of this type is recorded.
    Event(EventType),
    /// Each time an event of this type is recorded: one instance per event.
    Each(EventType),
}

/// An event that completes an obligation, optionally only with a qualifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    /// The event type.
    pub event: EventType,
    /// A qualifier the event must satisfy (see `EventType::qualifiers`).
    pub qualifier: Option<String>,
    /// The qualifier as a bit of [`crate::case::Mark::qualifiers`]; 0 when any event counts.
    #[serde(skip)]
    pub mask: u8,
}

/// A rule the plan states as "must" or "never"; enforced when commands are checked.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    /// Id, unique within the plan.
    pub id: String,
    /// Index of its point.
    pub point: usize,
    /// Which guard enforces it.
    pub enforces: RuleKind,
    /// The plan's own words, shown when a command is refused.
    pub says: String,
    /// Which victims it protects or binds, by workforce role; empty: every victim.
    pub victims: Vec<WorkforceRole>,
}

/// Whether a victim falls within a list of workforce roles (empty: everyone).
pub fn covers(roles: &[WorkforceRole], victim: &Victim) -> bool {
    roles.is_empty() || roles.contains(&victim.workforce_role)
}

/// A list of workforce roles in words, for messages: "officer or special_constable".
pub fn roles_in_words(roles: &[WorkforceRole]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The guards Pledge knows how to enforce; a plan chooses which apply and in what words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A victim of the assault is never its officer in the case.
    VictimNotOfficerInCase,
    /// A victim does not take witness statements in their own case.
    VictimTakesNoWitnessStatements,
    /// A victim does not write their own statement, unless the case's tier allows it.
    VictimDoesNotWriteOwnStatement,
    /// No outcome is finalised before the victim's view is recorded.
    VictimViewBeforeOutcome,
    /// "No arrest" needs a recorded reason.
    NoArrestNeedsReason,
}

impl RuleKind {
    /// Every rule kind.
    pub const ALL: &'static [RuleKind] = &[
        RuleKind::VictimNotOfficerInCase,
        RuleKind::VictimTakesNoWitnessStatements,
        RuleKind::VictimDoesNotWriteOwnStatement,
        RuleKind::VictimViewBeforeOutcome,
        RuleKind::NoArrestNeedsReason,
    ];

    /// The name used in plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::VictimNotOfficerInCase => "victim_not_officer_in_case",
            RuleKind::VictimTakesNoWitnessStatements => "victim_takes_no_witness_statements",
            RuleKind::VictimDoesNotWriteOwnStatement => "victim_does_not_write_own_statement",
            RuleKind::VictimViewBeforeOutcome => "victim_view_before_outcome",
            RuleKind::NoArrestNeedsReason => "no_arrest_needs_reason",
        }
    }

    /// Parses a plan file name.
    pub fn parse(s: &str) -> Option<Self> {
        RuleKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

impl Plan {
    /// The obligation with this id.
    pub fn obligation(&self, id: &str) -> Option<&Obligation> {
        self.obligations.iter().find(|o| o.id == id)
    }

    /// The rule of this kind, if the plan states it.
    pub fn rule(&self, kind: RuleKind) -> Option<&Rule> {
        self.rules.iter().find(|r| r.enforces == kind)
    }

    /// The statement tier with this id.
    pub fn statement_tier(&self, id: &str) -> Option<&StatementTier> {
        self.statement_tiers.iter().find(|t| t.id == id)
    }

    /// `id@version`, as shown to people.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}

/// A force-level recurring review the plan asks for: not about one case but about how the
/// force keeps the plan (OSSR recommendation 23(i): "The plan should be subject to frequent
/// performance review using a scrutiny panel arrangement"). Each period's review is met by
/// recording the panel meeting with the force's pack for that period; see
/// [`crate::evaluate::review_periods`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForceReview {
    /// Id, unique within the plan.
    pub id: String,
    /// What must happen, in words.
    pub title: String,
    /// Who arranges it (the force's Op Hampshire lead).
    pub owner: Role,
    /// How often.
    pub every: ReviewEvery,
    /// Days after a period ends by which its review is due.
    pub grace_days: u32,
    /// True when the source is silent on the frequency and the plan uses Pledge's default.
    pub is_default: bool,
    /// Who hears when a review is overdue, in order.
    pub escalates_to: Vec<Role>,
    /// The source text it comes from.
    pub cites: String,
}

/// How often a force-level review recurs: calendar periods, so a force's quarters are the
/// same quarters its packs report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewEvery {
    /// Each calendar month.
    Month,
    /// Each calendar quarter (January to March, April to June, ...).
    Quarter,
    /// Each calendar year.
    Year,
}

impl ReviewEvery {
    /// The name used in plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewEvery::Month => "month",
            ReviewEvery::Quarter => "quarter",
            ReviewEvery::Year => "year",
        }
    }

    /// Parses a plan file name.
    pub fn parse(s: &str) -> Option<Self> {
        [ReviewEvery::Month, ReviewEvery::Quarter, ReviewEvery::Year]
            .into_iter()
            .find(|e| e.as_str() == s)
    }

    /// Months in one period.
    pub fn months(self) -> i8 {
        match self {
            ReviewEvery::Month => 1,
            ReviewEvery::Quarter => 3,
            ReviewEvery::Year => 12,
        }
    }
}

impl Plan {
    /// The force-level review with this id.
    pub fn review(&self, id: &str) -> Option<&ForceReview> {
        self.reviews.iter().find(|r| r.id == id)
    }
}
