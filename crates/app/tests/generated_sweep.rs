//! The escalation sweep over `pledge generate`'s data, on SQLite and on PostgreSQL. Generated
//! history records the levels its own sweep decided as the sweep records them (each level from
//! overdue on an `obligation_escalated` event by the sweep's actor, every level under its key),
//! so a sweep at the generation's end decides nothing, and a sweep a day later decides only
//! the levels that came since, each once.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use jiff::SignedDuration;
use pledge_app::App;
use pledge_app::notifications::{SWEEP_ACTOR, SweepReport};
use pledge_domain::{EventKind, PlanLibrary};
use pledge_store::{AnyStore, CaseId, Store};
use pledge_test_support::Cleanup;
use std::collections::BTreeMap;
use std::sync::Arc;

async fn database(kind: &str, test: &str) -> Option<(String, Cleanup)> {
    match kind {
        "sqlite" => {
            let f = pledge_test_support::sqlite_file("gensweep", test);
            Some((f.url, f.cleanup))
        }
        _ => pledge_test_support::postgres_database("gensweep", test)
            .await
            .unwrap()
            .map(|d| (d.url, d.cleanup)),
    }
}

/// Per case and obligation: (its `obligation_escalated` events, its levels from overdue on
/// decided). Also checks every such event is the sweep's.
async fn escalations(store: &AnyStore) -> BTreeMap<(String, String), (u32, u32)> {
    let mut out: BTreeMap<(String, String), (u32, u32)> = BTreeMap::new();
    let mut after: Option<CaseId> = None;
    loop {
        let ids = store.case_ids(after.as_ref(), 200).await.unwrap();
        for m in store.read_models(&ids).await.unwrap() {
            for (ob, _, _) in m.decided.iter().filter(|(_, _, l)| *l >= 1) {
                out.entry((m.case_id.to_string(), ob.clone()))
                    .or_default()
                    .1 += 1;
            }
        }
        for id in &ids {
            for e in store.load_case(id).await.unwrap().unwrap().events {
                if let EventKind::ObligationEscalated { obligation, .. } = &e.kind {
                    assert_eq!(e.by.as_str(), SWEEP_ACTOR, "{id}: {e:?}");
                    out.entry((id.to_string(), obligation.clone()))
                        .or_default()
                        .0 += 1;
                }
            }
        }
        match ids.last() {
            Some(l) if ids.len() == 200 => after = Some(l.clone()),
            _ => return out,
        }
    }
}

fn each_level_recorded_once(map: &BTreeMap<(String, String), (u32, u32)>, when: &str) {
    for ((case, ob), (events, decided)) in map {
        assert_eq!(
            events, decided,
            "{when}: {case} {ob}: {events} obligation_escalated events for {decided} levels decided"
        );
    }
}

async fn sweep_after_generate(kind: &str) {
    let Some((url, _cleanup)) = database(kind, "after_generate").await else {
        return;
    };
    let store = pledge_store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    let config = pledge_synth::Config::for_forces(&["DUR", "BTP"], 500, 11).unwrap();
    let until = config.until;
    let generator = Arc::new(pledge_synth::Generator::new(config).unwrap());
    generator.write(&store, 200, |_| {}).await.unwrap();
    let app = App::new(store, PlanLibrary::builtin().unwrap(), "op-hampshire").unwrap();

    let history = escalations(app.store()).await;
    assert!(
        history.values().map(|(e, _)| e).sum::<u32>() > 50,
        "generated history escalates some obligations: {history:?}"
    );
    each_level_recorded_once(&history, "generated");

    // At the generation's "now" every level due was decided while the history was written.
    let r = app.sweep_escalations(until, 1000).await.unwrap();
    assert_eq!(r, SweepReport::default(), "a sweep at the generation's end");

    // A day later: the levels that came in that day, each once; then nothing.
    let day = until + SignedDuration::from_hours(24);
    let r = app.sweep_escalations(day, 1000).await.unwrap();
    assert!(r.escalations > 0 && r.reminders > 0, "{r:?}");
    assert_eq!(r.already_decided, 0, "{r:?}");
    let r = app.sweep_escalations(day, 1000).await.unwrap();
    assert_eq!(
        r,
        SweepReport::default(),
        "a second sweep at the same moment"
    );
    // Ten days on, in small pages: an escalation's append can put rows into the index that
    // are due already and sort before the page being read; the sweep goes round again
    // for them, so a second sweep at the same moment still finds nothing.
    let later = day + SignedDuration::from_hours(24 * 10);
    let r = app.sweep_escalations(later, 7).await.unwrap();
    assert!(r.escalations > 0, "{r:?}");
    let r = app.sweep_escalations(later, 7).await.unwrap();
    assert_eq!(
        r,
        SweepReport::default(),
        "a second sweep at the same moment, ten days on"
    );
    let after = escalations(app.store()).await;
    each_level_recorded_once(&after, "a day later");
    let added: u32 =
        after.values().map(|(e, _)| e).sum::<u32>() - history.values().map(|(e, _)| e).sum::<u32>();
    assert!(added > 0);
    let report = app.store().verify().await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn a_sweep_after_generate_decides_nothing_twice_sqlite() {
    sweep_after_generate("sqlite").await;
}

#[tokio::test]
async fn a_sweep_after_generate_decides_nothing_twice_postgres() {
    sweep_after_generate("postgres").await;
}
