//! The national export's schema (version [`SCHEMA_VERSION`]; every field in docs/reports.md,
//! "The national export"). A file carries only suppressed counts of one force and period,
//! and what identifies where they came from: no names, ids, collar numbers, case references
//! or free text.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the `schema` field says of every national export.
pub const SCHEMA: &str = "pledge-national-export";

/// The schema version this Pledge writes and reads. Any change to the fields or their
/// meaning takes a new version; a merge refuses a file of another version.
pub const SCHEMA_VERSION: u32 = 1;

/// One force's anonymised, suppressed aggregate for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationalExport {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Always [`SCHEMA_VERSION`] for files this Pledge writes.
    pub schema_version: u32,
    /// The force, by its name.
    pub force: String,
    /// First day of the period (UK local time).
    pub from: Date,
    /// Last day of the period, inclusive.
    pub to: Date,
    /// When the export was made.
    pub generated_at: Timestamp,
    /// Counts from 1 to `threshold - 1` are not shown.
    pub threshold: u64,
    /// The plan versions the force's cases of the period were held to.
    pub plan_versions: Vec<PlanVersion>,
    /// The force's event log head when the export was made.
    pub log_head: LogHead,
    /// The force's workforce on the last day of the period, for rates per 1,000.
    pub headcounts: Headcounts,
    /// The pack's tables that make sense nationally, suppressed as the pack is.
    pub tables: Vec<ExportTable>,
}

/// A plan and version cases were held to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanVersion {
    /// The plan's id (`op-hampshire`, `west-midlands`, `btp`, or a force's own).
    pub plan: String,
    /// Its version.
    pub version: u32,
}

/// The event log's head: `sequence:hash` as `pledge serve` publishes it and `pledge verify
/// --expect-head` checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogHead {
    /// The number of the last event (0: an empty log).
    pub sequence: i64,
    /// Its chain hash, 64 hex digits.
    pub hash: String,
}

impl LogHead {
    /// As `pledge verify --expect-head` takes it.
    pub fn label(&self) -> String {
        format!("{}:{}", self.sequence, self.hash)
    }
}

/// Headcounts by workforce role (`officer`, `special_constable`, `pcso`, `staff`,
/// `volunteer`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Headcounts {
    /// The day the figures were in force.
    pub on: Date,
    /// People by role; a role with no figure is absent.
    pub by_role: BTreeMap<String, u64>,
}

/// One table of the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportTable {
    /// The pack's table id (`injury`, `point_by_point`, ...).
    pub id: String,
    /// Its heading.
    pub title: String,
    /// One heading per figure of a row (the label column is not among them).
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<ExportRow>,
}

/// One row: what it counts and one figure per column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRow {
    /// The plan point (point-by-point rows only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<String>,
    /// What the row counts, in words (an obligation's title in the point-by-point table).
    pub label: String,
    /// One figure per column.
    pub figures: Vec<Figure>,
}

/// One figure, as the force's pack shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Figure {
    /// A count.
    Count {
        /// The count.
        value: u64,
    },
    /// A count from 1 to threshold - 1, not shown.
    FewerThan {
        /// The threshold.
        threshold: u64,
    },
    /// A count withheld so that totals cannot reveal a hidden one (at least 1).
    Withheld,
    /// No figure for this row and column (the all-obligations row has no case count).
    NotApplicable,
}

impl Figure {
    /// The figure in a CSV file: the number, `<5`, `[withheld]` or empty.
    pub fn csv(&self) -> String {
        match self {
            Figure::Count { value } => value.to_string(),
            Figure::FewerThan { threshold } => format!("<{threshold}"),
            Figure::Withheld => "[withheld]".into(),
            Figure::NotApplicable => String::new(),
        }
    }
}
