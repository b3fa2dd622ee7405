//! Retention: review and disposal. Personal data goes; the chains still verify.

use crate::fixtures::{Fixtures, at};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use pledge_store::{AccessAction, CaseFilter, CaseScope, Disposal, StoreError};

crate::conformance!(
    disposal_keeps_the_chain,
    disposed_rows_are_checked,
    forged_disposals_are_detected
);

async fn disposal_keeps_the_chain<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    let before = db.verify().await?;
    ensure!(before.problems.is_empty());

    // Review: reported before a cutoff, oldest first, not disposed.
    let cutoff = at("2027-01-01T00:00:00Z");
    let due = db.due_for_review(cutoff, 100).await?;
    let mut want: Vec<_> = corpus
        .iter()
        .map(|c| fx.project(&c.id, &c.events).map(|p| p.summary))
        .collect::<Result<_, _>>()?;
    want.retain(|s| s.reported_at < cutoff);
    want.sort_by(|a, b| (a.reported_at, &a.case_id).cmp(&(b.reported_at, &b.case_id)));
    ensure!(!want.is_empty() && due == want, "due for review");
    ensure!(db.due_for_review(cutoff, 2).await? == want[..2]);
    ensure!(
        db.due_for_review(at("2000-01-01T00:00:00Z"), 100)
            .await?
            .is_empty()
    );

    let victim = corpus
        .iter()
        .find(|c| c.id.as_str() == "T0-22")
        .context("T0-22")?;
    let id = victim.id.clone();
    let projected = fx.project(&id, &victim.events)?.summary;
    let person = projected.victims[0].clone();
    let force = CaseScope::whole_force(&projected.force);
    let disposal = Disposal {
        case_id: id.clone(),
        by: "DPO-1".into(),
        at: at("2033-01-02T09:00:00Z"),
        reason: "retention period ended; no further policing purpose".into(),
    };
    db.dispose(&disposal).await?;

    let stored = db
        .load_case(&id)
        .await?
        .context("a disposed case still exists")?;
    ensure!(stored.events.is_empty() && stored.version == victim.events.len() as u64);
    ensure!(stored.disposed.as_ref() == Some(&disposal));
    ensure!(db.summary(&id).await?.is_none() && db.case_obligations(&id).await?.is_empty());
    ensure!(
        db.list_cases(&force, &CaseFilter::default())
            .await?
            .iter()
            .all(|s| s.case_id != id)
    );
    let by_person = db.victim_cases(&person, 500).await?;
    ensure!(
        by_person.iter().all(|s| s.case_id != id),
        "the person index forgets the case"
    );
    ensure!(
        db.dump_read_models()
            .await?
            .1
            .iter()
            .all(|r| r.case_id != id)
    );
    ensure!(
        db.due_for_review(cutoff, 100)
            .await?
            .iter()
            .all(|s| s.case_id != id)
    );
    ensure!(db.disposals().await? == vec![disposal.clone()]);

    let after = db.verify().await?;
    ensure!(
        after.problems.is_empty(),
        "disposal keeps the chain intact: {:?}",
        after.problems
    );
    ensure!(
        after.head == before.head && after.events == before.events,
        "the event chain is unchanged"
    );
    ensure!(
        after.access_entries == before.access_entries + 1
            && after.access_head != before.access_head
    );
    let erase = db
        .access_for_case(&id)
        .await?
        .pop()
        .context("erase entry")?;
    ensure!(erase.entry.action == AccessAction::Erase && erase.entry.actor == "DPO-1");
    ensure!(erase.entry.justification == disposal.reason);

    // No more writing to it, no second disposal, no disposal of nothing.
    let more = fx.append(victim, victim.events.len() - 1, victim.events.len())?;
    let mut more = more;
    more.expected_version = victim.events.len() as u64;
    more.projection.summary.version = victim.events.len() as u64 + 1;
    ensure!(
        matches!(db.append(more).await, Err(StoreError::NotFound(_))),
        "a disposed case takes no events"
    );
    ensure!(matches!(
        db.dispose(&disposal).await,
        Err(StoreError::Invalid(_))
    ));
    let nothing = Disposal {
        case_id: crate::fixtures::id("NOPE"),
        ..disposal.clone()
    };
    ensure!(matches!(
        db.dispose(&nothing).await,
        Err(StoreError::NotFound(_))
    ));
    ensure!(matches!(
        db.dispose(&Disposal {
            reason: " ".into(),
            ..disposal.clone()
        })
        .await,
        Err(StoreError::Invalid(_))
    ));
    // Rebuild leaves it gone.
    let n = pledge_store::rebuild(&db.store, fx.projector()).await?;
    ensure!(n == corpus.len() as u64 - 1 && db.summary(&id).await?.is_none());
    ensure!(db.verify().await?.problems.is_empty());
    Ok(())
}

