//! Record an assault: one screen of the fewest questions the plan needs at the start (when,
//! who was assaulted and how badly, where, whether a suspect was arrested), the rest in an
//! optional "more about what happened" section or asked later by the obligations that need
//! them. People are chosen from the force directory (see [`super::record_people`]); the date
//! is the GOV.UK date input and the time is typed (see [`super::record_when`]). Saving calls
//! `App::record_answers`, the one command that fills in the plan, the workforce roles, the
//! supervisor and the offence and records the arrest answer in the same transaction; the
//! recorder then lands on the confirmation.

use super::error::PageError;
use super::form::{ErrorItem, FormField, YES_NO};
use super::layout::Layout;
use super::record_people::{Found, PersonPick, find};
use super::record_when::{self, today};
use super::session::{Fields, PageForm, PageUser};
use super::steps::CAUSAL;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pledge_app::{ArrestAnswer, AssaultAnswers, VictimAnswer};
use pledge_domain::event::values::{
    Activity, CausalFactor, HateStrand, InjurySeverity, LocationType, Offence,
};

/// The record-an-assault page.
#[derive(Template, WebTemplate)]
#[template(path = "record.html")]
pub struct RecordPage {
    /// Layout.
    pub layout: Layout,
    /// The error summary.
    pub errors: Vec<ErrorItem>,
    /// The date boxes: day, month, year.
    pub day: String,
    /// Month box.
    pub month: String,
    /// Year box.
    pub year: String,
    /// What is wrong with the date.
    pub date_error: Option<String>,
    /// The time.
    pub time: Vec<FormField>,
    /// Who was assaulted.
    pub victim: PersonPick,
    /// How badly hurt, hospital, where, what happened, hate crime.
    pub about: Vec<FormField>,
    /// Was a suspect arrested (drawn with the reveal of the reason).
    pub arrested: FormField,
    /// Why no arrest was made.
    pub no_arrest_reason: FormField,
    /// The victim's supervisor.
    pub supervisor: PersonPick,
    /// Optional: unit and offence.
    pub more: Vec<FormField>,
    /// Optional: a second colleague assaulted.
    pub victim2: PersonPick,
    /// Optional: their injury, what the colleague was doing, what made it worse.
    pub more_after: Vec<FormField>,
    /// Whether the optional section opens (an answer or an error in it).
    pub more_open: bool,
}

const INJURY: [(&str, &str); 4] = [
    ("none", "Not hurt"),
    ("minor", "Minor injury"),
    ("serious", "Serious injury"),
    ("critical", "Life-threatening injury"),
];
const LOCATION: [(&str, &str); 8] = [
    ("", "Choose the kind of place"),
    ("street", "Street or public place"),
    ("custody", "Custody suite"),
    ("vehicle", "Police vehicle"),
    ("station", "Police station"),
    ("railway", "Railway station or train"),
    ("hospital", "Hospital"),
    ("other", "Somewhere else"),
];
const OFFENCE: [(&str, &str); 7] = [
    (
        "common_assault_emergency_worker",
        "Common assault on an emergency worker",
    ),
    ("police_act_s89", "Assault on a constable (s89 Police Act)"),
    ("oapa_s47", "Actual bodily harm (s47)"),
    ("oapa_s20", "Grievous bodily harm (s20)"),
    ("oapa_s18", "Grievous bodily harm with intent (s18)"),
    ("oapa_s38", "Assault with intent to resist arrest (s38)"),
    ("other", "Another offence"),
];
const STRANDS: [(&str, &str); 5] = [
    ("race", "Race"),
    ("religion", "Religion"),
    ("sexual_orientation", "Sexual orientation"),
    ("disability", "Disability"),
    ("transgender_identity", "Transgender identity"),
];
const ARRESTED: [(&str, &str); 3] = [
    ("yes", "Yes"),
    ("no", "No"),
    ("no_suspect", "No, there is no suspect yet"),
];
const ACTIVITY: [(&str, &str); 8] = [
    ("", "Choose"),
    ("arrest", "Making an arrest"),
    ("custody", "Custody"),
    ("stop", "A stop"),
    ("public_order", "Public order"),
    ("mental_health_call", "A mental health call"),
    ("transport", "Transporting someone"),
    ("other", "Something else"),
];

/// The fields of the optional section (an answer or an error there opens it).
const MORE: [&str; 7] = [
    "unit",
    "offence",
    "victim2",
    "injury2",
    "activity",
    "causal_factors",
    "how_reported",
];

/// The person fields as looked up when the form was sent.
#[derive(Default)]
struct Picks {
    victim: PersonPick,
    victim2: PersonPick,
    supervisor: PersonPick,
}

