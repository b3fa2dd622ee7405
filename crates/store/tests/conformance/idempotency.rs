//! Idempotency records: an append claims a key in its own transaction, so one key has one
//! effect whatever the races and retries; the stored answer is read back and pruned.

use crate::fixtures::{Fixtures, TestCase, at};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use pledge_store::{
    Append, IdempotencyReservation, IdempotencyStore, IdempotentResponse, StoreError,
};

crate::conformance!(
    a_key_is_stored_with_its_append_and_has_one_effect,
    racing_appends_with_one_key_write_once,
    keys_are_read_back_per_actor_and_pruned,
    bad_reservations_are_refused,
);

fn answer(hash: &str, body: &str, t: &str) -> IdempotentResponse {
    IdempotentResponse {
        request_hash: hash.into(),
        status: 201,
        body: body.into(),
        created_at: at(t),
    }
}

fn keyed(mut a: Append, actor: &str, key: &str, response: IdempotentResponse) -> Append {
    a.idempotency = Some(IdempotencyReservation {
        actor: actor.into(),
        key: key.into(),
        response,
    });
    a
}

/// The stored answer when an append was refused because its key was used.
fn key_used<T>(r: pledge_store::Result<T>) -> anyhow::Result<IdempotentResponse> {
    match r {
        Err(StoreError::KeyUsed(stored)) => Ok(*stored),
        Err(e) => anyhow::bail!("expected KeyUsed, got {e}"),
        Ok(_) => anyhow::bail!("expected KeyUsed, the append was written"),
    }
}

async fn a_key_is_stored_with_its_append_and_has_one_effect<S: Backend + IdempotencyStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let a = fx.case("op-hampshire-hospitalised", "ONCE-A", 3)?;
    let b = fx.case("op-hampshire-hospitalised", "ONCE-B", 1)?;
    let first = answer("h-1", r#"{"case_id":"ONCE-A"}"#, "2025-03-01T08:00:00Z");
    let opened = TestCase {
        id: a.id.clone(),
        events: a.events[..2].to_vec(),
    };
    fx.write(&db.store, &opened, 2).await?;
    db.append(keyed(fx.append(&a, 2, 3)?, "PS-1", "k-1", first.clone()))
        .await?;
    ensure!(db.idempotent_response("PS-1", "k-1").await?.as_ref() == Some(&first));
    let head = db.verify().await?.head;

    // A retry that lost its answer: the same key, appending again at the case's current
    // version (what a command without expected_version does after reloading).
    let retry = fx.append(
        &TestCase {
            id: a.id.clone(),
            events: [a.events.clone(), a.events[2..3].to_vec()].concat(),
        },
        3,
        4,
    )?;
    let other = answer("h-1", "{}", "2025-03-01T09:00:00Z");
    ensure!(key_used(db.append(keyed(retry, "PS-1", "k-1", other.clone())).await)? == first);
    // The same key on a stale version: the key is checked first, so the answer is replayed
    // rather than a conflict reported.
    let stale = keyed(fx.append(&a, 1, 2)?, "PS-1", "k-1", other.clone());
    ensure!(key_used(db.append(stale).await)? == first);
    // The same key on another case (a new case under a fresh id): nothing is opened.
    let new = keyed(fx.append(&b, 0, 1)?, "PS-1", "k-1", other);
    ensure!(key_used(db.append(new).await)? == first);
    ensure!(db.load_case(&b.id).await?.is_none(), "no second case");
    let stored = db.load_case(&a.id).await?.context("case")?;
    ensure!(
        stored.version == 3,
        "one effect: version {}",
        stored.version
    );
    let report = db.verify().await?;
    ensure!(report.problems.is_empty(), "{:?}", report.problems);
    ensure!(report.head == head, "nothing was written");
    Ok(())
}

