//! The scrutiny pack against a deliberately simple recount, on SQLite and on PostgreSQL:
//! synthetic cases (the `pledge generate` generator, written through the store's bulk path,
//! and one case recorded through the application), every figure recounted from the events
//! themselves and compared with the named pack; the panel pack's suppression checked against
//! the named figures; who may have which pack; the PDF's text against the pack's figures.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use jiff::Timestamp;
use jiff::civil::Date;
use pledge_app::reports::{self, Bucket, Cell, Pack, PackRequest, Table};
use pledge_app::{AccountRole, Actor, App, AppError};
use pledge_domain::calendar::Calendar;
use pledge_domain::{CaseState, Clocks, EventKind, Meetings, PlanLibrary, State, evaluate};
use pledge_store::{AnyStore, Store, StoredCase};
use pledge_test_support::Cleanup;
use std::collections::BTreeMap;
use std::sync::Arc;

const FORCE: &str = "Durham Constabulary";

async fn database(kind: &str, test: &str) -> Option<(String, Cleanup)> {
    match kind {
        "sqlite" => {
            let f = pledge_test_support::sqlite_file("reports", test);
            Some((f.url, f.cleanup))
        }
        _ => pledge_test_support::postgres_database("reports", test)
            .await
            .unwrap()
            .map(|d| (d.url, d.cleanup)),
    }
}

/// A store with 1,500 synthetic cases of one force over about three years.
async fn generated(url: &str) -> AnyStore {
    let store = pledge_store::open(url).await.unwrap();
    store.migrate().await.unwrap();
    let config = pledge_synth::Config::for_forces(&["DUR"], 1500, 7).unwrap();
    let generator = Arc::new(pledge_synth::Generator::new(config).unwrap());
    generator.write(&store, 500, |_| {}).await.unwrap();
    store
}

/// Every stored case.
async fn all_cases(store: &AnyStore) -> Vec<StoredCase> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let ids = store.case_ids(after.as_ref(), 500).await.unwrap();
        for id in &ids {
            out.push(store.load_case(id).await.unwrap().unwrap());
        }
        match ids.last() {
            Some(l) if ids.len() == 500 => after = Some(l.clone()),
            _ => return out,
        }
    }
}

/// The figures of a table by row label (first column).
fn column(t: &Table, col: usize) -> BTreeMap<String, Cell> {
    t.rows
        .iter()
        .map(|r| (r.label.clone(), r.cells[col].clone()))
        .collect()
}

fn count(pack: &Pack, table: &str, row: &str) -> u64 {
    let t = pack
        .table(table)
        .unwrap_or_else(|| panic!("no table {table}"));
    let cells = column(t, 0);
    match cells.get(row) {
        Some(Cell::Count { value }) => *value,
        other => panic!("{table} / {row}: {other:?}"),
    }
}

/// What the recount finds, from the events alone.
#[derive(Default, Debug)]
struct Recount {
    assaults: u64,
    colleagues: u64,
    by_role: BTreeMap<String, u64>,
    injury: BTreeMap<String, u64>,
    hospitalised: u64,
    place: BTreeMap<String, u64>,
    hate: u64,
    strands: BTreeMap<String, u64>,
    arrested: u64,
    no_arrest_reason: u64,
    charged: u64,
    sentenced: u64,
    aggravation: u64,
    verdicts: BTreeMap<String, u64>,
    outcome: u64,
    view_before_outcome: u64,
    support: u64,
    trim_referred: u64,
    survey: u64,
    escalations: BTreeMap<String, u64>,
    /// obligation id -> [applied, on time, late, missed, open, waived]
    obligations: BTreeMap<String, [u64; 6]>,
    /// obligation id -> days from deadline to completion of met rows
    days: BTreeMap<String, Vec<f64>>,
    repeat_people: u64,
    /// obligation id -> its title
    titles: BTreeMap<String, String>,
    /// equipment -> (assaults carrying it, assaults using it)
    equipment: BTreeMap<String, (u64, u64)>,
    /// "yes" / "no" / "not_known" -> assaults
    body_worn_video: BTreeMap<String, u64>,
    single_crewed: BTreeMap<String, u64>,
    /// "current" / "older" / "not_known" -> assaults
    training: BTreeMap<String, u64>,
}

