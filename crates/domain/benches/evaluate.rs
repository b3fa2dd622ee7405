//! Evaluation throughput on realistic cases (about 30 events), one per built-in plan.
//! Target: at least 500,000 case evaluations per second on one core.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pledge_domain::calendar::Calendar;
use pledge_domain::evaluate::{Clocks, Meetings, evaluate};
use pledge_domain::{CaseFile, CaseState, Event, PlanLibrary};
use std::hint::black_box;

/// An example case padded to about 30 events with the steps a busy case accumulates:
/// victim updates and key decisions over the following weeks.
fn realistic(path: &str) -> (CaseFile, jiff::Timestamp) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut file = CaseFile::from_json(&text).unwrap();
    let last = file.events.iter().map(|e| e.at).max().unwrap();
    let by = file.events[0].by.clone();
    let mut t = last;
    let mut i = 0;
    while file.events.len() < 30 {
        t += jiff::SignedDuration::from_hours(24 * 9);
        let kind: serde_json::Value = if i % 2 == 0 {
            serde_json::json!({"type": "victim_updated", "how": "phone", "note": "progress"})
        } else {
            serde_json::json!({"type": "key_decision_made", "decision": "bail"})
        };
        let mut v = kind;
        v["at"] = serde_json::json!(t.to_string());
        v["by"] = serde_json::json!(by.to_string());
        file.events
            .push(serde_json::from_value::<Event>(v).unwrap());
        i += 1;
    }
    (file, t + jiff::SignedDuration::from_hours(24))
}

fn bench(c: &mut Criterion) {
    let lib = PlanLibrary::builtin().unwrap();
    let calendar = Calendar::uk();
    let mut meetings = Meetings::default();
    meetings.add(
        "trm",
        [
            "2026-11-19T10:00:00Z".parse().unwrap(),
            "2026-12-03T10:00:00Z".parse().unwrap(),
        ],
    );
    let clocks = Clocks {
        calendar: &calendar,
        meetings: &meetings,
    };
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/");
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    for (name, file) in [
        ("op-hampshire", "op-hampshire-hospitalised.json"),
        ("btp", "btp-railway-spit.json"),
        ("west-midlands", "west-midlands-hate-crime.json"),
    ] {
        let (case, now) = realistic(&format!("{root}{file}"));
        assert_eq!(case.events.len(), 30);
        let plan = lib.latest(name).unwrap();
        let state = CaseState::from_events(&case.events);
        group.bench_function(format!("{name}/evaluate"), |b| {
            b.iter(|| evaluate(black_box(plan), black_box(&state), black_box(now), &clocks))
        });
        group.bench_function(format!("{name}/fold+evaluate"), |b| {
            b.iter(|| {
                let state = CaseState::from_events(black_box(&case.events));
                evaluate(plan, &state, now, &clocks)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
