//! Backtests on SQLite and PostgreSQL over generated cases: the plan in force against itself
//! changes nothing; a draft lengthening a deadline moves exactly the cases an independent
//! recount (case by case, through `load_case`) says it should; a removed obligation is
//! reported removed; a bad draft gives the loader's line and column; and the policy refuses
//! a constable and another force's lead.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use jiff::{SignedDuration, Timestamp};
use pledge_app::backtest::{
    BacktestError, BacktestReport, BacktestRequest, ChoiceError, Outcome, PlanChoice, Presence,
};
use pledge_app::{AccountRole, Actor, App, AppError};
use pledge_domain::evaluate::{State, evaluate};
use pledge_domain::plan::BUILTIN_PLAN_FILES;
use pledge_domain::{CaseState, Clocks, Meetings, PlanLibrary};
use pledge_store::{AccessAction, AnyStore, CaseId, Store};
use pledge_synth::{Config, Generator};
use pledge_test_support::Cleanup;
use std::sync::Arc;

async fn database(kind: &str, test: &str) -> Option<(String, Cleanup)> {
    match kind {
        "sqlite" => {
            let f = pledge_test_support::sqlite_file("backtest", test);
            Some((f.url, f.cleanup))
        }
        _ => pledge_test_support::postgres_database("backtest", test)
            .await
            .unwrap()
            .map(|d| (d.url, d.cleanup)),
    }
}

/// A West Midlands store with generated cases; the app, the force's name, the period and
/// the moment evaluated at.
struct Fixture {
    app: App<AnyStore>,
    force: String,
    from: Timestamp,
    to: Timestamp,
    at: Timestamp,
}

async fn fixture(url: &str) -> Fixture {
    let store = pledge_store::open(url).await.unwrap();
    store.migrate().await.unwrap();
    let generator =
        Arc::new(Generator::new(Config::for_forces(&["WMP"], 300, 7).unwrap()).unwrap());
    generator.write(&store, 100, |_| {}).await.unwrap();
    let (from, until) = generator.period();
    let force = store.units().await.unwrap()[0].force.clone();
    let app = App::new(store, PlanLibrary::builtin().unwrap(), "west-midlands").unwrap();
    Fixture {
        app,
        force,
        from,
        to: until,
        at: until,
    }
}

fn lead(force: &str) -> Actor {
    Actor::Person {
        id: "LEAD-1".into(),
        roles: [AccountRole::Staff, AccountRole::ForceLead]
            .into_iter()
            .collect(),
        unit: None,
        force: Some(force.into()),
    }
}

fn wmp_text() -> &'static str {
    BUILTIN_PLAN_FILES
        .iter()
        .find(|(n, _)| n.ends_with("west-midlands.toml"))
        .unwrap()
        .1
}

fn request(f: &Fixture, plan: PlanChoice, named: bool) -> BacktestRequest {
    BacktestRequest {
        forces: vec![f.force.clone()],
        from: f.from,
        to: f.to,
        at: Some(f.at),
        plan,
        against: None,
        named,
    }
}

fn draft(text: String) -> PlanChoice {
    PlanChoice::Draft {
        name: "draft.toml".into(),
        text,
    }
}

async fn run(f: &Fixture, actor: &Actor, req: &BacktestRequest) -> BacktestReport {
    f.app.backtest(Some(actor), req, f.at).await.unwrap()
}

async fn on_each_backend<F, Fut>(test: &str, f: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for kind in ["sqlite", "postgres"] {
        let Some((url, _cleanup)) = database(kind, test).await else {
            eprintln!("{test}: PostgreSQL not configured; skipped on {kind}");
            continue;
        };
        f(url).await;
    }
}

/// Every case, the simple way: page through the ids and load each one.
async fn every_case(store: &AnyStore) -> Vec<(CaseId, CaseState)> {
    let mut out = Vec::new();
    let mut after: Option<CaseId> = None;
    loop {
        let ids = store.case_ids(after.as_ref(), 50).await.unwrap();
        if ids.is_empty() {
            return out;
        }
        for id in &ids {
            let c = store.load_case(id).await.unwrap().unwrap();
            out.push((id.clone(), CaseState::from_events(&c.events)));
        }
        after = ids.last().cloned();
    }
}

