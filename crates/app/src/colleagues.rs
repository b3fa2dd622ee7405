//! Finding a colleague in the force directory by name or collar number, to name them in a
//! report of an assault (the victims and their supervisor). Whoever may record an assault may
//! search ([`OrgAction::FindColleagues`]); a match carries only what a recorder needs to tell
//! people apart (name, collar number, unit, workforce role), never contact details.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::org::allowed_force;
use crate::policy::OrgAction;
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, Person, Store, Unit};
use serde::Serialize;

/// At most this many matches are returned: a search narrows, it does not list the force.
pub const MAX_MATCHES: usize = 20;

/// Longest search text accepted (a full name with a collar number fits easily).
pub const MAX_QUERY: usize = 100;

/// A colleague found in the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Colleague {
    /// Person id (collar or staff number).
    pub id: String,
    /// Name.
    pub name: String,
    /// Unit id.
    pub unit: String,
    /// The unit's name.
    pub unit_name: String,
    /// Workforce role (`officer`, `staff`, ...), when the directory holds it.
    pub workforce_role: Option<String>,
}

impl Colleague {
    /// How a person is told apart in a list: "Sgt Amira Khan, PS-2231, North response".
    pub fn label(&self) -> String {
        format!("{}, {}, {}", self.name, self.id, self.unit_name)
    }
}

/// How well a person matches the search text: `None` for no match; lower is better (an exact
/// collar number first, then names starting with the text, then anything containing it).
fn rank(p: &Person, q: &str) -> Option<u8> {
    let id = p.id.to_lowercase();
    let name = p.name.to_lowercase();
    if id == q {
        return Some(0);
    }
    // Every word typed must appear in the name or the collar number ("amira khan", "4410").
    let words: Vec<&str> = q.split_whitespace().collect();
    if words.is_empty() || !words.iter().all(|w| name.contains(w) || id.contains(w)) {
        return None;
    }
    let starts = name.starts_with(q)
        || name.split_whitespace().any(|n| n.starts_with(words[0]))
        || id.starts_with(q);
    Some(if starts { 1 } else { 2 })
}

impl<S: Store> App<S> {
    /// Colleagues of the actor's force whose name or collar number matches `query`, those of
    /// `unit` first when given (the unit the assault is recorded in), best matches first, at
    /// most [`MAX_MATCHES`]. The search is written to the access log.
    pub async fn find_colleagues(
        &self,
        actor: &Actor,
        query: &str,
        unit: Option<&str>,
        now: Timestamp,
    ) -> AppResult<Vec<Colleague>> {
        let force = allowed_force(
            actor,
            OrgAction::FindColleagues,
            "search the force directory",
        )?;
        let q = query.trim().to_lowercase();
        if q.chars().count() > MAX_QUERY {
            return Err(AppError::invalid(
                "q",
                format!("at most {MAX_QUERY} characters"),
            ));
        }
        if q.is_empty() {
            return Err(AppError::invalid(
                "q",
                "enter part of a name or a collar number",
            ));
        }
        let units: Vec<Unit> = self
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.force == force)
            .collect();
        let mut found: Vec<(bool, u8, Colleague)> = self
            .store
            .people()
            .await?
            .into_iter()
            .filter_map(|p| {
                let u = units
                    .iter()
                    .find(|u| Some(u.id.as_str()) == p.unit.as_deref())?;
                let r = rank(&p, &q)?;
                let elsewhere = unit.is_some_and(|want| want != u.id);
                Some((
                    elsewhere,
                    r,
                    Colleague {
                        unit: u.id.clone(),
                        unit_name: u.name.clone(),
                        id: p.id,
                        name: p.name,
                        workforce_role: p.workforce_role,
                    },
                ))
            })
            .collect();
        found.sort_by(|a, b| (a.0, a.1, &a.2.name).cmp(&(b.0, b.1, &b.2.name)));
        found.truncate(MAX_MATCHES);
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Consult,
                case_id: None,
                what: "people directory search".into(),
                justification: "naming colleagues in a report of an assault".into(),
            })
            .await?;
        Ok(found.into_iter().map(|(_, _, c)| c).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str) -> Person {
        Person {
            id: id.into(),
            name: name.into(),
            email: None,
            workforce_role: None,
            unit: None,
            line_manager: None,
            staff_association: None,
        }
    }

    #[test]
    fn collar_numbers_first_then_names_that_start_with_the_text() {
        let khan = person("PS-2231", "Sgt Amira Khan");
        assert_eq!(rank(&khan, "ps-2231"), Some(0));
        assert_eq!(rank(&khan, "sgt"), Some(1));
        assert_eq!(rank(&khan, "amira khan"), Some(1));
        assert_eq!(rank(&khan, "2231"), Some(2));
        assert_eq!(rank(&khan, "ira"), Some(2));
        assert_eq!(rank(&khan, "khan smith"), None);
        assert_eq!(rank(&khan, "   "), None);
    }
}
