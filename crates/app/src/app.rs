//! The application: the store, the plans and the calendars, and how an actor relates to a case.

use crate::actor::{AccountRole, Actor};
use crate::error::{AppError, AppResult};
use crate::policy::{CaseAction, Decision, Relation, Relations, decide};
use pledge_domain::calendar::Calendar;
use pledge_domain::{Meetings, Plan, PlanLibrary};
use pledge_store::{AccessAction, AccessEntry, CaseId, CaseSummary, Store};
use std::sync::{Arc, RwLock};

/// Pledge's application services over a store.
pub struct App<S> {
    pub(crate) store: S,
    /// The plans Pledge was started with (built in, and files given on the command line).
    pub(crate) base_plans: PlanLibrary,
    /// Those plus every version forces installed (the plan register), replaced as a whole
    /// when a version is installed (see `crate::plans`).
    pub(crate) plans: RwLock<Arc<PlanLibrary>>,
    /// Which force installed each installed plan id (only that force's cases use it).
    pub(crate) plan_owners: RwLock<Arc<std::collections::BTreeMap<String, String>>>,
    pub(crate) calendar: Calendar,
    /// The plan new cases open under when the request does not name one.
    pub(crate) default_plan: String,
}

impl<S: Store> App<S> {
    /// An application over a store with the built-in plans.
    pub fn new(store: S, plans: PlanLibrary, default_plan: &str) -> AppResult<Self> {
        if plans.latest(default_plan).is_none() {
            return Err(AppError::invalid(
                "default_plan",
                format!("no plan \"{default_plan}\""),
            ));
        }
        Ok(Self {
            store,
            plans: RwLock::new(Arc::new(plans.clone())),
            plan_owners: RwLock::default(),
            base_plans: plans,
            calendar: Calendar::uk(),
            default_plan: default_plan.to_owned(),
        })
    }

    /// The same application counting working days in this calendar (the built-in UK
    /// calendar with an administrator's bank-holiday changes, `pledge serve --calendar`).
    pub fn with_calendar(mut self, calendar: Calendar) -> Self {
        self.calendar = calendar;
        self
    }

