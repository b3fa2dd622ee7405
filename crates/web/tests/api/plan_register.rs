//! A force's own plan version put in force (issue 12): checked with line and column, previewed
//! against the plan in force, installed from a day; new cases open under it, open cases stay
//! under theirs; another force neither sees nor uses it.

use crate::harness::{Backend, TestApp};
use crate::seeded::{demo_app, new_assault, sign_in};
use anyhow::Context;
use reqwest::StatusCode;
use serde_json::json;

crate::both!(
    a_force_installs_its_own_plan_and_new_cases_open_under_it,
    plan_files_with_problems_name_line_and_column,
    only_the_force_and_its_managers_use_its_plan,
    the_overview_names_points_of_cases_held_to_an_earlier_plan
);

/// Op Hampshire as a force's own plan, with one deadline changed.
fn own_plan(id: &str, version: u32) -> String {
    let text = include_str!("../../../../plans/op-hampshire.toml");
    text.replacen("id = \"op-hampshire\"", &format!("id = \"{id}\""), 1)
        .replacen("version = 1", &format!("version = {version}"), 1)
        .replacen("title = \"", "title = \"Wessex ", 1)
}

fn today(app: &TestApp) -> String {
    app.state.app().today(app.state.now()).to_string()
}

async fn a_force_installs_its_own_plan_and_new_cases_open_under_it(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "plan_install").await? else {
        return Ok(());
    };
    let lead = sign_in(&app, "CI-0101").await?;
    let (status, before) = lead.get(&app.api("/plans-in-force")).await?;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(before["in_force"]["id"], "op-hampshire", "{before}");

    // An open case, recorded under the plan in force before.
    let pc = sign_in(&app, "PC-4410").await?;
    let (status, old_case) = pc.post(&app.api("/cases"), &new_assault("PC-4410")).await?;
    assert_eq!(status, StatusCode::CREATED, "{old_case}");
    let old_id = old_case["case_id"].as_str().context("case_id")?.to_owned();

    let source = own_plan("wessex-op-hampshire", 1);
    let (status, preview) = lead
        .post(&app.api("/plan-previews"), &json!({ "source": source }))
        .await?;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["plan"]["id"], "wessex-op-hampshire");
    assert_eq!(preview["in_force"]["id"], "op-hampshire");
    assert!(
        preview["changes"].as_array().is_some_and(|c| c
            .iter()
            .any(|c| c["what"].as_str().is_some_and(|w| w.contains("Wessex")))),
        "the title change is listed: {preview}"
    );
    // Nothing recorded by a preview.
    let (_, still) = lead.get(&app.api("/plans-in-force")).await?;
    assert_eq!(still["history"], json!([]), "{still}");

    // From a day past: refused, naming the field.
    let (status, body) = lead
        .post(
            &app.api("/plans"),
            &json!({ "source": source, "effective_from": "2020-01-01" }),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "effective_from", "{body}");

    // From today: in force at once.
    let (status, schedule) = lead
        .post(
            &app.api("/plans"),
            &json!({ "source": source, "effective_from": today(&app) }),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{schedule}");
    assert_eq!(
        schedule["in_force"]["id"], "wessex-op-hampshire",
        "{schedule}"
    );
    assert_eq!(schedule["history"][0]["installed"], true);

    let (status, new_case) = pc.post(&app.api("/cases"), &new_assault("PC-4410")).await?;
    assert_eq!(status, StatusCode::CREATED, "{new_case}");
    let new_id = new_case["case_id"].as_str().context("case_id")?;
    let (_, new_read) = lead.get(&app.api(&format!("/cases/{new_id}"))).await?;
    assert_eq!(
        new_read["summary"]["plan_id"], "wessex-op-hampshire",
        "{new_read}"
    );
    let (_, old_read) = lead.get(&app.api(&format!("/cases/{old_id}"))).await?;
    assert_eq!(
        old_read["summary"]["plan_id"], "op-hampshire",
        "an open case keeps its plan: {old_read}"
    );

    // The same version with another text is refused; a new version from a later day waits.
    let changed = source.replacen("Wessex ", "Wessex changed ", 1);
    let (status, body) = lead
        .post(
            &app.api("/plans"),
            &json!({ "source": changed, "effective_from": today(&app) }),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "version", "{body}");
    let later = app
        .state
        .app()
        .today(app.state.now())
        .checked_add(jiff::Span::new().days(7))?
        .to_string();
    let (status, schedule) = lead
        .post(
            &app.api("/plans"),
            &json!({ "source": own_plan("wessex-op-hampshire", 2), "effective_from": later }),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{schedule}");
    assert_eq!(schedule["in_force"]["version"], 1, "{schedule}");
    assert_eq!(schedule["upcoming"][0]["plan"]["version"], 2, "{schedule}");

    // Putting a built-in plan back in force, from today.
    let (status, schedule) = lead
        .post(
            &app.api("/plans-in-force"),
            &json!({ "plan_id": "essex", "version": 1, "effective_from": today(&app) }),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{schedule}");
    assert_eq!(schedule["in_force"]["id"], "essex", "{schedule}");
    Ok(())
}

async fn plan_files_with_problems_name_line_and_column(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "plan_problems").await? else {
        return Ok(());
    };
    let lead = sign_in(&app, "CI-0101").await?;
    let bad = own_plan("wessex-op-hampshire", 1).replacen("version = 1", "version = \"one\"", 1);
    let (status, body) = lead
        .post(&app.api("/plan-previews"), &json!({ "source": bad }))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = body["errors"][0]["message"].as_str().context("message")?;
    assert!(
        message.starts_with("line ") && message.contains("column"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["field"], "source");

    // A built-in plan's id is not a force's own.
    let (status, body) = lead
        .post(
            &app.api("/plans"),
            &json!({ "source": include_str!("../../../../plans/btp.toml"), "effective_from": today(&app) }),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "id", "{body}");
    for bad_body in [
        json!({ "source": "x" }),
        json!({ "source": own_plan("a-b", 1), "effective_from": "29/11/2026" }),
        json!({ "source": 1, "effective_from": today(&app) }),
    ] {
        let (status, body) = lead.post(&app.api("/plans"), &bad_body).await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad_body}: {body}"
        );
    }
    let (_, schedule) = lead.get(&app.api("/plans-in-force")).await?;
    assert_eq!(
        schedule["history"],
        json!([]),
        "nothing recorded: {schedule}"
    );
    Ok(())
}

