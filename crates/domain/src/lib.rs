//! Pledge's pure core: plans as data, cases as events, the plan's rules and compliance
//! evaluation, with UK working-day calendars. No I/O, no async, no database: time is a
//! parameter, so everything here is deterministic and testable.

pub mod calendar;
pub mod case;
pub mod evaluate;
pub mod event;
pub mod notify;
pub mod plan;

pub use case::{Case, CaseState, Refusal, RuleViolation};
pub use evaluate::{Clocks, Evaluation, EvaluationView, Meetings, State, evaluate};
pub use event::{CaseFile, Event, EventKind, EventType};
pub use plan::{Plan, PlanError, PlanLibrary, load_plan};
