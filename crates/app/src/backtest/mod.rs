//! Backtests: what a change of plan would have done. Every stored case of a force and period
//! is re-evaluated, at one moment, under a plan version or a draft plan file and under the
//! plan it is held to (or a version named to compare against), and the outcomes are counted
//! per plan point and obligation (matched by obligation id), with the cases that change
//! verdict named to those allowed to view them. See docs/reports.md, "Backtest".
//!
//! The cases are read in one streaming pass (`Store::visit_period_cases`) and evaluated as
//! they arrive, so memory holds one case and the counts.

mod choice;
mod outcome;
mod report;
mod tally;

pub use choice::{ChoiceError, Chosen, PlanChoice};
pub use outcome::Outcome;
pub use report::{
    BacktestReport, CaseChange, ChangedCase, MoveCount, ObligationComparison, OutcomeCounts,
    Presence,
};
pub use tally::MAX_NAMED;

use crate::actor::Actor;
use crate::app::App;
use crate::error::AppError;
use crate::policy::{BacktestAccess, decide_backtest};
use jiff::Timestamp;
use pledge_domain::Meetings;
use pledge_store::{AccessAction, AccessEntry, PeriodSelection, Store};
use std::collections::HashMap;
use tally::{Naming, Pass, Tally};

/// What to backtest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacktestRequest {
    /// The forces whose cases are re-evaluated (always named).
    pub forces: Vec<String>,
    /// Cases reported at or after this.
    pub from: Timestamp,
    /// Cases reported before this.
    pub to: Timestamp,
    /// The moment to evaluate at (events after it are ignored); default: now.
    pub at: Option<Timestamp>,
    /// The plan to try.
    pub plan: PlanChoice,
    /// The version to compare against; `None`: each case's own plan (its plan in force).
    pub against: Option<PlanChoice>,
    /// Name the cases that change verdict (for those allowed to view them).
    pub named: bool,
}

/// Why a backtest could not run.
#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    /// Not allowed, not found, bad input or a failure: as for any application operation.
    #[error(transparent)]
    App(#[from] AppError),
    /// A plan that cannot be used (`field`: `plan` or `against`), e.g. a draft's problems.
    #[error("{field}: {error}")]
    Plan {
        /// Which of the request's plans.
        field: &'static str,
        /// What is wrong.
        error: ChoiceError,
    },
}

impl<S: Store> App<S> {
    /// Runs a backtest for `actor` (`None`: the operator at the command line, counts only).
    /// Every backtest, and every refusal, is written to the access log; a named one lists
    /// the cases it named.
    pub async fn backtest(
        &self,
        actor: Option<&Actor>,
        request: &BacktestRequest,
        now: Timestamp,
    ) -> Result<BacktestReport, BacktestError> {
        let log_id = actor
            .map(Actor::log_id)
            .unwrap_or_else(|| "operator".into());
        let access = decide_backtest(actor, &request.forces, request.named);
        if let BacktestAccess::Refused(what) = &access {
            self.log_backtest(&log_id, format!("refused: backtest: {what}"), now)
                .await?;
            return Err(AppError::Forbidden(what.clone()).into());
        }
        if request.from >= request.to {
            return Err(
                AppError::invalid("to", "the end of the period is not after its start").into(),
            );
        }
        let at = request.at.unwrap_or(now);
        // The plans loaded now (built in, given at start, installed by forces).
        let library = self.plans();
        let tried = request
            .plan
            .resolve(&library)
            .map_err(|error| BacktestError::Plan {
                field: "plan",
                error,
            })?;
        let against = request
            .against
            .as_ref()
            .map(|c| c.resolve(&library))
            .transpose()
            .map_err(|error| BacktestError::Plan {
                field: "against",
                error,
            })?;
        // A force's own installed plan is there for that force only (as on every other route).
        for (field, plan) in [
            ("plan", Some(tried.plan())),
            ("against", against.as_ref().map(|c| c.plan())),
        ] {
            if let Some(p) = plan
                && let Some(owner) = self.plan_owner(&p.id)
                && request.forces.iter().any(|f| *f != owner)
            {
                return Err(AppError::invalid(
                    field,
                    format!("there is no plan {} version {}", p.id, p.version),
                )
                .into());
            }
        }
        let meetings = self.all_meetings(tried.plan()).await?;
        let chain = match (actor, &access) {
            (
                Some(
                    a @ Actor::Person {
                        unit: Some(unit), ..
                    },
                ),
                BacktestAccess::Named,
            ) => self.chain_of(a.force().unwrap_or_default(), unit).await?,
            _ => Vec::new(),
        };
        let no_meetings = Meetings::default();
        let pass = Pass {
            tried: tried.plan(),
            against: against.as_ref().map(|c| c.plan()),
            plans: &library,
            calendar: &self.calendar,
            meetings: &meetings,
            no_meetings: &no_meetings,
            at,
            naming: match (actor, &access) {
                (Some(actor), BacktestAccess::Named) => Some(Naming {
                    actor,
                    chain: &chain,
                }),
                _ => None,
            },
        };
        let started = std::time::Instant::now();
        let mut tally = Tally::default();
        let selection = PeriodSelection {
            forces: request.forces.clone(),
            from: request.from,
            to: request.to,
        };
        self.store
            .visit_period_cases(&selection, &mut |c| {
                pass.case(&mut tally, c.case_id, &c.events)
            })
            .await
            .map_err(AppError::from)?;
        let took = started.elapsed();
        let report = report::build(&pass, request, tally, at, took, &library);
        let mut what = format!(
            "backtest of {} against {} for {} reported {} to {}: {} cases, {} change",
            report.plan,
            report.against,
            request.forces.join(", "),
            request.from,
            request.to,
            report.cases,
            report.changed
        );
        if let Some(named) = &report.named {
            let ids: Vec<&str> = named.iter().map(|c| c.case_id.as_str()).collect();
            what.push_str(&format!("; named {} cases: {}", ids.len(), ids.join(", ")));
        }
        self.log_backtest(&log_id, what, now).await?;
        Ok(report)
    }

    async fn log_backtest(
        &self,
        actor: &str,
        what: String,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.to_owned(),
                action: AccessAction::Consult,
                case_id: None,
                what,
                justification: "backtest of a plan (scrutiny of the force's response)".into(),
            })
            .await?;
        Ok(())
    }

    /// Every meeting date of every calendar any plan names (the tried plan's and the
    /// library's), grouped by unit: one read per calendar, not per case.
    async fn all_meetings(
        &self,
        tried: &pledge_domain::Plan,
    ) -> Result<HashMap<String, Meetings>, AppError> {
        let mut calendars: Vec<&str> = tried.meetings.iter().map(|m| m.id.as_str()).collect();
        let library = self.plans();
        for p in library.iter() {
            calendars.extend(p.meetings.iter().map(|m| m.id.as_str()));
        }
        calendars.sort_unstable();
        calendars.dedup();
        let mut by_unit: HashMap<String, Meetings> = HashMap::new();
        for cal in calendars {
            let mut dates: HashMap<String, Vec<Timestamp>> = HashMap::new();
            for m in self.store.meetings(cal, None).await? {
                dates.entry(m.unit).or_default().push(m.at);
            }
            for (unit, times) in dates {
                by_unit.entry(unit).or_default().add(cal, times);
            }
        }
        Ok(by_unit)
    }
}
