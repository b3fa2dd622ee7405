//! Builders for scenario tests: a case opened under a built-in plan, events recorded through
//! `Case::record` (so the plan's rules apply), and evaluation at a chosen moment.

use jiff::{SignedDuration, Timestamp};
use pledge_domain::calendar::{Calendar, Jurisdiction};
use pledge_domain::evaluate::{EvaluationView, ObligationView, PointVerdict};
use pledge_domain::event::values::*;
use pledge_domain::plan::Role;
use pledge_domain::{
    Case, Clocks, Event, EventKind, Meetings, Plan, PlanLibrary, Refusal, RuleViolation, State,
    evaluate,
};
use std::sync::OnceLock;

/// The built-in plans, loaded once.
pub fn library() -> &'static PlanLibrary {
    static LIB: OnceLock<PlanLibrary> = OnceLock::new();
    LIB.get_or_init(|| PlanLibrary::builtin().expect("the built-in plans load"))
}

/// A built-in plan by id (newest version).
pub fn plan(id: &str) -> &'static Plan {
    library()
        .latest(id)
        .unwrap_or_else(|| panic!("no built-in plan {id}"))
}

/// The UK calendars, built once.
pub fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(Calendar::uk)
}

/// An RFC 3339 instant, e.g. `2026-11-02T09:00:00Z`.
pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// A London wall-clock time, e.g. `2026-10-23T15:00` (BST or GMT as the date has it).
pub fn london(s: &str) -> Timestamp {
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
    s.parse::<jiff::civil::DateTime>()
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .to_zoned(tz)
        .unwrap()
        .timestamp()
}

/// Local midnight (London) at the start of a date: the instant a working-day deadline that
/// ends on the previous day falls due.
pub fn midnight(date: &str) -> Timestamp {
    london(&format!("{date}T00:00"))
}

/// `h` hours after `t`.
pub fn plus_hours(t: Timestamp, h: i64) -> Timestamp {
    t + SignedDuration::from_hours(h)
}

/// `m` minutes after `t`.
pub fn plus_mins(t: Timestamp, m: i64) -> Timestamp {
    t + SignedDuration::from_mins(m)
}

/// A person id.
pub fn person(s: &str) -> PersonId {
    PersonId::parse(s).unwrap()
}

/// The victim in every scenario unless a test adds more.
pub const VICTIM: &str = "PC-4410";
/// The victim's supervisor, named in the report.
pub const SUPERVISOR: &str = "PS-2231";
/// An investigator who is not a victim.
pub const DETECTIVE: &str = "DC-3020";
/// A second assaulted colleague.
pub const SECOND_VICTIM: &str = "PC-5120";

/// The facts of an `assault_reported` event, with the defaults of a plain case: one officer
/// with a minor injury, not hospitalised, no hate crime, no suspect identified, a street in
/// England and Wales, assaulted 20 minutes before the report.
#[derive(Debug, Clone)]
pub struct Report {
    victims: Vec<Victim>,
    hate_crime: Vec<HateStrand>,
    suspects: Vec<Suspect>,
    jurisdiction: Jurisdiction,
    location_type: LocationType,
    force_used: bool,
    circumstances: Circumstances,
}

impl Default for Report {
    fn default() -> Self {
        Self {
            victims: vec![victim(VICTIM)],
            hate_crime: Vec::new(),
            suspects: Vec::new(),
            jurisdiction: Jurisdiction::EnglandAndWales,
            location_type: LocationType::Street,
            force_used: false,
            circumstances: Circumstances::default(),
        }
    }
}

fn victim(id: &str) -> Victim {
    Victim {
        person: person(id),
        workforce_role: WorkforceRole::Officer,
        on_duty: true,
        years_of_service: Some(4),
        injury: InjurySeverity::Minor,
        hospitalised: false,
        specified_injury: false,
        body_parts: vec!["arm".into()],
        mechanisms: vec![Mechanism::Punch],
        enhanced_rights: false,
        previous_assaults: None,
    }
}

