//! Store benchmarks (figures in `docs/performance.md`, section "Store"):
//!
//! - `append_single_event/{sqlite,postgres}`: durable appends of one event each (a case
//!   opened, then one event a command), read models and access entry included;
//! - `append_concurrent_16/{sqlite,postgres}`: the same appends from 16 tasks at once, each
//!   on cases of its own (appends/s over all of them);
//! - `import_batch/{sqlite,postgres}`: bulk import with `append_batch`, 500 synthetic cases
//!   (all their events) a transaction;
//! - `queries_450k/*`: median latency of `my_tasks` and `overdue` on a database of 450,000
//!   generated cases, made once with
//!   `pledge generate --cases 450000 --seed 42 --database sqlite://target/synth/national.db`
//!   (or the file named by `PLEDGE_BENCH_DB`), migrated on open; skipped when it is missing.
//!
//! PostgreSQL runs use a fresh database created on the server of `PLEDGE_BENCH_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`), named with the prefix in
//! `PLEDGE_BENCH_POSTGRES_PREFIX` (default `pledge_bench`), and dropped afterwards; skipped
//! when the server cannot be reached.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use pledge_domain::event::values::*;
use pledge_domain::{Case, Clocks, Event, EventKind, Meetings, PlanLibrary};
use pledge_store::{
    AccessAction, AccessEntry, AnyStore, Append, CaseId, PostgresStore, SqliteStore, Store,
    projection,
};
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

fn person(s: &str) -> PersonId {
    PersonId::parse(s).unwrap()
}

/// Single-event appends: case `n` opened, then victim updates, 50 events a case.
struct SingleEvents {
    plans: PlanLibrary,
    calendar: pledge_domain::calendar::Calendar,
    meetings: Meetings,
    next_case: u64,
    run: String,
}

impl SingleEvents {
    fn new(run: &str) -> Self {
        Self {
            plans: PlanLibrary::builtin().unwrap(),
            calendar: pledge_domain::calendar::Calendar::uk(),
            meetings: Meetings::default(),
            next_case: 0,
            run: run.to_owned(),
        }
    }

    /// `n` appends of one event each, ready to write.
    fn appends(&mut self, n: u64) -> Vec<Append> {
        let plan = self.plans.get("op-hampshire", 1).unwrap();
        let clocks = Clocks {
            calendar: &self.calendar,
            meetings: &self.meetings,
        };
        let base: Timestamp = "2026-01-05T09:00:00Z".parse().unwrap();
        let mut out = Vec::with_capacity(n as usize);
        while (out.len() as u64) < n {
            self.next_case += 1;
            let id = CaseId::parse(&format!("B-{}-{}", self.run, self.next_case)).unwrap();
            let mut case = Case::new(plan);
            for i in 0..50u64 {
                if out.len() as u64 >= n {
                    break;
                }
                let at = base + SignedDuration::from_mins(i as i64);
                let event = if i == 0 {
                    report(at)
                } else {
                    Event {
                        at,
                        by: person("DC-1"),
                        kind: EventKind::VictimUpdated {
                            how: "phone".into(),
                            note: String::new(),
                        },
                    }
                };
                case.record(event.clone()).unwrap();
                let projection = projection::project(&id, plan, case.state(), &clocks).unwrap();
                out.push(Append {
                    case_id: id.clone(),
                    expected_version: i,
                    events: vec![event],
                    projection,
                    idempotency: None,
                    notify: None,
                    access: AccessEntry {
                        at,
                        actor: "bench".into(),
                        action: if i == 0 {
                            AccessAction::Collect
                        } else {
                            AccessAction::Alter
                        },
                        case_id: Some(id.clone()),
                        what: "bench".into(),
                        justification: "benchmark".into(),
                    },
                });
            }
        }
        out
    }
}

