//! The case log: appends, loads, optimistic concurrency, racing writers, batches, paging.

use crate::fixtures::{Fixtures, TestCase, event};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use pledge_store::{CaseId, StoreError};
use std::collections::HashMap;

crate::conformance!(
    appends_and_loads,
    stale_version_conflicts_and_writes_nothing,
    concurrent_writers_race,
    batch_is_all_or_nothing,
    case_ids_page_in_order,
    bad_appends_are_refused,
);

async fn appends_and_loads<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.corpus()?;
    let mut seq = 0i64;
    let mut head = None;
    for c in &corpus {
        let mut from = 0;
        while from < c.events.len() {
            let to = (from + 4).min(c.events.len());
            let done = db.append(fx.append(c, from, to)?).await?;
            ensure!(
                done.version == to as u64,
                "version after append: {} != {to}",
                done.version
            );
            seq += (to - from) as i64;
            ensure!(
                done.last_seq == seq,
                "last_seq {} != {seq}: seqs must be dense",
                done.last_seq
            );
            head = Some(done.head);
            from = to;
        }
    }
    for c in &corpus {
        let stored = db.load_case(&c.id).await?.context("case missing")?;
        ensure!(
            stored.events == c.events,
            "{}: events differ after the round trip",
            c.id
        );
        ensure!(stored.version == c.events.len() as u64);
        ensure!(stored.disposed.is_none());
    }
    ensure!(
        db.load_case(&crate::fixtures::id("NO-SUCH"))
            .await?
            .is_none()
    );
    let report = db.verify().await?;
    ensure!(
        report.problems.is_empty(),
        "a fresh log verifies clean: {:?}",
        report.problems
    );
    ensure!(report.events == seq as u64);
    ensure!(
        report.head == head.map(hex::encode),
        "verify's head is the last append's head"
    );
    Ok(())
}

async fn stale_version_conflicts_and_writes_nothing<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let case = fx.case("op-hampshire-hospitalised", "C-1", 8)?;
    fx.write(&db.store, &case, 3).await?;
    let before = db.verify().await?;
    let access_before = db.access_for_case(&case.id).await?;
    let summary_before = db.summary(&case.id).await?;

    // A writer that read version 5 (someone else has written 8 since).
    let mut stale = fx.append(&case, 5, 6)?;
    stale.projection = fx.project(&case.id, &case.events[..6])?;
    match db.append(stale).await {
        Err(StoreError::Conflict {
            case_id,
            expected: 5,
            actual: 8,
        }) => ensure!(case_id == "C-1"),
        other => anyhow::bail!("expected a conflict, got {other:?}"),
    }
    // A new case under an existing id.
    match db.append(fx.append(&case, 0, 1)?).await {
        Err(StoreError::Conflict {
            expected: 0,
            actual: 8,
            ..
        }) => {}
        other => anyhow::bail!("expected a conflict, got {other:?}"),
    }
    // A version from the future.
    let full = fx.case("op-hampshire-hospitalised", "C-1", 12)?;
    match db.append(fx.append(&full, 10, 12)?).await {
        Err(StoreError::Conflict {
            expected: 10,
            actual: 8,
            ..
        }) => {}
        other => anyhow::bail!("expected a conflict, got {other:?}"),
    }
    let after = db.verify().await?;
    ensure!(
        after.head == before.head && after.events == before.events,
        "a conflict writes no events"
    );
    ensure!(
        after.access_head == before.access_head,
        "a conflict writes no access entry"
    );
    ensure!(db.access_for_case(&case.id).await? == access_before);
    ensure!(
        db.summary(&case.id).await? == summary_before,
        "a conflict leaves the read models"
    );
    ensure!(db.load_case(&case.id).await?.context("case")?.events == case.events);
    // The right version goes in.
    db.append(fx.append(&full, 8, 12)?).await?;
    ensure!(db.load_case(&case.id).await?.context("case")?.version == 12);
    Ok(())
}

