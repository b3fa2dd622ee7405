//! Organisation data: people and units. Who may read and maintain them is decided here, in
//! plain rules, so the API, the pages and the command line agree.

use crate::actor::{AccountRole, Actor, TokenScope};
use crate::app::App;
use crate::error::{AppError, AppResult};
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, MeetingDate, Person, Store, Unit};

/// Whether an actor may read the force's people directory (names and contact details are
/// personal data: only those who assign work or run the force's plan need it).
pub fn may_read_people(actor: &Actor) -> bool {
    match actor {
        Actor::Person { .. } => [
            AccountRole::Supervisor,
            AccountRole::Investigator,
            AccountRole::Inspector,
            AccountRole::SeniorLeader,
            AccountRole::ForceLead,
            AccountRole::Administrator,
        ]
        .into_iter()
        .any(|r| actor.has(r)),
        Actor::System { .. } => actor.scoped(TokenScope::PeopleWrite),
    }
}

/// Whether an actor may add or change people, units and the units' meeting calendars:
/// administrators and HR systems.
pub fn may_maintain_org(actor: &Actor) -> bool {
    actor.has(AccountRole::Administrator) || actor.scoped(TokenScope::PeopleWrite)
}

fn check_id(field: &str, id: &str) -> AppResult<()> {
    let ok = (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            "1 to 64 letters, digits, '-', '_' or '.'",
        ))
    }
}

