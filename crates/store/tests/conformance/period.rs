//! Reading a period's cases for a backtest (`visit_period_cases`): exactly the cases of the
//! named forces reported in the period, each with all its events in order; never a disposed
//! case; no force selects nothing.

use crate::fixtures::{Fixtures, at};
use crate::harness::{Backend, TestDb};
use anyhow::ensure;
use pledge_store::{CaseId, Disposal, PeriodCase, PeriodSelection, Store};

crate::conformance!(a_period_reads_its_cases_whole);

async fn read<S: Store>(db: &S, selection: &PeriodSelection) -> anyhow::Result<Vec<PeriodCase>> {
    let mut cases = Vec::new();
    let n = db
        .visit_period_cases(selection, &mut |c| {
            cases.push(c);
            Ok(())
        })
        .await?;
    ensure!(
        n == cases.len() as u64,
        "count {n} for {} cases",
        cases.len()
    );
    cases.sort_by(|a, b| a.case_id.cmp(&b.case_id));
    Ok(cases)
}

async fn a_period_reads_its_cases_whole<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    let summaries: Vec<_> = corpus
        .iter()
        .map(|c| fx.project(&c.id, &c.events).map(|p| p.summary))
        .collect::<Result<_, _>>()?;
    let force = summaries[0].force.clone();
    let mut times: Vec<_> = summaries.iter().map(|s| s.reported_at).collect();
    times.sort();
    // A period that leaves out the first and last reports.
    let (from, to) = (times[1], times[times.len() - 1]);
    let selection = PeriodSelection {
        forces: vec![force.clone()],
        from,
        to,
    };
    let mut want: Vec<(CaseId, usize)> = corpus
        .iter()
        .zip(&summaries)
        .filter(|(_, s)| s.force == force && s.reported_at >= from && s.reported_at < to)
        .map(|(c, _)| (c.id.clone(), c.events.len()))
        .collect();
    want.sort();
    ensure!(want.len() >= 2, "the corpus has cases in the period");
    let got = read(&db.store, &selection).await?;
    let got_ids: Vec<(CaseId, usize)> = got
        .iter()
        .map(|c| (c.case_id.clone(), c.events.len()))
        .collect();
    ensure!(got_ids == want, "selected {got_ids:?}, expected {want:?}");
    for c in &got {
        let original = corpus.iter().find(|t| t.id == c.case_id);
        ensure!(
            original.is_some_and(|t| t.events == c.events),
            "{}: the events as recorded, in order",
            c.case_id
        );
    }

    // No force, another force, an empty period: nothing.
    for empty in [
        PeriodSelection {
            forces: Vec::new(),
            from,
            to,
        },
        PeriodSelection {
            forces: vec!["No Such Police".into()],
            from,
            to,
        },
        PeriodSelection {
            forces: vec![force.clone()],
            from: to,
            to: from,
        },
    ] {
        ensure!(read(&db.store, &empty).await?.is_empty(), "{empty:?}");
    }

    // A disposed case is gone from the period.
    let gone = want[0].0.clone();
    db.dispose(&Disposal {
        case_id: gone.clone(),
        by: "DPO-1".into(),
        at: at("2033-01-02T09:00:00Z"),
        reason: "retention period ended".into(),
    })
    .await?;
    let after = read(&db.store, &selection).await?;
    ensure!(
        after.len() == want.len() - 1 && after.iter().all(|c| c.case_id != gone),
        "a disposed case is not read"
    );
    Ok(())
}
