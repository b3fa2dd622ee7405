//! What the tasking meeting sees of a case. WMP 8: "The assault or hate crime is to be raised
//! at the next available TRM and discussed outside of this meeting to maintain
//! confidentiality of the victim": the meeting learns what happened and where, never who.

use super::state::CaseState;
use crate::calendar::Calendar;
use crate::event::EventType;
use crate::event::values::{HateStrand, InjurySeverity, LocationType, Offence};
use crate::plan::Fact;
use jiff::civil::Date;
use serde::Serialize;

/// A case as raised at the TRM: no person's name or id, no free text (a summary or a place
/// could name someone), no workforce roles (in a small unit a role can name someone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrmBriefing {
    /// The case reference, for the follow-up outside the meeting.
    pub case_id: String,
    /// The unit the assault belongs to.
    pub unit: String,
    /// The local date it happened.
    pub occurred_on: Date,
    /// Kind of location.
    pub location_type: LocationType,
    /// Offence recorded.
    pub offence: Offence,
    /// Hate crime strands; empty when not a hate crime.
    pub hate_crime: Vec<HateStrand>,
    /// How many colleagues were assaulted.
    pub victims: usize,
    /// The worst injury.
    pub worst_injury: InjurySeverity,
    /// Someone was taken to hospital.
    pub hospitalised: bool,
    /// A suspect is identified.
    pub suspect_identified: bool,
    /// A suspect was arrested.
    pub arrested: bool,
    /// A suspect was charged.
    pub charged: bool,
}

impl TrmBriefing {
    /// The briefing for a case, once reported.
    pub fn of(case_id: &str, case: &CaseState, calendar: &Calendar) -> Option<Self> {
        let report = case.report()?;
        Some(Self {
            case_id: case_id.to_owned(),
            unit: report.unit.clone(),
            occurred_on: calendar.local_date(report.occurred_at),
            location_type: report.location_type,
            offence: report.offence,
            hate_crime: report.hate_crime.clone(),
            victims: report.victims.len(),
            worst_injury: case.worst_injury(),
            hospitalised: case.fact(Fact::Hospitalised),
            suspect_identified: case.fact(Fact::SuspectIdentified),
            arrested: case.has(EventType::ArrestMade),
            charged: case.has(EventType::Charged),
        })
    }
}
