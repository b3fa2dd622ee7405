//! The short form for each plan step: which fields it asks, in words, and how its answers
//! become the step's JSON fields (the same fields the API takes, see docs/events.md). This is
//! presentation only: whether a step is allowed is decided by `App::record_step`.

use super::form::{FormField, YES_NO};
use super::session::Fields;
use pledge_domain::EventType;
use serde_json::{Map, Value};

/// How a field is asked.
#[derive(Clone, Copy)]
pub enum Kind {
    /// One line of text.
    Text,
    /// A paragraph.
    Long,
    /// A person (a choice from the force's people when the asker may read them).
    Person,
    /// A whole number.
    Number,
    /// Yes or no.
    Bool,
    /// A date (`YYYY-MM-DD`).
    Date,
    /// One of a list.
    Choice(&'static [(&'static str, &'static str)]),
    /// Several of a list.
    Checks(&'static [(&'static str, &'static str)]),
    /// Free words separated by commas (a list of strings).
    List,
}

/// One field of a step form.
pub struct Spec {
    /// The event field.
    pub name: &'static str,
    /// The question.
    pub label: &'static str,
    /// How it is asked.
    pub kind: Kind,
    /// Must be answered.
    pub required: bool,
}

const fn f(name: &'static str, label: &'static str, kind: Kind, required: bool) -> Spec {
    Spec {
        name,
        label,
        kind,
        required,
    }
}

const LEVELS: &[(&str, &str)] = &[
    ("local_command_team", "Local command team"),
    ("senior_duty_officer", "Senior Duty Officer"),
    ("chief_officer_group", "Chief Officer Group"),
    ("on_call_chief_officer", "On-call chief officer"),
];
const SYSTEMS: &[(&str, &str)] = &[
    ("accident_management_system", "Accident Management System"),
    ("e_safety", "e-safety report"),
    ("injury_on_duty", "Injury on duty report"),
    ("other", "Other"),
];
// No "Arrest": an arrest is recorded with "Record an arrest", which is itself a key decision
// (the domain starts the victim's key-decision clock from it); offering it here too would
// start a second clock for the same arrest.
const DECISIONS: &[(&str, &str)] = &[
    ("charge", "Charge"),
    ("release", "Release"),
    ("bail", "Bail"),
    (
        "released_under_investigation",
        "Released under investigation",
    ),
    ("caution", "Caution"),
    ("no_further_action", "No further action"),
];
const EQUIPMENT: &[(&str, &str)] = &[
    ("body_worn_video", "Body-worn video"),
    ("taser", "Taser"),
    ("pava", "PAVA incapacitant spray"),
    ("spit_guard", "Spit and bite guard"),
    ("baton", "Baton"),
    ("handcuffs", "Handcuffs"),
    ("body_armour", "Body armour"),
    ("gloves", "Protective gloves"),
];
const ANSWERS: &[(&str, &str)] = &[("yes", "Yes"), ("no", "No"), ("not_known", "Not known")];
const STATEMENT_OF: &[(&str, &str)] = &[("victim", "The victim"), ("witness", "A witness")];
const IMPACT: &[(&str, &str)] = &[
    ("victim", "Victim impact statement"),
    ("community", "Community impact statement"),
    ("chief_constable", "Chief constable's impact statement"),
];
const VERDICTS: &[(&str, &str)] = &[
    ("guilty", "Guilty"),
    ("not_guilty", "Not guilty"),
    ("discontinued", "Discontinued"),
];
const STAGES: &[(&str, &str)] = &[
    ("initial", "Initial (about 72 hours)"),
    ("one_month", "One month"),
];
const BODIES: &[(&str, &str)] = &[
    ("federation", "Police Federation"),
    ("unison", "UNISON"),
    ("unite", "Unite"),
    ("other", "Other"),
];
const DEBRIEFS: &[(&str, &str)] = &[
    ("incident", "Incident debrief"),
    ("use_of_force", "Use-of-force debrief"),
];
/// Causal factors (also asked when recording an assault).
pub const CAUSAL: &[(&str, &str)] = &[
    ("drunk", "Suspect drunk"),
    ("drugs", "Suspect on drugs"),
    ("mental_health_crisis", "Mental health crisis"),
    ("hostile", "Hostile"),
    ("resisting_arrest", "Resisting arrest"),
];

/// The step's name in words (the button and heading) and its fields.
pub fn spec(t: EventType) -> (&'static str, Vec<Spec>) {
    use EventType as E;
    use Kind::*;
    match t {
        E::CrimeRecorded => (
            "Record the crime",
            vec![
                f("crime_reference", "Crime reference", Text, true),
                f(
                    "safety_reference",
                    "Health-and-safety reference (if known)",
                    Text,
                    false,
                ),
            ],
        ),
        E::OicAssigned => (
            "Assign the officer in the case",
            vec![f("officer", "Officer in the case", Person, true)],
        ),
        E::StatementTaken => (
            "Record a statement taken",
            vec![
                f("of", "Whose statement", Choice(STATEMENT_OF), true),
                f("giver", "Who gave it", Person, true),
                f("taken_by", "Who took it", Person, true),
                f("tier", "Tier (if the plan uses tiers)", Text, false),
                f("tier_reason", "Reason for the tier", Text, false),
            ],
        ),
        E::SeniorLeadershipInformed => (
            "Record senior leadership informed",
            vec![
                f("level", "Who was told", Choice(LEVELS), true),
                f("who", "Name (optional)", Text, false),
            ],
        ),
        E::FimNotified => (
            "Record the Force Incident Manager told",
            vec![f(
                "on_call_chief_officer_told",
                "Was the on-call chief officer told?",
                Bool,
                true,
            )],
        ),
        E::SafetyReportCompleted => (
            "Record the health-and-safety report",
            vec![
                f("system", "Which report", Choice(SYSTEMS), true),
                f("reference", "Reference", Text, true),
                f("causal_factors", "Causal factors", Checks(CAUSAL), false),
                f(
                    "victim_contributed",
                    "Did the victim contribute to the report?",
                    Bool,
                    false,
                ),
            ],
        ),
        E::SafetyReportContributed => (
            "Record a victim's own part of the safety report",
            vec![
                f("system", "Which report", Choice(SYSTEMS), true),
                f(
                    "victim",
                    "Which victim (blank: every victim)",
                    Person,
                    false,
                ),
                f(
                    "declined",
                    "Did the victim decline to contribute?",
                    Bool,
                    false,
                ),
                f("note", "What they added (optional)", Text, false),
            ],
        ),
        E::DaysLostRecorded => (
            "Record days lost",
            vec![
                f("victim", "Victim", Person, true),
                f("days", "Days lost so far", Number, true),
            ],
        ),
        E::RiddorReported => (
            "Record the RIDDOR report",
            vec![f("reference", "HSE reference", Text, true)],
        ),
        E::SuspectIdentified => (
            "Record a suspect identified",
            vec![f("description", "Description or name", Text, false)],
        ),
        E::ArrestMade => (
            "Record an arrest",
            vec![f("suspect", "Suspect (optional)", Text, false)],
        ),
        E::NoArrestRecorded => (
            "Record why there was no arrest",
            vec![f("reason", "Why no arrest was made", Long, true)],
        ),
        E::KeyDecisionMade => (
            "Record a key decision",
            vec![
                f("decision", "Decision", Choice(DECISIONS), true),
                f("detail", "Detail (optional)", Text, false),
            ],
        ),
        E::VictimUpdated => (
            "Record the victim updated",
            vec![
                f("how", "How (phone, in person, email)", Text, false),
                f("note", "Note (optional)", Text, false),
            ],
        ),
        E::UpdateFrequencyChosen => (
            "Save how often to be updated",
            vec![f(
                "every_days",
                "How often do you want an update, in days?",
                Number,
                true,
            )],
        ),
        E::VictimViewRecorded => (
            "Record the victim's view",
            vec![f(
                "view",
                "The victim's view of the outcome options",
                Long,
                true,
            )],
        ),
        E::InvestigationPlanCompleted => (
            "Record the investigation plan completed",
            vec![f(
                "evidence",
                "Evidence gathered (separate with commas)",
                List,
                false,
            )],
        ),
        E::VpsOffered => (
            "Record the Victim Personal Statement offered",
            vec![f("accepted", "Did the victim accept?", Bool, true)],
        ),
        E::VpsRequested => (
            "Ask to make a Victim Personal Statement",
            vec![f(
                "note",
                "Anything the officer should know (optional)",
                Long,
                false,
            )],
        ),
        E::ImpactStatementAdded => (
            "Record an impact statement",
            vec![f("kind", "Which statement", Choice(IMPACT), true)],
        ),
        E::FileSubmitted => (
            "Record the file submitted",
            vec![f("to", "Submitted to (for example CPS)", Text, false)],
        ),
        E::OutcomeFinalised => (
            "Record the outcome",
            vec![f(
                "outcome_type",
                "Home Office outcome type (1 to 22)",
                Number,
                true,
            )],
        ),
        E::Charged => ("Record a charge", vec![]),
        E::CourtHearing => (
            "Record a court hearing",
            vec![
                f("on", "Date of the hearing", Date, true),
                f("court", "Court", Text, false),
            ],
        ),
        E::VerdictGiven => (
            "Record the verdict",
            vec![f("verdict", "Verdict", Choice(VERDICTS), true)],
        ),
        E::Sentenced => (
            "Record the sentence",
            vec![
                f("sentence", "Sentence", Text, true),
                f(
                    "emergency_worker_aggravation",
                    "Was the emergency-worker aggravation applied?",
                    Bool,
                    true,
                ),
            ],
        ),
        E::WelfareMeetingHeld => (
            "Record the welfare meeting",
            vec![
                f(
                    "victim",
                    "Which victim was seen (blank: every victim)",
                    Person,
                    false,
                ),
                f("held_by", "Who met them (blank: you)", Person, false),
                f("note", "Note (confidential to welfare)", Text, false),
            ],
        ),
        E::TrimReferralConsidered => (
            "Record the TRiM referral decision",
            vec![
                f("referred", "Was the victim referred to TRiM?", Bool, true),
                f("reason", "Reason (optional)", Text, false),
            ],
        ),
        E::TrimAssessmentHeld => (
            "Record a TRiM assessment",
            vec![f("stage", "Which assessment", Choice(STAGES), true)],
        ),
        E::SupportReferralMade => (
            "Record a referral to support",
            vec![f("service", "Support service", Text, true)],
        ),
        E::SupportOptedOut => ("Record that the victim opted out of support", vec![]),
        E::StaffAssociationNotified => (
            "Record the staff association notified",
            vec![
                f("body", "Which body", Choice(BODIES), true),
                f("consent", "Did the victim consent?", Bool, true),
                f(
                    "victim",
                    "For which victim (blank: every victim)",
                    Person,
                    false,
                ),
            ],
        ),
        E::LeafletGiven => (
            "Record the leaflet given",
            vec![f(
                "victim",
                "To which victim (blank: every victim)",
                Person,
                false,
            )],
        ),
        E::RaisedAtTrm => (
            "Record raised at the tasking meeting",
            vec![f("meeting", "Date of the meeting", Date, true)],
        ),
        E::DebriefHeld => (
            "Record the debrief",
            vec![f("kind", "Which debrief", Choice(DEBRIEFS), true)],
        ),
        E::LessonCaptured => (
            "Record a lesson captured",
            vec![
                f("summary", "The lesson", Long, true),
                f(
                    "reference",
                    "Lessons Exploitation Centre reference",
                    Text,
                    false,
                ),
            ],
        ),
        E::RepeatVictimReviewed => (
            "Record a repeat victim's safety review",
            vec![
                f(
                    "victim",
                    "Which victim (blank: every victim)",
                    Person,
                    false,
                ),
                f("actions", "What was agreed", Text, true),
            ],
        ),
        E::SentenceReviewed => (
            "Record the sentence checked against the emergency-worker aggravation",
            vec![
                f(
                    "reflected_aggravation",
                    "Did the sentence reflect the emergency-worker aggravation?",
                    Bool,
                    true,
                ),
                f("action", "What was done", Text, true),
            ],
        ),
        // Every question optional (OSSR context is asked, never required): a box left
        // unticked or a question left blank keeps what the report said.
        E::CircumstancesRecorded => (
            "Record equipment, crewing and training",
            vec![
                f(
                    "equipment_carried",
                    "Equipment the colleague carried",
                    Checks(EQUIPMENT),
                    false,
                ),
                f(
                    "equipment_used",
                    "Equipment the colleague used",
                    Checks(EQUIPMENT),
                    false,
                ),
                f(
                    "body_worn_video_recording",
                    "Was body-worn video on and recording?",
                    Choice(ANSWERS),
                    false,
                ),
                f(
                    "single_crewed",
                    "Was the colleague single-crewed?",
                    Choice(ANSWERS),
                    false,
                ),
                f(
                    "last_safety_training",
                    "Date of the colleague's last personal safety training",
                    Date,
                    false,
                ),
            ],
        ),
        E::SurveySent => ("Record the feedback survey sent", vec![]),
        E::ObligationWaived => (
            "Waive an obligation",
            vec![
                f("obligation", "Obligation id", Text, true),
                f("reason", "Why", Long, true),
            ],
        ),
        E::CaseClosed => (
            "Close the case",
            vec![f("reason", "Reason (optional)", Text, false)],
        ),
        E::AssaultReported | E::ObligationEscalated => ("Record", vec![]),
    }
}

/// The success banner's words after a step is saved: `Saved: the crime.`
pub fn done_words(t: EventType) -> String {
    let (button, _) = spec(t);
    format!("Saved: {}.", button.trim_start_matches("Record "))
}

/// The form fields of a step, filled from earlier answers and errors.
pub fn fields(
    t: EventType,
    prefix: &str,
    people: &[(String, String)],
    answers: Option<&Fields>,
    errors: &[(String, String)],
) -> Vec<FormField> {
    let (_, specs) = spec(t);
    specs
        .iter()
        .map(|s| {
            let error = errors
                .iter()
                .find(|(f, _)| f == s.name)
                .map(|(_, m)| m.clone());
            let answer = answers.map(|a| a.get(s.name)).unwrap_or("");
            let field =
                match s.kind {
                    Kind::Text | Kind::List => FormField::new(prefix, s.name, s.label, "text"),
                    Kind::Long => FormField::new(prefix, s.name, s.label, "textarea"),
                    Kind::Number => FormField::new(prefix, s.name, s.label, "number")
                        .width("govuk-input--width-5"),
                    Kind::Date => FormField::new(prefix, s.name, s.label, "date")
                        .width("govuk-input--width-10"),
                    Kind::Bool => FormField::new(prefix, s.name, s.label, "radios").options(YES_NO),
                    Kind::Choice(opts) => FormField::new(prefix, s.name, s.label, "select")
                        .options(std::iter::once(("", "Choose")).chain(opts.iter().copied())),
                    Kind::Checks(opts) => FormField::new(prefix, s.name, s.label, "checkboxes")
                        .options(opts.iter().copied()),
                    Kind::Person if !people.is_empty() => {
                        FormField::new(prefix, s.name, s.label, "select").options_owned(
                            std::iter::once((String::new(), "Choose a person".to_owned())).chain(
                                people
                                    .iter()
                                    .map(|(id, name)| (id.clone(), format!("{name} ({id})"))),
                            ),
                        )
                    }
                    Kind::Person => FormField::new(prefix, s.name, s.label, "text")
                        .hint("Their person id, for example DC-3020")
                        .width("govuk-input--width-10"),
                };
            let field = match (s.kind, answers) {
                (Kind::Checks(_), Some(a)) => field.values(&a.all(s.name)),
                _ => field.value(answer),
            };
            field.error(error)
        })
        .collect()
}

/// The step's JSON fields from the form's answers, or the answers that are wrong.
pub fn body(t: EventType, answers: &Fields) -> Result<Map<String, Value>, Vec<(String, String)>> {
    let (_, specs) = spec(t);
    let mut map = Map::new();
    let mut errors = Vec::new();
    for s in &specs {
        let raw = answers.get(s.name);
        let missing = match s.kind {
            Kind::Checks(_) => false,
            _ => raw.is_empty(),
        };
        if missing {
            if s.required {
                errors.push((
                    s.name.to_owned(),
                    format!("Answer: {}", s.label.to_lowercase()),
                ));
            }
            continue;
        }
        let value = match s.kind {
            Kind::Text | Kind::Long | Kind::Person | Kind::Date | Kind::Choice(_) => {
                Value::String(raw.to_owned())
            }
            Kind::Number => match raw.parse::<u64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    errors.push((
                        s.name.to_owned(),
                        format!("{} must be a whole number", s.label),
                    ));
                    continue;
                }
            },
            Kind::Bool => Value::Bool(raw == "yes"),
            Kind::Checks(_) => Value::Array(
                answers
                    .all(s.name)
                    .into_iter()
                    .map(|v| Value::String(v.to_owned()))
                    .collect(),
            ),
            Kind::List => Value::Array(
                raw.split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.to_owned()))
                    .collect(),
            ),
        };
        map.insert(s.name.to_owned(), value);
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(errors)
    }
}
