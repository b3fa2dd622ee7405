//! Notifications end to end through the application, on SQLite and on PostgreSQL: the
//! outbox written with the event, the inbox and its policy, and the escalation sweep deciding
//! each level once, also with two servers sweeping the same database at once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::type_complexity,
    missing_docs
)]

use jiff::{SignedDuration, Timestamp};
use pledge_app::{AccountRole, Actor, App, AppError, NewAssault};
use pledge_domain::notify::{EscalationPolicy, ObligationClock, escalation_steps};
use pledge_domain::{EventKind, EventType, PlanLibrary};
use pledge_store::notify::NotificationStore;
use pledge_store::{AnyStore, CaseId, Person, RowStatus, Store, Unit};
use pledge_test_support::Cleanup;

const FORCE: &str = "F";

/// A migrated store on a fresh database of `kind`, or `None` when PostgreSQL is not
/// configured (a failure instead under `PLEDGE_REQUIRE_POSTGRES=1`).
async fn database(kind: &str, test: &str) -> Option<(String, Cleanup)> {
    match kind {
        "sqlite" => {
            let f = pledge_test_support::sqlite_file("notify", test);
            Some((f.url, f.cleanup))
        }
        _ => pledge_test_support::postgres_database("notify", test)
            .await
            .unwrap()
            .map(|d| (d.url, d.cleanup)),
    }
}

async fn app(url: &str) -> App<AnyStore> {
    let store = pledge_store::open(url).await.unwrap();
    store.migrate().await.unwrap();
    App::new(store, PlanLibrary::builtin().unwrap(), "west-midlands").unwrap()
}

async fn organisation(store: &AnyStore) {
    for (id, parent) in [("hq", None), ("div", Some("hq")), ("team", Some("div"))] {
        store
            .upsert_unit(&Unit {
                id: id.into(),
                name: id.into(),
                force: FORCE.into(),
                parent: parent.map(Into::into),
            })
            .await
            .unwrap();
    }
    let people = [
        ("PC-9", "officer", "team", Some("PS-1")),
        ("PS-1", "officer", "team", Some("INSP-1")),
        ("INSP-1", "officer", "div", Some("SUPT-1")),
        ("SUPT-1", "officer", "hq", None),
        ("DC-7", "officer", "div", Some("INSP-1")),
        ("FIM-1", "force_incident_manager", "hq", None),
        ("WEL-1", "welfare", "hq", None),
    ];
    for (id, wr, unit, lm) in people {
        store
            .upsert_person(&Person {
                id: id.into(),
                name: format!("Name of {id}"),
                email: Some(format!("{}@f.example", id.to_lowercase())),
                workforce_role: Some(wr.into()),
                unit: Some(unit.into()),
                line_manager: lm.map(Into::into),
                staff_association: None,
            })
            .await
            .unwrap();
    }
}

