//! `GET /api/v1/colleagues`: a constable finds colleagues by name or collar number (those of
//! the unit first), sees only name, collar number, unit and workforce role, never another
//! force's people; bad searches are refused naming `q`; every search is in the access log.

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use pledge_store::{Person, Store, Unit};
use reqwest::StatusCode;
use serde_json::Value;

crate::both!(a_constable_finds_colleagues_of_the_force_only);

/// The collar numbers of the people in an answer, in order.
fn ids(body: &Value) -> Vec<String> {
    body["people"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn a_constable_finds_colleagues_of_the_force_only(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "colleagues").await? else {
        return Ok(());
    };
    // A person of another force whose name matches the searches below.
    app.store()
        .upsert_unit(&Unit {
            id: "mercia-north".into(),
            name: "Mercia North".into(),
            force: "Mercia Police".into(),
            parent: None,
        })
        .await?;
    app.store()
        .upsert_person(&Person {
            id: "PC-4499".into(),
            name: "PC Amira Khan".into(),
            email: Some("khan@mercia.example".into()),
            workforce_role: Some("officer".into()),
            unit: Some("mercia-north".into()),
            line_manager: None,
            staff_association: None,
        })
        .await?;
    let pc = sign_in(&app, "PCSO-6120").await?;

    // By surname: Wessex's Sgt Khan, with the fields a recorder needs and no contact details.
    let (status, body) = pc.get(&app.api("/colleagues?q=khan")).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(&body), ["PS-2231"], "{body}");
    let khan = &body["people"][0];
    assert_eq!(khan["name"], "Sgt Amira Khan");
    assert_eq!(khan["unit"], "north-response");
    assert_eq!(khan["unit_name"], "Northern Response Team 2");
    assert_eq!(khan["workforce_role"], "officer");
    assert!(khan.get("email").is_none(), "no contact details: {khan}");
    assert!(khan.get("line_manager").is_none(), "{khan}");

    // By part of a collar number, by name; another force's PC-4499 never.
    let (_, body) = pc.get(&app.api("/colleagues?q=PC-44")).await?;
    assert_eq!(
        ids(&body),
        ["PC-4471", "PC-4410"],
        "Grace Obi, Tom Reed: {body}"
    );
    // The unit asked for comes first: Southern Response's sergeant before Northern's.
    let (_, body) = pc
        .get(&app.api("/colleagues?q=sgt&unit=south-response"))
        .await?;
    assert_eq!(ids(&body)[..2], ["PS-2570", "PS-2231"], "{body}");
    let (_, body) = pc.get(&app.api("/colleagues?q=sgt")).await?;
    assert_eq!(ids(&body)[..2], ["PS-2231", "PS-2570"], "{body}");
    let (_, body) = pc.get(&app.api("/colleagues?q=44")).await?;
    assert!(!ids(&body).contains(&"PC-4499".to_owned()), "{body}");

    // An exact collar number comes first, whatever its case.
    let (_, body) = pc.get(&app.api("/colleagues?q=ps-2570")).await?;
    assert_eq!(ids(&body).first().map(String::as_str), Some("PS-2570"));

    // Two words must both match.
    let (_, body) = pc.get(&app.api("/colleagues?q=amira%20reed")).await?;
    assert!(ids(&body).is_empty(), "{body}");

    // Bad searches name the parameter.
    for q in ["%20%20", &"x".repeat(101)] {
        let (status, body) = pc.get(&app.api(&format!("/colleagues?q={q}"))).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {body}");
        assert_eq!(body["errors"][0]["field"], "q", "{body}");
    }
    let (status, _) = pc.get(&app.api("/colleagues")).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Not signed in: 401.
    let res = app
        .client()
        .get(app.api("/colleagues?q=khan"))
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Each search is in the access log, under the searcher.
    let log = app.store().access_by_actor("PCSO-6120").await?;
    let searches = log
        .iter()
        .filter(|e| e.entry.what == "people directory search")
        .count();
    assert_eq!(searches, 7, "each answered search is logged");
    Ok(())
}