fn blank_picks() -> Picks {
    Picks {
        victim: PersonPick::new(
            "victim",
            "Who was assaulted?",
            "Their name or collar number, for example Khan or PC-4410",
        ),
        victim2: PersonPick::new(
            "victim2",
            "A second colleague assaulted",
            "Their name or collar number",
        ),
        supervisor: PersonPick::new(
            "supervisor",
            "Their supervisor (optional)",
            "Leave blank for the line manager the force directory names for them",
        ),
    }
}

async fn build(
    state: &AppState,
    user: &PageUser,
    a: &Fields,
    errors: &[(String, String)],
    picks: Picks,
) -> RecordPage {
    let err = |name: &str| {
        errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    };
    let units = state
        .app()
        .units_of_force(&user.actor)
        .await
        .unwrap_or_default();
    let fresh = a.0.is_empty();
    let today = today(state.now());
    let (day, month, year) = match (fresh, today) {
        (true, Some(t)) => (
            t.day().to_string(),
            t.month().to_string(),
            t.year().to_string(),
        ),
        _ => (
            a.get("day").to_owned(),
            a.get("month").to_owned(),
            a.get("year").to_owned(),
        ),
    };
    let time = vec![
        FormField::new("", "time", "What time did it happen?", "text")
            .hint("For example, 01:20 or 9:45pm")
            .width("govuk-input--width-5")
            .value(a.get("time"))
            .error(err("time")),
    ];
    let about = vec![
        FormField::new("", "injury", "How badly were they hurt?", "radios")
            .options(INJURY)
            .value(a.get("injury"))
            .error(err("injury")),
        FormField::new("", "hospitalised", "Were they taken to hospital?", "radios")
            .options(YES_NO)
            .value(a.get("hospitalised"))
            .error(err("hospitalised")),
        FormField::new("", "place", "Where did it happen?", "text")
            .hint("For example, outside 12 High Street, Northtown")
            .value(a.get("place"))
            .error(err("place")),
        FormField::new("", "location_type", "What kind of place is it?", "select")
            .options(LOCATION)
            .value(a.get("location_type"))
            .error(err("location_type")),
        FormField::new("", "summary", "What happened? (optional)", "textarea")
            .hint("A sentence is enough now; the investigation adds the rest")
            .value(a.get("summary"))
            .error(err("summary")),
        FormField::new("", "hate_crime", "Was it a hate crime?", "checkboxes")
            .hint("Select each that applies. Leave all unselected if it was not a hate crime.")
            .options(STRANDS)
            .values(&a.all("hate_crime"))
            .error(err("hate_crime")),
    ];
    let arrested = FormField::new("", "arrested", "Was a suspect arrested?", "radios")
        .options(ARRESTED)
        .value(a.get("arrested"))
        .error(err("arrested"));
    let no_arrest_reason = FormField::new(
        "",
        "no_arrest_reason",
        "Why was no arrest made?",
        "textarea",
    )
    .value(a.get("no_arrest_reason"))
    .error(err("no_arrest_reason"));
    let more = vec![
        FormField::new("", "unit", "Unit the case belongs to", "select")
            .options_owned(
                std::iter::once((String::new(), "The unit of the colleague assaulted".into()))
                    .chain(units.iter().map(|u| (u.id.clone(), u.name.clone()))),
            )
            .value(a.get("unit"))
            .error(err("unit")),
        FormField::new("", "offence", "Offence", "select")
            .options(OFFENCE)
            .value(if a.get("offence").is_empty() {
                pledge_app::DEFAULT_OFFENCE.as_str()
            } else {
                a.get("offence")
            })
            .error(err("offence")),
    ];
    let more_after = vec![
        FormField::new(
            "",
            "injury2",
            "How badly was the second colleague hurt?",
            "radios",
        )
        .options(INJURY)
        .value(a.get("injury2"))
        .error(err("injury2")),
        FormField::new("", "activity", "What was the colleague doing?", "select")
            .options(ACTIVITY)
            .value(a.get("activity"))
            .error(err("activity")),
        FormField::new(
            "",
            "causal_factors",
            "Did anything make it worse?",
            "checkboxes",
        )
        .options(CAUSAL.iter().copied())
        .values(&a.all("causal_factors"))
        .error(err("causal_factors")),
        FormField::new("", "how_reported", "How was it reported?", "text")
            .hint("For example, by radio or in person")
            .value(a.get("how_reported"))
            .error(err("how_reported")),
    ];
    let date_error = err("date");
    let mut items = Vec::new();
    let mut item = |href: &str, message: &Option<String>| {
        if let Some(m) = message {
            items.push(ErrorItem {
                href: format!("#{href}"),
                message: m.clone(),
            });
        }
    };
    item("date-day", &date_error);
    for f in &time {
        item(&f.id, &f.error);
    }
    item("victim", &picks.victim.error);
    for f in about.iter().chain([&arrested, &no_arrest_reason]) {
        item(&f.id, &f.error);
    }
    item("supervisor", &picks.supervisor.error);
    for f in &more {
        item(&f.id, &f.error);
    }
    item("victim2", &picks.victim2.error);
    for f in &more_after {
        item(&f.id, &f.error);
    }
    let shown = [
        "date",
        "time",
        "victim",
        "injury",
        "hospitalised",
        "place",
        "location_type",
        "summary",
        "hate_crime",
        "arrested",
        "no_arrest_reason",
        "supervisor",
    ];
    for (f, m) in errors {
        if !shown.contains(&f.as_str()) && !MORE.contains(&f.as_str()) {
            items.push(ErrorItem {
                href: "#main-content".into(),
                message: m.clone(),
            });
        }
    }
    let more_open = MORE
        .iter()
        .any(|f| err(f).is_some() || (!a.get(f).is_empty() && *f != "offence"))
        || a.get("offence") != pledge_app::DEFAULT_OFFENCE.as_str() && !a.get("offence").is_empty();
    RecordPage {
        layout: user
            .layout("Record an assault", "/cases/new")
            .with_errors(!items.is_empty()),
        errors: items,
        day,
        month,
        year,
        date_error,
        time,
        victim: picks.victim,
        about,
        arrested,
        no_arrest_reason,
        supervisor: picks.supervisor,
        more,
        victim2: picks.victim2,
        more_after,
        more_open,
    }
}

