//! Record an assault: one page, few required answers (date, time, place, victims, what
//! happened, injury, hospitalised, hate crime, suspect arrested or why not), the rest
//! optional. Saving calls `App::record_assault` with the arrest answer (`arrest_made` or
//! `no_arrest_recorded`) recorded in the same transaction, then shows the confirmation.

use super::case::people;
use super::error::PageError;
use super::form::{ErrorItem, FormField, YES_NO, summary};
use super::layout::Layout;
use super::session::{Fields, PageForm, PageUser};
use super::steps::CAUSAL;
use crate::api::body::to_event_kind;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pledge_app::{AccountRole, Actor, NewAssault};
use serde_json::{Value, json};

/// The record-an-assault page.
#[derive(Template, WebTemplate)]
#[template(path = "record.html")]
pub struct RecordPage {
    /// Layout.
    pub layout: Layout,
    /// The error summary.
    pub errors: Vec<ErrorItem>,
    /// Required questions.
    pub required: Vec<FormField>,
    /// Optional questions.
    pub optional: Vec<FormField>,
}

const INJURY: [(&str, &str); 4] = [
    ("none", "No injury"),
    ("minor", "Minor"),
    ("serious", "Serious"),
    ("critical", "Critical"),
];
const LOCATION: [(&str, &str); 8] = [
    ("", "Choose"),
    ("street", "Street"),
    ("custody", "Custody suite"),
    ("vehicle", "Vehicle"),
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
    ("other", "Other"),
];
const STRANDS: [(&str, &str); 5] = [
    ("race", "Race"),
    ("religion", "Religion"),
    ("sexual_orientation", "Sexual orientation"),
    ("disability", "Disability"),
    ("transgender_identity", "Transgender identity"),
];
const ARRESTED: [(&str, &str); 3] = [
    ("yes", "Yes, a suspect was arrested"),
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

async fn build(
    state: &AppState,
    user: &PageUser,
    answers: &Fields,
    errors: &[(String, String)],
) -> RecordPage {
    let err = |name: &str| {
        errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    };
    let people = people(state, &user.actor).await;
    let units = state
        .app()
        .units_of_force(&user.actor)
        .await
        .unwrap_or_default();
    let fresh = answers.0.is_empty();
    let me = &user.user.account.person_id;
    let person = |name: &str, label: &str, hint: &str| {
        let f = if people.is_empty() {
            FormField::new("", name, label, "text").width("govuk-input--width-10")
        } else {
            FormField::new("", name, label, "select").options_owned(
                std::iter::once((String::new(), "Choose a person".to_owned())).chain(
                    people
                        .iter()
                        .map(|(id, n)| (id.clone(), format!("{n} ({id})"))),
                ),
            )
        };
        f.hint(hint).value(answers.get(name)).error(err(name))
    };
    let default_unit = match &user.actor {
        Actor::Person { unit, .. } => unit.clone().unwrap_or_default(),
        Actor::System { .. } => String::new(),
    };
    let supervisor_default = if user.actor.has(AccountRole::Supervisor) {
        me.as_str()
    } else {
        ""
    };
    let pick = |name: &str, default: &str| -> String {
        if fresh {
            default.to_owned()
        } else {
            answers.get(name).to_owned()
        }
    };
    let required = vec![
        FormField::new("", "date", "Date it happened", "date")
            .width("govuk-input--width-10")
            .value(&pick("date", ""))
            .error(err("date")),
        FormField::new("", "time", "Time it happened", "time")
            .hint("24-hour clock, UK time, for example 01:20")
            .width("govuk-input--width-5")
            .value(answers.get("time"))
            .error(err("time")),
        FormField::new("", "place", "Where it happened", "text")
            .hint("For example: outside 12 High Street, Northtown")
            .value(answers.get("place"))
            .error(err("place")),
        FormField::new("", "location_type", "Kind of place", "select")
            .options(LOCATION)
            .value(answers.get("location_type"))
            .error(err("location_type")),
        FormField::new("", "unit", "Unit", "select")
            .options_owned(units.iter().map(|u| (u.id.clone(), u.name.clone())))
            .value(&pick("unit", &default_unit))
            .error(err("unit")),
        person(
            "victim",
            "Who was assaulted",
            "The colleague assaulted. Add a second below if there was one.",
        ),
        FormField::new("", "injury", "How badly were they hurt?", "radios")
            .options(INJURY)
            .value(&pick("injury", ""))
            .error(err("injury")),
        FormField::new("", "hospitalised", "Were they taken to hospital?", "radios")
            .options(YES_NO)
            .value(answers.get("hospitalised"))
            .error(err("hospitalised")),
        FormField::new("", "summary", "What happened", "textarea")
            .hint("A few sentences: what the colleague was doing and what the suspect did")
            .value(answers.get("summary"))
            .error(err("summary")),
        FormField::new("", "hate_crime", "Was it a hate crime?", "checkboxes")
            .hint("Tick each strand that applies. Leave all unticked if it was not a hate crime.")
            .options(STRANDS)
            .values(&answers.all("hate_crime"))
            .error(err("hate_crime")),
        FormField::new("", "arrested", "Was a suspect arrested?", "radios")
            .options(ARRESTED)
            .value(answers.get("arrested"))
            .error(err("arrested")),
        FormField::new("", "no_arrest_reason", "If not, why not?", "textarea")
            .hint("Needed when there is a suspect but no arrest (the plan asks for the reason)")
            .value(answers.get("no_arrest_reason"))
            .error(err("no_arrest_reason")),
        person(
            "supervisor",
            "The victim's supervisor",
            "Their line manager or the initial supervisor",
        )
        .value(&pick("supervisor", supervisor_default)),
    ];
    let optional = vec![
        FormField::new("", "offence", "Offence", "select")
            .options(OFFENCE)
            .value(&pick("offence", "common_assault_emergency_worker"))
            .error(err("offence")),
        person("victim2", "A second colleague assaulted (optional)", ""),
        FormField::new(
            "",
            "injury2",
            "How badly was the second colleague hurt?",
            "radios",
        )
        .options(INJURY)
        .value(answers.get("injury2"))
        .error(err("injury2")),
        FormField::new("", "activity", "What was the colleague doing?", "select")
            .options(ACTIVITY)
            .value(answers.get("activity"))
            .error(err("activity")),
        FormField::new(
            "",
            "causal_factors",
            "Anything that made it worse?",
            "checkboxes",
        )
        .options(CAUSAL.iter().copied())
        .values(&answers.all("causal_factors")),
        FormField::new("", "how_reported", "How it was reported (optional)", "text")
            .hint("For example: radio, in person")
            .value(answers.get("how_reported")),
    ];
    let mut all = required.clone();
    all.extend(optional.iter().cloned());
    let mut items = summary(&all);
    for (f, m) in errors {
        if !all.iter().any(|x| &x.name == f) {
            items.push(ErrorItem {
                href: "#main-content".into(),
                message: format!("{f}: {m}"),
            });
        }
    }
    RecordPage {
        layout: user
            .layout("Record an assault", "/cases/new")
            .with_errors(!items.is_empty()),
        errors: items,
        required,
        optional,
    }
}

/// `GET /cases/new`.
pub async fn form(State(state): State<AppState>, user: PageUser) -> Response {
    build(&state, &user, &Fields::default(), &[])
        .await
        .into_response()
}

fn workforce_role(people_roles: &[(String, Option<String>)], id: &str) -> String {
    people_roles
        .iter()
        .find(|(p, _)| p == id)
        .and_then(|(_, r)| r.clone())
        .unwrap_or_else(|| "officer".to_owned())
}

/// Checks the answers and builds the `assault_reported` fields; errors name the field.
fn report(
    a: &Fields,
    force: &str,
    roles: &[(String, Option<String>)],
) -> Result<serde_json::Map<String, Value>, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let mut need = |name: &str, msg: &str| {
        if a.get(name).is_empty() {
            errors.push((name.to_owned(), msg.to_owned()));
        }
    };
    need("date", "Enter the date it happened");
    need("time", "Enter the time it happened");
    need("place", "Enter where it happened");
    need("location_type", "Choose the kind of place");
    need("unit", "Choose the unit");
    need("victim", "Choose who was assaulted");
    need("injury", "Say how badly they were hurt");
    need("hospitalised", "Say whether they were taken to hospital");
    need("summary", "Say what happened");
    need("arrested", "Say whether a suspect was arrested");
    need("supervisor", "Choose the victim's supervisor");
    if a.get("arrested") == "no" && a.get("no_arrest_reason").is_empty() {
        errors.push((
            "no_arrest_reason".into(),
            "Say why no arrest was made".into(),
        ));
    }
    if !a.get("victim2").is_empty() && a.get("injury2").is_empty() {
        errors.push((
            "injury2".into(),
            "Say how badly the second colleague was hurt".into(),
        ));
    }
    let occurred = format!("{}T{}", a.get("date"), a.get("time"));
    let occurred_at = if a.get("date").is_empty() || a.get("time").is_empty() {
        None
    } else {
        match occurred
            .parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| dt.in_tz("Europe/London").ok())
        {
            Some(z) => Some(z.timestamp()),
            None => {
                errors.push(("date".into(), "Enter a real date and time".into()));
                None
            }
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut victims = vec![json!({
        "person": a.get("victim"),
        "workforce_role": workforce_role(roles, a.get("victim")),
        "injury": a.get("injury"),
        "hospitalised": a.get("hospitalised") == "yes",
    })];
    if !a.get("victim2").is_empty() {
        victims.push(json!({
            "person": a.get("victim2"),
            "workforce_role": workforce_role(roles, a.get("victim2")),
            "injury": a.get("injury2"),
        }));
    }
    let suspects = match a.get("arrested") {
        "yes" => json!([{"identified": true}]),
        "no" => json!([{"identified": false}]),
        _ => json!([]),
    };
    let mut circumstances = serde_json::Map::new();
    if !a.get("activity").is_empty() {
        circumstances.insert("activity".into(), json!(a.get("activity")));
    }
    circumstances.insert("causal_factors".into(), json!(a.all("causal_factors")));
    let body = json!({
        "plan": {"id": "-", "version": 1},
        "force": force,
        "unit": a.get("unit"),
        "occurred_at": occurred_at,
        "place": a.get("place"),
        "location_type": a.get("location_type"),
        "how_reported": a.get("how_reported"),
        "supervisor": a.get("supervisor"),
        "victims": victims,
        "offence": if a.get("offence").is_empty() { "common_assault_emergency_worker" } else { a.get("offence") },
        "hate_crime": a.all("hate_crime"),
        "suspects": suspects,
        "circumstances": circumstances,
        "summary": a.get("summary"),
    });
    match body {
        Value::Object(m) => Ok(m),
        _ => Err(vec![("form".into(), "could not be read".into())]),
    }
}

/// The answer to "Was a suspect arrested?" as the step recorded with the report; an answer
/// that cannot be read is an error on its field, never dropped.
fn arrest_answer(a: &Fields) -> Result<Vec<pledge_domain::EventKind>, Vec<(String, String)>> {
    let (step, body) = match a.get("arrested") {
        "yes" => ("arrest_made", serde_json::Map::new()),
        "no" => {
            let mut m = serde_json::Map::new();
            m.insert("reason".into(), json!(a.get("no_arrest_reason")));
            ("no_arrest_recorded", m)
        }
        _ => return Ok(Vec::new()),
    };
    to_event_kind(step, body).map(|k| vec![k]).map_err(|p| {
        p.errors
            .iter()
            .map(|e| ("no_arrest_reason".to_owned(), e.message.clone()))
            .collect()
    })
}

/// `POST /cases/new`.
pub async fn submit(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let a = &form.fields;
    let now = state.now();
    let force = user.actor.force().unwrap_or_default().to_owned();
    let roles: Vec<(String, Option<String>)> =
        match state.app().people_of_force(&user.actor, now).await {
            Ok(ps) => ps.into_iter().map(|p| (p.id, p.workforce_role)).collect(),
            Err(_) => Vec::new(),
        };
    let st = &state;
    let again = |errors: Vec<(String, String)>| async move {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            build(st, user, a, &errors).await,
        )
            .into_response()
    };
    let body = match report(a, &force, &roles) {
        Ok(b) => b,
        Err(errors) => return again(errors).await,
    };
    let kind = match to_event_kind("assault_reported", body) {
        Ok(k) => k,
        Err(p) => {
            return again(
                p.errors
                    .iter()
                    .map(|e| (e.field.clone(), e.message.clone()))
                    .collect(),
            )
            .await;
        }
    };
    let answers = match arrest_answer(a) {
        Ok(answers) => answers,
        Err(errors) => return again(errors).await,
    };
    let summary = match state
        .app()
        .record_assault(
            &user.actor,
            NewAssault {
                case_id: None,
                report: kind,
                at: None,
                plan_in_force: true,
                answers,
            },
            now,
        )
        .await
    {
        Ok(s) => s,
        Err(pledge_app::AppError::Invalid { field, message })
        | Err(pledge_app::AppError::Refused(pledge_domain::Refusal::Invalid { field, message })) => {
            let field = match field.as_str() {
                "occurred_at" => "date".to_owned(),
                f if f.starts_with("victims") => "victim".to_owned(),
                f => f.to_owned(),
            };
            return again(vec![(field, message)]).await;
        }
        Err(e) => return PageError::from(e).page(user.layout("Record an assault", "/cases/new")),
    };
    Redirect::to(&format!("/cases/{}/recorded", summary.case_id)).into_response()
}
