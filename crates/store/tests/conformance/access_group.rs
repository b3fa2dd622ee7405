//! Reads' access entries committed in groups (`record_access`): many concurrent readers, on
//! one server and on two sharing the database, each answered only once its entry is
//! committed, every entry in one verifying chain; and a group that cannot be written fails
//! every reader in it.

use crate::fixtures::at;
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use futures_util::future::join_all;
use pledge_store::{AccessAction, AccessEntry, CaseId, StoreError};

crate::conformance!(
    concurrent_reads_are_logged_in_one_chain,
    a_failed_group_fails_every_reader
);

/// Readers each logging one entry, all at once.
const READERS: usize = 300;

fn read_by(i: usize) -> anyhow::Result<AccessEntry> {
    Ok(AccessEntry {
        at: at("2026-11-29T10:00:00Z"),
        actor: format!("reader-{i:03}"),
        action: AccessAction::Consult,
        case_id: Some(CaseId::parse(&format!("GROUP-{}", i % 7)).map_err(anyhow::Error::msg)?),
        what: "case".into(),
        justification: format!("reading case {}", i % 7),
    })
}

async fn concurrent_reads_are_logged_in_one_chain<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let before = db.verify().await?.access_entries;
    // A second server on the same database: its groups and this one's share the chain.
    let other = S::connect(&db.url).await?;
    // A third connection, to see what is committed (not what a writer holds uncommitted).
    let observer = S::connect(&db.url).await?;
    let reads = (0..READERS).map(|i| {
        let (store, observer) = (if i % 2 == 0 { &db.store } else { &other }, &observer);
        async move {
            let entry = read_by(i)?;
            let seq = store.record_access(entry.clone()).await?;
            // Answered only once durable: the entry is there for anyone who looks now.
            let seen = observer.access_by_actor(&entry.actor).await?;
            ensure!(
                seen.iter().any(|a| a.seq == seq && a.entry == entry),
                "reader {i} was answered (seq {seq}) before its entry was committed: {seen:?}"
            );
            anyhow::Ok(seq)
        }
    });
    let mut seqs = join_all(reads)
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<i64>>>()?;
    seqs.sort_unstable();
    let first = i64::try_from(before)? + 1;
    ensure!(
        seqs == (first..first + i64::try_from(READERS)?).collect::<Vec<_>>(),
        "every reader has its own entry, one after another: {seqs:?}"
    );
    let report = db.verify().await?;
    ensure!(
        report.problems.is_empty(),
        "the chain verifies: {:?}",
        report.problems
    );
    ensure!(report.access_entries == before + u64::try_from(READERS)?);
    // In order: each case's entries come back by sequence number, each entry as written.
    for case in 0..7 {
        let id = CaseId::parse(&format!("GROUP-{case}")).map_err(anyhow::Error::msg)?;
        let log = observer.access_for_case(&id).await?;
        ensure!(log.windows(2).all(|w| w[0].seq < w[1].seq));
        ensure!(log.len() == (0..READERS).filter(|i| i % 7 == case).count());
        for a in &log {
            let i: usize = a.entry.actor["reader-".len()..].parse()?;
            ensure!(a.entry == read_by(i)?, "entry {} as written", a.seq);
        }
    }
    Ok(())
}

async fn a_failed_group_fails_every_reader<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let before = db.verify().await?.access_entries;
    // The writer's inserts fail while the table is away.
    db.raw("ALTER TABLE access_log RENAME TO access_log_away")
        .await?;
    let entries = (0..64).map(read_by).collect::<anyhow::Result<Vec<_>>>()?;
    let results = join_all(entries.into_iter().map(|e| db.record_access(e))).await;
    db.raw("ALTER TABLE access_log_away RENAME TO access_log")
        .await?;
    for (i, r) in results.iter().enumerate() {
        ensure!(
            matches!(r, Err(StoreError::AccessLog(_))),
            "reader {i} got an error: {r:?}"
        );
    }
    // Nothing of the failed groups was written, and the writer carries on.
    let seq = db
        .record_access(read_by(1)?)
        .await
        .context("the writer recovers")?;
    ensure!(seq == i64::try_from(before)? + 1);
    let report = db.verify().await?;
    ensure!(report.problems.is_empty(), "{:?}", report.problems);
    ensure!(report.access_entries == before + 1);
    Ok(())
}
