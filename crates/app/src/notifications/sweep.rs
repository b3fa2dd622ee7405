//! The escalation sweep: reads only open obligations due by now (or within the reminder
//! window), and decides each level that has come, once. A level from overdue on is recorded
//! in the case as an `obligation_escalated` event, with its notifications and its unique key
//! in the same transaction; the due-soon reminder writes its key and notifications alone.
//! Several servers may sweep at once: the key (and the case's version) lets one win; the
//! others find the level decided and move on.

use super::resolve::Directory;
use crate::app::App;
use crate::error::{AppError, AppResult};
use jiff::Timestamp;
use pledge_domain::event::values::PersonId;
use pledge_domain::notify::{self, EscalationPolicy, ObligationClock, Step};
use pledge_domain::plan::Obligation;
use pledge_domain::{Case, Clocks, Event, EventKind, Plan};
use pledge_store::notify::{
    EscalationCandidate, EscalationKey, NotificationStore, Outbox, SweepCursor,
};
use pledge_store::{
    AccessAction, AccessEntry, Append, CaseId, ObligationRow, RowStatus, Store, StoreError,
    projection,
};
use serde::Serialize;

/// Who the sweep records as (the event's `by` and the access log's actor).
pub const SWEEP_ACTOR: &str = "system:escalation";

/// Passes one sweep makes at most; each pass after the first decides only what the previous
/// pass's appends put into the index behind its cursor, so a second pass rarely decides more.
const MAX_PASSES: usize = 4;

/// One level of one obligation of a case, due now.
#[derive(Clone, Copy)]
struct Level<'a> {
    plan: &'a Plan,
    ob: &'a Obligation,
    row: &'a ObligationRow,
    step: &'a Step,
}

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Obligation rows read.
    pub read: usize,
    /// Reminders decided.
    pub reminders: usize,
    /// Escalation levels recorded as events.
    pub escalations: usize,
    /// Levels another sweep had already decided.
    pub already_decided: usize,
}

impl<S: Store + NotificationStore> App<S> {
    /// Decides every reminder and escalation level due at `now`, reading the sweep's index of
    /// next-due times (only the levels due, never every case) in pages of `limit` (keyset
    /// paging, so a row that cannot be decided never hides the rows behind it).
    ///
    /// An escalation appends an event, and the case's new projection may put rows into the
    /// index that are already due but sort before the page being read (a recurring
    /// obligation's next instance, whose clock the case's re-evaluation at `now` started).
    /// So a pass that decided something is followed by another from the start, until a pass
    /// decides nothing (a pass with nothing due is one seek on the index).
    pub async fn sweep_escalations(&self, now: Timestamp, limit: u32) -> AppResult<SweepReport> {
        let mut report = SweepReport::default();
        // Who holds the force-wide roles, read at most once a sweep.
        let mut dir = Directory::at(now);
        for _ in 0..MAX_PASSES {
            let decided = report.escalations + report.reminders;
            self.sweep_pass(now, limit, &mut report, &mut dir).await?;
            if report.escalations + report.reminders == decided {
                break;
            }
        }
        Ok(report)
    }

    /// One pass over the index in keyset order.
    async fn sweep_pass(
        &self,
        now: Timestamp,
        limit: u32,
        report: &mut SweepReport,
        dir: &mut Directory,
    ) -> AppResult<()> {
        let mut after: Option<SweepCursor> = None;
        loop {
            let candidates = self
                .store
                .escalation_candidates(now, after.as_ref(), limit)
                .await?;
            report.read += candidates.len();
            let full = candidates.len() >= limit as usize;
            after = candidates.last().map(EscalationCandidate::cursor);
            // Deciding an obligation decides every level of it that is due, and removes them
            // from the index; its other due rows on this page are then nothing to do.
            let mut seen = std::collections::HashSet::new();
            for c in candidates {
                let key = (
                    c.row.case_id.clone(),
                    c.row.obligation_id.clone(),
                    c.row.instance,
                );
                if seen.insert(key) {
                    self.sweep_one(c, now, report, dir).await?;
                }
            }
            if !full || after.is_none() {
                return Ok(());
            }
        }
    }