#[tokio::test]
async fn the_plan_in_force_against_itself_changes_nothing() {
    on_each_backend("itself", |url| async move {
        let f = fixture(&url).await;
        let plan = PlanChoice::Version {
            id: "west-midlands".into(),
            version: Some(1),
        };
        let r = run(&f, &lead(&f.force), &request(&f, plan, true)).await;
        assert_eq!(r.cases, 300, "every generated case is counted");
        assert_eq!(r.changed, 0);
        assert_eq!(r.named.as_deref(), Some(&[][..]));
        assert!(!r.obligations.is_empty());
        let mut met = 0;
        for o in &r.obligations {
            assert_eq!(o.presence, Presence::Both, "{}", o.obligation);
            assert_eq!(o.before, o.after, "{}", o.obligation);
            assert!(o.moves.is_empty());
            let total: u64 = Outcome::ALL.iter().map(|x| o.before.get(*x)).sum();
            assert_eq!(total, 300, "{}: one outcome per case", o.obligation);
            met += o.before.met_on_time + o.before.met_late;
        }
        assert!(met > 0, "the generated cases meet obligations");
    })
    .await;
}

#[tokio::test]
async fn a_longer_deadline_moves_exactly_the_late_cases_it_covers() {
    on_each_backend("longer", |url| async move {
        let f = fixture(&url).await;
        let text = wmp_text();
        let old = "id = \"crime-recorded\"\n  title = \"Record the crime and cross-reference it with the e-safety report\"\n  owner = \"supervisor\"\n  deadline = \"24 hours\"";
        assert!(text.contains(old), "the built-in plan's wording changed: update this test");
        let longer = text
            .replace(old, &old.replace("24 hours", "72 hours"))
            .replace("version = 1", "version = 2");
        let r = run(&f, &lead(&f.force), &request(&f, draft(longer), true)).await;

        // The recount: under the plan in force, crime recording met late, but within 72 hours
        // of its clock starting.
        let plans = PlanLibrary::builtin().unwrap();
        let wmp = plans.get("west-midlands", 1).unwrap();
        let i = wmp.obligations.iter().position(|o| o.id == "crime-recorded").unwrap();
        let calendar = pledge_domain::calendar::Calendar::uk();
        let meetings = Meetings::default();
        let clocks = Clocks { calendar: &calendar, meetings: &meetings };
        let mut expected = Vec::new();
        for (id, state) in every_case(f.app.store()).await {
            let ev = evaluate(wmp, &state, f.at, &clocks);
            let s = ev.obligations.iter().find(|s| s.obligation == i).unwrap();
            if s.state == State::MetLate
                && s.completed_at.unwrap() <= s.started_at.unwrap() + SignedDuration::from_hours(72)
            {
                expected.push(id);
            }
        }
        assert!(!expected.is_empty(), "some generated cases record the crime late");

        let row = r.obligations.iter().find(|o| o.obligation == "crime-recorded").unwrap();
        assert_eq!(row.moves.len(), 1, "{:?}", row.moves);
        assert_eq!(row.moves[0].from, Outcome::MetLate);
        assert_eq!(row.moves[0].to, Outcome::MetOnTime);
        assert_eq!(row.moves[0].cases, expected.len() as u64);
        assert_eq!(row.after.met_on_time, row.before.met_on_time + expected.len() as u64);
        for o in r.obligations.iter().filter(|o| o.obligation != "crime-recorded") {
            assert!(o.moves.is_empty(), "{} moved: {:?}", o.obligation, o.moves);
        }
        assert_eq!(r.changed, expected.len() as u64);
        let mut named: Vec<CaseId> = r.named.unwrap().into_iter().map(|c| c.case_id).collect();
        named.sort();
        expected.sort();
        assert_eq!(named, expected, "the force lead sees every changed case named");

        // The named backtest is in the access log, naming the cases.
        let log = f.app.store().access_by_actor("LEAD-1").await.unwrap();
        let entry = log.last().unwrap();
        assert_eq!(entry.entry.action, AccessAction::Consult);
        assert!(entry.entry.what.contains(expected[0].as_str()), "{}", entry.entry.what);
    })
    .await;
}

