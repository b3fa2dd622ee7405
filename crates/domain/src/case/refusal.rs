//! Why a command is refused: a rule of the plan, or an event that does not fit the case.

use crate::plan::{Plan, Rule, RuleKind};
use serde::Serialize;
use std::fmt;

/// A rule of the plan that a command would break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleViolation {
    /// The rule's id in the plan.
    pub rule: String,
    /// Which guard.
    pub enforces: RuleKind,
    /// The plan, `id@version`.
    pub plan: String,
    /// The point's number as published.
    pub point: String,
    /// The point's title.
    pub point_title: String,
    /// The plan's own words.
    pub says: String,
    /// What in this command breaks it.
    pub detail: String,
}

impl RuleViolation {
    pub(crate) fn new(plan: &Plan, rule: &Rule, detail: impl Into<String>) -> Self {
        let point = &plan.points[rule.point];
        Self {
            rule: rule.id.clone(),
            enforces: rule.enforces,
            plan: plan.reference(),
            point: point.number.clone(),
            point_title: point.title.clone(),
            says: rule.says.clone(),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refused by point {} of {} ({}): \"{}\" — {}",
            self.point, self.plan, self.point_title, self.says, self.detail
        )
    }
}

/// Why an event cannot be recorded in a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// It breaks a rule the plan states.
    #[error("{0}")]
    Rule(Box<RuleViolation>),
    /// It does not fit the case (a field's value, or the order of events).
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault (`type` when it is the event itself).
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl Refusal {
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        Refusal::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}
