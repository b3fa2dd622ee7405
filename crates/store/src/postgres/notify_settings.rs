//! Each person's notification choices on PostgreSQL (see [`crate::notify_settings`]).

use super::PostgresStore;
use crate::encode::micros;
use crate::error::Result;
use crate::notify_settings::{
    NotificationSettings, NotificationSettingsStore, SETTINGS_COLS, email_off_text, settings_row,
};

impl NotificationSettingsStore for PostgresStore {
    async fn notification_settings(&self, person: &str) -> Result<Option<NotificationSettings>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SETTINGS_COLS} FROM notification_settings WHERE person = $1"
        )))
        .bind(person)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(settings_row)
        .transpose()
    }

    async fn set_notification_settings(&self, s: &NotificationSettings) -> Result<()> {
        sqlx::query(
            "INSERT INTO notification_settings (person, email_off, quiet_start, quiet_end, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person) DO UPDATE SET \
             email_off = excluded.email_off, quiet_start = excluded.quiet_start, \
             quiet_end = excluded.quiet_end, updated_at = excluded.updated_at",
        )
        .bind(&s.person)
        .bind(email_off_text(s))
        .bind(s.quiet_hours.map(|(a, _)| i64::from(a)))
        .bind(s.quiet_hours.map(|(_, b)| i64::from(b)))
        .bind(micros(s.updated_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
