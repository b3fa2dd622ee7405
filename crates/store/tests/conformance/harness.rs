//! Running one generic test against each backend: a fresh SQLite file per test, and a fresh
//! PostgreSQL database per test when `PLEDGE_TEST_POSTGRES_URL` is set (required, not
//! skipped, when `PLEDGE_REQUIRE_POSTGRES` is set). The database plumbing is in
//! `pledge-test-support`; what is particular to the store suite (raw SQL for tampering) is here.

use pledge_store::{PostgresStore, SqliteStore, Store};
use pledge_test_support::Cleanup;
use std::future::Future;
use std::ops::Deref;

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
    /// The plan of the case list's query for a scope and filter.
    fn explain_list(
        &self,
        scope: &pledge_store::CaseScope,
        filter: &pledge_store::CaseFilter,
    ) -> impl Future<Output = pledge_store::Result<String>> + Send;
    /// A byte string as an SQL literal.
    fn blob(bytes: &[u8]) -> String;
}

impl Backend for SqliteStore {
    const NAME: &'static str = "sqlite";
    const UNLOCK: &'static str = "DROP TRIGGER event_no_delete; DROP TRIGGER event_only_disposal; \
         DROP TRIGGER access_log_no_delete; DROP TRIGGER access_log_no_update; \
         DROP TRIGGER plan_register_no_delete; DROP TRIGGER plan_register_no_update;";
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
    async fn explain_list(
        &self,
        scope: &pledge_store::CaseScope,
        filter: &pledge_store::CaseFilter,
    ) -> pledge_store::Result<String> {
        self.explain_case_list(scope, filter).await
    }
    fn blob(bytes: &[u8]) -> String {
        format!("X'{}'", hex::encode(bytes))
    }
}

impl Backend for PostgresStore {
    const NAME: &'static str = "postgres";
    const UNLOCK: &'static str = "DROP TRIGGER event_append_only ON event; DROP TRIGGER access_log_append_only ON access_log; \
         DROP TRIGGER plan_register_append_only ON plan_register;";
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
    async fn explain_list(
        &self,
        scope: &pledge_store::CaseScope,
        filter: &pledge_store::CaseFilter,
    ) -> pledge_store::Result<String> {
        self.explain_case_list(scope, filter).await
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

/// A fresh, migrated SQLite database in a temporary file.
pub async fn sqlite(test: &str) -> anyhow::Result<TestDb<SqliteStore>> {
    let file = pledge_test_support::sqlite_file("conformance", test);
    let store = SqliteStore::open(&file.url).await?;
    store.migrate().await?;
    Ok(TestDb {
        store,
        url: file.url,
        _cleanup: file.cleanup,
    })
}

/// A fresh, migrated PostgreSQL database, or `None` when the server is not configured (a
/// failure instead when `PLEDGE_REQUIRE_POSTGRES` is set).
pub async fn postgres(test: &str) -> anyhow::Result<Option<TestDb<PostgresStore>>> {
    let Some(db) = pledge_test_support::postgres_database("test", test).await? else {
        return Ok(None);
    };
    let store = PostgresStore::open(&db.url).await?;
    store.migrate().await?;
    Ok(Some(TestDb {
        store,
        url: db.url,
        _cleanup: db.cleanup,
    }))
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
