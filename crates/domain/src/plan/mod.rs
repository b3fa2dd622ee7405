//! Plans as data: the model, the TOML loader with its checks, and the built-in plans.

mod builtin;
pub mod condition;
pub mod deadline;
mod diff;
mod load;
mod model;
mod problem;
mod raw;
mod role;

pub use builtin::{BUILTIN_PLAN_FILES, PlanLibrary};
pub use condition::{Condition, Fact};
pub use deadline::{Deadline, Step};
pub use diff::{Change, compare};
pub use load::{MAX_PLAN_BYTES, load_plan};
pub use model::*;
pub use problem::{PlanError, Problem};
pub use role::Role;
