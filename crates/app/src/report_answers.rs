//! Recording an assault from a person's answers (the record-an-assault page): the fewest
//! questions the plan needs at the start, the rest filled in from the force directory and the
//! plan in force, then recorded by the same command as the API's (`App::open_case`), with the
//! answer to "Was a suspect arrested?" in the same transaction.
//!
//! Filled in here, once, so no page keeps its own copy:
//! - the plan: the force's plan in force now;
//! - each victim's workforce role: the directory's (an error naming the victim when the
//!   directory holds none, never a guess);
//! - the supervisor: the first victim's line manager when none is chosen;
//! - the unit: the first victim's unit when none is chosen;
//! - the offence: [`DEFAULT_OFFENCE`] when none is chosen.
//!
//! Whether a reason is needed when no arrest was made is the plan's rule, checked by the
//! domain (`no_arrest_needs_reason`), not here.

use crate::actor::Actor;
use crate::app::App;
use crate::commands::NewAssault;
use crate::error::{AppError, AppResult};
use jiff::Timestamp;
use pledge_domain::EventKind;
use pledge_domain::event::values::{
    Activity, CausalFactor, HateStrand, InjurySeverity, LocationType, Offence, WorkforceRole,
};
use pledge_store::{CaseSummary, Person, Store};
use serde_json::{Value, json};

/// The offence recorded when the recorder does not choose one: most assaults on the police
/// workforce are charged as common assault on an emergency worker (Assaults on Emergency
/// Workers (Offences) Act 2018 s1). The crime record, a later obligation, confirms it.
pub const DEFAULT_OFFENCE: Offence = Offence::CommonAssaultEmergencyWorker;

/// One colleague assaulted.
#[derive(Debug, Clone)]
pub struct VictimAnswer {
    /// Their person id in the force directory.
    pub person: String,
    /// How badly they were hurt.
    pub injury: InjurySeverity,
    /// Whether they were taken to hospital.
    pub hospitalised: bool,
}

/// The answer to "Was a suspect arrested?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrestAnswer {
    /// A suspect was arrested (`arrest_made`).
    Arrested,
    /// There is a suspect but no arrest was made, for this reason (`no_arrest_recorded`).
    NotArrested {
        /// Why not, in the recorder's words.
        reason: String,
    },
    /// There is no suspect yet: nothing to record about an arrest.
    NoSuspect,
}

/// What a person answers when they record an assault.
#[derive(Debug, Clone)]
pub struct AssaultAnswers {
    /// When it happened.
    pub occurred_at: Timestamp,
    /// The unit the case belongs to; the first victim's unit when `None`.
    pub unit: Option<String>,
    /// Where, in words.
    pub place: String,
    /// The kind of place.
    pub location_type: LocationType,
    /// The colleagues assaulted (at least one).
    pub victims: Vec<VictimAnswer>,
    /// The victims' supervisor; the first victim's line manager when `None`.
    pub supervisor: Option<String>,
    /// What happened, in words.
    pub summary: String,
    /// Hate crime strands; empty when it was not a hate crime.
    pub hate_crime: Vec<HateStrand>,
    /// Whether a suspect was arrested.
    pub arrest: ArrestAnswer,
    /// The offence; [`DEFAULT_OFFENCE`] when `None`.
    pub offence: Option<Offence>,
    /// How it was reported (radio, in person, ...).
    pub how_reported: String,
    /// What the colleague was doing.
    pub activity: Option<Activity>,
    /// What made it worse.
    pub causal_factors: Vec<CausalFactor>,
}

