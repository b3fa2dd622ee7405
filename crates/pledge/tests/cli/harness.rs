//! Databases for the CLI tests: a fresh SQLite file per test, and a fresh PostgreSQL
//! database per test when `PLEDGE_TEST_POSTGRES_URL` is set (created from that URL's server
//! and dropped afterwards, as the store's conformance harness does).

use sqlx::Connection;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "PLEDGE_TEST_POSTGRES_URL";

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

fn unique(test: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{test}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A database of its own, removed when dropped.
pub struct TestDb {
    /// Its URL, for `--database`.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Files(Vec<PathBuf>),
    Database { admin_url: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Files(paths) => {
                for p in paths {
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Database { admin_url, name } => {
                let (admin_url, db) = (admin_url.clone(), name.clone());
                let done = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    rt.block_on(async {
                        let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
                        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"
                        )))
                        .execute(&mut conn)
                        .await?;
                        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
                    })
                })
                .join();
                if !matches!(done, Ok(Ok(()))) {
                    eprintln!("note: could not drop the test database {name}");
                }
            }
        }
    }
}

/// A fresh SQLite database file (not yet created: the first command creates it).
pub fn sqlite(test: &str) -> TestDb {
    let path = std::env::temp_dir().join(format!("pledge-cli-{}.db", unique(test)));
    let files = ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .collect();
    TestDb {
        url: format!("sqlite://{}", path.display()),
        cleanup: Cleanup::Files(files),
    }
}

/// A fresh, empty PostgreSQL database, or `None` when the server is not configured.
pub fn postgres(test: &str) -> Option<TestDb> {
    let Ok(admin_url) = std::env::var(PG_ENV) else {
        eprintln!("note: {PG_ENV} is not set; skipping the PostgreSQL run of {test}");
        return None;
    };
    let name = format!("pledge_cli_{}", unique(test)).to_lowercase();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {PG_ENV}: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
        let _ = admin.close().await;
    });
    Some(TestDb {
        url: with_database(&admin_url, &name),
        cleanup: Cleanup::Database { admin_url, name },
    })
}

/// The URL with its database replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}