fn recount(cases: &[StoredCase], from: Timestamp, to: Timestamp, plans: &PlanLibrary) -> Recount {
    let mut r = Recount::default();
    let calendar = Calendar::uk();
    let meetings = Meetings::default();
    let mut victims_seen: BTreeMap<String, Vec<Timestamp>> = BTreeMap::new();
    let severity = ["none", "minor", "serious", "critical"];
    for c in cases {
        let Some(EventKind::AssaultReported {
            force,
            occurred_at,
            victims,
            location_type,
            hate_crime,
            plan,
            circumstances,
            ..
        }) = c.events.first().map(|e| &e.kind)
        else {
            continue;
        };
        if force != FORCE || *occurred_at < from || *occurred_at >= to {
            continue;
        }
        r.assaults += 1;
        r.colleagues += victims.len() as u64;
        for v in victims {
            *r.by_role
                .entry(v.workforce_role.as_str().into())
                .or_default() += 1;
            victims_seen
                .entry(v.person.to_string())
                .or_default()
                .push(*occurred_at);
        }
        let worst = victims
            .iter()
            .map(|v| {
                severity
                    .iter()
                    .position(|s| *s == v.injury.as_str())
                    .unwrap()
            })
            .max()
            .unwrap_or(0);
        *r.injury.entry(severity[worst].into()).or_default() += 1;
        r.hospitalised += u64::from(victims.iter().any(|v| v.hospitalised));
        *r.place.entry(location_type.as_str().into()).or_default() += 1;
        r.hate += u64::from(!hate_crime.is_empty());
        for s in hate_crime {
            *r.strands.entry(s.as_str().into()).or_default() += 1;
        }
        // OSSR context: the report's answers (its `true` a yes, its `false` not known), each
        // later `circumstances_recorded` answer replacing them.
        let mut carried = circumstances.equipment_carried.clone();
        let mut used = circumstances.equipment_used.clone();
        let flag = |b: bool| if b { "yes" } else { "not_known" }.to_owned();
        let mut bwv = flag(circumstances.body_worn_video_recording);
        let mut single = flag(circumstances.single_crewed);
        let mut trained = circumstances.last_safety_training;
        for e in &c.events[1..] {
            if let EventKind::CircumstancesRecorded {
                equipment_carried,
                equipment_used,
                body_worn_video_recording,
                single_crewed,
                last_safety_training,
            } = &e.kind
            {
                if !equipment_carried.is_empty() {
                    carried = equipment_carried.clone();
                }
                if !equipment_used.is_empty() {
                    used = equipment_used.clone();
                }
                if let Some(a) = body_worn_video_recording {
                    bwv = a.as_str().to_owned();
                }
                if let Some(a) = single_crewed {
                    single = a.as_str().to_owned();
                }
                if let Some(d) = last_safety_training {
                    trained = Some(*d);
                }
            }
        }
        for e in carried {
            r.equipment.entry(e.as_str().into()).or_default().0 += 1;
        }
        for e in used {
            r.equipment.entry(e.as_str().into()).or_default().1 += 1;
        }
        *r.body_worn_video.entry(bwv).or_default() += 1;
        *r.single_crewed.entry(single).or_default() += 1;
        let assault_day = occurred_at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let training = match trained {
            None => "not_known",
            // Within 12 months: on or after the same day a year before the assault.
            Some(d) if d >= assault_day.saturating_sub(jiff::Span::new().months(12)) => "current",
            Some(_) => "older",
        };
        *r.training.entry(training.into()).or_default() += 1;
        let has = |f: &dyn Fn(&EventKind) -> bool| c.events.iter().any(|e| f(&e.kind));
        let arrested = has(&|k| matches!(k, EventKind::ArrestMade { .. }));
        r.arrested += u64::from(arrested);
        r.no_arrest_reason +=
            u64::from(!arrested && has(&|k| matches!(k, EventKind::NoArrestRecorded { .. })));
        r.charged += u64::from(has(&|k| matches!(k, EventKind::Charged { .. })));
        let sentences: Vec<bool> = c
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Sentenced {
                    emergency_worker_aggravation,
                    ..
                } => Some(*emergency_worker_aggravation),
                _ => None,
            })
            .collect();
        r.sentenced += u64::from(!sentences.is_empty());
        r.aggravation += u64::from(!sentences.is_empty() && sentences.iter().all(|a| *a));
        let verdict = c.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::VerdictGiven { verdict } => Some(verdict.as_str().to_owned()),
            _ => None,
        });
        *r.verdicts
            .entry(verdict.unwrap_or_else(|| "none".into()))
            .or_default() += 1;
        let outcome_at = c.events.iter().find_map(|e| match e.kind {
            EventKind::OutcomeFinalised { .. } => Some(e.at),
            _ => None,
        });
        let view_at = c
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::VictimViewRecorded { .. }))
            .map(|e| e.at)
            .min();
        if let Some(o) = outcome_at {
            r.outcome += 1;
            r.view_before_outcome += u64::from(view_at.is_some_and(|v| v <= o));
        }
        r.support += u64::from(has(&|k| matches!(k, EventKind::SupportReferralMade { .. })));
        r.trim_referred += u64::from(has(&|k| {
            matches!(k, EventKind::TrimReferralConsidered { referred: true, .. })
        }));
        r.survey += u64::from(has(&|k| matches!(k, EventKind::SurveySent { .. })));
        for e in &c.events {
            if let EventKind::ObligationEscalated { obligation, .. } = &e.kind {
                *r.escalations.entry(obligation.clone()).or_default() += 1;
            }
        }
        // Obligations: the same evaluation the case pages use, recounted by hand.
        let closed = has(&|k| matches!(k, EventKind::CaseClosed { .. }));
        let p = plans.get(&plan.id, plan.version).unwrap();
        let state = CaseState::from_events(&c.events);
        let clocks = Clocks {
            calendar: &calendar,
            meetings: &meetings,
        };
        let eval = evaluate(p, &state, Timestamp::now(), &clocks);
        for o in &eval.obligations {
            let id = p.obligations[o.obligation].id.clone();
            r.titles
                .insert(id.clone(), p.obligations[o.obligation].title.clone());
            let slot = match o.state {
                State::NotApplicable => continue,
                State::MetOnTime => 1,
                State::MetLate => 2,
                State::Waived => 5,
                _ if closed => 3,
                _ => 4,
            };
            let row = r.obligations.entry(id.clone()).or_default();
            row[0] += 1;
            row[slot] += 1;
            if let (1 | 2, Some(due), Some(done)) = (slot, o.due_at, o.completed_at) {
                r.days
                    .entry(id)
                    .or_default()
                    .push(done.duration_since(due).as_secs_f64() / 86_400.0);
            }
        }
    }
    let year = jiff::SignedDuration::from_hours(365 * 24);
    for (_, mut times) in victims_seen {
        times.sort();
        if times.windows(2).any(|w| w[1].duration_since(w[0]) <= year) {
            r.repeat_people += 1;
        }
    }
    r
}

