//! A case: its events, its state (a fold over them), and recording a new event through the
//! plan's rules.

mod briefing;
mod context;
mod guards;
mod refusal;
mod state;

pub use briefing::TrmBriefing;
pub use context::AssaultContext;
pub use guards::check_rules;
pub use refusal::{Refusal, RuleViolation};
pub use state::{CaseState, MAX_VICTIMS, Mark, Report, Waiver};

use crate::event::values::StatementOf;
use crate::event::{Event, EventKind, EventType, bounds};
use crate::plan::{Plan, RuleKind};

/// A case under a plan: the only way to add an event is [`Case::record`], which checks the
/// event fits the case and the plan's rules first.
#[derive(Debug, Clone)]
pub struct Case<'p> {
    plan: &'p Plan,
    events: Vec<Event>,
    state: CaseState,
}

impl<'p> Case<'p> {
    /// An empty case under a plan.
    pub fn new(plan: &'p Plan) -> Self {
        Self {
            plan,
            events: Vec::new(),
            state: CaseState::default(),
        }
    }

    /// Replays recorded events, checking each as if recorded now; stops at the first refusal
    /// and says which event (0-based) it was.
    pub fn replay(
        plan: &'p Plan,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<Self, (usize, Refusal)> {
        let mut case = Self::new(plan);
        for (i, e) in events.into_iter().enumerate() {
            case.record(e).map_err(|r| (i, r))?;
        }
        Ok(case)
    }

    /// Restores a case from events already recorded (a store's own history), without
    /// checking them again: they were checked when recorded, and a rule tightened since
    /// must not make an existing case unreadable. Input from outside (a case file, an
    /// import) goes through [`Case::replay`] instead.
    pub fn restore(plan: &'p Plan, events: Vec<Event>) -> Self {
        let state = CaseState::from_events(&events);
        Self {
            plan,
            events,
            state,
        }
    }

    /// Records an event if it fits the case and the plan's rules allow it.
    pub fn record(&mut self, event: Event) -> Result<(), Refusal> {
        bounds::check(&event, self.state.report().map(|r| r.occurred_at))?;
        check_fits(self.plan, &self.state, &event)?;
        check_rules(self.plan, &self.state, &event)?;
        self.state.apply(&event);
        self.events.push(event);
        Ok(())
    }

    /// The case's state.
    pub fn state(&self) -> &CaseState {
        &self.state
    }

    /// The events recorded.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The plan the case is held to.
    pub fn plan(&self) -> &'p Plan {
        self.plan
    }
}

