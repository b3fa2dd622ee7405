//! Imports from a force's own systems, on both backends: the HR directory (dry run, full and
//! partial imports, leavers marked, their access ended and their open work flagged on the
//! overview; malformed files each a clear error with nothing saved) and crime records (the
//! API route: matched by Pledge or crime reference, unmatched kept, idempotent by record id,
//! refused by the plan's rule with its words).

use crate::both;
use crate::harness::{Backend, TestApp};
use crate::seeded::{demo_app, sign_in};
use anyhow::{Context, ensure};
use pledge_app::import::{ImportMode, Mapping};
use pledge_app::{AccountRole, Actor};
use pledge_domain::EventType;
use pledge_store::{AccountStore, CaseFilter, CaseScope, DirectoryStore, Person, Store};
use pledge_web::demo::force::FORCE;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

both!(
    a_full_import_marks_leavers_ends_their_access_and_flags_their_work,
    malformed_people_files_save_nothing,
    units_come_in_any_order_and_a_bad_file_saves_none,
    crimes_are_matched_recorded_once_and_refused_by_the_plan,
);

fn actor(id: &str, roles: &[AccountRole]) -> Actor {
    Actor::Person {
        id: id.into(),
        roles: roles.iter().copied().collect::<BTreeSet<_>>(),
        unit: Some("force-hq".into()),
        force: Some(FORCE.into()),
    }
}

fn admin() -> Actor {
    actor(
        "ADM-9000",
        &[AccountRole::Staff, AccountRole::Administrator],
    )
}

const HEADER: &str = "id,name,email,workforce_role,unit,line_manager,staff_association\n";

fn line(p: &Person) -> String {
    format!(
        "{},{},{},{},{},{},{}\n",
        p.id,
        p.name,
        p.email.as_deref().unwrap_or_default(),
        p.workforce_role.as_deref().unwrap_or_default(),
        p.unit.as_deref().unwrap_or_default(),
        p.line_manager.as_deref().unwrap_or_default(),
        p.staff_association.as_deref().unwrap_or_default()
    )
}

async fn force_people(app: &TestApp) -> anyhow::Result<Vec<Person>> {
    Ok(app
        .state
        .app()
        .people_of_force(&admin(), app.state.now())
        .await?)
}