/// `GET /cases/new`.
pub async fn form(State(state): State<AppState>, user: PageUser) -> Response {
    build(&state, &user, &Fields::default(), &[], blank_picks())
        .await
        .into_response()
}

/// A closed-vocabulary answer: `None` when not given, an error in words when not one of the
/// choices offered (a tampered form).
fn choice<T>(
    a: &Fields,
    name: &str,
    parse: fn(&str) -> Result<T, String>,
    errors: &mut Vec<(String, String)>,
) -> Option<T> {
    let v = a.get(name);
    if v.is_empty() {
        return None;
    }
    match parse(v) {
        Ok(t) => Some(t),
        Err(_) => {
            errors.push((name.into(), "Select one of the choices shown".into()));
            None
        }
    }
}

/// Each value of a checkbox answer, or an error in words.
fn choices<T>(
    a: &Fields,
    name: &str,
    parse: fn(&str) -> Result<T, String>,
    errors: &mut Vec<(String, String)>,
) -> Vec<T> {
    let mut out = Vec::new();
    for v in a.all(name) {
        match parse(v) {
            Ok(t) => out.push(t),
            Err(_) => errors.push((name.into(), "Select from the choices shown".into())),
        }
    }
    out
}

/// Looks up a person field; fills its pick and its error.
async fn pick_person(
    state: &AppState,
    user: &PageUser,
    a: &Fields,
    pick: &mut PersonPick,
    unit: &str,
    errors: &mut Vec<(String, String)>,
) -> Option<String> {
    let name = pick.name.clone();
    pick.value = a.get(&name).to_owned();
    match find(
        state,
        &user.actor,
        a.get(&name),
        a.get(&format!("{name}_choice")),
        unit,
    )
    .await
    {
        Ok(Found::Nobody) => None,
        Ok(Found::One(id, words)) => {
            pick.value = id.clone();
            pick.chosen = words;
            Some(id)
        }
        Ok(Found::Unsettled(message, people)) => {
            pick.matches = people.iter().map(|c| (c.id.clone(), c.label())).collect();
            pick.error = Some(message.clone());
            errors.push((name, message));
            None
        }
        Err(e) => {
            let message = format!("The force directory could not be searched: {e}");
            pick.error = Some(message.clone());
            errors.push((name, message));
            None
        }
    }
}

