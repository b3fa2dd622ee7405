//! The sweep's index of next-due times (`escalation_due`, migration 0020): written with each
//! append from the plan's escalation policy, a level removed by the transaction that decides
//! it, read by the sweep only where due, rebuilt by `rebuild` and checked by `verify`.

use crate::fixtures::{Fixtures, TestCase};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use jiff::{SignedDuration, Timestamp};
use pledge_store::notify::{EscalationCandidate, EscalationKey, NotificationStore};
use pledge_store::{EscalationDue, integrity};

crate::conformance!(
    the_index_holds_each_open_level_and_the_sweep_reads_only_what_is_due,
    deciding_a_level_removes_it_and_rebuild_keeps_it_out,
    verify_reports_an_edited_index_and_rebuild_repairs_it,
);

/// Every candidate due by `until`, in pages of `page`.
async fn due_by<S: NotificationStore>(
    s: &S,
    until: Timestamp,
    page: u32,
) -> anyhow::Result<Vec<EscalationCandidate>> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let got = s.escalation_candidates(until, after.as_ref(), page).await?;
        after = got.last().map(EscalationCandidate::cursor);
        let more = got.len() == page as usize;
        all.extend(got);
        if !more {
            return Ok(all);
        }
    }
}

/// The corpus's expected index rows: (case, row), by due time.
fn expected(fx: &Fixtures, corpus: &[TestCase]) -> anyhow::Result<Vec<(String, EscalationDue)>> {
    let mut rows = Vec::new();
    for c in corpus {
        let p = fx.project(&c.id, &c.events)?;
        rows.extend(
            p.escalation_due
                .into_iter()
                .map(|e| (c.id.as_str().to_owned(), e)),
        );
    }
    Ok(rows)
}

fn micro(t: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(t.as_microsecond()).unwrap_or(t)
}

async fn the_index_holds_each_open_level_and_the_sweep_reads_only_what_is_due<
    S: Backend + NotificationStore,
>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    let want = expected(&fx, &corpus)?;
    ensure!(
        !want.is_empty(),
        "the corpus has open obligations with levels to come"
    );
    let earliest = want.iter().map(|(_, e)| e.due_at).min().context("none")?;
    let latest = want.iter().map(|(_, e)| e.due_at).max().context("none")?;
    // Before anything is due: nothing is read.
    let none = db
        .escalation_candidates(earliest - SignedDuration::from_secs(1), None, 100)
        .await?;
    ensure!(none.is_empty(), "read {} rows with nothing due", none.len());
    // Everything due: each index row once, in due order, in pages of 2.
    let all = due_by(&db.store, latest, 2).await?;
    ensure!(
        all.len() == want.len(),
        "read {} rows, the projections have {}",
        all.len(),
        want.len()
    );
    ensure!(
        all.windows(2).all(|w| w[0].due_at <= w[1].due_at),
        "not in due order"
    );
    for (case, e) in &want {
        ensure!(
            all.iter().any(|c| c.row.case_id.as_str() == case
                && c.row.obligation_id == e.obligation_id
                && c.row.instance == e.instance
                && c.level == e.level
                && c.due_at == micro(e.due_at)
                && c.decided.is_empty()),
            "{case}: {} #{} level {} is not read",
            e.obligation_id,
            e.instance,
            e.level
        );
    }
    // Part way: exactly the rows due by then.
    let mid = earliest + earliest.duration_until(latest) / 2;
    let part = due_by(&db.store, mid, 3).await?;
    let due = want.iter().filter(|(_, e)| micro(e.due_at) <= mid).count();
    ensure!(part.len() == due, "read {} rows, {due} are due", part.len());
    Ok(())
}

async fn deciding_a_level_removes_it_and_rebuild_keeps_it_out<S: Backend + NotificationStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    let want = expected(&fx, &corpus)?;
    let (case, first) = want.first().context("no index rows")?.clone();
    let case_id = pledge_store::CaseId::parse(&case).map_err(anyhow::Error::msg)?;
    let key = EscalationKey {
        obligation_id: first.obligation_id.clone(),
        instance: first.instance,
        level: first.level,
        final_level: false,
    };
    ensure!(
        db.decide_without_event(&case_id, &key, &[], first.due_at)
            .await?
    );
    let latest = want.iter().map(|(_, e)| e.due_at).max().context("none")?;
    let is_first = |c: &EscalationCandidate| {
        c.row.case_id == case_id
            && c.row.obligation_id == first.obligation_id
            && c.row.instance == first.instance
            && c.level == first.level
    };
    let all = due_by(&db.store, latest, 50).await?;
    ensure!(
        all.len() == want.len() - 1,
        "the decided level is still read"
    );
    ensure!(!all.iter().any(is_first), "the decided level is still read");
    // The other levels of that obligation now carry it as decided.
    ensure!(
        all.iter()
            .filter(|c| c.row.case_id == case_id
                && c.row.obligation_id == first.obligation_id
                && c.row.instance == first.instance)
            .all(|c| c.decided == vec![first.level])
    );
    // Deciding it again writes nothing.
    ensure!(
        !db.decide_without_event(&case_id, &key, &[], first.due_at)
            .await?
    );
    // A rebuild writes the index afresh, less what is decided; verify finds nothing wrong.
    pledge_store::rebuild(&db.store, fx.projector()).await?;
    let all = due_by(&db.store, latest, 50).await?;
    ensure!(all.len() == want.len() - 1 && !all.iter().any(is_first));
    let (_, problems) = integrity::verify_read_models(&db.store, |c| {
        Some(integrity::Expected {
            projection: fx.project(&c.case_id, &c.events).ok()?,
            calendar_dependent: Vec::new(),
        })
    })
    .await?;
    ensure!(problems.is_empty(), "{problems:?}");
    Ok(())
}

async fn verify_reports_an_edited_index_and_rebuild_repairs_it<S: Backend + NotificationStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    let want = expected(&fx, &corpus)?;
    let check = || {
        integrity::verify_read_models(&db.store, |c| {
            Some(integrity::Expected {
                projection: fx.project(&c.case_id, &c.events).ok()?,
                calendar_dependent: Vec::new(),
            })
        })
    };
    let (_, problems) = check().await?;
    ensure!(problems.is_empty(), "{problems:?}");
    // An index row moved a day later (an escalation that would come late) and one deleted
    // (one that would never come) are both reported.
    db.raw("UPDATE escalation_due SET due_at = due_at + 86400000000 WHERE level = 1")
        .await?;
    let (case, _) = want.first().context("no rows")?;
    db.raw(&format!(
        "DELETE FROM escalation_due WHERE case_id = '{case}' AND level = 0"
    ))
    .await?;
    let (_, problems) = check().await?;
    ensure!(!problems.is_empty(), "the edited index is not reported");
    ensure!(
        problems
            .iter()
            .all(|p| format!("{p:?}").contains("escalation_due")),
        "{problems:?}"
    );
    pledge_store::rebuild(&db.store, fx.projector()).await?;
    let (_, problems) = check().await?;
    ensure!(problems.is_empty(), "rebuild left {problems:?}");
    let latest = want.iter().map(|(_, e)| e.due_at).max().context("none")?;
    ensure!(due_by(&db.store, latest, 50).await?.len() == want.len());
    Ok(())
}