fn request(from: Date, to: Date, named: bool) -> PackRequest {
    PackRequest {
        force: FORCE.into(),
        unit: None,
        from,
        to,
        by: Bucket::Month,
        named,
        threshold: 5,
    }
}

/// Answers the OSSR context questions after the report on some open cases, through the
/// application as a force system would (`circumstances_recorded`), so the pack counts answers
/// the generator never gives: "no", "not known" over a report's "yes", replaced equipment and
/// training dates.
async fn answer_context_later(app: &App<AnyStore>, cases: &[StoredCase], now: Timestamp) {
    use pledge_domain::event::values::{Answer, Equipment};
    let system = Actor::System {
        name: "crime".into(),
        scopes: [pledge_app::TokenScope::CasesWrite].into_iter().collect(),
        force: Some(FORCE.into()),
    };
    let open = cases.iter().filter(|c| {
        matches!(c.events.first().map(|e| &e.kind), Some(EventKind::AssaultReported { force, .. }) if force == FORCE)
            && !c.events.iter().any(|e| matches!(e.kind, EventKind::CaseClosed { .. }))
    });
    let answers = [Answer::Yes, Answer::No, Answer::NotKnown];
    let mut recorded = 0;
    for (i, c) in open.enumerate().take(60) {
        let kind = EventKind::CircumstancesRecorded {
            equipment_carried: if i % 2 == 0 {
                vec![Equipment::Taser, Equipment::Handcuffs]
            } else {
                vec![]
            },
            equipment_used: if i % 3 == 0 {
                vec![Equipment::Taser]
            } else {
                vec![]
            },
            body_worn_video_recording: Some(answers[i % 3]),
            single_crewed: (i % 4 != 0).then_some(answers[(i + 1) % 3]),
            last_safety_training: (i % 5 == 0).then(|| "2015-06-01".parse().unwrap()),
        };
        app.record_step(&system, &c.case_id, None, None, kind, now)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", c.case_id));
        recorded += 1;
    }
    assert_eq!(recorded, 60, "enough open cases to answer");
}

