//! The leadership overview's "overdue by unit and plan point" counts at a few thousand cases:
//! counted in the database within the reader's scope, equal to a plain recount of the read
//! models, and never capped (the overdue list is capped at 500 rows; a table built from it
//! added up to exactly 500 for a large force).

use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use pledge_store::{CaseScope, OverdueCount, RowStatus};
use pledge_synth::{Config, Generator};
use std::collections::BTreeMap;
use std::sync::Arc;

crate::conformance!(overdue_counts_match_a_recount_beyond_any_list_cap);

async fn overdue_counts_match_a_recount_beyond_any_list_cap<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let config = Config::for_forces(&["HIOW"], 2_000, 7)?;
    // A quarter after the data ends: nothing more was done, so open cases' clocks ran out.
    let now = config.until + jiff::SignedDuration::from_hours(24 * 90);
    let generator = Arc::new(Generator::new(config)?);
    generator.write(&db.store, 500, |_| {}).await?;
    let force = generator
        .org()
        .units
        .first()
        .context("a generated unit")?
        .force
        .clone();

    let (summaries, rows) = db.dump_read_models().await?;
    let open: std::collections::HashMap<_, _> = summaries
        .iter()
        .filter(|s| s.status == "open")
        .map(|s| (s.case_id.clone(), (s.plan_id.clone(), s.plan_version)))
        .collect();
    let mut recount: BTreeMap<(String, (String, u32), String), u64> = BTreeMap::new();
    for r in &rows {
        if let Some(plan) = open.get(&r.case_id).filter(|_| {
            r.force == force && r.status == RowStatus::Open && r.due_at.is_some_and(|d| d < now)
        }) {
            *recount
                .entry((r.unit.clone(), plan.clone(), r.point.clone()))
                .or_default() += 1;
        }
    }
    let total: u64 = recount.values().sum();
    ensure!(
        total > 500,
        "the data must exceed the overdue list's cap of 500 to test the counts: {total}"
    );
    let want: Vec<OverdueCount> = recount
        .into_iter()
        .map(
            |((unit, (plan_id, plan_version), point), count)| OverdueCount {
                unit,
                plan_id,
                plan_version,
                point,
                count,
            },
        )
        .collect();
    let got = db
        .overdue_counts(&CaseScope::whole_force(&force), now)
        .await?;
    ensure!(got == want, "overdue counts differ from the recount");

    // Within a chain of command: only its units.
    let unit = want.first().context("an overdue unit")?.unit.clone();
    let scope = CaseScope {
        whole_force: false,
        units: vec![unit.clone()],
        ..CaseScope::whole_force(&force)
    };
    let narrowed: Vec<OverdueCount> = want.iter().filter(|c| c.unit == unit).cloned().collect();
    ensure!(
        db.overdue_counts(&scope, now).await? == narrowed,
        "scoped counts"
    );
    ensure!(
        db.overdue_counts(&CaseScope::whole_force("no such force"), now)
            .await?
            .is_empty(),
        "another force's counts are empty"
    );
    Ok(())
}