fn person(id: &str, roles: &[AccountRole]) -> Actor {
    let mut set: std::collections::BTreeSet<AccountRole> = roles.iter().copied().collect();
    set.insert(AccountRole::Staff);
    Actor::Person {
        id: id.into(),
        roles: set,
        unit: Some("team".into()),
        force: Some(FORCE.into()),
    }
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const REPORTED: &str = "2026-11-16T19:05:00Z";

/// Opens a West Midlands case with a hospitalised victim.
async fn open_case(app: &App<AnyStore>, id: &str) -> CaseId {
    let report: EventKind = serde_json::from_value(serde_json::json!({
        "type": "assault_reported", "plan": {"id": "west-midlands", "version": 1},
        "force": FORCE, "unit": "team", "occurred_at": "2026-11-16T18:40:00Z",
        "location_type": "custody", "supervisor": "PS-1",
        "victims": [{"person": "PC-9", "workforce_role": "officer", "injury": "minor",
                     "hospitalised": true}],
        "offence": "common_assault_emergency_worker"
    }))
    .unwrap();
    let s = app
        .record_assault(
            &person("PS-1", &[AccountRole::Supervisor]),
            NewAssault {
                case_id: Some(CaseId::parse(id).unwrap()),
                report,
                at: Some(ts(REPORTED)),
                plan_in_force: false,
                answers: Vec::new(),
            },
            ts(REPORTED),
        )
        .await
        .unwrap();
    s.case_id
}

async fn on_each_backend<F, Fut>(test: &str, f: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for kind in ["sqlite", "postgres"] {
        let Some((url, _cleanup)) = database(kind, test).await else {
            eprintln!("{test}: PostgreSQL not configured, ran on SQLite only");
            continue;
        };
        f(url).await;
    }
}

#[tokio::test]
async fn a_report_writes_its_notifications_with_the_event_and_a_role_nobody_holds_is_a_gap() {
    on_each_backend("report_outbox", |url| async move {
        let app = app(&url).await;
        organisation(app.store()).await;
        let id = open_case(&app, "WMP-1").await;
        let rows = app.store().case_notifications(&id).await.unwrap();
        let got: Vec<(Option<&str>, Option<&str>, &str, bool, &str)> = rows
            .iter()
            .map(|n| {
                (
                    n.person.as_deref(),
                    n.role.as_deref(),
                    n.kind.as_str(),
                    n.urgent,
                    n.email_status.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Some("SUPT-1"),
                    Some("local_command_team"),
                    "hospitalised",
                    true,
                    "pending"
                ),
                (
                    Some("FIM-1"),
                    Some("force_incident_manager"),
                    "hospitalised",
                    true,
                    "pending"
                ),
                (
                    None,
                    Some("on_call_chief_officer"),
                    "hospitalised",
                    true,
                    "none"
                ),
            ]
        );
        assert!(rows.iter().all(|n| !n.headline.contains("PC-9")));
        let gaps = app.store().notification_gaps(10).await.unwrap();
        assert_eq!(gaps.len(), 1);
        // The force's administrators see it; another force's do not; a supervisor may not.
        let admin_of = |force: &str| Actor::Person {
            id: "ADM-1".into(),
            roles: [AccountRole::Staff, AccountRole::Administrator]
                .into_iter()
                .collect(),
            unit: Some("hq".into()),
            force: Some(force.into()),
        };
        let problems = app.notification_problems(&admin_of(FORCE)).await.unwrap();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].role.as_deref(), Some("on_call_chief_officer"));
        assert!(
            app.notification_problems(&admin_of("G"))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            app.notification_problems(&person("PS-1", &[AccountRole::Supervisor]))
                .await,
            Err(AppError::Forbidden(_))
        ));
        assert_eq!(
            app.store().notification_problem_counts().await.unwrap(),
            (1, 0)
        );
        // A refused step writes nothing: no event, no notification.
        let before = rows.len();
        let refused = app
            .record_step(
                &person("PS-1", &[AccountRole::Supervisor]),
                &id,
                None,
                Some(ts(REPORTED)),
                EventKind::OicAssigned {
                    officer: pledge_domain::event::values::PersonId::parse("PC-9").unwrap(),
                },
                ts(REPORTED),
            )
            .await;
        assert!(
            refused.is_err(),
            "a victim is never the officer in the case"
        );
        assert_eq!(
            app.store().case_notifications(&id).await.unwrap().len(),
            before
        );
    })
    .await;
}

#[tokio::test]
async fn the_oic_reads_and_marks_their_own_notification_and_nobody_else_can() {
    on_each_backend("inbox", |url| async move {
        let app = app(&url).await;
        organisation(app.store()).await;
        let id = open_case(&app, "WMP-2").await;
        app.record_step(
            &person("PS-1", &[AccountRole::Supervisor]),
            &id,
            None,
            Some(ts("2026-11-17T08:00:00Z")),
            EventKind::OicAssigned {
                officer: pledge_domain::event::values::PersonId::parse("DC-7").unwrap(),
            },
            ts("2026-11-17T08:00:00Z"),
        )
        .await
        .unwrap();
        let oic = person("DC-7", &[AccountRole::Investigator]);
        let mine = app.my_notifications(&oic, 50).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].kind, "oic_assigned");
        assert_eq!(mine[0].case_id, "WMP-2");
        assert_eq!(app.unread_notifications(&oic).await.unwrap(), 1);
        // Someone else's notification is not found for them, and theirs stays unread.
        let other = person(
            "PS-1",
            &[AccountRole::Supervisor, AccountRole::Administrator],
        );
        assert!(matches!(
            app.mark_notification_read(&other, mine[0].id, ts("2026-11-17T09:00:00Z"))
                .await,
            Err(AppError::NotFound)
        ));
        assert!(
            app.my_notifications(&other, 50)
                .await
                .unwrap()
                .iter()
                .all(|n| n.person.as_deref() == Some("PS-1"))
        );
        app.mark_notification_read(&oic, mine[0].id, ts("2026-11-17T09:00:00Z"))
            .await
            .unwrap();
        assert_eq!(app.unread_notifications(&oic).await.unwrap(), 0);
        // A force system's token has no inbox.
        let token = Actor::System {
            name: "crime".into(),
            scopes: Default::default(),
            force: Some(FORCE.into()),
        };
        assert!(matches!(
            app.my_notifications(&token, 50).await,
            Err(AppError::Forbidden(_))
        ));
    })
    .await;
}

