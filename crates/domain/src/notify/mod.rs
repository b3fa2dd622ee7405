//! Who must be told what, and when: the one place that decides notifications, from the plan,
//! the case and what just happened (an event, or an obligation's clock passing a mark).
//!
//! Pure like the rest of the domain: the application resolves roles to people, writes the
//! notices to the outbox in the same transaction as the event, and delivers them.

mod choices;
mod escalation;
mod immediate;

pub use choices::{EmailChoices, EmailDecision, QuietHours, QuietHoursError, email_decision};
pub use escalation::{
    EscalationPolicy, ObligationClock, SWEEP_ACTOR, Step, escalation_steps, steps_due,
};
pub use immediate::on_event;

use crate::event::values::{PersonId, vocabulary};
use crate::plan::Role;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What a notification is about.
    NoticeKind {
        /// You are the officer in the case.
        OicAssigned = "oic_assigned",
        /// An assault on a colleague was reported (senior leadership is told of every one).
        AssaultReported = "assault_reported",
        /// A colleague was seriously injured.
        SeriousInjury = "serious_injury",
        /// A colleague was taken to hospital (urgent: ignores quiet hours).
        Hospitalised = "hospitalised",
        /// The assault is recorded as a hate crime.
        HateCrime = "hate_crime",
        /// The victim: your case was updated (an update, a key decision or the outcome).
        VictimUpdate = "victim_update",
        /// A TRiM or welfare referral was made (to the welfare team only).
        WelfareReferral = "welfare_referral",
        /// An obligation you own is due soon.
        DueSoon = "due_soon",
        /// An obligation you own is overdue.
        Overdue = "overdue",
        /// An overdue obligation was escalated to you.
        Escalated = "escalated",
    }
}

impl NoticeKind {
    /// Whether a person may turn email off for this kind. Only reminders and the victim's own
    /// updates are optional; everything else is the plan's duty to tell someone.
    pub fn mandatory(self) -> bool {
        !matches!(self, NoticeKind::DueSoon | NoticeKind::VictimUpdate)
    }
}

/// Who is to be told: a role relative to the case (resolved by the application through the
/// case, the chain of command and the on-call rota) or a named person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Recipient {
    /// Whoever holds this role for the case.
    Role(Role),
    /// This person.
    Person(PersonId),
}

/// One notification due. It never names the victim or carries case detail: the headline and
/// text are what a lock screen may show; the reader follows the link to the case (where the
/// access policy decides what they see).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// Who.
    pub to: Recipient,
    /// What about.
    pub kind: NoticeKind,
    /// The obligation, for reminders and escalations.
    pub obligation: Option<String>,
    /// The obligation's instance (0 for one-off obligations).
    pub instance: u32,
    /// The escalation level (0 reminder, 1 overdue to the owner, 2.. each `escalates_to`);
    /// 0 for notices from events.
    pub level: u32,
    /// Email cannot be turned off for it.
    pub mandatory: bool,
    /// Urgent (a hospitalised colleague): delivered even in quiet hours.
    pub urgent: bool,
    /// A short headline (the email subject): no names, no detail.
    pub headline: String,
    /// Plain words.
    pub text: String,
}

impl Notice {
    fn new(to: Recipient, kind: NoticeKind, headline: String, text: String) -> Self {
        Notice {
            to,
            kind,
            obligation: None,
            instance: 0,
            level: 0,
            mandatory: kind.mandatory(),
            urgent: kind == NoticeKind::Hospitalised,
            headline,
            text,
        }
    }
}

#[cfg(test)]
mod choices_tests;
#[cfg(test)]
mod tests;