async fn racing_appends_with_one_key_write_once<S: Backend + IdempotencyStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    const WRITERS: usize = 8;
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let url = db.url.clone();
        tasks.spawn(async move {
            let fx = Fixtures::new()?;
            // Another "server" each, opening a case under its own id, all under one key.
            let store = S::connect(&url).await?;
            let case = fx.case("op-hampshire-hospitalised", &format!("RACE-{w}"), 1)?;
            let mine = answer(
                "h-race",
                &format!(r#"{{"case_id":"RACE-{w}"}}"#),
                "2025-03-01T08:00:00Z",
            );
            let a = keyed(fx.append(&case, 0, 1)?, "PS-1", "k-race", mine.clone());
            match store.append(a).await {
                Ok(_) => anyhow::Ok((Some(w), mine)),
                Err(StoreError::KeyUsed(stored)) => Ok((None, *stored)),
                Err(e) => Err(e.into()),
            }
        });
    }
    let mut winners = Vec::new();
    let mut answers = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (won, answer) = done??;
        winners.extend(won);
        answers.push(answer);
    }
    ensure!(winners.len() == 1, "one append written, not {winners:?}");
    ensure!(
        answers.iter().all(|a| *a == answers[0]),
        "every writer holds the winner's answer: {answers:?}"
    );
    for w in 0..WRITERS {
        let id = crate::fixtures::id(&format!("RACE-{w}"));
        let exists = db.load_case(&id).await?.is_some();
        ensure!(
            exists == (winners[0] == w),
            "case RACE-{w}: exists {exists}"
        );
    }
    let report = db.verify().await?;
    ensure!(report.problems.is_empty(), "{:?}", report.problems);
    Ok(())
}

async fn keys_are_read_back_per_actor_and_pruned<S: Backend + IdempotencyStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let a = fx.case("op-hampshire-hospitalised", "KEEP-A", 1)?;
    let b = fx.case("op-hampshire-hospitalised", "KEEP-B", 1)?;
    let first = answer("req-1", r#"{"case_id":"KEEP-A"}"#, "2025-03-01T08:00:00Z");
    let second = answer("req-2", r#"{"case_id":"KEEP-B"}"#, "2025-03-01T09:00:00Z");
    ensure!(db.idempotent_response("PC-1", "k1").await?.is_none());
    db.append(keyed(fx.append(&a, 0, 1)?, "PC-1", "k1", first.clone()))
        .await?;
    // Keys are per actor: another caller's k1 is its own.
    db.append(keyed(fx.append(&b, 0, 1)?, "PC-2", "k1", second.clone()))
        .await?;
    ensure!(db.idempotent_response("PC-1", "k1").await?.as_ref() == Some(&first));
    ensure!(db.idempotent_response("PC-2", "k1").await?.as_ref() == Some(&second));
    ensure!(db.idempotent_response("PC-1", "k2").await?.is_none());
    ensure!(
        db.prune_idempotent_responses(at("2025-03-01T08:30:00Z"))
            .await?
            == 1
    );
    ensure!(db.idempotent_response("PC-1", "k1").await?.is_none());
    ensure!(db.idempotent_response("PC-2", "k1").await?.is_some());
    Ok(())
}

async fn bad_reservations_are_refused<S: Backend + IdempotencyStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let a = fx.case("op-hampshire-hospitalised", "BAD-A", 1)?;
    let ok = answer("h", "{}", "2025-03-01T08:00:00Z");
    for (actor, key) in [("", "k"), ("PC-1", ""), ("PC-1", &"k".repeat(256)[..])] {
        let bad = keyed(fx.append(&a, 0, 1)?, actor, key, ok.clone());
        ensure!(
            matches!(db.append(bad).await, Err(StoreError::Invalid(_))),
            "actor {actor:?}, key of {} bytes",
            key.len()
        );
    }
    // Keys belong to single commands, not bulk imports.
    let batch = vec![keyed(fx.append(&a, 0, 1)?, "PC-1", "k", ok)];
    ensure!(matches!(
        db.append_batch(batch).await,
        Err(StoreError::Invalid(_))
    ));
    ensure!(db.load_case(&a.id).await?.is_none());
    Ok(())
}
