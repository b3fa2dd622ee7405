//! Databases for the CLI tests: a fresh SQLite file per test, and a fresh PostgreSQL
//! database per test when `PLEDGE_TEST_POSTGRES_URL` is set (created from that URL's server
//! and dropped afterwards), required when `PLEDGE_REQUIRE_POSTGRES` is set. The plumbing is
//! shared with the other suites in `pledge-test-support`.

use pledge_test_support::Cleanup;
use std::process::{Command, Output};

/// The `pledge` binary under test.
pub fn pledge() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pledge"))
}

/// Runs `pledge ARGS`, returning its output (whatever the exit status).
pub fn run(args: &[&str]) -> Output {
    pledge()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run pledge {args:?}: {e}"))
}

/// Runs `pledge ARGS` and requires success.
pub fn run_ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "pledge {args:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `pledge verify --json`: the report, after checking it is clean.
pub fn verify_clean(url: &str) -> serde_json::Value {
    let out = run(&["verify", "--json", "--database", url]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify printed no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(out.status.success(), "verify is not clean: {report:#}");
    assert_eq!(report["problems"], serde_json::json!([]), "{report:#}");
    report
}

/// A database of its own, removed when dropped.
pub struct TestDb {
    /// Its URL, for `--database`.
    pub url: String,
    _cleanup: Cleanup,
}

/// A fresh SQLite database file (not yet created: the first command creates it).
pub fn sqlite(test: &str) -> TestDb {
    let file = pledge_test_support::sqlite_file("cli", test);
    TestDb {
        url: file.url,
        _cleanup: file.cleanup,
    }
}

/// A fresh, empty PostgreSQL database, or `None` when the server is not configured (a
/// failure instead when `PLEDGE_REQUIRE_POSTGRES` is set).
pub fn postgres(test: &str) -> Option<TestDb> {
    pledge_test_support::postgres_database_blocking("cli", test).map(|db| TestDb {
        url: db.url,
        _cleanup: db.cleanup,
    })
}
