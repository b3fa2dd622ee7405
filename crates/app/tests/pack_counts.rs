//! The pack's obligation figures as the database counts them (`report_kept_by_obligation`,
//! `report_kept_by_case`) against the per-row computation the pack used before (every
//! obligation row read and tallied in Rust, as `reports/point_by_point.rs` and
//! `reports/trends.rs` did), over `pledge generate`'s data, on SQLite and on PostgreSQL: the
//! store's figures, and the named pack's point-by-point and trend tables built from them.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use jiff::Timestamp;
use jiff::civil::Date;
use pledge_app::reports::{self, Bucket, Cell, PackRequest};
use pledge_domain::calendar::Calendar;
use pledge_store::{
    AnyStore, CaseReport, ObligationKept, ObligationRow, ReportScope, RowStatus, Store,
};
use pledge_test_support::Cleanup;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

async fn database(kind: &str, test: &str) -> Option<(String, Cleanup)> {
    match kind {
        "sqlite" => {
            let f = pledge_test_support::sqlite_file("packcounts", test);
            Some((f.url, f.cleanup))
        }
        _ => pledge_test_support::postgres_database("packcounts", test)
            .await
            .unwrap()
            .map(|d| (d.url, d.cleanup)),
    }
}

/// How a row counted before: None when it did not apply; else on time, late, missed, still
/// open, waived (0..5).
fn kept(row: &ObligationRow, closed: bool) -> Option<usize> {
    match row.status {
        RowStatus::NotApplicable => None,
        RowStatus::MetOnTime => Some(0),
        RowStatus::MetLate => Some(1),
        RowStatus::Open if closed => Some(2),
        RowStatus::Open => Some(3),
        RowStatus::Waived => Some(4),
    }
}

/// The per-row tally of one obligation, as the pack made it before.
#[derive(Debug, Default)]
struct Tally {
    point: String,
    title: String,
    cases: HashSet<String>,
    counts: [u64; 5],
    days: Vec<f64>,
}

/// The nearest-rank percentile of sorted values, as the pack computed it before.
fn percentile(sorted: &[f64], p: u32) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

/// The old per-row computation over every row of a scope: the tallies in first-seen order,
/// the titles the named pack's waiver table used (last row wins), and each case's on time,
/// late and missed.
#[allow(clippy::type_complexity)]
fn per_row(
    rows: &[ObligationRow],
    cases: &[CaseReport],
) -> (
    Vec<(String, Tally)>,
    HashMap<String, String>,
    HashMap<String, [u64; 3]>,
) {
    let closed: HashMap<&str, bool> = cases
        .iter()
        .map(|c| (c.case_id.as_str(), c.facts.closed_at.is_some()))
        .collect();
    let mut order: Vec<String> = Vec::new();
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    let mut by_case: HashMap<String, [u64; 3]> = HashMap::new();
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
        t.counts[k] += 1;
        if let (Some(due), Some(done), 0 | 1) = (r.due_at, r.completed_at, k) {
            t.days
                .push(done.duration_since(due).as_secs_f64() / 86_400.0);
        }
        if k < 3 {
            by_case.entry(r.case_id.to_string()).or_default()[k] += 1;
        }
    }
    let titles = rows
        .iter()
        .map(|r| (r.obligation_id.clone(), r.title.clone()))
        .collect();
    let out = order
        .into_iter()
        .map(|o| {
            let mut t = tallies.remove(&o).unwrap();
            t.days.sort_by(f64::total_cmp);
            (o, t)
        })
        .collect();
    (out, titles, by_case)
}

fn days(d: jiff::SignedDuration) -> f64 {
    d.as_secs_f64() / 86_400.0
}

