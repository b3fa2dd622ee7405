//! The national view on SQLite and PostgreSQL: synthetic cases of three forces (the `pledge
//! generate` generator), each force exported, the exports merged, and every merged figure
//! compared with a deliberately simple recount from the events; the refusals; suppression at
//! the threshold's edges across forces.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use jiff::Timestamp;
use jiff::civil::Date;
use pledge_app::reports::national::schema::{
    ExportRow, ExportTable, Headcounts, LogHead, PlanVersion, SCHEMA,
};
use pledge_app::reports::national::{
    self, ExportRequest, Figure, NationalExport, NationalPicture, SCHEMA_VERSION, Total,
};
use pledge_domain::EventKind;
use pledge_domain::calendar::Calendar;
use pledge_store::{AnyStore, Store, StoredCase};
use pledge_test_support::Cleanup;
use std::collections::BTreeMap;
use std::sync::Arc;

const FORCES: [(&str, &str); 3] = [
    ("DUR", "Durham Constabulary"),
    ("CLE", "Cleveland Police"),
    ("CUM", "Cumbria Constabulary"),
];

async fn database(kind: &str, test: &str) -> Option<(String, Cleanup)> {
    match kind {
        "sqlite" => {
            let f = pledge_test_support::sqlite_file("national", test);
            Some((f.url, f.cleanup))
        }
        _ => pledge_test_support::postgres_database("national", test)
            .await
            .unwrap()
            .map(|d| (d.url, d.cleanup)),
    }
}

async fn all_cases(store: &AnyStore) -> Vec<StoredCase> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let ids = store.case_ids(after.as_ref(), 500).await.unwrap();
        for id in &ids {
            out.push(store.load_case(id).await.unwrap().unwrap());
        }
        match ids.last() {
            Some(l) if ids.len() == 500 => after = Some(l.clone()),
            _ => return out,
        }
    }
}

/// (table, row label) -> count, per force, from the first event of each case alone.
fn recount(
    cases: &[StoredCase],
    force: &str,
    from: Timestamp,
    to: Timestamp,
) -> BTreeMap<(&'static str, String), u64> {
    let mut r: BTreeMap<(&'static str, String), u64> = BTreeMap::new();
    let severity = [
        ("none", "No injury"),
        ("minor", "Minor injury"),
        ("serious", "Serious injury"),
        ("critical", "Critical injury"),
    ];
    let roles = [
        ("officer", "Police officers"),
        ("special_constable", "Special constables"),
        ("pcso", "PCSOs"),
        ("staff", "Police staff"),
        ("volunteer", "Volunteers"),
    ];
    let strands = [
        ("race", "Race"),
        ("religion", "Religion or belief"),
        ("sexual_orientation", "Sexual orientation"),
        ("disability", "Disability"),
        ("transgender_identity", "Transgender identity"),
    ];
    for c in cases {
        let Some(EventKind::AssaultReported {
            force: f,
            occurred_at,
            victims,
            hate_crime,
            ..
        }) = c.events.first().map(|e| &e.kind)
        else {
            continue;
        };
        if f != force || *occurred_at < from || *occurred_at >= to {
            continue;
        }
        let mut add = |t: &'static str, l: &str| *r.entry((t, l.to_owned())).or_default() += 1;
        add("assaults", "Assaults");
        add("injury", "Total");
        add("hospital", "Total");
        for v in victims {
            add("assaults", "Colleagues assaulted");
            let role = v.workforce_role.as_str();
            let (_, words) = roles.iter().find(|(k, _)| *k == role).unwrap();
            add("workforce_role", words);
            add("workforce_role", "All colleagues assaulted");
            if ["officer", "special_constable"].contains(&role) {
                add("assaults", "Officers assaulted");
            }
            if ["staff", "pcso"].contains(&role) {
                add("assaults", "Staff assaulted");
            }
        }
        let worst = victims
            .iter()
            .map(|v| {
                severity
                    .iter()
                    .position(|(k, _)| *k == v.injury.as_str())
                    .unwrap()
            })
            .max()
            .unwrap_or(0);
        add("injury", severity[worst].1);
        if worst > 0 {
            add("injury", "Injured");
        }
        if victims.iter().any(|v| v.hospitalised) {
            add("hospital", "Taken to hospital");
        } else {
            add("hospital", "Not taken to hospital");
        }
        for s in hate_crime {
            let (_, words) = strands.iter().find(|(k, _)| *k == s.as_str()).unwrap();
            add("hate_crime", &format!("Hate crimes: {words}"));
        }
    }
    r
}

/// The recounted tables and rows (a row the recount never saw is zero).
const CHECKED: [(&str, &str); 22] = [
    ("assaults", "Assaults"),
    ("assaults", "Colleagues assaulted"),
    ("assaults", "Officers assaulted"),
    ("assaults", "Staff assaulted"),
    ("injury", "No injury"),
    ("injury", "Injured"),
    ("injury", "Minor injury"),
    ("injury", "Serious injury"),
    ("injury", "Critical injury"),
    ("injury", "Total"),
    ("hospital", "Taken to hospital"),
    ("hospital", "Not taken to hospital"),
    ("workforce_role", "Police officers"),
    ("workforce_role", "Special constables"),
    ("workforce_role", "PCSOs"),
    ("workforce_role", "Police staff"),
    ("workforce_role", "Volunteers"),
    ("workforce_role", "All colleagues assaulted"),
    ("hate_crime", "Hate crimes: Race"),
    ("hate_crime", "Hate crimes: Religion or belief"),
    ("hate_crime", "Hate crimes: Disability"),
    ("hate_crime", "Hate crimes: Sexual orientation"),
];

fn first(p: &NationalPicture, table: &str, label: &str) -> (Vec<Option<Figure>>, Total) {
    let t = p.table(table).unwrap_or_else(|| panic!("no table {table}"));
    let r = t
        .rows
        .iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("{table}: no row {label}"));
    (
        r.by_force
            .iter()
            .map(|f| f.as_ref().map(|v| v[0]))
            .collect(),
        r.total[0],
    )
}