#[tokio::test]
async fn a_removed_obligation_is_reported_removed() {
    on_each_backend("removed", |url| async move {
        let f = fixture(&url).await;
        let text = wmp_text();
        let start = text
            .find("  [[point.obligation]]\n  id = \"arrest-or-reason\"")
            .unwrap();
        let end = start + text[start..].find("  [[point.rule]]").unwrap();
        let without = format!("{}{}", &text[..start], &text[end..]);
        let r = run(&f, &lead(&f.force), &request(&f, draft(without), false)).await;
        let row = r
            .obligations
            .iter()
            .find(|o| o.obligation == "arrest-or-reason")
            .unwrap();
        assert_eq!(row.presence, Presence::Removed);
        assert_eq!(
            row.title,
            "Arrest the suspect, or record why no arrest was made"
        );
        assert_eq!(row.point_title, "Same care, compassion and commitment");
        let before: u64 = Outcome::ALL.iter().map(|x| row.before.get(*x)).sum();
        let after: u64 = Outcome::ALL.iter().map(|x| row.after.get(*x)).sum();
        assert_eq!((before, after), (300, 0));
        assert_eq!(r.changed, 0, "nothing else changes");
        assert!(r.named.is_none(), "not asked to name");
        assert_eq!(
            r.obligations.last().unwrap().obligation,
            "arrest-or-reason",
            "removed last"
        );
    })
    .await;
}

#[tokio::test]
async fn a_bad_draft_gives_the_loaders_line_and_column() {
    on_each_backend("bad-draft", |url| async move {
        let f = fixture(&url).await;
        let bad = wmp_text().replacen("deadline = \"24 hours\"", "deadline = \"24 fortnights\"", 1);
        let line = bad
            .lines()
            .position(|l| l.contains("24 fortnights"))
            .unwrap()
            + 1;
        let err = f
            .app
            .backtest(Some(&lead(&f.force)), &request(&f, draft(bad), false), f.at)
            .await
            .unwrap_err();
        let BacktestError::Plan {
            field: "plan",
            error: ChoiceError::Problems(e),
        } = err
        else {
            panic!("expected the plan's problems, got {err:?}");
        };
        assert_eq!(e.problems.len(), 1, "{e}");
        assert_eq!(e.problems[0].line, line);
        assert!(e.problems[0].column > 1);
        assert!(e.problems[0].message.contains("fortnights"), "{e}");
    })
    .await;
}

#[tokio::test]
async fn a_constable_and_another_force_are_refused() {
    on_each_backend("refused", |url| async move {
        let f = fixture(&url).await;
        let plan = PlanChoice::Version {
            id: "west-midlands".into(),
            version: None,
        };
        let constable = Actor::Person {
            id: "PC-1".into(),
            roles: [AccountRole::Staff, AccountRole::Investigator]
                .into_iter()
                .collect(),
            unit: None,
            force: Some(f.force.clone()),
        };
        let elsewhere = lead("Another Police");
        let analyst = Actor::Person {
            id: "AN-1".into(),
            roles: [AccountRole::Staff, AccountRole::Analyst]
                .into_iter()
                .collect(),
            unit: None,
            force: Some(f.force.clone()),
        };
        for (who, actor, named) in [
            ("constable", &constable, false),
            ("another force's lead", &elsewhere, false),
            ("an analyst asking for names", &analyst, true),
        ] {
            let err = f
                .app
                .backtest(Some(actor), &request(&f, plan.clone(), named), f.at)
                .await
                .unwrap_err();
            assert!(
                matches!(err, BacktestError::App(AppError::Forbidden(_))),
                "{who}: {err:?}"
            );
            let log = f
                .app
                .store()
                .access_by_actor(&actor.log_id())
                .await
                .unwrap();
            assert!(
                log.last()
                    .unwrap()
                    .entry
                    .what
                    .starts_with("refused: backtest"),
                "{who} logged"
            );
        }
        // No force is never "every force".
        let mut none = request(&f, plan.clone(), false);
        none.forces.clear();
        assert!(
            f.app
                .backtest(Some(&lead(&f.force)), &none, f.at)
                .await
                .is_err()
        );
        // The analyst may count.
        let r = run(&f, &analyst, &request(&f, plan, false)).await;
        assert_eq!(r.cases, 300);
    })
    .await;
}

