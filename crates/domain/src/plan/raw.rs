//! The plan file as written (TOML), with the position of every value kept for messages.

use serde::Deserialize;
use toml::Spanned;

/// A spanned string.
pub(crate) type S = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    pub id: S,
    pub version: Spanned<i64>,
    pub title: S,
    pub source: S,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub meeting: Vec<RawMeeting>,
    #[serde(default)]
    pub statement_tier: Vec<RawTier>,
    #[serde(default)]
    pub point: Vec<RawPoint>,
    #[serde(default)]
    pub escalation: Option<RawEscalation>,
    #[serde(default)]
    pub review: Vec<RawReview>,
}

/// `[[review]]`: a force-level recurring review (the scrutiny panel, OSSR 23(i)).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReview {
    pub id: S,
    pub title: S,
    pub owner: S,
    pub every: S,
    #[serde(default)]
    pub grace: Option<S>,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub escalates_to: Vec<S>,
    pub cites: String,
}

/// `[escalation]`: when an overdue obligation is raised again, for the whole plan.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEscalation {
    /// Offsets past the due time: the owner, then each `escalates_to` level in turn.
    #[serde(default)]
    pub after_due: Option<Spanned<Vec<S>>>,
    /// How long before the due time the owner is reminded.
    #[serde(default)]
    pub remind_before: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeeting {
    pub id: S,
    pub title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTier {
    pub id: S,
    pub title: String,
    pub victim_may_write_own: bool,
    #[serde(default)]
    pub victims: Option<Spanned<Vec<S>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPoint {
    pub number: S,
    pub title: S,
    pub wording: String,
    #[serde(default)]
    pub obligation: Vec<RawObligation>,
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawObligation {
    pub id: S,
    pub title: S,
    pub owner: S,
    #[serde(default)]
    pub applies: Option<S>,
    #[serde(default)]
    pub starts: Option<S>,
    pub deadline: S,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub deadline_if: Vec<RawDeadlineIf>,
    #[serde(default)]
    pub every: Option<S>,
    #[serde(default)]
    pub victims: Option<Spanned<Vec<S>>>,
    #[serde(default)]
    pub each_victim: bool,
    pub completed_by: Vec<S>,
    #[serde(default)]
    pub escalates_to: Vec<S>,
    #[serde(default)]
    pub escalate_after: Option<Spanned<Vec<S>>>,
    pub cites: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeadlineIf {
    pub when: S,
    pub deadline: S,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub id: S,
    pub enforces: S,
    pub says: S,
    #[serde(default)]
    pub victims: Option<Spanned<Vec<S>>>,
}