async fn figures_match_a_recount(kind: &str) {
    let Some((url, _cleanup)) = database(kind, "recount").await else {
        return;
    };
    let app = App::new(
        generated(&url).await,
        PlanLibrary::builtin().unwrap(),
        "op-hampshire",
    )
    .unwrap();
    let store = app.store();
    let plans = PlanLibrary::builtin().unwrap();
    let calendar = Calendar::uk();
    let (from, to): (Date, Date) = ("2025-04-01".parse().unwrap(), "2026-03-31".parse().unwrap());
    let now = Timestamp::now();
    answer_context_later(&app, &all_cases(store).await, now).await;
    let named = reports::build(store, &calendar, &request(from, to, true), now)
        .await
        .unwrap();
    let panel = reports::build(store, &calendar, &request(from, to, false), now)
        .await
        .unwrap();
    let cases = all_cases(store).await;
    let r = recount(
        &cases,
        calendar.local_midnight(from),
        calendar.local_midnight(to.tomorrow().unwrap()),
        &plans,
    );
    assert!(
        r.assaults > 300,
        "{kind}: the period should hold a year of cases: {}",
        r.assaults
    );

    // The assaults.
    assert_eq!(count(&named, "assaults", "Assaults"), r.assaults, "{kind}");
    assert_eq!(
        count(&named, "assaults", "Colleagues assaulted"),
        r.colleagues
    );
    let role = |k: &str| r.by_role.get(k).copied().unwrap_or(0);
    assert_eq!(
        count(&named, "assaults", "Officers assaulted"),
        role("officer") + role("special_constable")
    );
    for (key, label) in [
        ("officer", "Police officers"),
        ("special_constable", "Special constables"),
        ("pcso", "PCSOs"),
        ("staff", "Police staff"),
        ("volunteer", "Volunteers"),
    ] {
        assert_eq!(count(&named, "workforce_role", label), role(key), "{label}");
    }
    // Rates per 1,000 from the headcounts in force on the last day.
    let heads = store.headcounts_on(FORCE, to).await.unwrap();
    let head = |roles: &[&str]| -> u64 {
        heads
            .iter()
            .filter(|h| roles.contains(&h.role.as_str()))
            .map(|h| u64::from(h.count))
            .sum()
    };
    let officers = head(&["officer", "special_constable"]);
    assert!(officers > 0);
    let want = ((role("officer") + role("special_constable")) as f64 * 1000.0 / officers as f64
        * 10.0)
        .round()
        / 10.0;
    assert_eq!(
        column(named.table("assaults").unwrap(), 0).get("Rate per 1,000 officers"),
        Some(&Cell::Rate { value: want })
    );
    let inj = |k: &str| r.injury.get(k).copied().unwrap_or(0);
    assert_eq!(count(&named, "injury", "No injury"), inj("none"));
    assert_eq!(count(&named, "injury", "Minor injury"), inj("minor"));
    assert_eq!(count(&named, "injury", "Serious injury"), inj("serious"));
    assert_eq!(count(&named, "injury", "Critical injury"), inj("critical"));
    assert_eq!(
        count(&named, "injury", "Injured"),
        inj("minor") + inj("serious") + inj("critical")
    );
    assert_eq!(
        count(&named, "hospital", "Taken to hospital"),
        r.hospitalised
    );
    assert_eq!(
        count(&named, "place", "Street or public place"),
        r.place.get("street").copied().unwrap_or(0)
    );
    assert_eq!(
        count(&named, "place", "Custody suite"),
        r.place.get("custody").copied().unwrap_or(0)
    );
    assert_eq!(count(&named, "hate_crime", "Hate crimes"), r.hate);
    assert_eq!(
        count(&named, "hate_crime", "Hate crimes: Race"),
        r.strands.get("race").copied().unwrap_or(0)
    );
    assert_eq!(
        count(
            &named,
            "repeat_victims",
            "Colleagues assaulted more than once in 12 months"
        ),
        r.repeat_people
    );
    assert_eq!(
        named.table("repeat_victims_named").unwrap().rows.len() as u64,
        r.repeat_people
    );
    assert_eq!(count(&named, "arrests", "A suspect arrested"), r.arrested);
    assert_eq!(
        count(&named, "arrests", "No arrest, reason recorded"),
        r.no_arrest_reason
    );
    assert_eq!(count(&named, "outcomes", "Charged"), r.charged);
    assert_eq!(
        count(&named, "outcomes", "No outcome yet"),
        r.assaults - r.outcome
    );
    assert_eq!(
        count(&named, "court", "Guilty"),
        r.verdicts.get("guilty").copied().unwrap_or(0)
    );
    assert_eq!(
        count(&named, "court", "No verdict"),
        r.verdicts.get("none").copied().unwrap_or(0)
    );
    assert_eq!(count(&named, "court", "Sentenced"), r.sentenced);
    assert_eq!(
        count(&named, "court", "Emergency-worker aggravation applied"),
        r.aggravation
    );
    assert_eq!(count(&named, "victims", "Outcome finalised"), r.outcome);
    assert_eq!(
        count(&named, "victims", "View heard before the outcome"),
        r.view_before_outcome
    );
    assert_eq!(
        count(&named, "victims", "Referred to support services"),
        r.support
    );
    assert_eq!(
        count(&named, "victims", "Referred to TRiM"),
        r.trim_referred
    );
    assert_eq!(count(&named, "victims", "Feedback survey sent"), r.survey);

    // OSSR context: equipment, body-worn video, crewing, training.
    let equipment = named.table("equipment").unwrap();
    for (key, label) in [
        ("body_worn_video", "Body-worn video"),
        ("taser", "Taser"),
        ("pava", "PAVA incapacitant spray"),
        ("spit_guard", "Spit and bite guard"),
        ("baton", "Baton"),
        ("handcuffs", "Handcuffs"),
        ("body_armour", "Body armour"),
        ("gloves", "Protective gloves"),
    ] {
        let (carried, used) = r.equipment.get(key).copied().unwrap_or_default();
        assert_eq!(
            column(equipment, 0).get(label),
            Some(&Cell::Count { value: carried }),
            "{kind}: {label} carried"
        );
        assert_eq!(
            column(equipment, 1).get(label),
            Some(&Cell::Count { value: used }),
            "{kind}: {label} used"
        );
    }
    let answer = |m: &BTreeMap<String, u64>, k: &str| m.get(k).copied().unwrap_or(0);
    for (table, m) in [
        ("body_worn_video", &r.body_worn_video),
        ("single_crewed", &r.single_crewed),
    ] {
        assert_eq!(
            count(&named, table, "Yes"),
            answer(m, "yes"),
            "{kind}: {table}"
        );
        assert_eq!(
            count(&named, table, "No"),
            answer(m, "no"),
            "{kind}: {table}"
        );
        assert_eq!(
            count(&named, table, "Not known"),
            answer(m, "not_known"),
            "{kind}: {table}"
        );
        assert_eq!(count(&named, table, "Total"), r.assaults);
    }
    assert_eq!(
        count(
            &named,
            "safety_training",
            "Within 12 months before the assault"
        ),
        answer(&r.training, "current")
    );
    assert_eq!(
        count(&named, "safety_training", "More than 12 months before"),
        answer(&r.training, "older")
    );
    assert_eq!(
        count(&named, "safety_training", "Not known"),
        answer(&r.training, "not_known")
    );
    assert!(
        answer(&r.body_worn_video, "no") > 0 && answer(&r.single_crewed, "no") > 0,
        "{kind}: answers recorded after the report fall in the period"
    );
    assert!(
        answer(&r.training, "current") > 0 && answer(&r.training, "older") > 0,
        "the generator gives training dates either side of 12 months"
    );

    // Point by point: every obligation's row.
    let pbp = named.table("point_by_point").unwrap();
    let mut seen = 0;
    for row in &pbp.rows[..pbp.rows.len() - 1] {
        // The obligation by its title among those the recount found.
        let ids: Vec<&String> = r
            .titles
            .iter()
            .filter(|(_, t)| **t == row.label)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids.len(), 1, "one obligation titled {}", row.label);
        let id = ids[0].clone();
        let want = r.obligations.get(&id).copied().unwrap_or_default();
        let got: Vec<u64> = row.cells[2..8].iter().map(|c| c.count().unwrap()).collect();
        assert_eq!(got, want.to_vec(), "{kind}: {}", row.label);
        let mut days = r.days.get(&id).cloned().unwrap_or_default();
        days.sort_by(f64::total_cmp);
        let nearest =
            |p: usize| (!days.is_empty()).then(|| days[(p * days.len()).div_ceil(100).max(1) - 1]);
        let shown = |c: &Cell| match c {
            Cell::Days { value } => Some(*value),
            _ => None,
        };
        let round = |v: f64| (v * 10.0).round() / 10.0;
        assert_eq!(
            shown(&row.cells[8]),
            nearest(50).map(round),
            "median of {}",
            row.label
        );
        assert_eq!(
            shown(&row.cells[9]),
            nearest(90).map(round),
            "p90 of {}",
            row.label
        );
        assert_eq!(
            row.cells[10].count().unwrap(),
            r.escalations.get(&id).copied().unwrap_or(0),
            "escalations of {}",
            row.label
        );
        seen += 1;
    }
    assert_eq!(
        seen,
        r.obligations.len(),
        "every obligation that applied has a row"
    );
    assert!(
        r.escalations.values().sum::<u64>() > 0,
        "the generator escalates some obligations"
    );

    // Trends: the months add up to the period, which is the headline figure.
    let trends = named.table("trends").unwrap();
    assert_eq!(trends.rows.len(), 13, "twelve months and the whole period");
    let months: u64 = trends.rows[..12]
        .iter()
        .map(|r| r.cells[0].count().unwrap())
        .sum();
    assert_eq!(months, r.assaults);
    assert_eq!(trends.rows[12].cells[0].count(), Some(r.assaults));
    let prev = recount(
        &cases,
        calendar.local_midnight("2024-04-01".parse().unwrap()),
        calendar.local_midnight("2025-04-01".parse().unwrap()),
        &plans,
    );
    assert_eq!(
        named.table("trends_year_earlier").unwrap().rows[12].cells[0].count(),
        Some(prev.assaults)
    );

    // The panel version: no names, no case references, no free text; each count either
    // the named figure, or hidden (1 to 4 as "fewer than 5").
    for id in [
        "repeat_victims_named",
        "no_arrest_reasons",
        "waiver_reasons",
    ] {
        assert!(panel.table(id).is_none(), "{id} is in the named pack only");
        assert!(named.table(id).is_some(), "{id} is in the named pack");
    }
    let json = serde_json::to_string(&panel).unwrap();
    for c in cases.iter().take(50) {
        assert!(
            !json.contains(&format!("\"{}\"", c.case_id)),
            "no case reference in the panel pack"
        );
    }
    let mut hidden = 0;
    let shared: Vec<&Table> = named
        .tables
        .iter()
        .filter(|t| panel.table(&t.id).is_some())
        .collect();
    assert_eq!(shared.len(), panel.tables.len());
    for (p, n) in panel.tables.iter().zip(shared) {
        assert_eq!(p.id, n.id);
        for (pr, nr) in p.rows.iter().zip(&n.rows) {
            for (pc, nc) in pr.cells.iter().zip(&nr.cells) {
                match (pc, nc) {
                    (Cell::Count { value: a }, Cell::Count { value: b }) => assert_eq!(a, b),
                    (Cell::FewerThan { threshold: 5 }, Cell::Count { value }) => {
                        assert!(
                            (1..5).contains(value),
                            "{}: {value} shown as fewer than 5",
                            p.id
                        );
                        hidden += 1;
                    }
                    (Cell::Withheld, Cell::Count { value }) => {
                        assert!(*value >= 1);
                        hidden += 1;
                    }
                    (Cell::Count { value }, _) => panic!("{}: count {value} against {nc:?}", p.id),
                    _ => {}
                }
                if let Cell::Count { value } = pc {
                    assert!(!(1..5).contains(value), "{}: {value} shown", p.id);
                }
            }
        }
        // A breakdown with a total never has exactly one hidden part.
        if p.rows.last().is_some_and(|r| r.label == "Total") && p.id != "outcomes" {
            let hidden_parts = p
                .rows
                .iter()
                .filter(|r| r.label != "Injured")
                .filter(|r| !matches!(r.cells[0], Cell::Count { .. }))
                .count();
            assert_ne!(hidden_parts, 1, "{}: one hidden count in a breakdown", p.id);
        }
    }
    assert!(
        hidden > 0,
        "a year of one force has some small counts to hide"
    );
}

