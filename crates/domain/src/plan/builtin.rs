//! The plans Pledge ships, embedded in the binary, and a library to look plans up in.

use super::load::load_plan;
use super::model::Plan;
use super::problem::PlanError;
use std::sync::Arc;

/// The built-in plan files: (file name, text).
pub const BUILTIN_PLAN_FILES: &[(&str, &str)] = &[
    (
        "plans/op-hampshire.toml",
        include_str!("../../../../plans/op-hampshire.toml"),
    ),
    ("plans/btp.toml", include_str!("../../../../plans/btp.toml")),
    (
        "plans/west-midlands.toml",
        include_str!("../../../../plans/west-midlands.toml"),
    ),
    (
        "plans/essex.toml",
        include_str!("../../../../plans/essex.toml"),
    ),
];

/// Plans by id and version. A case names the version it opened under.
#[derive(Debug, Clone, Default)]
pub struct PlanLibrary {
    // Shared so a service can hand a plan to a request while the library is replaced (a
    // force installs a version while cases are being read).
    plans: Vec<Arc<Plan>>,
}

impl PlanLibrary {
    /// The built-in plans. A failure here is a defect in a shipped file (tests load them all).
    pub fn builtin() -> Result<Self, PlanError> {
        let mut lib = Self::default();
        for (name, text) in BUILTIN_PLAN_FILES {
            let plan = load_plan(name, text)?;
            lib.plans.push(Arc::new(plan));
        }
        Ok(lib)
    }

    /// Adds a plan; refuses a second plan with the same id and version.
    pub fn add(&mut self, plan: Plan) -> Result<(), String> {
        if self.get(&plan.id, plan.version).is_some() {
            return Err(format!("plan {} is already loaded", plan.reference()));
        }
        self.plans.push(Arc::new(plan));
        Ok(())
    }

    /// The plan with this id and version.
    pub fn get(&self, id: &str, version: u32) -> Option<&Plan> {
        self.shared(id, version).map(|p| p.as_ref())
    }

    /// The plan with this id and version, shared.
    pub fn shared(&self, id: &str, version: u32) -> Option<&Arc<Plan>> {
        self.plans
            .iter()
            .find(|p| p.id == id && p.version == version)
    }

    /// Whether a plan is one Pledge ships (its id is reserved: a force's own plan needs its
    /// own id).
    pub fn is_builtin_id(id: &str) -> bool {
        BUILTIN_PLAN_FILES.iter().any(|(name, _)| {
            name.strip_prefix("plans/")
                .and_then(|n| n.strip_suffix(".toml"))
                == Some(id)
        })
    }

    /// The newest version of a plan.
    pub fn latest(&self, id: &str) -> Option<&Plan> {
        self.plans
            .iter()
            .filter(|p| p.id == id)
            .max_by_key(|p| p.version)
            .map(|p| p.as_ref())
    }

    /// Every plan, in load order.
    pub fn iter(&self) -> impl Iterator<Item = &Plan> {
        self.plans.iter().map(|p| p.as_ref())
    }
}