async fn a_full_import_marks_leavers_ends_their_access_and_flags_their_work(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "import_leavers").await? else {
        return Ok(());
    };
    let store = app.store();
    let now = app.state.now();
    let people = force_people(&app).await?;
    // The leaver: someone who owns open work and can sign in (not the administrator).
    let mut leaver = None;
    for p in &people {
        if ["ADM-9000", "CI-0101"].contains(&p.id.as_str()) {
            continue;
        }
        if !store.my_tasks(&p.id, 5).await?.is_empty() && store.account(&p.id).await?.is_some() {
            leaver = Some(p.clone());
            break;
        }
    }
    let leaver = leaver.context("a demo person who owns open obligations")?;
    let session = sign_in(&app, &leaver.id).await?;
    let (status, _) = session.get(&app.api("/tasks")).await?;
    ensure!(status == StatusCode::OK, "the leaver signed in: {status}");

    let mut file = HEADER.to_owned();
    for p in people.iter().filter(|p| p.id != leaver.id) {
        let mut p = p.clone();
        if p.id == "AN-5005" {
            p.name = "Alex Morgan-Reid".into();
        }
        file.push_str(&line(&p));
    }
    file.push_str("PC-7001,PC Nia Brook,,officer,north-response,PS-2231,federation\n");
    let m = Mapping::default();
    let a = admin();

    // The dry run says what would change and writes nothing.
    let dry = app
        .state
        .app()
        .import_people(&a, file.as_bytes(), &m, ImportMode::Full, true, now)
        .await?;
    ensure!(dry.errors.is_empty(), "{}", dry.errors);
    ensure!(!dry.applied);
    ensure!(
        (dry.new.count, dry.changed.count, dry.leavers.count) == (1, 1, 1),
        "{dry:?}"
    );
    ensure!(dry.new.first == vec!["PC Nia Brook, Northern Response Team 2".to_owned()]);
    ensure!(
        dry.changed.first
            == vec!["Alex Morgan-Reid: name Alex Morgan to Alex Morgan-Reid".to_owned()],
        "{:?}",
        dry.changed.first
    );
    ensure!(
        dry.leavers.first[0].starts_with(&leaver.name),
        "{:?}",
        dry.leavers
    );
    ensure!(store.person("PC-7001").await?.is_none(), "a dry run wrote");
    ensure!(
        store.leavers().await?.is_empty(),
        "a dry run marked a leaver"
    );
    let headcount: u32 = dry.headcounts.iter().map(|h| h.total()).sum();
    ensure!(headcount as usize == people.len(), "{:?}", dry.headcounts);

    // The import: all of it.
    let done = app
        .state
        .app()
        .import_people(&a, file.as_bytes(), &m, ImportMode::Full, false, now)
        .await?;
    ensure!(done.applied && done.errors.is_empty(), "{done:?}");
    ensure!(done.access_ended == 1, "{done:?}");
    // The full file is the force's headcount today, for the pack's rates per 1,000.
    let stored: u32 = store
        .headcounts_on("Wessex Constabulary", app.state.app().today(now))
        .await?
        .iter()
        .filter(|h| h.on == app.state.app().today(now))
        .map(|h| h.count)
        .sum();
    let expected: u32 = done.headcounts.iter().map(|h| h.total()).sum();
    ensure!(
        stored > 0 && stored <= expected,
        "headcounts stored {stored}, import counted {expected}"
    );
    ensure!(store.person("PC-7001").await?.is_some());
    ensure!(store.person("AN-5005").await?.map(|p| p.name).as_deref() == Some("Alex Morgan-Reid"));
    let leavers = store.leavers().await?;
    ensure!(
        leavers.len() == 1 && leavers[0].person.id == leaver.id,
        "{leavers:?}"
    );
    ensure!(
        store.person(&leaver.id).await?.is_some(),
        "a leaver is never deleted"
    );
    let account = store.account(&leaver.id).await?.context("account")?;
    ensure!(account.disabled, "the leaver's account is still enabled");
    let (status, _) = session.get(&app.api("/tasks")).await?;
    ensure!(
        status == StatusCode::UNAUTHORIZED,
        "the leaver's session still works: {status}"
    );

    // The leadership overview lists their open work, by name.
    let lead = actor("CI-0101", &[AccountRole::Staff, AccountRole::ForceLead]);
    let flagged = app
        .state
        .app()
        .leavers_open_obligations(&lead, 50, now)
        .await?;
    ensure!(
        !flagged.is_empty() && flagged.iter().all(|(p, _)| p.id == leaver.id),
        "{flagged:?}"
    );
    let lead_session = sign_in(&app, "CI-0101").await?;
    let page = lead_session
        .client
        .get(app.url("/overview"))
        .send()
        .await?
        .text()
        .await?;
    ensure!(page.contains("Open obligations owned by people who have left"));
    ensure!(
        page.contains(&format!("Owned by {}, who has left", leaver.name)),
        "the overview does not name the leaver"
    );

    // The same file again changes nothing.
    let again = app
        .state
        .app()
        .import_people(&a, file.as_bytes(), &m, ImportMode::Full, false, now)
        .await?;
    ensure!(
        (
            again.new.count,
            again.changed.count,
            again.leavers.count,
            again.access_ended
        ) == (0, 0, 0, 0),
        "{again:?}"
    );

    // A partial file never finds leavers; the leaver in it again is back.
    let partial = format!("{HEADER}{}", line(&leaver));
    let back = app
        .state
        .app()
        .import_people(&a, partial.as_bytes(), &m, ImportMode::Partial, false, now)
        .await?;
    ensure!(
        (back.leavers.count, back.returners.count) == (0, 1),
        "{back:?}"
    );
    ensure!(store.leavers().await?.is_empty());

    // Another force's administrator, and a person who is not an administrator, may not.
    let other = Actor::Person {
        id: "ADM-1".into(),
        roles: BTreeSet::from([AccountRole::Staff, AccountRole::Administrator]),
        unit: None,
        force: Some("Mercia Police".into()),
    };
    let r = app
        .state
        .app()
        .import_people(&other, file.as_bytes(), &m, ImportMode::Full, true, now)
        .await?;
    ensure!(
        r.errors.lines().iter().any(|l| l.contains("no unit")),
        "another force imported into this one: {r:?}"
    );
    let staff = actor("PC-4471", &[AccountRole::Staff]);
    ensure!(matches!(
        app.state
            .app()
            .import_people(&staff, file.as_bytes(), &m, ImportMode::Full, true, now)
            .await,
        Err(pledge_app::AppError::Forbidden(_))
    ));
    Ok(())
}

