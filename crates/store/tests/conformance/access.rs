//! The access log (DPA 2018 s62): written by appends and by `record_access`, read per case
//! and per actor in order, hash-chained.

use crate::fixtures::{Fixtures, access, at};
use crate::harness::{Backend, TestDb};
use anyhow::ensure;
use pledge_store::{AccessAction, AccessEntry};

crate::conformance!(access_log_writes_and_queries);

async fn access_log_writes_and_queries<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let a = fx.case("op-hampshire-hospitalised", "ACC-A", 6)?;
    let b = fx.case("west-midlands-hate-crime", "ACC-B", 3)?;
    fx.write(&db.store, &a, 3).await?; // access entries 1, 2
    fx.write(&db.store, &b, 3).await?; // 3
    let consult = access(
        "INSP-0912",
        AccessAction::Consult,
        Some(&a.id),
        "2026-11-05T10:00:00.123456789Z",
    );
    ensure!(db.record_access(consult.clone()).await? == 4);
    let export = AccessEntry {
        at: at("2026-11-06T09:00:00Z"),
        actor: "token:crime-system".into(),
        action: AccessAction::Disclose,
        case_id: None,
        what: "statistics export".into(),
        justification: "monthly return to the Home Office".into(),
    };
    ensure!(db.record_access(export.clone()).await? == 5);
    ensure!(
        db.record_access(access(
            "INSP-0912",
            AccessAction::Consult,
            Some(&b.id),
            "2026-11-07T10:00:00Z"
        ))
        .await?
            == 6
    );

    let for_a = db.access_for_case(&a.id).await?;
    ensure!(
        for_a.iter().map(|e| e.seq).collect::<Vec<_>>() == [1, 2, 4],
        "per case, in order: {for_a:?}"
    );
    ensure!(
        for_a[0].entry.action == AccessAction::Collect
            && for_a[1].entry.action == AccessAction::Alter
    );
    ensure!(
        for_a[0].entry.actor == a.events[2].by.to_string(),
        "an append logs its writer"
    );
    // Times are kept to the microsecond.
    ensure!(for_a[2].entry.at == at("2026-11-05T10:00:00.123456Z"));
    ensure!(
        for_a[2].entry.what == consult.what
            && for_a[2].entry.justification == consult.justification
    );

    let by_inspector = db.access_by_actor("INSP-0912").await?;
    ensure!(by_inspector.iter().map(|e| e.seq).collect::<Vec<_>>() == [4, 6]);
    let by_token = db.access_by_actor("token:crime-system").await?;
    ensure!(by_token.len() == 1 && by_token[0].entry == export);
    ensure!(
        db.access_for_case(&crate::fixtures::id("NONE"))
            .await?
            .is_empty()
    );
    ensure!(db.access_by_actor("nobody").await?.is_empty());

    let report = db.verify().await?;
    ensure!(report.problems.is_empty(), "{:?}", report.problems);
    ensure!(report.access_entries == 6 && report.access_head.is_some());
    Ok(())
}
