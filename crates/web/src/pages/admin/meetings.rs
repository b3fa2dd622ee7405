//! Meeting calendars: the coming meetings of the force's units on every calendar the plans
//! declare (`trm`, ...), a form to add a date and a button to remove one, through
//! `App::add_meeting` and `App::remove_meeting` (which decide who may and what is valid).
//! Dates and times are entered in UK time.

use super::meeting_schedules::{schedule_form, schedule_sentence};
use super::{AdminForm, AdminPage, Row, RowAction, admin_only, named, page, respond};
use crate::pages::error::PageError;
use crate::pages::form::{FormField, summary};
use crate::pages::session::{Fields, PageForm, PageUser};
use crate::pages::words;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use pledge_app::AppError;
use pledge_store::MeetingDate;

pub(super) async fn meetings_page(
    state: &AppState,
    user: &PageUser,
    fields: &Fields,
    errors: Vec<(String, String)>,
    notice: String,
) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let app = state.app();
    let calendars = app.meeting_calendars();
    let title = |id: &str| {
        calendars
            .iter()
            .find(|(c, _)| c == id)
            .map(|(_, t)| format!("{t} ({id})"))
            .unwrap_or_else(|| id.to_owned())
    };
    let units = app.units_of_force(&user.actor).await?;
    let rows = app
        .coming_meetings(&user.actor, state.now())
        .await?
        .into_iter()
        .take(200)
        .map(|m| Row {
            actions: vec![RowAction {
                action: "/admin/meetings/remove",
                name: "at",
                value: m.at.to_string(),
                label: "Remove",
                hidden: vec![("calendar", m.calendar.clone()), ("unit", m.unit.clone())],
            }],
            cells: vec![title(&m.calendar), m.unit, words::when(m.at)],
        })
        .collect();
    let mut p = page(
        user.layout("Meeting calendars", "/admin"),
        "Meeting calendars",
        vec!["Calendar", "Unit", "When", "Action"],
        rows,
    );
    p.intro.push("Some deadlines of the plan run to a unit's next meeting (for example its tasking and resourcing meeting). Set each unit's recurring meeting, or add single dates here.".into());
    let schedules = app.meeting_schedules(&user.actor).await?;
    if schedules.is_empty() {
        p.intro.push("No unit has a recurring meeting set.".into());
    }
    for s in &schedules {
        p.intro
            .push(schedule_sentence(s, &title(&s.calendar), &units));
    }
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    let mut unit_options = vec![(String::new(), "Choose a unit".to_owned())];
    unit_options.extend(
        units
            .iter()
            .map(|u| (u.id.clone(), format!("{} ({})", u.name, u.id))),
    );
    let every = schedule_form(&calendars, &units, fields, err);
    let form = AdminForm {
        action: "/admin/meetings",
        heading: "Add a meeting date",
        fields: vec![
            FormField::new("", "calendar", "Calendar", "select")
                .options_owned(
                    calendars
                        .iter()
                        .map(|(id, t)| (id.clone(), format!("{t} ({id})"))),
                )
                .value(fields.get("calendar"))
                .error(err("calendar")),
            FormField::new("", "unit", "Unit", "select")
                .options_owned(unit_options)
                .value(fields.get("unit"))
                .error(err("unit")),
            FormField::new("", "date", "Date", "date")
                .hint("UK time, for example 1 December 2026.")
                .value(fields.get("date"))
                .error(err("date")),
            FormField::new("", "time", "Time", "time")
                .hint("24-hour clock, for example 10:00.")
                .value(fields.get("time"))
                .error(err("time")),
        ],
        button: "Add meeting",
    };
    p.errors = summary(&form.fields);
    p.errors.extend(summary(&every.fields));
    p.layout = p.layout.with_errors(!p.errors.is_empty());
    p.forms.push(every);
    p.forms.push(form);
    p.table_heading = "Coming meetings";
    p.notice = notice;
    Ok(p)
}

/// `GET /admin/meetings`.
pub async fn meetings(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Meeting calendars", "/admin");
    respond(
        meetings_page(&state, &user, &Fields::default(), Vec::new(), String::new()).await,
        layout,
    )
}

/// The date and time fields (UK time) as a moment, or the errors naming the fields.
fn uk_time(fields: &Fields) -> Result<jiff::Timestamp, Vec<(String, String)>> {
    let (date, time) = (fields.get("date"), fields.get("time"));
    let mut errors = Vec::new();
    if date.is_empty() {
        errors.push((
            "date".to_owned(),
            named("Date", "enter the date of the meeting"),
        ));
    }
    if time.is_empty() {
        errors.push((
            "time".to_owned(),
            named("Time", "enter the time of the meeting"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    format!("{date}T{time}")
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.in_tz("Europe/London").ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            vec![(
                "date".to_owned(),
                named("Date", "enter a real date and time"),
            )]
        })
}

/// `POST /admin/meetings`: adds a meeting date.
pub async fn add_meeting(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("Meeting calendars", "/admin");
    let r = async {
        admin_only(user)?;
        let f = &form.fields;
        let mut errors = Vec::new();
        if f.get("unit").is_empty() {
            errors.push((
                "unit".to_owned(),
                named("Unit", "choose the unit whose meeting it is"),
            ));
        }
        let at = match uk_time(f) {
            Ok(at) => Some(at),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        let (Some(at), true) = (at, errors.is_empty()) else {
            errors.sort_by_key(|(k, _)| {
                ["calendar", "unit", "date", "time"]
                    .iter()
                    .position(|x| x == k)
            });
            return meetings_page(&state, user, f, errors, String::new()).await;
        };
        let meeting = MeetingDate {
            calendar: f.get("calendar").to_owned(),
            unit: f.get("unit").to_owned(),
            at,
        };
        match state
            .app()
            .add_meeting(&user.actor, meeting.clone(), state.now())
            .await
        {
            Ok(()) => {
                let notice = format!(
                    "Meeting added: {}, {}, {}.",
                    meeting.calendar,
                    meeting.unit,
                    words::when(meeting.at)
                );
                meetings_page(&state, user, &Fields::default(), Vec::new(), notice).await
            }
            Err(AppError::Invalid { field, message }) => {
                let (field, label) = match field.as_str() {
                    "calendar" => ("calendar", "Calendar"),
                    "unit" => ("unit", "Unit"),
                    _ => ("date", "Date"),
                };
                let errors = vec![(field.to_owned(), named(label, &message))];
                meetings_page(&state, user, f, errors, String::new()).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    respond(r, layout)
}

/// `POST /admin/meetings/remove`: removes a coming meeting date.
pub async fn remove_meeting(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("Meeting calendars", "/admin");
    let r = async {
        admin_only(user)?;
        let f = &form.fields;
        let at: jiff::Timestamp = f.get("at").parse().map_err(|_| {
            PageError::from(Problem::invalid("at", "the page is out of date; reload it"))
        })?;
        let removed = state
            .app()
            .remove_meeting(
                &user.actor,
                f.get("unit"),
                at,
                Some(f.get("calendar")),
                state.now(),
            )
            .await?;
        let notice = removed
            .first()
            .map(|m| {
                format!(
                    "Meeting removed: {}, {}, {}.",
                    m.calendar,
                    m.unit,
                    words::when(m.at)
                )
            })
            .unwrap_or_default();
        meetings_page(&state, user, &Fields::default(), Vec::new(), notice).await
    }
    .await;
    respond(r, layout)
}