impl Report {
    /// The first victim's injury.
    pub fn injury(mut self, injury: InjurySeverity) -> Self {
        self.victims[0].injury = injury;
        self
    }
    /// The first victim went to hospital.
    pub fn hospitalised(mut self) -> Self {
        self.victims[0].hospitalised = true;
        self
    }
    /// The first victim has a RIDDOR specified injury.
    pub fn specified_injury(mut self) -> Self {
        self.victims[0].specified_injury = true;
        self
    }
    /// The first victim has enhanced rights for a reason other than hate crime.
    pub fn enhanced_rights(mut self) -> Self {
        self.victims[0].enhanced_rights = true;
        self
    }
    /// A hate crime strand.
    pub fn hate_crime(mut self, strand: HateStrand) -> Self {
        self.hate_crime.push(strand);
        self
    }
    /// A suspect identified at the time of the report.
    pub fn suspect_identified(mut self) -> Self {
        self.suspects.push(Suspect {
            description: "male, 30s".into(),
            identified: true,
        });
        self
    }
    /// Where working days are counted.
    pub fn jurisdiction(mut self, j: Jurisdiction) -> Self {
        self.jurisdiction = j;
        self
    }
    /// A second assaulted colleague.
    pub fn second_victim(mut self) -> Self {
        self.victims.push(victim(SECOND_VICTIM));
        self
    }
    /// A second assaulted colleague in a workforce role.
    pub fn second_victim_as(mut self, role: WorkforceRole) -> Self {
        let mut v = victim(SECOND_VICTIM);
        v.workforce_role = role;
        self.victims.push(v);
        self
    }
    /// The first victim had been assaulted this many times before.
    pub fn previous_assaults(mut self, n: u16) -> Self {
        self.victims[0].previous_assaults = Some(n);
        self
    }
    /// The report's circumstances (equipment, crewing, training); `force_used` is kept.
    pub fn circumstances(mut self, c: Circumstances) -> Self {
        self.circumstances = c;
        self
    }

    /// Officers used force.
    pub fn force_used(mut self) -> Self {
        self.force_used = true;
        self
    }
    /// The first victim's workforce role.
    pub fn role(mut self, role: WorkforceRole) -> Self {
        self.victims[0].workforce_role = role;
        self
    }
    /// Where it happened.
    pub fn location(mut self, l: LocationType) -> Self {
        self.location_type = l;
        self
    }

    fn event(self, plan: &Plan, reported_at: Timestamp) -> EventKind {
        EventKind::AssaultReported {
            plan: PlanRef {
                id: plan.id.clone(),
                version: plan.version,
            },
            force: "Test Constabulary".into(),
            unit: "Central".into(),
            jurisdiction: self.jurisdiction,
            occurred_at: plus_mins(reported_at, -20),
            place: "High Street".into(),
            location_type: self.location_type,
            how_reported: "radio".into(),
            supervisor: person(SUPERVISOR),
            victims: self.victims,
            offence: Offence::CommonAssaultEmergencyWorker,
            hate_crime: self.hate_crime,
            suspects: self.suspects,
            circumstances: Circumstances {
                force_used: self.force_used,
                ..self.circumstances
            },
            summary: "scenario".into(),
        }
    }
}

/// A case under a built-in plan, with the meeting calendar its clocks read.
pub struct Scenario {
    pub plan: &'static Plan,
    pub case: Case<'static>,
    pub reported_at: Timestamp,
    pub meetings: Meetings,
}

impl Scenario {
    /// Opens a case under `plan_id`, reported at `reported_at`.
    pub fn open(plan_id: &str, reported_at: Timestamp, report: Report) -> Self {
        let plan = plan(plan_id);
        let mut case = Case::new(plan);
        case.record(Event {
            at: reported_at,
            by: person(SUPERVISOR),
            kind: report.event(plan, reported_at),
        })
        .unwrap_or_else(|r| panic!("the report is refused: {r}"));
        Self {
            plan,
            case,
            reported_at,
            meetings: Meetings::default(),
        }
    }

    /// `h` hours after the report.
    pub fn after(&self, h: i64) -> Timestamp {
        plus_hours(self.reported_at, h)
    }

    /// Records an event by `by`, or says why it was refused.
    pub fn try_record_by(
        &mut self,
        at: Timestamp,
        by: &str,
        kind: EventKind,
    ) -> Result<(), Refusal> {
        self.case.record(Event {
            at,
            by: person(by),
            kind,
        })
    }

    /// Records an event (by the detective); the test fails if it is refused.
    pub fn record(&mut self, at: Timestamp, kind: EventKind) -> &mut Self {
        self.record_by(at, DETECTIVE, kind)
    }

    /// Records an event by `by`; the test fails if it is refused.
    pub fn record_by(&mut self, at: Timestamp, by: &str, kind: EventKind) -> &mut Self {
        let what = format!("{kind:?}");
        if let Err(r) = self.try_record_by(at, by, kind) {
            panic!("{what} refused: {r}");
        }
        self
    }

    /// Records an event that a rule of the plan must refuse, and returns the violation.
    pub fn refused(&mut self, at: Timestamp, by: &str, kind: EventKind) -> RuleViolation {
        let before = self.case.events().len();
        match self.try_record_by(at, by, kind) {
            Err(Refusal::Rule(v)) => {
                assert_eq!(
                    self.case.events().len(),
                    before,
                    "a refused event is not recorded"
                );
                *v
            }
            Err(other) => panic!("refused, but not by a rule of the plan: {other}"),
            Ok(()) => panic!("accepted, but a rule of the plan must refuse it"),
        }
    }