async fn merged_figures_match_a_recount(kind: &str) {
    let Some((url, _cleanup)) = database(kind, "recount").await else {
        return;
    };
    let store = pledge_store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    let codes: Vec<&str> = FORCES.iter().map(|(c, _)| *c).collect();
    let config = pledge_synth::Config::for_forces(&codes, 1200, 23).unwrap();
    Arc::new(pledge_synth::Generator::new(config).unwrap())
        .write(&store, 500, |_| {})
        .await
        .unwrap();
    let calendar = Calendar::uk();
    let (from, to): (Date, Date) = ("2025-04-01".parse().unwrap(), "2026-03-31".parse().unwrap());
    let now = Timestamp::now();
    let mut files = Vec::new();
    for (_, force) in FORCES {
        let req = ExportRequest {
            force: force.into(),
            from,
            to,
            threshold: 5,
        };
        let e = national::build_export(&store, &calendar, &req, now)
            .await
            .unwrap();
        // Nothing personal: no person id, case id or unit id of the force in the file.
        let text = serde_json::to_string_pretty(&e).unwrap();
        let code = FORCES.iter().find(|(_, f)| *f == force).unwrap().0;
        assert!(
            !text.contains(&format!("{code}-")),
            "{kind}: an id in {force}'s export"
        );
        assert_eq!(e.schema_version, SCHEMA_VERSION);
        assert!(
            !e.plan_versions.is_empty(),
            "{kind}: {force} has no plan versions"
        );
        let heads = store.heads().await.unwrap();
        assert_eq!(e.log_head.label(), heads.events_label());
        files.push((format!("{code}.json"), text));
    }
    let picture = national::merge_texts(&files).unwrap();
    assert_eq!(picture.forces.len(), 3);

    let cases = all_cases(&store).await;
    let (start, end) = (
        calendar.local_midnight(from),
        calendar.local_midnight(to.tomorrow().unwrap()),
    );
    let counts: Vec<_> = FORCES
        .iter()
        .map(|(_, f)| recount(&cases, f, start, end))
        .collect();
    assert!(
        counts.iter().all(|c| c
            .get(&("assaults", "Assaults".into()))
            .copied()
            .unwrap_or(0)
            > 100),
        "{kind}: a year of cases per force"
    );
    let mut hidden_seen = 0;
    for (table, label) in CHECKED {
        let (by_force, total) = first(&picture, table, label);
        let want: Vec<u64> = counts
            .iter()
            .map(|c| c.get(&(table, label.to_owned())).copied().unwrap_or(0))
            .collect();
        for (fi, f) in by_force.iter().enumerate() {
            let w = want[fi];
            match f {
                Some(Figure::Count { value }) => {
                    assert_eq!(*value, w, "{kind} {table}/{label} force {fi}")
                }
                Some(Figure::FewerThan { threshold }) => {
                    assert!(
                        (1..*threshold).contains(&w),
                        "{kind} {table}/{label}: {w} hidden as fewer than {threshold}"
                    );
                }
                Some(Figure::Withheld) => {
                    assert!(w >= 1, "{kind} {table}/{label}: a withheld zero")
                }
                other => panic!("{kind} {table}/{label}: {other:?}"),
            }
        }
        let sum: u64 = want.iter().sum();
        let shown: u64 = by_force
            .iter()
            .map(|f| match f {
                Some(Figure::Count { value }) => *value,
                _ => 0,
            })
            .sum();
        let hidden = by_force
            .iter()
            .filter(|f| matches!(f, Some(Figure::FewerThan { .. } | Figure::Withheld)))
            .count() as u32;
        match total {
            Total::Exact { value } => {
                assert_eq!(hidden, 0);
                assert_eq!(value, sum, "{kind} {table}/{label}: national total");
            }
            Total::AtLeast { value, hidden: h } => {
                hidden_seen += 1;
                assert_eq!(h, hidden);
                assert_eq!(value, shown + u64::from(hidden), "{kind} {table}/{label}");
                assert!(
                    value <= sum,
                    "{kind} {table}/{label}: at least {value} but {sum}"
                );
            }
            Total::NotApplicable => panic!("{kind} {table}/{label}: no total"),
        }
    }
    assert!(
        hidden_seen > 0,
        "{kind}: the data should hide some force's cell"
    );

    // Rates per 1,000: all forces' officers over all forces' headcounts, recounted.
    let mut heads = 0u64;
    for (_, f) in FORCES {
        for h in store.headcounts_on(f, to).await.unwrap() {
            if ["officer", "special_constable"].contains(&h.role.as_str()) {
                heads += u64::from(h.count);
            }
        }
    }
    let officers: u64 = counts
        .iter()
        .map(|c| {
            c.get(&("assaults", "Officers assaulted".into()))
                .copied()
                .unwrap_or(0)
        })
        .sum();
    let all = picture.rates.last().unwrap();
    assert_eq!(all.area, "All forces");
    let want = ((officers as f64 * 1000.0 / heads as f64) * 10.0).round() / 10.0;
    assert_eq!(
        all.per_1000_officers,
        Some(want),
        "{kind}: {officers} per {heads}"
    );

    // Point by point: each obligation's national total of "applied" is the sum of the kept
    // columns (on time + late + missed + open + waived) where every force shows them.
    let pbp = picture.table("point_by_point").unwrap();
    let applied = pbp.columns.iter().position(|c| c == "Applied").unwrap();
    for r in &pbp.rows {
        let parts: Option<Vec<u64>> = (applied + 1..applied + 6)
            .map(|c| r.total[c].exact())
            .collect();
        if let (Some(a), Some(parts)) = (r.total[applied].exact(), parts) {
            assert_eq!(a, parts.iter().sum::<u64>(), "{kind}: {}", r.label);
        }
    }

    // The other formats carry the same figures.
    let csv = national::csv::picture(&picture).unwrap();
    let (_, total) = first(&picture, "assaults", "Assaults");
    assert!(
        csv.contains(&format!(
            "assaults,,Assaults,Assaults,All forces,{}",
            total.csv()
        )) || csv.contains(&format!(
            "assaults,,Assaults,Figure,All forces,{}",
            total.csv()
        )),
        "{csv}"
    );
}