/// The store's counts for a scope equal the per-row computation's, figure for figure.
async fn same_counts(store: &AnyStore, scope: &ReportScope, what: &str) -> usize {
    let cases = store.report_rows(scope).await.unwrap();
    let rows = store.report_obligations(scope).await.unwrap();
    let (tallies, titles, by_case) = per_row(&rows, &cases);
    let counted: Vec<ObligationKept> = store.report_kept_by_obligation(scope).await.unwrap();

    let applied: Vec<&ObligationKept> = counted.iter().filter(|o| o.applied.is_some()).collect();
    assert_eq!(
        applied
            .iter()
            .map(|o| o.obligation_id.as_str())
            .collect::<Vec<_>>(),
        tallies.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>(),
        "{what}: the obligations that applied, in first-seen order"
    );
    for (o, (id, t)) in applied.iter().zip(&tallies) {
        let a = o.applied.as_ref().unwrap();
        assert_eq!((&a.point, &a.title), (&t.point, &t.title), "{what}: {id}");
        assert_eq!(o.kept, t.counts, "{what}: {id} kept");
        assert_eq!(o.cases, t.cases.len() as u64, "{what}: {id} cases");
        assert_eq!(o.timed, t.days.len() as u64, "{what}: {id} timed rows");
        assert_eq!(
            o.median.map(days).map(f64::to_bits),
            percentile(&t.days, 50).map(f64::to_bits),
            "{what}: {id} median"
        );
        assert_eq!(
            o.p90.map(days).map(f64::to_bits),
            percentile(&t.days, 90).map(f64::to_bits),
            "{what}: {id} p90"
        );
    }
    // Every obligation with a row has its last title; those that never applied count nothing.
    let last: HashMap<String, String> = counted
        .iter()
        .map(|o| (o.obligation_id.clone(), o.last_title.clone()))
        .collect();
    assert_eq!(last, titles, "{what}: titles");
    for o in counted.iter().filter(|o| o.applied.is_none()) {
        assert_eq!((o.kept, o.cases, o.timed), ([0; 5], 0, 0), "{what}: {o:?}");
    }

    let got: HashMap<String, [u64; 3]> = store
        .report_kept_by_case(scope)
        .await
        .unwrap()
        .into_iter()
        .map(|k| (k.case_id.to_string(), [k.on_time, k.late, k.missed]))
        .collect();
    for c in &cases {
        let id = c.case_id.as_str();
        assert_eq!(
            got.get(id).copied().unwrap_or_default(),
            by_case.get(id).copied().unwrap_or_default(),
            "{what}: case {id}"
        );
    }
    assert!(
        got.keys()
            .all(|k| cases.iter().any(|c| c.case_id.as_str() == k)),
        "{what}: only the scope's cases"
    );
    rows.len()
}

