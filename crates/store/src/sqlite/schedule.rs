//! Units' recurring meeting schedules on this backend (see [`crate::schedule`]).

use super::SqliteStore;
use crate::encode::micros;
use crate::error::Result;
use crate::schedule::{MeetingSchedule, MeetingScheduleStore, schedule_row};
use jiff::Timestamp;

impl MeetingScheduleStore for SqliteStore {
    async fn set_meeting_schedule(
        &self,
        s: &MeetingSchedule,
        meetings: &[Timestamp],
        now: Timestamp,
    ) -> Result<()> {
        let (_guard, mut tx) = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO meeting_schedule (calendar, unit, schedule, set_by, set_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (calendar, unit) DO UPDATE SET schedule = excluded.schedule, set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(&s.calendar)
        .bind(&s.unit)
        .bind(&s.schedule)
        .bind(&s.set_by)
        .bind(micros(s.set_at))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM meeting WHERE calendar = ? AND unit = ? AND from_schedule = 1 AND at >= ?",
        )
        .bind(&s.calendar)
        .bind(&s.unit)
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        for at in meetings.iter().filter(|at| **at >= now) {
            sqlx::query(
                "INSERT INTO meeting (calendar, unit, at, from_schedule) VALUES (?, ?, ?, 1) ON CONFLICT DO NOTHING",
            )
            .bind(&s.calendar)
            .bind(&s.unit)
            .bind(micros(*at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn clear_meeting_schedule(
        &self,
        calendar: &str,
        unit: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let (_guard, mut tx) = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM meeting_schedule WHERE calendar = ? AND unit = ?")
            .bind(calendar)
            .bind(unit)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "DELETE FROM meeting WHERE calendar = ? AND unit = ? AND from_schedule = 1 AND at >= ?",
        )
        .bind(calendar)
        .bind(unit)
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn meeting_schedules(&self) -> Result<Vec<MeetingSchedule>> {
        sqlx::query("SELECT * FROM meeting_schedule ORDER BY calendar, unit")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(schedule_row)
            .collect()
    }
}
