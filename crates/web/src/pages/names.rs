//! Names for the ids the read models hold (units, people, plan points), for pages that list
//! across cases.

use super::home::{CaseRow, case_row};
use super::session::PageUser;
use crate::state::AppState;
use std::collections::HashMap;

/// Names for the ids the read models hold: units, people and plan points, as a person
/// expects to read them. Whatever cannot be named (e.g. the directory may not be read) stays
/// as recorded.
pub(super) struct Names {
    units: HashMap<String, String>,
    people: HashMap<String, String>,
    points: HashMap<String, String>,
    point_list: Vec<(String, String)>,
}

impl Names {
    /// Loads the names the actor may read.
    pub(super) async fn load(state: &AppState, user: &PageUser) -> Self {
        let app = state.app();
        let units = app
            .units_of_force(&user.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let people = app
            .people_of_force(&user.actor, state.now())
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let in_force = match user.actor.force() {
            Some(force) => app.plan_in_force(force, state.now()).await.ok(),
            None => None,
        };
        let point_list: Vec<(String, String)> = in_force
            .and_then(|r| app.plan(&r.id, r.version))
            .map(|plan| {
                plan.points
                    .iter()
                    .map(|p| (p.number.clone(), format!("{}. {}", p.number, p.title)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            units,
            people,
            points: point_list.iter().cloned().collect(),
            point_list,
        }
    }

    /// The points of the force's plan in force, in plan order: (number, `a. <title>`).
    pub(super) fn points_in_order(&self) -> &[(String, String)] {
        &self.point_list
    }

    /// A unit by name.
    pub(super) fn unit(&self, id: &str) -> String {
        self.units.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }

    /// A person by name.
    pub(super) fn person(&self, id: &str) -> String {
        self.people
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }

    /// A plan point by number and title.
    pub(super) fn point(&self, number: &str) -> String {
        self.points
            .get(number)
            .cloned()
            .unwrap_or_else(|| number.to_owned())
    }

    /// A case list row with the unit by name.
    pub(super) fn case_row(&self, c: &pledge_store::CaseSummary) -> CaseRow {
        let mut row = case_row(c);
        row.unit = self.unit(&c.unit);
        row
    }
}
