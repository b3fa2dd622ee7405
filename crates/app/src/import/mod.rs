//! Imports from a force's own systems (docs/imports.md): the directory from HR (units, then
//! people, and who has left) and crimes from the records management system.
//!
//! - [`mapping`]: which column of the force's export holds which field, and its date format
//!   (a TOML file; the defaults are Pledge's own names).
//! - [`parse`]: the CSV read as a stream, each problem named by row and column: text that
//!   is not UTF-8, missing columns, over-long lines (bounded memory), control characters.
//! - [`diff`]: what a directory file would change (new, changed, leavers), checked row by row.
//! - [`apply`]: the import through the policy, all or nothing per file, then leavers lose
//!   access through the accounts services.
//! - [`crimes`]: crime references, classifications and outcomes recorded on cases through
//!   `Case::record`, once per source record.
//! - [`headcount`]: counts per unit and workforce role from a people file.

pub mod apply;
pub mod crimes;
pub mod diff;
pub mod headcount;
pub mod mapping;
pub mod parse;

pub use apply::{DirectoryReport, ImportMode, Sample};
pub use crimes::{CrimeOutcome, CrimeRecord, CrimeReport, CrimeRow};
pub use headcount::{UnitHeadcount, headcounts_from_people};
pub use mapping::Mapping;

use serde::Serialize;
use std::fmt;

/// At most this many problems are listed; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 20;

/// How many rows of each kind a report shows (the rest are counted).
pub const SAMPLE_ROWS: usize = 10;

/// One problem in a file: its row (the header is row 1), the column (as the file names it)
/// where there is one, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Row number, counting the header line as row 1 (0: the file as a whole).
    pub row: u64,
    /// The column's name in the file.
    pub column: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, &self.column) {
            (0, None) => write!(f, "{}", self.problem),
            (0, Some(c)) => write!(f, "column \"{c}\": {}", self.problem),
            (r, None) => write!(f, "row {r}: {}", self.problem),
            (r, Some(c)) => write!(f, "row {r}, column \"{c}\": {}", self.problem),
        }
    }
}

/// The problems found in a file: the first [`MAX_LISTED_ERRORS`] and how many in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileErrors {
    /// The first problems, in file order.
    pub listed: Vec<RowError>,
    /// How many problems in all.
    pub total: usize,
}

impl FileErrors {
    /// Adds a problem (listed while there is room).
    pub fn push(&mut self, e: RowError) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED_ERRORS {
            self.listed.push(e);
        }
    }

    /// A problem at a row and column.
    pub fn at(&mut self, row: u64, column: &str, problem: impl Into<String>) {
        self.push(RowError {
            row,
            column: Some(column.to_owned()),
            problem: problem.into(),
        });
    }

    /// No problems.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// One problem with the whole file.
    pub fn file(problem: impl Into<String>) -> Self {
        let mut e = Self::default();
        e.push(RowError {
            row: 0,
            column: None,
            problem: problem.into(),
        });
        e
    }

    /// The problems as lines, with "... and N more" when some are not listed.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self.listed.iter().map(ToString::to_string).collect();
        if self.total > self.listed.len() {
            out.push(format!(
                "... and {} more problems not listed",
                self.total - self.listed.len()
            ));
        }
        out
    }
}

impl fmt::Display for FileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.lines().join("\n"))
    }
}
