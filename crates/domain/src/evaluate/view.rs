//! The evaluation as a self-contained document (owned, serialisable): what
//! `pledge evaluate --json` prints and the API returns. Documented in `docs/events.md`.

use super::{Evaluation, Pending, PointVerdict, State, StateCounts};
use crate::case::CaseState;
use crate::plan::{Plan, Role};
use jiff::Timestamp;
use serde::Serialize;

/// An evaluation, ready to print or send.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationView {
    /// `pledge-evaluation/1`.
    pub format: &'static str,
    /// The plan, `id@version`.
    pub plan: String,
    /// The moment evaluated.
    pub at: Timestamp,
    /// Points, each with its obligations.
    pub points: Vec<PointView>,
}

/// One point and its obligations.
#[derive(Debug, Clone, Serialize)]
pub struct PointView {
    /// Number or letter.
    pub number: String,
    /// Title.
    pub title: String,
    /// Verdict so far.
    pub verdict: PointVerdict,
    /// Counts by state.
    pub counts: StateCounts,
    /// Its obligations.
    pub obligations: Vec<ObligationView>,
}

/// One obligation (or instance).
#[derive(Debug, Clone, Serialize)]
pub struct ObligationView {
    /// The obligation id.
    pub id: String,
    /// Instance number (0 for one-off obligations).
    pub instance: u32,
    /// What must be done.
    pub title: String,
    /// State.
    pub state: State,
    /// For open obligations, what the clock is doing.
    pub pending: Pending,
    /// Owner role.
    pub owner: Role,
    /// Owner, where the case names them.
    pub owner_person: Option<String>,
    /// The deadline in words.
    pub deadline: String,
    /// The deadline is Pledge's default (the source is silent).
    pub deadline_is_default: bool,
    /// Clock start.
    pub started_at: Option<Timestamp>,
    /// Due time.
    pub due_at: Option<Timestamp>,
    /// Completion time.
    pub completed_at: Option<Timestamp>,
    /// Why it does not apply, for not-applicable obligations.
    pub not_applicable_because: Option<String>,
    /// The waiver, for waived obligations.
    pub waiver: Option<WaiverView>,
    /// Who hears when it is overdue.
    pub escalates_to: Vec<Role>,
}

/// A waiver.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverView {
    /// Who waived it.
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// Why.
    pub reason: String,
}

impl EvaluationView {
    /// Builds the document.
    pub fn new(plan: &Plan, case: &CaseState, at: Timestamp, e: &Evaluation) -> Self {
        let mut points: Vec<PointView> = plan
            .points
            .iter()
            .zip(&e.points)
            .map(|(p, r)| PointView {
                number: p.number.clone(),
                title: p.title.clone(),
                verdict: r.verdict,
                counts: r.counts,
                obligations: Vec::new(),
            })
            .collect();
        for s in &e.obligations {
            let o = &plan.obligations[s.obligation];
            let view = ObligationView {
                id: o.id.clone(),
                instance: s.instance,
                title: o.title.clone(),
                state: s.state,
                pending: s.pending,
                owner: o.owner,
                owner_person: case.person_for(o.owner).map(|p| p.to_string()),
                deadline: o.deadline.to_string(),
                deadline_is_default: o.deadline_is_default,
                started_at: s.started_at,
                due_at: s.due_at,
                completed_at: s.completed_at,
                not_applicable_because: (s.state == State::NotApplicable)
                    .then(|| format!("applies only when {}", o.applies)),
                waiver: s
                    .waiver
                    .and_then(|w| case.waivers().get(w))
                    .map(|w| WaiverView {
                        by: w.by.to_string(),
                        at: w.at,
                        reason: w.reason.clone(),
                    }),
                escalates_to: o.escalates_to.clone(),
            };
            if let Some(p) = points.get_mut(o.point) {
                p.obligations.push(view);
            }
        }
        Self {
            format: "pledge-evaluation/1",
            plan: plan.reference(),
            at,
            points,
        }
    }
}
