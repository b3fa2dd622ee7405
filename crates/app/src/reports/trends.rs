//! Trends: the headline measures by month or quarter, beside the same period a year earlier.

use super::table::{Draft, DraftTable, Grid};
use jiff::Timestamp;
use jiff::civil::Date;
use pledge_store::{CaseKept, CaseReport};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How the trends are bucketed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// By calendar month.
    #[default]
    Month,
    /// By calendar quarter.
    Quarter,
}

impl Bucket {
    /// Parses `month` or `quarter`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "month" => Ok(Bucket::Month),
            "quarter" => Ok(Bucket::Quarter),
            other => Err(format!("\"{other}\" is not month or quarter")),
        }
    }
}

/// The trend measures, in column order.
pub(crate) const MEASURES: [&str; 8] = [
    "Assaults",
    "Injured",
    "Taken to hospital",
    "Hate crimes",
    "Arrests",
    "Obligations kept on time",
    "Kept late",
    "Missed",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The buckets of `[from, to]` (dates, `to` inclusive): (label, first day, day after last).
pub(crate) fn buckets(from: Date, to: Date, by: Bucket) -> Vec<(String, Date, Date)> {
    let mut out = Vec::new();
    let mut start = from;
    while start <= to && out.len() < 1200 {
        let months = if by == Bucket::Month { 1 } else { 3 };
        let first = match by {
            Bucket::Month => start.first_of_month(),
            Bucket::Quarter => {
                let m = (start.month() - 1) / 3 * 3 + 1;
                jiff::civil::date(start.year(), m, 1)
            }
        };
        let Ok(next) = first.checked_add(jiff::Span::new().months(months)) else {
            break;
        };
        let end = next.min(to.tomorrow().unwrap_or(to));
        let label = match by {
            Bucket::Month => format!(
                "{} {}",
                MONTHS[usize::from(first.month() as u8 - 1)],
                first.year()
            ),
            Bucket::Quarter => format!("Quarter {} {}", (first.month() - 1) / 3 + 1, first.year()),
        };
        out.push((label, start, end));
        start = next;
    }
    out
}

/// Per-bucket figures, in [`MEASURES`] order.
fn figures(cases: &[&CaseReport], kept: &HashMap<&str, &CaseKept>) -> [u64; 8] {
    let mut f = [0u64; 8];
    for c in cases {
        f[0] += 1;
        f[1] += u64::from(c.facts.injury != "none");
        f[2] += u64::from(c.facts.hospitalised);
        f[3] += u64::from(!c.facts.hate_crime.is_empty());
        f[4] += u64::from(c.facts.arrested);
        if let Some(k) = kept.get(c.case_id.as_str()) {
            f[5] += k.on_time;
            f[6] += k.late;
            f[7] += k.missed;
        }
    }
    f
}

/// Drafts a trend table over `buckets` (times from `midnight`), each case's kept obligations
/// as the store counted them; `totals` are the period's
/// cells in other tables the columns add up to (None: a total row of its own).
#[allow(clippy::too_many_arguments)]
pub(crate) fn draft(
    g: &mut Grid,
    id: &'static str,
    title: &str,
    about: &str,
    buckets: &[(String, Date, Date)],
    midnight: &dyn Fn(Date) -> Timestamp,
    cases: &[CaseReport],
    kept: &[CaseKept],
    totals: Option<[usize; 8]>,
) {
    let by_case: HashMap<&str, &CaseKept> = kept.iter().map(|k| (k.case_id.as_str(), k)).collect();
    let mut columns: [Vec<usize>; 8] = Default::default();
    let mut rows = Vec::new();
    for (label, from, to) in buckets {
        let (a, b) = (midnight(*from), midnight(*to));
        let inside: Vec<&CaseReport> = cases
            .iter()
            .filter(|c| c.occurred_at >= a && c.occurred_at < b)
            .collect();
        let f = figures(&inside, &by_case);
        let cells: Vec<Draft> = f
            .iter()
            .zip(columns.iter_mut())
            .map(|(&n, col)| {
                let c = g.count(n);
                col.push(c);
                Draft::Count(c)
            })
            .collect();
        rows.push((label.clone(), cells));
    }
    let totals = totals.unwrap_or_else(|| {
        let mut t = [0usize; 8];
        for (i, col) in columns.iter().enumerate() {
            let sum = col.iter().map(|&c| g.value(c)).sum();
            t[i] = g.count(sum);
        }
        t
    });
    for (col, t) in columns.iter().zip(totals) {
        let mut line = col.clone();
        line.push(t);
        g.line(line);
    }
    rows.push((
        "Whole period".into(),
        totals.iter().map(|&t| Draft::Count(t)).collect(),
    ));
    let mut cols = vec!["Period".to_owned()];
    cols.extend(MEASURES.iter().map(|m| (*m).to_owned()));
    g.table(DraftTable {
        id,
        title: title.into(),
        about: about.into(),
        columns: cols,
        rows,
        chart: true,
    });
}
