//! A case's state: a fold over its events, kept compact so evaluation is cheap.

use crate::calendar::Jurisdiction;
use crate::event::values::*;
use crate::event::{Event, EventKind, EventType};
use crate::plan::{Fact, Role};
use jiff::Timestamp;

/// One recorded event, reduced to what clocks need: its type, time and the qualifiers it
/// satisfies (a bit per entry of [`EventType::qualifiers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The event type.
    pub event: EventType,
    /// When it happened.
    pub at: Timestamp,
    /// Bit i set when the event satisfies `event.qualifiers()[i]`.
    pub qualifiers: u8,
    /// Bit i set when the event counts for the i-th victim of the report (for obligations
    /// met once per victim): a statement for its giver, a notice to the Federation for the
    /// officers among the victims, a welfare meeting for the victim seen. Events that name
    /// no victim count for all of them.
    pub victims: u64,
}

/// At most this many victims are told apart per event (a bit each in [`Mark::victims`]);
/// a report with more is refused.
pub const MAX_VICTIMS: usize = 64;

/// The facts the opening report gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Plan and version the case is held to.
    pub plan: PlanRef,
    /// Force.
    pub force: String,
    /// Unit.
    pub unit: String,
    /// Jurisdiction for working days.
    pub jurisdiction: Jurisdiction,
    /// When the assault happened.
    pub occurred_at: Timestamp,
    /// When it was reported (the report event's time): most clocks start here.
    pub reported_at: Timestamp,
    /// Location type.
    pub location_type: LocationType,
    /// The victim's supervisor.
    pub supervisor: PersonId,
    /// Victims.
    pub victims: Vec<Victim>,
    /// Offence.
    pub offence: Offence,
    /// Hate crime strands.
    pub hate_crime: Vec<HateStrand>,
    /// Force used by officers.
    pub force_used: bool,
    /// What the colleague was doing (for the scrutiny pack's circumstances).
    pub activity: Option<Activity>,
    /// Aggravating causal factors.
    pub causal_factors: Vec<CausalFactor>,
}

/// A waiver of an obligation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The obligation id.
    pub obligation: String,
    /// Who waived it.
    pub by: PersonId,
    /// When.
    pub at: Timestamp,
    /// Why.
    pub reason: String,
}

/// Where each event type's marks start in `CaseState::by_type` (one more entry than there
/// are types, so type `t` ends where `t + 1` starts). A newtype for `Default`: arrays this
/// long have none.
#[derive(Debug, Clone, PartialEq)]
struct TypeStarts([u32; EventType::COUNT + 1]);

impl Default for TypeStarts {
    fn default() -> Self {
        Self([0; EventType::COUNT + 1])
    }
}

/// The state of a case after its events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseState {
    report: Option<Report>,
    oic: Option<PersonId>,
    marks: Vec<Mark>,
    /// The same marks sorted by (type, time), ties in recorded order, so evaluation finds a
    /// type's marks by index and "the first X at or after t" by binary search.
    by_type: Vec<Mark>,
    /// Where each type's marks start in `by_type`: type `t` is
    /// `by_type[starts[t]..starts[t + 1]]`.
    starts: TypeStarts,
    suspect_identified: bool,
    /// When a suspect was first known: the report (if it names an identified suspect), a
    /// `suspect_identified` or an `arrest_made`, whichever is earliest.
    suspect_identified_at: Option<Timestamp>,
    vps_accepted: bool,
    trim_referred: bool,
    aggravation_not_applied: bool,
    days_lost: Vec<(PersonId, u16)>,
    update_every_days: Option<u16>,
    /// Every frequency the victim chose, with when, sorted by time: a choice applies from
    /// when it was made, not to updates already due or given before it.
    update_frequencies: Vec<(Timestamp, u16)>,
    waivers: Vec<Waiver>,
    /// The obligation id of each `obligation_escalated` event, in recorded order.
    escalations: Vec<String>,
    /// The reason of each `no_arrest_recorded` event, in recorded order.
    no_arrest_reasons: Vec<String>,
    outcome: Option<OutcomeType>,
    closed_at: Option<Timestamp>,
    /// Equipment, crewing and training: the report's answers, then later ones over them.
    context: super::AssaultContext,
    events: usize,
}

