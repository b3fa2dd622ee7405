//! The test harness: [`spawn_app`] serves `pledge_web::router` on `127.0.0.1:0` over a fresh
//! database — a SQLite file in a temporary directory, or a PostgreSQL database of its own
//! (created per test, dropped afterwards) when `PLEDGE_TEST_POSTGRES_URL` is set — and
//! [`TestApp::client`] gives an HTTP client with a cookie store. [`both!`] declares a test
//! once per backend.

#![allow(dead_code)]

use anyhow::Context;
use pledge_store::{AnyStore, PostgresStore, Store};
use pledge_web::{AppState, Clock, WebConfig};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "PLEDGE_TEST_POSTGRES_URL";

/// Which database the app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh PostgreSQL database (only when `PLEDGE_TEST_POSTGRES_URL` is set).
    Postgres,
}

/// A running application.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The state the server runs with (its store, config and clock).
    pub state: AppState,
    /// The SQLite file, for tests that look at the bytes on disk.
    pub sqlite_path: Option<PathBuf>,
    server: tokio::task::JoinHandle<()>,
    _cleanup: Cleanup,
}

impl TestApp {
    /// A URL on the server (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An API URL (`/api/v1` + `path`).
    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// A new client with its own cookie store (a browser).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap_or_else(|e| panic!("cannot build an HTTP client: {e}"))
    }

    /// The store the server uses.
    pub fn store(&self) -> &AnyStore {
        self.state.store()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

enum Cleanup {
    Dir(PathBuf),
    Database { admin_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin_url, name } => {
                let (admin_url, db) = (admin_url.clone(), name.clone());
                // Drop is synchronous: drop the database from a thread with its own runtime.
                let done = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    rt.block_on(async {
                        let admin = PostgresStore::open(&admin_url).await?;
                        admin
                            .raw_execute(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"))
                            .await?;
                        admin.close().await;
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

/// A fresh, migrated store, or `None` for PostgreSQL when it is not configured.
async fn fresh_store(
    backend: Backend,
    test: &str,
) -> anyhow::Result<Option<(AnyStore, Cleanup, Option<PathBuf>)>> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("pledge-web-{}", unique(test)));
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let path = dir.join("pledge.db");
            let store = pledge_store::open(&format!("sqlite://{}", path.display())).await?;
            store.migrate().await?;
            Ok(Some((store, Cleanup::Dir(dir), Some(path))))
        }
        Backend::Postgres => {
            let Ok(admin_url) = std::env::var(PG_ENV) else {
                eprintln!("note: {PG_ENV} is not set; skipping the PostgreSQL run of {test}");
                return Ok(None);
            };
            let name = format!("pledge_web_{}", unique(test)).to_lowercase();
            let admin = PostgresStore::open(&admin_url).await?;
            admin
                .raw_execute(&format!("CREATE DATABASE \"{name}\""))
                .await?;
            admin.close().await;
            let cleanup = Cleanup::Database {
                admin_url: admin_url.clone(),
                name: name.clone(),
            };
            let store = pledge_store::open(&with_database(&admin_url, &name)).await?;
            store.migrate().await?;
            Ok(Some((store, cleanup, None)))
        }
    }
}

/// Serves the application with the default configuration; `None` when the backend is not
/// configured (PostgreSQL without `PLEDGE_TEST_POSTGRES_URL`).
pub async fn spawn_app(backend: Backend, test: &str) -> anyhow::Result<Option<TestApp>> {
    spawn_app_with(backend, test, WebConfig::default(), Clock::System).await
}

/// Serves the application with a configuration and clock of the test's choosing.
pub async fn spawn_app_with(
    backend: Backend,
    test: &str,
    config: WebConfig,
    clock: Clock,
) -> anyhow::Result<Option<TestApp>> {
    let Some((store, cleanup, sqlite_path)) = fresh_store(backend, test).await? else {
        return Ok(None);
    };
    let plans = pledge_domain::PlanLibrary::builtin().context("built-in plans")?;
    let app =
        pledge_app::App::new(store, plans, "op-hampshire").map_err(|e| anyhow::anyhow!("{e}"))?;
    let state = AppState::new(app, config, clock, None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = pledge_web::router(state.clone());
    let server = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("test server stopped: {e}");
        }
    });
    Ok(Some(TestApp {
        base,
        state,
        sqlite_path,
        server,
        _cleanup: cleanup,
    }))
}

/// Declares each listed test `async fn NAME(backend: Backend) -> anyhow::Result<()>` twice:
/// `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() -> anyhow::Result<()> {
                    super::$name($crate::harness::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() -> anyhow::Result<()> {
                    super::$name($crate::harness::Backend::Postgres).await
                }
            )*
        }
    };
}
