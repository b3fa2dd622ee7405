//! The caller's own notification choices: `GET/PUT /me/notification-settings`. Email on or
//! off for each optional kind (mandatory kinds are always emailed) and quiet hours in London
//! time; in-app notifications are always recorded. Every decision is the app's
//! (`pledge_app::notifications`); a person's settings are their own alone.

use crate::api::json::ApiJson;
use crate::auth::CurrentActor;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use pledge_app::notifications::NotificationChoices;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A kind of notification and whether it is emailed to you.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindEmail {
    /// The kind (`oic_assigned`, `due_soon`, ...).
    kind: String,
    /// Emailed to you (always true for a mandatory kind).
    email: bool,
    /// Cannot be turned off: the plan says you must be told.
    mandatory: bool,
}

/// Quiet hours: email waits from `start` until `end` (London time; an end before the start
/// spans midnight), except urgent notifications, which go at once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursBody {
    /// When quiet hours start, `HH:MM` (24-hour clock).
    #[schema(
        min_length = 4,
        max_length = 5,
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        example = "22:00"
    )]
    start: String,
    /// When they end, `HH:MM`; must differ from the start.
    #[schema(
        min_length = 4,
        max_length = 5,
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        example = "07:00"
    )]
    end: String,
}

/// Your notification settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationSettingsView {
    /// Every kind of notification and whether it is emailed to you. In-app notifications are
    /// always recorded, whatever you choose here.
    kinds: Vec<KindEmail>,
    /// Your quiet hours, or null for none.
    quiet_hours: Option<QuietHoursBody>,
    /// The time zone quiet hours are read in.
    #[schema(example = "Europe/London")]
    time_zone: String,
}

/// A kind of notification you may turn email off for.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // only describes the schema: the body is read as text, checked by the app
enum OptionalKind {
    /// A task you own is due soon.
    DueSoon,
    /// An update on your own case (as its victim).
    VictimUpdate,
}

/// Your choices, replacing what you had.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettingsRequest {
    /// The kinds you want no email for. Only optional kinds: a mandatory kind (everything the
    /// plan says you must be told) cannot be turned off.
    #[serde(default)]
    #[schema(value_type = Vec<OptionalKind>, max_items = 10)]
    email_off: Vec<String>,
    /// Quiet hours, or null (or absent) for none.
    #[serde(default)]
    quiet_hours: Option<QuietHoursBody>,
}

impl From<NotificationChoices> for NotificationSettingsView {
    fn from(c: NotificationChoices) -> Self {
        NotificationSettingsView {
            kinds: c
                .kinds
                .into_iter()
                .map(|k| KindEmail {
                    kind: k.kind.as_str().to_owned(),
                    email: k.email,
                    mandatory: k.mandatory,
                })
                .collect(),
            quiet_hours: c.quiet_hours.map(|q| QuietHoursBody {
                start: q.start(),
                end: q.end(),
            }),
            time_zone: "Europe/London".into(),
        }
    }
}

/// My notification settings: which kinds are emailed, and my quiet hours.
#[utoipa::path(get, path = "/me/notification-settings", tag = "notifications",
    operation_id = "my_notification_settings",
    responses((status = 200, description = "My settings (every kind emailed, no quiet hours, until I choose)", body = NotificationSettingsView),
              (status = 401, body = Problem),
              (status = 403, description = "Only a person signed in has settings", body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> ApiResult<Json<NotificationSettingsView>> {
    let choices = state.app().my_notification_settings(&actor).await?;
    Ok(Json(choices.into()))
}

/// Replaces my notification settings. They apply to notifications written from now on.
#[utoipa::path(put, path = "/me/notification-settings", tag = "notifications",
    operation_id = "set_my_notification_settings",
    request_body = NotificationSettingsRequest,
    responses((status = 200, description = "Saved; the settings now", body = NotificationSettingsView),
              (status = 401, body = Problem),
              (status = 403, description = "Only a person signed in has settings", body = Problem),
              (status = 422, description = "A mandatory or unknown kind, a time not like 07:00, or an end equal to the start", body = Problem)))]
pub async fn write(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<NotificationSettingsRequest>,
) -> ApiResult<Json<NotificationSettingsView>> {
    let quiet = body
        .quiet_hours
        .as_ref()
        .map(|q| (q.start.as_str(), q.end.as_str()));
    let choices = state
        .app()
        .set_my_notification_settings(&actor, &body.email_off, quiet, state.now())
        .await?;
    Ok(Json(choices.into()))
}
