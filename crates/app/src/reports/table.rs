//! The pack's tables: drafted with raw counts (each a cell of one grid, so lines can tie
//! counts across tables), then finished by [`suppression::suppress`] into what is shown.

use super::suppression::{Shown, suppress};
use serde::Serialize;

/// What one cell of a finished table shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cell {
    /// A count.
    Count {
        /// The count.
        value: u64,
    },
    /// A count from 1 to threshold - 1, not shown.
    FewerThan {
        /// The threshold ("fewer than 5").
        threshold: u64,
    },
    /// A count withheld so that totals cannot reveal a hidden one.
    Withheld,
    /// A rate per 1,000, to one decimal place.
    Rate {
        /// The rate.
        value: f64,
    },
    /// Days relative to the deadline (negative: before it), to one decimal place.
    Days {
        /// The days.
        value: f64,
    },
    /// Words (named pack only: names, case references, reasons).
    Text {
        /// The words.
        value: String,
    },
    /// No figure: nothing to measure, no headcount, or too few to show.
    NotAvailable,
}

impl Cell {
    /// The cell as a person reads it.
    pub fn display(&self) -> String {
        match self {
            Cell::Count { value } => thousands(*value),
            Cell::FewerThan { threshold } => format!("fewer than {threshold}"),
            Cell::Withheld => "withheld".into(),
            Cell::Rate { value } | Cell::Days { value } => format!("{value:.1}"),
            Cell::Text { value } => value.clone(),
            Cell::NotAvailable => "not available".into(),
        }
    }

    /// The cell in a CSV file: the number, or a marker (see docs/reports.md).
    pub fn csv(&self) -> String {
        match self {
            Cell::Count { value } => value.to_string(),
            Cell::FewerThan { threshold } => format!("<{threshold}"),
            Cell::Withheld => "[withheld]".into(),
            Cell::Rate { value } | Cell::Days { value } => format!("{value:.1}"),
            Cell::Text { value } => value.clone(),
            Cell::NotAvailable => String::new(),
        }
    }

    /// The count, when shown.
    pub fn count(&self) -> Option<u64> {
        match self {
            Cell::Count { value } => Some(*value),
            _ => None,
        }
    }
}

/// A number with thousands separators.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One row of a finished table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// What the row counts, in words.
    pub label: String,
    /// One cell per column after the label.
    pub cells: Vec<Cell>,
}

/// A finished table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Its name in files and links (`injury`, `point_by_point`).
    pub id: String,
    /// Its heading.
    pub title: String,
    /// What it counts, in a sentence.
    pub about: String,
    /// Column headings, the label column first.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Row>,
    /// Drawn as a bar chart of its first column beside the table.
    pub chart: bool,
}

/// A cell while drafting.
#[derive(Debug, Clone)]
pub(crate) enum Draft {
    /// A count: its index in the grid.
    Count(usize),
    /// A rate per 1,000 of a count over a headcount.
    Rate { count: usize, per: u64 },
    /// Days, shown when at least `n` values lie behind them.
    Days { value: Option<f64>, n: u64 },
    /// Words.
    Text(String),
    /// Nothing.
    None,
}

/// A table while drafting.
#[derive(Debug, Clone)]
pub(crate) struct DraftTable {
    pub id: &'static str,
    pub title: String,
    pub about: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<Draft>)>,
    pub chart: bool,
}

/// Every count of a pack, the lines that tie them, and the drafted tables.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    values: Vec<u64>,
    lines: Vec<Vec<usize>>,
    pub tables: Vec<DraftTable>,
}

impl Grid {
    /// A new count; returns its index.
    pub fn count(&mut self, value: u64) -> usize {
        self.values.push(value);
        self.values.len() - 1
    }

    /// The raw value of a count.
    pub fn value(&self, i: usize) -> u64 {
        self.values[i]
    }

    /// Declares that these counts are tied by one sum (the parts and their total).
    pub fn line(&mut self, members: Vec<usize>) {
        self.lines.push(members);
    }

    /// Adds a table.
    pub fn table(&mut self, t: DraftTable) {
        self.tables.push(t);
    }

    /// Finishes every table: suppressed at `threshold` (None: the named pack, not
    /// suppressed).
    pub fn finish(self, threshold: Option<u64>) -> Vec<Table> {
        let shown = match threshold {
            Some(t) => suppress(&self.values, &self.lines, t),
            None => vec![Shown::Visible; self.values.len()],
        };
        let limit = threshold.unwrap_or(0);
        let values = &self.values;
        let cell = |d: &Draft| -> Cell {
            match d {
                Draft::Count(i) => match shown[*i] {
                    Shown::Visible => Cell::Count { value: values[*i] },
                    Shown::FewerThan => Cell::FewerThan { threshold: limit },
                    Shown::Withheld => Cell::Withheld,
                },
                Draft::Rate { count, per } => {
                    if shown[*count] != Shown::Visible || *per == 0 {
                        Cell::NotAvailable
                    } else {
                        let r = values[*count] as f64 * 1000.0 / *per as f64;
                        Cell::Rate {
                            value: (r * 10.0).round() / 10.0,
                        }
                    }
                }
                Draft::Days { value, n } => match value {
                    Some(v) if *n >= limit.max(1) => Cell::Days {
                        value: (v * 10.0).round() / 10.0,
                    },
                    _ => Cell::NotAvailable,
                },
                Draft::Text(s) => Cell::Text { value: s.clone() },
                Draft::None => Cell::NotAvailable,
            }
        };
        self.tables
            .iter()
            .map(|t| Table {
                id: t.id.to_owned(),
                title: t.title.clone(),
                about: t.about.clone(),
                columns: t.columns.clone(),
                rows: t
                    .rows
                    .iter()
                    .map(|(label, cells)| Row {
                        label: label.clone(),
                        cells: cells.iter().map(cell).collect(),
                    })
                    .collect(),
                chart: t.chart,
            })
            .collect()
    }
}
