//! Organisation data: people and units. Who may read and maintain them is decided here, in
//! plain rules, so the API, the pages and the command line agree.

use crate::actor::{AccountRole, Actor, TokenScope};
use crate::app::App;
use crate::error::{AppError, AppResult};
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, Person, Store, Unit};

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

/// Whether an actor may add or change people and units: administrators and HR systems.
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
}
