//! Which plan a backtest evaluates against: a version Pledge knows, or a draft plan file
//! (TOML, checked by the same loader as `pledge plan check`).

use pledge_domain::{Plan, PlanError, PlanLibrary, load_plan};
use serde::Deserialize;

/// A plan to evaluate against.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PlanChoice {
    /// A version Pledge knows (built in, or loaded at start).
    Version {
        /// Plan id.
        id: String,
        /// Version (the latest when absent).
        version: Option<u32>,
    },
    /// A draft plan file's text (the loader refuses more than `MAX_PLAN_BYTES`).
    Draft {
        /// Where it came from (an uploaded file's name), for messages.
        name: String,
        /// The TOML text.
        text: String,
    },
}

/// Why a plan choice cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceError {
    /// No such plan or version: the message says which.
    Unknown(String),
    /// The draft has problems, each with its line and column.
    Problems(PlanError),
}

impl std::fmt::Display for ChoiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChoiceError::Unknown(m) => f.write_str(m),
            ChoiceError::Problems(e) => write!(f, "{e}"),
        }
    }
}

/// A chosen plan: borrowed from the library, or a loaded draft.
#[derive(Debug)]
pub enum Chosen<'a> {
    /// A known version.
    Known(&'a Plan),
    /// A draft.
    Draft(Box<Plan>),
}

impl Chosen<'_> {
    /// The plan.
    pub fn plan(&self) -> &Plan {
        match self {
            Chosen::Known(p) => p,
            Chosen::Draft(p) => p,
        }
    }
}

impl PlanChoice {
    /// Resolves the choice against the library, loading a draft with the plan loader.
    pub fn resolve<'a>(&self, plans: &'a PlanLibrary) -> Result<Chosen<'a>, ChoiceError> {
        match self {
            PlanChoice::Version { id, version } => match version {
                Some(v) => plans.get(id, *v),
                None => plans.latest(id),
            }
            .map(Chosen::Known)
            .ok_or_else(|| {
                ChoiceError::Unknown(match version {
                    Some(v) => format!("there is no plan \"{id}\" at version {v}"),
                    None => format!("there is no plan \"{id}\""),
                })
            }),
            PlanChoice::Draft { name, text } => load_plan(name, text)
                .map(|p| Chosen::Draft(Box::new(p)))
                .map_err(ChoiceError::Problems),
        }
    }
}
