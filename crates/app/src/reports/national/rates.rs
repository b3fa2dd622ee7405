//! Rates per 1,000 of the workforce, by force and for all forces, from the merged counts and
//! the exports' headcounts. A rate is given only for a count that is shown (a force's) or
//! exact (all forces'): a rate of a hidden count would reveal it.

use super::merge::{NationalPicture, RateRow, Total};
use super::schema::Figure;
use crate::reports::measures::{OFFICER_ROLES, STAFF_ROLES};
use crate::reports::words;
use std::collections::BTreeMap;

/// The row labels the rates read (as the pack writes them).
const OFFICERS_ROW: &str = "Officers assaulted";
const STAFF_ROW: &str = "Staff assaulted";

fn rate(count: Option<u64>, per: u64) -> Option<f64> {
    let c = count?;
    (per > 0).then(|| ((c as f64 * 1000.0 / per as f64) * 10.0).round() / 10.0)
}

fn heads(by_role: &BTreeMap<String, u64>, roles: &[&str]) -> u64 {
    roles.iter().filter_map(|r| by_role.get(*r)).sum()
}

/// Where a row's first figure is found: (table, label).
fn sources() -> Vec<(&'static str, String, Vec<&'static str>)> {
    let mut out = vec![
        ("assaults", OFFICERS_ROW.to_owned(), OFFICER_ROLES.to_vec()),
        ("assaults", STAFF_ROW.to_owned(), STAFF_ROLES.to_vec()),
    ];
    for r in pledge_store::HEADCOUNT_ROLES {
        out.push(("workforce_role", words::role(r).to_owned(), vec![r]));
    }
    out
}

/// The rates table: one row per force, then all forces.
pub(crate) fn rates(p: &NationalPicture) -> Vec<RateRow> {
    let srcs = sources();
    let row_of = |table: &str, label: &str| {
        p.table(table).and_then(|t| {
            t.rows
                .iter()
                .find(|r| r.point.is_none() && r.label == label)
        })
    };
    let mut out = Vec::new();
    for (fi, f) in p.forces.iter().enumerate() {
        let figures: Vec<Option<f64>> = srcs
            .iter()
            .map(|(table, label, roles)| {
                let count = row_of(table, label)
                    .and_then(|r| r.by_force.get(fi).cloned().flatten())
                    .and_then(|fs| match fs.first() {
                        Some(Figure::Count { value }) => Some(*value),
                        _ => None,
                    });
                rate(count, heads(&f.headcounts.by_role, roles))
            })
            .collect();
        out.push(row(f.force.clone(), figures));
    }
    let figures: Vec<Option<f64>> = srcs
        .iter()
        .map(|(table, label, roles)| {
            let count = row_of(table, label)
                .and_then(|r| r.total.first().copied())
                .and_then(|t: Total| t.exact());
            rate(count, heads(&p.headcounts, roles))
        })
        .collect();
    out.push(row("All forces".into(), figures));
    out
}

fn row(area: String, figures: Vec<Option<f64>>) -> RateRow {
    RateRow {
        area,
        per_1000_officers: figures.first().copied().flatten(),
        per_1000_staff: figures.get(1).copied().flatten(),
        per_1000_by_role: pledge_store::HEADCOUNT_ROLES
            .iter()
            .zip(figures.iter().skip(2))
            .map(|(r, f)| ((*r).to_owned(), *f))
            .collect(),
    }
}
