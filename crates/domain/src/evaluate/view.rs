//! The evaluation as a self-contained document (owned, serialisable): what
//! `pledge evaluate --json` prints and the API returns. Documented in `docs/events.md`.

use super::{Applied, Evaluation, NotApplicableWhy, Pending, PointVerdict, State, StateCounts};
use crate::case::CaseState;
use crate::plan::{Obligation, roles_in_words};
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
    /// The deadline applied, in words: the plan's own, or the stricter one or the victim's
    /// chosen frequency that replaced it for this case.
    pub deadline: String,
    /// Why the applied deadline differs from the plan's own (`null` when it does not).
    pub deadline_because: Option<String>,
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

/// The deadline phrase that was applied.
fn applied_phrase(o: &Obligation, applied: Applied) -> String {
    match applied {
        Applied::Base => o.deadline.to_string(),
        Applied::Stricter(k) => o
            .deadline_if
            .get(usize::from(k))
            .map(|(_, d)| d.to_string())
            .unwrap_or_else(|| o.deadline.to_string()),
        Applied::VictimsFrequency(days) => {
            format!("{days} day{}", if days == 1 { "" } else { "s" })
        }
    }
}

/// Why the applied deadline is not the plan's own.
fn because(o: &Obligation, applied: Applied) -> Option<String> {
    match applied {
        Applied::Base => None,
        Applied::Stricter(k) => o.deadline_if.get(usize::from(k)).map(|(c, _)| {
            format!(
                "the plan's stricter deadline when {c} (otherwise {})",
                o.deadline
            )
        }),
        Applied::VictimsFrequency(days) => Some(format!(
            "the victim chose to be updated every {days} day{} (the plan's default is {})",
            if days == 1 { "" } else { "s" },
            o.deadline
        )),
    }
}

fn not_applicable_because(o: &Obligation, why: Option<NotApplicableWhy>) -> String {
    match why {
        Some(NotApplicableWhy::NoVictimConcerned) => format!(
            "applies only to a victim who is {}",
            roles_in_words(&o.victims)
        ),
        Some(NotApplicableWhy::ClosedBeforeStart(e)) => {
            format!("the case closed without {} happening", e.as_str())
        }
        Some(NotApplicableWhy::Condition) | None => format!("applies only when {}", o.applies),
    }
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
                deadline: applied_phrase(o, s.applied),
                deadline_because: because(o, s.applied),
                deadline_is_default: o.deadline_is_default,
                started_at: s.started_at,
                due_at: s.due_at,
                completed_at: s.completed_at,
                not_applicable_because: (s.state == State::NotApplicable)
                    .then(|| not_applicable_because(o, s.not_applicable)),
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
