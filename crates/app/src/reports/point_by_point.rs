//! Point by point: each plan point's obligations, how they were kept (docs/reports.md).

use super::table::{Draft, DraftTable, Grid};
use pledge_store::{CaseReport, ObligationRow, RowStatus};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How one obligation row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kept {
    /// Met by its deadline.
    OnTime,
    /// Met after its deadline.
    Late,
    /// Not met, and the case is closed.
    Missed,
    /// Not met, the case still open.
    Open,
    /// Waived.
    Waived,
}

/// How a row counts; None when the obligation did not apply.
pub(crate) fn kept(row: &ObligationRow, closed: bool) -> Option<Kept> {
    match row.status {
        RowStatus::NotApplicable => None,
        RowStatus::MetOnTime => Some(Kept::OnTime),
        RowStatus::MetLate => Some(Kept::Late),
        RowStatus::Waived => Some(Kept::Waived),
        RowStatus::Open if closed => Some(Kept::Missed),
        RowStatus::Open => Some(Kept::Open),
    }
}

/// Days from the deadline to completion of a met row (negative: early).
pub(crate) fn days_to_meet(row: &ObligationRow) -> Option<f64> {
    let (due, done) = (row.due_at?, row.completed_at?);
    if !matches!(row.status, RowStatus::MetOnTime | RowStatus::MetLate) {
        return None;
    }
    Some(done.duration_since(due).as_secs_f64() / 86_400.0)
}

/// The nearest-rank percentile (p in 0..=100) of sorted values.
pub(crate) fn percentile(sorted: &[f64], p: u32) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

/// The cells of the "all obligations" row the trends tie to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeptTotals {
    pub on_time: usize,
    pub late: usize,
    pub missed: usize,
}

#[derive(Default)]
struct Tally {
    point: String,
    title: String,
    cases: HashSet<String>,
    counts: [u64; 5],
    days: Vec<f64>,
}

/// Drafts the point-by-point table (and, named, the waiver reasons).
pub(crate) fn draft(
    g: &mut Grid,
    rows: &[ObligationRow],
    cases: &[CaseReport],
    named: bool,
) -> KeptTotals {
    let closed: HashMap<&str, bool> = cases
        .iter()
        .map(|c| (c.case_id.as_str(), c.facts.closed_at.is_some()))
        .collect();
    let mut order: Vec<String> = Vec::new();
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    for r in rows {
        let Some(&is_closed) = closed.get(r.case_id.as_str()) else {
            continue;
        };
        let Some(k) = kept(r, is_closed) else {
            continue;
        };
        let t = tallies.entry(r.obligation_id.clone()).or_insert_with(|| {
            order.push(r.obligation_id.clone());
            Tally {
                point: r.point.clone(),
                title: r.title.clone(),
                ..Tally::default()
            }
        });
        t.cases.insert(r.case_id.to_string());
        t.counts[k as usize] += 1;
        if let Some(d) = days_to_meet(r) {
            t.days.push(d);
        }
    }
    let mut escalations: HashMap<&str, u64> = HashMap::new();
    for c in cases {
        for o in &c.facts.escalations {
            *escalations.entry(o.as_str()).or_default() += 1;
        }
    }
    // Plan order: by point number as the plan writes it (numbers before letters), then first
    // seen.
    let key = |p: &str| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        (digits.parse::<u32>().unwrap_or(u32::MAX), p.to_owned())
    };
    order.sort_by_key(|o| tallies.get(o).map(|t| key(&t.point)));
    let mut table_rows = Vec::new();
    let mut columns: [Vec<usize>; 6] = Default::default();
    for o in &order {
        let Some(t) = tallies.get_mut(o) else {
            continue;
        };
        t.days.sort_by(f64::total_cmp);
        let applied: u64 = t.counts.iter().sum();
        let cells: Vec<usize> = std::iter::once(applied)
            .chain(t.counts.iter().copied())
            .map(|n| g.count(n))
            .collect();
        g.line(cells.clone());
        for (col, c) in columns.iter_mut().zip(&cells) {
            col.push(*c);
        }
        // Where the obligation applies once per case, its cases are its applied count: the
        // same cell, so both are shown or hidden together.
        let cases = if t.cases.len() as u64 == applied {
            cells[0]
        } else {
            g.count(t.cases.len() as u64)
        };
        let esc = g.count(escalations.get(o.as_str()).copied().unwrap_or(0));
        let n = t.days.len() as u64;
        let mut row = vec![Draft::Text(t.point.clone()), Draft::Count(cases)];
        row.extend(cells.iter().map(|c| Draft::Count(*c)));
        row.push(Draft::Days {
            value: percentile(&t.days, 50),
            n,
        });
        row.push(Draft::Days {
            value: percentile(&t.days, 90),
            n,
        });
        row.push(Draft::Count(esc));
        table_rows.push((t.title.clone(), row));
    }
    // The all-obligations row: each column's sum, tied to its column.
    let totals: Vec<usize> = columns
        .iter()
        .map(|col| {
            let sum = col.iter().map(|&c| g.value(c)).sum();
            let t = g.count(sum);
            let mut line = col.clone();
            line.push(t);
            g.line(line);
            t
        })
        .collect();
    g.line(totals.clone());
    let mut row = vec![Draft::Text(String::new()), Draft::None];
    row.extend(totals.iter().map(|c| Draft::Count(*c)));
    row.extend([Draft::None, Draft::None, Draft::None]);
    table_rows.push(("All obligations".into(), row));
    g.table(DraftTable {
        id: "point_by_point",
        title: "Point by point".into(),
        about: "For each obligation of the plan: the obligations that applied (one per case, or one per victim where the plan asks it for each), how they were kept, and the median and 90th percentile of days from the deadline to meeting it (negative: before the deadline). Missed: the case closed with it unmet. Escalations: times it was escalated.".into(),
        columns: [
            "Obligation", "Point", "Cases", "Applied", "Kept on time", "Kept late", "Missed", "Still open",
            "Waived", "Median days against deadline", "90th percentile days", "Escalations",
        ]
        .iter()
        .map(|c| (*c).to_owned())
        .collect(),
        rows: table_rows,
        chart: false,
    });
    if named {
        let titles: HashMap<&str, &str> = rows
            .iter()
            .map(|r| (r.obligation_id.as_str(), r.title.as_str()))
            .collect();
        let mut reasons: BTreeMap<(String, String), u64> = BTreeMap::new();
        for c in cases {
            for (o, reason) in &c.facts.waivers {
                let title = titles
                    .get(o.as_str())
                    .map_or(o.clone(), |t| (*t).to_owned());
                *reasons.entry((title, reason.clone())).or_default() += 1;
            }
        }
        g.table(DraftTable {
            id: "waiver_reasons",
            title: "Reasons for waivers".into(),
            about: "Named pack only: each obligation's waivers grouped by the reason given.".into(),
            columns: ["Obligation", "Reason", "Waivers"]
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
            rows: reasons
                .into_iter()
                .map(|((t, r), n)| (t, vec![Draft::Text(r), Draft::Text(n.to_string())]))
                .collect(),
            chart: false,
        });
    }
    KeptTotals {
        on_time: totals[1],
        late: totals[2],
        missed: totals[3],
    }
}
