//! Removing a meeting date from a unit's calendar (adding one is `App::add_meeting`, with the
//! rest of the organisation data).

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, MeetingDate, Store};

impl<S: Store> App<S> {
    /// Removes a meeting date of a unit of the actor's force. Whoever may maintain the
    /// force's organisation data may (the policy's organisation rule); a unit of another
    /// force, or a date that is not on the calendar, is not found. A meeting already held
    /// stays: deadlines that ran to it were measured against it.
    pub async fn remove_meeting(
        &self,
        actor: &Actor,
        meeting: MeetingDate,
        now: Timestamp,
    ) -> AppResult<()> {
        if !crate::org::may_maintain_org(actor) {
            return Err(AppError::Forbidden("maintain meeting calendars".into()));
        }
        let units = self.units_of_force(actor).await?;
        if actor.force().is_none() || !units.iter().any(|u| u.id == meeting.unit) {
            return Err(AppError::NotFound);
        }
        if meeting.at < now {
            return Err(AppError::invalid(
                "date",
                "a meeting already held cannot be removed",
            ));
        }
        if !self.store.remove_meeting(&meeting).await? {
            return Err(AppError::NotFound);
        }
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Alter,
                case_id: None,
                what: format!(
                    "meeting {} of {} at {} removed",
                    meeting.calendar, meeting.unit, meeting.at
                ),
                justification: "maintaining the meeting calendars".into(),
            })
            .await?;
        Ok(())
    }
}
