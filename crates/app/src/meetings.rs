//! Removing a meeting date from a unit's calendar (adding one is `App::add_meeting`, with the
//! rest of the organisation data).

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{OrgAction, decide_org};
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, MeetingDate, Store};

impl<S: Store> App<S> {
    /// Removes a unit's meeting at `at` from one calendar, or (`calendar` None) from every
    /// calendar the plans declare that has it; returns what was removed. Whoever may maintain
    /// the unit's force's organisation data may (`policy::decide_org`, `Maintain`); a unit the
    /// actor may not even see (another force's), or a date on no calendar, is not found. A meeting already held stays: deadlines
    /// that ran to it were measured against it.
    pub async fn remove_meeting(
        &self,
        actor: &Actor,
        unit: &str,
        at: Timestamp,
        calendar: Option<&str>,
        now: Timestamp,
    ) -> AppResult<Vec<MeetingDate>> {
        let force = self
            .store
            .units()
            .await?
            .into_iter()
            .find(|u| u.id == unit)
            .map(|u| u.force)
            .filter(|f| decide_org(actor, OrgAction::ReadUnits, f))
            .ok_or(AppError::NotFound)?;
        if !decide_org(actor, OrgAction::Maintain, &force) {
            return Err(AppError::Forbidden("maintain meeting calendars".into()));
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
