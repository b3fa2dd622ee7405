//! The signed-in person's notification settings (`/notifications/settings`, linked from the
//! notification centre): email on or off for each optional kind, the kinds that are always
//! emailed, and quiet hours. A form without script; every decision is the app's
//! (`pledge_app::notifications`), which asks the policy.

use super::error::PageError;
use super::form::{ErrorItem, FormField, summary};
use super::layout::Layout;
use super::session::{Fields, PageForm, PageUser};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pledge_app::AppError;
use pledge_app::notifications::{NotificationChoices, optional_kinds};
use pledge_domain::notify::NoticeKind;

/// The settings page.
#[derive(Template, WebTemplate)]
#[template(path = "notification_settings.html")]
pub struct SettingsPage {
    /// Layout.
    pub layout: Layout,
    /// A success message ("" for none).
    pub notice: String,
    /// The error summary.
    pub errors: Vec<ErrorItem>,
    /// The kinds always emailed, in words.
    pub mandatory: Vec<&'static str>,
    /// The checkboxes of the optional kinds.
    pub choices: Vec<FormField>,
    /// The two times.
    pub quiet: Vec<FormField>,
}

/// A kind of notification in a person's words.
pub fn kind_words(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::OicAssigned => "You are made the officer in a case",
        NoticeKind::AssaultReported => "An assault on a colleague is reported",
        NoticeKind::SeriousInjury => "A colleague is seriously injured",
        NoticeKind::Hospitalised => "A colleague is taken to hospital (urgent)",
        NoticeKind::HateCrime => "An assault is recorded as a hate crime",
        NoticeKind::VictimUpdate => "Updates on your own case, as the colleague assaulted",
        NoticeKind::WelfareReferral => "A TRiM or welfare referral is made",
        NoticeKind::DueSoon => "A task you own is due soon",
        NoticeKind::Overdue => "A task you own is overdue",
        NoticeKind::Escalated => "An overdue task is escalated to you",
    }
}

fn layout(user: &PageUser) -> Layout {
    user.layout("Notification settings", "/notifications")
}

/// The page for `choices`, with what the person typed (`fields`, after a refused save) and
/// errors by field name.
fn settings_page(
    user: &PageUser,
    choices: &NotificationChoices,
    typed: Option<&Fields>,
    errors: &[(&str, String)],
    notice: String,
) -> Response {
    let err = |f: &str| errors.iter().find(|(k, _)| *k == f).map(|(_, m)| m.clone());
    let emailed: Vec<&str> = match typed {
        Some(f) => f.all("email"),
        None => choices
            .kinds
            .iter()
            .filter(|k| k.email && !k.mandatory)
            .map(|k| k.kind.as_str())
            .collect(),
    };
    let options: Vec<(String, String)> = optional_kinds()
        .map(|k| (k.as_str().to_owned(), kind_words(k).to_owned()))
        .collect();
    let choice = FormField::new("", "email", "Email me when", "checkboxes")
        .hint("Untick what you do not want by email.")
        .options_owned(options)
        .values(&emailed)
        .error(err("email"));
    let (start, end) = match (typed, &choices.quiet_hours) {
        (Some(f), _) => (
            f.get("quiet_start").to_owned(),
            f.get("quiet_end").to_owned(),
        ),
        (None, Some(q)) => (q.start(), q.end()),
        (None, None) => (String::new(), String::new()),
    };
    let quiet = vec![
        FormField::new("", "quiet_start", "Quiet hours start", "time")
            .hint("For example, 22:00")
            .value(&start)
            .width("govuk-input--width-5")
            .error(err("quiet_start")),
        FormField::new("", "quiet_end", "Quiet hours end", "time")
            .hint("For example, 07:00")
            .value(&end)
            .width("govuk-input--width-5")
            .error(err("quiet_end")),
    ];
    let mut all = vec![choice.clone()];
    all.extend(quiet.iter().cloned());
    let errors = summary(&all);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SettingsPage {
        layout: layout(user).with_errors(!errors.is_empty()),
        notice,
        errors,
        mandatory: choices
            .kinds
            .iter()
            .filter(|k| k.mandatory)
            .map(|k| kind_words(k.kind))
            .collect(),
        choices: vec![choice],
        quiet,
    };
    (status, page).into_response()
}

/// `GET /notifications/settings`.
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    match state.app().my_notification_settings(&user.actor).await {
        Ok(c) => settings_page(&user, &c, None, &[], String::new()),
        Err(e) => PageError::from(e).page(layout(&user)),
    }
}

/// `POST /notifications/settings`: saves the choices, or shows what is wrong by field.
pub async fn save(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let f = &form.fields;
    let app = state.app();
    let current = match app.my_notification_settings(&user.actor).await {
        Ok(c) => c,
        Err(e) => return PageError::from(e).page(layout(user)),
    };
    let wanted = f.all("email");
    let off: Vec<String> = optional_kinds()
        .filter(|k| !wanted.contains(&k.as_str()))
        .map(|k| k.as_str().to_owned())
        .collect();
    let (start, end) = (f.get("quiet_start"), f.get("quiet_end"));
    let quiet = match (start.is_empty(), end.is_empty()) {
        (true, true) => None,
        (false, true) => {
            let e = "Enter the end of quiet hours, a time like 07:00, or leave both empty";
            return settings_page(
                user,
                &current,
                Some(f),
                &[("quiet_end", e.into())],
                String::new(),
            );
        }
        (true, false) => {
            let e = "Enter the start of quiet hours, a time like 22:00, or leave both empty";
            return settings_page(
                user,
                &current,
                Some(f),
                &[("quiet_start", e.into())],
                String::new(),
            );
        }
        (false, false) => Some((start, end)),
    };
    match app
        .set_my_notification_settings(&user.actor, &off, quiet, state.now())
        .await
    {
        Ok(saved) => settings_page(
            user,
            &saved,
            None,
            &[],
            "Your notification settings are saved.".into(),
        ),
        Err(AppError::Invalid { field, message }) => {
            let field = match field.as_str() {
                "quiet_hours.start" => "quiet_start",
                "quiet_hours.end" => "quiet_end",
                _ => "email",
            };
            settings_page(user, &current, Some(f), &[(field, message)], String::new())
        }
        Err(e) => PageError::from(e).page(layout(user)),
    }
}
