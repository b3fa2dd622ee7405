//! A case's events as a timeline, with confidential welfare detail withheld from those whose
//! role does not need it.

use pledge_domain::{Event, EventType};
use serde::Serialize;

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// Position in the case (1-based).
    pub position: usize,
    /// When it happened.
    pub at: jiff::Timestamp,
    /// Who recorded it.
    pub by: String,
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// The event's data, or `{"confidential": true}` when withheld.
    pub data: serde_json::Value,
}

/// Whether an event's detail is confidential to welfare and the victim.
fn confidential(t: EventType) -> bool {
    matches!(
        t,
        EventType::TrimAssessmentHeld | EventType::WelfareMeetingHeld
    )
}

/// The timeline; `welfare_detail` says whether confidential detail may be shown.
pub fn timeline(events: &[Event], welfare_detail: bool) -> Vec<TimelineEntry> {
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let t = e.event_type();
            let data = if confidential(t) && !welfare_detail {
                serde_json::json!({ "confidential": true })
            } else {
                let mut v = serde_json::to_value(&e.kind).unwrap_or(serde_json::Value::Null);
                if let Some(o) = v.as_object_mut() {
                    o.remove("type");
                }
                v
            };
            TimelineEntry {
                position: i + 1,
                at: e.at,
                by: e.by.to_string(),
                event_type: t,
                data,
            }
        })
        .collect()
}