/// The escalation levels (1 and up) due at `now` over a case's open rows, by the domain's
/// function: what the sweep must have recorded, once each.
async fn expected_levels(app: &App<AnyStore>, id: &CaseId, now: Timestamp) -> usize {
    let plan = PlanLibrary::builtin().unwrap();
    let plan = plan.latest("west-midlands").unwrap().clone();
    let rows = app.store().case_obligations(id).await.unwrap();
    rows.iter()
        .filter_map(|r| {
            let ob = plan.obligation(&r.obligation_id)?;
            let clock = ObligationClock {
                open: r.status == RowStatus::Open,
                started_at: r.started_at,
                due_at: r.due_at,
            };
            Some(
                escalation_steps(ob, &clock, &EscalationPolicy::default())
                    .iter()
                    .filter(|s| s.level >= 1 && s.at <= now)
                    .count(),
            )
        })
        .sum()
}

async fn escalation_events(app: &App<AnyStore>, id: &CaseId) -> Vec<(String, String)> {
    let stored = app.store().load_case(id).await.unwrap().unwrap();
    stored
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ObligationEscalated { obligation, to } => {
                Some((obligation.clone(), to.clone()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn the_sweep_records_each_level_once_and_a_met_obligation_stops_escalating() {
    on_each_backend("sweep", |url| async move {
        let app = app(&url).await;
        organisation(app.store()).await;
        let id = open_case(&app, "WMP-3").await;
        // The FIM was told in time: that obligation is met and never escalates.
        app.record_step(
            &person("PS-1", &[AccountRole::Supervisor]),
            &id,
            None,
            Some(ts("2026-11-16T19:30:00Z")),
            EventKind::FimNotified {
                on_call_chief_officer_told: true,
            },
            ts("2026-11-16T19:30:00Z"),
        )
        .await
        .unwrap();
        let now = ts(REPORTED) + SignedDuration::from_hours(30);
        let expected = expected_levels(&app, &id, now).await;
        assert!(expected > 0);
        // Pages of two rows: the sweep pages through every candidate.
        let first = app.sweep_escalations(now, 2).await.unwrap();
        assert_eq!(first.escalations, expected, "{first:?}");
        let again = app.sweep_escalations(now, 1000).await.unwrap();
        assert_eq!((again.escalations, again.reminders), (0, 0), "{again:?}");
        let events = escalation_events(&app, &id).await;
        assert_eq!(events.len(), expected);
        assert!(
            events
                .iter()
                .all(|(o, _)| o != "on-call-chief-officer-notified"),
            "{events:?}"
        );
        // Every recorded level notified someone (or recorded a gap), in the same case.
        let rows = app.store().case_notifications(&id).await.unwrap();
        assert!(rows.iter().filter(|n| n.level >= 1).count() >= expected);
        // The evaluation still holds: escalations are events like any other.
        assert!(
            app.store()
                .load_case(&id)
                .await
                .unwrap()
                .unwrap()
                .events
                .iter()
                .any(|e| e.event_type() == EventType::ObligationEscalated)
        );
    })
    .await;
}

#[tokio::test]
async fn two_servers_sweeping_at_once_decide_each_level_exactly_once() {
    on_each_backend("two_servers", |url| async move {
        let a = app(&url).await;
        let b = app(&url).await;
        organisation(a.store()).await;
        let mut ids = Vec::new();
        for i in 0..4 {
            ids.push(open_case(&a, &format!("WMP-{i}")).await);
        }
        let now = ts(REPORTED) + SignedDuration::from_hours(100);
        let (ra, rb) = tokio::join!(
            a.sweep_escalations(now, 1000),
            b.sweep_escalations(now, 1000)
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let mut expected = 0;
        for id in &ids {
            let want = expected_levels(&a, id, now).await;
            assert_eq!(escalation_events(&a, id).await.len(), want, "case {id}");
            expected += want;
        }
        assert_eq!(ra.escalations + rb.escalations, expected, "{ra:?} {rb:?}");
    })
    .await;
}

/// The on-call rota decides who is told: the Force Incident Manager and the on-call chief
/// officer on call when the hospitalised colleague is reported, not whoever holds the
/// workforce role, and not the next shift. A wrong import saves nothing.
#[tokio::test]
async fn whoever_is_on_call_when_it_is_reported_is_told() {
    on_each_backend("on_call_rota", |url| async move {
        let app = app(&url).await;
        organisation(app.store()).await;
        let admin = Actor::Person {
            id: "ADM-1".into(),
            roles: [AccountRole::Staff, AccountRole::Administrator]
                .into_iter()
                .collect(),
            unit: Some("hq".into()),
            force: Some(FORCE.into()),
        };
        let now = ts(REPORTED);
        // A wrong row anywhere: nothing is saved, each problem by row and column.
        let wrong = "role,person,starts_at,ends_at\n\
                     force_incident_manager,INSP-1,2026-11-16 08:00,2026-11-17 08:00\n\
                     supervisor,PS-1,2026-11-16 08:00,2026-11-17 08:00\n\
                     on_call_chief_officer,NOBODY,2026-11-16 08:00,2026-11-17 08:00\n\
                     on_call_chief_officer,SUPT-1,2026-11-17 08:00,2026-11-16 08:00\n";
        let problems = app
            .import_rota(&admin, wrong, now)
            .await
            .unwrap()
            .unwrap_err();
        let where_: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect();
        assert_eq!(
            where_,
            vec![(2, "role"), (3, "person"), (4, "ends_at")],
            "{problems:?}"
        );
        assert!(
            app.rota(&admin, now, now + SignedDuration::from_hours(48))
                .await
                .unwrap()
                .is_empty()
        );
        // The right rota: INSP-1 is FIM and SUPT-1 on-call chief officer this evening (UK
        // time), DC-7 is FIM from tomorrow morning.
        let right = "role,person,starts_at,ends_at\n\
                     force_incident_manager,INSP-1,2026-11-16 08:00,2026-11-17 08:00\n\
                     on_call_chief_officer,SUPT-1,2026-11-16 08:00,2026-11-17 08:00\n\
                     force_incident_manager,DC-7,2026-11-17 08:00,2026-11-18 08:00\n";
        let added = app.import_rota(&admin, right, now).await.unwrap().unwrap();
        assert_eq!(added.len(), 3);
        // A constable may not change the rota.
        let pc = person("PC-9", &[]);
        assert!(matches!(
            app.import_rota(&pc, right, now).await,
            Err(AppError::Forbidden(_))
        ));
        let id = open_case(&app, "WMP-ROTA").await;
        let rows = app.store().case_notifications(&id).await.unwrap();
        let got: Vec<(Option<&str>, Option<&str>)> = rows
            .iter()
            .filter(|n| n.kind == "hospitalised")
            .map(|n| (n.person.as_deref(), n.role.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("SUPT-1"), Some("local_command_team")),
                (Some("INSP-1"), Some("force_incident_manager")),
                (Some("SUPT-1"), Some("on_call_chief_officer")),
            ],
            "on call at the report, not FIM-1 by workforce role, not DC-7's later shift"
        );
        assert!(app.store().notification_gaps(10).await.unwrap().is_empty());
        // Another force sees none of this rota.
        let other = Actor::Person {
            id: "ADM-2".into(),
            roles: [AccountRole::Staff, AccountRole::Administrator]
                .into_iter()
                .collect(),
            unit: Some("elsewhere".into()),
            force: Some("G".into()),
        };
        assert!(
            app.rota(&other, now, now + SignedDuration::from_hours(72))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            app.remove_shift(&other, added[0].id).await,
            Err(AppError::NotFound)
        ));
        app.remove_shift(&admin, added[0].id).await.unwrap();
        assert_eq!(
            app.rota(&admin, now, now + SignedDuration::from_hours(72))
                .await
                .unwrap()
                .len(),
            2
        );
    })
    .await;
}
