//! Database plumbing shared by the test suites (the store's conformance suite, the web API
//! tests and the CLI tests), so it exists once: unique names, temporary SQLite files and
//! directories, a fresh PostgreSQL database per test, and [`Cleanup`] that removes them.
//!
//! PostgreSQL runs when `PLEDGE_TEST_POSTGRES_URL` names a server. Without it a test's
//! PostgreSQL variant is skipped with a note, unless `PLEDGE_REQUIRE_POSTGRES` is set (CI sets
//! it), when the missing server is a failure: a test must never pass without running.
//!
//! Fixtures stay with each suite; only what they all need is here. Dev-dependency only.

use sqlx::Connection;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "PLEDGE_TEST_POSTGRES_URL";

/// The environment variable that turns a missing PostgreSQL server into a test failure.
pub const REQUIRE_PG_ENV: &str = "PLEDGE_REQUIRE_POSTGRES";

/// Whether PostgreSQL is required: `PLEDGE_REQUIRE_POSTGRES` is set to anything but empty
/// or `0`.
pub fn postgres_required() -> bool {
    std::env::var_os(REQUIRE_PG_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The PostgreSQL server URL for `test`, or `None` (with a note) when it is not configured.
///
/// # Panics
/// When `PLEDGE_REQUIRE_POSTGRES` is set and `PLEDGE_TEST_POSTGRES_URL` is not: the run
/// must fail rather than pass without testing PostgreSQL.
pub fn postgres_server(test: &str) -> Option<String> {
    match std::env::var(PG_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if postgres_required() => panic!(
            "{REQUIRE_PG_ENV} is set but {PG_ENV} is not: the PostgreSQL run of {test} cannot \
             be skipped (set {PG_ENV}, e.g. postgres://postgres@127.0.0.1:5432/test)"
        ),
        _ => {
            eprintln!(
                "note: {PG_ENV} is not set; skipping the PostgreSQL run of {test} \
                 (set {REQUIRE_PG_ENV}=1 to make this a failure)"
            );
            None
        }
    }
}

/// A name no other test (in this or a concurrent process) uses: `TEST_PID_N_NANOS`.
pub fn unique(test: &str) -> String {
    format!("{test}_{}", stamp())
}

/// `PID_N_NANOS`: this process, a counter, and the time.
fn stamp() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The URL with its database replaced by `name` (query parameters kept).
pub fn with_database(url: &str, name: &str) -> String {
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

/// Removes what a test created (files, a directory or a PostgreSQL database) when dropped.
pub struct Cleanup(Kind);

enum Kind {
    Files(Vec<PathBuf>),
    Dir(PathBuf),
    Database { admin_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match &self.0 {
            Kind::Files(paths) => {
                for p in paths {
                    let _ = std::fs::remove_file(p);
                }
            }
            Kind::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Kind::Database { admin_url, name } => {
                let (admin_url, db) = (admin_url.clone(), name.clone());
                // Drop is synchronous and may run inside a runtime: drop the database from a
                // thread with a runtime of its own.
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
                        anyhow::Ok(())
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

/// A SQLite database file in the temporary directory, not yet created.
pub struct SqliteFile {
    /// `sqlite://PATH`.
    pub url: String,
    /// The file (its `-wal` and `-shm` companions are removed with it).
    pub path: PathBuf,
    /// Removes the file and its companions.
    pub cleanup: Cleanup,
}

/// A PostgreSQL database name for `test`: the unique part first, because PostgreSQL cuts
/// names at 63 bytes (a long test name must not cut it off and collide with another run).
fn database_name(prefix: &str, test: &str) -> String {
    let mut name = format!("pledge_{prefix}_{}", stamp());
    for c in format!("_{test}").chars() {
        if name.len() + c.len_utf8() > 63 {
            break;
        }
        name.push(c);
    }
    name.to_lowercase()
}

/// A fresh SQLite file name `pledge-PREFIX-UNIQUE.db` for `test`.
pub fn sqlite_file(prefix: &str, test: &str) -> SqliteFile {
    let path = std::env::temp_dir().join(format!("pledge-{prefix}-{}.db", unique(test)));
    let files = ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .collect();
    SqliteFile {
        url: format!("sqlite://{}", path.display()),
        path,
        cleanup: Cleanup(Kind::Files(files)),
    }
}

/// A fresh, existing temporary directory `pledge-PREFIX-UNIQUE` for `test`, removed with
/// everything in it when the [`Cleanup`] is dropped.
pub fn temp_dir(prefix: &str, test: &str) -> anyhow::Result<(PathBuf, Cleanup)> {
    let dir = std::env::temp_dir().join(format!("pledge-{prefix}-{}", unique(test)));
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    Ok((dir.clone(), Cleanup(Kind::Dir(dir))))
}

/// A fresh, empty PostgreSQL database, dropped with its [`Cleanup`].
pub struct PgDatabase {
    /// Its URL.
    pub url: String,
    /// Drops the database.
    pub cleanup: Cleanup,
}

/// Creates an empty database `pledge_PREFIX_UNIQUE` on the configured server; `None` when no
/// server is configured (a failure instead when PostgreSQL is required, see
/// [`postgres_server`]).
pub async fn postgres_database(prefix: &str, test: &str) -> anyhow::Result<Option<PgDatabase>> {
    let Some(admin_url) = postgres_server(test) else {
        return Ok(None);
    };
    let name = database_name(prefix, test);
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .map_err(|e| anyhow::anyhow!("connecting to {PG_ENV} ({admin_url}): {e}"))?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .map_err(|e| anyhow::anyhow!("creating the test database {name}: {e}"))?;
    admin.close().await?;
    Ok(Some(PgDatabase {
        url: with_database(&admin_url, &name),
        cleanup: Cleanup(Kind::Database { admin_url, name }),
    }))
}

/// [`postgres_database`] for tests without a runtime (it runs one of its own).
///
/// # Panics
/// When the database cannot be created, or PostgreSQL is required but not configured.
pub fn postgres_database_blocking(prefix: &str, test: &str) -> Option<PgDatabase> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start a runtime: {e}"));
    rt.block_on(postgres_database(prefix, test))
        .unwrap_or_else(|e| panic!("{e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_replaces_only_the_path() {
        assert_eq!(
            with_database("postgres://u@h:5432/test?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }

    #[test]
    fn database_names_fit_and_differ() {
        let long = "overdue_counts_match_a_recount_beyond_any_list_cap_and_then_some";
        let (a, b) = (database_name("test", long), database_name("test", long));
        assert!(a.len() <= 63 && b.len() <= 63, "{a}");
        assert_ne!(a, b);
        assert!(
            a.starts_with("pledge_test_") && a.contains("_overdue"),
            "{a}"
        );
    }

    #[test]
    fn unique_names_differ() {
        assert_ne!(unique("t"), unique("t"));
    }
}