fn report(at: Timestamp) -> Event {
    Event {
        at,
        by: person("PS-1"),
        kind: EventKind::AssaultReported {
            plan: PlanRef {
                id: "op-hampshire".into(),
                version: 1,
            },
            force: "Bench Constabulary".into(),
            unit: "bench-unit".into(),
            jurisdiction: Default::default(),
            occurred_at: at - SignedDuration::from_mins(30),
            place: "High Street".into(),
            location_type: LocationType::Street,
            how_reported: "radio".into(),
            supervisor: person("PS-1"),
            victims: vec![Victim {
                person: person("PC-1"),
                workforce_role: WorkforceRole::Officer,
                on_duty: true,
                years_of_service: Some(4),
                injury: InjurySeverity::Minor,
                hospitalised: false,
                specified_injury: false,
                body_parts: vec!["arm".into()],
                mechanisms: vec![Mechanism::Punch],
                enhanced_rights: false,
                previous_assaults: None,
            }],
            offence: Offence::CommonAssaultEmergencyWorker,
            hate_crime: Vec::new(),
            suspects: Vec::new(),
            circumstances: Default::default(),
            summary: String::new(),
        },
    }
}

/// A pool of realistic generated cases, renamed on use so every batch is new.
struct Imports {
    pool: Vec<Append>,
    next: usize,
    round: u64,
}

impl Imports {
    fn new() -> Self {
        let config = pledge_synth::Config::for_forces(&["WMP", "BTP", "HIOW"], 5_000, 11).unwrap();
        let generator = pledge_synth::Generator::new(config).unwrap();
        let pool = generator.cases().collect::<Result<Vec<_>, _>>().unwrap();
        Self {
            pool,
            next: 0,
            round: 0,
        }
    }

    fn batch(&mut self, n: usize) -> Vec<Append> {
        (0..n)
            .map(|_| {
                if self.next == self.pool.len() {
                    self.next = 0;
                    self.round += 1;
                }
                let a = &self.pool[self.next];
                self.next += 1;
                renamed(a, &format!("R{}-{}", self.round, a.case_id))
            })
            .collect()
    }
}

fn renamed(a: &Append, id: &str) -> Append {
    let id = CaseId::parse(id).unwrap();
    let mut a = a.clone();
    a.case_id = id.clone();
    a.access.case_id = Some(id.clone());
    a.projection.summary.case_id = id.clone();
    for o in &mut a.projection.obligations {
        o.case_id = id.clone();
    }
    a
}

fn fresh_sqlite(rt: &Runtime, name: &str) -> AnyStore {
    let dir = target_dir().join("bench-store");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    rt.block_on(async {
        let s = SqliteStore::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        s.migrate().await.unwrap();
        AnyStore::Sqlite(s)
    })
}

/// A fresh PostgreSQL database (and a guard that drops it), if the server is reachable.
fn fresh_postgres(rt: &Runtime, name: &str) -> Option<(AnyStore, DropDb)> {
    let admin = std::env::var("PLEDGE_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let prefix =
        std::env::var("PLEDGE_BENCH_POSTGRES_PREFIX").unwrap_or_else(|_| "pledge_bench".to_owned());
    let db = format!("{prefix}_{name}_{}", std::process::id());
    let store = rt.block_on(async {
        let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
        for sql in [
            format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
            format!("CREATE DATABASE {db}"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .ok()?;
        }
        let url = match admin.rfind('/') {
            Some(i) if i > admin.find("://").map(|s| s + 2).unwrap_or(0) => {
                format!("{}/{db}", &admin[..i])
            }
            _ => format!("{admin}/{db}"),
        };
        let s = PostgresStore::open(&url).await.ok()?;
        s.migrate().await.ok()?;
        Some(AnyStore::Postgres(s))
    });
    match store {
        Some(s) => Some((s, DropDb { admin, db })),
        None => {
            eprintln!("note: PostgreSQL at {admin} is not reachable; skipping");
            None
        }
    }
}

struct DropDb {
    admin: String,
    db: String,
}

impl Drop for DropDb {
    fn drop(&mut self) {
        let (admin, db) = (self.admin.clone(), self.db.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
                    )))
                    .execute(&mut c)
                    .await;
                }
            });
        })
        .join();
    }
}