impl<S: Store> App<S> {
    /// Units of the actor's force (everyone signed in may see the chain of command).
    pub async fn units_of_force(&self, actor: &Actor) -> AppResult<Vec<Unit>> {
        let force = actor.force().unwrap_or_default();
        Ok(self
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.force == force)
            .collect())
    }

    /// People in the actor's force.
    pub async fn people_of_force(&self, actor: &Actor, now: Timestamp) -> AppResult<Vec<Person>> {
        if !may_read_people(actor) {
            return Err(AppError::Forbidden("read the people directory".into()));
        }
        let units = self.units_of_force(actor).await?;
        let people = self
            .store
            .people()
            .await?
            .into_iter()
            .filter(|p| {
                p.unit
                    .as_deref()
                    .is_some_and(|u| units.iter().any(|x| x.id == u))
            })
            .collect();
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Consult,
                case_id: None,
                what: "people directory".into(),
                justification: "assigning and supervising work".into(),
            })
            .await?;
        Ok(people)
    }

    /// Adds or changes a person in the actor's force.
    pub async fn save_person(
        &self,
        actor: &Actor,
        person: Person,
        now: Timestamp,
    ) -> AppResult<()> {
        if !may_maintain_org(actor) {
            return Err(AppError::Forbidden("maintain people".into()));
        }
        check_id("id", &person.id)?;
        if person.name.trim().is_empty() || person.name.len() > 200 {
            return Err(AppError::invalid("name", "1 to 200 characters"));
        }
        let units = self.units_of_force(actor).await?;
        match person.unit.as_deref() {
            Some(u) if !units.iter().any(|x| x.id == u) => {
                return Err(AppError::invalid(
                    "unit",
                    format!("no unit \"{u}\" in your force"),
                ));
            }
            _ => {}
        }
        if let Some(a) = person.staff_association.as_deref()
            && !matches!(a, "federation" | "unison" | "unite")
        {
            return Err(AppError::invalid(
                "staff_association",
                "expected federation, unison or unite",
            ));
        }
        self.store.upsert_person(&person).await?;
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Alter,
                case_id: None,
                what: format!("person {}", person.id),
                justification: "maintaining the people directory".into(),
            })
            .await?;
        Ok(())
    }

    /// Adds or changes a unit of the actor's force.
    pub async fn save_unit(&self, actor: &Actor, unit: Unit) -> AppResult<()> {
        if !may_maintain_org(actor) {
            return Err(AppError::Forbidden("maintain units".into()));
        }
        check_id("id", &unit.id)?;
        if unit.name.trim().is_empty() || unit.name.len() > 200 {
            return Err(AppError::invalid("name", "1 to 200 characters"));
        }
        if Some(unit.force.as_str()) != actor.force() {
            return Err(AppError::invalid("force", "a unit of your own force"));
        }
        let units = self.units_of_force(actor).await?;
        if let Some(p) = unit.parent.as_deref() {
            if !units.iter().any(|x| x.id == p) {
                return Err(AppError::invalid(
                    "parent",
                    format!("no unit \"{p}\" in your force"),
                ));
            }
            // No cycles in the chain of command: walk up from the parent.
            let mut at = Some(p.to_owned());
            for _ in 0..=units.len() {
                let Some(u) = at else { break };
                if u == unit.id {
                    return Err(AppError::invalid(
                        "parent",
                        "that would make the unit its own superior",
                    ));
                }
                at = units
                    .iter()
                    .find(|x| x.id == u)
                    .and_then(|x| x.parent.clone());
            }
        }
        Ok(self.store.upsert_unit(&unit).await?)
    }

    /// The meeting calendars the loaded plans declare (`trm`, ...), each once, as
    /// (id, title), in the order the plans declare them.
    pub fn meeting_calendars(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for plan in self.plans.iter() {
            for m in &plan.meetings {
                if !out.iter().any(|(id, _)| *id == m.id) {
                    out.push((m.id.clone(), m.title.clone()));
                }
            }
        }
        out
    }

    /// Coming meeting dates (from `now`) of the units of the actor's force, on every calendar
    /// the plans declare, soonest first.
    pub async fn coming_meetings(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> AppResult<Vec<MeetingDate>> {
        if !may_maintain_org(actor) {
            return Err(AppError::Forbidden("see the meeting calendars".into()));
        }
        let units = self.units_of_force(actor).await?;
        let mut out = Vec::new();
        for (calendar, _) in self.meeting_calendars() {
            out.extend(
                self.store
                    .meetings(&calendar, None)
                    .await?
                    .into_iter()
                    .filter(|d| d.at >= now && units.iter().any(|u| u.id == d.unit)),
            );
        }
        out.sort_by(|a, b| (a.at, &a.unit, &a.calendar).cmp(&(b.at, &b.unit, &b.calendar)));
        Ok(out)
    }

    /// Adds a meeting date to a unit's calendar: the calendar must be one the plans declare,
    /// the unit one of the actor's force, and the date still to come (a date in the past would
    /// change deadlines already running). Adding a date already there changes nothing.
    pub async fn add_meeting(
        &self,
        actor: &Actor,
        meeting: MeetingDate,
        now: Timestamp,
    ) -> AppResult<()> {
        if !may_maintain_org(actor) {
            return Err(AppError::Forbidden("maintain meeting calendars".into()));
        }
        if !self
            .meeting_calendars()
            .iter()
            .any(|(id, _)| *id == meeting.calendar)
        {
            return Err(AppError::invalid(
                "calendar",
                format!("no plan has a meeting calendar \"{}\"", meeting.calendar),
            ));
        }
        let units = self.units_of_force(actor).await?;
        if !units.iter().any(|u| u.id == meeting.unit) {
            return Err(AppError::invalid(
                "unit",
                format!("no unit \"{}\" in your force", meeting.unit),
            ));
        }
        if meeting.at < now {
            return Err(AppError::invalid("at", "a date and time still to come"));
        }
        self.store.add_meeting(&meeting).await?;
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Alter,
                case_id: None,
                what: format!("meeting {} of {}", meeting.calendar, meeting.unit),
                justification: "maintaining the meeting calendars".into(),
            })
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pledge_domain::PlanLibrary;
    use pledge_store::sqlite::SqliteStore;
    use std::collections::BTreeSet;

    fn admin(force: &str) -> Actor {
        Actor::Person {
            id: "ADM-1".into(),
            roles: BTreeSet::from([AccountRole::Staff, AccountRole::Administrator]),
            unit: None,
            force: Some(force.into()),
        }
    }

    #[tokio::test]
    async fn meeting_dates_are_checked_and_kept() -> Result<(), Box<dyn std::error::Error>> {
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
        let at = |s: &str| s.parse::<Timestamp>();
        let meeting = |cal: &str, unit: &str, at: Timestamp| MeetingDate {
            calendar: cal.into(),
            unit: unit.into(),
            at,
        };
        let field = |r: AppResult<()>| match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => format!("{other:?}"),
        };
        let a = admin("wessex");
        let soon = at("2026-12-01T10:00:00Z")?;
        assert_eq!(
            field(
                app.add_meeting(&a, meeting("nope", "north", soon), now)
                    .await
            ),
            "calendar"
        );
        assert_eq!(
            field(
                app.add_meeting(&a, meeting(&calendar, "east", soon), now)
                    .await
            ),
            "unit"
        );
        let past = at("2026-11-01T10:00:00Z")?;
        assert_eq!(
            field(
                app.add_meeting(&a, meeting(&calendar, "north", past), now)
                    .await
            ),
            "at"
        );
        let staff = Actor::Person {
            id: "PC-1".into(),
            roles: BTreeSet::from([AccountRole::Staff]),
            unit: Some("north".into()),
            force: Some("wessex".into()),
        };
        assert!(matches!(
            app.add_meeting(&staff, meeting(&calendar, "north", soon), now)
                .await,
            Err(AppError::Forbidden(_))
        ));
        app.add_meeting(&a, meeting(&calendar, "north", soon), now)
            .await?;
        // Twice is the same as once.
        app.add_meeting(&a, meeting(&calendar, "north", soon), now)
            .await?;
        let coming = app.coming_meetings(&a, now).await?;
        assert_eq!(coming, vec![meeting(&calendar, "north", soon)]);
        assert!(app.coming_meetings(&admin("mercia"), now).await?.is_empty());
        Ok(())
    }
}
