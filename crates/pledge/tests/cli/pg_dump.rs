//! A PostgreSQL store survives `pg_dump` and `pg_restore` (as docs/operations.md says): the
//! restored copy verifies clean with the same event and access heads as the source. Needs
//! `PLEDGE_TEST_POSTGRES_URL` and the PostgreSQL client tools (`pg_dump`, `pg_restore`);
//! without either it prints a note and passes, unless `PLEDGE_REQUIRE_POSTGRES` is set, when
//! it fails.

use super::harness;
use std::process::Command;

fn tool_available(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_tool(name: &str, args: &[&str]) {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn dump_and_restore_keep_the_heads() {
    if !(tool_available("pg_dump") && tool_available("pg_restore")) {
        assert!(
            !pledge_test_support::postgres_required(),
            "PLEDGE_REQUIRE_POSTGRES is set but pg_dump or pg_restore is not installed"
        );
        eprintln!("note: pg_dump or pg_restore is not installed; skipping");
        return;
    }
    let Some(source) = harness::postgres("dump_src") else {
        return;
    };
    let Some(restored) = harness::postgres("dump_dst") else {
        return;
    };
    harness::run_ok(&[
        "generate",
        "--cases",
        "60",
        "--seed",
        "1",
        "--forces",
        "BTP",
        "--batch",
        "25",
        "--database",
        &source.url,
    ]);
    let before = harness::verify_clean(&source.url);
    assert!(before["events"].as_u64().unwrap_or(0) > 60, "{before:#}");

    let dump = std::env::temp_dir().join(format!("pledge-cli-{}.dump", std::process::id()));
    let dump_path = dump.to_str().expect("a UTF-8 temporary path");
    run_tool(
        "pg_dump",
        &["--format=custom", "--file", dump_path, &source.url],
    );
    run_tool(
        "pg_restore",
        &["--no-owner", "--dbname", &restored.url, dump_path],
    );
    let _ = std::fs::remove_file(&dump);

    let after = harness::verify_clean(&restored.url);
    for field in ["events", "access_entries", "head", "access_head"] {
        assert_eq!(after[field], before[field], "{field} after pg_restore");
    }
    // The source is unchanged by the dump.
    assert_eq!(harness::verify_clean(&source.url)["head"], before["head"]);
}