async fn malformed_people_files_save_nothing(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "import_malformed").await? else {
        return Ok(());
    };
    let store = app.store();
    let now = app.state.now();
    let before = store.people().await?;
    let good = "PC-7001,PC Nia Brook,,officer,north-response,,\n";
    let mut huge = format!("{HEADER}{good}");
    huge.push_str(&"x".repeat(10 * 1024 * 1024));
    huge.push('\n');
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "wrong encoding",
            [
                HEADER.as_bytes(),
                good.as_bytes(),
                b"PC-7002,Ren\xe9e Lavoie,,officer,north-response,,\n",
            ]
            .concat(),
            "row 3, column \"name\": is not UTF-8 text",
        ),
        (
            "missing column",
            format!("id,name,email\n{good}").into_bytes(),
            "row 1, column \"unit\": the file has no such column",
        ),
        (
            "duplicate ids",
            format!("{HEADER}{good}{good}").into_bytes(),
            "row 3, column \"id\": \"PC-7001\" is also on row 2: each person once",
        ),
        (
            "a 10 MB line",
            huge.into_bytes(),
            "row 3: line 3 of the file is longer than 65536 bytes",
        ),
        (
            "an unknown unit",
            format!("{HEADER}{good}PC-7003,PC Lee Hart,,officer,atlantis,,\n").into_bytes(),
            "row 3, column \"unit\": no unit \"atlantis\" in your force",
        ),
        (
            "a workforce role Pledge does not know",
            format!("{HEADER}{good}PC-7003,PC Lee Hart,,constable,north-response,,\n").into_bytes(),
            "row 3, column \"workforce_role\": \"constable\" is not a workforce role",
        ),
        (
            "an empty full file",
            HEADER.as_bytes().to_vec(),
            "the file lists nobody",
        ),
    ];
    for (what, bytes, expected) in cases {
        let r = app
            .state
            .app()
            .import_people(
                &admin(),
                &bytes[..],
                &Mapping::default(),
                ImportMode::Full,
                false,
                now,
            )
            .await?;
        ensure!(!r.applied, "{what}: applied");
        let lines = r.errors.lines();
        ensure!(
            lines.first().is_some_and(|l| l.starts_with(expected)),
            "{what}: {lines:?}"
        );
        ensure!(
            store.people().await? == before,
            "{what}: something was saved"
        );
        ensure!(
            store.leavers().await?.is_empty(),
            "{what}: a leaver was marked"
        );
    }
    // At most 20 problems are listed, and the rest counted.
    let mut many = HEADER.to_owned();
    for i in 0..30 {
        many.push_str(&format!("bad id {i},Name,,officer,north-response,,\n"));
    }
    let r = app
        .state
        .app()
        .import_people(
            &admin(),
            many.as_bytes(),
            &Mapping::default(),
            ImportMode::Partial,
            false,
            now,
        )
        .await?;
    ensure!(
        r.errors.total == 30 && r.errors.listed.len() == 20,
        "{:?}",
        r.errors
    );
    ensure!(
        r.errors.lines().last().map(String::as_str) == Some("... and 10 more problems not listed")
    );

    // A force's own column names and dates, through a mapping.
    let mapping = Mapping::from_toml(
        "[people]\nid = \"Collar No\"\nname = \"Full Name\"\nunit = \"Team\"\nworkforce_role = \"Role\"\nleft_on = \"Leaving Date\"\ndate_format = \"%d/%m/%Y\"\n[people.workforce_roles]\n\"Police Constable\" = \"officer\"\n",
    )
    .map_err(anyhow::Error::msg)?;
    let file = "Collar No,Full Name,Team,Role,Leaving Date\nPC-7101,PC Ola Park,north-response,Police Constable,\nPC-7102,PC Kit Lowe,north-response,Police Constable,01/02/2020\n";
    let r = app
        .state
        .app()
        .import_people(
            &admin(),
            file.as_bytes(),
            &mapping,
            ImportMode::Partial,
            false,
            now,
        )
        .await?;
    ensure!(r.applied && r.errors.is_empty(), "{r:?}");
    ensure!(
        store
            .person("PC-7101")
            .await?
            .and_then(|p| p.workforce_role)
            .as_deref()
            == Some("officer")
    );
    let leavers = store.leavers().await?;
    ensure!(
        leavers.len() == 1
            && leavers[0].person.id == "PC-7102"
            && leavers[0].left_on == jiff::civil::date(2020, 2, 1),
        "{leavers:?}"
    );
    let bad = "Collar No,Full Name,Team,Role,Leaving Date\nPC-7103,PC Al Dee,north-response,Police Constable,2020-02-01\n";
    let r = app
        .state
        .app()
        .import_people(
            &admin(),
            bad.as_bytes(),
            &mapping,
            ImportMode::Partial,
            false,
            now,
        )
        .await?;
    ensure!(
        r.errors.lines()[0]
            == "row 2, column \"Leaving Date\": \"2020-02-01\" is not a date written as %d/%m/%Y (the mapping's date_format)",
        "{:?}",
        r.errors
    );
    Ok(())
}

