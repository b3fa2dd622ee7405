//! The case file: a case's events as one JSON document, for `pledge evaluate` and examples.

use super::Event;
use serde::{Deserialize, Serialize};

/// The format tag every case file carries; bumped when the event format changes incompatibly.
pub const CASE_FILE_FORMAT: &str = "pledge-case/1";

/// A case as a JSON document: an id and its events in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// Must be [`CASE_FILE_FORMAT`].
    pub format: String,
    /// The case id.
    pub case_id: String,
    /// Events, oldest first; the first must be `assault_reported`.
    pub events: Vec<Event>,
}

impl CaseFile {
    /// Parses a case file; the error names the field path, line and column of the problem.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let file: CaseFile = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." || path.is_empty() {
                inner.to_string()
            } else {
                format!("{path}: {inner}")
            }
        })?;
        if file.format != CASE_FILE_FORMAT {
            return Err(format!(
                "format: expected \"{CASE_FILE_FORMAT}\", got \"{}\"",
                file.format
            ));
        }
        Ok(file)
    }
}