#[tokio::test]
async fn sqlite_pack_figures_match_a_recount() {
    figures_match_a_recount("sqlite").await;
}

#[tokio::test]
async fn postgres_pack_figures_match_a_recount() {
    figures_match_a_recount("postgres").await;
}

fn person(roles: &[AccountRole], force: &str) -> Actor {
    Actor::Person {
        id: "PERSON-1".into(),
        roles: roles.iter().copied().collect(),
        unit: None,
        force: Some(force.into()),
    }
}

async fn access_and_formats(kind: &str) {
    let Some((url, _cleanup)) = database(kind, "access").await else {
        return;
    };
    let store = generated(&url).await;
    let app = App::new(store, PlanLibrary::builtin().unwrap(), "op-hampshire").unwrap();
    let (from, to): (Date, Date) = ("2025-10-01".parse().unwrap(), "2026-03-31".parse().unwrap());
    let now = Timestamp::now();
    let analyst = person(&[AccountRole::Staff, AccountRole::Analyst], FORCE);
    let lead = person(&[AccountRole::Staff, AccountRole::ForceLead], FORCE);
    let officer = person(&[AccountRole::Staff, AccountRole::Supervisor], FORCE);
    let elsewhere = person(
        &[AccountRole::Staff, AccountRole::ForceLead],
        "Another Force",
    );
    let before = app.store().access_by_actor("PERSON-1").await.unwrap().len();

    let panel = app
        .report_pack(&analyst, &request(from, to, false), now)
        .await
        .unwrap();
    assert_eq!(panel.version, "panel");
    assert!(matches!(
        app.report_pack(&analyst, &request(from, to, true), now)
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.report_pack(&officer, &request(from, to, false), now)
            .await,
        Err(AppError::Forbidden(_))
    ));
    // Another force's lead cannot have this force's pack, named or not.
    assert!(matches!(
        app.report_pack(&elsewhere, &request(from, to, false), now)
            .await,
        Err(AppError::Forbidden(_))
    ));
    // A panel pack is not logged; a named one is, once, naming the force and period.
    assert_eq!(
        app.store().access_by_actor("PERSON-1").await.unwrap().len(),
        before
    );
    let named = app
        .report_pack(&lead, &request(from, to, true), now)
        .await
        .unwrap();
    assert_eq!(named.version, "named");
    let log = app.store().access_by_actor("PERSON-1").await.unwrap();
    assert_eq!(log.len(), before + 1);
    let entry = &log.last().unwrap().entry;
    assert!(
        entry.what.contains("named scrutiny pack") && entry.what.contains(FORCE),
        "{}",
        entry.what
    );

    // Bad requests name the field; nothing is made.
    let mut bad = request(to, from, false);
    assert!(
        matches!(app.report_pack(&analyst, &bad, now).await, Err(AppError::Invalid { field, .. }) if field == "to")
    );
    bad = request(from, to, false);
    bad.unit = Some("no-such-unit".into());
    assert!(
        matches!(app.report_pack(&analyst, &bad, now).await, Err(AppError::Invalid { field, .. }) if field == "unit")
    );
    bad = request(from, to, false);
    bad.force = String::new();
    assert!(app.report_pack(&analyst, &bad, now).await.is_err());

    // A unit and its sub-units: fewer assaults than the force, and only theirs.
    let units = app.store().units().await.unwrap();
    let division = units
        .iter()
        .find(|u| u.force == FORCE && u.parent.is_some())
        .unwrap();
    let mut req = request(from, to, false);
    req.unit = Some(division.id.clone());
    let part = app.report_pack(&analyst, &req, now).await.unwrap();
    let total = |p: &Pack| {
        column(p.table("assaults").unwrap(), 0)["Assaults"]
            .count()
            .unwrap()
    };
    assert!(total(&part) < total(&panel) && total(&part) > 0);
    assert!(part.area.contains(&division.name));

    // CSV: one file per table and the dictionary, suppression markers as documented.
    let files = reports::csv::files(&panel);
    assert_eq!(files.len(), panel.tables.len() + 1);
    assert!(files[0].1.starts_with("file,column,meaning"));
    let injury = files.iter().find(|(n, _)| n == "injury.csv").unwrap();
    assert!(injury.1.starts_with("Injury,Assaults\r\n"));

    // PDF: its text holds every table's title and the figures of the assaults table.
    pdf_text_matches(&panel);
}

