//! `pledge export national` and `pledge national merge` over generated cases of three forces
//! held to three different plans, on SQLite and PostgreSQL: each force exported, the exports
//! merged as JSON, CSV and HTML, the merged figures checked against the exports and the log
//! head against `pledge verify`, and every refusal named by file and field (exit 1).

use super::harness;
use serde_json::Value;
use std::path::{Path, PathBuf};

const FORCES: [(&str, &str); 3] = [
    ("DUR", "Durham Constabulary"),
    ("WMP", "West Midlands Police"),
    ("BTP", "British Transport Police"),
];

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(pledge_test_support::unique("national-cli"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn export(url: &str, force: &str, to: &str, format: &str, out: &Path) {
    harness::run_ok(&[
        "export",
        "national",
        "--database",
        url,
        "--force",
        force,
        "--from",
        "2025-04-01",
        "--to",
        to,
        "--format",
        format,
        "--out",
        &s(out),
    ]);
}

/// Runs a merge that must be refused; returns stderr.
fn refused(files: &[&Path], out: &Path) -> String {
    let mut args = vec!["national".to_owned(), "merge".to_owned()];
    args.extend(files.iter().map(|f| s(f)));
    args.extend(["--format".into(), "json".into(), "--out".into(), s(out)]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = harness::run(&args);
    assert_eq!(o.status.code(), Some(1), "{args:?} was not refused");
    assert!(!out.exists(), "a refused merge wrote {}", out.display());
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn national(url: &str) {
    harness::run_ok(&[
        "generate",
        "--cases",
        "600",
        "--seed",
        "9",
        "--forces",
        "DUR,WMP,BTP",
        "--database",
        url,
    ]);
    let d = dir();
    let mut files = Vec::new();
    for (code, force) in FORCES {
        let f = d.join(format!("{code}.json"));
        export(url, force, "2026-03-31", "json", &f);
        files.push(f);
    }
    let head = harness::verify_clean(url)["head"]
        .as_str()
        .unwrap()
        .to_owned();
    let durham: Value = serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(durham["schema_version"], 1);
    assert_eq!(durham["force"], "Durham Constabulary");
    assert!(
        head.contains(durham["log_head"]["hash"].as_str().unwrap()),
        "{head} / {durham:#}"
    );
    assert_eq!(durham["plan_versions"][0]["plan"], "op-hampshire");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    for id in ["DUR-", "\"person\"", "case_id"] {
        assert!(!text.contains(id), "{id} in the export");
    }

    // JSON: each force's figure as exported, the totals their sum.
    let out = d.join("national.json");
    let mut args = vec!["national".to_owned(), "merge".to_owned()];
    args.extend(files.iter().map(|f| s(f)));
    args.extend(["--format".into(), "json".into(), "--out".into(), s(&out)]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    harness::run_ok(&a);
    let p: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(p["forces"].as_array().unwrap().len(), 3);
    let assaults = p["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "assaults")
        .unwrap()["rows"][0]
        .clone();
    assert_eq!(assaults["label"], "Assaults");
    let mut sum = 0;
    for (i, f) in files.iter().enumerate() {
        let e: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let mine = e["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == "assaults")
            .unwrap()["rows"][0]["figures"][0]
            .clone();
        assert_eq!(assaults["by_force"][i][0], mine);
        assert_eq!(
            mine["kind"], "count",
            "a force's assaults are never few here"
        );
        sum += mine["value"].as_u64().unwrap();
    }
    assert_eq!(
        assaults["total"][0],
        serde_json::json!({"kind": "exact", "value": sum})
    );
    // Three plans, so the point-by-point rows of each force's plan are there, and a force
    // of another plan has none of them.
    let pbp = p["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "point_by_point")
        .unwrap();
    let only_one = pbp["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["by_force"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f.is_null())
                .count()
                == 2
        })
        .count();
    assert!(only_one > 0, "{pbp:#}");

    // CSV and HTML.
    let csv = d.join("national.csv");
    let mut args2 = args.clone();
    let n = args2.len();
    args2[n - 3] = "csv".into();
    args2[n - 1] = s(&csv);
    harness::run_ok(&args2.iter().map(String::as_str).collect::<Vec<_>>());
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(
        csv.starts_with("table,point,row,column,area,value\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("assaults,,Assaults,Figure,All forces,{sum}\n")),
        "{csv}"
    );
    let html = d.join("national.html");
    args2[n - 3] = "html".into();
    args2[n - 1] = s(&html);
    harness::run_ok(&args2.iter().map(String::as_str).collect::<Vec<_>>());
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("<h1>The national picture</h1>"));
    for (_, force) in FORCES {
        assert!(html.contains(force), "{force} not in the page");
    }
    assert!(!html.contains("<script"), "no script in the file");
    assert!(html.contains("<svg"), "charts drawn");

    // The CSV export is one figure a line.
    let dcsv = d.join("DUR.csv");
    export(url, "Durham Constabulary", "2026-03-31", "csv", &dcsv);
    let dcsv = std::fs::read_to_string(&dcsv).unwrap();
    assert!(dcsv.starts_with("schema_version,force,from,to,table,point,row,column,value\n"));
    assert!(dcsv.contains(",export,,log_head,,"), "{dcsv}");

    // Refusals, each naming the file and the field.
    let no = d.join("refused.json");
    let err = refused(&[&files[0], &files[0]], &no);
    assert!(err.contains(&format!("{}: force:", s(&files[0]))), "{err}");
    assert!(err.contains("overlapping periods"), "{err}");
    let shorter = d.join("DUR-feb.json");
    export(url, "Durham Constabulary", "2026-02-28", "json", &shorter);
    let err = refused(&[&files[1], &shorter], &no);
    assert!(err.contains(&format!("{}: ", s(&shorter))), "{err}");
    assert!(err.contains("differs from"), "{err}");
    let mut v2 = durham.clone();
    v2["schema_version"] = 2.into();
    let v2f = d.join("v2.json");
    std::fs::write(&v2f, v2.to_string()).unwrap();
    let err = refused(&[&files[1], &v2f], &no);
    assert!(
        err.contains(&format!("{}: schema_version: is 2", s(&v2f))),
        "{err}"
    );
    let bad = d.join("bad.json");
    std::fs::write(
        &bad,
        "{\"schema\": \"pledge-national-export\", \"schema_version\": 1, \"force\": 3}",
    )
    .unwrap();
    let err = refused(&[&bad], &no);
    assert!(
        err.contains(&format!("{}: force: invalid type", s(&bad))),
        "{err}"
    );
    let err = refused(&[&dcsv_path(&d)], &no);
    assert!(err.contains("not JSON"), "{err}");

    // An export names a force of the database.
    let o = harness::run(&[
        "export",
        "national",
        "--database",
        url,
        "--force",
        "Wessex",
        "--from",
        "2025-04-01",
        "--to",
        "2026-03-31",
        "--out",
        &s(&d.join("w.json")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force: there is no force \"Wessex\""));
    let _ = std::fs::remove_dir_all(d);
}

fn dcsv_path(d: &Path) -> PathBuf {
    d.join("DUR.csv")
}

#[test]
fn national_on_sqlite() {
    national(&harness::sqlite("national").url);
}

#[test]
fn national_on_postgres() {
    if let Some(pg) = harness::postgres("national_pg") {
        national(&pg.url);
    }
}