    /// The London date of an instant (today, for `now`).
    pub fn today(&self, now: jiff::Timestamp) -> jiff::civil::Date {
        self.calendar.local_date(now)
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The plans: built in, given at start, and installed by forces (as loaded now).
    pub fn plans(&self) -> Arc<PlanLibrary> {
        // A poisoned lock still holds a whole library (it is only ever replaced whole).
        match self.plans.read() {
            Ok(lib) => Arc::clone(&lib),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// A plan version, shared; `None` when no plan of that id and version is loaded.
    pub fn plan(&self, id: &str, version: u32) -> Option<Arc<Plan>> {
        self.plans().shared(id, version).cloned()
    }

    /// The plan a case is held to. A version installed on another server since this one
    /// loaded the register is loaded first.
    pub(crate) async fn plan_of(&self, summary: &CaseSummary) -> AppResult<Arc<Plan>> {
        self.plan_version(&summary.plan_id, summary.plan_version)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "case {} is held to plan {}@{}, which is not loaded",
                    summary.case_id, summary.plan_id, summary.plan_version
                ))
            })
    }

    /// Meeting dates for a case's unit, for every calendar the plan declares.
    pub(crate) async fn meetings_for(&self, plan: &Plan, unit: &str) -> AppResult<Meetings> {
        let mut m = Meetings::default();
        for cal in &plan.meetings {
            let dates = self.store.meetings(&cal.id, Some(unit)).await?;
            m.add(&cal.id, dates.into_iter().map(|d| d.at));
        }
        Ok(m)
    }

    /// How the actor relates to a case. Relations exist only within a force: an actor of
    /// another force (or of none) has none, whatever the case names.
    pub(crate) async fn relations(&self, actor: &Actor, s: &CaseSummary) -> AppResult<Relations> {
        if actor.force() != Some(s.force.as_str()) || s.force.is_empty() {
            return Ok(Relations::default());
        }
        let mut rs = vec![Relation::SameForce];
        if let Actor::Person { id, unit, .. } = actor {
            if s.victims.iter().any(|v| v == id) {
                rs.push(Relation::Victim);
            }
            if &s.supervisor == id {
                rs.push(Relation::Supervisor);
            }
            if s.oic.as_deref() == Some(id.as_str()) {
                rs.push(Relation::OfficerInCase);
            }
            if (actor.has(AccountRole::Inspector) || actor.has(AccountRole::SeniorLeader))
                && let Some(unit) = unit
                && self.chain_of(&s.force, unit).await?.contains(&s.unit)
            {
                rs.push(Relation::ChainOfCommand);
            }
        }
        Ok(Relations::new(rs))
    }

    /// A unit of a force and every unit below it in that force's chain of command (empty
    /// when the unit is not in the force).
    pub(crate) async fn chain_of(&self, force: &str, top: &str) -> AppResult<Vec<String>> {
        let units: Vec<_> = self
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.force == force)
            .collect();
        if !units.iter().any(|u| u.id == top) {
            return Ok(Vec::new());
        }
        let mut chain = vec![top.to_owned()];
        // Breadth-first down the tree; a malformed chain (a cycle) cannot loop: each unit is
        // taken once.
        let mut i = 0;
        while i < chain.len() {
            let parent = chain[i].clone();
            for u in &units {
                if u.parent.as_deref() == Some(parent.as_str()) && !chain.contains(&u.id) {
                    chain.push(u.id.clone());
                }
            }
            i += 1;
        }
        Ok(chain)
    }

    /// Loads a case summary and checks the actor may act on it; a refusal is logged.
    pub(crate) async fn authorise(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        action: CaseAction,
        now: jiff::Timestamp,
    ) -> AppResult<(CaseSummary, Relations)> {
        let Some(summary) = self.store.summary(case_id).await? else {
            // Logged like a refusal of a hidden case, so the two answers cost the same durable
            // write and cannot be told apart by their time (probing for case ids is worth
            // knowing about too).
            self.store
                .record_access(AccessEntry {
                    at: now,
                    actor: actor.log_id(),
                    action: AccessAction::Consult,
                    case_id: None,
                    what: format!("refused: {action:?} of {case_id}"),
                    justification: "attempt refused: no such case".into(),
                })
                .await?;
            return Err(AppError::NotFound);
        };
        let mut rel = self.relations(actor, &summary).await?;
        if action == CaseAction::ViewConfirmation && !rel.is_empty() {
            let recorder = self
                .store
                .load_case(case_id)
                .await?
                .and_then(|c| c.events.first().map(|e| e.by.to_string()));
            if recorder.as_deref() == Some(actor.log_id().as_str()) {
                rel = Relations::new(rel.iter().chain([Relation::Recorder]));
            }
        }
        match decide(actor, action, &rel) {
            Decision::Allow => Ok((summary, rel)),
            refused => {
                // Attempts by people with no business in a case are logged too (s62 covers
                // attempted consultation; it is also how misuse is found).
                self.store
                    .record_access(AccessEntry {
                        at: now,
                        actor: actor.log_id(),
                        action: AccessAction::Consult,
                        case_id: Some(case_id.clone()),
                        what: format!("refused: {action:?}"),
                        justification: "attempt refused by policy".into(),
                    })
                    .await?;
                Err(if refused == Decision::Hide {
                    AppError::NotFound
                } else {
                    AppError::Forbidden(describe(action))
                })
            }
        }
    }

    /// The purpose recorded for an access when the caller states none: from the relation.
    pub(crate) fn purpose(rel: &Relations, stated: Option<&str>) -> String {
        if let Some(p) = stated.map(str::trim).filter(|p| !p.is_empty()) {
            return p.chars().take(200).collect();
        }
        let r = rel
            .iter()
            .find(|r| *r != Relation::SameForce)
            .or_else(|| rel.iter().next());
        match r {
            Some(Relation::Victim) => "the victim viewing their own case",
            Some(Relation::Supervisor) => "supervision of the victim's case",
            Some(Relation::OfficerInCase) => "investigation as officer in the case",
            Some(Relation::ChainOfCommand) => "line management oversight",
            Some(Relation::SameForce) => "force Op Hampshire oversight",
            Some(Relation::Recorder) => "confirming the assault just recorded",
            None => "unstated",
        }
        .to_owned()
    }
}

fn describe(action: CaseAction) -> String {
    use crate::policy::StepGroup::*;
    match action {
        CaseAction::View => "view this case".into(),
        CaseAction::ViewAsVictim => "view this case as its victim".into(),
        CaseAction::ViewAccessLog => "see who accessed this case".into(),
        CaseAction::ViewWelfareDetail => "see confidential welfare detail".into(),
        CaseAction::ViewConfirmation => "see this confirmation".into(),
        CaseAction::ImportFromSource => "record crime system records on this case".into(),
        CaseAction::ViewTrmBriefing => "see this case as the tasking meeting is briefed".into(),
        CaseAction::Record(g) => match g {
            Supervision => "record supervision steps in this case",
            Investigation => "record investigation steps in this case",
            Welfare => "record welfare assessments",
            VictimOwn => "record the victim's own choices",
            VictimVoice => "record the victim's view",
            Management => "waive obligations or close this case",
            System => "record system events",
        }
        .into(),
    }
}
