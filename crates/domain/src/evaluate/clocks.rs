//! What evaluation needs beyond the plan and the case: working-day calendars and the dates
//! of the meetings plans refer to.

use crate::calendar::Calendar;
use jiff::Timestamp;
use std::collections::HashMap;

/// Meeting dates by calendar id (e.g. `trm`), sorted.
#[derive(Debug, Clone, Default)]
pub struct Meetings {
    by_id: HashMap<String, Vec<Timestamp>>,
}

impl Meetings {
    /// Adds meetings to a calendar.
    pub fn add(&mut self, id: &str, times: impl IntoIterator<Item = Timestamp>) {
        let v = self.by_id.entry(id.to_owned()).or_default();
        v.extend(times);
        v.sort();
        v.dedup();
    }

    /// The first meeting of `id` strictly after `t`.
    pub fn next_after(&self, id: &str, t: Timestamp) -> Option<Timestamp> {
        let v = self.by_id.get(id)?;
        let i = v.partition_point(|m| *m <= t);
        v.get(i).copied()
    }
}

/// The calendars a case's clocks count in.
#[derive(Debug, Clone, Copy)]
pub struct Clocks<'a> {
    /// Working days and local time.
    pub calendar: &'a Calendar,
    /// Meeting calendars.
    pub meetings: &'a Meetings,
}
