//! Point by point: each plan point's obligations, how they were kept (docs/reports.md).

use super::table::{Draft, DraftTable, Grid};
use pledge_store::{CaseReport, ObligationKept};
use std::collections::{BTreeMap, HashMap};

/// Days of a duration from the deadline to completion (negative: early).
fn days(d: jiff::SignedDuration) -> f64 {
    d.as_secs_f64() / 86_400.0
}

/// The cells of the "all obligations" row the trends tie to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeptTotals {
    pub on_time: usize,
    pub late: usize,
    pub missed: usize,
}

/// Drafts the point-by-point table (and, named, the waiver reasons) from each obligation's
/// figures as the store counted them ([`pledge_store::Store::report_kept_by_obligation`]:
/// rows that applied kept on time, late, missed (the case closed with it unmet), still open
/// or waived; the median and 90th percentile, nearest rank, of days from the deadline to
/// meeting it).
pub(crate) fn draft(
    g: &mut Grid,
    kept: &[ObligationKept],
    cases: &[CaseReport],
    named: bool,
) -> KeptTotals {
    let mut escalations: HashMap<&str, u64> = HashMap::new();
    for c in cases {
        for o in &c.facts.escalations {
            *escalations.entry(o.as_str()).or_default() += 1;
        }
    }
    // Plan order: by point number as the plan writes it (numbers before letters), then first
    // seen (the store's order).
    let key = |p: &str| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        (digits.parse::<u32>().unwrap_or(u32::MAX), p.to_owned())
    };
    let mut order: Vec<(&ObligationKept, &str, &str)> = kept
        .iter()
        .filter_map(|o| {
            o.applied
                .as_ref()
                .map(|a| (o, a.point.as_str(), a.title.as_str()))
        })
        .collect();
    order.sort_by_key(|(_, point, _)| key(point));
    let mut table_rows = Vec::new();
    let mut columns: [Vec<usize>; 6] = Default::default();
    for (t, point, title) in order {
        let applied: u64 = t.kept.iter().sum();
        let cells: Vec<usize> = std::iter::once(applied)
            .chain(t.kept.iter().copied())
            .map(|n| g.count(n))
            .collect();
        g.line(cells.clone());
        for (col, c) in columns.iter_mut().zip(&cells) {
            col.push(*c);
        }
        // Where the obligation applies once per case, its cases are its applied count: the
        // same cell, so both are shown or hidden together.
        let cases = if t.cases == applied {
            cells[0]
        } else {
            g.count(t.cases)
        };
        let esc = g.count(
            escalations
                .get(t.obligation_id.as_str())
                .copied()
                .unwrap_or(0),
        );
        let n = t.timed;
        let mut row = vec![Draft::Text(point.to_owned()), Draft::Count(cases)];
        row.extend(cells.iter().map(|c| Draft::Count(*c)));
        row.push(Draft::Days {
            value: t.median.map(days),
            n,
        });
        row.push(Draft::Days {
            value: t.p90.map(days),
            n,
        });
        row.push(Draft::Count(esc));
        table_rows.push((title.to_owned(), row));
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
        let titles: HashMap<&str, &str> = kept
            .iter()
            .map(|o| (o.obligation_id.as_str(), o.last_title.as_str()))
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
