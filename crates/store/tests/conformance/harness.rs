//! Running one generic test against each backend: a fresh SQLite file per test, and a fresh
//! PostgreSQL database per test when `PLEDGE_TEST_POSTGRES_URL` is set.

use pledge_store::{PostgresStore, SqliteStore, Store};
use sqlx::Connection;
use std::future::Future;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "PLEDGE_TEST_POSTGRES_URL";

/// What the suite needs of a backend beyond the `Store` contract: raw SQL for tampering.
pub trait Backend: Store + Sized + Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    const NAME: &'static str;
    /// Drops the append-only triggers so a test can tamper like an attacker with write access.
    const UNLOCK: &'static str;
    /// Records a migration from the future.
    const FUTURE_MIGRATION: &'static str;
    /// Opens another store on the same database (another "server").
    fn connect(url: &str) -> impl Future<Output = anyhow::Result<Self>> + Send;
    /// Executes raw SQL.
    fn raw<'a>(
        &'a self,
        sql: &'a str,
    ) -> impl Future<Output = pledge_store::Result<u64>> + Send + 'a;
    /// The plans of the hot queries.
    fn explain(&self) -> impl Future<Output = pledge_store::Result<Vec<(String, String)>>> + Send;
    /// A byte string as an SQL literal.
    fn blob(bytes: &[u8]) -> String;
}

impl Backend for SqliteStore {
    const NAME: &'static str = "sqlite";
    const UNLOCK: &'static str = "DROP TRIGGER event_no_delete; DROP TRIGGER event_only_disposal; \
         DROP TRIGGER access_log_no_delete; DROP TRIGGER access_log_no_update;";
    const FUTURE_MIGRATION: &'static str = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990001, 'from a newer Pledge', 1, X'00', 0)";
    async fn connect(url: &str) -> anyhow::Result<Self> {
        Ok(SqliteStore::open(url).await?)
    }
    fn raw<'a>(
        &'a self,
        sql: &'a str,
    ) -> impl Future<Output = pledge_store::Result<u64>> + Send + 'a {
        self.raw_execute(sql)
    }
    async fn explain(&self) -> pledge_store::Result<Vec<(String, String)>> {
        self.explain_hot_queries().await
    }
    fn blob(bytes: &[u8]) -> String {
        format!("X'{}'", hex::encode(bytes))
    }
}

impl Backend for PostgresStore {
    const NAME: &'static str = "postgres";
    const UNLOCK: &'static str = "DROP TRIGGER event_append_only ON event; DROP TRIGGER access_log_append_only ON access_log;";
    const FUTURE_MIGRATION: &'static str = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990001, 'from a newer Pledge', TRUE, '\\x00'::bytea, 0)";
    async fn connect(url: &str) -> anyhow::Result<Self> {
        Ok(PostgresStore::open(url).await?)
    }
    fn raw<'a>(
        &'a self,
        sql: &'a str,
    ) -> impl Future<Output = pledge_store::Result<u64>> + Send + 'a {
        self.raw_execute(sql)
    }
    async fn explain(&self) -> pledge_store::Result<Vec<(String, String)>> {
        self.explain_hot_queries().await
    }
    fn blob(bytes: &[u8]) -> String {
        format!("'\\x{}'::bytea", hex::encode(bytes))
    }
}

/// A migrated store on a database of its own, removed when dropped.
pub struct TestDb<S> {
    /// The store.
    pub store: S,
    /// Its URL (to connect a second "server").
    pub url: String,
    /// Removes the database when the test is done.
    _cleanup: Cleanup,
}

impl<S> Deref for TestDb<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.store
    }
}

enum Cleanup {
    Files(Vec<PathBuf>),
    Database { admin_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::Files(paths) => {
                for p in paths {
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Database { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let db = name.clone();
                // Drop is synchronous: drop the database from a thread with its own runtime.
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

fn unique(test: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}_{nanos}",
        test,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh, migrated SQLite database in a temporary file.
pub async fn sqlite(test: &str) -> anyhow::Result<TestDb<SqliteStore>> {
    let path = std::env::temp_dir().join(format!("pledge-conformance-{}.db", unique(test)));
    let files = ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .collect();
    let cleanup = Cleanup::Files(files);
    let url = format!("sqlite://{}", path.display());
    let store = SqliteStore::open(&url).await?;
    store.migrate().await?;
    Ok(TestDb {
        store,
        url,
        _cleanup: cleanup,
    })
}

/// A fresh, migrated PostgreSQL database, or `None` when the server is not configured.
pub async fn postgres(test: &str) -> anyhow::Result<Option<TestDb<PostgresStore>>> {
    let Ok(admin_url) = std::env::var(PG_ENV) else {
        eprintln!("note: {PG_ENV} is not set; skipping the PostgreSQL run of {test}");
        return Ok(None);
    };
    let name = format!("pledge_test_{}", unique(test)).to_lowercase();
    let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let cleanup = Cleanup::Database {
        admin_url: admin_url.clone(),
        name: name.clone(),
    };
    let url = with_database(&admin_url, &name);
    let store = PostgresStore::open(&url).await?;
    store.migrate().await?;
    Ok(Some(TestDb {
        store,
        url,
        _cleanup: cleanup,
    }))
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

/// Declares each listed generic test twice: `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() -> anyhow::Result<()> {
                    let db = $crate::harness::sqlite(stringify!($name)).await?;
                    super::$name(&db).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() -> anyhow::Result<()> {
                    match $crate::harness::postgres(stringify!($name)).await? {
                        Some(db) => super::$name(&db).await,
                        None => Ok(()),
                    }
                }
            )*
        }
    };
}
