//! Organisation data: people and units, read and maintained within the actor's own force.
//! Who may do what is decided by [`crate::policy::decide_org`]; the store keeps a unit in its
//! force and a person out of other forces' units whatever the caller.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{OrgAction, decide_org};
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, MeetingDate, Person, Store, Unit};

/// The actor's force when the policy allows `action` on it.
pub(crate) fn allowed_force<'a>(
    actor: &'a Actor,
    action: OrgAction,
    what: &str,
) -> AppResult<&'a str> {
    match actor.force() {
        Some(force) if decide_org(actor, action, force) => Ok(force),
        _ => Err(AppError::Forbidden(what.to_owned())),
    }
}

pub(crate) fn check_id(field: &str, id: &str) -> AppResult<()> {
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
        let force = allowed_force(actor, OrgAction::ReadUnits, "see the units of a force")?;
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
        allowed_force(actor, OrgAction::ReadPeople, "read the people directory")?;
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

    /// Adds or changes a person in the actor's force; returns the person's new version.
    /// `expected_version`, when given, must be the version the caller read (optimistic
    /// concurrency: a stale edit is refused, never silently overwritten). A person always
    /// belongs to a unit of the actor's force (a person without one would belong to no force);
    /// a person of another force cannot be changed, and the id is then refused.
    pub async fn save_person(
        &self,
        actor: &Actor,
        person: Person,
        expected_version: Option<u64>,
        now: Timestamp,
    ) -> AppResult<u64> {
        allowed_force(actor, OrgAction::Maintain, "maintain people")?;
        check_id("id", &person.id)?;
        if person.name.trim().is_empty() || person.name.chars().count() > 200 {
            return Err(AppError::invalid("name", "1 to 200 characters"));
        }
        let units = self.units_of_force(actor).await?;
        let Some(u) = person.unit.as_deref() else {
            return Err(AppError::invalid(
                "unit",
                "required: the unit of your force the person belongs to",
            ));
        };
        if !units.iter().any(|x| x.id == u) {
            return Err(AppError::invalid(
                "unit",
                format!("no unit \"{u}\" in your force"),
            ));
        }
        if let Some(m) = person.line_manager.as_deref() {
            check_id("line_manager", m)?;
        }
        if let Some(a) = person.staff_association.as_deref()
            && !matches!(a, "federation" | "unison" | "unite")
        {
            return Err(AppError::invalid(
                "staff_association",
                "expected federation, unison or unite",
            ));
        }
        let version = self.store.save_person(&person, expected_version).await?;
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
        Ok(version)
    }

    /// Adds or changes a unit of the actor's force; returns its new version. A unit id of
    /// another force is refused (a unit never changes force); `expected_version` as for
    /// [`App::save_person`].
    pub async fn save_unit(
        &self,
        actor: &Actor,
        unit: Unit,
        expected_version: Option<u64>,
    ) -> AppResult<u64> {
        let force = allowed_force(actor, OrgAction::Maintain, "maintain units")?;
        check_id("id", &unit.id)?;
        if unit.name.trim().is_empty() || unit.name.chars().count() > 200 {
            return Err(AppError::invalid("name", "1 to 200 characters"));
        }
        if unit.force != force {
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
        Ok(self.store.save_unit(&unit, expected_version).await?)
    }

    /// A person of the actor's force with their version (for an edit that names it).
    pub async fn person_of_force(
        &self,
        actor: &Actor,
        id: &str,
        now: Timestamp,
    ) -> AppResult<(Person, u64)> {
        allowed_force(actor, OrgAction::ReadPeople, "read the people directory")?;
        let units = self.units_of_force(actor).await?;
        let person = self
            .store
            .person(id)
            .await?
            .filter(|p| {
                p.unit
                    .as_deref()
                    .is_some_and(|u| units.iter().any(|x| x.id == u))
            })
            .ok_or(AppError::NotFound)?;
        let version = self
            .store
            .person_version(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Consult,
                case_id: None,
                what: format!("person {id}"),
                justification: "assigning and supervising work".into(),
            })
            .await?;
        Ok((person, version))
    }

    /// A unit of the actor's force with its version.
    pub async fn unit_of_force(&self, actor: &Actor, id: &str) -> AppResult<(Unit, u64)> {
        let unit = self
            .units_of_force(actor)
            .await?
            .into_iter()
            .find(|u| u.id == id)
            .ok_or(AppError::NotFound)?;
        let version = self
            .store
            .unit_version(id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((unit, version))
    }

    /// The meeting calendars the loaded plans declare (`trm`, ...), each once, as
    /// (id, title), in the order the plans declare them.
    pub fn meeting_calendars(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for plan in self.plans().iter() {
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
        allowed_force(actor, OrgAction::Maintain, "see the meeting calendars")?;
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
        allowed_force(actor, OrgAction::Maintain, "maintain meeting calendars")?;
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
    use crate::actor::AccountRole;
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
