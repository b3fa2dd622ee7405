//! Each person's notification choices (migration 0019): the optional kinds they do not want by
//! email and their quiet hours. The store keeps them; the domain decides what they mean
//! (`pledge_domain::notify::email_decision`) and the application checks them before saving.

use crate::error::Result;
use jiff::Timestamp;
use std::future::Future;

/// A person's stored choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationSettings {
    /// The person.
    pub person: String,
    /// `NoticeKind` names the person turned email off for.
    pub email_off: Vec<String>,
    /// Quiet hours as minutes after midnight (start, end), London wall-clock time.
    pub quiet_hours: Option<(u16, u16)>,
    /// When last saved.
    pub updated_at: Timestamp,
}

/// The choices. Both backends pass the conformance suite's `notification_settings` tests.
pub trait NotificationSettingsStore: Send + Sync {
    /// A person's choices; `None` when they have never saved any (the default: everything
    /// by email, at any hour).
    fn notification_settings(
        &self,
        person: &str,
    ) -> impl Future<Output = Result<Option<NotificationSettings>>> + Send;

    /// Saves a person's choices, replacing what was there.
    fn set_notification_settings(
        &self,
        settings: &NotificationSettings,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// The columns every read selects.
pub(crate) const SETTINGS_COLS: &str = "person, email_off, quiet_start, quiet_end, updated_at";

/// Choices back from a row of either backend.
pub(crate) fn settings_row(r: &impl crate::rows::Get) -> Result<NotificationSettings> {
    use crate::encode::{timestamp, uint};
    let quiet = match (r.opt_int("quiet_start")?, r.opt_int("quiet_end")?) {
        (Some(s), Some(e)) => Some((uint(s, "quiet_start")?, uint(e, "quiet_end")?)),
        _ => None,
    };
    Ok(NotificationSettings {
        person: r.text("person")?,
        email_off: r
            .text("email_off")?
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        quiet_hours: quiet,
        updated_at: timestamp(r.int("updated_at")?, "notification_settings.updated_at")?,
    })
}

/// The stored form of the kinds turned off.
pub(crate) fn email_off_text(s: &NotificationSettings) -> String {
    s.email_off.join(",")
}

impl NotificationSettingsStore for crate::AnyStore {
    async fn notification_settings(&self, person: &str) -> Result<Option<NotificationSettings>> {
        match self {
            crate::AnyStore::Sqlite(s) => s.notification_settings(person).await,
            crate::AnyStore::Postgres(s) => s.notification_settings(person).await,
        }
    }
    async fn set_notification_settings(&self, settings: &NotificationSettings) -> Result<()> {
        match self {
            crate::AnyStore::Sqlite(s) => s.set_notification_settings(settings).await,
            crate::AnyStore::Postgres(s) => s.set_notification_settings(settings).await,
        }
    }
}