/// Checks an event fits the case: order of events and values that refer to the plan or case.
pub fn check_fits(plan: &Plan, case: &CaseState, event: &Event) -> Result<(), Refusal> {
    let ty = event.event_type();
    let Some(report) = case.report() else {
        if ty != EventType::AssaultReported {
            return Err(Refusal::invalid(
                "type",
                format!("a case opens with assault_reported, not {}", ty.as_str()),
            ));
        }
        return check_report(event);
    };
    if ty == EventType::AssaultReported {
        return Err(Refusal::invalid(
            "type",
            "the case is already open; an assault is reported once",
        ));
    }
    if event.at < report.occurred_at {
        return Err(Refusal::invalid(
            "at",
            format!(
                "{} is before the assault happened ({})",
                event.at, report.occurred_at
            ),
        ));
    }
    if case.closed_at().is_some()
        && !matches!(
            ty,
            EventType::SurveySent | EventType::ObligationWaived | EventType::ObligationEscalated
        )
    {
        return Err(Refusal::invalid(
            "type",
            format!("the case is closed; {} cannot be recorded", ty.as_str()),
        ));
    }
    match &event.kind {
        EventKind::ObligationWaived { obligation, reason } => {
            if plan.obligation(obligation).is_none() {
                return Err(Refusal::invalid(
                    "obligation",
                    format!(
                        "the plan {} has no obligation \"{obligation}\"",
                        plan.reference()
                    ),
                ));
            }
            if reason.trim().is_empty() {
                return Err(Refusal::invalid("reason", "a waiver needs a reason"));
            }
        }
        EventKind::ObligationEscalated { obligation, .. }
            if plan.obligation(obligation).is_none() =>
        {
            return Err(Refusal::invalid(
                "obligation",
                format!(
                    "the plan {} has no obligation \"{obligation}\"",
                    plan.reference()
                ),
            ));
        }
        EventKind::OutcomeFinalised { .. } if case.outcome().is_some() => {
            return Err(Refusal::invalid("type", "the outcome is already finalised"));
        }
        EventKind::UpdateFrequencyChosen { every_days } if !(1..=366).contains(every_days) => {
            return Err(Refusal::invalid(
                "every_days",
                "choose an update frequency from 1 to 366 days",
            ));
        }
        // The Victims' Code asks for the victim's view; an empty one would meet the plan's
        // "view before outcome" obligation with nothing heard.
        EventKind::VictimViewRecorded { view } if view.trim().is_empty() => {
            return Err(Refusal::field_under_rule(
                plan,
                RuleKind::VictimViewBeforeOutcome,
                "view",
                "the victim's view is empty",
            ));
        }
        EventKind::StatementTaken {
            of: StatementOf::Victim,
            giver,
            ..
        } if !case.is_victim(giver) => {
            return Err(Refusal::invalid(
                "giver",
                format!(
                    "{giver} is not a victim of this case; a victim's statement is given by a victim (record a witness statement instead)"
                ),
            ));
        }
        EventKind::StaffAssociationNotified {
            victim: Some(victim),
            ..
        }
        | EventKind::WelfareMeetingHeld {
            victim: Some(victim),
            ..
        }
        | EventKind::LeafletGiven {
            victim: Some(victim),
        }
        | EventKind::SafetyReportContributed {
            victim: Some(victim),
            ..
        }
        | EventKind::RepeatVictimReviewed {
            victim: Some(victim),
            ..
        } if !case.is_victim(victim) => {
            return Err(Refusal::invalid(
                "victim",
                format!("{victim} is not a victim in this case"),
            ));
        }
        // A victim records their own part only: never another victim's, never "every victim".
        EventKind::SafetyReportContributed { victim, .. }
            if case.is_victim(&event.by) && victim.as_ref() != Some(&event.by) =>
        {
            return Err(Refusal::invalid(
                "victim",
                format!(
                    "{} records their own part of the report only (name themselves as the victim)",
                    event.by
                ),
            ));
        }
        EventKind::DaysLostRecorded { victim, .. } if !case.is_victim(victim) => {
            return Err(Refusal::invalid(
                "victim",
                format!("{victim} is not a victim in this case"),
            ));
        }
        _ => {}
    }
    Ok(())
}

fn check_report(event: &Event) -> Result<(), Refusal> {
    let EventKind::AssaultReported {
        victims,
        occurred_at,
        ..
    } = &event.kind
    else {
        return Ok(());
    };
    if victims.is_empty() {
        return Err(Refusal::invalid("victims", "at least one victim is needed"));
    }
    if victims.len() > MAX_VICTIMS {
        return Err(Refusal::invalid(
            "victims",
            format!("at most {MAX_VICTIMS} victims are recorded in one case"),
        ));
    }
    for (i, v) in victims.iter().enumerate() {
        if victims[..i].iter().any(|w| w.person == v.person) {
            return Err(Refusal::invalid(
                &format!("victims[{i}].person"),
                format!("{} is listed twice", v.person),
            ));
        }
    }
    if *occurred_at > event.at {
        return Err(Refusal::invalid(
            "occurred_at",
            "the assault cannot happen after it was reported",
        ));
    }
    Ok(())
}

impl EventKind {
    /// Whether this is the opening report.
    pub fn is_report(&self) -> bool {
        matches!(self, EventKind::AssaultReported { .. })
    }
}
