//! Application services: every command (record an assault, record a step) and query (a
//! case, my tasks, the victim's view) that the web pages, the API and the command line use.
//! Each goes through the access policy, the domain's rules and the access log, so no rule
//! lives in a handler.

pub mod accounts;
mod actor;
mod app;
pub mod backtest;
mod case_export;
mod colleagues;
mod commands;
mod confirmation;
mod error;
mod idempotency;
pub mod import;
mod meeting_schedules;
mod meetings;
pub mod notifications;
pub mod on_call;
pub mod org;
pub mod plans;
pub mod policy;
mod queries;
mod report_answers;
pub mod reports;
mod timeline;
mod trm;

pub use actor::{AccountRole, Actor, TokenScope};
pub use app::App;
pub use case_export::MAX_EXPORT;
pub use colleagues::{Colleague, MAX_MATCHES, MAX_QUERY};
pub use commands::{NewAssault, RecordedStep};
pub use confirmation::{Confirmation, NextStep};
pub use error::{AppError, AppResult};
pub use idempotency::{Answer, IdempotentRequest};
pub use queries::{CaseDetail, Contact, OwnPart, Task, VictimCase, VictimPromise, VictimView};
pub use report_answers::{ArrestAnswer, AssaultAnswers, DEFAULT_OFFENCE, VictimAnswer};
pub use timeline::TimelineEntry;
