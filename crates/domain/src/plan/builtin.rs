//! The plans Pledge ships, embedded in the binary, and a library to look plans up in.

use super::load::load_plan;
use super::model::Plan;
use super::problem::PlanError;

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
    plans: Vec<Plan>,
}

impl PlanLibrary {
    /// The built-in plans. A failure here is a defect in a shipped file (tests load them all).
    pub fn builtin() -> Result<Self, PlanError> {
        let mut lib = Self::default();
        for (name, text) in BUILTIN_PLAN_FILES {
            let plan = load_plan(name, text)?;
            lib.plans.push(plan);
        }
        Ok(lib)
    }

    /// Adds a plan; refuses a second plan with the same id and version.
    pub fn add(&mut self, plan: Plan) -> Result<(), String> {
        if self.get(&plan.id, plan.version).is_some() {
            return Err(format!("plan {} is already loaded", plan.reference()));
        }
        self.plans.push(plan);
        Ok(())
    }

    /// The plan with this id and version.
    pub fn get(&self, id: &str, version: u32) -> Option<&Plan> {
        self.plans
            .iter()
            .find(|p| p.id == id && p.version == version)
    }

    /// The newest version of a plan.
    pub fn latest(&self, id: &str) -> Option<&Plan> {
        self.plans
            .iter()
            .filter(|p| p.id == id)
            .max_by_key(|p| p.version)
    }

    /// Every plan, in load order.
    pub fn iter(&self) -> impl Iterator<Item = &Plan> {
        self.plans.iter()
    }
}