/// The PDF's text (pdftotext) against the pack's figures. Without pdftotext the check is
/// skipped, unless `PLEDGE_REQUIRE_PDFTOTEXT` is set (as in CI), when it fails.
fn pdf_text_matches(pack: &Pack) {
    let bytes = reports::pdf::render(pack);
    assert!(bytes.starts_with(b"%PDF-"));
    let (dir, _cleanup) = pledge_test_support::temp_dir("pdf", "pack").unwrap();
    let path = dir.join("pack.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let out = match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            assert!(
                std::env::var_os("PLEDGE_REQUIRE_PDFTOTEXT").is_none(),
                "PLEDGE_REQUIRE_PDFTOTEXT is set but pdftotext cannot run: {e}"
            );
            eprintln!("pdftotext is not installed: the PDF's text is not checked");
            return;
        }
    };
    assert!(out.status.success(), "pdftotext failed on the pack");
    let text = String::from_utf8_lossy(&out.stdout);
    for t in &pack.tables {
        assert!(text.contains(&t.title), "the PDF has no table {}", t.title);
    }
    // Each row of the assaults and injury tables: its label and figure on one line.
    for id in ["assaults", "injury", "arrests", "hospital"] {
        for r in &pack.table(id).unwrap().rows {
            let figure = r.cells[0].display();
            assert!(
                text.lines().any(
                    |l| l.trim_start().starts_with(&r.label) && l.trim_end().ends_with(&figure)
                ),
                "the PDF has no line \"{} … {}\"",
                r.label,
                figure
            );
        }
    }
}

#[tokio::test]
async fn sqlite_pack_access_and_formats() {
    access_and_formats("sqlite").await;
}

#[tokio::test]
async fn postgres_pack_access_and_formats() {
    access_and_formats("postgres").await;
}

#[test]
fn thousands_separators() {
    assert_eq!(reports::table::thousands(0), "0");
    assert_eq!(reports::table::thousands(999), "999");
    assert_eq!(reports::table::thousands(1000), "1,000");
    assert_eq!(reports::table::thousands(1_234_567), "1,234,567");
}