    /// Records an event that does not fit the case; returns the field named.
    pub fn invalid(&mut self, at: Timestamp, by: &str, kind: EventKind) -> (String, String) {
        match self.try_record_by(at, by, kind) {
            Err(Refusal::Invalid { field, message }) => (field, message),
            Err(other) => panic!("expected an invalid event, got {other}"),
            Ok(()) => panic!("accepted, but the event does not fit the case"),
        }
    }

    /// Adds a meeting of a calendar (`trm`).
    pub fn meeting(&mut self, id: &str, at: Timestamp) -> &mut Self {
        self.meetings.add(id, [at]);
        self
    }

    /// The evaluation at `now`, as the documented view.
    pub fn view(&self, now: Timestamp) -> EvaluationView {
        let clocks = Clocks {
            calendar: calendar(),
            meetings: &self.meetings,
        };
        let e = evaluate(self.plan, self.case.state(), now, &clocks);
        EvaluationView::new(self.plan, self.case.state(), now, &e)
    }

    /// Every instance of an obligation at `now`.
    pub fn all(&self, now: Timestamp, id: &str) -> Vec<ObligationView> {
        assert!(
            self.plan.obligation(id).is_some(),
            "{} has no obligation {id}",
            self.plan.reference()
        );
        self.view(now)
            .points
            .into_iter()
            .flat_map(|p| p.obligations)
            .filter(|o| o.id == id)
            .collect()
    }

    /// The one instance of an obligation at `now`.
    pub fn ob(&self, now: Timestamp, id: &str) -> ObligationView {
        let mut all = self.all(now, id);
        assert_eq!(
            all.len(),
            1,
            "{id}: expected one instance, got {}",
            all.len()
        );
        all.remove(0)
    }

    /// Asserts an obligation's state and due time at `now`; returns it for more checks.
    pub fn expect(
        &self,
        now: Timestamp,
        id: &str,
        state: State,
        due: Option<Timestamp>,
    ) -> ObligationView {
        let o = self.ob(now, id);
        assert_eq!(
            (o.state, o.due_at),
            (state, due),
            "{id} at {now}: state and due time"
        );
        o
    }

    /// The verdict on a point at `now`.
    pub fn verdict(&self, now: Timestamp, number: &str) -> PointVerdict {
        self.view(now)
            .points
            .into_iter()
            .find(|p| p.number == number)
            .unwrap_or_else(|| panic!("no point {number}"))
            .verdict
    }

    /// The point an obligation belongs to, as published ("c", "7").
    pub fn point_of(&self, id: &str) -> &str {
        let o = self.plan.obligation(id).unwrap();
        &self.plan.points[o.point].number
    }
}

/// Asserts an obligation's owner role and, where the case names them, the person.
pub fn assert_owner(o: &ObligationView, role: Role, who: Option<&str>) {
    assert_eq!(o.owner, role, "{}: owner", o.id);
    assert_eq!(o.owner_person.as_deref(), who, "{}: owner person", o.id);
}

/// Asserts a violation names the rule and the plan point, and quotes the plan.
pub fn assert_violation(v: &RuleViolation, plan: &str, rule: &str, point: &str) {
    assert_eq!(
        (v.plan.as_str(), v.rule.as_str(), v.point.as_str()),
        (plan, rule, point),
        "{v}"
    );
    let text = v.to_string();
    assert!(
        text.contains(&format!("point {point} of {plan}")) && text.contains(&v.says),
        "the message names the point and quotes the plan: {text}"
    );
}

/// Events, tersely.
pub mod ev {
    use super::*;