    /// Decides what has come for one candidate row.
    async fn sweep_one(
        &self,
        c: EscalationCandidate,
        now: Timestamp,
        report: &mut SweepReport,
        dir: &mut Directory,
    ) -> AppResult<()> {
        let Some(summary) = self.store.summary(&c.row.case_id).await? else {
            return Ok(());
        };
        let plan = self.plan_of(&summary).await?;
        let plan = plan.as_ref();
        let Some(ob) = plan.obligation(&c.row.obligation_id) else {
            return Ok(());
        };
        let clock = clock_of(&c.row);
        let policy = &EscalationPolicy::of(plan, ob);
        let all = notify::escalation_steps(ob, &clock, policy);
        let last = all.last().map(|s| s.level);
        let due = notify::steps_due(ob, &clock, policy, now, |l| c.decided.contains(&l));
        for step in due {
            let key = EscalationKey {
                obligation_id: ob.id.clone(),
                instance: c.row.instance,
                level: step.level,
                final_level: Some(step.level) == last,
            };
            let level = Level {
                plan,
                ob,
                row: &c.row,
                step: &step,
            };
            let done = if step.is_escalation() {
                self.record_escalation(level, key, now, dir).await?
            } else {
                self.record_reminder(level, key, now, dir).await?
            };
            match (done, step.is_escalation()) {
                (false, _) => report.already_decided += 1,
                (true, true) => report.escalations += 1,
                (true, false) => report.reminders += 1,
            }
        }
        Ok(())
    }

    async fn record_reminder(
        &self,
        level: Level<'_>,
        key: EscalationKey,
        now: Timestamp,
        dir: &mut Directory,
    ) -> AppResult<bool> {
        let Level {
            plan,
            ob,
            row,
            step,
        } = level;
        let stored = self.load_for_sweep(plan, &row.case_id).await?;
        let notice = step.notice(ob, row.instance);
        let rows = self.resolve_notice(dir, stored.state(), &notice).await?;
        Ok(self
            .store
            .decide_without_event(&row.case_id, &key, &rows, now)
            .await?)
    }

    /// Records one level as an `obligation_escalated` event; false when it was already
    /// decided (by another server, or an earlier sweep that crashed after committing).
    async fn record_escalation(
        &self,
        level: Level<'_>,
        key: EscalationKey,
        now: Timestamp,
        dir: &mut Directory,
    ) -> AppResult<bool> {
        let Level {
            plan,
            ob,
            row,
            step,
        } = level;
        let by = PersonId::parse(SWEEP_ACTOR)
            .map_err(|e| AppError::Internal(format!("sweep actor: {e}")))?;
        // A concurrent step in the same case moves its version: try again a few times.
        for _ in 0..3 {
            let mut case = self.load_for_sweep(plan, &row.case_id).await?;
            let version = case.events().len() as u64;
            let event = Event {
                at: now,
                by: by.clone(),
                kind: EventKind::ObligationEscalated {
                    obligation: ob.id.clone(),
                    to: step.to.as_str().to_owned(),
                },
            };
            case.record(event.clone())?;
            let notice = step.notice(ob, row.instance);
            let notifications = self.resolve_notice(dir, case.state(), &notice).await?;
            let meetings = self.meetings_for(plan, &row.unit).await?;
            let clocks = Clocks {
                calendar: &self.calendar,
                meetings: &meetings,
            };
            let projection = projection::project(&row.case_id, plan, case.state(), &clocks)
                .ok_or_else(|| AppError::Internal("case without a report".into()))?;
            let append = Append {
                case_id: row.case_id.clone(),
                expected_version: version,
                events: vec![event],
                projection,
                access: AccessEntry {
                    at: now,
                    actor: SWEEP_ACTOR.into(),
                    action: AccessAction::Alter,
                    case_id: Some(row.case_id.clone()),
                    what: "recorded obligation_escalated".into(),
                    justification: "an overdue obligation escalated as the plan says".into(),
                },
                idempotency: None,
                notify: Some(Outbox {
                    notifications,
                    escalations: vec![key.clone()],
                }),
            };
            match self.store.append(append).await {
                Ok(_) => return Ok(true),
                Err(e) => {
                    if self
                        .store
                        .escalation_decided(
                            &row.case_id,
                            &key.obligation_id,
                            key.instance,
                            key.level,
                        )
                        .await?
                    {
                        return Ok(false);
                    }
                    if !matches!(e, StoreError::Conflict { .. }) {
                        return Err(e.into());
                    }
                }
            }
        }
        Err(AppError::Internal(format!(
            "case {} kept changing while escalating {}",
            row.case_id, key.obligation_id
        )))
    }

    async fn load_for_sweep<'p>(&self, plan: &'p Plan, case_id: &CaseId) -> AppResult<Case<'p>> {
        let stored = self
            .store
            .load_case(case_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("no case {case_id}")))?;
        Case::replay(plan, stored.events).map_err(|(i, r)| {
            AppError::Internal(format!("case {case_id} event {i} no longer fits: {r}"))
        })
    }
}

fn clock_of(row: &ObligationRow) -> ObligationClock {
    ObligationClock {
        open: row.status == RowStatus::Open,
        started_at: row.started_at,
        due_at: row.due_at,
    }
}