impl<S: Store> App<S> {
    /// Records an assault from a person's answers: the case, its obligations and the arrest
    /// answer exist once this returns, in one transaction. Errors name the answer at fault
    /// (`victims[0].person`, `supervisor`, `unit`, `occurred_at`, `reason`, ...).
    pub async fn record_answers(
        &self,
        actor: &Actor,
        answers: AssaultAnswers,
        now: Timestamp,
    ) -> AppResult<CaseSummary> {
        let force = actor
            .force()
            .ok_or_else(|| AppError::Forbidden("record an assault without a force".into()))?
            .to_owned();
        let plan = self.plan_in_force(&force, now).await?;
        let Some(first) = answers.victims.first() else {
            return Err(AppError::invalid(
                "victims",
                "name at least one colleague who was assaulted",
            ));
        };
        let first = self
            .directory_entry(&force, "victims[0].person", &first.person)
            .await?;
        let mut victims = Vec::new();
        for (i, v) in answers.victims.iter().enumerate() {
            let field = format!("victims[{i}].person");
            let person = self.directory_entry(&force, &field, &v.person).await?;
            let role = person
                .workforce_role
                .as_deref()
                .and_then(|r| WorkforceRole::parse(r).ok())
                .ok_or_else(|| {
                    AppError::invalid(
                        &field,
                        format!(
                            "the force directory does not say whether {} is an officer, \
                             special constable, PCSO, volunteer or member of staff; ask an \
                             administrator to add it",
                            person.name
                        ),
                    )
                })?;
            victims.push(json!({
                "person": person.id,
                "workforce_role": role,
                "injury": v.injury,
                "hospitalised": v.hospitalised,
            }));
        }
        let supervisor = match answers.supervisor {
            Some(s) => s,
            None => first.line_manager.clone().ok_or_else(|| {
                AppError::invalid(
                    "supervisor",
                    format!(
                        "the force directory names no line manager for {}; choose their \
                         supervisor",
                        first.name
                    ),
                )
            })?,
        };
        let unit = match answers.unit {
            Some(u) => u,
            None => first.unit.clone().ok_or_else(|| {
                AppError::invalid(
                    "unit",
                    format!(
                        "the force directory names no unit for {}; choose the unit",
                        first.name
                    ),
                )
            })?,
        };
        let suspects = match answers.arrest {
            ArrestAnswer::Arrested => json!([{"identified": true}]),
            ArrestAnswer::NotArrested { .. } => json!([{"identified": false}]),
            ArrestAnswer::NoSuspect => json!([]),
        };
        let report = json!({
            "type": "assault_reported",
            "plan": plan,
            "force": force,
            "unit": unit,
            "occurred_at": answers.occurred_at,
            "place": answers.place,
            "location_type": answers.location_type,
            "how_reported": answers.how_reported,
            "supervisor": supervisor,
            "victims": victims,
            "offence": answers.offence.unwrap_or(DEFAULT_OFFENCE),
            "hate_crime": answers.hate_crime,
            "suspects": suspects,
            "circumstances": {
                "activity": answers.activity,
                "causal_factors": answers.causal_factors,
            },
            "summary": answers.summary,
        });
        let report = event_kind(report)?;
        let answered = match answers.arrest {
            ArrestAnswer::Arrested => vec![event_kind(json!({"type": "arrest_made"}))?],
            ArrestAnswer::NotArrested { reason } => vec![event_kind(
                json!({"type": "no_arrest_recorded", "reason": reason}),
            )?],
            ArrestAnswer::NoSuspect => Vec::new(),
        };
        self.record_assault(
            actor,
            NewAssault {
                case_id: None,
                report,
                at: None,
                plan_in_force: false,
                answers: answered,
            },
            now,
        )
        .await
    }

    /// A person of the force's directory named in an answer, or an error naming the answer
    /// (a person of another force is not found: their details are not this force's to use).
    async fn directory_entry(&self, force: &str, field: &str, id: &str) -> AppResult<Person> {
        let units = self.store.units().await?;
        self.store
            .person(id)
            .await?
            .filter(|p| {
                p.unit
                    .as_deref()
                    .is_some_and(|u| units.iter().any(|x| x.id == u && x.force == force))
            })
            .ok_or_else(|| {
                AppError::invalid(field, format!("no one in the force directory is \"{id}\""))
            })
    }
}

/// An event built from typed answers; a failure is Pledge's own fault, not the recorder's,
/// except for bounds the domain sets on free text (named by the domain's message).
fn event_kind(v: Value) -> AppResult<EventKind> {
    serde_json::from_value(v).map_err(|e| AppError::invalid("report", e.to_string()))
}