    pub fn crime_recorded() -> EventKind {
        EventKind::CrimeRecorded {
            crime_reference: "44260412345".into(),
            safety_reference: Some("H&S-1".into()),
            classification: None,
        }
    }
    pub fn oic(officer: &str) -> EventKind {
        EventKind::OicAssigned {
            officer: person(officer),
        }
    }
    pub fn victim_statement(giver: &str, taken_by: &str) -> EventKind {
        EventKind::StatementTaken {
            of: StatementOf::Victim,
            giver: person(giver),
            taken_by: person(taken_by),
            tier: None,
            tier_reason: None,
        }
    }
    pub fn own_statement(tier: Option<&str>, reason: Option<&str>) -> EventKind {
        EventKind::StatementTaken {
            of: StatementOf::Victim,
            giver: person(VICTIM),
            taken_by: person(VICTIM),
            tier: tier.map(str::to_owned),
            tier_reason: reason.map(str::to_owned),
        }
    }
    pub fn witness_statement(giver: &str, taken_by: &str) -> EventKind {
        EventKind::StatementTaken {
            of: StatementOf::Witness,
            giver: person(giver),
            taken_by: person(taken_by),
            tier: None,
            tier_reason: None,
        }
    }
    pub fn leadership(level: LeadershipLevel) -> EventKind {
        EventKind::SeniorLeadershipInformed {
            level,
            who: "on call".into(),
        }
    }
    pub fn fim(told: bool) -> EventKind {
        EventKind::FimNotified {
            on_call_chief_officer_told: told,
        }
    }
    pub fn safety_report(system: SafetySystem) -> EventKind {
        EventKind::SafetyReportCompleted {
            system,
            reference: "SR-1".into(),
            causal_factors: vec![CausalFactor::Drunk],
            victim_contributed: true,
        }
    }
    pub fn days_lost(days: u16) -> EventKind {
        EventKind::DaysLostRecorded {
            victim: person(VICTIM),
            days,
        }
    }
    pub fn riddor() -> EventKind {
        EventKind::RiddorReported {
            reference: "RIDDOR-1".into(),
        }
    }
    pub fn suspect_identified() -> EventKind {
        EventKind::SuspectIdentified {
            description: "named by a witness".into(),
        }
    }
    pub fn arrest() -> EventKind {
        EventKind::ArrestMade {
            suspect: "male, 30s".into(),
        }
    }
    pub fn no_arrest(reason: &str) -> EventKind {
        EventKind::NoArrestRecorded {
            reason: reason.into(),
        }
    }
    pub fn key_decision(decision: KeyDecision) -> EventKind {
        EventKind::KeyDecisionMade {
            decision,
            detail: String::new(),
        }
    }
    pub fn victim_updated() -> EventKind {
        EventKind::VictimUpdated {
            how: "phone".into(),
            note: "progress".into(),
        }
    }
    pub fn frequency(every_days: u16) -> EventKind {
        EventKind::UpdateFrequencyChosen { every_days }
    }
    pub fn victim_view() -> EventKind {
        EventKind::VictimViewRecorded {
            view: "wants a charge".into(),
        }
    }
    pub fn investigation_plan() -> EventKind {
        EventKind::InvestigationPlanCompleted {
            evidence: vec!["body_worn_video".into(), "cctv".into()],
        }
    }
    pub fn vps(accepted: bool) -> EventKind {
        EventKind::VpsOffered { accepted }
    }
    pub fn impact(kind: ImpactStatement) -> EventKind {
        EventKind::ImpactStatementAdded { kind }
    }
    pub fn file_submitted() -> EventKind {
        EventKind::FileSubmitted { to: "CPS".into() }
    }
    pub fn outcome(n: u8) -> EventKind {
        EventKind::OutcomeFinalised {
            outcome_type: OutcomeType::new(n).unwrap(),
        }
    }
    pub fn charged() -> EventKind {
        EventKind::Charged {
            offences: vec![Offence::CommonAssaultEmergencyWorker],
        }
    }
    pub fn verdict(v: Verdict) -> EventKind {
        EventKind::VerdictGiven { verdict: v }
    }
    pub fn sentenced() -> EventKind {
        EventKind::Sentenced {
            sentence: "12 weeks".into(),
            emergency_worker_aggravation: true,
        }
    }
    pub fn welfare() -> EventKind {
        EventKind::WelfareMeetingHeld {
            note: String::new(),
            victim: None,
            held_by: None,
        }
    }
    pub fn trim_considered(referred: bool) -> EventKind {
        EventKind::TrimReferralConsidered {
            referred,
            reason: if referred {
                String::new()
            } else {
                "declined".into()
            },
        }
    }
    pub fn trim_assessment(stage: TrimStage) -> EventKind {
        EventKind::TrimAssessmentHeld { stage }
    }
    pub fn support_referral() -> EventKind {
        EventKind::SupportReferralMade {
            service: "Police Care UK".into(),
        }
    }
    pub fn staff_association(body: StaffAssociation, consent: bool) -> EventKind {
        EventKind::StaffAssociationNotified {
            body,
            consent,
            victim: None,
        }
    }
    pub fn raised_at_trm(on: &str) -> EventKind {
        EventKind::RaisedAtTrm {
            meeting: on.parse().unwrap(),
        }
    }
    pub fn debrief(kind: DebriefKind) -> EventKind {
        EventKind::DebriefHeld { kind }
    }
    pub fn lesson() -> EventKind {
        EventKind::LessonCaptured {
            reference: "LXC-1".into(),
            summary: "double crew late-night economy patrols".into(),
        }
    }
    pub fn waive(obligation: &str, reason: &str) -> EventKind {
        EventKind::ObligationWaived {
            obligation: obligation.into(),
            reason: reason.into(),
        }
    }
    pub fn closed() -> EventKind {
        EventKind::CaseClosed {
            reason: "finalised".into(),
        }
    }
}