async fn units_come_in_any_order_and_a_bad_file_saves_none(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "import_units").await? else {
        return Ok(());
    };
    let store = app.store();
    let now = app.state.now();
    let before = store.units().await?;
    let m = Mapping::default();
    let bad = "id,name,parent\nnorth-training,Northern Training,north-dogs\nnorth-dogs,Dogs,north-training\n";
    let r = app
        .state
        .app()
        .import_units(&admin(), bad.as_bytes(), &m, false, now)
        .await?;
    ensure!(
        r.errors.lines()
            == vec![
                "row 2, column \"parent\": that would make the unit its own superior",
                "row 3, column \"parent\": that would make the unit its own superior",
            ],
        "{:?}",
        r.errors
    );
    ensure!(store.units().await? == before);
    let good = "id,name,parent\nnorth-dogs,Dogs Section,north-training\nnorth-training,Northern Training,north\nnorth,Northern Division (renamed),wessex\n";
    let dry = app
        .state
        .app()
        .import_units(&admin(), good.as_bytes(), &m, true, now)
        .await?;
    ensure!((dry.new.count, dry.changed.count) == (2, 1), "{dry:?}");
    ensure!(store.units().await? == before, "a dry run wrote");
    let done = app
        .state
        .app()
        .import_units(&admin(), good.as_bytes(), &m, false, now)
        .await?;
    ensure!(done.applied, "{done:?}");
    ensure!(store.units().await?.len() == before.len() + 2);
    // A unit of another force cannot be taken over.
    store
        .upsert_unit(&pledge_store::Unit {
            id: "mercia-hq".into(),
            name: "Mercia HQ".into(),
            force: "Mercia Police".into(),
            parent: None,
        })
        .await?;
    let r = app
        .state
        .app()
        .import_units(
            &admin(),
            "id,name\nmercia-hq,Ours now\n".as_bytes(),
            &m,
            false,
            now,
        )
        .await?;
    ensure!(
        r.errors.lines()[0]
            == "row 2, column \"id\": \"mercia-hq\" is a unit of another force; choose another id"
    );
    Ok(())
}