async fn only_the_force_and_its_managers_use_its_plan(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "plan_forces").await? else {
        return Ok(());
    };
    let source = own_plan("wessex-op-hampshire", 1);
    // A constable and an inspector may not install.
    for who in ["PC-4410", "PS-2231"] {
        let s = sign_in(&app, who).await?;
        let (status, body) = s
            .post(
                &app.api("/plans"),
                &json!({ "source": source, "effective_from": today(&app) }),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
        let (status, _) = s
            .post(&app.api("/plan-previews"), &json!({ "source": source }))
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let admin = sign_in(&app, "ADM-9000").await?;
    let (status, body) = admin
        .post(
            &app.api("/plans"),
            &json!({ "source": source, "effective_from": today(&app) }),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Another force: an administrator of Mercia, in the same database.
    mercia_admin(&app).await?;
    let mercia = sign_in(&app, "ADM-9900").await?;
    let (status, plans) = mercia.get(&app.api("/plans")).await?;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = plans
        .as_array()
        .context("list")?
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert!(!ids.contains(&"wessex-op-hampshire"), "{ids:?}");
    assert!(ids.contains(&"op-hampshire"), "{ids:?}");
    let (status, _) = mercia.get(&app.api("/plans/wessex-op-hampshire")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = mercia
        .post(
            &app.api("/plans"),
            &json!({ "source": own_plan("wessex-op-hampshire", 2), "effective_from": today(&app) }),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "id", "{body}");
    assert!(
        !body.to_string().contains("Wessex"),
        "the other force is not named: {body}"
    );
    let (status, body) = mercia
        .post(
            &app.api("/plans-in-force"),
            &json!({ "plan_id": "wessex-op-hampshire", "version": 1, "effective_from": today(&app) }),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Mercia's plan in force is still Pledge's default.
    let (_, schedule) = mercia.get(&app.api("/plans-in-force")).await?;
    assert_eq!(schedule["in_force"]["id"], "op-hampshire", "{schedule}");
    Ok(())
}

/// A second force with an administrator (two-factor set up, as administrators must).
async fn mercia_admin(app: &TestApp) -> anyhow::Result<()> {
    use pledge_store::{AccountStore, Person, Store, Unit};
    let store = app.store();
    store
        .upsert_unit(&Unit {
            id: "mercia".into(),
            name: "Mercia HQ".into(),
            force: "Mercia Police".into(),
            parent: None,
        })
        .await?;
    store
        .upsert_person(&Person {
            id: "ADM-9900".into(),
            name: "Mercia administrator".into(),
            email: None,
            workforce_role: Some("staff".into()),
            unit: Some("mercia".into()),
            line_manager: None,
            staff_association: None,
        })
        .await?;
    pledge_app::accounts::create_account(
        store,
        pledge_app::accounts::NewAccount {
            person_id: "ADM-9900".into(),
            roles: vec!["staff".into(), "administrator".into()],
            password: Some(pledge_web::demo::accounts::DEMO_PASSWORD.into()),
            created_by: "test".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut admin = store.account("ADM-9900").await?.context("ADM-9900")?;
    admin.totp_secret = Some(pledge_app::accounts::totp::new_secret());
    anyhow::ensure!(store.update_account(&admin).await?, "changed meanwhile");
    Ok(())
}

/// Cases held to the plan a force used before keep their points' titles on the leadership
/// overview when the plan now in force numbers its points differently.
async fn the_overview_names_points_of_cases_held_to_an_earlier_plan(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "plan_overview_names").await? else {
        return Ok(());
    };
    let lead = sign_in(&app, "CI-0101").await?;
    // BTP's plan numbers its points 1 to 7; the demo's cases follow Op Hampshire (a to g).
    let (status, schedule) = lead
        .post(
            &app.api("/plans-in-force"),
            &json!({ "plan_id": "btp", "version": 1, "effective_from": today(&app) }),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{schedule}");
    let page = lead
        .client
        .get(app.url("/overview"))
        .send()
        .await?
        .text()
        .await?;
    let points: Vec<&str> = page
        .split("data-label=\"Point\">")
        .skip(1)
        .filter_map(|cell| cell.split("</td>").next())
        .collect();
    assert!(!points.is_empty(), "the demo has overdue work: {page}");
    // No demo case is held to BTP's plan: none of its points' titles may name a cell (its
    // point 3 is not West Midlands' point 3, nor is any of its points Op Hampshire's).
    let btp = pledge_domain::PlanLibrary::builtin()?;
    let btp = btp.get("btp", 1).context("BTP's plan")?;
    for point in &points {
        assert!(
            point.contains(". "),
            "a point named by its code alone: {point:?}"
        );
        assert!(
            !btp.points.iter().any(|p| point.contains(&p.title)),
            "a point named from the plan in force, not the case's own: {point:?}"
        );
    }
    assert!(
        points.iter().any(
            |p| p.contains("Investigated with the same care as any assault")
                || p.contains("The Victim Code applies")
                || p.contains("Never investigate their own assault")
        ),
        "Op Hampshire's point titles: {points:?}"
    );
    Ok(())
}
