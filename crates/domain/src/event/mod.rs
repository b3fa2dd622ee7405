//! Cases as events: the envelope (who, when), what happened, and the case file format.

pub mod bounds;
mod case_file;
mod kind;
pub mod values;

pub use case_file::{CASE_FILE_FORMAT, CaseFile};
pub use kind::{EventKind, EventType};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use values::PersonId;

/// One thing that happened in a case, who recorded it and when it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened (UTC instant; any RFC 3339 offset is accepted on input).
    pub at: Timestamp,
    /// Who did it or recorded it.
    pub by: PersonId,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// This event's type.
    pub fn event_type(&self) -> EventType {
        self.kind.event_type()
    }
}
