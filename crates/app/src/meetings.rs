//! Removing a meeting date from a unit's calendar (adding one is `App::add_meeting`, with the
//! rest of the organisation data).

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, MeetingDate, Store};

impl<S: Store> App<S> {
    /// Removes a unit's meeting at `at` from one calendar, or (`calendar` None) from every
    /// calendar the plans declare that has it; returns what was removed. Whoever may maintain
    /// the force's organisation data may (the policy's organisation rule); a unit of another
    /// force, or a date on no calendar, is not found. A meeting already held stays: deadlines
    /// that ran to it were measured against it.
    pub async fn remove_meeting(
        &self,
        actor: &Actor,
        unit: &str,
        at: Timestamp,
        calendar: Option<&str>,
        now: Timestamp,
    ) -> AppResult<Vec<MeetingDate>> {
        if !crate::org::may_maintain_org(actor) {
            return Err(AppError::Forbidden("maintain meeting calendars".into()));
        }
        let units = self.units_of_force(actor).await?;
        if actor.force().is_none() || !units.iter().any(|u| u.id == unit) {
            return Err(AppError::NotFound);
        }
        let calendars: Vec<String> = match calendar {
            Some(c) => {
                if !self.meeting_calendars().iter().any(|(id, _)| id == c) {
                    return Err(AppError::invalid(
                        "calendar",
                        format!("no plan has a meeting calendar \"{c}\""),
                    ));
                }
                vec![c.to_owned()]
            }
            None => self
                .meeting_calendars()
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
        };
        if at < now {
            return Err(AppError::invalid(
                "date",
                "a meeting already held cannot be removed",
            ));
        }
        let mut removed = Vec::new();
        for calendar in calendars {
            let meeting = MeetingDate {
                calendar,
                unit: unit.to_owned(),
                at,
            };
            if self.store.remove_meeting(&meeting).await? {
                removed.push(meeting);
            }
        }
        if removed.is_empty() {
            return Err(AppError::NotFound);
        }
        for m in &removed {
            self.store
                .record_access(AccessEntry {
                    at: now,
                    actor: actor.log_id(),
                    action: AccessAction::Alter,
                    case_id: None,
                    what: format!("meeting {} of {} at {} removed", m.calendar, m.unit, m.at),
                    justification: "maintaining the meeting calendars".into(),
                })
                .await?;
        }
        Ok(removed)
    }
}
