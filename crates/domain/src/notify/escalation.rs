//! Reminders and escalation of an obligation's clock: the owner is reminded when it becomes
//! due soon, told when it is overdue, and then each role of its `escalates_to` is told in
//! turn, at intervals after the due time. A met, waived or inapplicable obligation has no
//! further steps.

use super::{Notice, NoticeKind, Recipient};
use crate::event::values::PersonId;
use crate::plan::{Obligation, Plan, Role};
use crate::{Event, EventKind};
use jiff::{SignedDuration, Timestamp};

/// Who records an escalation level in a case (the event's `by`, and the access log's actor):
/// the sweep, never a person.
pub const SWEEP_ACTOR: &str = "system:escalation";

/// When each level after the due time fires: `after_due[0]` tells the owner it is overdue,
/// `after_due[k]` tells `escalates_to[k - 1]`. Levels beyond the list keep the last gap.
/// The due-soon reminder fires at the start of the last quarter of the obligation's time,
/// but never more than `remind_at_most` before the due time (so a sweep need only look that
/// far ahead). A plan sets them (`[escalation]`, and an obligation's `escalate_after`:
/// [`EscalationPolicy::of`]); [`EscalationPolicy::default`] is 0 h, +24 h, +72 h and a reminder
/// at most 7 days ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationPolicy {
    /// Offsets from the due time, ascending.
    pub after_due: Vec<SignedDuration>,
    /// The earliest a reminder fires, before the due time.
    pub remind_at_most: SignedDuration,
}

impl Default for EscalationPolicy {
    fn default() -> Self {
        EscalationPolicy {
            after_due: vec![
                SignedDuration::ZERO,
                SignedDuration::from_hours(24),
                SignedDuration::from_hours(72),
            ],
            remind_at_most: SignedDuration::from_hours(7 * 24),
        }
    }
}

impl EscalationPolicy {
    /// The policy for one obligation of a plan: the obligation's own `escalate_after`, else
    /// the plan's `[escalation]`, else the defaults.
    pub fn of(plan: &Plan, ob: &Obligation) -> Self {
        let mut policy = Self::default();
        let hours = if ob.escalate_after_hours.is_empty() {
            &plan.escalation.after_due_hours
        } else {
            &ob.escalate_after_hours
        };
        if !hours.is_empty() {
            policy.after_due = hours
                .iter()
                .map(|h| SignedDuration::from_hours(i64::from(*h)))
                .collect();
        }
        if let Some(h) = plan.escalation.remind_before_hours {
            policy.remind_at_most = SignedDuration::from_hours(i64::from(h));
        }
        policy
    }

    /// The offset of overdue level `k` (0 = the owner), never before the due time.
    pub(super) fn offset(&self, k: usize) -> SignedDuration {
        let n = self.after_due.len();
        let at = match (self.after_due.get(k), n) {
            (Some(d), _) => *d,
            (None, 0) => SignedDuration::from_hours(24 * k as i64),
            (None, 1) => self.after_due[0] + SignedDuration::from_hours(24 * k as i64),
            (None, _) => {
                let gap = self.after_due[n - 1] - self.after_due[n - 2];
                self.after_due[n - 1] + gap * (k - (n - 1)) as i32
            }
        };
        at.max(SignedDuration::ZERO)
    }
}

/// An obligation's clock as the store keeps it (one obligation row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObligationClock {
    /// Not yet met, waived or found not to apply.
    pub open: bool,
    /// When its clock started.
    pub started_at: Option<Timestamp>,
    /// When it is due.
    pub due_at: Option<Timestamp>,
}

/// One reminder or escalation level of an obligation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 0: due-soon reminder to the owner; 1: overdue, to the owner; 2..: `escalates_to` in
    /// order.
    pub level: u32,
    /// When it fires.
    pub at: Timestamp,
    /// Who is told.
    pub to: Role,
    /// What kind of notice.
    pub kind: NoticeKind,
}

impl Step {
    /// Whether this level is recorded in the case as an `obligation_escalated` event (every
    /// level from overdue on; the due-soon reminder is not an escalation).
    pub fn is_escalation(&self) -> bool {
        self.level >= 1
    }

    /// The `obligation_escalated` event that records this level in the case at `at` (the
    /// sweep's time), by [`SWEEP_ACTOR`]; `None` for the due-soon reminder, which records no
    /// event. The sweep and generated history (`pledge generate`) both record levels with it.
    pub fn event(&self, ob: &Obligation, at: Timestamp) -> Option<Event> {
        if !self.is_escalation() {
            return None;
        }
        Some(Event {
            at,
            by: PersonId::sweep(),
            kind: EventKind::ObligationEscalated {
                obligation: ob.id.clone(),
                to: self.to.as_str().to_owned(),
            },
        })
    }

    /// The notice for this step (the application resolves the role to people).
    pub fn notice(&self, ob: &Obligation, instance: u32) -> Notice {
        let (headline, text) = match self.kind {
            NoticeKind::DueSoon => (
                "A task in a case is due soon".to_owned(),
                format!("Due soon: {}.", ob.title),
            ),
            NoticeKind::Overdue => (
                "A task in a case is overdue".to_owned(),
                format!(
                    "Overdue: {}. Please complete it or record why not.",
                    ob.title
                ),
            ),
            _ => (
                "An overdue task in a case was escalated to you".to_owned(),
                format!(
                    "Escalated to you as {}: {} is overdue.",
                    self.to.as_str().replace('_', " "),
                    ob.title
                ),
            ),
        };
        let mut n = Notice::new(Recipient::Role(self.to), self.kind, headline, text);
        n.obligation = Some(ob.id.clone());
        n.instance = instance;
        n.level = self.level;
        n
    }
}

/// Every step of an obligation's clock, in level order: none when it is settled or has no
/// due time. Nothing fires for the victim as owner (a victim is never chased). Escalations
/// are never earlier than the due time.
pub fn escalation_steps(
    ob: &Obligation,
    clock: &ObligationClock,
    policy: &EscalationPolicy,
) -> Vec<Step> {
    let (true, Some(due)) = (clock.open, clock.due_at) else {
        return Vec::new();
    };
    let mut steps = Vec::new();
    let at = |k: usize| due.checked_add(policy.offset(k)).unwrap_or(due);
    if ob.owner != Role::Victim {
        if let Some(start) = clock.started_at.filter(|s| *s < due) {
            // The last quarter of its time, as evaluation's "due soon".
            let quarter = (start.duration_until(due) / 4).min(policy.remind_at_most);
            let soon = due.checked_sub(quarter).unwrap_or(due);
            steps.push(Step {
                level: 0,
                at: soon,
                to: ob.owner,
                kind: NoticeKind::DueSoon,
            });
        }
        steps.push(Step {
            level: 1,
            at: at(0),
            to: ob.owner,
            kind: NoticeKind::Overdue,
        });
    }
    for (i, role) in ob.escalates_to.iter().enumerate() {
        steps.push(Step {
            level: i as u32 + 2,
            at: at(i + 1),
            to: *role,
            kind: NoticeKind::Escalated,
        });
    }
    steps
}

/// The steps that have fired by `now` and are not yet recorded (`recorded(level)`), in
/// level order. A sweep that was down for days records every missed level at once.
pub fn steps_due(
    ob: &Obligation,
    clock: &ObligationClock,
    policy: &EscalationPolicy,
    now: Timestamp,
    recorded: impl Fn(u32) -> bool,
) -> Vec<Step> {
    escalation_steps(ob, clock, policy)
        .into_iter()
        .filter(|s| s.at <= now && !recorded(s.level))
        .collect()
}
