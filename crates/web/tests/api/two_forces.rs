//! Two forces on one service: neither can take over the other's units, people or cases, a
//! missing force never means "all", and every list shows exactly what the single-case route
//! shows. Each test failed on the code before the fix (issue 8, holes 1 to 5).

use crate::harness::{Backend, TestApp};
use crate::seeded::{SignedIn, demo_app, new_assault, sign_in};
use anyhow::Context;
use pledge_app::accounts::token::{NewToken, create_token};
use pledge_app::accounts::{NewAccount, create_account};
use pledge_store::{AccountStore, Person, Store, Unit};
use pledge_web::demo::accounts::DEMO_PASSWORD;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

crate::both!(
    another_force_cannot_take_over_a_unit,
    another_force_cannot_overwrite_a_person,
    nobody_becomes_an_all_forces_administrator,
    a_new_case_names_only_units_and_people_of_the_force,
    lists_show_exactly_what_the_case_route_shows,
    edits_name_the_version_they_read,
    organisation_and_list_routes_by_caller,
    another_forces_callers_get_404_on_every_case_route
);

/// The second force.
const MERCIA: &str = "Mercia Police";

/// The demo force (Wessex) plus Mercia: two units, an inspector over both, a constable, and
/// an administrator (with two-factor, as administrators must).
async fn two_forces(backend: Backend, test: &str) -> anyhow::Result<Option<TestApp>> {
    let Some(app) = demo_app(backend, test).await? else {
        return Ok(None);
    };
    let store = app.store();
    for (id, parent) in [("mercia", None), ("mercia-north", Some("mercia"))] {
        store
            .upsert_unit(&Unit {
                id: id.into(),
                name: format!("Mercia {id}"),
                force: MERCIA.into(),
                parent: parent.map(Into::into),
            })
            .await?;
    }
    for (id, unit, roles) in [
        ("INSP-9100", "mercia", vec!["staff", "inspector"]),
        ("PC-9001", "mercia-north", vec!["staff"]),
        ("ADM-9900", "mercia", vec!["staff", "administrator"]),
    ] {
        store
            .upsert_person(&Person {
                id: id.into(),
                name: format!("Mercia {id}"),
                email: None,
                workforce_role: Some("officer".into()),
                unit: Some(unit.into()),
                line_manager: None,
                staff_association: Some("federation".into()),
            })
            .await?;
        create_account(
            store,
            NewAccount {
                person_id: id.into(),
                roles: roles.into_iter().map(Into::into).collect(),
                password: Some(DEMO_PASSWORD.into()),
                created_by: "test".into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("account {id}: {e}"))?;
    }
    let mut admin = store.account("ADM-9900").await?.context("ADM-9900")?;
    admin.totp_secret = Some(pledge_app::accounts::totp::new_secret());
    anyhow::ensure!(
        store.update_account(&admin).await?,
        "ADM-9900 changed meanwhile"
    );
    Ok(Some(app))
}

/// A token of a force with scopes.
async fn token(app: &TestApp, force: &str, scopes: &[&str]) -> anyhow::Result<String> {
    let created = create_token(
        app.store(),
        NewToken {
            name: format!("t-{}-{}", force.len(), scopes.join("-").replace(':', "_")),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            force: force.into(),
            created_by: "test".into(),
        },
        app.state.now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(created.token)
}

/// A request with a bearer token; status and JSON body.
async fn with_token(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut req = app
        .client()
        .request(method, app.api(path))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await?;
    let status = res.status();
    Ok((status, res.json().await.unwrap_or(Value::Null)))
}

/// PUT with the session's CSRF token.
async fn put(s: &SignedIn, app: &TestApp, path: &str, body: &Value) -> anyhow::Result<StatusCode> {
    Ok(s.client
        .put(app.api(path))
        .header("X-CSRF-Token", &s.csrf)
        .json(body)
        .send()
        .await?
        .status())
}

async fn another_force_cannot_take_over_a_unit(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = two_forces(backend, "unit_takeover").await? else {
        return Ok(());
    };
    let hr = token(&app, MERCIA, &["people:write"]).await?;
    let (status, body) = with_token(
        &app,
        &hr,
        reqwest::Method::PUT,
        "/units/north-response",
        Some(&json!({"name": "Ours now", "parent": "mercia"})),
    )
    .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "id", "{body}");
    let units = app.store().units().await?;
    let unit = units
        .iter()
        .find(|u| u.id == "north-response")
        .context("unit")?;
    assert_eq!(
        (
            unit.force.as_str(),
            unit.name.as_str(),
            unit.parent.as_deref()
        ),
        (
            "Wessex Constabulary",
            "Northern Response Team 2",
            Some("north")
        ),
        "the unit is untouched"
    );
    // And Mercia's inspector still cannot see Wessex's cases or their access log.
    let insp = sign_in(&app, "INSP-9100").await?;
    for path in ["/cases/WX-2026-0101", "/cases/WX-2026-0101/access-log"] {
        let (status, _) = insp.get(&app.api(path)).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    Ok(())
}

async fn another_force_cannot_overwrite_a_person(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = two_forces(backend, "person_takeover").await? else {
        return Ok(());
    };
    let before = app.store().person("PC-4410").await?.context("PC-4410")?;
    let hr = token(&app, MERCIA, &["people:write"]).await?;
    for body in [
        json!({"name": "Renamed", "unit": "mercia-north"}),
        json!({"name": "Renamed", "unit": null}),
        json!({"name": "Renamed", "unit": "north-response"}),
    ] {
        let (status, answer) = with_token(
            &app,
            &hr,
            reqwest::Method::PUT,
            "/people/PC-4410",
            Some(&body),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
    }
    assert_eq!(
        app.store().person("PC-4410").await?.as_ref(),
        Some(&before),
        "the person is untouched"
    );
    Ok(())
}

async fn nobody_becomes_an_all_forces_administrator(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = two_forces(backend, "no_all_forces").await? else {
        return Ok(());
    };
    let admin = sign_in(&app, "ADM-9000").await?;
    // Detaching oneself from every unit is refused, naming the field.
    let res = admin
        .client
        .put(app.api("/people/ADM-9000"))
        .header("X-CSRF-Token", &admin.csrf)
        .json(&json!({"name": "Admin", "unit": null}))
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await?;
    assert_eq!(body["errors"][0]["field"], "unit", "{body}");
    // A person who nonetheless has no force (e.g. their unit was never loaded) may
    // administer nothing, in no force.
    app.store()
        .upsert_person(&Person {
            id: "ADM-0000".into(),
            name: "Forceless".into(),
            email: None,
            workforce_role: Some("staff".into()),
            unit: None,
            line_manager: None,
            staff_association: None,
        })
        .await?;
    create_account(
        app.store(),
        NewAccount {
            person_id: "ADM-0000".into(),
            roles: vec!["staff".into(), "administrator".into()],
            password: Some(DEMO_PASSWORD.into()),
            created_by: "test".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut account = app.store().account("ADM-0000").await?.context("account")?;
    account.totp_secret = Some(pledge_app::accounts::totp::new_secret());
    anyhow::ensure!(
        app.store().update_account(&account).await?,
        "ADM-0000 changed meanwhile"
    );
    let forceless = sign_in(&app, "ADM-0000").await?;
    for path in ["/people", "/units", "/cases", "/overdue"] {
        let (status, body) = forceless.get(&app.api(path)).await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    assert_eq!(
        put(
            &forceless,
            &app,
            "/units/anywhere",
            &json!({"name": "Anywhere"})
        )
        .await?,
        StatusCode::FORBIDDEN
    );
    Ok(())
}

async fn a_new_case_names_only_units_and_people_of_the_force(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = two_forces(backend, "new_case_names").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let long = "u".repeat(10_000);
    let cases_before = app.store().case_ids(None, 1000).await?.len();
    for (change, field) in [
        (json!({"unit": "mercia-north"}), "unit"),
        (json!({"unit": long}), "unit"),
        (json!({"unit": "no-such-unit"}), "unit"),
        (json!({"supervisor": "NOBODY-1"}), "supervisor"),
        (json!({"supervisor": "INSP-9100"}), "supervisor"),
    ] {
        let mut body = new_assault("PC-4410");
        for (k, v) in change.as_object().context("object")? {
            body[k] = v.clone();
        }
        let (status, answer) = sgt.post(&app.api("/cases"), &body).await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {answer}"
        );
        assert_eq!(answer["errors"][0]["field"], field, "{change}: {answer}");
    }
    for victim in ["NOBODY-2", "PC-9001"] {
        let (status, answer) = sgt.post(&app.api("/cases"), &new_assault(victim)).await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{victim}: {answer}"
        );
        assert_eq!(
            answer["errors"][0]["field"], "victims[0].person",
            "{answer}"
        );
    }
    // Mercia's crime system cannot record into Wessex either.
    let crime = token(&app, MERCIA, &["cases:write"]).await?;
    let (status, _) = with_token(
        &app,
        &crime,
        reqwest::Method::POST,
        "/cases",
        Some(&new_assault("PC-4410")),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.store().case_ids(None, 1000).await?.len(),
        cases_before,
        "nothing was recorded"
    );
    // The officer in the case must be of the force too.
    let (status, answer) = sgt
        .post(
            &app.api("/cases/WX-2026-0101/steps/oic_assigned"),
            &json!({"officer": "INSP-9100"}),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["errors"][0]["field"], "officer", "{answer}");
    Ok(())
}

async fn lists_show_exactly_what_the_case_route_shows(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = two_forces(backend, "lists_equal_routes").await? else {
        return Ok(());
    };
    // A Mercia case too, so each force has cases the other must not see.
    let mercia_admin_token = token(&app, MERCIA, &["cases:write", "cases:read"]).await?;
    let mut mercia_case = new_assault("PC-9001");
    mercia_case["force"] = json!(MERCIA);
    mercia_case["unit"] = json!("mercia-north");
    mercia_case["supervisor"] = json!("INSP-9100");
    let (status, answer) = with_token(
        &app,
        &mercia_admin_token,
        reqwest::Method::POST,
        "/cases",
        Some(&mercia_case),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{answer}");

    let all = app.store().case_ids(None, 10_000).await?;
    let now = app.state.now();
    let mut people: Vec<String> = pledge_web::demo::force::people()
        .into_iter()
        .map(|p| p.person.id)
        .collect();
    people.extend(["INSP-9100", "PC-9001", "ADM-9900"].map(String::from));
    let mut checked_lists = 0;
    let mut people_with_cases = 0;
    for who in &people {
        let s = sign_in(&app, who).await?;
        let mut viewable = BTreeSet::new();
        for id in &all {
            let (status, _) = s.get(&app.api(&format!("/cases/{id}"))).await?;
            match status {
                StatusCode::OK => {
                    viewable.insert(id.to_string());
                }
                StatusCode::NOT_FOUND | StatusCode::FORBIDDEN => {}
                other => anyhow::bail!("{who} GET /cases/{id}: {other}"),
            }
        }
        let (status, list) = s.get(&app.api("/cases?limit=500")).await?;
        let listed: BTreeSet<String> = if status == StatusCode::OK {
            list["cases"]
                .as_array()
                .context("cases")?
                .iter()
                .filter_map(|c| c["case_id"].as_str().map(String::from))
                .collect()
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {list}");
            BTreeSet::new()
        };
        assert_eq!(
            listed, viewable,
            "{who}: the list shows what GET /cases/{{id}} shows"
        );
        if !listed.is_empty() {
            people_with_cases += 1;
        }
        // The overdue list: only viewable cases, and every overdue obligation of them.
        let (status, overdue) = s.get(&app.api("/overdue")).await?;
        if status == StatusCode::OK {
            let rows: BTreeSet<(String, String, u64)> = overdue["overdue"]
                .as_array()
                .context("overdue")?
                .iter()
                .map(|t| {
                    (
                        t["case_id"].as_str().unwrap_or_default().to_owned(),
                        t["obligation_id"].as_str().unwrap_or_default().to_owned(),
                        t["instance"].as_u64().unwrap_or_default(),
                    )
                })
                .collect();
            let mut want = BTreeSet::new();
            for id in &viewable {
                let id = pledge_store::CaseId::parse(id).map_err(anyhow::Error::msg)?;
                let open = app
                    .store()
                    .summary(&id)
                    .await?
                    .is_some_and(|s| s.status == "open");
                for r in app.store().case_obligations(&id).await? {
                    if open
                        && r.status == pledge_store::RowStatus::Open
                        && r.due_at.is_some_and(|d| d < now)
                    {
                        want.insert((
                            r.case_id.to_string(),
                            r.obligation_id,
                            u64::from(r.instance),
                        ));
                    }
                }
            }
            assert_eq!(rows, want, "{who}: the overdue list");
            checked_lists += 1;
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {overdue}");
        }
    }
    assert!(checked_lists >= 4, "managers' overdue lists were compared");
    assert!(
        people_with_cases >= 5,
        "non-empty lists were compared, not only empty ones: {people_with_cases}"
    );
    Ok(())
}

async fn edits_name_the_version_they_read(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = two_forces(backend, "org_versions").await? else {
        return Ok(());
    };
    let hr = token(&app, MERCIA, &["people:write"]).await?;
    let res = app
        .client()
        .get(app.api("/units/mercia-north"))
        .bearer_auth(&hr)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .context("ETag")?
        .to_owned();
    let put = |tag: String, name: &'static str| {
        app.client()
            .put(app.api("/units/mercia-north"))
            .bearer_auth(&hr)
            .header("If-Match", tag)
            .json(&json!({"name": name, "parent": "mercia"}))
            .send()
    };
    let first = put(etag.clone(), "North Mercia").await?;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    let stale = put(etag, "Lost update").await?;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let units = app.store().units().await?;
    assert!(
        units
            .iter()
            .any(|u| u.id == "mercia-north" && u.name == "North Mercia"),
        "the first edit stands, the stale one changed nothing"
    );
    Ok(())
}

/// The organisation and list routes, on Wessex's data, for callers of both forces.
const ORG_ROUTES: [(&str, &str); 8] = [
    ("GET", "/people"),
    ("GET", "/people/PC-4410"),
    ("PUT", "/people/PC-4410"),
    ("GET", "/units"),
    ("GET", "/units/north-response"),
    ("PUT", "/units/north-response"),
    ("GET", "/cases"),
    ("GET", "/overdue"),
];

const OK: u16 = 200;
const SAVED: u16 = 204;
const NO: u16 = 403;
const HID: u16 = 404;
const BAD: u16 = 422;
const ANON: u16 = 401;

/// (caller, expected status per route of ORG_ROUTES). The PUTs send the row's current
/// values, so an allowed one changes nothing; Mercia's callers are refused at the unit or
/// parent, which is not of their force (422), and never see Wessex's rows (404).
#[rustfmt::skip]
const ORG_TABLE: [(&str, [u16; 8]); 12] = [
    ("PC-4410",        [NO,  NO,  NO,    OK, OK,  NO,    OK, NO]),
    ("PS-2231",        [OK,  OK,  NO,    OK, OK,  NO,    OK, NO]),
    ("INSP-1107",      [OK,  OK,  NO,    OK, OK,  NO,    OK, OK]),
    ("CI-0101",        [OK,  OK,  NO,    OK, OK,  NO,    OK, OK]),
    ("ADM-9000",       [OK,  OK,  SAVED, OK, OK,  SAVED, OK, OK]),
    ("AN-5005",        [NO,  NO,  NO,    OK, OK,  NO,    OK, NO]),
    ("INSP-9100",      [OK,  HID, NO,    OK, HID, NO,    OK, OK]),
    ("ADM-9900",       [OK,  HID, BAD,   OK, HID, BAD,   OK, OK]),
    ("token:W:people", [OK,  OK,  SAVED, OK, OK,  SAVED, NO, NO]),
    ("token:W:cases",  [NO,  NO,  NO,    OK, OK,  NO,    OK, OK]),
    ("token:M:people", [OK,  HID, BAD,   OK, HID, BAD,   NO, NO]),
    ("anonymous",      [ANON; 8]),
];

async fn organisation_and_list_routes_by_caller(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = two_forces(backend, "org_matrix").await? else {
        return Ok(());
    };
    let person = json!({"name": "PC Tom Reed", "email": "pc-4410@wessex.police.example",
        "workforce_role": "officer", "unit": "north-response", "line_manager": "PS-2231",
        "staff_association": "federation"});
    let unit = json!({"name": "Northern Response Team 2", "parent": "north"});
    let wessex = pledge_web::demo::force::FORCE;
    let mut wrong = Vec::new();
    for (who, expected) in ORG_TABLE {
        // (bearer token, signed-in session)
        let (bearer, session) = match who {
            "anonymous" => (None, None),
            "token:W:people" => (Some(token(&app, wessex, &["people:write"]).await?), None),
            "token:W:cases" => (Some(token(&app, wessex, &["cases:read"]).await?), None),
            "token:M:people" => (Some(token(&app, MERCIA, &["people:write"]).await?), None),
            person => (None, Some(sign_in(&app, person).await?)),
        };
        for ((method, path), want) in ORG_ROUTES.iter().zip(expected) {
            let client = session
                .as_ref()
                .map(|s| s.client.clone())
                .unwrap_or_else(|| app.client());
            let mut req = match *method {
                "GET" => client.get(app.api(path)),
                _ => client
                    .put(app.api(path))
                    .json(if path.starts_with("/people") {
                        &person
                    } else {
                        &unit
                    }),
            };
            if let Some(t) = &bearer {
                req = req.bearer_auth(t);
            }
            if let Some(s) = &session {
                req = req.header("X-CSRF-Token", &s.csrf);
            }
            let res = req.send().await?;
            let got = res.status().as_u16();
            if got != want {
                let body = res.text().await.unwrap_or_default();
                wrong.push(format!(
                    "{who} {method} {path}: got {got}, want {want}: {body}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    Ok(())
}

/// Every case route of the access table (`access.rs`), on a Wessex case, for Mercia's people
/// and systems: the case does not exist for them (404), whatever their role or scope, and
/// nothing is recorded.
async fn another_forces_callers_get_404_on_every_case_route(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = two_forces(backend, "case_routes_other_force").await? else {
        return Ok(());
    };
    let case = pledge_store::CaseId::parse("WX-2026-0101").map_err(anyhow::Error::msg)?;
    let before = app.store().load_case(&case).await?.context("case")?.version;
    let mut wrong = Vec::new();
    for who in [
        "INSP-9100",
        "ADM-9900",
        "PC-9001",
        "token:read",
        "token:write",
    ] {
        let (bearer, session) = match who {
            "token:read" => (Some(token(&app, MERCIA, &["cases:read"]).await?), None),
            "token:write" => (Some(token(&app, MERCIA, &["cases:write"]).await?), None),
            person => (None, Some(sign_in(&app, person).await?)),
        };
        for (method, path, body) in crate::access::ROUTES {
            let client = session
                .as_ref()
                .map(|s| s.client.clone())
                .unwrap_or_else(|| app.client());
            let mut req = if method == "GET" {
                client.get(app.api(path))
            } else {
                client
                    .post(app.api(path))
                    .header("content-type", "application/json")
                    .body(body.to_owned())
            };
            if let Some(t) = &bearer {
                req = req.bearer_auth(t);
            }
            if let Some(s) = &session {
                req = req.header("X-CSRF-Token", &s.csrf);
            }
            let got = req.send().await?.status();
            if got != StatusCode::NOT_FOUND {
                wrong.push(format!("{who} {method} {path}: {got}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        app.store().load_case(&case).await?.context("case")?.version,
        before,
        "nothing was recorded"
    );
    Ok(())
}
