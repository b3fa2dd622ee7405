//! The test harness: [`spawn_app`] serves `pledge_web::router` on `127.0.0.1:0` over a fresh
//! database — a SQLite file in a temporary directory, or a PostgreSQL database of its own
//! (created per test, dropped afterwards) when `PLEDGE_TEST_POSTGRES_URL` is set, required
//! when `PLEDGE_REQUIRE_POSTGRES` is set; the plumbing is in `pledge-test-support` — and
//! [`TestApp::client`] gives an HTTP client with a cookie store. [`both!`] declares a test
//! once per backend.

#![allow(dead_code)]

use anyhow::Context;
use pledge_store::{AnyStore, Store};
use pledge_test_support::Cleanup;
use pledge_web::{AppState, Clock, WebConfig};
use std::path::PathBuf;

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

/// A fresh, migrated store, or `None` for PostgreSQL when it is not configured (a failure
/// instead when `PLEDGE_REQUIRE_POSTGRES` is set).
async fn fresh_store(
    backend: Backend,
    test: &str,
) -> anyhow::Result<Option<(AnyStore, Cleanup, Option<PathBuf>)>> {
    match backend {
        Backend::Sqlite => {
            let (dir, cleanup) = pledge_test_support::temp_dir("web", test)?;
            let path = dir.join("pledge.db");
            let store = pledge_store::open(&format!("sqlite://{}", path.display())).await?;
            store.migrate().await?;
            Ok(Some((store, cleanup, Some(path))))
        }
        Backend::Postgres => {
            let Some(db) = pledge_test_support::postgres_database("web", test).await? else {
                return Ok(None);
            };
            let store = pledge_store::open(&db.url).await?;
            store.migrate().await?;
            Ok(Some((store, db.cleanup, None)))
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    spawn_app_on(listener, backend, test, config, clock).await
}

/// The same, on a listener the test bound already (to know the address before configuring
/// the app, as the identity provider's redirect URL needs).
pub async fn spawn_app_on(
    listener: tokio::net::TcpListener,
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