#[test]
fn who_may_backtest_as_a_table() {
    use pledge_app::TokenScope;
    use pledge_app::policy::{BacktestAccess, decide_backtest};
    let force = vec!["F".to_owned()];
    let person = |roles: &[AccountRole], f: Option<&str>| Actor::Person {
        id: "X".into(),
        roles: roles.iter().copied().chain([AccountRole::Staff]).collect(),
        unit: None,
        force: f.map(Into::into),
    };
    use AccountRole::*;
    let table: &[(&str, Option<Actor>, bool, bool)] = &[
        // (who, actor, named, allowed)
        (
            "force lead",
            Some(person(&[ForceLead], Some("F"))),
            true,
            true,
        ),
        (
            "senior leader",
            Some(person(&[SeniorLeader], Some("F"))),
            true,
            true,
        ),
        (
            "analyst, counts",
            Some(person(&[Analyst], Some("F"))),
            false,
            true,
        ),
        (
            "analyst, named",
            Some(person(&[Analyst], Some("F"))),
            true,
            false,
        ),
        (
            "inspector",
            Some(person(&[Inspector], Some("F"))),
            false,
            false,
        ),
        (
            "administrator",
            Some(person(&[Administrator], Some("F"))),
            false,
            false,
        ),
        ("welfare", Some(person(&[Welfare], Some("F"))), false, false),
        (
            "constable",
            Some(person(&[Investigator], Some("F"))),
            false,
            false,
        ),
        (
            "force lead of no force",
            Some(person(&[ForceLead], None)),
            false,
            false,
        ),
        (
            "another force's lead",
            Some(person(&[ForceLead], Some("G"))),
            false,
            false,
        ),
        (
            "a token",
            Some(Actor::System {
                name: "crime".into(),
                scopes: [TokenScope::CasesRead].into_iter().collect(),
                force: Some("F".into()),
            }),
            false,
            false,
        ),
        ("operator, counts", None, false, true),
        ("operator, named", None, true, false),
    ];
    for (who, actor, named, allowed) in table {
        let got = decide_backtest(actor.as_ref(), &force, *named);
        assert_eq!(
            !matches!(got, BacktestAccess::Refused(_)),
            *allowed,
            "{who}: {got:?}"
        );
        if *allowed {
            assert_eq!(
                got,
                if *named {
                    BacktestAccess::Named
                } else {
                    BacktestAccess::Counts
                },
                "{who}"
            );
        }
    }
    // No force, or an empty one, is never "all forces", even for the operator.
    for forces in [vec![], vec![String::new()]] {
        assert!(matches!(
            decide_backtest(None, &forces, false),
            BacktestAccess::Refused(_)
        ));
        let lead = person(&[ForceLead], Some("F"));
        assert!(matches!(
            decide_backtest(Some(&lead), &forces, false),
            BacktestAccess::Refused(_)
        ));
    }
    // A force lead cannot include another force alongside their own.
    let lead = person(&[ForceLead], Some("F"));
    let two = vec!["F".to_owned(), "G".to_owned()];
    assert!(matches!(
        decide_backtest(Some(&lead), &two, false),
        BacktestAccess::Refused(_)
    ));
}
