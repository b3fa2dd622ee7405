//! One file per command.

pub mod background_args;
pub mod backtest;
pub mod backup;
pub mod demo;
pub mod evaluate;
pub mod export_national;
pub mod generate;
pub mod import;
pub mod migrate;
pub mod national_merge;
pub mod oidc_args;
pub mod plan_check;
pub mod plan_diff;
pub mod plan_files;
pub mod plan_install;
pub mod plan_list;
pub mod plan_show;
pub mod progress;
pub mod rebuild;
pub mod report;
pub mod restore;
pub mod retention;
pub mod serve;
pub mod stress_append;
pub mod token;
pub mod user_add;
pub mod verify;
pub mod worker;

use anyhow::Context;
use pledge_domain::PlanLibrary;

/// The built-in plans; a failure is a defect in a shipped plan file.
pub fn library() -> anyhow::Result<PlanLibrary> {
    PlanLibrary::builtin().context("a built-in plan failed to load")
}

/// Reads a file of at most `limit` bytes, naming the file on failure.
pub fn read_limited(path: &std::path::Path, limit: u64) -> anyhow::Result<String> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.len() > limit {
        anyhow::bail!(
            "{} is {} bytes; the limit is {limit}",
            path.display(),
            meta.len()
        );
    }
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))
}

/// Where the store is: `--database URL` or `PLEDGE_DATABASE_URL`.
#[derive(clap::Args, Clone)]
pub struct StoreArgs {
    /// `sqlite://PATH` (default `sqlite://pledge.db` in the working directory) or `postgres://...`.
    #[arg(
        long = "database",
        env = "PLEDGE_DATABASE_URL",
        default_value = "sqlite://pledge.db"
    )]
    pub database: String,
}

impl StoreArgs {
    /// Opens the store and applies migrations (refusing a database from a newer Pledge).
    pub async fn open(&self) -> anyhow::Result<pledge_store::AnyStore> {
        use pledge_store::Store;
        let store = pledge_store::open(&self.database)
            .await
            .with_context(|| format!("cannot open the database {}", redact(&self.database)))?;
        store
            .migrate()
            .await
            .context("cannot migrate the database")?;
        Ok(store)
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Runs an async command on a runtime built for it.
pub fn run_async(
    f: impl std::future::Future<Output = anyhow::Result<std::process::ExitCode>>,
) -> anyhow::Result<std::process::ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(f)
}
