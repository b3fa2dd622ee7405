//! Who may run a backtest (re-evaluate a force's stored cases against another plan) and who
//! may see which cases would change verdict.
//!
//! A backtest is a management and scrutiny tool: the force's Op Hampshire lead, its analysts
//! and its senior leaders may run one over their own force, and no one over another force or
//! over "every force" (a missing force never means all). The figures are counts; the named
//! list of cases that would change verdict is for the force lead and senior leaders only, and
//! even then holds only the cases [`super::decide`] lets them view (a senior leader sees the
//! cases in their chain of command, nobody sees a case they are a victim in). Analysts work
//! with aggregate data only. The operator at the command line (who holds the database) may
//! count any forces it names, but never names a case.

use crate::actor::{AccountRole, Actor};
use serde::Serialize;

/// What a backtest may show its asker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "access", content = "reason")]
pub enum BacktestAccess {
    /// Counts only.
    Counts,
    /// Counts, and the cases that change verdict among those the asker may view.
    Named,
    /// Not allowed, with what they may not do.
    Refused(String),
}

/// The roles that may run a backtest over their own force.
pub const BACKTEST_ROLES: [AccountRole; 3] = [
    AccountRole::ForceLead,
    AccountRole::Analyst,
    AccountRole::SeniorLeader,
];

/// Decides a backtest over `forces` asked by `actor` (`None`: the operator at the command
/// line). `named`: the asker wants the cases that change verdict named. Default deny.
pub fn decide_backtest(actor: Option<&Actor>, forces: &[String], named: bool) -> BacktestAccess {
    if forces.is_empty() || forces.iter().any(|f| f.trim().is_empty()) {
        return BacktestAccess::Refused("run a backtest without naming the force".into());
    }
    let Some(actor) = actor else {
        return if named {
            BacktestAccess::Refused(
                "name cases from the command line without signing in as a person (--as)".into(),
            )
        } else {
            BacktestAccess::Counts
        };
    };
    let Actor::Person { .. } = actor else {
        return BacktestAccess::Refused("run a backtest with an API token".into());
    };
    let own = actor.force().filter(|f| !f.is_empty());
    let Some(own) = own else {
        return BacktestAccess::Refused("run a backtest: you belong to no force".into());
    };
    if forces.iter().any(|f| f != own) {
        return BacktestAccess::Refused("run a backtest over another force's cases".into());
    }
    if !BACKTEST_ROLES.iter().any(|r| actor.has(*r)) {
        return BacktestAccess::Refused(
            "run a backtest: it is for the force lead, analysts and senior leaders".into(),
        );
    }
    if !named {
        return BacktestAccess::Counts;
    }
    if actor.has(AccountRole::ForceLead) || actor.has(AccountRole::SeniorLeader) {
        BacktestAccess::Named
    } else {
        BacktestAccess::Refused(
            "see which cases would change: analysts see counts only (leave \"name the cases\" unticked)"
                .into(),
        )
    }
}
