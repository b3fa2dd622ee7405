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
    /// The field of the command at fault, where one is (`tier`, `tier_reason`, `view`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
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
            field: None,
        }
    }

    /// The same, naming the field at fault.
    pub(crate) fn at_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
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

    /// A field check that exists because of a rule of the plan: when the plan states the
    /// rule, the refusal names the plan, the point and quotes it (whichever check catches
    /// the problem first); otherwise it is a plain invalid field.
    pub(crate) fn field_under_rule(
        plan: &Plan,
        kind: RuleKind,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        match plan.rule(kind) {
            Some(rule) => Refusal::Rule(Box::new(
                RuleViolation::new(plan, rule, message).at_field(field),
            )),
            None => Refusal::invalid(field, message),
        }
    }
}