#[tokio::test]
async fn sqlite_merged_figures_match_a_recount() {
    merged_figures_match_a_recount("sqlite").await;
}

#[tokio::test]
async fn postgres_merged_figures_match_a_recount() {
    merged_figures_match_a_recount("postgres").await;
}

/// A hand-made export of one table with one row per value.
fn export(force: &str, values: &[Figure]) -> NationalExport {
    NationalExport {
        schema: SCHEMA.into(),
        schema_version: SCHEMA_VERSION,
        force: force.into(),
        from: "2025-04-01".parse().unwrap(),
        to: "2026-03-31".parse().unwrap(),
        generated_at: "2026-04-02T09:00:00Z".parse().unwrap(),
        threshold: 5,
        plan_versions: vec![PlanVersion {
            plan: "op-hampshire".into(),
            version: 1,
        }],
        log_head: LogHead {
            sequence: 12,
            hash: "ab".repeat(32),
        },
        headcounts: Headcounts {
            on: "2026-03-31".parse().unwrap(),
            by_role: [("officer".to_owned(), 1000u64)].into(),
        },
        tables: vec![ExportTable {
            id: "injury".into(),
            title: "Injury".into(),
            columns: vec!["Assaults".into()],
            rows: values
                .iter()
                .enumerate()
                .map(|(i, f)| ExportRow {
                    point: None,
                    label: format!("row {i}"),
                    figures: vec![*f],
                })
                .collect(),
        }],
    }
}

fn text(e: &NationalExport) -> String {
    serde_json::to_string(e).unwrap()
}

