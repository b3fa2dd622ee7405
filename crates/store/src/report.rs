//! The per-case report read model (`case_report`): the facts of a case the scrutiny panel's
//! pack counts that the case summary does not hold (place, circumstances, each victim's role
//! and injury, court result, aggravation at sentence, views heard, referrals, the survey,
//! escalations, waivers). Written from the case's state with every append, in the same
//! transaction as the other read models; rebuilt by `pledge rebuild`; compared by `pledge
//! verify`. Headcounts (per unit, date and workforce role) live here too.

use crate::model::CaseId;
use jiff::Timestamp;
use jiff::civil::Date;
use pledge_domain::CaseState;
use pledge_domain::event::EventType;
use pledge_domain::plan::Fact;
use serde::{Deserialize, Serialize};

/// One case's row in the report read model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReport {
    /// The case.
    pub case_id: CaseId,
    /// Force.
    pub force: String,
    /// Unit.
    pub unit: String,
    /// When the assault happened (a pack's period selects cases by this time).
    pub occurred_at: Timestamp,
    /// The counted facts (stored as JSON).
    pub facts: CaseFacts,
}

/// One assaulted colleague, as the pack counts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimFact {
    /// Person id (shown only in the named pack).
    pub person: String,
    /// Workforce role (`officer`, `special_constable`, `pcso`, `staff`, `volunteer`).
    pub role: String,
    /// Injury severity.
    pub injury: String,
    /// Taken to hospital.
    pub hospitalised: bool,
}

/// What a case contributes to the pack.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// When it was reported.
    pub reported_at: Option<Timestamp>,
    /// When it closed.
    pub closed_at: Option<Timestamp>,
    /// Worst injury of any victim.
    pub injury: String,
    /// Any victim hospitalised.
    pub hospitalised: bool,
    /// The victims.
    pub victims: Vec<VictimFact>,
    /// Kind of location.
    pub location: String,
    /// What the colleague was doing, if recorded.
    pub activity: Option<String>,
    /// Causal factors recorded with the report.
    pub causal_factors: Vec<String>,
    /// Hate crime strands.
    pub hate_crime: Vec<String>,
    /// Equipment carried (OSSR context; rows written before it was counted have none).
    #[serde(default)]
    pub equipment_carried: Vec<String>,
    /// Equipment used.
    #[serde(default)]
    pub equipment_used: Vec<String>,
    /// Body-worn video on and recording: `yes`, `no`, `not_known`.
    #[serde(default = "not_known")]
    pub body_worn_video_recording: String,
    /// Single-crewed: `yes`, `no`, `not_known`.
    #[serde(default = "not_known")]
    pub single_crewed: String,
    /// The victim's last personal safety training, if known.
    #[serde(default)]
    pub last_safety_training: Option<Date>,
    /// A suspect was arrested.
    pub arrested: bool,
    /// The reasons recorded for not arresting (free text: named pack only).
    pub no_arrest_reasons: Vec<String>,
    /// Charged.
    pub charged: bool,
    /// Home Office outcome type.
    pub outcome_type: Option<u8>,
    /// When the outcome was finalised.
    pub outcome_at: Option<Timestamp>,
    /// Last verdict (`guilty`, `not_guilty`, `discontinued`).
    pub verdict: Option<String>,
    /// Emergency-worker aggravation applied at sentence (None: not sentenced).
    pub aggravation_applied: Option<bool>,
    /// When the victim's view on the outcome was first recorded.
    pub view_recorded_at: Option<Timestamp>,
    /// Referred to support services.
    pub support_referred: bool,
    /// Opted out of support.
    pub support_opted_out: bool,
    /// A TRiM referral was considered.
    pub trim_considered: bool,
    /// A TRiM referral was made.
    pub trim_referred: bool,
    /// The feedback survey was sent.
    pub survey_sent: bool,
    /// The obligation id of each escalation.
    pub escalations: Vec<String>,
    /// Waivers: (obligation id, reason; the reason is free text: named pack only).
    pub waivers: Vec<(String, String)>,
}

fn not_known() -> String {
    "not_known".to_owned()
}