async fn counts_match_the_per_row_computation(kind: &str) {
    let Some((url, _cleanup)) = database(kind, "sweep").await else {
        return;
    };
    let store = pledge_store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    let config = pledge_synth::Config::for_forces(&["DUR", "BTP", "WMP"], 1800, 23).unwrap();
    let generator = Arc::new(pledge_synth::Generator::new(config).unwrap());
    generator.write(&store, 500, |_| {}).await.unwrap();

    let calendar = Calendar::uk();
    let day = |s: &str| calendar.local_midnight(s.parse::<Date>().unwrap());
    let units = store.units().await.unwrap();
    let mut forces: Vec<String> = units.iter().map(|u| u.force.clone()).collect();
    forces.sort();
    forces.dedup();
    assert_eq!(forces.len(), 3, "{forces:?}");
    let mut rows = 0;
    for force in &forces {
        let scope = |from: &str, to: &str, units: Option<Vec<String>>| ReportScope {
            force: force.clone(),
            units,
            from: day(from),
            to: day(to),
        };
        let some_units: Vec<String> = units
            .iter()
            .filter(|u| &u.force == force)
            .take(3)
            .map(|u| u.id.clone())
            .collect();
        for (what, s) in [
            ("force-year", scope("2025-04-01", "2026-04-01", None)),
            ("all years", scope("2015-01-01", "2030-01-01", None)),
            ("a quarter", scope("2025-07-01", "2025-10-01", None)),
            ("units", scope("2024-01-01", "2027-01-01", Some(some_units))),
            (
                "no unit",
                scope("2024-01-01", "2027-01-01", Some(Vec::new())),
            ),
            ("nothing", scope("2010-01-01", "2010-02-01", None)),
        ] {
            rows += same_counts(&store, &s, &format!("{kind} {force} {what}")).await;
        }
    }
    assert!(
        rows > 10_000,
        "{kind}: the corpus has obligation rows: {rows}"
    );

    // The named pack's tables, built from the counts, against the per-row computation.
    let now = Timestamp::now();
    for force in &forces {
        let (from, to): (Date, Date) =
            ("2025-04-01".parse().unwrap(), "2026-03-31".parse().unwrap());
        let req = PackRequest {
            force: force.clone(),
            unit: None,
            from,
            to,
            by: Bucket::Month,
            named: true,
            threshold: 5,
        };
        let pack = reports::build(&store, &calendar, &req, now).await.unwrap();
        let scope = ReportScope {
            force: force.clone(),
            units: None,
            from: calendar.local_midnight(from),
            to: calendar.local_midnight(to.tomorrow().unwrap()),
        };
        let cases = store.report_rows(&scope).await.unwrap();
        let obligation_rows = store.report_obligations(&scope).await.unwrap();
        let (mut tallies, _, by_case) = per_row(&obligation_rows, &cases);
        // Plan order, then first seen, as the pack sorts.
        let key = |p: &str| {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            (digits.parse::<u32>().unwrap_or(u32::MAX), p.to_owned())
        };
        tallies.sort_by_key(|(_, t)| key(&t.point));
        let pbp = pack.table("point_by_point").unwrap();
        assert_eq!(pbp.rows.len(), tallies.len() + 1, "{kind} {force}");
        let round = |v: f64| (v * 10.0).round() / 10.0;
        let shown = |c: &Cell| match c {
            Cell::Days { value } => Some(*value),
            _ => None,
        };
        let mut totals = [0u64; 6];
        for (row, (id, t)) in pbp.rows.iter().zip(&tallies) {
            assert_eq!(row.label, t.title, "{kind} {force} {id}");
            assert_eq!(
                row.cells[0],
                Cell::Text {
                    value: t.point.clone()
                }
            );
            assert_eq!(row.cells[1].count(), Some(t.cases.len() as u64));
            let applied: u64 = t.counts.iter().sum();
            let mut want = vec![applied];
            want.extend(t.counts);
            let got: Vec<u64> = row.cells[2..8].iter().map(|c| c.count().unwrap()).collect();
            assert_eq!(got, want, "{kind} {force} {id}");
            for (s, w) in totals.iter_mut().zip(&want) {
                *s += w;
            }
            assert_eq!(shown(&row.cells[8]), percentile(&t.days, 50).map(round));
            assert_eq!(shown(&row.cells[9]), percentile(&t.days, 90).map(round));
        }
        let all = pbp.rows.last().unwrap();
        let got: Vec<u64> = all.cells[2..8].iter().map(|c| c.count().unwrap()).collect();
        assert_eq!(got, totals.to_vec(), "{kind} {force}: all obligations");

        // Trends: each month's kept on time, late and missed.
        let trends = pack.table("trends").unwrap();
        let mut months: BTreeMap<usize, [u64; 3]> = BTreeMap::new();
        let starts: Vec<Timestamp> = (0..=12)
            .map(|m| {
                calendar.local_midnight(
                    from.checked_add(jiff::Span::new().months(m))
                        .unwrap()
                        .first_of_month(),
                )
            })
            .collect();
        for c in &cases {
            let m = starts.iter().rposition(|s| *s <= c.occurred_at).unwrap();
            let k = by_case.get(c.case_id.as_str()).copied().unwrap_or_default();
            let e = months.entry(m).or_default();
            for i in 0..3 {
                e[i] += k[i];
            }
        }
        for (m, row) in trends.rows[..12].iter().enumerate() {
            let got: Vec<u64> = row.cells[5..8].iter().map(|c| c.count().unwrap()).collect();
            assert_eq!(
                got,
                months.get(&m).copied().unwrap_or_default().to_vec(),
                "{kind} {force}: {}",
                row.label
            );
        }
    }
}

#[tokio::test]
async fn sqlite_pack_counts_match_the_per_row_computation() {
    counts_match_the_per_row_computation("sqlite").await;
}

#[tokio::test]
async fn postgres_pack_counts_match_the_per_row_computation() {
    counts_match_the_per_row_computation("postgres").await;
}
