//! A unit's recurring meeting on the meeting calendars page: the form that sets one ("every
//! Tuesday at 10:00 from ..., except ...") and the sentences that say which are set, through
//! `App::set_meeting_schedule` (which decides who may and what is valid).

use super::meetings::meetings_page;
use super::{AdminForm, admin_only, named, respond};
use crate::pages::error::PageError;
use crate::pages::form::FormField;
use crate::pages::session::{Fields, PageForm};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use pledge_app::AppError;
use pledge_store::{MeetingSchedule, Unit};

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The form that sets a unit's recurring meeting.
pub(super) fn schedule_form(
    calendars: &[(String, String)],
    units: &[Unit],
    fields: &Fields,
    err: impl Fn(&str) -> Option<String>,
) -> AdminForm {
    let mut unit_options = vec![(String::new(), "Choose a unit".to_owned())];
    unit_options.extend(
        units
            .iter()
            .map(|u| (u.id.clone(), format!("{} ({})", u.name, u.id))),
    );
    let mut days = vec![(String::new(), "Choose a day".to_owned())];
    days.extend(WEEKDAYS.iter().map(|d| (d.to_string(), d.to_string())));
    AdminForm {
        action: "/admin/meetings/schedule",
        heading: "Set a unit's recurring meeting",
        fields: vec![
            FormField::new("", "every_calendar", "Calendar", "select")
                .options_owned(
                    calendars
                        .iter()
                        .map(|(id, t)| (id.clone(), format!("{t} ({id})"))),
                )
                .value(fields.get("every_calendar"))
                .error(err("every_calendar")),
            FormField::new("", "every_unit", "Unit", "select")
                .options_owned(unit_options)
                .value(fields.get("every_unit"))
                .error(err("every_unit")),
            FormField::new("", "weekday", "Day of the week", "select")
                .options_owned(days)
                .value(fields.get("weekday"))
                .error(err("weekday")),
            FormField::new("", "every_time", "Time", "time")
                .hint("UK time, 24-hour clock, for example 10:00.")
                .value(fields.get("every_time"))
                .error(err("every_time")),
            FormField::new("", "from", "First date", "date")
                .hint("The first meeting is on the first of this day of the week from this date.")
                .value(fields.get("from"))
                .error(err("from")),
            FormField::new("", "until", "Last date (optional)", "date")
                .hint("Leave empty if it carries on.")
                .value(fields.get("until"))
                .error(err("until")),
            FormField::new("", "except", "Dates it does not meet (optional)", "text")
                .hint("For example bank holidays: 2026-12-29, 2027-01-05.")
                .value(fields.get("except"))
                .error(err("except")),
        ],
        button: "Set recurring meeting",
    }
}

/// "North response (north-response): every Tuesday at 10:00 from 2026-01-06, on the TRM."
pub(super) fn schedule_sentence(
    s: &MeetingSchedule,
    calendar_title: &str,
    units: &[Unit],
) -> String {
    let unit = units
        .iter()
        .find(|u| u.id == s.unit)
        .map(|u| u.name.as_str())
        .unwrap_or(s.unit.as_str());
    format!("{unit}: {}, {calendar_title}.", s.schedule)
}

/// Which field of the form a message of `WeeklySchedule::parse` is about.
fn field_of(message: &str) -> (&'static str, &'static str) {
    if message.contains("exception") {
        ("except", "Dates it does not meet")
    } else if message.contains("last date") || message.contains("before the first") {
        ("until", "Last date")
    } else if message.contains("not a time") {
        ("every_time", "Time")
    } else if message.contains("day of the week") {
        ("weekday", "Day of the week")
    } else {
        ("from", "First date")
    }
}

/// `POST /admin/meetings/schedule`: sets a unit's recurring meeting.
pub async fn set_meeting_schedule(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("Meeting calendars", "/admin");
    let r = async {
        admin_only(user)?;
        let f = &form.fields;
        let mut errors: Vec<(String, String)> = Vec::new();
        for (name, label, says) in [
            ("every_unit", "Unit", "choose the unit whose meeting it is"),
            ("weekday", "Day of the week", "choose the day it meets"),
            ("every_time", "Time", "enter the time it meets"),
            ("from", "First date", "enter the date from which it meets"),
        ] {
            if f.get(name).trim().is_empty() {
                errors.push((name.to_owned(), named(label, says)));
            }
        }
        if !errors.is_empty() {
            return meetings_page(&state, user, f, errors, String::new()).await;
        }
        let mut text = format!(
            "every {} at {} from {}",
            f.get("weekday").trim(),
            f.get("every_time").trim(),
            f.get("from").trim()
        );
        if !f.get("until").trim().is_empty() {
            text.push_str(&format!(" until {}", f.get("until").trim()));
        }
        if !f.get("except").trim().is_empty() {
            text.push_str(&format!(" except {}", f.get("except").trim()));
        }
        match state
            .app()
            .set_meeting_schedule(
                &user.actor,
                f.get("every_calendar"),
                f.get("every_unit"),
                &text,
                state.now(),
            )
            .await
        {
            Ok(s) => {
                let notice = format!("Recurring meeting set: {}, {}.", s.unit, s.schedule);
                meetings_page(&state, user, &Fields::default(), Vec::new(), notice).await
            }
            Err(AppError::Invalid { field, message }) => {
                let (name, label) = match field.as_str() {
                    "calendar" => ("every_calendar", "Calendar"),
                    "unit" => ("every_unit", "Unit"),
                    _ => field_of(&message),
                };
                let errors = vec![(name.to_owned(), named(label, &message))];
                meetings_page(&state, user, f, errors, String::new()).await
            }
            Err(e) => Err::<_, PageError>(e.into()),
        }
    }
    .await;
    respond(r, layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_of_the_schedule_reads_to_a_field_of_the_form() {
        for (text, field) in [
            ("every Funday at 10:00 from 2026-01-06", "weekday"),
            ("every Tuesday at ten from 2026-01-06", "every_time"),
            ("every Tuesday at 10:00 from soon", "from"),
            (
                "every Tuesday at 10:00 from 2026-02-01 until 2026-01-01",
                "until",
            ),
            (
                "every Tuesday at 10:00 from 2026-01-06 until never",
                "until",
            ),
            (
                "every Tuesday at 10:00 from 2026-01-06 except 2026-13-01",
                "except",
            ),
        ] {
            let message = pledge_domain::evaluate::WeeklySchedule::parse(text)
                .err()
                .unwrap_or_default();
            assert_eq!(field_of(&message).0, field, "{text}: {message}");
        }
    }
}
