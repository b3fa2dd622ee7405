//! What happened in a case: one variant per step of the plans.

use super::values::*;
use crate::calendar::Jurisdiction;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What an event records. The JSON tag `type` names it (see `docs/events.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
// The report is large and comes once per case; boxing it would complicate the JSON mapping
// for no measurable gain (evaluation reads the folded state, not the events).
#[allow(clippy::large_enum_variant)]
pub enum EventKind {
    /// The assault is reported: the case opens, held to the named plan version.
    AssaultReported {
        /// Plan and version in force when the case opened.
        plan: PlanRef,
        /// The force.
        force: String,
        /// Division or unit.
        unit: String,
        /// Where deadlines count their working days.
        #[serde(default)]
        jurisdiction: Jurisdiction,
        /// When the assault happened.
        occurred_at: Timestamp,
        /// Where, in words.
        #[serde(default)]
        place: String,
        /// Kind of location.
        location_type: LocationType,
        /// How it was reported (radio, in person, online, ...).
        #[serde(default)]
        how_reported: String,
        /// The victim's supervisor (line manager or initial supervisor).
        supervisor: PersonId,
        /// Assaulted colleagues (at least one).
        victims: Vec<Victim>,
        /// Offence.
        offence: Offence,
        /// Hate crime strands; empty when not a hate crime.
        #[serde(default)]
        hate_crime: Vec<HateStrand>,
        /// Suspects.
        #[serde(default)]
        suspects: Vec<Suspect>,
        /// Circumstances.
        #[serde(default)]
        circumstances: Circumstances,
        /// What happened, in words.
        #[serde(default)]
        summary: String,
    },
    /// The crime is recorded and cross-referenced with the health-and-safety report.
    CrimeRecorded {
        /// Crime reference.
        crime_reference: String,
        /// Health-and-safety reference, if already known.
        #[serde(default)]
        safety_reference: Option<String>,
        /// The crime classification as the records management system holds it (e.g. the Home
        /// Office offence code), where it gives one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        classification: Option<String>,
    },
    /// An officer in the case is assigned.
    OicAssigned {
        /// The investigating officer.
        officer: PersonId,
    },
    /// A statement is taken.
    StatementTaken {
        /// Whose statement.
        of: StatementOf,
        /// The person giving it.
        giver: PersonId,
        /// The person who took (wrote) it; the giver for a self-written statement.
        taken_by: PersonId,
        /// The statement tier chosen (plans with a tier system, e.g. WMP).
        #[serde(default)]
        tier: Option<String>,
        /// Why that tier.
        #[serde(default)]
        tier_reason: Option<String>,
    },
    /// Senior leadership informed at a level.
    SeniorLeadershipInformed {
        /// The level informed.
        level: LeadershipLevel,
        /// Who was told, in words.
        #[serde(default)]
        who: String,
    },
    /// The Force Incident Manager notified (to reach the on-call chief officer).
    FimNotified {
        /// The FIM passed it to the on-call chief officer.
        #[serde(default)]
        on_call_chief_officer_told: bool,
    },
    /// The health-and-safety report completed.
    SafetyReportCompleted {
        /// Which system.
        system: SafetySystem,
        /// Its reference.
        reference: String,
        /// Causal factors captured.
        #[serde(default)]
        causal_factors: Vec<CausalFactor>,
        /// The victim contributed to the report (every victim, when there are several; a
        /// victim's own part can also be recorded with `safety_report_contributed`).
        #[serde(default)]
        victim_contributed: bool,
    },
    /// An assaulted colleague's own part of a joint safety report (Op Hampshire (f): "the
    /// assaulted officer and the supervisor must complete an injury on duty report"):
    /// contributed, or declined.
    SafetyReportContributed {
        /// Which system's report.
        system: SafetySystem,
        /// Which victim; when absent, every victim of the case.
        #[serde(default)]
        victim: Option<PersonId>,
        /// The victim declined to contribute (their part is then done, and the refusal kept).
        #[serde(default)]
        declined: bool,
        /// Anything they added, in words.
        #[serde(default)]
        note: String,
    },
    /// Absence recorded for a victim (for RIDDOR's over-seven-day rule).
    DaysLostRecorded {
        /// Whose absence.
        victim: PersonId,
        /// Days lost so far.
        days: u16,
    },
    /// Reported to the HSE under RIDDOR.
    RiddorReported {
        /// HSE reference.
        reference: String,
    },
    /// A suspect identified after the report.
    SuspectIdentified {
        /// Description.
        #[serde(default)]
        description: String,
    },
    /// A suspect arrested.
    ArrestMade {
        /// Which suspect, in words.
        #[serde(default)]
        suspect: String,
    },
    /// The reason no arrest was made (OSSR 23(ii): arrest is preferred where legal).
    NoArrestRecorded {
        /// Why not.
        reason: String,
    },
    /// A key decision in the investigation.
    KeyDecisionMade {
        /// Which decision.
        decision: KeyDecision,
        /// Detail.
        #[serde(default)]
        detail: String,
    },
    /// The victim updated.
    VictimUpdated {
        /// How (phone, in person, email ...).
        #[serde(default)]
        how: String,
        /// What they were told.
        #[serde(default)]
        note: String,
    },
    /// The victim chose how often to be updated.
    UpdateFrequencyChosen {
        /// Every how many days.
        every_days: u16,
    },
    /// The victim's view on the outcome recorded.
    VictimViewRecorded {
        /// The view, in the victim's words.
        view: String,
    },
    /// The Officer Assault Investigation Plan's evidence gathered.
    InvestigationPlanCompleted {
        /// Evidence gathered: body-worn video, CCTV, witnesses, photographs, medical, forensic.
        #[serde(default)]
        evidence: Vec<String>,
    },
    /// Victim Personal Statement offered.
    VpsOffered {
        /// The victim wants to make one.
        accepted: bool,
    },
    /// The victim asks to make a Victim Personal Statement (their own request, at any time;
    /// the officer in the case then offers and takes it).
    VpsRequested {
        /// Anything the victim wants the officer to know.
        #[serde(default)]
        note: String,
    },
    /// An impact statement added to the file.
    ImpactStatementAdded {
        /// Which.
        kind: ImpactStatement,
    },
    /// The file submitted for a charging decision.
    FileSubmitted {
        /// To whom (CPS, police decision maker).
        #[serde(default)]
        to: String,
    },
    /// The outcome finalised.
    OutcomeFinalised {
        /// Home Office outcome type.
        outcome_type: OutcomeType,
    },
    /// Charged.
    Charged {
        /// Offences charged.
        #[serde(default)]
        offences: Vec<Offence>,
    },
    /// A court hearing.
    CourtHearing {
        /// When.
        on: jiff::civil::Date,
        /// Court.
        #[serde(default)]
        court: String,
    },
    /// Verdict.
    VerdictGiven {
        /// The verdict.
        verdict: Verdict,
    },
    /// Sentence passed.
    Sentenced {
        /// The sentence, in words.
        sentence: String,
        /// The emergency-worker aggravation was applied (AEWA 2018 s2).
        emergency_worker_aggravation: bool,
    },
    /// The supervisor met the victim for welfare.
    WelfareMeetingHeld {
        /// Notes (kept to the supervisor and the victim).
        #[serde(default)]
        note: String,
        /// Which victim was seen; when absent, every victim of the case.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        victim: Option<PersonId>,
        /// Who met them, when not the person recording it (`by`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        held_by: Option<PersonId>,
    },
    /// A TRiM referral considered.
    TrimReferralConsidered {
        /// A referral was made.
        referred: bool,
        /// Why not, when not.
        #[serde(default)]
        reason: String,
    },
    /// A TRiM assessment held (detail confidential to welfare).
    TrimAssessmentHeld {
        /// Which.
        stage: TrimStage,
    },
    /// Referral to support services made.
    SupportReferralMade {
        /// Which service.
        service: String,
    },
    /// The victim opted out of support.
    SupportOptedOut,
    /// The Federation or union notified (with consent), or consent declined.
    StaffAssociationNotified {
        /// Which body.
        body: StaffAssociation,
        /// The victim consented; when false, nobody was told and that is recorded.
        consent: bool,
        /// On behalf of which victim; when absent, every victim of the case that the body
        /// represents (or, when consent is false, every victim).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        victim: Option<PersonId>,
    },
    /// The leaflet given. (A struct variant, so that `deny_unknown_fields` refuses stray
    /// fields as for every other event.)
    LeafletGiven {
        /// To which victim; when absent, every victim of the case.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        victim: Option<PersonId>,
    },
    /// Raised at the tasking meeting (TRM), identity kept confidential.
    RaisedAtTrm {
        /// The meeting date.
        meeting: jiff::civil::Date,
    },
    /// Debrief held.
    DebriefHeld {
        /// Which kind.
        kind: DebriefKind,
    },
    /// A repeat victim's safety reviewed with them (Essex: "to try to enhance the learning
    /// for officers to potentially stop them becoming repeat victims").
    RepeatVictimReviewed {
        /// Which victim; when absent, every victim of the case.
        #[serde(default)]
        victim: Option<PersonId>,
        /// What was agreed (training, crewing, equipment, tactics), in words.
        actions: String,
    },
    /// A sentence checked by criminal justice liaison against the emergency-worker
    /// aggravation, and what was done (Essex: "sentences properly reflect the offences").
    SentenceReviewed {
        /// The sentence reflected the offence, the aggravation included.
        reflected_aggravation: bool,
        /// What was done: referred to the CPS under the unduly lenient sentence scheme,
        /// fed back to the court liaison, nothing needed.
        action: String,
    },
    /// The context of the assault the OSSR (seed 004) asks forces to analyse, answered after
    /// the report (or corrected): equipment carried and used, body-worn video recording,
    /// single crewing, the victim's last personal safety training. Every answer is optional;
    /// an answer given here replaces the report's (or an earlier one), and a question left
    /// out (an empty list, an absent field) keeps what was known. Never required by a plan.
    CircumstancesRecorded {
        /// Equipment carried; empty: not answered here.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        equipment_carried: Vec<Equipment>,
        /// Equipment used; empty: not answered here.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        equipment_used: Vec<Equipment>,
        /// Body-worn video was on and recording.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body_worn_video_recording: Option<Answer>,
        /// The victim was single-crewed at the time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        single_crewed: Option<Answer>,
        /// Date of the victim's last personal safety training.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_safety_training: Option<jiff::civil::Date>,
    },
    /// Lesson captured to the Lessons Exploitation Centre.
    LessonCaptured {
        /// LXC reference.
        #[serde(default)]
        reference: String,
        /// The lesson.
        summary: String,
    },
    /// Feedback survey sent.
    SurveySent {},
    /// An obligation waived, with a reason.
    ObligationWaived {
        /// The obligation id in the plan.
        obligation: String,
        /// Why.
        reason: String,
    },
    /// An overdue obligation escalated.
    ObligationEscalated {
        /// The obligation id.
        obligation: String,
        /// To whom (a role).
        to: String,
    },
    /// The case closed.
    CaseClosed {
        /// Why.
        #[serde(default)]
        reason: String,
    },
}

macro_rules! event_types {
    ($($variant:ident = $text:literal),+ $(,)?) => {
        /// The kind of an event without its data: what plan files name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum EventType { $(
            #[doc = concat!("`", $text, "`")]
            $variant
        ),+ }

        impl EventType {
            /// Every event type.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];
            /// How many event types there are.
            pub const COUNT: usize = EventType::ALL.len();

            /// The JSON `type` tag.
            pub const fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => $text),+ }
            }

            /// Parses a `type` tag.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some(EventType::$variant),)+ _ => None }
            }
        }

        impl EventKind {
            /// This event's type.
            pub fn event_type(&self) -> EventType {
                match self { $(EventKind::$variant { .. } => EventType::$variant),+ }
            }
        }
    };
}

event_types! {
    AssaultReported = "assault_reported",
    CrimeRecorded = "crime_recorded",
    OicAssigned = "oic_assigned",
    StatementTaken = "statement_taken",
    SeniorLeadershipInformed = "senior_leadership_informed",
    FimNotified = "fim_notified",
    SafetyReportCompleted = "safety_report_completed",
    SafetyReportContributed = "safety_report_contributed",
    DaysLostRecorded = "days_lost_recorded",
    RiddorReported = "riddor_reported",
    SuspectIdentified = "suspect_identified",
    ArrestMade = "arrest_made",
    NoArrestRecorded = "no_arrest_recorded",
    KeyDecisionMade = "key_decision_made",
    VictimUpdated = "victim_updated",
    UpdateFrequencyChosen = "update_frequency_chosen",
    VictimViewRecorded = "victim_view_recorded",
    InvestigationPlanCompleted = "investigation_plan_completed",
    VpsOffered = "vps_offered",
    VpsRequested = "vps_requested",
    ImpactStatementAdded = "impact_statement_added",
    FileSubmitted = "file_submitted",
    OutcomeFinalised = "outcome_finalised",
    Charged = "charged",
    CourtHearing = "court_hearing",
    VerdictGiven = "verdict_given",
    Sentenced = "sentenced",
    WelfareMeetingHeld = "welfare_meeting_held",
    TrimReferralConsidered = "trim_referral_considered",
    TrimAssessmentHeld = "trim_assessment_held",
    SupportReferralMade = "support_referral_made",
    SupportOptedOut = "support_opted_out",
    StaffAssociationNotified = "staff_association_notified",
    LeafletGiven = "leaflet_given",
    RaisedAtTrm = "raised_at_trm",
    DebriefHeld = "debrief_held",
    LessonCaptured = "lesson_captured",
    RepeatVictimReviewed = "repeat_victim_reviewed",
    CircumstancesRecorded = "circumstances_recorded",
    SentenceReviewed = "sentence_reviewed",
    SurveySent = "survey_sent",
    ObligationWaived = "obligation_waived",
    ObligationEscalated = "obligation_escalated",
    CaseClosed = "case_closed",
}

impl EventType {
    /// The qualifiers a plan may require of this event type in `completed_by`
    /// (`senior_leadership_informed:senior_duty_officer`), if it has any.
    pub fn qualifiers(self) -> &'static [&'static str] {
        const LEVELS: &[&str] = &[
            "local_command_team",
            "senior_duty_officer",
            "chief_officer_group",
            "on_call_chief_officer",
        ];
        const SYSTEMS: &[&str] = &[
            "accident_management_system",
            "e_safety",
            "injury_on_duty",
            "other",
        ];
        match self {
            EventType::SeniorLeadershipInformed => LEVELS,
            EventType::StatementTaken => &["victim", "witness"],
            EventType::TrimAssessmentHeld => &["initial", "one_month"],
            EventType::DebriefHeld => &["incident", "use_of_force"],
            EventType::ImpactStatementAdded => &["victim", "community", "chief_constable"],
            EventType::TrimReferralConsidered => &["referred", "not_referred"],
            EventType::StaffAssociationNotified => &["consented", "declined"],
            EventType::FimNotified => &["on_call_chief_officer_told"],
            EventType::SafetyReportCompleted | EventType::SafetyReportContributed => SYSTEMS,
            EventType::VerdictGiven => &["guilty", "not_guilty", "discontinued"],
            EventType::WelfareMeetingHeld => &["supervisor"],
            _ => &[],
        }
    }
}

impl EventKind {
    /// The qualifiers this event satisfies on its own (see [`EventType::qualifiers`]).
    /// A leadership level is met by telling exactly that level: the local command team is
    /// told so it can give local welfare support (Op Hampshire (e), WMP 7), which telling
    /// the Chief Officer Group does not do. Qualifiers that depend on the case (a welfare
    /// meeting held by the victim's supervisor) are worked out when the case folds the event.
    pub fn satisfies(&self, qualifier: &str) -> bool {
        match self {
            EventKind::SeniorLeadershipInformed { level, .. } => level.as_str() == qualifier,
            EventKind::SafetyReportCompleted { system, .. }
            | EventKind::SafetyReportContributed { system, .. } => system.as_str() == qualifier,
            EventKind::VerdictGiven { verdict } => verdict.as_str() == qualifier,
            EventKind::StatementTaken { of, .. } => of.as_str() == qualifier,
            EventKind::TrimAssessmentHeld { stage } => stage.as_str() == qualifier,
            EventKind::DebriefHeld { kind } => kind.as_str() == qualifier,
            EventKind::ImpactStatementAdded { kind } => kind.as_str() == qualifier,
            EventKind::TrimReferralConsidered { referred, .. } => {
                qualifier
                    == if *referred {
                        "referred"
                    } else {
                        "not_referred"
                    }
            }
            EventKind::StaffAssociationNotified { consent, .. } => {
                qualifier == if *consent { "consented" } else { "declined" }
            }
            EventKind::FimNotified {
                on_call_chief_officer_told,
            } => *on_call_chief_officer_told && qualifier == "on_call_chief_officer_told",
            _ => false,
        }
    }
}
