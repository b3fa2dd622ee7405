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
        // The force's plans, the one in force first (see `App::plans_adopted_by`).
        let plans = match user.actor.force() {
            Some(force) => app
                .plans_adopted_by(force, state.now())
                .await
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let library = app.plans();
        let label = |p: &pledge_domain::plan::Point| format!("{}. {}", p.number, p.title);
        let point_list: Vec<(String, String)> = plans
            .first()
            .and_then(|r| library.get(&r.id, r.version))
            .map(|plan| {
                plan.points
                    .iter()
                    .map(|p| (p.number.clone(), label(p)))
                    .collect()
            })
            .unwrap_or_default();
        // A case held to an earlier plan of the force may have a point the plan in force
        // dropped or renumbered: it takes its title from the most recent plan that has it, so
        // no list shows a bare point code.
        let mut points: HashMap<String, String> = point_list.iter().cloned().collect();
        for plan in plans
            .iter()
            .skip(1)
            .filter_map(|r| library.get(&r.id, r.version))
        {
            for p in &plan.points {
                points.entry(p.number.clone()).or_insert_with(|| label(p));
            }
        }
        Self {
            units,
            people,
            points,
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
            .unwrap_or_else(|| format!("Point {number}"))
    }

    /// A case list row with the unit by name.
    pub(super) fn case_row(&self, c: &pledge_store::CaseSummary) -> CaseRow {
        let mut row = case_row(c);
        row.unit = self.unit(&c.unit);
        row
    }
}