/// `POST /cases/new`.
pub async fn submit(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let a = &form.fields;
    let now = state.now();
    let mut errors: Vec<(String, String)> = Vec::new();
    let need = |name: &str, msg: &str, errors: &mut Vec<(String, String)>| {
        if a.get(name).is_empty() {
            errors.push((name.to_owned(), msg.to_owned()));
        }
    };
    let date = record_when::date(a.get("day"), a.get("month"), a.get("year"), today(now))
        .map_err(|m| errors.push(("date".into(), m)))
        .ok();
    let time = record_when::time(a.get("time"))
        .map_err(|m| errors.push(("time".into(), m)))
        .ok();
    let mut picks = blank_picks();
    let own_unit = match &user.actor {
        pledge_app::Actor::Person { unit, .. } => unit.clone().unwrap_or_default(),
        pledge_app::Actor::System { .. } => String::new(),
    };
    let unit = if a.get("unit").is_empty() {
        own_unit.as_str()
    } else {
        a.get("unit")
    };
    let victim = pick_person(&state, user, a, &mut picks.victim, unit, &mut errors).await;
    if a.get("victim").is_empty() {
        let m = "Enter the name or collar number of the colleague who was assaulted";
        picks.victim.error = Some(m.into());
        errors.push(("victim".into(), m.into()));
    }
    need("injury", "Select how badly they were hurt", &mut errors);
    need(
        "hospitalised",
        "Select whether they were taken to hospital",
        &mut errors,
    );
    need("place", "Enter where the assault happened", &mut errors);
    need(
        "location_type",
        "Select what kind of place it is",
        &mut errors,
    );
    need(
        "arrested",
        "Select whether a suspect was arrested",
        &mut errors,
    );
    let supervisor = pick_person(&state, user, a, &mut picks.supervisor, unit, &mut errors).await;
    let victim2 = pick_person(&state, user, a, &mut picks.victim2, unit, &mut errors).await;
    if victim2.is_some() {
        need(
            "injury2",
            "Select how badly the second colleague was hurt",
            &mut errors,
        );
    }
    let injury = choice(a, "injury", InjurySeverity::parse, &mut errors);
    let injury2 = choice(a, "injury2", InjurySeverity::parse, &mut errors);
    let location_type = choice(a, "location_type", LocationType::parse, &mut errors);
    let offence = choice(a, "offence", Offence::parse, &mut errors);
    let activity = choice(a, "activity", Activity::parse, &mut errors);
    let hate_crime = choices(a, "hate_crime", HateStrand::parse, &mut errors);
    let causal_factors = choices(a, "causal_factors", CausalFactor::parse, &mut errors);
    let arrest = match a.get("arrested") {
        "yes" => Some(ArrestAnswer::Arrested),
        "no" => Some(ArrestAnswer::NotArrested {
            reason: a.get("no_arrest_reason").to_owned(),
        }),
        "no_suspect" => Some(ArrestAnswer::NoSuspect),
        "" => None,
        _ => {
            errors.push(("arrested".into(), "Select one of the choices shown".into()));
            None
        }
    };
    let occurred_at = match (date, time) {
        (Some(d), Some(t)) => record_when::moment(d, t)
            .map_err(|m| errors.push(("date".into(), m)))
            .ok(),
        _ => None,
    };
    let answers = match (occurred_at, victim, injury, location_type, arrest) {
        (Some(occurred_at), Some(victim), Some(injury), Some(location_type), Some(arrest))
            if errors.is_empty() =>
        {
            let mut victims = vec![VictimAnswer {
                person: victim,
                injury,
                hospitalised: a.get("hospitalised") == "yes",
            }];
            if let (Some(person), Some(injury)) = (victim2, injury2) {
                victims.push(VictimAnswer {
                    person,
                    injury,
                    hospitalised: false,
                });
            }
            AssaultAnswers {
                occurred_at,
                unit: Some(a.get("unit").to_owned()).filter(|u| !u.is_empty()),
                place: a.get("place").to_owned(),
                location_type,
                victims,
                supervisor,
                summary: a.get("summary").to_owned(),
                hate_crime,
                arrest,
                offence,
                how_reported: a.get("how_reported").to_owned(),
                activity,
                causal_factors,
            }
        }
        _ => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                build(&state, user, a, &errors, picks).await,
            )
                .into_response();
        }
    };
    match state.app().record_answers(&user.actor, answers, now).await {
        Ok(summary) => {
            Redirect::to(&format!("/cases/{}/recorded", summary.case_id)).into_response()
        }
        Err(e) => match refusal_on_page(&e) {
            Some(error) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                build(&state, user, a, &[error], picks).await,
            )
                .into_response(),
            None => PageError::from(e).page(user.layout("Record an assault", "/cases/new")),
        },
    }
}

/// An error of the command as an error on the form's field, in the page's words where the
/// command's field is the page's question.
fn refusal_on_page(e: &pledge_app::AppError) -> Option<(String, String)> {
    use pledge_app::AppError;
    use pledge_domain::Refusal;
    let (field, message, rule) = match e {
        AppError::Invalid { field, message }
        | AppError::Refused(Refusal::Invalid { field, message }) => {
            (field.as_str(), message.clone(), false)
        }
        AppError::Refused(Refusal::Rule(v)) => (
            v.field.as_deref().unwrap_or("form"),
            format!(
                "{} ({}: \u{201c}{}\u{201d})",
                v.detail, v.point_title, v.says
            ),
            true,
        ),
        _ => return None,
    };
    Some(match field {
        "occurred_at" => (
            "time".into(),
            "The time of the assault must be in the past".into(),
        ),
        "reason" if rule => (
            "no_arrest_reason".into(),
            "Enter why no arrest was made".into(),
        ),
        "reason" => ("no_arrest_reason".into(), message),
        "victims" | "victims[0].person" => ("victim".into(), message),
        "victims[1].person" => ("victim2".into(), message),
        f => (f.to_owned(), message),
    })
}
