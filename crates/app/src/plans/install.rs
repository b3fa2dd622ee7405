//! Installing a force's own plan version, and putting a plan in force from a date: checked
//! (every problem with line and column), previewed against the plan in force point by point,
//! then recorded in the plan register.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::OrgAction;
use jiff::Timestamp;
use jiff::civil::Date;
use pledge_domain::plan::{Change, MAX_PLAN_BYTES, compare};
use pledge_domain::{Plan, PlanLibrary, load_plan};
use pledge_store::{NewPlanEntry, PlanEntry, Store};
use std::sync::Arc;

/// A checked plan file beside the plan in force: what would change, point by point.
#[derive(Debug, Clone)]
pub struct PlanPreview {
    /// The plan in the file.
    pub plan: Arc<Plan>,
    /// The force's plan in force now.
    pub in_force: Arc<Plan>,
    /// What changes from the plan in force to the file's plan.
    pub changes: Vec<Change>,
    /// The same id and version is loaded already (installing again only puts it in force).
    pub loaded_already: bool,
}

impl<S: Store> App<S> {
    /// Checks a plan file an actor wants to install and compares it with their force's plan
    /// in force. Nothing is recorded.
    pub async fn preview_plan(
        &self,
        actor: &Actor,
        source: &str,
        now: Timestamp,
    ) -> AppResult<PlanPreview> {
        let force = plan_force(actor)?;
        let plan = Arc::new(checked_plan(source)?);
        let current = self.plan_in_force(&force, now).await?;
        let in_force = self
            .plan_version(&current.id, current.version)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "the plan in force {}@{} is not loaded",
                    current.id, current.version
                ))
            })?;
        Ok(PlanPreview {
            changes: compare(&in_force, &plan),
            loaded_already: self.plan(&plan.id, plan.version).is_some(),
            plan,
            in_force,
        })
    }

    /// Installs a force's own plan version and puts it in force for new cases from the start
    /// (00:00 Europe/London) of `from`, which must be today or later: cases already open stay
    /// held to the version they opened under.
    pub async fn install_plan(
        &self,
        actor: &Actor,
        source: &str,
        from: Date,
        now: Timestamp,
    ) -> AppResult<PlanEntry> {
        let force = plan_force(actor)?;
        let plan = checked_plan(source)?;
        let effective_from = self.effective_from(from, now)?;
        let entry = self
            .store
            .record_plan(NewPlanEntry {
                force: force.clone(),
                plan_id: plan.id.clone(),
                version: plan.version,
                source: Some(source.to_owned()),
                effective_from,
                recorded_at: now,
                recorded_by: actor.log_id(),
            })
            .await?;
        self.refresh_plans().await?;
        tracing::info!(
            %force,
            plan = %format!("{}@{}", plan.id, plan.version),
            %effective_from,
            "plan version installed"
        );
        Ok(entry)
    }

    /// Puts a loaded plan version (built in, or one the force installed) in force for the
    /// force's new cases from the start of `from` (today or later).
    pub async fn put_plan_in_force(
        &self,
        actor: &Actor,
        id: &str,
        version: u32,
        from: Date,
        now: Timestamp,
    ) -> AppResult<PlanEntry> {
        let force = plan_force(actor)?;
        if self.plan_version(id, version).await?.is_none() {
            return Err(AppError::invalid(
                "plan",
                format!("there is no plan {id} version {version}"),
            ));
        }
        if !PlanLibrary::is_builtin_id(id) && self.base_plans.get(id, version).is_some() {
            // A file given to one server only: other servers could not open cases under it.
            let installed = self
                .store
                .plan_register()
                .await?
                .iter()
                .any(|e| e.plan_id == id && e.version == version && e.source.is_some());
            if !installed {
                return Err(AppError::invalid(
                    "plan",
                    format!(
                        "{id} version {version} was given to this server as a file; install it \
                         (upload the file) so every server has it"
                    ),
                ));
            }
        }
        let effective_from = self.effective_from(from, now)?;
        let entry = self
            .store
            .record_plan(NewPlanEntry {
                force,
                plan_id: id.to_owned(),
                version,
                source: None,
                effective_from,
                recorded_at: now,
                recorded_by: actor.log_id(),
            })
            .await?;
        Ok(entry)
    }

    /// The instant a date begins in London, refused when the day is already past.
    fn effective_from(&self, from: Date, now: Timestamp) -> AppResult<Timestamp> {
        let today = self.calendar.local_date(now);
        if from < today {
            return Err(AppError::invalid(
                "effective_from",
                format!(
                    "the date the plan comes into force must be today ({today}) or later: cases \
                     already reported stay held to the plan they were reported under"
                ),
            ));
        }
        Ok(self.calendar.local_midnight(from).max(if from == today {
            // Today: in force from now, so no case already reported today changes plan.
            now
        } else {
            Timestamp::MIN
        }))
    }
}

/// The actor's force, when they may put plans in force there.
fn plan_force(actor: &Actor) -> AppResult<String> {
    crate::org::allowed_force(
        actor,
        OrgAction::PutPlanInForce,
        "install plans or put a plan in force",
    )
    .map(str::to_owned)
}

/// A plan file checked as `pledge plan check` checks it, with a force's own id.
fn checked_plan(source: &str) -> AppResult<Plan> {
    if source.len() > MAX_PLAN_BYTES {
        return Err(AppError::invalid(
            "source",
            format!("the plan file is larger than {MAX_PLAN_BYTES} bytes"),
        ));
    }
    let plan = load_plan("the plan file", source).map_err(AppError::PlanFile)?;
    if PlanLibrary::is_builtin_id(&plan.id) {
        return Err(AppError::invalid(
            "id",
            format!(
                "\"{}\" is a plan Pledge ships; give your force's version its own id (for \
                 example \"{}-yourforce\") and keep `version` counting from 1",
                plan.id, plan.id
            ),
        ));
    }
    Ok(plan)
}