#[test]
fn suppression_at_the_edges_across_forces() {
    let c = |value| Figure::Count { value };
    let few = Figure::FewerThan { threshold: 5 };
    // Row 0: 4 and 5 -> one hidden: at least 6. Row 1: 5 and 5 -> exact 10. Row 2: 0 and 0
    // -> exact 0. Row 3: withheld and fewer than -> at least 2, nothing shown.
    let a = export("Force A", &[few, c(5), c(0), Figure::Withheld]);
    let b = export("Force B", &[c(5), c(5), c(0), few]);
    let p =
        national::merge_texts(&[("a.json".into(), text(&a)), ("b.json".into(), text(&b))]).unwrap();
    let t = p.table("injury").unwrap();
    let totals: Vec<Total> = t.rows.iter().map(|r| r.total[0]).collect();
    assert_eq!(
        totals,
        vec![
            Total::AtLeast {
                value: 6,
                hidden: 1
            },
            Total::Exact { value: 10 },
            Total::Exact { value: 0 },
            Total::AtLeast {
                value: 2,
                hidden: 2
            },
        ]
    );
    assert_eq!(totals[0].display(), "at least 6");
    // A force missing a row (another plan's obligation) adds nothing and is not hidden.
    let mut c2 = export("Force C", &[c(7)]);
    c2.tables[0].rows[0].label = "row 9".into();
    let p = national::merge_texts(&[("a.json".into(), text(&b)), ("c.json".into(), text(&c2))])
        .unwrap();
    let r9 = p
        .table("injury")
        .unwrap()
        .rows
        .iter()
        .find(|r| r.label == "row 9")
        .unwrap();
    assert_eq!(r9.by_force[0], None);
    assert_eq!(r9.total[0], Total::Exact { value: 7 });
    // Rates: none for a hidden national total; exact ones per 1,000.
    assert_eq!(p.rates.len(), 3);
}

#[test]
fn refusals_name_the_file_and_the_field() {
    let c = |value| Figure::Count { value };
    let a = export("Force A", &[c(5)]);
    let refused = |files: Vec<(&str, String)>| {
        let files: Vec<(String, String)> =
            files.into_iter().map(|(n, t)| (n.to_owned(), t)).collect();
        national::merge_texts(&files).unwrap_err()
    };
    // Another schema version.
    let mut v2: serde_json::Value = serde_json::to_value(&a).unwrap();
    v2["schema_version"] = 2.into();
    let r = refused(vec![("a.json", text(&a)), ("v2.json", v2.to_string())]);
    assert_eq!(
        (r.file.as_str(), r.field.as_str()),
        ("v2.json", "schema_version")
    );
    assert!(
        r.to_string().contains("is 2; this Pledge reads version 1"),
        "{r}"
    );
    // The same force twice (the periods are the same, so they overlap).
    let r = refused(vec![("a.json", text(&a)), ("a2.json", text(&a))]);
    assert_eq!((r.file.as_str(), r.field.as_str()), ("a2.json", "force"));
    assert!(r.problem.contains("also in a.json"), "{r}");
    // Mismatched periods.
    let mut b = export("Force B", &[c(5)]);
    b.to = "2026-02-28".parse().unwrap();
    let r = refused(vec![("a.json", text(&a)), ("b.json", text(&b))]);
    assert_eq!((r.file.as_str(), r.field.as_str()), ("b.json", "to"));
    // Malformed: not JSON, not an export, a wrong type, a missing field, a short row, an
    // unsuppressed count.
    let r = refused(vec![("x.csv", "table,row\n".into())]);
    assert_eq!(r.field, "(file)");
    assert!(r.problem.contains("not JSON"), "{r}");
    let r = refused(vec![("y.json", "{\"hello\": 1}".into())]);
    assert_eq!(r.field, "schema");
    let mut bad: serde_json::Value = serde_json::to_value(&a).unwrap();
    bad["threshold"] = "five".into();
    let r = refused(vec![("t.json", bad.to_string())]);
    assert_eq!(r.field, "threshold", "{r}");
    let mut bad: serde_json::Value = serde_json::to_value(&a).unwrap();
    bad.as_object_mut().unwrap().remove("force");
    let r = refused(vec![("f.json", bad.to_string())]);
    assert!(r.problem.contains("missing field `force`"), "{r}");
    let mut short = export("Force S", &[c(5)]);
    short.tables[0].rows[0].figures.clear();
    let r = refused(vec![("s.json", text(&short))]);
    assert_eq!(r.field, "tables[0].rows[0].figures");
    let small = export("Force U", &[c(3)]);
    let r = refused(vec![("u.json", text(&small))]);
    assert!(r.problem.contains("not suppressed"), "{r}");
    // No files.
    assert!(national::merge_texts(&[]).is_err());
}
