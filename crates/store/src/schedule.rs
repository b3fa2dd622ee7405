//! Units' recurring meeting schedules (one per unit and calendar, as text the domain's
//! `WeeklySchedule` reads). Setting one replaces the coming meetings it gave before with the
//! ones it gives now, in one transaction; meetings already held and dates added by hand stay.
//! See migration 0017.

use crate::Result;
use jiff::Timestamp;
use std::future::Future;

/// A unit's recurring meeting on one calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingSchedule {
    /// Calendar id (`trm`).
    pub calendar: String,
    /// The unit whose meeting it is.
    pub unit: String,
    /// The schedule: "every Tuesday at 10:00 from 2026-01-06 [until ...] [except ...]".
    pub schedule: String,
    /// Who set it (a person id).
    pub set_by: String,
    /// When.
    pub set_at: Timestamp,
}

/// The recurring schedules. Implemented by both backends.
pub trait MeetingScheduleStore: Send + Sync {
    /// Sets (or replaces) a unit's schedule on a calendar: removes the coming meetings (at or
    /// after `now`) an earlier schedule gave, and adds `meetings` (those before `now` are
    /// ignored). A date already on the calendar by hand stays a hand-added date.
    fn set_meeting_schedule(
        &self,
        schedule: &MeetingSchedule,
        meetings: &[Timestamp],
        now: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Clears a unit's schedule on a calendar and the coming meetings it gave; false when
    /// there was none.
    fn clear_meeting_schedule(
        &self,
        calendar: &str,
        unit: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// Every schedule, by calendar then unit.
    fn meeting_schedules(&self) -> impl Future<Output = Result<Vec<MeetingSchedule>>> + Send;
}

pub(crate) fn schedule_row(r: &impl crate::rows::Get) -> Result<MeetingSchedule> {
    Ok(MeetingSchedule {
        calendar: r.text("calendar")?,
        unit: r.text("unit")?,
        schedule: r.text("schedule")?,
        set_by: r.text("set_by")?,
        set_at: crate::encode::timestamp(r.int("set_at")?, "meeting_schedule.set_at")?,
    })
}
