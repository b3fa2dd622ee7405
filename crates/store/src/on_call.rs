//! The on-call rota: who holds a force-wide role from when until when.

use jiff::Timestamp;
use std::future::Future;

use crate::Result;

/// A shift on the rota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnCallShift {
    /// Its id (0 before it is stored).
    pub id: i64,
    /// The force.
    pub force: String,
    /// The role (a plan role's name: `force_incident_manager`, `on_call_chief_officer`, ...).
    pub role: String,
    /// Who is on call.
    pub person: String,
    /// From (inclusive).
    pub starts_at: Timestamp,
    /// Until (exclusive).
    pub ends_at: Timestamp,
    /// Who put it on the rota.
    pub recorded_by: String,
    /// When.
    pub recorded_at: Timestamp,
}

/// The rota. Implemented by both backends.
pub trait OnCallStore: Send + Sync {
    /// Adds shifts in one transaction (all or none); returns their ids in order.
    fn add_shifts(&self, shifts: &[OnCallShift]) -> impl Future<Output = Result<Vec<i64>>> + Send;
    /// Removes a shift of a force; false when the force has no such shift.
    fn remove_shift(&self, force: &str, id: i64) -> impl Future<Output = Result<bool>> + Send;
    /// Who is on call for a role of a force at a moment.
    fn on_call_at(
        &self,
        force: &str,
        role: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<Vec<OnCallShift>>> + Send;
    /// A force's shifts overlapping `[from, to)`, by start.
    fn shifts_between(
        &self,
        force: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = Result<Vec<OnCallShift>>> + Send;
}

/// The columns every read selects.
pub(crate) const SHIFT_COLS: &str =
    "id, force, role, person, starts_at, ends_at, recorded_by, recorded_at";

/// A shift back from a row of either backend.
pub(crate) fn shift_row(r: &impl crate::rows::Get) -> Result<OnCallShift> {
    use crate::encode::timestamp;
    Ok(OnCallShift {
        id: r.int("id")?,
        force: r.text("force")?,
        role: r.text("role")?,
        person: r.text("person")?,
        starts_at: timestamp(r.int("starts_at")?, "on_call.starts_at")?,
        ends_at: timestamp(r.int("ends_at")?, "on_call.ends_at")?,
        recorded_by: r.text("recorded_by")?,
        recorded_at: timestamp(r.int("recorded_at")?, "on_call.recorded_at")?,
    })
}
