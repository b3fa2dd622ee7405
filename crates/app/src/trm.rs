//! A case as the tasking and resourcing meeting (TRM) is briefed on it (WMP 8: "raised at the
//! next available TRM and discussed outside of this meeting to maintain confidentiality of
//! the victim"): what happened and where, never who. The briefing is the domain's
//! (`TrmBriefing`); who may see it is the policy's (`CaseAction::ViewTrmBriefing`).

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{CaseAction, Decision, decide};
use jiff::Timestamp;
use pledge_domain::case::{CaseState, TrmBriefing};
use pledge_store::{AccessAction, AccessEntry, CaseId, Store};

impl<S: Store> App<S> {
    /// The TRM briefing of a case: for welfare and TRiM staff of the force, the victim's line
    /// and chain of command, and the force lead. Logged like every read of a case.
    pub async fn trm_briefing(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        now: Timestamp,
    ) -> AppResult<TrmBriefing> {
        let (_, rel) = self
            .authorise(actor, case_id, CaseAction::ViewTrmBriefing, now)
            .await?;
        let stored = self
            .store
            .load_case(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let state = CaseState::from_events(&stored.events);
        let briefing = TrmBriefing::of(&case_id.to_string(), &state, &self.calendar)
            .ok_or(AppError::NotFound)?;
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Consult,
                case_id: Some(case_id.clone()),
                what: "TRM briefing (no victim named)".into(),
                justification: Self::purpose(
                    &rel,
                    Some("raising the assault at the tasking meeting"),
                ),
            })
            .await?;
        Ok(briefing)
    }

    /// Whether the actor may see a case's TRM briefing, to offer a link to it: the policy's
    /// answer for the actor's relation to the case, asked without reading the case or logging
    /// (following the link is the read, and it is logged). False for no such case.
    pub async fn may_see_trm_briefing(&self, actor: &Actor, case_id: &CaseId) -> AppResult<bool> {
        let Some(summary) = self.store.summary(case_id).await? else {
            return Ok(false);
        };
        let rel = self.relations(actor, &summary).await?;
        Ok(decide(actor, CaseAction::ViewTrmBriefing, &rel) == Decision::Allow)
    }
}
