//! What the person who recorded an assault sees at once: the case reference and what the
//! plan does next, whether or not they may see the case itself (a constable who records an
//! assault on a colleague usually may not).

use crate::actor::Actor;
use crate::app::App;
use crate::error::AppResult;
use crate::policy::CaseAction;
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, CaseId, RowStatus, Store};
use serde::Serialize;

/// The confirmation of a recorded assault.
#[derive(Debug, Clone, Serialize)]
pub struct Confirmation {
    /// The case reference.
    pub case_id: CaseId,
    /// The plan the case is held to, by title.
    pub plan_title: String,
    /// When the assault happened.
    pub occurred_at: Timestamp,
    /// The plan's first promises with a clock, soonest first.
    pub next: Vec<NextStep>,
    /// Whether the actor may open the case.
    pub may_view: bool,
}

/// One promise of the plan, as the confirmation lists it.
#[derive(Debug, Clone, Serialize)]
pub struct NextStep {
    /// The plan point's title.
    pub point_title: String,
    /// What must be done.
    pub title: String,
    /// Who does it: a person's name where the case names them, otherwise the role.
    pub owner: String,
    /// When it is due.
    pub due_at: Timestamp,
}

impl<S: Store> App<S> {
    /// The confirmation of an assault the actor recorded (or may view).
    pub async fn confirmation(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        now: Timestamp,
    ) -> AppResult<Confirmation> {
        let (summary, rel) = self
            .authorise(actor, case_id, CaseAction::ViewConfirmation, now)
            .await?;
        let may_view =
            crate::policy::decide(actor, CaseAction::View, &rel) == crate::policy::Decision::Allow;
        let plan = self.plan_of(&summary).await?;
        let plan = plan.as_ref();
        let mut rows: Vec<_> = self
            .store
            .case_obligations(case_id)
            .await?
            .into_iter()
            .filter(|r| r.status == RowStatus::Open)
            .filter_map(|r| r.due_at.map(|due| (due, r)))
            .collect();
        rows.sort_by_key(|(due, _)| *due);
        let mut next = Vec::new();
        for (due_at, r) in rows.into_iter().take(6) {
            let owner = match &r.owner_person {
                Some(id) => match self.store.person(id).await? {
                    Some(p) => p.name,
                    None => id.clone(),
                },
                None => r.owner_role.replace('_', " "),
            };
            let point_title = plan
                .points
                .iter()
                .find(|p| p.number == r.point)
                .map(|p| p.title.clone())
                .unwrap_or_else(|| r.point.clone());
            next.push(NextStep {
                point_title,
                title: r.title,
                owner,
                due_at,
            });
        }
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Consult,
                case_id: Some(case_id.clone()),
                what: "confirmation".into(),
                justification: Self::purpose(&rel, None),
            })
            .await?;
        Ok(Confirmation {
            case_id: summary.case_id,
            plan_title: plan.title.clone(),
            occurred_at: summary.occurred_at,
            next,
            may_view,
        })
    }
}
