//! The store conformance suite: one set of generic tests, each run against SQLite (a fresh
//! temporary file per test) and against PostgreSQL (a fresh database per test) when
//! `PLEDGE_TEST_POSTGRES_URL` is set, e.g. `postgres://postgres@127.0.0.1:5432/test`.
//! Without it the PostgreSQL variants print a note and pass, unless `PLEDGE_REQUIRE_POSTGRES`
//! is set (CI), when they fail.

#[path = "conformance/harness.rs"]
mod harness;

#[path = "conformance/fixtures.rs"]
mod fixtures;

#[path = "conformance/access.rs"]
mod access;
#[path = "conformance/access_group.rs"]
mod access_group;
#[path = "conformance/accounts.rs"]
mod accounts;
#[path = "conformance/append_group.rs"]
mod append_group;
#[path = "conformance/case_list.rs"]
mod case_list;
#[path = "conformance/escalation_due.rs"]
mod escalation_due;
#[path = "conformance/idempotency.rs"]
mod idempotency;
#[path = "conformance/log.rs"]
mod log;
#[path = "conformance/notification_settings.rs"]
mod notification_settings;
#[path = "conformance/ops.rs"]
mod ops;
#[path = "conformance/overview_counts.rs"]
mod overview_counts;
#[path = "conformance/panel.rs"]
mod panel;
#[path = "conformance/period.rs"]
mod period;
#[path = "conformance/plans.rs"]
mod plans;
#[path = "conformance/read_models.rs"]
mod read_models;
#[path = "conformance/retention.rs"]
mod retention;
#[path = "conformance/schedule.rs"]
mod schedule;
#[path = "conformance/tamper.rs"]
mod tamper;
#[path = "conformance/webhooks.rs"]
mod webhooks;

/// The URL check does not need a database.
#[tokio::test]
async fn open_names_an_unknown_scheme() -> anyhow::Result<()> {
    match pledge_store::open("mysql://root@localhost/pledge").await {
        Err(pledge_store::StoreError::Invalid(m)) => {
            anyhow::ensure!(m.contains("\"mysql\""), "{m}")
        }
        other => anyhow::bail!("expected a refusal, got {:?}", other.map(|_| ())),
    }
    let memory = pledge_store::open("sqlite::memory:").await?;
    pledge_store::Store::migrate(&memory).await?;
    anyhow::ensure!(
        pledge_store::Store::verify(&memory)
            .await?
            .problems
            .is_empty()
    );
    Ok(())
}

/// Acknowledged appends are durable: WAL with `synchronous=FULL` (2), a busy timeout, and
/// foreign keys on, on every pooled connection.
#[tokio::test]
async fn sqlite_durability_settings() -> anyhow::Result<()> {
    let db = harness::sqlite("durability").await?;
    for _ in 0..3 {
        let (journal, synchronous, busy, fk) = db.durability_settings().await?;
        anyhow::ensure!(
            journal == "wal" && synchronous == 2 && busy >= 5000 && fk == 1,
            "{journal} {synchronous} {busy} {fk}"
        );
    }
    Ok(())
}
