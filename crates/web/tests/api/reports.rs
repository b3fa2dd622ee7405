//! `/api/v1/reports/pack` and `/api/v1/headcounts`: the same figures as the application's
//! pack, who may have which version, the named pack logged, and bad input named.

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use anyhow::{Context, ensure};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(the_pack_as_json, headcounts);

async fn the_pack_as_json(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "pack_json").await? else {
        return Ok(());
    };
    let analyst = sign_in(&app, "AN-5005").await?;
    let q = "/reports/pack?from=2025-01-01&to=2026-12-31&by=quarter";
    let (status, pack) = analyst.get(&app.api(q)).await?;
    ensure!(status == StatusCode::OK, "{status}: {pack}");
    ensure!(pack["version"] == "panel" && pack["force"] == "Wessex Constabulary");
    // The same figures as the application's pack for the same request.
    let req = pledge_app::reports::PackRequest {
        force: "Wessex Constabulary".into(),
        unit: None,
        from: "2025-01-01".parse()?,
        to: "2026-12-31".parse()?,
        by: pledge_app::reports::Bucket::Quarter,
        named: false,
        threshold: 5,
    };
    let want = pledge_app::reports::build(
        app.store(),
        &pledge_domain::calendar::Calendar::uk(),
        &req,
        app.state.now(),
    )
    .await?;
    let tables = serde_json::to_value(&want.tables)?;
    ensure!(
        pack["tables"] == tables,
        "API {} vs app {tables}",
        pack["tables"]
    );
    let cell = &pack["tables"][1]["rows"][0]["cells"][0];
    ensure!(cell["kind"].is_string(), "cells say what they are: {cell}");

    // The named version: not for the analyst; for the force lead, logged.
    let (status, _) = analyst.get(&app.api("/reports/pack?version=named")).await?;
    ensure!(status == StatusCode::FORBIDDEN, "{status}");
    let supervisor = sign_in(&app, "PS-2231").await?;
    let (status, _) = supervisor.get(&app.api("/reports/pack")).await?;
    ensure!(status == StatusCode::FORBIDDEN, "{status}");
    let lead = sign_in(&app, "CI-0101").await?;
    let (status, named) = lead.get(&app.api("/reports/pack?version=named")).await?;
    ensure!(
        status == StatusCode::OK && named["version"] == "named",
        "{status}: {named}"
    );
    let log = pledge_store::Store::access_by_actor(app.store(), "CI-0101").await?;
    ensure!(
        log.iter()
            .any(|e| e.entry.what.starts_with("named scrutiny pack")),
        "the named pack is in the access log: {log:?}"
    );

    // Bad input: a problem naming the field.
    for (query, field) in [
        ("/reports/pack?from=31-12-2025", "from"),
        ("/reports/pack?from=2026-02-01&to=2026-01-01", "to"),
        ("/reports/pack?by=week", "by"),
        ("/reports/pack?unit=nowhere", "unit"),
        ("/reports/pack?version=everything", "version"),
    ] {
        let (status, problem) = analyst.get(&app.api(query)).await?;
        ensure!(
            status == StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {status} {problem}"
        );
        ensure!(problem.to_string().contains(field), "{query}: {problem}");
    }
    let (status, problem) = analyst.get(&app.api("/reports/pack?colour=red")).await?;
    ensure!(
        status.is_client_error(),
        "an unknown parameter: {status} {problem}"
    );
    Ok(())
}

async fn headcounts(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "headcounts").await? else {
        return Ok(());
    };
    let admin = sign_in(&app, "ADM-9000").await?;
    let body = |unit: &str, role: &str, count: u32| json!({"unit": unit, "on": "2030-04-01", "role": role, "count": count});
    let (status, answer) = admin
        .post(
            &app.api("/headcounts"),
            &body("north-response", "officer", 77),
        )
        .await?;
    ensure!(status == StatusCode::NO_CONTENT, "{status}: {answer}");
    let (status, list) = admin.get(&app.api("/headcounts?on=2030-06-01")).await?;
    ensure!(status == StatusCode::OK, "{status}");
    let rows = list["headcounts"].as_array().context("headcounts")?;
    ensure!(
        rows.iter().any(|h| h["unit"] == "north-response"
            && h["role"] == "officer"
            && h["count"] == 77
            && h["on"] == "2030-04-01"),
        "{list}"
    );
    // Earlier dates keep the earlier figure.
    let (_, before) = admin.get(&app.api("/headcounts?on=2029-12-31")).await?;
    ensure!(!before.to_string().contains("2030-04-01"), "{before}");
    // Bad input names the field; nothing is saved.
    for (b, field) in [
        (body("north-response", "sergeant", 1), "role"),
        (body("nowhere", "officer", 1), "unit"),
        (
            json!({"unit": "north-response", "on": "April", "role": "officer", "count": 1}),
            "on",
        ),
        (
            json!({"unit": "north-response", "on": "2030-04-01", "role": "officer", "count": -1}),
            "count",
        ),
    ] {
        let (status, problem) = admin.post(&app.api("/headcounts"), &b).await?;
        ensure!(
            status == StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {status} {problem}"
        );
        ensure!(problem.to_string().contains(field), "{b}: {problem}");
    }
    // Only administrators (and HR systems) set them.
    let lead = sign_in(&app, "CI-0101").await?;
    let (status, _) = lead
        .post(
            &app.api("/headcounts"),
            &body("north-response", "officer", 1),
        )
        .await?;
    ensure!(status == StatusCode::FORBIDDEN, "{status}");
    let (_, after) = admin.get(&app.api("/headcounts?on=2030-06-01")).await?;
    ensure!(after == list, "nothing else was saved: {after}");
    let _: Value = after;
    Ok(())
}