impl CaseState {
    /// The state after these events, in order. Events are applied as recorded: the rules
    /// are checked when an event is recorded (see [`crate::case::Case::record`]).
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let events = events.into_iter();
        let mut s = Self::default();
        s.marks.reserve(events.size_hint().0);
        for e in events {
            s.fold(e);
        }
        // The per-type index is built once at the end rather than kept up to date event by
        // event (as `apply` does): one pass instead of a search and an insert per event.
        s.index_by_type();
        s
    }

    /// Folds one event in.
    pub fn apply(&mut self, event: &Event) {
        let mark = self.fold(event);
        let t = mark.event as usize;
        let (start, end) = (self.starts.0[t] as usize, self.starts.0[t + 1] as usize);
        let pos = start + self.by_type[start..end].partition_point(|m| m.at <= mark.at);
        self.by_type.insert(pos, mark);
        for s in &mut self.starts.0[t + 1..] {
            *s += 1;
        }
    }

    /// Builds `by_type` and `starts` from `marks`: a counting sort by type (stable, so each
    /// type keeps its recorded order), then a stable sort by time of any type whose events
    /// were not recorded in time order. The result is what `apply` builds event by event.
    fn index_by_type(&mut self) {
        let mut starts = [0u32; EventType::COUNT + 1];
        for m in &self.marks {
            starts[m.event as usize + 1] += 1;
        }
        for t in 0..EventType::COUNT {
            starts[t + 1] += starts[t];
        }
        let mut next = starts;
        let mut by_type = self.marks.clone();
        for m in &self.marks {
            let slot = &mut next[m.event as usize];
            by_type[*slot as usize] = *m;
            *slot += 1;
        }
        for t in 0..EventType::COUNT {
            let (start, end) = (starts[t] as usize, starts[t + 1] as usize);
            if end - start > 1 {
                let marks = &mut by_type[start..end];
                if !marks.is_sorted_by_key(|m| m.at) {
                    marks.sort_by_key(|m| m.at);
                }
            }
        }
        self.by_type = by_type;
        self.starts = TypeStarts(starts);
    }

    /// Folds one event into everything but the per-type index; returns its mark.
    fn fold(&mut self, event: &Event) -> Mark {
        let ty = event.event_type();
        let mut qualifiers = 0u8;
        for (i, q) in ty.qualifiers().iter().enumerate() {
            if event.kind.satisfies(q) || self.satisfies_in_case(event, q) {
                qualifiers |= 1 << i;
            }
        }
        let mark = Mark {
            event: ty,
            at: event.at,
            qualifiers,
            victims: self.victims_counted(&event.kind),
        };
        self.marks.push(mark);
        self.events += 1;
        match &event.kind {
            EventKind::AssaultReported {
                plan,
                force,
                unit,
                jurisdiction,
                occurred_at,
                location_type,
                supervisor,
                victims,
                offence,
                hate_crime,
                suspects,
                circumstances,
                ..
            } => {
                self.context = super::AssaultContext::from_report(circumstances);
                if suspects.iter().any(|s| s.identified) {
                    self.suspect_identified = true;
                    self.note_suspect_identified(event.at);
                }
                self.report = Some(Report {
                    plan: plan.clone(),
                    force: force.clone(),
                    unit: unit.clone(),
                    jurisdiction: *jurisdiction,
                    occurred_at: *occurred_at,
                    reported_at: event.at,
                    location_type: *location_type,
                    supervisor: supervisor.clone(),
                    victims: victims.clone(),
                    offence: *offence,
                    hate_crime: hate_crime.clone(),
                    force_used: circumstances.force_used,
                    activity: circumstances.activity,
                    causal_factors: circumstances.causal_factors.clone(),
                });
            }
            EventKind::OicAssigned { officer } => self.oic = Some(officer.clone()),
            EventKind::SuspectIdentified { .. } | EventKind::ArrestMade { .. } => {
                self.suspect_identified = true;
                self.note_suspect_identified(event.at);
            }
            EventKind::VpsOffered { accepted } => self.vps_accepted |= *accepted,
            EventKind::Sentenced {
                emergency_worker_aggravation,
                ..
            } => self.aggravation_not_applied |= !*emergency_worker_aggravation,
            EventKind::TrimReferralConsidered { referred, .. } => self.trim_referred |= *referred,
            EventKind::DaysLostRecorded { victim, days } => {
                match self.days_lost.iter_mut().find(|(p, _)| p == victim) {
                    Some(entry) => entry.1 = *days,
                    None => self.days_lost.push((victim.clone(), *days)),
                }
            }
            EventKind::UpdateFrequencyChosen { every_days } => {
                self.update_every_days = Some(*every_days);
                let pos = self
                    .update_frequencies
                    .partition_point(|(t, _)| *t <= event.at);
                self.update_frequencies.insert(pos, (event.at, *every_days));
            }
            EventKind::ObligationWaived { obligation, reason } => self.waivers.push(Waiver {
                obligation: obligation.clone(),
                by: event.by.clone(),
                at: event.at,
                reason: reason.clone(),
            }),
            EventKind::OutcomeFinalised { outcome_type } => self.outcome = Some(*outcome_type),
            EventKind::ObligationEscalated { obligation, .. } => {
                self.escalations.push(obligation.clone())
            }
            EventKind::NoArrestRecorded { reason } => self.no_arrest_reasons.push(reason.clone()),
            EventKind::CaseClosed { .. } => self.closed_at = Some(event.at),
            EventKind::CircumstancesRecorded { .. } => self.context.apply(&event.kind),
            _ => {}
        }
        mark
    }

    fn note_suspect_identified(&mut self, at: Timestamp) {
        self.suspect_identified_at = Some(self.suspect_identified_at.map_or(at, |t| t.min(at)));
    }

    /// Qualifiers that depend on the case, not the event alone: a welfare meeting counts as
    /// the supervisor's ("the victim must be seen by their supervisor", WMP 6; BTP 7) when
    /// the person who held it, or recorded it, is the supervisor the report names.
    fn satisfies_in_case(&self, event: &Event, qualifier: &str) -> bool {
        match (&event.kind, qualifier) {
            (EventKind::WelfareMeetingHeld { held_by, .. }, "supervisor") => {
                let who = held_by.as_ref().unwrap_or(&event.by);
                self.report.as_ref().is_some_and(|r| &r.supervisor == who)
            }
            _ => false,
        }
    }

    /// The victims (bits by their place in the report) an event counts for.
    fn victims_counted(&self, kind: &EventKind) -> u64 {
        let victims = self.victims();
        let all = if victims.len() >= MAX_VICTIMS {
            u64::MAX
        } else {
            (1u64 << victims.len()) - 1
        };
        let bit = |p: &PersonId| {
            victims
                .iter()
                .take(MAX_VICTIMS)
                .position(|v| &v.person == p)
                .map_or(0, |i| 1u64 << i)
        };
        let named_or_all = |p: &Option<PersonId>| p.as_ref().map_or(all, bit);
        match kind {
            EventKind::StatementTaken {
                of: StatementOf::Victim,
                giver,
                ..
            } => bit(giver),
            EventKind::DaysLostRecorded { victim, .. } => bit(victim),
            EventKind::SafetyReportCompleted {
                victim_contributed, ..
            } => {
                if *victim_contributed {
                    all
                } else {
                    0
                }
            }
            EventKind::SafetyReportContributed { victim, .. }
            | EventKind::WelfareMeetingHeld { victim, .. }
            | EventKind::LeafletGiven { victim }
            | EventKind::RepeatVictimReviewed { victim, .. } => named_or_all(victim),
            EventKind::StaffAssociationNotified {
                body,
                consent,
                victim,
            } => {
                let named = named_or_all(victim);
                let mut mask = 0;
                for (i, v) in victims.iter().take(MAX_VICTIMS).enumerate() {
                    let counts = !*consent || body.represents(v.workforce_role);
                    if named & (1 << i) != 0 && counts {
                        mask |= 1 << i;
                    }
                }
                mask
            }
            _ => all,
        }
    }

    /// When a suspect was first identified (see the field), if one has been.
    pub fn suspect_identified_at(&self) -> Option<Timestamp> {
        self.suspect_identified_at
    }

    /// When the clock that starts at an event of this type starts: its first time, except
    /// `suspect_identified`, which starts when a suspect was first known however that was
    /// recorded (named in the report, identified later, or arrested).
    pub fn clock_start(&self, event: EventType) -> Option<Timestamp> {
        match event {
            EventType::SuspectIdentified => self.suspect_identified_at,
            _ => self.first(event),
        }
    }

    /// The opening report, once recorded.
    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    /// How many events have been applied (the case's version for optimistic concurrency).
    pub fn version(&self) -> usize {
        self.events
    }

    /// The victims.
    pub fn victims(&self) -> &[Victim] {
        self.report
            .as_ref()
            .map(|r| r.victims.as_slice())
            .unwrap_or(&[])
    }

    /// Whether a person is a victim of this assault.
    pub fn is_victim(&self, person: &PersonId) -> bool {
        self.victim(person).is_some()
    }

    /// The victim who is this person, if they are one.
    pub fn victim(&self, person: &PersonId) -> Option<&Victim> {
        self.victims().iter().find(|v| &v.person == person)
    }

    /// The officer in the case.
    pub fn officer_in_case(&self) -> Option<&PersonId> {
        self.oic.as_ref()
    }

    /// The worst injury among the victims.
    pub fn worst_injury(&self) -> InjurySeverity {
        self.victims()
            .iter()
            .map(|v| v.injury)
            .max()
            .unwrap_or(InjurySeverity::None)
    }

    /// The most days lost by any victim.
    pub fn most_days_lost(&self) -> u32 {
        self.days_lost
            .iter()
            .map(|(_, d)| u32::from(*d))
            .max()
            .unwrap_or(0)
    }

    /// The location type.
    pub fn location_type(&self) -> Option<LocationType> {
        self.report.as_ref().map(|r| r.location_type)
    }

    /// The jurisdiction (England and Wales until reported).
    pub fn jurisdiction(&self) -> Jurisdiction {
        self.report
            .as_ref()
            .map(|r| r.jurisdiction)
            .unwrap_or_default()
    }

    /// Every event as a [`Mark`], in recorded order.
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// The events of one type, earliest first.
    pub fn marks_of(&self, event: EventType) -> &[Mark] {
        let t = event as usize;
        let (start, end) = (self.starts.0[t] as usize, self.starts.0[t + 1] as usize);
        self.by_type.get(start..end).unwrap_or(&[])
    }

    /// The earliest time an event of this type happened.
    pub fn first(&self, event: EventType) -> Option<Timestamp> {
        self.marks_of(event).first().map(|m| m.at)
    }

    /// Whether an event of this type has been recorded.
    pub fn has(&self, event: EventType) -> bool {
        self.first(event).is_some()
    }

    /// The victim's chosen update frequency in days.
    pub fn update_every_days(&self) -> Option<u16> {
        self.update_every_days
    }

    /// Every update frequency the victim chose, `(when, every_days)`, earliest first.
    pub fn update_frequencies(&self) -> &[(Timestamp, u16)] {
        &self.update_frequencies
    }

    /// The update frequency in force at `t`: the latest chosen at or before it.
    pub fn update_every_days_at(&self, t: Timestamp) -> Option<u16> {
        let i = self.update_frequencies.partition_point(|(at, _)| *at <= t);
        i.checked_sub(1).map(|i| self.update_frequencies[i].1)
    }

    /// Waivers recorded.
    pub fn waivers(&self) -> &[Waiver] {
        &self.waivers
    }

    /// The obligation id of each escalation recorded, in recorded order.
    pub fn escalations(&self) -> &[String] {
        &self.escalations
    }

    /// What is known of the assault's context: equipment, crewing, the victim's training.
    pub fn context(&self) -> &super::AssaultContext {
        &self.context
    }

    /// The reasons given for not arresting, in recorded order (free text).
    pub fn no_arrest_reasons(&self) -> &[String] {
        &self.no_arrest_reasons
    }

    /// The last verdict given (`guilty`, `not_guilty`, `discontinued`), if any.
    pub fn verdict(&self) -> Option<&'static str> {
        let last = self.marks_of(EventType::VerdictGiven).last()?;
        let names = EventType::VerdictGiven.qualifiers();
        (0..names.len())
            .find(|i| last.qualifiers & (1 << i) != 0)
            .map(|i| names[i])
    }

    /// Whether the emergency-worker aggravation was applied at every sentence passed
    /// (`None` before any sentence).
    pub fn aggravation_applied(&self) -> Option<bool> {
        self.has(EventType::Sentenced)
            .then_some(!self.aggravation_not_applied)
    }

    /// The outcome, once finalised.
    pub fn outcome(&self) -> Option<OutcomeType> {
        self.outcome
    }

    /// When the case closed.
    pub fn closed_at(&self) -> Option<Timestamp> {
        self.closed_at
    }

    /// The person behind a role, where the case itself says who it is.
    pub fn person_for(&self, role: Role) -> Option<&PersonId> {
        match role {
            Role::Supervisor => self.report.as_ref().map(|r| &r.supervisor),
            Role::OfficerInCase => self.oic.as_ref(),
            Role::Victim => self.victims().first().map(|v| &v.person),
            _ => None,
        }
    }

    /// Whether a fact holds.
    pub fn fact(&self, fact: Fact) -> bool {
        let victims = self.victims();
        match fact {
            Fact::Injured => self.worst_injury() >= InjurySeverity::Minor,
            Fact::Hospitalised => victims.iter().any(|v| v.hospitalised),
            Fact::SpecifiedInjury => victims.iter().any(|v| v.specified_injury),
            Fact::HateCrime => self
                .report
                .as_ref()
                .is_some_and(|r| !r.hate_crime.is_empty()),
            Fact::EnhancedRights => {
                self.fact(Fact::HateCrime) || victims.iter().any(|v| v.enhanced_rights)
            }
            Fact::SuspectIdentified => self.suspect_identified,
            Fact::Arrested => self.has(EventType::ArrestMade),
            Fact::Charged => self.has(EventType::Charged),
            Fact::ForceUsed => self.report.as_ref().is_some_and(|r| r.force_used),
            Fact::VpsAccepted => self.vps_accepted,
            Fact::TrimReferred => self.trim_referred,
            Fact::Debriefed => self.has(EventType::DebriefHeld),
            Fact::Closed => self.closed_at.is_some(),
            Fact::RepeatVictim => victims
                .iter()
                .any(|v| v.previous_assaults.is_some_and(|n| n > 0)),
            Fact::AggravationNotApplied => self.aggravation_not_applied,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Events of a few types, at a handful of times (so some share a time) in any order.
    fn event(ty: u8, hour: u8, k: u8) -> Event {
        let kind = match ty % 6 {
            0 => EventKind::VictimUpdated {
                how: "phone".into(),
                note: format!("update {k}"),
            },
            1 => EventKind::KeyDecisionMade {
                decision: KeyDecision::Bail,
                detail: format!("decision {k}"),
            },
            2 => EventKind::TrimAssessmentHeld {
                stage: if k.is_multiple_of(2) {
                    TrimStage::Initial
                } else {
                    TrimStage::OneMonth
                },
            },
            3 => EventKind::DebriefHeld {
                kind: if k.is_multiple_of(2) {
                    DebriefKind::Incident
                } else {
                    DebriefKind::UseOfForce
                },
            },
            4 => EventKind::LeafletGiven { victim: None },
            _ => EventKind::SurveySent {},
        };
        Event {
            at: Timestamp::from_second(1_767_225_600 + i64::from(hour) * 3600).unwrap(),
            by: PersonId::parse("pc-1").unwrap(),
            kind,
        }
    }

    proptest! {
        /// Folding a whole stream at once (indexed at the end) gives the same state as
        /// applying its events one at a time (indexed as they come), and the index is the
        /// marks sorted by (type, time) with ties in recorded order.
        #[test]
        fn from_events_agrees_with_apply(
            spec in proptest::collection::vec((0u8..6, 0u8..8, any::<u8>()), 0..40)
        ) {
            let events: Vec<Event> =
                spec.iter().map(|&(ty, hour, k)| event(ty, hour, k)).collect();
            let whole = CaseState::from_events(&events);
            let mut one_by_one = CaseState::default();
            for e in &events {
                one_by_one.apply(e);
            }
            prop_assert_eq!(&whole, &one_by_one);
            let mut sorted = whole.marks().to_vec();
            sorted.sort_by_key(|m| (m.event, m.at));
            for &ty in EventType::ALL {
                let expected: Vec<Mark> =
                    sorted.iter().filter(|m| m.event == ty).copied().collect();
                prop_assert_eq!(whole.marks_of(ty), expected.as_slice());
                prop_assert_eq!(
                    whole.first(ty),
                    whole.marks().iter().filter(|m| m.event == ty).map(|m| m.at).min()
                );
            }
        }
    }
}
