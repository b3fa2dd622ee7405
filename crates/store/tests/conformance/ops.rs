//! Migrations, backup, organisation data and the query plans of the hot queries.

use crate::fixtures::{Fixtures, at};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use pledge_store::{Headcount, MeetingDate, Person, Store, StoreError, Unit};

crate::conformance!(
    migrations_are_idempotent_and_refuse_newer,
    backup_is_a_verified_copy,
    organisation_data,
    hot_queries_use_indexes,
);

async fn migrations_are_idempotent_and_refuse_newer<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    db.migrate().await?;
    db.migrate().await?;
    let fx = Fixtures::new()?;
    fx.write(&db.store, &fx.case("btp-railway-spit", "M-1", 4)?, 2)
        .await?;
    db.migrate().await?;
    ensure!(db.verify().await?.problems.is_empty());
    db.raw(S::FUTURE_MIGRATION).await?;
    match db.migrate().await {
        Err(StoreError::TooNew(99990001)) => {}
        other => anyhow::bail!("a newer database is refused, got {other:?}"),
    }
    // Another server opening it is refused as well.
    let other = S::connect(&db.url).await?;
    ensure!(matches!(other.migrate().await, Err(StoreError::TooNew(_))));
    Ok(())
}

async fn backup_is_a_verified_copy<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    fx.write_corpus(&db.store).await?;
    let path = std::env::temp_dir().join(format!(
        "pledge-backup-{}-{}.db",
        S::NAME,
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let result = db.backup(&path).await;
    if S::NAME != "sqlite" {
        ensure!(
            matches!(result, Err(StoreError::Unsupported(_))),
            "PostgreSQL backups are pg_dump's job"
        );
        return Ok(());
    }
    result?;
    let original = db.verify().await?;
    let copy = pledge_store::open(&format!("sqlite://{}", path.display())).await?;
    copy.migrate().await?;
    let copied = copy.verify().await?;
    drop(copy);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    ensure!(copied.problems.is_empty(), "{:?}", copied.problems);
    ensure!(copied.head == original.head && copied.access_head == original.access_head);
    ensure!(copied.events == original.events);
    // Never over an existing file.
    let existing =
        std::env::temp_dir().join(format!("pledge-backup-existing-{}.db", std::process::id()));
    std::fs::write(&existing, b"x")?;
    let refused = db.backup(&existing).await;
    let _ = std::fs::remove_file(&existing);
    ensure!(matches!(refused, Err(StoreError::Invalid(_))));
    Ok(())
}

async fn organisation_data<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let mut p = Person {
        id: "PC-4410".into(),
        name: "Alex Smith".into(),
        email: Some("alex.smith@example.police.uk".into()),
        workforce_role: Some("officer".into()),
        unit: Some("SOU-C".into()),
        line_manager: Some("PS-2231".into()),
        staff_association: Some("federation".into()),
    };
    db.upsert_person(&p).await?;
    let q = Person {
        id: "PS-2231".into(),
        name: "Sam Jones".into(),
        email: None,
        workforce_role: None,
        unit: None,
        line_manager: None,
        staff_association: None,
    };
    db.upsert_person(&q).await?;
    p.name = "Alex Smith-Brown".into();
    p.email = None;
    db.upsert_person(&p).await?;
    ensure!(
        db.person("PC-4410").await? == Some(p.clone()),
        "upsert replaces"
    );
    ensure!(db.person("nobody").await?.is_none());
    ensure!(db.people().await? == vec![p, q], "people by id");

    let top = Unit {
        id: "HQ".into(),
        name: "Headquarters".into(),
        force: "Hampshire".into(),
        parent: None,
    };
    let mut sou = Unit {
        id: "SOU-C".into(),
        name: "Southampton".into(),
        force: "Hampshire".into(),
        parent: Some("HQ".into()),
    };
    db.upsert_unit(&sou).await?;
    db.upsert_unit(&top).await?;
    sou.name = "Southampton Central".into();
    db.upsert_unit(&sou).await?;
    ensure!(db.units().await? == vec![top, sou]);

    let m = |unit: &str, t: &str| MeetingDate {
        calendar: "trm".into(),
        unit: unit.into(),
        at: at(t),
    };
    for meeting in [
        m("SOU-C", "2026-12-01T10:00:00Z"),
        m("HQ", "2026-11-20T10:00:00Z"),
        m("SOU-C", "2026-11-03T10:00:00Z"),
    ] {
        db.add_meeting(&meeting).await?;
    }
    db.add_meeting(&m("SOU-C", "2026-11-03T10:00:00Z")).await?; // twice is once
    db.add_meeting(&MeetingDate {
        calendar: "other".into(),
        unit: "HQ".into(),
        at: at("2026-11-01T00:00:00Z"),
    })
    .await?;
    ensure!(
        db.meetings("trm", Some("SOU-C")).await?
            == vec![
                m("SOU-C", "2026-11-03T10:00:00Z"),
                m("SOU-C", "2026-12-01T10:00:00Z")
            ]
    );
    ensure!(
        db.meetings("trm", None)
            .await?
            .iter()
            .map(|x| x.unit.as_str())
            .collect::<Vec<_>>()
            == ["SOU-C", "HQ", "SOU-C"]
    );
    ensure!(db.meetings("none", None).await?.is_empty());
    // Removing takes exactly that date of that unit on that calendar, once.
    ensure!(
        db.remove_meeting(&m("SOU-C", "2026-11-03T10:00:00Z"))
            .await?
    );
    ensure!(
        !db.remove_meeting(&m("SOU-C", "2026-11-03T10:00:00Z"))
            .await?
    );
    ensure!(!db.remove_meeting(&m("HQ", "2026-12-01T10:00:00Z")).await?);
    ensure!(db.meetings("trm", Some("SOU-C")).await? == vec![m("SOU-C", "2026-12-01T10:00:00Z")]);
    ensure!(db.meetings("other", None).await?.len() == 1);

    // Headcounts per unit, date and role: a figure holds from its date until the next one.
    let h = |unit: &str, on: &str, role: &str, count: u32| Headcount {
        force: "Hampshire".into(),
        unit: unit.into(),
        on: on.parse().unwrap_or_default(),
        role: role.into(),
        count,
    };
    for x in [
        h("SOU-C", "2025-04-01", "officer", 400),
        h("SOU-C", "2026-04-01", "officer", 410),
        h("SOU-C", "2026-04-01", "staff", 120),
        h("HQ", "2026-01-01", "officer", 900),
        h("SOU-C", "2026-04-01", "officer", 420), // replaces 410
        h("SOU-C", "2027-04-01", "officer", 999), // not yet
    ] {
        db.set_headcount(&x).await?;
    }
    ensure!(
        db.headcounts_on("Hampshire", "2026-06-30".parse()?).await?
            == vec![
                h("HQ", "2026-01-01", "officer", 900),
                h("SOU-C", "2026-04-01", "officer", 420),
                h("SOU-C", "2026-04-01", "staff", 120),
            ]
    );
    ensure!(
        db.headcounts_on("Hampshire", "2025-12-31".parse()?).await?
            == vec![h("SOU-C", "2025-04-01", "officer", 400)]
    );
    // Another force sees none of them; a unit of another force, an unknown unit or an
    // unknown role is refused naming the field, and nothing is written.
    ensure!(
        db.headcounts_on("Wessex", "2026-06-30".parse()?)
            .await?
            .is_empty()
    );
    let mut other = h("SOU-C", "2026-05-01", "officer", 1);
    other.force = "Wessex".into();
    ensure!(
        matches!(db.set_headcount(&other).await, Err(StoreError::Refused { field, .. }) if field == "unit")
    );
    ensure!(
        matches!(db.set_headcount(&h("NOWHERE", "2026-05-01", "officer", 1)).await, Err(StoreError::Refused { field, .. }) if field == "unit")
    );
    ensure!(
        matches!(db.set_headcount(&h("SOU-C", "2026-05-01", "sergeant", 1)).await, Err(StoreError::Refused { field, .. }) if field == "role")
    );
    ensure!(
        db.headcounts_on("Hampshire", "2026-06-30".parse()?)
            .await?
            .len()
            == 3
    );
    Ok(())
}

async fn hot_queries_use_indexes<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    fx.write_corpus(&db.store).await?;
    let plans = db.explain().await?;
    ensure!(plans.len() >= 3);
    for (name, plan) in &plans {
        if std::env::var_os("PLEDGE_TEST_SHOW").is_some() {
            eprintln!("{} {name}:\n{plan}", S::NAME);
        }
        let ok = if S::NAME == "sqlite" {
            // A SEARCH on a partial index, in index order: no table scan, no sort.
            plan.contains("SEARCH obligation USING INDEX obligation_")
                && !plan.contains("TEMP B-TREE")
                && !plan.contains("SCAN obligation")
        } else {
            plan.contains("Index Scan using obligation_")
                && !plan.contains("Sort")
                && !plan.contains("Seq Scan")
        };
        ensure!(
            ok,
            "{}: {name} is not an index range scan in order:\n{plan}",
            S::NAME
        );
    }
    let _ = plans
        .iter()
        .find(|(n, _)| n.starts_with("overdue"))
        .context("overdue explained")?;
    Ok(())
}
