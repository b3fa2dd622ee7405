//! The library of loaded plans: the plans Pledge started with plus the register's versions.

use crate::app::App;
use crate::error::{AppError, AppResult};
use pledge_domain::event::values::PlanRef;
use pledge_domain::{Plan, PlanLibrary, load_plan};
use pledge_store::{PlanEntry, Store};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A library with the register's installed versions added.
pub struct RegisterLibrary {
    /// The plans.
    pub library: PlanLibrary,
    /// Which force installed each installed plan id.
    pub owners: BTreeMap<String, String>,
    /// Installed versions that could not be loaded, in words.
    pub problems: Vec<String>,
}

/// Adds every installed version of the register to `base` (a version also in `base`, given
/// as a file at start, keeps the file's). Used by the service and by `pledge verify`/`rebuild`.
pub fn with_register(base: PlanLibrary, entries: Vec<PlanEntry>) -> RegisterLibrary {
    let mut library = base;
    let mut owners = BTreeMap::new();
    let mut problems = Vec::new();
    for e in entries {
        let Some(source) = e.source else { continue };
        owners.entry(e.plan_id.clone()).or_insert(e.force.clone());
        if library.get(&e.plan_id, e.version).is_some() {
            continue;
        }
        let origin = format!("{}@{} (installed)", e.plan_id, e.version);
        match load_plan(&origin, &source) {
            Ok(plan) => {
                if let Err(message) = library.add(plan) {
                    problems.push(format!("{origin}: {message}"));
                }
            }
            Err(e) => problems.push(format!("{origin} no longer loads: {e}")),
        }
    }
    RegisterLibrary {
        library,
        owners,
        problems,
    }
}

impl<S: Store> App<S> {
    /// Loads every plan version in the register that is not loaded yet (another server may
    /// have installed one). Returns how many versions the library now has.
    pub async fn refresh_plans(&self) -> AppResult<usize> {
        let entries = self.store.plan_register().await?;
        let loaded = with_register(self.base_plans.clone(), entries);
        for problem in &loaded.problems {
            // Checked when installed: a failure now means this Pledge reads plans differently
            // from the one that installed it. Cases under it will say so.
            tracing::error!(%problem, "installed plan version not loaded");
        }
        let lib = loaded.library;
        let owners = loaded.owners;
        let n = lib.iter().count();
        replace(&self.plans, lib);
        replace(&self.plan_owners, owners);
        Ok(n)
    }

    /// The force that installed a plan id (`None`: built in, or given as a file at start).
    pub(crate) fn plan_owner(&self, id: &str) -> Option<String> {
        let owners = match self.plan_owners.read() {
            Ok(o) => Arc::clone(&o),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        owners.get(id).cloned()
    }

    /// The plan a new case of `force` opens under: loaded, and built in or the force's own.
    pub(crate) async fn plan_for_case(&self, force: &str, plan: &PlanRef) -> AppResult<Arc<Plan>> {
        let found = self.plan_version(&plan.id, plan.version).await?;
        match (found, self.plan_owner(&plan.id)) {
            (Some(p), None) => Ok(p),
            (Some(p), Some(owner)) if owner == force => Ok(p),
            // Another force's own plan is not there for this force, as if it did not exist.
            _ => Err(AppError::invalid(
                "plan",
                format!("there is no plan {} version {}", plan.id, plan.version),
            )),
        }
    }

    /// A plan version, loading the register first when it is not loaded.
    pub(crate) async fn plan_version(
        &self,
        id: &str,
        version: u32,
    ) -> AppResult<Option<Arc<Plan>>> {
        if let Some(plan) = self.plan(id, version) {
            return Ok(Some(plan));
        }
        self.refresh_plans().await?;
        Ok(self.plan(id, version))
    }
}

/// Replaces a shared value whole (a poisoned lock still holds a whole value).
fn replace<T>(slot: &std::sync::RwLock<Arc<T>>, value: T) {
    match slot.write() {
        Ok(mut s) => *s = Arc::new(value),
        Err(poisoned) => *poisoned.into_inner() = Arc::new(value),
    }
}
