//! `pledge backtest` over generated cases, on SQLite and PostgreSQL: the plan in force against
//! itself changes nothing (as JSON), a bad draft prints the loader's FILE:LINE:COLUMN and
//! exits 1, and naming cases needs a person (`--as`).

use super::harness;

const PLAN: &str = "west-midlands";

fn backtest(url: &str) {
    harness::run_ok(&[
        "generate",
        "--cases",
        "60",
        "--seed",
        "3",
        "--forces",
        "WMP",
        "--database",
        url,
    ]);
    let common = [
        "--database",
        url,
        "--force",
        "West Midlands Police",
        "--from",
        "2020-01-01",
        "--to",
        "2026-04-01",
        "--at",
        "2026-04-01",
    ];
    let mut args = vec!["backtest", PLAN];
    args.extend(common);
    args.push("--json");
    let out: serde_json::Value = serde_json::from_str(&harness::run_ok(&args)).unwrap();
    assert_eq!(out["cases"], 60, "{out:#}");
    assert_eq!(out["changed"], 0, "{out:#}");
    assert!(out.get("named").is_none());

    let dir = tempfile_dir();
    let bad = dir.join("bad.toml");
    let text = pledge_domain::plan::BUILTIN_PLAN_FILES
        .iter()
        .find(|(n, _)| n.ends_with("west-midlands.toml"))
        .unwrap()
        .1
        .replacen("deadline = \"24 hours\"", "deadline = \"whenever\"", 1);
    std::fs::write(&bad, &text).unwrap();
    let line = text.lines().position(|l| l.contains("whenever")).unwrap() + 1;
    let bad_path = bad.display().to_string();
    let mut args = vec!["backtest", bad_path.as_str()];
    args.extend(common);
    let out = harness::run(&args);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{bad_path}:{line}:")), "{err}");
    assert!(err.contains("nothing was evaluated"), "{err}");

    let mut args = vec!["backtest", PLAN, "--named"];
    args.extend(common);
    let out = harness::run(&args);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--as"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(pledge_test_support::unique("backtest-cli"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn backtest_on_sqlite() {
    backtest(&harness::sqlite("backtest").url);
}

#[test]
fn backtest_on_postgres() {
    if let Some(pg) = harness::postgres("backtest_pg") {
        backtest(&pg.url);
    }
}