/// The report row of a case's state (None before the report).
pub fn case_report(case_id: &CaseId, state: &CaseState) -> Option<CaseReport> {
    let report = state.report()?;
    let context = state.context();
    let facts = CaseFacts {
        reported_at: Some(report.reported_at),
        closed_at: state.closed_at(),
        injury: state.worst_injury().as_str().to_owned(),
        hospitalised: state.fact(Fact::Hospitalised),
        victims: report
            .victims
            .iter()
            .map(|v| VictimFact {
                person: v.person.to_string(),
                role: v.workforce_role.as_str().to_owned(),
                injury: v.injury.as_str().to_owned(),
                hospitalised: v.hospitalised,
            })
            .collect(),
        location: report.location_type.as_str().to_owned(),
        activity: report.activity.map(|a| a.as_str().to_owned()),
        causal_factors: report
            .causal_factors
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        hate_crime: report
            .hate_crime
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        equipment_carried: context
            .equipment_carried
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect(),
        equipment_used: context
            .equipment_used
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect(),
        body_worn_video_recording: context.body_worn_video_recording.as_str().to_owned(),
        single_crewed: context.single_crewed.as_str().to_owned(),
        last_safety_training: context.last_safety_training,
        arrested: state.has(EventType::ArrestMade),
        no_arrest_reasons: state.no_arrest_reasons().to_vec(),
        charged: state.has(EventType::Charged),
        outcome_type: state.outcome().map(|o| o.get()),
        outcome_at: state.first(EventType::OutcomeFinalised),
        verdict: state.verdict().map(str::to_owned),
        aggravation_applied: state.aggravation_applied(),
        view_recorded_at: state.first(EventType::VictimViewRecorded),
        support_referred: state.has(EventType::SupportReferralMade),
        support_opted_out: state.has(EventType::SupportOptedOut),
        trim_considered: state.has(EventType::TrimReferralConsidered),
        trim_referred: state.fact(Fact::TrimReferred),
        survey_sent: state.has(EventType::SurveySent),
        escalations: state.escalations().to_vec(),
        waivers: state
            .waivers()
            .iter()
            .map(|w| (w.obligation.clone(), w.reason.clone()))
            .collect(),
    };
    Some(CaseReport {
        case_id: case_id.clone(),
        force: report.force.clone(),
        unit: report.unit.clone(),
        occurred_at: report.occurred_at,
        facts,
    })
}

/// The workforce roles headcounts are kept for.
pub const HEADCOUNT_ROLES: [&str; 5] =
    ["officer", "special_constable", "pcso", "staff", "volunteer"];

/// How many people of a workforce role a unit had on a date (for rates per 1,000). A figure
/// holds from its date until the next figure for the same unit and role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headcount {
    /// Force.
    pub force: String,
    /// Unit.
    pub unit: String,
    /// From when the figure holds.
    pub on: Date,
    /// Workforce role (one of [`HEADCOUNT_ROLES`]).
    pub role: String,
    /// People.
    pub count: u32,
}

/// Which cases a pack reads: always one force; some of its units (None: the whole force);
/// assaults that occurred in `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportScope {
    /// The force (never empty: a missing force never means "all").
    pub force: String,
    /// Units (a unit with its sub-units), or None for the whole force.
    pub units: Option<Vec<String>>,
    /// From (inclusive).
    pub from: Timestamp,
    /// To (exclusive).
    pub to: Timestamp,
}

/// The stored JSON of a row's facts.
pub(crate) fn facts_json(r: &CaseReport) -> crate::Result<String> {
    serde_json::to_string(&r.facts)
        .map_err(|e| crate::StoreError::Invalid(format!("case_report {}: {e}", r.case_id)))
}

/// Checks a headcount before it is written: a known role, a force and a unit.
pub(crate) fn check_headcount(h: &Headcount) -> crate::Result<()> {
    let refuse = |field: &str, message: String| {
        Err(crate::StoreError::Refused {
            field: field.to_owned(),
            message,
        })
    };
    if h.force.is_empty() {
        return refuse("force", "a headcount names its force".into());
    }
    if h.unit.is_empty() {
        return refuse("unit", "a headcount names its unit".into());
    }
    if !HEADCOUNT_ROLES.contains(&h.role.as_str()) {
        return refuse(
            "role",
            format!(
                "unknown workforce role \"{}\"; expected one of: {}",
                h.role,
                HEADCOUNT_ROLES.join(", ")
            ),
        );
    }
    Ok(())
}

/// The latest figure per unit and role among rows already sorted by (unit, role, date).
pub(crate) fn latest_per_unit_role(rows: Vec<Headcount>) -> Vec<Headcount> {
    let mut out: Vec<Headcount> = Vec::new();
    for h in rows {
        match out.last_mut() {
            Some(last) if last.unit == h.unit && last.role == h.role => *last = h,
            _ => out.push(h),
        }
    }
    out
}
