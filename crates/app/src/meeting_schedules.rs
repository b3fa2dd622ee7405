//! Units' recurring meeting schedules ("every Tuesday at 10:00 from 2026-01-06 except ..."):
//! set, read and cleared by whoever may maintain the force's organisation data
//! (`policy::decide_org`, `Maintain`; default deny). The domain's `WeeklySchedule` reads the
//! text and gives the meetings; the store puts the coming ones on the unit's calendar, where
//! every "to the next meeting" deadline reads them.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::org::allowed_force;
use crate::policy::OrgAction;
use jiff::Timestamp;
use pledge_domain::evaluate::WeeklySchedule;
use pledge_store::{AccessAction, AccessEntry, MeetingSchedule, Store};

impl<S: Store> App<S> {
    /// The recurring schedules of the units of the actor's force, by calendar then unit.
    pub async fn meeting_schedules(&self, actor: &Actor) -> AppResult<Vec<MeetingSchedule>> {
        allowed_force(actor, OrgAction::Maintain, "see the meeting calendars")?;
        let units = self.units_of_force(actor).await?;
        Ok(self
            .store
            .meeting_schedules()
            .await?
            .into_iter()
            .filter(|s| units.iter().any(|u| u.id == s.unit))
            .collect())
    }

    /// Sets (or replaces) a unit's recurring meeting on one calendar. The calendar must be
    /// one the plans declare and the unit one of the actor's force; the schedule is read by
    /// `WeeklySchedule::parse` (an error names the part that is wrong). Only the coming
    /// meetings change: a meeting already held stays, as do dates added by hand.
    pub async fn set_meeting_schedule(
        &self,
        actor: &Actor,
        calendar: &str,
        unit: &str,
        schedule: &str,
        now: Timestamp,
    ) -> AppResult<MeetingSchedule> {
        allowed_force(actor, OrgAction::Maintain, "maintain meeting calendars")?;
        self.check_calendar_and_unit(actor, calendar, unit).await?;
        let parsed =
            WeeklySchedule::parse(schedule).map_err(|e| AppError::invalid("schedule", e))?;
        let meetings = parsed.occurrences(&self.calendar);
        let stored = MeetingSchedule {
            calendar: calendar.to_owned(),
            unit: unit.to_owned(),
            schedule: parsed.text(),
            set_by: actor.log_id(),
            set_at: now,
        };
        self.store
            .set_meeting_schedule(&stored, &meetings, now)
            .await?;
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Alter,
                case_id: None,
                what: format!(
                    "meeting schedule {} of {}: {}",
                    stored.calendar, stored.unit, stored.schedule
                ),
                justification: "maintaining the meeting calendars".into(),
            })
            .await?;
        Ok(stored)
    }

    /// Clears a unit's recurring meeting on one calendar and the coming meetings it gave;
    /// not found when the unit has none there.
    pub async fn clear_meeting_schedule(
        &self,
        actor: &Actor,
        calendar: &str,
        unit: &str,
        now: Timestamp,
    ) -> AppResult<()> {
        allowed_force(actor, OrgAction::Maintain, "maintain meeting calendars")?;
        self.check_calendar_and_unit(actor, calendar, unit).await?;
        if !self
            .store
            .clear_meeting_schedule(calendar, unit, now)
            .await?
        {
            return Err(AppError::NotFound);
        }
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Alter,
                case_id: None,
                what: format!("meeting schedule {calendar} of {unit} cleared"),
                justification: "maintaining the meeting calendars".into(),
            })
            .await?;
        Ok(())
    }

    async fn check_calendar_and_unit(
        &self,
        actor: &Actor,
        calendar: &str,
        unit: &str,
    ) -> AppResult<()> {
        if !self
            .meeting_calendars()
            .iter()
            .any(|(id, _)| id == calendar)
        {
            return Err(AppError::invalid(
                "calendar",
                format!("no plan has a meeting calendar \"{calendar}\""),
            ));
        }
        if !self
            .units_of_force(actor)
            .await?
            .iter()
            .any(|u| u.id == unit)
        {
            return Err(AppError::invalid(
                "unit",
                format!("no unit \"{unit}\" in your force"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::AccountRole;
    use pledge_domain::PlanLibrary;
    use pledge_store::Unit;
    use pledge_store::sqlite::SqliteStore;
    use std::collections::BTreeSet;

    fn person(force: &str, role: AccountRole) -> Actor {
        Actor::Person {
            id: "ADM-1".into(),
            roles: BTreeSet::from([AccountRole::Staff, role]),
            unit: None,
            force: Some(force.into()),
        }
    }

    #[tokio::test]
    async fn schedules_are_checked_kept_and_give_the_coming_meetings()
    -> Result<(), Box<dyn std::error::Error>> {
        let store = SqliteStore::open("sqlite::memory:").await?;
        store.migrate().await?;
        for (id, force) in [("north", "wessex"), ("east", "mercia")] {
            store
                .upsert_unit(&Unit {
                    id: id.into(),
                    name: id.into(),
                    force: force.into(),
                    parent: None,
                })
                .await?;
        }
        let app = App::new(store, PlanLibrary::builtin()?, "op-hampshire")?;
        let now: Timestamp = "2026-11-24T07:00:00Z".parse()?;
        let (calendar, _) = app
            .meeting_calendars()
            .into_iter()
            .next()
            .ok_or("the built-in plan declares a meeting calendar")?;
        let a = person("wessex", AccountRole::Administrator);
        let every = "every tuesdays at 10:00 from 2026-11-03 until 2026-12-15 except 2026-12-08";
        let field = |r: AppResult<MeetingSchedule>| match r {
            Err(AppError::Invalid { field, message }) => format!("{field}: {message}"),
            other => format!("{other:?}"),
        };
        assert!(
            field(
                app.set_meeting_schedule(&a, "nope", "north", every, now)
                    .await
            )
            .starts_with("calendar")
        );
        assert!(
            field(
                app.set_meeting_schedule(&a, &calendar, "east", every, now)
                    .await
            )
            .starts_with("unit")
        );
        let bad = field(
            app.set_meeting_schedule(
                &a,
                &calendar,
                "north",
                "every Funday at 10:00 from 2026-11-03",
                now,
            )
            .await,
        );
        assert!(
            bad.starts_with("schedule") && bad.contains("Funday"),
            "{bad}"
        );
        let staff = person("wessex", AccountRole::Inspector);
        assert!(matches!(
            app.set_meeting_schedule(&staff, &calendar, "north", every, now)
                .await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.meeting_schedules(&staff).await,
            Err(AppError::Forbidden(_))
        ));
        let set = app
            .set_meeting_schedule(&a, &calendar, "north", every, now)
            .await?;
        assert_eq!(
            set.schedule,
            "every Tuesday at 10:00 from 2026-11-03 until 2026-12-15 except 2026-12-08"
        );
        assert_eq!(app.meeting_schedules(&a).await?, vec![set]);
        assert!(
            app.meeting_schedules(&person("mercia", AccountRole::Administrator))
                .await?
                .is_empty()
        );
        // Only the coming ones: 24 November (07:00) is before the meeting at 10:00.
        let coming: Vec<String> = app
            .coming_meetings(&a, now)
            .await?
            .into_iter()
            .map(|m| m.at.to_string())
            .collect();
        assert_eq!(
            coming,
            [
                "2026-11-24T10:00:00Z",
                "2026-12-01T10:00:00Z",
                "2026-12-15T10:00:00Z"
            ]
        );
        // Evaluation reads them: the next meeting after now is the schedule's.
        let plans = app.plans();
        let plan = plans
            .iter()
            .find(|p| p.meetings.iter().any(|m| m.id == calendar))
            .ok_or("a plan declares the calendar")?;
        let meetings = app.meetings_for(plan, "north").await?;
        assert_eq!(
            meetings.next_after(&calendar, "2026-12-02T00:00:00Z".parse()?),
            Some("2026-12-15T10:00:00Z".parse()?),
            "8 December is an exception"
        );
        app.clear_meeting_schedule(&a, &calendar, "north", now)
            .await?;
        assert!(app.coming_meetings(&a, now).await?.is_empty());
        assert!(matches!(
            app.clear_meeting_schedule(&a, &calendar, "north", now)
                .await,
            Err(AppError::NotFound)
        ));
        Ok(())
    }
}