/// Eight writers, each on its own connection pool (like separate servers), append five
/// events each, four writers to each of two cases, reloading and retrying on conflict: every
/// acknowledged append is stored exactly once, versions and global seqs stay dense.
async fn concurrent_writers_race<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    const WRITERS: usize = 8;
    const EACH: usize = 5;
    const BASE: usize = 5;
    let fx = Fixtures::new()?;
    let bases = [
        fx.case("op-hampshire-hospitalised", "RACE-0", BASE)?,
        fx.case("west-midlands-hate-crime", "RACE-1", BASE)?,
    ];
    for b in &bases {
        fx.write(&db.store, b, BASE).await?;
    }
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let url = db.url.clone();
        let base = bases[w % 2].clone();
        tasks.spawn(async move {
            let fx = Fixtures::new()?;
            let store = S::connect(&url).await?;
            let mut conflicts = 0u32;
            for i in 0..EACH {
                loop {
                    let stored = store.load_case(&base.id).await?.context("case")?;
                    let mut events = stored.events.clone();
                    let t = events.last().context("events")?.at;
                    events.push(event(serde_json::json!({
                        "type": "victim_updated", "at": t.to_string(), "by": "DC-3020",
                        "how": "phone", "note": format!("writer {w} update {i}")
                    })));
                    let case = TestCase {
                        id: base.id.clone(),
                        events,
                    };
                    let n = case.events.len();
                    match store.append(fx.append(&case, n - 1, n)?).await {
                        Ok(_) => break,
                        Err(StoreError::Conflict { .. }) => conflicts += 1,
                        Err(e) => return Err(anyhow::Error::from(e)),
                    }
                }
            }
            anyhow::Ok(conflicts)
        });
    }
    let mut conflicts = 0;
    while let Some(done) = tasks.join_next().await {
        conflicts += done??;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for b in &bases {
        let stored = db.load_case(&b.id).await?.context("case")?;
        let want = BASE + WRITERS / 2 * EACH;
        ensure!(
            stored.version as usize == want,
            "{}: every acknowledged append is stored",
            b.id
        );
        let summary = db.summary(&b.id).await?.context("summary")?;
        ensure!(summary.version as usize == want, "the read models kept up");
        for e in &stored.events[BASE..] {
            let json = serde_json::to_value(e)?;
            *seen
                .entry(json["note"].as_str().unwrap_or_default().to_owned())
                .or_default() += 1;
        }
    }
    for w in 0..WRITERS {
        for i in 0..EACH {
            let n = seen
                .get(&format!("writer {w} update {i}"))
                .copied()
                .unwrap_or(0);
            ensure!(n == 1, "writer {w} update {i} is stored {n} times");
        }
    }
    let report = db.verify().await?;
    ensure!(
        report.problems.is_empty(),
        "racing writers leave a clean chain: {:?}",
        report.problems
    );
    ensure!(
        report.events as usize == 2 * BASE + WRITERS * EACH,
        "global seqs are dense"
    );
    eprintln!("{}: {conflicts} conflicts retried", S::NAME);
    Ok(())
}

async fn batch_is_all_or_nothing<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let a = fx.case("west-midlands-hate-crime", "B-A", 6)?;
    let b = fx.case("btp-railway-spit", "B-B", 9)?;
    let c = fx.case("op-hampshire-hospitalised", "B-C", 3)?;
    fx.write(&db.store, &c, 3).await?;
    // The third append is stale: nothing of the batch may be written.
    let bad = vec![
        fx.append(&a, 0, 6)?,
        fx.append(&b, 0, 9)?,
        fx.append(&c, 0, 3)?,
    ];
    match db.append_batch(bad).await {
        Err(StoreError::Conflict { case_id, .. }) => ensure!(case_id == "B-C"),
        other => anyhow::bail!("expected a conflict, got {other:?}"),
    }
    ensure!(db.load_case(&a.id).await?.is_none() && db.load_case(&b.id).await?.is_none());
    ensure!(
        db.summary(&a.id).await?.is_none(),
        "no read models from a failed batch"
    );
    ensure!(
        db.access_for_case(&a.id).await?.is_empty(),
        "no access entries from a failed batch"
    );
    ensure!(db.verify().await?.events == 3);
    // Two appends to one case in one batch, plus another case.
    let good = vec![
        fx.append(&a, 0, 2)?,
        fx.append(&a, 2, 6)?,
        fx.append(&b, 0, 9)?,
    ];
    let last = db.append_batch(good).await?.context("an acknowledgement")?;
    ensure!(last.version == 9 && last.last_seq == 3 + 6 + 9);
    ensure!(db.load_case(&a.id).await?.context("a")?.events == a.events);
    ensure!(db.load_case(&b.id).await?.context("b")?.events == b.events);
    ensure!(db.append_batch(Vec::new()).await?.is_none());
    let report = db.verify().await?;
    ensure!(report.problems.is_empty(), "{:?}", report.problems);
    Ok(())
}

async fn case_ids_page_in_order<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    let mut expected: Vec<CaseId> = corpus.iter().map(|c| c.id.clone()).collect();
    expected.sort();
    let mut got = Vec::new();
    let mut after: Option<CaseId> = None;
    loop {
        let page = db.case_ids(after.as_ref(), 4).await?;
        ensure!(page.len() <= 4);
        got.extend(page.iter().cloned());
        match page.last() {
            Some(l) => after = Some(l.clone()),
            None => break,
        }
    }
    ensure!(got == expected, "paging yields every case once, in order");
    Ok(())
}

async fn bad_appends_are_refused<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let case = fx.case("btp-railway-spit", "BAD-1", 3)?;
    let mut empty = fx.append(&case, 0, 1)?;
    empty.events.clear();
    ensure!(
        matches!(db.append(empty).await, Err(StoreError::Invalid(_))),
        "an empty append is invalid"
    );
    let mut wrong_version = fx.append(&case, 0, 1)?;
    wrong_version.projection = fx.project(&case.id, &case.events[..3])?;
    ensure!(
        matches!(db.append(wrong_version).await, Err(StoreError::Invalid(_))),
        "stale read models are invalid"
    );
    let mut other_case = fx.append(&case, 0, 1)?;
    other_case.projection = fx.project(&crate::fixtures::id("OTHER"), &case.events[..1])?;
    ensure!(
        matches!(db.append(other_case).await, Err(StoreError::Invalid(_))),
        "another case's read models"
    );
    ensure!(db.verify().await?.events == 0);
    Ok(())
}
