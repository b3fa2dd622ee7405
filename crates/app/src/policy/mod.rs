//! The one access policy: every decision about who may read or change what (cases, lists,
//! people, units, meetings, accounts, tokens) is made by a function in this module, default
//! deny. Handlers, pages and the command line ask; they never decide.

mod accounts;
mod backtest;
mod case;
mod national;
mod notifications;
mod org;
mod reports;

pub use accounts::*;
pub use backtest::*;
pub use case::*;
pub use national::*;
pub use notifications::*;
pub use org::*;
pub use reports::*;