/// A case of the demo force with no crime reference, no victim's view and no outcome.
async fn bare_case(app: &TestApp) -> anyhow::Result<pledge_store::CaseId> {
    let store = app.store();
    for s in store
        .list_cases(&CaseScope::whole_force(FORCE), &CaseFilter::default())
        .await?
    {
        let case = store.load_case(&s.case_id).await?.context("case")?;
        let has = |t: EventType| case.events.iter().any(|e| e.event_type() == t);
        if !has(EventType::CrimeRecorded)
            && !has(EventType::VictimViewRecorded)
            && !has(EventType::OutcomeFinalised)
            && s.status == "open"
        {
            return Ok(s.case_id);
        }
    }
    anyhow::bail!("no open demo case without a crime reference and a victim's view")
}

async fn post(app: &TestApp, token: &str, body: &Value) -> anyhow::Result<(StatusCode, Value)> {
    let res = app
        .client()
        .post(app.api("/crimes"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await?;
    let status = res.status();
    Ok((status, res.json().await.unwrap_or(Value::Null)))
}

async fn crimes_are_matched_recorded_once_and_refused_by_the_plan(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "import_crimes").await? else {
        return Ok(());
    };
    let store = app.store();
    let now = app.state.now();
    let token = pledge_app::accounts::token::create_token(
        store,
        pledge_app::accounts::NewToken {
            name: "crime-system".into(),
            scopes: vec!["cases:read".into(), "cases:write".into()],
            force: FORCE.into(),
            created_by: "test".into(),
        },
        now,
    )
    .await?
    .token;
    let case = bare_case(&app).await?;
    let version = store.load_case(&case).await?.context("case")?.version;

    // An outcome before the victim's view is heard: refused with the plan's words; nothing
    // of the record is kept (not even its crime reference).
    let (status, body) = post(
        &app,
        &token,
        &json!({"source": "niche", "record_id": "R-1", "pledge_reference": case.to_string(),
                "crime_reference": "44/2026/0001", "classification": "8/71", "outcome_type": 1}),
    )
    .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status} {body}"
    );
    let words = body.to_string();
    ensure!(
        words.contains("outcome_type") && words.contains("victim"),
        "{body}"
    );
    ensure!(store.load_case(&case).await?.context("case")?.version == version);

    // The crime reference alone is recorded, by Pledge reference.
    let r2 = json!({"source": "niche", "record_id": "R-2", "pledge_reference": case.to_string(),
                    "crime_reference": "44/2026/0001", "classification": "8/71"});
    let (status, body) = post(&app, &token, &r2).await?;
    ensure!(status == StatusCode::CREATED, "{status} {body}");
    ensure!(
        body["result"] == "recorded" && body["steps"] == json!(["crime_recorded"]),
        "{body}"
    );
    let events = store.load_case(&case).await?.context("case")?.events;
    ensure!(events.len() as u64 == version + 1);
    let recorded = serde_json::to_value(&events[events.len() - 1])?;
    ensure!(
        recorded["crime_reference"] == "44/2026/0001" && recorded["classification"] == "8/71",
        "{recorded}"
    );

    // The same record again: nothing changes.
    let (status, body) = post(&app, &token, &r2).await?;
    ensure!(
        status == StatusCode::OK && body["result"] == "already_recorded",
        "{status} {body}"
    );
    ensure!(store.load_case(&case).await?.context("case")?.version == version + 1);

    // A crime reference no case has: kept for a person, never guessed.
    let (status, body) = post(
        &app,
        &token,
        &json!({"source": "niche", "record_id": "R-3", "crime_reference": "44/2026/9999"}),
    )
    .await?;
    ensure!(
        status == StatusCode::ACCEPTED && body["result"] == "unmatched",
        "{status} {body}"
    );
    let unmatched = store.unmatched(FORCE, 10).await?;
    ensure!(
        unmatched.len() == 1 && unmatched[0].record_id == "R-3",
        "{unmatched:?}"
    );

    // Once the victim's view is heard, the outcome is matched by the crime reference alone.
    let lead = actor("CI-0101", &[AccountRole::Staff, AccountRole::ForceLead]);
    app.state
        .app()
        .record_step(
            &lead,
            &case,
            None,
            None,
            pledge_domain::EventKind::VictimViewRecorded {
                view: "I want them charged.".into(),
            },
            now,
        )
        .await?;
    let (status, body) = post(
        &app,
        &token,
        &json!({"source": "niche", "record_id": "R-4", "crime_reference": "44/2026/0001",
                "outcome_type": 1}),
    )
    .await?;
    ensure!(status == StatusCode::CREATED, "{status} {body}");
    ensure!(
        body["steps"] == json!(["outcome_finalised"]) && body["case_id"] == case.to_string(),
        "{body}"
    );

    // The CSV import: the same records again change nothing; a new row is recorded, an
    // unknown reference listed, a row naming another crime reference refused.
    let file = format!(
        "record_id,pledge_reference,crime_reference,classification,outcome,recorded_on\n\
         R-2,{case},44/2026/0001,8/71,,\n\
         R-4,,44/2026/0001,,1,\n\
         R-5,,44/2026/7777,,,\n\
         R-6,{case},44/2026/0002,,,\n"
    );
    let m = Mapping::from_toml("[crimes]\nsource = \"niche\"\n").map_err(anyhow::Error::msg)?;
    let a = admin();
    let v = store.load_case(&case).await?.context("case")?.version;
    let r = app
        .state
        .app()
        .import_crimes(&a, file.as_bytes(), &m, false, now)
        .await?;
    ensure!(r.errors.is_empty(), "{}", r.errors);
    let results: Vec<Value> = r
        .rows
        .iter()
        .map(|row| serde_json::to_value(&row.outcome))
        .collect::<Result<_, _>>()?;
    ensure!(
        results
            .iter()
            .map(|o| o["result"].as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            == vec![
                "already_recorded",
                "already_recorded",
                "unmatched",
                "refused"
            ],
        "{results:?}"
    );
    ensure!(store.load_case(&case).await?.context("case")?.version == v);

    // A malformed crimes file records nothing.
    let bad = "record_id,crime_reference,outcome\nR-7,44/2026/0003,\nR-7,44/2026/0004,23\n";
    let r = app
        .state
        .app()
        .import_crimes(&a, bad.as_bytes(), &m, false, now)
        .await?;
    ensure!(
        r.errors.lines()
            == vec![
                "row 3, column \"record_id\": \"R-7\" is also on row 2: each record once",
                "row 3, column \"outcome\": \"23\" is not a Home Office outcome type (1 to 22)",
            ],
        "{:?}",
        r.errors
    );
    ensure!(r.rows.is_empty());

    // Nobody else: a person who is not an administrator, lead or investigator.
    let staff = sign_in(&app, "PC-4471").await?;
    let res = staff
        .client
        .post(app.api("/crimes"))
        .header("X-CSRF-Token", &staff.csrf)
        .json(&json!({"source": "niche", "record_id": "R-9", "crime_reference": "44/2026/0001"}))
        .send()
        .await?;
    ensure!(res.status() == StatusCode::FORBIDDEN, "{}", res.status());
    Ok(())
}
