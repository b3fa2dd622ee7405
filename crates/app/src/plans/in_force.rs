//! Which plan a force's new cases open under, and when that changes.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{OrgAction, decide_org};
use jiff::Timestamp;
use pledge_domain::event::values::PlanRef;
use pledge_store::{PlanEntry, Store};

/// The entry in force at `now`: the latest to take effect at or before `now` (of two taking
/// effect at once, the one recorded last).
pub fn in_force_at(entries: &[PlanEntry], now: Timestamp) -> Option<&PlanEntry> {
    entries
        .iter()
        .filter(|e| e.effective_from <= now)
        .max_by_key(|e| (e.effective_from, e.seq))
}

/// A plan put in force from a date.
#[derive(Debug, Clone)]
pub struct ScheduledPlan {
    /// The plan.
    pub plan: PlanRef,
    /// Its title (empty when the version is not loaded).
    pub title: String,
    /// From when.
    pub effective_from: Timestamp,
    /// When it was recorded, and by whom (a person id).
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub recorded_by: String,
    /// Whether this entry installed the force's own file.
    pub installed: bool,
}

/// A force's plans: the one in force now, those that will be, and every earlier entry.
#[derive(Debug, Clone)]
pub struct PlanSchedule {
    /// In force now.
    pub in_force: PlanRef,
    /// Since when (`None`: Pledge's default plan, never changed by the force).
    pub since: Option<Timestamp>,
    /// Entries taking effect after now, soonest first.
    pub upcoming: Vec<ScheduledPlan>,
    /// Every entry, newest first.
    pub history: Vec<ScheduledPlan>,
}

impl<S: Store> App<S> {
    /// The plan new cases of `force` open under at `now`: the force's latest entry in force,
    /// or Pledge's default plan (its newest version).
    pub async fn plan_in_force(&self, force: &str, now: Timestamp) -> AppResult<PlanRef> {
        let entries = self.store.plan_adoptions(force).await?;
        Ok(match in_force_at(&entries, now) {
            Some(e) => PlanRef {
                id: e.plan_id.clone(),
                version: e.version,
            },
            None => self.default_plan_ref(),
        })
    }

    /// Every plan a force's cases may be held to, most recent first: the plan in force at
    /// `now`, then the force's earlier entries (latest first), then Pledge's default plan
    /// (which its cases opened under before the force chose its own). Lists across cases use
    /// it to name a point by the plan a case most likely follows.
    pub async fn plans_adopted_by(&self, force: &str, now: Timestamp) -> AppResult<Vec<PlanRef>> {
        let mut entries = self.store.plan_adoptions(force).await?;
        entries.retain(|e| e.effective_from <= now);
        entries.sort_by_key(|e| std::cmp::Reverse((e.effective_from, e.seq)));
        let mut refs: Vec<PlanRef> = Vec::new();
        for r in entries
            .into_iter()
            .map(|e| PlanRef {
                id: e.plan_id,
                version: e.version,
            })
            .chain(std::iter::once(self.default_plan_ref()))
        {
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
        Ok(refs)
    }

    /// Pledge's default plan (`pledge serve --plan`), its newest version.
    pub(crate) fn default_plan_ref(&self) -> PlanRef {
        let version = self
            .plans()
            .latest(&self.default_plan)
            .map(|p| p.version)
            .unwrap_or(1);
        PlanRef {
            id: self.default_plan.clone(),
            version,
        }
    }

    /// The actor's force's plans: in force now, to come, and the history. Everyone signed in
    /// to the force may know which plan they work to.
    pub async fn plan_schedule(&self, actor: &Actor, now: Timestamp) -> AppResult<PlanSchedule> {
        let force = actor
            .force()
            .filter(|f| decide_org(actor, OrgAction::ReadUnits, f))
            .ok_or_else(|| AppError::Forbidden("see the force's plans".into()))?
            .to_owned();
        let entries = self.store.plan_adoptions(&force).await?;
        let current = in_force_at(&entries, now);
        let lib = self.plans();
        let scheduled = |e: &PlanEntry| ScheduledPlan {
            plan: PlanRef {
                id: e.plan_id.clone(),
                version: e.version,
            },
            title: lib
                .get(&e.plan_id, e.version)
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            effective_from: e.effective_from,
            recorded_at: e.recorded_at,
            recorded_by: e.recorded_by.clone(),
            installed: e.source_hash.is_some(),
        };
        let mut upcoming: Vec<ScheduledPlan> = entries
            .iter()
            .filter(|e| e.effective_from > now)
            .map(scheduled)
            .collect();
        upcoming.sort_by_key(|s| s.effective_from);
        Ok(PlanSchedule {
            in_force: match current {
                Some(e) => PlanRef {
                    id: e.plan_id.clone(),
                    version: e.version,
                },
                None => self.default_plan_ref(),
            },
            since: current.map(|e| e.effective_from),
            upcoming,
            history: entries.iter().rev().map(scheduled).collect(),
        })
    }
}

impl<S: Store> App<S> {
    /// The plans a force may use (built in, given at start, and its own installed versions:
    /// never another force's own), with the one its new cases open under now.
    pub async fn plans_of_force(
        &self,
        force: &str,
        now: Timestamp,
    ) -> AppResult<(Vec<std::sync::Arc<pledge_domain::Plan>>, PlanRef)> {
        let in_force = self.plan_in_force(force, now).await?;
        let lib = self.plans();
        let plans = lib
            .iter()
            .filter(|p| self.plan_owner(&p.id).is_none_or(|owner| owner == force))
            .filter_map(|p| lib.shared(&p.id, p.version).cloned())
            .collect();
        Ok((plans, in_force))
    }
}