async fn disposed_rows_are_checked<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let a = fx.case("btp-railway-spit", "D-1", 9)?;
    let b = fx.case("west-midlands-hate-crime", "D-2", 5)?;
    fx.write(&db.store, &a, 3).await?;
    fx.write(&db.store, &b, 3).await?;
    db.dispose(&Disposal {
        case_id: a.id.clone(),
        by: "DPO-1".into(),
        at: at("2033-01-01T00:00:00Z"),
        reason: "review".into(),
    })
    .await?;
    ensure!(db.verify().await?.problems.is_empty());
    db.raw(S::UNLOCK).await?;
    // Hiding an edit behind the disposed flag: a case with no disposal record.
    let flag = if S::NAME == "sqlite" { "1" } else { "TRUE" };
    db.raw(&format!("UPDATE event SET body = '{{\"disposed\":true}}', disposed = {flag} WHERE case_id = 'D-2' AND case_version = 2"))
        .await?;
    let report = db.verify().await?;
    ensure!(
        report
            .problems
            .iter()
            .any(|p| p.case_id.as_deref() == Some("D-2") && p.position == 2 && p.kind == "edited"),
        "{:?}",
        report.problems
    );
    ensure!(
        matches!(db.load_case(&b.id).await, Err(StoreError::Corrupt(_))),
        "a half-disposed case is corrupt"
    );
    Ok(())
}

/// A disposal record added by hand, with the case's events blanked as if disposed of, has no
/// erase entry in the access log: verify reports it. So does a genuine disposal record whose
/// who, when or why was edited afterwards.
async fn forged_disposals_are_detected<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    fx.write_corpus(&db.store).await?;
    let genuine = Disposal {
        case_id: crate::fixtures::id("T0-22"),
        by: "DPO-1".into(),
        at: at("2033-01-02T09:00:00Z"),
        reason: "retention period ended".into(),
    };
    db.dispose(&genuine).await?;
    let report = db.verify().await?;
    ensure!(
        report.problems.is_empty(),
        "a genuine disposal verifies: {:?}",
        report.problems
    );

    db.raw(S::UNLOCK).await?;
    let flag = if S::NAME == "sqlite" { "1" } else { "TRUE" };
    db.raw(&format!(
        "INSERT INTO disposal (case_id, by_person, at, reason) VALUES ('T1-13', 'DPO-1', {}, 'retention period ended'); \
         UPDATE event SET body = '{{\"disposed\":true}}', by_person = '', disposed = {flag} WHERE case_id = 'T1-13'; \
         DELETE FROM case_summary WHERE case_id = 'T1-13'",
        at("2033-01-02T09:00:00Z").as_microsecond()
    ))
    .await?;
    let report = db.verify().await?;
    ensure!(
        report.problems.len() == 1
            && report.problems[0].log == "disposals"
            && report.problems[0].kind == "forged"
            && report.problems[0].case_id.as_deref() == Some("T1-13"),
        "{}: the forged disposal is reported, the genuine one is not: {:?}",
        S::NAME,
        report.problems
    );
    // The genuine record edited afterwards (someone else signs it off) no longer matches.
    db.raw("UPDATE disposal SET by_person = 'SUPT-9' WHERE case_id = 'T0-22'")
        .await?;
    let report = db.verify().await?;
    ensure!(
        report.problems.len() == 2
            && report
                .problems
                .iter()
                .all(|p| p.log == "disposals" && p.kind == "forged"),
        "{:?}",
        report.problems
    );
    Ok(())
}
