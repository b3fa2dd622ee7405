//! The plan register: a force's own plan versions and what each force has in force, chained
//! and append-only on both backends.

use crate::harness::{Backend, TestDb};
use anyhow::{Context, bail, ensure};
use jiff::Timestamp;
use pledge_store::{NewPlanEntry, PlanStore, StoreError, verify_plan_register};

crate::conformance!(
    plan_register_chains_entries_and_refuses_changed_versions,
    plan_register_is_append_only_and_tampering_is_found,
    plan_register_has_one_writer_at_a_time
);

fn entry(force: &str, id: &str, version: u32, source: Option<&str>, day: i64) -> NewPlanEntry {
    let t = Timestamp::from_second(1_780_000_000 + day * 86_400).unwrap_or(Timestamp::UNIX_EPOCH);
    NewPlanEntry {
        force: force.into(),
        plan_id: id.into(),
        version,
        source: source.map(str::to_owned),
        effective_from: t,
        recorded_at: t,
        recorded_by: "PS-1".into(),
    }
}

fn refused_field<T: std::fmt::Debug>(r: pledge_store::Result<T>) -> anyhow::Result<String> {
    match r {
        Err(StoreError::Refused { field, .. }) => Ok(field),
        other => bail!("expected a refusal, got {other:?}"),
    }
}

async fn plan_register_chains_entries_and_refuses_changed_versions<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let first = db
        .record_plan(entry("kent", "kent-plan", 1, Some("text one"), 0))
        .await?;
    ensure!(first.seq == 1 && first.source.as_deref() == Some("text one"));
    // The same text again only puts it in force again: the text is stored once.
    let again = db
        .record_plan(entry("kent", "kent-plan", 1, Some("text one"), 3))
        .await?;
    ensure!(again.seq == 2 && again.source.is_none() && again.source_hash == first.source_hash);
    ensure!(again.prev_hash == first.hash, "entries link");
    // A changed text under the same version is refused, naming the version.
    ensure!(
        refused_field(
            db.record_plan(entry("kent", "kent-plan", 1, Some("text two"), 4))
                .await
        )? == "version"
    );
    // Another force may neither install under nor put in force a force's own plan id.
    ensure!(
        refused_field(
            db.record_plan(entry("essex", "kent-plan", 2, Some("x"), 4))
                .await
        )? == "id"
    );
    ensure!(
        refused_field(
            db.record_plan(entry("essex", "kent-plan", 1, None, 4))
                .await
        )? == "id"
    );
    // A built-in plan is put in force without a text.
    db.record_plan(entry("essex", "op-hampshire", 1, None, 5))
        .await?;
    db.record_plan(entry("kent", "kent-plan", 2, Some("text two"), 6))
        .await?;

    let all = db.plan_register().await?;
    ensure!(all.len() == 4, "refusals wrote nothing: {all:?}");
    ensure!(
        verify_plan_register(&all).is_empty(),
        "{:?}",
        verify_plan_register(&all)
    );
    let kent = db.plan_adoptions("kent").await?;
    ensure!(kent.len() == 3 && kent.iter().all(|e| e.force == "kent" && e.source.is_none()));
    let essex = db.plan_adoptions("essex").await?;
    ensure!(essex.len() == 1 && essex[0].plan_id == "op-hampshire");
    ensure!(
        db.plan_adoptions("nobody").await?.is_empty(),
        "a missing force is not all"
    );
    Ok(())
}

async fn plan_register_is_append_only_and_tampering_is_found<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    db.record_plan(entry("kent", "kent-plan", 1, Some("title = \"Kent\""), 0))
        .await?;
    db.record_plan(entry("kent", "kent-plan", 2, Some("title = \"Kent 2\""), 1))
        .await?;
    ensure!(
        db.raw("UPDATE plan_register SET source = 'changed' WHERE seq = 1")
            .await
            .is_err(),
        "the register refuses an update"
    );
    ensure!(
        db.raw("DELETE FROM plan_register WHERE seq = 2")
            .await
            .is_err(),
        "the register refuses a delete"
    );
    // An attacker with write access to the database gets past the triggers; verify finds it.
    db.raw(S::UNLOCK).await?;
    db.raw("UPDATE plan_register SET source = 'title = \"Changed\"' WHERE seq = 1")
        .await?;
    let problems = verify_plan_register(&db.plan_register().await?);
    let p = problems.first().context("an edited text is found")?;
    ensure!(
        p.log == "plans" && p.position == 1 && p.kind == "edited",
        "{p:?}"
    );
    db.raw("DELETE FROM plan_register WHERE seq = 1").await?;
    let problems = verify_plan_register(&db.plan_register().await?);
    ensure!(
        problems.iter().any(|p| p.kind == "deleted"),
        "a deleted entry is found: {problems:?}"
    );
    Ok(())
}

async fn plan_register_has_one_writer_at_a_time<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    // Two "servers" installing at once: every entry lands once, in one unbroken chain.
    let other = S::connect(&db.url).await?;
    async fn run(store: &impl PlanStore, odd: u32) -> anyhow::Result<()> {
        for i in (0..8u32).filter(|i| i % 2 == odd) {
            let e = entry(
                "kent",
                "kent-plan",
                i + 1,
                Some(&format!("v{i}")),
                i64::from(i),
            );
            store.record_plan(e).await?;
        }
        Ok(())
    }
    let (x, y) = tokio::join!(run(&db.store, 0), run(&other, 1));
    x?;
    y?;
    let all = db.plan_register().await?;
    ensure!(all.len() == 8, "{}", all.len());
    ensure!(
        verify_plan_register(&all).is_empty(),
        "{:?}",
        verify_plan_register(&all)
    );
    Ok(())
}
