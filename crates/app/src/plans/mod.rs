//! A force's own plan versions, put in force from a date.
//!
//! The plan register (`pledge_store::plans`) holds every version a force installed, as the
//! file was uploaded, and which plan each force has in force from which date; it is
//! append-only and hash-chained. The app keeps a library of the built-in plans, the files
//! given at start and every installed version (`library.rs`); a case stays held to the
//! version it opened under, and a new case opens under its force's plan in force at the time
//! it is reported (`in_force.rs`). Installing is checked, previewed against the plan in force
//! and recorded by an administrator or the force's Op Hampshire lead (`install.rs`).

mod in_force;
mod install;
mod library;

pub use in_force::{PlanSchedule, ScheduledPlan, in_force_at};
pub use install::PlanPreview;
pub use library::{RegisterLibrary, with_register};
