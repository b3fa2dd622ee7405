//! Many appends through one store at once (on PostgreSQL, committed in groups by the store's
//! writer task): each answered as if written alone, in order — a stale version refused with
//! `Conflict`, a key used already with `KeyUsed`, an append whose write fails (an escalation
//! level decided twice) failing alone while the others commit — and one chain that verifies.

use crate::fixtures::{Fixtures, at};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use futures_util::future::join_all;
use pledge_store::notify::{EscalationKey, Outbox};
use pledge_store::{Append, IdempotencyReservation, IdempotentResponse, StoreError};

crate::conformance!(
    concurrent_appends_fail_alone,
    appends_carry_on_after_the_writer_connection_is_lost
);

/// New cases appended at once, alongside the appends that must fail.
const NEW: usize = 20;

fn decided() -> Outbox {
    Outbox {
        notifications: Vec::new(),
        escalations: vec![EscalationKey {
            obligation_id: "group-test".into(),
            instance: 1,
            level: 2,
            final_level: false,
        }],
    }
}

fn keyed(mut a: Append, body: &str) -> Append {
    a.idempotency = Some(IdempotencyReservation {
        actor: "PS-1".into(),
        key: "group-key".into(),
        response: IdempotentResponse {
            request_hash: "h".into(),
            status: 201,
            body: body.into(),
            created_at: at("2026-11-29T10:00:00Z"),
        },
    });
    a
}

async fn concurrent_appends_fail_alone<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let example = "op-hampshire-hospitalised";
    // A case raced by two writers, and one whose escalation level is decided already.
    let race = fx.case(example, "GRP-RACE", 4)?;
    let dup = fx.case(example, "GRP-DUP", 4)?;
    db.append(fx.append(&race, 0, 3)?).await?;
    let mut first = fx.append(&dup, 0, 3)?;
    first.notify = Some(decided());
    db.append(first).await?;

    let mut appends = Vec::new();
    for i in 0..NEW {
        let case = fx.case(example, &format!("GRP-{i:02}"), 3)?;
        appends.push(fx.append(&case, 0, 3)?);
    }
    // Two writers of one case at the same version: one wins.
    appends.push(fx.append(&race, 3, 4)?);
    appends.push(fx.append(&race, 3, 4)?);
    // Deciding the same level again: this append fails, the others do not.
    let mut again = fx.append(&dup, 3, 4)?;
    again.notify = Some(decided());
    appends.push(again);
    // One idempotency key claimed twice: one effect.
    appends.push(keyed(
        fx.append(&fx.case(example, "GRP-KEY-A", 3)?, 0, 3)?,
        "a",
    ));
    appends.push(keyed(
        fx.append(&fx.case(example, "GRP-KEY-B", 3)?, 0, 3)?,
        "b",
    ));
    let answers = join_all(appends.into_iter().map(|a| db.store.append(a))).await;

    for (i, answer) in answers[..NEW].iter().enumerate() {
        let done = answer
            .as_ref()
            .map_err(|e| anyhow::anyhow!("GRP-{i:02}: {e}"))?;
        ensure!(done.version == 3, "GRP-{i:02} is at version 3");
    }
    let race_answers = &answers[NEW..NEW + 2];
    let won = race_answers.iter().filter(|a| a.is_ok()).count();
    ensure!(won == 1, "one of two racing writers wins: {race_answers:?}");
    ensure!(
        race_answers.iter().any(|a| matches!(
            a,
            Err(StoreError::Conflict {
                expected: 3,
                actual: 4,
                ..
            })
        )),
        "the other is refused with the version it missed: {race_answers:?}"
    );
    ensure!(
        answers[NEW + 2].is_err(),
        "a level decided twice fails its append: {:?}",
        answers[NEW + 2]
    );
    let keys = &answers[NEW + 3..];
    ensure!(
        keys.iter().filter(|a| a.is_ok()).count() == 1,
        "a key claimed twice has one effect: {keys:?}"
    );
    let replayed = keys
        .iter()
        .find_map(|a| match a {
            Err(StoreError::KeyUsed(r)) => Some(r.body.clone()),
            _ => None,
        })
        .context("the second claim is answered KeyUsed")?;
    let (written, not) = if keys[0].is_ok() {
        ("GRP-KEY-A", "GRP-KEY-B")
    } else {
        ("GRP-KEY-B", "GRP-KEY-A")
    };
    ensure!(
        replayed == if written == "GRP-KEY-A" { "a" } else { "b" },
        "KeyUsed replays the answer stored with the key's one effect"
    );
    ensure!(
        db.load_case(&crate::fixtures::id(not)).await?.is_none(),
        "{not} was not written"
    );
    ensure!(
        db.load_case(&crate::fixtures::id("GRP-DUP"))
            .await?
            .context("GRP-DUP")?
            .version
            == 3,
        "the failed append wrote nothing"
    );
    ensure!(
        db.summary(&crate::fixtures::id("GRP-RACE"))
            .await?
            .context("summary")?
            .version
            == 4,
        "the read models kept up"
    );
    let report = db.verify().await?;
    ensure!(
        report.problems.is_empty(),
        "the chain and read models verify: {:?}",
        report.problems
    );
    ensure!(
        report.events as usize == 3 + 3 + NEW * 3 + 1 + 3,
        "global seqs are dense: {} events",
        report.events
    );
    Ok(())
}

/// The connection appends are written on is lost between two appends (on PostgreSQL: its
/// server process ended, as by a server restart): the next append is written on a new one.
async fn appends_carry_on_after_the_writer_connection_is_lost<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let case = fx.case("op-hampshire-hospitalised", "GRP-LOST", 4)?;
    db.append(fx.append(&case, 0, 3)?).await?;
    if S::NAME == "postgres" {
        // Every other connection to this database, the append writer's among them.
        let other = S::connect(&db.url).await?;
        other
            .raw(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .await?;
    }
    let done = db.append(fx.append(&case, 3, 4)?).await?;
    ensure!(done.version == 4, "the append after the loss is written");
    let report = db.verify().await?;
    ensure!(report.problems.is_empty(), "{:?}", report.problems);
    Ok(())
}