fn appends(c: &mut Criterion) {
    let rt = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    );
    let mut stores = vec![("sqlite", Arc::new(fresh_sqlite(&rt, "append")), None)];
    if let Some((s, guard)) = fresh_postgres(&rt, "append") {
        stores.push(("postgres", Arc::new(s), Some(guard)));
    }
    let mut single = c.benchmark_group("append_single_event");
    single.throughput(Throughput::Elements(1));
    single.sample_size(20);
    single.measurement_time(Duration::from_secs(10));
    for (name, store, _) in &stores {
        let mut events = SingleEvents::new(name);
        single.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                let work = events.appends(iters);
                let start = Instant::now();
                rt.block_on(async {
                    for a in work {
                        store.append(a).await.unwrap();
                    }
                });
                start.elapsed()
            })
        });
    }
    single.finish();

    // 16 writers at once, each appending to cases of its own.
    const WRITERS: u64 = 16;
    let mut concurrent = c.benchmark_group("append_concurrent_16");
    concurrent.throughput(Throughput::Elements(1));
    concurrent.sample_size(10);
    concurrent.measurement_time(Duration::from_secs(10));
    for (name, store, _) in &stores {
        let mut writers: Vec<SingleEvents> = (0..WRITERS)
            .map(|w| SingleEvents::new(&format!("{name}W{w}")))
            .collect();
        concurrent.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                let per = iters.div_ceil(WRITERS);
                let work: Vec<Vec<Append>> = writers.iter_mut().map(|w| w.appends(per)).collect();
                let start = Instant::now();
                rt.block_on(async {
                    let tasks: Vec<_> = work
                        .into_iter()
                        .map(|appends| {
                            let store = Arc::clone(store);
                            tokio::spawn(async move {
                                for a in appends {
                                    store.append(a).await.unwrap();
                                }
                            })
                        })
                        .collect();
                    for t in tasks {
                        t.await.unwrap();
                    }
                });
                // Time per append over all writers.
                start
                    .elapsed()
                    .mul_f64(iters as f64 / (per * WRITERS) as f64)
            })
        });
    }
    concurrent.finish();

    const BATCH: usize = 500;
    let mut imports = Imports::new();
    let mut group = c.benchmark_group("import_batch");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, store, _) in &stores {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let batch = imports.batch(BATCH);
                    let start = Instant::now();
                    rt.block_on(store.append_batch(batch)).unwrap();
                    total += start.elapsed();
                }
                total
            })
        });
    }
    group.finish();
}

fn queries(c: &mut Criterion) {
    let path = std::env::var("PLEDGE_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|_| target_dir().join("synth/national.db"));
    if !path.exists() {
        eprintln!(
            "note: {} is missing; skipping the query benchmarks (pledge generate --cases 450000 --seed 42 --database sqlite://{})",
            path.display(),
            path.display()
        );
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Migrated first: a database made by an older Pledge gets the current schema (the first
    // run after a new migration takes a while on 450,000 cases).
    let store = rt.block_on(async {
        let s = SqliteStore::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        s.migrate().await.unwrap();
        s
    });
    // Supervisors and investigators of the largest force: the people with the most tasks.
    let people: Vec<String> = rt.block_on(async {
        store
            .people()
            .await
            .unwrap()
            .into_iter()
            .filter(|p| p.id.starts_with("MPS-PS-") || p.id.starts_with("MPS-DC-"))
            .map(|p| p.id)
            .collect()
    });
    assert!(
        !people.is_empty(),
        "no MPS supervisors in {}",
        path.display()
    );
    let units = rt.block_on(store.units()).unwrap();
    let unit = units
        .iter()
        .find(|u| u.force == "Metropolitan Police Service" && u.parent.is_some())
        .map(|u| u.id.clone())
        .unwrap();
    let now: Timestamp = pledge_synth::DEFAULT_UNTIL.parse().unwrap();
    let met = pledge_store::CaseScope::whole_force("Metropolitan Police Service");
    let mut group = c.benchmark_group("queries_450k");
    group.sample_size(200);
    let mut i = 0;
    group.bench_function("my_tasks", |b| {
        b.iter(|| {
            i = (i + 1) % people.len();
            rt.block_on(store.my_tasks(&people[i], 50)).unwrap()
        })
    });
    group.bench_function("overdue_force", |b| {
        b.iter(|| rt.block_on(store.overdue(&met, None, now, 50)).unwrap())
    });
    group.bench_function("overdue_unit", |b| {
        b.iter(|| {
            rt.block_on(store.overdue(&met, Some(&unit), now, 50))
                .unwrap()
        })
    });
    group.finish();
    // How much there is to find.
    let open = rt
        .block_on(store.my_tasks(&people[0], 10_000))
        .unwrap()
        .len();
    eprintln!("{} has {open} open tasks", people[0]);
}

criterion_group!(benches, appends, queries);
criterion_main!(benches);
