//! Which steps make sense in a case now, point by point: those that would complete an
//! obligation still open, and those that would start the clock of one waiting for it. A page
//! offers these first instead of every step the plan language knows.

use super::{EvaluationView, Pending};
use crate::event::EventType;
use crate::plan::Plan;

/// The steps that make sense now under one point of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointSteps {
    /// The point's number or letter.
    pub point: String,
    /// The point's title.
    pub title: String,
    /// Its steps, in the plan's order, each once.
    pub steps: Vec<EventType>,
}

/// The steps that would move an open obligation on, grouped by point (points with none are
/// left out). An obligation whose clock has not started offers the step that starts it (a
/// key decision, say), not the one that would complete it: recording that first would meet
/// another obligation instead.
pub fn next_steps(plan: &Plan, view: &EvaluationView) -> Vec<PointSteps> {
    let mut out = Vec::new();
    for p in &view.points {
        let mut steps: Vec<EventType> = Vec::new();
        let mut add = |e: EventType| {
            if !steps.contains(&e) {
                steps.push(e);
            }
        };
        for o in p.obligations.iter().filter(|o| !o.state.is_settled()) {
            match o.pending {
                Pending::ClockNotStarted(e) => add(e),
                _ => {
                    if let Some(def) = plan.obligation(&o.id) {
                        def.completed_by.iter().for_each(|c| add(c.event));
                    }
                }
            }
        }
        if !steps.is_empty() {
            out.push(PointSteps {
                point: p.number.clone(),
                title: p.title.clone(),
                steps,
            });
        }
    }
    out
}
